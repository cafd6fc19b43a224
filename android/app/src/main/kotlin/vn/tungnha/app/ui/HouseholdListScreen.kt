package vn.tungnha.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.BarChart
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.EmojiEvents
import androidx.compose.material.icons.filled.Groups
import androidx.compose.material.icons.filled.Checklist
import androidx.compose.material.icons.filled.PersonAdd
import androidx.compose.material.icons.filled.RadioButtonUnchecked
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.HouseholdsScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.HouseholdSummary
import vn.tungnha.presentation.HouseholdListViewModel.Filter

/** The volunteer's households: the sync bar, search within the list, status filters, the rows. */
@Composable
fun HouseholdListScreen(
    model: HouseholdsScreenModel,
    onRecordVisit: (householdId: String) -> Unit,
    onSelfReport: (householdId: String) -> Unit,
    onRegister: () -> Unit,
    onGroupSession: () -> Unit,
    onSearch: () -> Unit,
    onFigures: () -> Unit,
    onEnrolAgain: () -> Unit,
) {
    val state by model.list.state.collectAsStateWithLifecycle()
    val syncState by model.sync.state.collectAsStateWithLifecycle()
    // Back from a visit, a registration or a sync: the list and the queues may have changed.
    LifecycleResumeEffect(Unit) {
        model.refresh()
        onPauseOrDispose { }
    }
    LaunchedEffect(syncState.running) { if (!syncState.running && syncState.report != null) model.list.refresh() }

    Scaffold(
        topBar = {
            TungNhaTopBar(stringResource(R.string.households_title)) {
                IconButton(onClick = onSearch) { Icon(Icons.Filled.Search, stringResource(R.string.action_search_commune)) }
                IconButton(onClick = onFigures) { Icon(Icons.Filled.BarChart, stringResource(R.string.figures_title)) }
            }
        },
        floatingActionButton = {
            Column(horizontalAlignment = Alignment.End, verticalArrangement = Arrangement.spacedBy(12.dp)) {
                ExtendedFloatingActionButton(
                    onClick = onGroupSession,
                    icon = { Icon(Icons.Filled.Groups, contentDescription = null) },
                    text = { Text(stringResource(R.string.group_title)) },
                )
                ExtendedFloatingActionButton(
                    onClick = onRegister,
                    icon = { Icon(Icons.Filled.PersonAdd, contentDescription = null) },
                    text = { Text(stringResource(R.string.register_title)) },
                )
            }
        },
    ) { padding ->
        Column(Modifier.fillMaxSize().padding(padding)) {
            SyncBar(syncState, onSync = { model.sync.sync() }, onCancel = { model.sync.cancel() }, onEnrolAgain = onEnrolAgain)
            OutlinedTextField(
                value = state.query,
                onValueChange = { model.list.setQuery(it) },
                label = { Text(stringResource(R.string.households_search)) },
                leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(horizontal = 12.dp),
            )
            val c = state.counts
            Row(
                Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp, vertical = 4.dp),
                horizontalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                ChoiceChip(state.filter == Filter.ALL, { model.list.setFilter(Filter.ALL) }, stringResource(R.string.filter_all, c.total))
                ChoiceChip(state.filter == Filter.NOT_VISITED, { model.list.setFilter(Filter.NOT_VISITED) }, stringResource(R.string.filter_not_visited, c.notVisited))
                ChoiceChip(state.filter == Filter.VISITED, { model.list.setFilter(Filter.VISITED) }, stringResource(R.string.filter_visited, c.visited))
                ChoiceChip(state.filter == Filter.GOAL_REACHED, { model.list.setFilter(Filter.GOAL_REACHED) }, stringResource(R.string.filter_goal_reached, c.goalReached))
            }
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            ErrorBanner(state.error, Modifier.padding(12.dp))
            if (!state.loading && state.rows.isEmpty()) {
                Text(stringResource(R.string.households_empty), modifier = Modifier.padding(24.dp), style = MaterialTheme.typography.bodyLarge)
            }
            LazyColumn(Modifier.fillMaxSize()) {
                items(state.rows, key = { it.id }) { row ->
                    HouseholdRow(row, onClick = { onRecordVisit(row.id) }, onSelfReport = { onSelfReport(row.id) })
                    HorizontalDivider()
                }
            }
        }
    }
}

@Composable
private fun HouseholdRow(row: HouseholdSummary, onClick: () -> Unit, onSelfReport: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 72.dp).clickable(onClickLabel = stringResource(R.string.visit_title), onClick = onClick).padding(start = 16.dp, top = 8.dp, bottom = 8.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        HouseholdSummaryText(row, Modifier.weight(1f))
        IconButton(onClick = onSelfReport) {
            Icon(Icons.Filled.Checklist, contentDescription = stringResource(R.string.selfreport_for_household, row.headName))
        }
    }
}

/** The status with its own icon and words: never colour alone. */
@Composable
internal fun HouseholdStatusLine(row: HouseholdSummary) {
    val (icon, color) = when (row.status) {
        HouseholdStatus.NOT_VISITED -> Icons.Filled.RadioButtonUnchecked to MaterialTheme.colorScheme.onSurfaceVariant
        HouseholdStatus.VISITED -> Icons.Filled.CheckCircle to MaterialTheme.colorScheme.secondary
        HouseholdStatus.GOAL_REACHED -> Icons.Filled.EmojiEvents to MaterialTheme.colorScheme.primary
    }
    val text = when (row.status) {
        HouseholdStatus.NOT_VISITED -> stringResource(R.string.status_not_visited)
        HouseholdStatus.VISITED -> plural(R.plurals.status_visited_times, row.visitCount.toInt())
        HouseholdStatus.GOAL_REACHED -> plural(R.plurals.status_goal_reached_masters, row.masteredCount.toInt())
    }
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        Icon(icon, contentDescription = null, tint = color, modifier = Modifier.size(18.dp))
        Text(text, color = color, style = MaterialTheme.typography.bodyMedium)
    }
}

/** A household in a list: the head's name, the address and how many live there, its status in words. */
@Composable
fun HouseholdSummaryText(row: HouseholdSummary, modifier: Modifier = Modifier) {
    Column(modifier, verticalArrangement = Arrangement.spacedBy(2.dp)) {
        Text(row.headName, style = MaterialTheme.typography.titleMedium)
        Text(
            stringResource(R.string.household_address_members, row.address, plural(R.plurals.people_count, row.memberCount.toInt())),
            style = MaterialTheme.typography.bodyMedium,
        )
        HouseholdStatusLine(row)
    }
}
