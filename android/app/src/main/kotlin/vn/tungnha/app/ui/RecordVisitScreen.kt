package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.presentation.RecordVisitViewModel
import vn.tungnha.presentation.RecordVisitViewModel.Field

/**
 * Who was present, what each was guided through, which topics: the core's visit form checks
 * as the volunteer ticks (problems beside each part), this shows. Labels are string resources.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun RecordVisitScreen(vm: RecordVisitViewModel, onSave: () -> Unit, onDone: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.savedVisitId) { if (state.savedVisitId != null && state.warnings.isEmpty()) onDone() }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(state.placeLabel, style = MaterialTheme.typography.titleLarge)

        Text(stringResource(R.string.visit_people), style = MaterialTheme.typography.titleMedium)
        FieldErrors(state.fieldErrors[Field.ATTENDEES])
        state.people.forEach { p ->
            Row(verticalAlignment = Alignment.CenterVertically) {
                Checkbox(p.present, { vm.togglePresent(p.personId) })
                Text(p.name)
            }
            if (p.present) {
                FlowRow(Modifier.padding(start = 48.dp), horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    vm.skillChoices.forEach { s ->
                        FilterChip(s.code in p.skills, { vm.toggleSkill(p.personId, s.code) }, { Text(s.nameVi) })
                    }
                }
            }
        }

        Text(stringResource(R.string.visit_topics), style = MaterialTheme.typography.titleMedium)
        FieldErrors(state.fieldErrors[Field.TOPICS])
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            vm.topicChoices.forEach { t -> FilterChip(t.code in state.topics, { vm.toggleTopic(t.code) }, { Text(t.nameVi) }) }
        }

        FieldErrors(state.fieldErrors[Field.WHEN])
        OutlinedTextField(state.notes, { vm.setNotes(it) }, label = { Text(stringResource(R.string.visit_notes)) }, modifier = Modifier.fillMaxWidth())
        FieldErrors(state.fieldErrors[Field.NOTES])
        FieldErrors(state.fieldErrors[Field.PLACE])
        FieldErrors(state.fieldErrors[Field.OTHER])
        state.warnings.forEach { Text(it, color = MaterialTheme.colorScheme.tertiary) }
        state.error?.let { Text(it.message, color = MaterialTheme.colorScheme.error) }
        if (state.savedVisitId != null) {
            Button(onClick = onDone) { Text(stringResource(R.string.visit_saved_back)) }
        } else {
            Button(onClick = onSave, enabled = state.canSave) {
                Text(stringResource(if (state.saving) R.string.saving else R.string.visit_save))
            }
        }
    }
}

@Composable
private fun FieldErrors(messages: List<String>?) {
    messages?.forEach { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
}
