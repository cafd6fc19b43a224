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
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.BarChart
import androidx.compose.material.icons.filled.EditNote
import androidx.compose.material.icons.filled.Groups
import androidx.compose.material.icons.filled.Insights
import androidx.compose.material.icons.automirrored.filled.List
import androidx.compose.material.icons.filled.MoreVert
import androidx.compose.material.icons.filled.PersonAdd
import androidx.compose.material.icons.filled.QrCode
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.HomeScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.HouseholdFilter
import vn.tungnha.core.HouseholdSummary
import vn.tungnha.core.TodaysWork

/** Where the home screen leads. */
class HomeActions(
    val onHousehold: (householdId: String) -> Unit,
    val onRecordVisit: (householdId: String) -> Unit,
    val onRegister: () -> Unit,
    val onGroupSession: () -> Unit,
    val onSearch: () -> Unit,
    val onSyncStatus: () -> Unit,
    val onSettings: () -> Unit,
    val onAllHouseholds: () -> Unit,
    val onFigures: () -> Unit,
    val onEnrolAgain: () -> Unit,
    /** Leaders only (`null` for a volunteer). */
    val onTeamProgress: (() -> Unit)?,
    val onIssueCode: (() -> Unit)?,
)

/**
 * A volunteer's (or leader's) start: the sync bar (progress, cancel, unsent and refused, last
 * sync), today's work, search, status chips and village chips with their counts, and the
 * households of the assignment; each row shows its status by icon and words.
 */
