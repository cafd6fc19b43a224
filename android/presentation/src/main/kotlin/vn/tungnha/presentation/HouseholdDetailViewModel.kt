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
import vn.tungnha.core.HouseholdScreen

/**
 * One household: its members, each with their ladder in the 5 skills (level, since when,
 * through what: a visit and its volunteer, a self-report and its channel, a leader), the
 * visit history with group sessions and corrected visits marked, the indicators. The core's
 * `householdScreen` computes it all; this only loads and publishes it.
 */
class HouseholdDetailViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        val screen: HouseholdScreen? = null,
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var householdId: String? = null

    fun load(householdId: String): Job {
        this.householdId = householdId
        return refresh()
    }

    /** Read it again (after a visit, a verification, a sync). */
    fun refresh(): Job = scope.launch {
        val id = householdId ?: return@launch
        _state.update { it.copy(loading = true) }
        val r = call(io) { db.householdScreen(id) }
        _state.update {
            when (r) {
                is Outcome.Ok -> it.copy(loading = false, screen = r.value, error = null)
                is Outcome.Failed -> it.copy(loading = false, error = r.error)
            }
        }
    }
}
