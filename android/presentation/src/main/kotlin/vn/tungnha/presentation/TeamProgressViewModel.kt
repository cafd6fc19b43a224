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
import vn.tungnha.core.Campaign
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.TeamProgress

/**
 * A team leader's overview: the team's figures against the chosen campaign's targets and
 * each member's work (visits, people guided, households visited and at the goal, last
 * activity), all counted by the core as every report counts them.
 */
class TeamProgressViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        /** The campaigns on this device, to choose from. */
        val campaigns: List<Campaign> = emptyList(),
        /** The campaign counted; `null`: all time. */
        val campaignId: String? = null,
        val progress: TeamProgress? = null,
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var teamId: String? = null

    /** Team [teamId] (this device's own team when `null`) in campaign [campaignId] (all time when `null`). */
    fun load(teamId: String? = null, campaignId: String? = null): Job = scope.launch {
        _state.update { it.copy(loading = true, error = null, campaignId = campaignId) }
        val r = call(io) {
            val team = teamId ?: this@TeamProgressViewModel.teamId ?: db.enrolment()?.teamId
            Triple(team, db.campaigns(), team?.let { db.teamProgress(it, campaignId) })
        }
        when (r) {
            is Outcome.Ok -> {
                this@TeamProgressViewModel.teamId = r.value.first
                _state.update { it.copy(loading = false, campaigns = r.value.second, progress = r.value.third) }
            }
            is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
        }
    }

    /** Count another campaign (or all time with `null`). */
    fun selectCampaign(campaignId: String?): Job = load(teamId, campaignId)
}
