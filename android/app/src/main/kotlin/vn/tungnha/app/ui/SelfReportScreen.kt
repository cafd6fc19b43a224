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
import androidx.compose.material.icons.automirrored.filled.OpenInNew
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.School
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalUriHandler
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import androidx.compose.foundation.layout.heightIn
import vn.tungnha.core.LearnMore
import vn.tungnha.app.SelfReportScreenModel

/**
 * A household says which of the 5 skills each person can do, in plain words, with where to
 * learn them; one save for everyone. Used by a citizen on their own phone, or by a volunteer
 * entering what a household told them.
 */
@Composable
fun SelfReportScreen(model: SelfReportScreenModel, onBack: (() -> Unit)?) {
    val vm = model.form
    val state by vm.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.selfreport_title), onBack) }) { padding ->
        if (state.loading) {
            Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(stringResource(R.string.selfreport_intro), style = MaterialTheme.typography.bodyLarge)
            if (state.savedIds.isNotEmpty()) {
                Card(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
                    Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                        Text(plural(R.plurals.selfreport_saved, state.savedIds.size), style = MaterialTheme.typography.titleMedium)
                    }
                }
            }
            state.people.forEachIndexed { i, person ->
                SectionTitle(person.fullName)
                vm.skillChoices.forEach { s ->
                    CheckRow(s.code in person.skills, { vm.toggle(person.personId, s.code) }, s.name(), supporting = s.plain())
                }
                ProblemList(state.problems.filterKeys { it.startsWith("people[$i]") }.values.flatten())
            }
            // Problems not tied to one person (e.g. nothing ticked).
            ProblemList(state.problems.filterKeys { !it.startsWith("people[") }.values.flatten())
            ErrorBanner(state.error)
            SaveButton(stringResource(R.string.selfreport_save), enabled = state.canSave, saving = state.saving, onClick = { vm.save() })

            LearnMoreCard(vm.learnMore)
        }
    }
}

/** Where to learn the 5 skills: the national course named in the plans, its title in the app's language. */
@Composable
fun LearnMoreCard(course: LearnMore) {
    val uri = LocalUriHandler.current
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.Filled.School, contentDescription = null)
                SectionTitle(stringResource(R.string.selfreport_learn))
            }
            Text(coreText(course.labelVi, course.labelEn), style = MaterialTheme.typography.bodyLarge)
            OutlinedButton(onClick = { uri.openUri(course.url) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Icon(Icons.AutoMirrored.Filled.OpenInNew, contentDescription = null)
                Text(stringResource(R.string.selfreport_learn_open), modifier = Modifier.padding(start = 8.dp))
            }
        }
    }
}
