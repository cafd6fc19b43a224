package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.CitizenHomeScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.CitizenHome

/**
 * A citizen's start: the household's progress, each person with the 5 skills in plain words
 * (their level now, and a box to tick what they can do), one submit, and where to learn.
 */
@Composable
fun CitizenHomeScreen(model: CitizenHomeScreenModel, onSettings: () -> Unit) {
    val vm = model.citizen
    val state by vm.state.collectAsStateWithLifecycle()
    val report by vm.report.state.collectAsStateWithLifecycle()
    Scaffold(
        topBar = {
            TungNhaTopBar(stringResource(R.string.citizen_title)) {
                IconButton(onClick = onSettings) { Icon(Icons.Filled.Settings, stringResource(R.string.settings_title)) }
            }
        },
    ) { padding ->
        val home = state.home
        if (state.loading || home == null) {
            if (state.error != null) ErrorBanner(state.error, Modifier.padding(padding).padding(16.dp)) else Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            HouseholdProgress(home)
            ErrorBanner(state.error ?: report.error)
            if (state.submitted > 0) {
                Card(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
                    Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                        Text(plural(R.plurals.selfreport_saved, state.submitted), style = MaterialTheme.typography.titleMedium)
                    }
                }
            }
            Text(stringResource(R.string.selfreport_intro), style = MaterialTheme.typography.bodyLarge)
            home.people.forEach { person ->
                HorizontalDivider()
                SectionTitle(person.fullName)
                Text(
                    if (person.mastersAll) stringResource(R.string.household_masters_all) else stringResource(R.string.household_skills_mastered, person.skillsMastered.toInt()),
                    style = MaterialTheme.typography.bodyMedium,
                )
                val ticks = report.people.firstOrNull { it.personId == person.personId }?.skills.orEmpty()
                vm.skillChoices.forEach { s ->
                    val level = person.skills.firstOrNull { it.skill == s.code }?.level
                    CheckRow(ticks.contains(s.code), { vm.toggle(person.personId, s.code) }, s.name(), supporting = s.plain())
                    if (level != null) LevelBadge(level, Modifier.padding(start = 56.dp))
                }
            }
            ProblemList(report.problems.values.flatten())
            SaveButton(stringResource(R.string.selfreport_save), enabled = report.form?.canSave == true && !report.saving, saving = report.saving, onClick = { vm.submit() })

            LearnMoreCard(vm.learnMore)
        }
    }
}

@Composable
private fun HouseholdProgress(home: CitizenHome) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(stringResource(R.string.address_village, home.address, home.villageName), style = MaterialTheme.typography.titleLarge)
        val text = stringResource(R.string.citizen_progress, home.peopleMasteringAll.toInt(), home.people.size, home.masteringAllPercent.toInt())
        Text(text, style = MaterialTheme.typography.bodyLarge)
        LinearProgressIndicator(
            progress = { home.masteringAllPercent.toInt().coerceIn(0, 100) / 100f },
            modifier = Modifier.fillMaxWidth().clearAndSetSemantics { contentDescription = text },
        )
        Text(stringResource(home.status.label()), style = MaterialTheme.typography.bodyMedium)
    }
}
