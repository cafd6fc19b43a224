package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Refresh
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.FiguresScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.Figures

/** The figures an official reports, as the core counts them from stored facts. */
@Composable
fun FiguresScreen(model: FiguresScreenModel, onBack: (() -> Unit)?) {
    val state by model.figures.state.collectAsStateWithLifecycle()
    Scaffold(
        topBar = {
            TungNhaTopBar(stringResource(R.string.figures_title), onBack) {
                IconButton(onClick = model::reload) { Icon(Icons.Filled.Refresh, stringResource(R.string.action_refresh)) }
            }
        },
    ) { padding ->
        Column(Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            ErrorBanner(state.error)
            state.figures?.let { FiguresBody(it, state.visitedPercent) }
        }
    }
}

@Composable
private fun FiguresBody(f: Figures, visitedPercent: Int) {
    val skills = remember { vn.tungnha.core.skills().associateBy { it.code } }
    val topics = remember { vn.tungnha.core.topics().associateBy { it.code } }
    val actions = remember { vn.tungnha.core.actions().associateBy { it.code } }

    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Figure(stringResource(R.string.figures_households), f.households.toString())
            Figure(stringResource(R.string.figures_households_visited), stringResource(R.string.figures_count_percent, f.householdsVisited.toInt(), visitedPercent))
            Figure(stringResource(R.string.figures_people), f.people.toString())
            Figure(stringResource(R.string.figures_people_guided), f.peopleGuided.toString())
            Figure(stringResource(R.string.figures_visits), f.visits.toString())
            Figure(stringResource(R.string.figures_household_visits), f.householdVisits.toString())
            Figure(stringResource(R.string.figures_group_sessions), f.groupSessions.toString())
            Figure(stringResource(R.string.figures_masters), f.peopleMasteringAll.toString())
            Figure(stringResource(R.string.figures_households_1_master), f.householdsWith1Master.toString())
            Figure(stringResource(R.string.figures_households_2_masters), f.householdsWith2Masters.toString())
        }
    }

    SectionTitle(stringResource(R.string.figures_skills))
    Row(Modifier.fillMaxWidth()) {
        Text("", Modifier.weight(2f))
        listOf(R.string.level_not_started, R.string.level_guided, R.string.level_self_reported, R.string.level_verified).forEach {
            Text(stringResource(it), Modifier.weight(1f), style = MaterialTheme.typography.labelSmall, textAlign = TextAlign.End)
        }
    }
    f.skills.forEach { s ->
        val name = skills[s.skill]?.name() ?: s.skill
        val row = stringResource(R.string.figures_skill_row_a11y, name, s.notStarted.toInt(), s.guided.toInt(), s.selfReported.toInt(), s.verified.toInt())
        // Read as one sentence by screen readers; shown as a table row.
        Row(Modifier.fillMaxWidth().clearAndSetSemantics { contentDescription = row }) {
            Text(name, Modifier.weight(2f), style = MaterialTheme.typography.bodyMedium)
            listOf(s.notStarted, s.guided, s.selfReported, s.verified).forEach {
                Text(it.toString(), Modifier.weight(1f), style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.End)
            }
        }
        HorizontalDivider()
    }

    SectionTitle(stringResource(R.string.figures_topics))
    f.topics.forEach { t ->
        val name = topics[t.topic]?.name() ?: stringResource(R.string.visit_local_topic)
        Figure(name, stringResource(R.string.figures_visits_people, t.visits.toInt(), t.people.toInt()))
    }

    SectionTitle(stringResource(R.string.figures_actions))
    f.actions.forEach { a -> Figure(actions[a.action]?.name() ?: a.action, a.people.toString()) }

    SectionTitle(stringResource(R.string.figures_indicators))
    f.indicators.forEach { i ->
        val label = indicatorLabel(i.indicator)?.let { stringResource(it) } ?: i.indicator
        Figure(label, stringResource(R.string.figures_yes_no_unknown, i.yes.toInt(), i.no.toInt(), i.unknown.toInt()))
    }
}

@Composable
private fun Figure(label: String, value: String) {
    Row(Modifier.fillMaxWidth().padding(vertical = 2.dp)) {
        Text(label, Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
        Text(value, style = MaterialTheme.typography.titleMedium, textAlign = TextAlign.End)
    }
}
