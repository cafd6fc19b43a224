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
import vn.tungnha.core.CorrectionDraft
import vn.tungnha.core.CorrectionForm
import vn.tungnha.core.Database
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.FormState
import vn.tungnha.core.Member
import vn.tungnha.core.Problem
import vn.tungnha.core.SkillChoice
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.VerificationForm

/**
 * A team leader with one person: ticks the skills they saw the person do (all verified in
 * one save), or corrects one skill's level with the reason (the only way a level goes
 * down, kept for audit). The core's `VerificationForm` and `CorrectionForm` hold and check
 * what the leader enters; the person's levels are read again after each save. On a team
 * leader's phone the leader is the member the phone is enrolled as.
 */
class VerifyViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        /** The person, with their level in each of the 5 skills. */
        val member: Member? = null,
        /** Skills ticked as seen. */
        val ticked: List<String> = emptyList(),
        val form: FormState? = null,
        /** The correction being written, if any. */
        val correction: CorrectionDraft? = null,
        val correctionForm: FormState? = null,
        val saving: Boolean = false,
        val verified: List<String> = emptyList(),
        val correctedId: String? = null,
        val error: UiError? = null,
    ) {
        val problems: Map<String, List<Problem>> get() = problemsByField(form?.problems.orEmpty())
        val correctionProblems: Map<String, List<Problem>> get() = problemsByField(correctionForm?.problems.orEmpty())
        val canVerify: Boolean get() = !saving && member != null && form?.canSave == true
        val canCorrect: Boolean get() = !saving && member != null && correctionForm?.canSave == true
    }

    /** The 5 skills, named and in plain words (the core's texts). */
    val skillChoices: List<SkillChoice> by lazy { vn.tungnha.core.skillChoices() }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var householdId: String? = null
    private var personId: String? = null
    private var leaderId: String? = null
    private var verification: VerificationForm? = null
    private var correction: CorrectionForm? = null

    private val verificationRefresh = FormRefresh(scope, io, { checkNotNull(verification).let { it.draft() to it.state() } }) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { it.copy(ticked = r.value.first.skills, form = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }
    private val correctionRefresh = FormRefresh(scope, io, { checkNotNull(correction).let { it.draft() to it.state() } }) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { it.copy(correction = r.value.first, correctionForm = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    /**
     * The leader `leaderId` with person `personId` of household `householdId`. Without
     * `leaderId`, the team member this device is enrolled as (a team leader's phone).
     */
    fun open(householdId: String, personId: String, leaderId: String? = null): Job {
        this.householdId = householdId
        this.personId = personId
        this.leaderId = null
        verification = null
        correction = null
        _state.value = State(loading = true)
        return scope.launch {
            val r = call(io) {
                val leader = leaderId ?: db.enrolment()?.memberId
                leader?.let { Triple(it, VerificationForm(personId, it), member()) }
            }
            when (r) {
                is Outcome.Ok -> {
                    val opened = r.value
                    if (opened == null) {
                        _state.update { it.copy(loading = false, error = uiError(ErrorCode.NOT_ENROLLED)) }
                        return@launch
                    }
                    this@VerifyViewModel.leaderId = opened.first
                    verification = opened.second
                    _state.update { it.copy(member = opened.third) }
                    verificationRefresh.refresh().join()
                    _state.update { it.copy(loading = false) }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun toggle(skill: String): Job {
        val f = verification ?: return Job().apply { complete() }
        return verificationRefresh.edit { f.toggle(skill) }
    }

    /** Verify every ticked skill, all or none; the form starts again empty. */
    fun verify(): Job = scope.launch {
        val f = verification ?: return@launch
        if (_state.value.saving) return@launch
        _state.update { it.copy(saving = true, error = null) }
        when (val r = call(io) { Triple(f.save(db), member(), VerificationForm(checkNotNull(personId), checkNotNull(leaderId))) }) {
            is Outcome.Ok -> {
                verification = r.value.third
                _state.update { it.copy(saving = false, verified = r.value.first, member = r.value.second) }
                verificationRefresh.refresh().join()
            }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    /** Start correcting `skill` to `toLevel`; the reason is still to write. */
    fun startCorrection(skill: String, toLevel: SkillLevel): Job = scope.launch {
        when (val r = call(io) { CorrectionForm(checkNotNull(personId), checkNotNull(leaderId), skill, toLevel) }) {
            is Outcome.Ok -> {
                correction = r.value
                _state.update { it.copy(correctedId = null) }
                correctionRefresh.refresh().join()
            }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    fun setCorrectionLevel(level: SkillLevel) = correct { it.setToLevel(level) }
    fun setReason(reason: String) = correct { it.setReason(reason) }

    fun saveCorrection(): Job = scope.launch {
        val f = correction ?: return@launch
        if (_state.value.saving) return@launch
        _state.update { it.copy(saving = true, error = null) }
        when (val r = call(io) { f.save(db) to member() }) {
            is Outcome.Ok -> {
                correction = null
                _state.update { it.copy(saving = false, correctedId = r.value.first, member = r.value.second, correction = null, correctionForm = null) }
            }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    private fun correct(change: (CorrectionForm) -> Unit): Job {
        val f = correction ?: return Job().apply { complete() }
        return correctionRefresh.edit { change(f) }
    }

    /** The person as the household screen shows them, with their levels now. */
    private fun member(): Member? {
        val id = checkNotNull(personId)
        return db.householdDetail(checkNotNull(householdId)).members.firstOrNull { it.person.id == id }
    }
}