@Composable
fun HomeScreen(model: HomeScreenModel, actions: HomeActions) {
    val state by model.home.state.collectAsStateWithLifecycle()
    val syncState by model.sync.state.collectAsStateWithLifecycle()
    LifecycleResumeEffect(Unit) {
        model.refresh()
        onPauseOrDispose { }
    }
    LaunchedEffect(syncState.running) { if (!syncState.running && syncState.report != null) model.home.refresh() }
    var menu by remember { mutableStateOf(false) }

    Scaffold(
        topBar = {
            TungNhaTopBar(stringResource(R.string.home_title)) {
                IconButton(onClick = actions.onSearch) { Icon(Icons.Filled.Search, stringResource(R.string.action_search_commune)) }
                IconButton(onClick = actions.onSettings) { Icon(Icons.Filled.Settings, stringResource(R.string.settings_title)) }
                IconButton(onClick = { menu = true }) { Icon(Icons.Filled.MoreVert, stringResource(R.string.action_more)) }
                DropdownMenu(expanded = menu, onDismissRequest = { menu = false }) {
                    DropdownMenuItem(
                        text = { Text(stringResource(R.string.households_title)) },
                        leadingIcon = { Icon(Icons.AutoMirrored.Filled.List, contentDescription = null) },
                        onClick = { menu = false; actions.onAllHouseholds() },
                    )
                    DropdownMenuItem(
                        text = { Text(stringResource(R.string.figures_title)) },
                        leadingIcon = { Icon(Icons.Filled.BarChart, contentDescription = null) },
                        onClick = { menu = false; actions.onFigures() },
                    )
                    actions.onTeamProgress?.let { go ->
                        DropdownMenuItem(
                            text = { Text(stringResource(R.string.team_title)) },
                            leadingIcon = { Icon(Icons.Filled.Insights, contentDescription = null) },
                            onClick = { menu = false; go() },
                        )
                    }
                    actions.onIssueCode?.let { go ->
                        DropdownMenuItem(
                            text = { Text(stringResource(R.string.issue_title)) },
                            leadingIcon = { Icon(Icons.Filled.QrCode, contentDescription = null) },
                            onClick = { menu = false; go() },
                        )
                    }
                }
            }
        },
        floatingActionButton = {
            Column(horizontalAlignment = Alignment.End, verticalArrangement = Arrangement.spacedBy(12.dp)) {
                ExtendedFloatingActionButton(
                    onClick = actions.onGroupSession,
                    icon = { Icon(Icons.Filled.Groups, contentDescription = null) },
                    text = { Text(stringResource(R.string.group_title)) },
                )
                ExtendedFloatingActionButton(
                    onClick = actions.onRegister,
                    icon = { Icon(Icons.Filled.PersonAdd, contentDescription = null) },
                    text = { Text(stringResource(R.string.register_title)) },
                )
            }
        },
    ) { padding ->
        val screen = state.screen
        LazyColumn(Modifier.fillMaxSize().padding(padding)) {
            item {
                SyncBar(
                    syncState,
                    onSync = { model.sync.sync() },
                    onCancel = { model.sync.cancel() },
                    onEnrolAgain = actions.onEnrolAgain,
                    onDetails = actions.onSyncStatus,
                )
            }
            if (screen != null) item { TodayCard(screen.today) }
            item {
                var text by rememberSaveable { mutableStateOf(state.query.search) }
                OutlinedTextField(
                    value = text,
                    onValueChange = { text = it; model.home.setSearch(it) },
                    label = { Text(stringResource(R.string.households_search)) },
                    leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                    singleLine = true,
                    modifier = Modifier.fillMaxWidth().padding(horizontal = 12.dp),
                )
            }
            if (screen != null) {
                item {
                    val c = screen.counts
                    val f = state.query.filter
                    Row(
                        Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp, vertical = 4.dp),
                        horizontalArrangement = Arrangement.spacedBy(8.dp),
                    ) {
                        ChoiceChip(f == HouseholdFilter.ALL, { model.home.setFilter(HouseholdFilter.ALL) }, stringResource(R.string.filter_all, c.all.toInt()))
                        ChoiceChip(f == HouseholdFilter.NOT_VISITED, { model.home.setFilter(HouseholdFilter.NOT_VISITED) }, stringResource(R.string.filter_not_visited, c.notVisited.toInt()))
                        ChoiceChip(f == HouseholdFilter.VISITED, { model.home.setFilter(HouseholdFilter.VISITED) }, stringResource(R.string.filter_visited, c.visited.toInt()))
                        ChoiceChip(f == HouseholdFilter.GOAL_REACHED, { model.home.setFilter(HouseholdFilter.GOAL_REACHED) }, stringResource(R.string.filter_goal_reached, c.goalReached.toInt()))
                    }
                }
                if (screen.villages.size > 1) {
                    item {
                        val v = state.query.village
                        Row(
                            Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp, vertical = 4.dp),
                            horizontalArrangement = Arrangement.spacedBy(8.dp),
                        ) {
                            ChoiceChip(v == null, { model.home.setVillage(null) }, stringResource(R.string.home_all_villages))
                            screen.villages.forEach { chip ->
                                ChoiceChip(
                                    v == chip.villageId,
                                    { model.home.setVillage(chip.villageId) },
                                    stringResource(R.string.home_village_chip, chip.name, chip.households.toInt()),
                                )
                            }
                        }
                    }
                }
            }
            if (state.loading) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
            item { ErrorBanner(state.error, Modifier.padding(12.dp)) }
            if (screen != null) {
                item {
                    Text(
                        plural(R.plurals.home_households_shown, screen.total.toInt()),
                        style = MaterialTheme.typography.labelLarge,
                        modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
                    )
                }
                if (!state.loading && screen.households.isEmpty()) {
                    item { Text(stringResource(R.string.households_empty), modifier = Modifier.padding(24.dp), style = MaterialTheme.typography.bodyLarge) }
                }
                items(screen.households, key = { it.id }) { row ->
                    HomeRow(row, onOpen = { actions.onHousehold(row.id) }, onRecordVisit = { actions.onRecordVisit(row.id) })
                    HorizontalDivider()
                }
                if (screen.nextOffset != null) {
                    item {
                        OutlinedButton(
                            onClick = { model.home.nextPage() },
                            modifier = Modifier.fillMaxWidth().padding(16.dp).heightIn(min = 48.dp),
                        ) { Text(stringResource(R.string.search_more)) }
                    }
                }
            }
            // Room for the floating buttons over the last rows.
            item { Column(Modifier.heightIn(min = 160.dp)) {} }
        }
    }
}

@Composable
private fun TodayCard(today: TodaysWork) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(stringResource(R.string.home_today), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            Text(plural(R.plurals.home_visits_today, today.visitsToday.toInt()), style = MaterialTheme.typography.bodyLarge)
            Text(plural(R.plurals.home_people_guided_today, today.peopleGuidedToday.toInt()), style = MaterialTheme.typography.bodyLarge)
            Text(
                stringResource(
                    R.string.home_assignment_line,
                    plural(R.plurals.home_households_assigned, today.householdsAssigned.toInt()),
                    today.householdsNotVisited.toInt(),
                    today.householdsGoalReached.toInt(),
                ),
                style = MaterialTheme.typography.bodyMedium,
            )
        }
    }
}

@Composable
private fun HomeRow(row: HouseholdSummary, onOpen: () -> Unit, onRecordVisit: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 72.dp)
            .clickable(onClickLabel = stringResource(R.string.household_open), onClick = onOpen)
            .padding(start = 16.dp, top = 8.dp, bottom = 8.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        HouseholdSummaryText(row, Modifier.weight(1f))
        IconButton(onClick = onRecordVisit) {
            Icon(Icons.Filled.EditNote, contentDescription = stringResource(R.string.visit_for_household, row.headName))
        }
    }
}
