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
import vn.tungnha.core.Channel
import vn.tungnha.core.Database
import vn.tungnha.core.FormState
import vn.tungnha.core.LearnMore
import vn.tungnha.core.PersonSkills
import vn.tungnha.core.Problem
import vn.tungnha.core.SelfReportForm
import vn.tungnha.core.SkillChoice

/**
 * A household's self-report: for each person, the 5 skills in plain words, ticked by the
 * citizen (in the app, or told to a volunteer); one save for everyone. The core's
 * `SelfReportForm` holds the ticks and checks them.
 */
class SelfReportViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val channel: Channel = Channel.APP,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        /** Each member with the skills ticked for them. */
        val people: List<PersonSkills> = emptyList(),
        val form: FormState? = null,
        val saving: Boolean = false,
        /** One saved report per person who ticked something. */
        val savedIds: List<String> = emptyList(),
        val error: UiError? = null,
    ) {
        val problems: Map<String, List<Problem>> get() = problemsByField(form?.problems.orEmpty())
        val canSave: Boolean get() = !saving && !loading && savedIds.isEmpty() && form?.canSave == true
    }

    /** The 5 skills, named and in plain words (the core's texts). */
    val skillChoices: List<SkillChoice> by lazy { vn.tungnha.core.skillChoices() }

    /** Where to learn them: the free national course. */
    val learnMore: LearnMore by lazy { vn.tungnha.core.learnMore() }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var form: SelfReportForm? = null
    private val refresh = FormRefresh(scope, io, { checkNotNull(form).let { it.draft() to it.state() } }) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { it.copy(people = r.value.first.people, form = r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    /** The household's members, nothing ticked. */
    fun open(householdId: String): Job = start { SelfReportForm.forHousehold(db, householdId, channel) }

    /** The form as [draftJson] kept it. */
    fun restore(json: String): Job = start { SelfReportForm.fromJson(json) }

    fun draftJson(): String? = form?.toJson()

    fun toggle(personId: String, skill: String) = edit { it.toggle(personId, skill) }

    fun save(): Job = scope.launch {
        val f = form ?: return@launch
        if (_state.value.saving) return@launch
        _state.update { it.copy(saving = true, error = null) }
        when (val r = call(io) { f.save(db) }) {
            is Outcome.Ok -> _state.update { it.copy(saving = false, savedIds = r.value.map { s -> s.id }) }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    private fun start(make: () -> SelfReportForm): Job {
        form = null
        _state.value = State(loading = true)
        return scope.launch {
            when (val r = call(io, make)) {
                is Outcome.Ok -> {
                    form = r.value
                    refresh.refresh().join()
                    _state.update { it.copy(loading = false) }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    private fun edit(change: (SelfReportForm) -> Unit): Job {
        val f = form ?: return Job().apply { complete() }
        return refresh.edit { change(f) }
    }
}
