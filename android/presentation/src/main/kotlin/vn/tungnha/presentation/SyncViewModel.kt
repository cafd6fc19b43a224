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
import vn.tungnha.core.Conflict
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.RejectedOp
import vn.tungnha.core.SyncCancel
import vn.tungnha.core.SyncListener
import vn.tungnha.core.SyncPhase
import vn.tungnha.core.SyncProgress
import vn.tungnha.core.SyncReport
import vn.tungnha.core.SyncSettings

/**
 * The sync button and its progress bar, the cancel button, and what sync leaves for people
 * to look at: work still waiting, operations the server refused, conflicts.
 */
class SyncViewModel(
    private val db: DatabaseInterface,
    private val serverUrl: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val settings: SyncSettings? = null,
) {
    data class State(
        val running: Boolean = false,
        val progress: SyncProgress? = null,
        /** How many progress reports the current or last sync sent. */
        val progressReports: Int = 0,
        val report: SyncReport? = null,
        val error: UiError? = null,
        val pending: ULong = 0u,
        val rejected: List<RejectedOp> = emptyList(),
        val conflicts: List<Conflict> = emptyList(),
    ) {
        /** This device must be enrolled (again) before it can sync: show the enrolment screen. */
        val mustEnrol: Boolean get() = error?.action == ErrorAction.ENROL

        /** This app version can no longer sync (or read its data): send the person to the app store. */
        val mustUpdate: Boolean get() = error?.action == ErrorAction.UPDATE_APP

        /** One line for the status bar, in Vietnamese. */
        val statusLine: String
            get() = when {
                running -> when (progress?.phase) {
                    SyncPhase.RETRYING -> "Mất kết nối, đang thử lại…"
                    SyncPhase.APPLYING -> "Đang cập nhật dữ liệu…"
                    else -> "Đang gửi dữ liệu…"
                }
                error != null -> error.message
                pending > 0u -> "Còn $pending thay đổi chưa gửi"
                rejected.isNotEmpty() -> "${rejected.size} thay đổi bị máy chủ từ chối"
                report != null -> "Đã đồng bộ"
                else -> ""
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

    fun refreshQueues(): Job = scope.launch {
        val r = call(io) { Triple(db.pendingCount(), db.rejectedOps(), db.conflicts()) }
        if (r is Outcome.Ok) {
            _state.update { it.copy(pending = r.value.first, rejected = r.value.second, conflicts = r.value.third) }
        } else if (r is Outcome.Failed) {
            _state.update { it.copy(error = r.error) }
        }
    }

    /** Someone read a refused change and drops it. */
    fun discard(opId: String): Job = scope.launch {
        call(io) { db.discardRejected(opId) }
        refreshQueues().join()
    }
}
