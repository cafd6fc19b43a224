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
import vn.tungnha.core.CodeRequest
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.IssuedCode
import vn.tungnha.core.Role
import vn.tungnha.core.enrolLink

/**
 * A team leader issues an enrolment code: for a member of their team (a volunteer's new
 * phone) or for a household of their area (the citizen's phone). The server decides who
 * may issue what; a refusal is [State.error] with the server's code (`FORBIDDEN` outside
 * the team or area) and message. The screen shows the code, its expiry and a QR code of
 * [State.qrPayload] (which names this app's server).
 */
class IssueCodeViewModel(
    private val db: DatabaseInterface,
    private val serverUrl: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    /** Whom a code is for. */
    sealed interface For {
        data class Member(val teamId: String, val memberId: String, val role: Role) : For
        data class Household(val householdId: String) : For
    }

    data class State(
        val busy: Boolean = false,
        val forWhom: For? = null,
        val issued: IssuedCode? = null,
        /** What the QR code holds (the code and this app's server). */
        val qrPayload: String? = null,
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** A code for a member of the leader's team (a volunteer by default). */
    fun forMember(teamId: String, memberId: String, holderName: String? = null, role: Role = Role.VOLUNTEER): Job =
        issue(For.Member(teamId, memberId, role), CodeRequest(role = role, teamId = teamId, memberId = memberId, holderName = holderName))

    /** A code for the citizen of a household of the leader's area. */
    fun forHousehold(householdId: String, holderName: String? = null): Job =
        issue(For.Household(householdId), CodeRequest(role = Role.CITIZEN, householdId = householdId, holderName = holderName))

    /** Forget the shown code (it is shown once). */
    fun clear() {
        _state.value = State()
    }

    private fun issue(forWhom: For, request: CodeRequest): Job = scope.launch {
        if (_state.value.busy) return@launch
        _state.value = State(busy = true, forWhom = forWhom)
        when (val r = call(io) { db.issueCode(serverUrl, request).let { it to enrolLink(serverUrl, it.code) } }) {
            is Outcome.Ok -> _state.update { it.copy(busy = false, issued = r.value.first, qrPayload = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(busy = false, error = r.error) }
        }
    }
}
