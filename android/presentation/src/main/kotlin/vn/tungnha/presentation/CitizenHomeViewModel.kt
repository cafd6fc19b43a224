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
import vn.tungnha.core.CitizenHome
import vn.tungnha.core.Database
import vn.tungnha.core.LearnMore
import vn.tungnha.core.SkillChoice

/**
 * A citizen's home, after enrolling with their household's code: each person with their
 * level in each of the 5 skills and the household's progress ([State.home]); the 5 skills
 * in plain words with where to learn them; and the self-report form ([report], the core's
 * `SelfReportForm`) to tick what each person can do and submit.
 */
class CitizenHomeViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        val householdId: String? = null,
        val home: CitizenHome? = null,
        /** Reports saved by the last submit (one per person who ticked something). */
        val submitted: Int = 0,
        val error: UiError? = null,
    )

    /** The 5 skills, named and in plain words (the core's texts). */
    val skillChoices: List<SkillChoice> by lazy { vn.tungnha.core.skillChoices() }

    /** Where to learn them: the free national course. */
    val learnMore: LearnMore by lazy { vn.tungnha.core.learnMore() }

    /** Ticking and submitting (the household's members, nothing ticked, once [open] ran). */
    val report = SelfReportViewModel(db, scope, Channel.APP, io)

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** Household [householdId], this device's own when `null`. */
    fun open(householdId: String? = null): Job = scope.launch {
        _state.value = State(loading = true)
        when (val r = call(io) { householdId ?: db.enrolment()?.householdId }) {
            is Outcome.Ok -> {
                val h = r.value
                if (h == null) {
                    _state.update { it.copy(loading = false) }
                    return@launch
                }
                _state.update { it.copy(householdId = h) }
                reload().join()
                report.open(h).join()
                _state.update { it.copy(loading = false) }
            }
            is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
        }
    }

    fun toggle(personId: String, skill: String): Job = report.toggle(personId, skill)

    /** Submit the ticks; the household's progress is read again, and the form starts again empty. */
    fun submit(): Job = scope.launch {
        report.save().join()
        val saved = report.state.value.savedIds.size
        if (saved == 0) return@launch
        _state.update { it.copy(submitted = saved) }
        reload().join()
        _state.value.householdId?.let { report.open(it).join() }
    }

    /** Read the household again (e.g. after a sync). */
    fun reload(): Job = scope.launch {
        val h = _state.value.householdId ?: return@launch
        when (val r = call(io) { db.citizenHome(h) }) {
            is Outcome.Ok -> _state.update { it.copy(home = r.value, error = null) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }
}
