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
import vn.tungnha.core.EnrolTarget
import vn.tungnha.core.Enrolment
import vn.tungnha.core.EnrolmentSummary
import vn.tungnha.core.parseEnrolInput

/**
 * First start: the code a team leader or official gave, scanned from their QR code or typed.
 * The core reads what was scanned or typed (a QR code names its server; a typed code uses
 * [serverUrl]); once enrolled, the screen shows the role and the area received
 * ([State.summary]; the team's and household's names arrive with the first sync: call
 * [refreshSummary] after it).
 */
class EnrolViewModel(
    private val db: DatabaseInterface,
    private val serverUrl: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val checking: Boolean = false,
        val enrolment: Enrolment? = null,
        /** The role and area received, with the names this device knows. */
        val summary: EnrolmentSummary? = null,
        /** What the camera or keyboard gave, as the core read it (before enrolling). */
        val scanned: EnrolTarget? = null,
        val busy: Boolean = false,
        /** A failure; for unreadable input its `fieldMessages["code"]` says what is wrong. */
        val error: UiError? = null,
    ) {
        val enrolled: Boolean get() = enrolment != null
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** Whether this device is already enrolled (then the app skips this screen). */
    fun check(): Job = scope.launch {
        _state.update { it.copy(checking = true) }
        when (val r = call(io) { db.enrolment() to db.enrolmentSummary() }) {
            is Outcome.Ok -> _state.update { it.copy(checking = false, enrolment = r.value.first, summary = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(checking = false, error = r.error) }
        }
    }

    /** Read what the camera scanned or the person typed, without enrolling (to show the server it names). */
    fun read(scannedOrTyped: String): Job = scope.launch {
        when (val r = call(io) { parseEnrolInput(scannedOrTyped) }) {
            is Outcome.Ok -> _state.update { it.copy(scanned = r.value, error = null) }
            is Outcome.Failed -> _state.update { it.copy(scanned = null, error = r.error) }
        }
    }

    /** Enrol with a scanned QR code or a typed code. */
    fun enrol(scannedOrTyped: String, deviceName: String): Job = scope.launch {
        _state.update { it.copy(busy = true, error = null) }
        when (val r = call(io) { db.enrolScanned(scannedOrTyped, serverUrl, deviceName).let { s -> db.enrolment() to s } }) {
            is Outcome.Ok -> _state.update { it.copy(busy = false, enrolment = r.value.first, summary = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(busy = false, error = r.error) }
        }
    }

    /** Read the summary again (after the first sync brought the team's or household's names). */
    fun refreshSummary(): Job = scope.launch {
        when (val r = call(io) { db.enrolmentSummary() }) {
            is Outcome.Ok -> _state.update { it.copy(summary = r.value) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }
}
