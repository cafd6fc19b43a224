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
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.HouseholdSummary

/**
 * The volunteer's list: the households of their assignment with their status, a filter by
 * status and an accent-insensitive search within the list (`dang` finds `Đặng`).
 */
class HouseholdListViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    enum class Filter { ALL, NOT_VISITED, VISITED, GOAL_REACHED }

    data class Counts(val total: Int = 0, val notVisited: Int = 0, val visited: Int = 0, val goalReached: Int = 0)

    data class State(
        val loading: Boolean = false,
        /** The rows to show: the assignment, filtered by status and by the search. */
        val rows: List<HouseholdSummary> = emptyList(),
        val counts: Counts = Counts(),
        val filter: Filter = Filter.ALL,
        val query: String = "",
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var teamId: String? = null
    private var volunteerId: String? = null
    private var all: List<HouseholdSummary> = emptyList()
    /** Ids matching the current search; `null` when there is no search. */
    private var matches: Set<String>? = null
    private var searchJob: Job? = null

    /** Load the list of a team, or of one volunteer of it. */
    fun load(teamId: String, volunteerId: String? = null): Job {
        this.teamId = teamId
        this.volunteerId = volunteerId
        return refresh()
    }

    /** Read the list again (after a visit was recorded or a sync brought changes). */
    fun refresh(): Job = scope.launch {
        val team = teamId ?: return@launch
        _state.update { it.copy(loading = true, error = null) }
        when (val r = call(io) { db.assignmentHouseholds(team, volunteerId) }) {
            is Outcome.Ok -> {
                all = r.value
                publish { it.copy(loading = false) }
            }
            is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
        }
    }

    fun setFilter(filter: Filter) {
        publish { it.copy(filter = filter) }
    }

    /** Search within the list; a blank query shows the whole list again. */
    fun setQuery(query: String): Job {
        searchJob?.cancel()
        _state.update { it.copy(query = query) }
        val job = scope.launch {
            if (query.isBlank()) {
                matches = null
                publish { it }
                return@launch
            }
            when (val r = call(io) { db.search(query, null, SEARCH_LIMIT) }) {
                is Outcome.Ok -> {
                    matches = r.value.map { it.householdId }.toSet()
                    publish { it }
                }
                is Outcome.Failed -> _state.update { it.copy(error = r.error) }
            }
        }
        searchJob = job
        return job
    }

    private fun publish(change: (State) -> State) {
        _state.update { current ->
            val next = change(current)
            val byStatus = all.filter { next.filter.accepts(it.status) }
            val found = matches
            next.copy(rows = if (found == null) byStatus else byStatus.filter { it.id in found }, counts = counts(all))
        }
    }

    private fun Filter.accepts(status: HouseholdStatus) = when (this) {
        Filter.ALL -> true
        Filter.NOT_VISITED -> status == HouseholdStatus.NOT_VISITED
        Filter.VISITED -> status == HouseholdStatus.VISITED
        Filter.GOAL_REACHED -> status == HouseholdStatus.GOAL_REACHED
    }

    private fun counts(list: List<HouseholdSummary>) = Counts(
        total = list.size,
        notVisited = list.count { it.status == HouseholdStatus.NOT_VISITED },
        visited = list.count { it.status == HouseholdStatus.VISITED },
        goalReached = list.count { it.status == HouseholdStatus.GOAL_REACHED },
    )

    private companion object {
        const val SEARCH_LIMIT = 500u
    }
}
