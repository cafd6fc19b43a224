package vn.tungnha.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.SyncCancel
import vn.tungnha.core.SyncListener
import vn.tungnha.core.SyncPhase
import vn.tungnha.core.SyncProgress
import vn.tungnha.core.SyncReport
import vn.tungnha.core.SyncSettings
import java.time.Instant

/**
 * The sync button and its progress bar, the cancel button, and a typed one-line status (the
 * screen maps [Status] to its string resources; no sentence is made here). What sync left
 * for people to look at in detail (refused changes, set-aside records, conflicts) is
 * [SyncStatusViewModel]'s.
 */
class SyncViewModel(
    private val db: DatabaseInterface,
    private val serverUrl: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val settings: SyncSettings? = null,
) {
    /** What the status bar says, as a type: the screen picks the string resource. */
    sealed interface Status {
        data object Idle : Status
        data object Sending : Status
        data object Applying : Status
        /** The connection failed; the sync waits and tries again. */
        data object Retrying : Status
        /** The last sync failed: show the core's message ([UiError.message]) and act on its action. */
        data class Failed(val error: UiError) : Status
        /** Changes still wait to be sent. */
        data class Unsent(val count: ULong) : Status
        /** The server refused changes: the sync status screen shows them. */
        data class Refused(val count: UInt) : Status
        data object Synced : Status
    }

    data class State(
        val running: Boolean = false,
        val progress: SyncProgress? = null,
        /** How many progress reports the current or last sync sent. */
        val progressReports: Int = 0,
        val report: SyncReport? = null,
        val error: UiError? = null,
        val pending: ULong = 0u,
        val refused: UInt = 0u,
        val setAside: UInt = 0u,
        val conflicts: UInt = 0u,
        val lastSyncAt: Instant? = null,
    ) {
        /** This device must be enrolled (again) before it can sync: show the enrolment screen. */
        val mustEnrol: Boolean get() = error?.action == ErrorAction.ENROL

        /** This app version can no longer sync (or read its data): send the person to the app store. */
        val mustUpdate: Boolean get() = error?.action == ErrorAction.UPDATE_APP

        /** The status bar's one line, as a type. */
        val status: Status
            get() = when {
                running -> when (progress?.phase) {
                    SyncPhase.RETRYING -> Status.Retrying
                    SyncPhase.APPLYING -> Status.Applying
                    else -> Status.Sending
                }
                error != null -> Status.Failed(error)
                pending > 0u -> Status.Unsent(pending)
                refused > 0u -> Status.Refused(refused)
                report != null || lastSyncAt != null -> Status.Synced
                else -> Status.Idle
            }
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var cancel: SyncCancel? = null
    private var job: Job? = null

    private val listener = object : SyncListener {
        // Called on the sync's thread; StateFlow updates are thread-safe.
        override fun onProgress(progress: SyncProgress) {
            _state.update { it.copy(progress = progress, progressReports = it.progressReports + 1) }
        }
    }

    /** Start a sync (or return the one already running). */
    @Synchronized
    fun sync(): Job {
        job?.takeIf { it.isActive }?.let { return it }
        val token = SyncCancel()
        cancel = token
        _state.update { it.copy(running = true, error = null, progress = null, progressReports = 0) }
        val started = scope.launch {
            try {
                val r = call(io) { db.sync(serverUrl, settings, listener, token) }
                _state.update {
                    when (r) {
                        is Outcome.Ok -> it.copy(running = false, report = r.value)
                        is Outcome.Failed -> it.copy(running = false, error = r.error)
                    }
                }
                refreshQueues().join()
            } finally {
                token.close()
            }
        }
        job = started
        return started
    }

    /** Stop the running sync before its next round trip (what was exchanged is kept). */
    @Synchronized
    fun cancel() {
        cancel?.cancel()
    }

    /** Read the counts again (after a save, a fix or a discard). */
    fun refreshQueues(): Job = scope.launch {
        when (val r = call(io) { db.syncStatus() }) {
            is Outcome.Ok -> _state.update {
                it.copy(
                    pending = r.value.pending,
                    refused = r.value.refusedTotal,
                    setAside = r.value.setAside,
                    conflicts = r.value.conflicts,
                    lastSyncAt = r.value.lastSyncAt,
                )
            }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }
}
