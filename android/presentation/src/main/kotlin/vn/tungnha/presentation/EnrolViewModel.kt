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
import vn.tungnha.core.Enrolment

/** First start: enter the enrolment code a team leader or official gave (text or QR). */
class EnrolViewModel(
    private val db: DatabaseInterface,
    private val serverUrl: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(val checking: Boolean = false, val enrolment: Enrolment? = null, val busy: Boolean = false, val error: UiError? = null)

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** Whether this device is already enrolled (then the app skips this screen). */
    fun check(): Job = scope.launch {
        _state.update { it.copy(checking = true) }
        when (val r = call(io) { db.enrolment() }) {
            is Outcome.Ok -> _state.update { it.copy(checking = false, enrolment = r.value) }
            is Outcome.Failed -> _state.update { it.copy(checking = false, error = r.error) }
        }
    }

    fun enrol(code: String, deviceName: String): Job = scope.launch {
        _state.update { it.copy(busy = true, error = null) }
        when (val r = call(io) { db.enrol(serverUrl, code, deviceName) }) {
            is Outcome.Ok -> _state.update { it.copy(busy = false, enrolment = r.value) }
            is Outcome.Failed -> _state.update { it.copy(busy = false, error = r.error) }
        }
    }
}
