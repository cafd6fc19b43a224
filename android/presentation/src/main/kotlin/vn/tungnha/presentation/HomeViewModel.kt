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
import vn.tungnha.core.HomeQuery
import vn.tungnha.core.HomeScreen
import vn.tungnha.core.HouseholdFilter
import java.time.LocalDate
import java.time.ZoneId
import java.util.concurrent.atomic.AtomicLong

/**
 * The volunteer's home: today's work, the assignment filtered by village, status and search
 * (accent-insensitive), the chips' counts, unsent/refused counts and the last sync — all
 * computed by the core's `home`; this only holds the query and publishes the answer. Sync
 * itself (button, progress, cancel) is [SyncViewModel]'s.
 */
class HomeViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    /** Today, as a Vietnamese calendar day. */
    private val today: () -> LocalDate = { LocalDate.now(VIETNAM) },
) {
    data class State(
        val loading: Boolean = false,
        val query: HomeQuery = HomeQuery(filter = HouseholdFilter.ALL),
        val screen: HomeScreen? = null,
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var teamId: String? = null
    private var volunteerId: String? = null
    private val generation = AtomicLong()

    /** Show the home of a volunteer of a team. */
    fun load(teamId: String, volunteerId: String): Job {
        this.teamId = teamId
        this.volunteerId = volunteerId
        return refresh()
    }

    fun setFilter(filter: HouseholdFilter): Job = change { it.copy(filter = filter, offset = 0u) }

    /** One village of the assignment, or `null` for all. */
    fun setVillage(villageId: String?): Job = change { it.copy(village = villageId, offset = 0u) }

    /** Search text; blank shows the whole assignment again. */
    fun setSearch(text: String): Job = change { it.copy(search = text, offset = 0u) }

    /** The next page, if there is one. */
    fun nextPage(): Job {
        val next = _state.value.screen?.nextOffset ?: return Job().apply { complete() }
        return change { it.copy(offset = next) }
    }

    private fun change(edit: (HomeQuery) -> HomeQuery): Job {
        _state.update { it.copy(query = edit(it.query)) }
        return refresh()
    }

    /** Read the home again (after a visit was saved, after a sync). Only the newest answer is shown. */
    fun refresh(): Job {
        val team = teamId ?: return Job().apply { complete() }
        val volunteer = volunteerId ?: return Job().apply { complete() }
        val n = generation.incrementAndGet()
        val query = _state.value.query
        _state.update { it.copy(loading = true) }
        return scope.launch {
            val r = call(io) { db.home(team, volunteer, today(), query) }
            if (n != generation.get()) return@launch
            _state.update {
                when (r) {
                    is Outcome.Ok -> it.copy(loading = false, screen = r.value, error = null)
                    is Outcome.Failed -> it.copy(loading = false, error = r.error)
                }
            }
        }
    }

    companion object {
        val VIETNAM: ZoneId = ZoneId.of("Asia/Ho_Chi_Minh")
    }
}
