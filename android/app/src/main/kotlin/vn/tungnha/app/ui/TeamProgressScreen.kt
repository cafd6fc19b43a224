package vn.tungnha.app.ui

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Verified
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.app.TeamProgressScreenModel
import vn.tungnha.core.MemberActivity
import vn.tungnha.core.TeamProgress

/**
 * A team leader's overview: the team's figures against the chosen campaign's targets (a bar
 * and the numbers for each), the household goal, and each member's work.
 */
@Composable
fun TeamProgressScreen(model: TeamProgressScreenModel, onBack: () -> Unit) {
    val vm = model.progress
    val state by vm.state.collectAsStateWithLifecycle()
    LifecycleResumeEffect(Unit) {
        vm.load(model.route.teamId, state.campaignId)
        onPauseOrDispose { }
    }
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.team_title), onBack) }) { padding ->
        val p = state.progress
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            ErrorBanner(state.error)
            if (state.campaigns.isNotEmpty()) {
                Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    ChoiceChip(state.campaignId == null, { vm.selectCampaign(null) }, stringResource(R.string.team_all_time))
                    state.campaigns.forEach { c -> ChoiceChip(state.campaignId == c.id, { vm.selectCampaign(c.id) }, c.name) }
                }
            }
            if (p == null) return@Column
            Text(p.teamName, style = MaterialTheme.typography.titleLarge)
            val first = p.firstDay
            val last = p.lastDay
            if (first != null && last != null) Text(stringResource(R.string.team_window, formatDay(first), formatDay(last)), style = MaterialTheme.typography.bodyMedium)
            Targets(p)
            HorizontalDivider()
            SectionTitle(stringResource(R.string.team_members))
            p.members.forEach { m -> MemberRow(m) }
        }
    }
}

@Composable
private fun Targets(p: TeamProgress) {
    val f = p.figures
    ProgressLine(stringResource(R.string.figures_households_visited), f.householdsVisited.toInt(), p.targets.householdsToVisit?.toInt(), p.householdsVisitedPercent?.toInt())
    ProgressLine(stringResource(R.string.figures_people_guided), f.peopleGuided.toInt(), p.targets.peopleToGuide?.toInt(), p.peopleGuidedPercent?.toInt())
    val households = f.households.toInt()
    val goalPercent = if (households > 0) (p.householdsGoalReached.toInt() * 100 / households) else null
    ProgressLine(plural(R.plurals.team_household_goal, p.householdGoal.toInt()), p.householdsGoalReached.toInt(), households.takeIf { it > 0 }, goalPercent)
    Text(stringResource(R.string.label_value, stringResource(R.string.figures_visits), f.visits.toString()), style = MaterialTheme.typography.bodyLarge)
    Text(stringResource(R.string.label_value, stringResource(R.string.figures_masters), f.peopleMasteringAll.toString()), style = MaterialTheme.typography.bodyLarge)
}

/** A figure against its target: the numbers in words, and a bar (read as the same words). */
@Composable
private fun ProgressLine(label: String, done: Int, target: Int?, percent: Int?) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        val text = if (target != null && percent != null) {
            stringResource(R.string.team_done_of_target, label, done, target, percent)
        } else {
            stringResource(R.string.team_done_no_target, label, done)
        }
        Text(text, style = MaterialTheme.typography.bodyLarge)
        if (percent != null) {
            LinearProgressIndicator(
                progress = { (percent.coerceAtMost(100)) / 100f },
                modifier = Modifier.fillMaxWidth().clearAndSetSemantics { contentDescription = text },
            )
        }
    }
}

@Composable
private fun MemberRow(m: MemberActivity) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                Text(m.fullName, style = MaterialTheme.typography.titleMedium)
                if (m.canVerify) Icon(Icons.Filled.Verified, contentDescription = null, modifier = Modifier.size(18.dp))
            }
            Text(m.roleName, style = MaterialTheme.typography.bodyMedium)
            Text(
                stringResource(
                    R.string.team_member_work,
                    plural(R.plurals.team_visits, m.visits.toInt()),
                    plural(R.plurals.team_group_sessions, m.groupSessions.toInt()),
                    plural(R.plurals.team_people_guided, m.peopleGuided.toInt()),
                ),
                style = MaterialTheme.typography.bodyMedium,
            )
            Text(stringResource(R.string.team_member_households, m.householdsVisited.toInt(), m.householdsGoalReached.toInt()), style = MaterialTheme.typography.bodyMedium)
            if (m.canVerify) Text(plural(R.plurals.team_verifications, m.verifications.toInt()), style = MaterialTheme.typography.bodyMedium)
            val last = m.lastActivityAt
            Text(
                if (last != null) stringResource(R.string.team_last_activity, formatDateTime(last)) else stringResource(R.string.team_no_activity),
                style = MaterialTheme.typography.bodySmall,
            )
        }
    }
}
