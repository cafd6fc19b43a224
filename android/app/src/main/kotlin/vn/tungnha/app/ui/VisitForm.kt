package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Card
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TimePicker
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.material3.rememberTimePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import vn.tungnha.app.R
import vn.tungnha.core.Problem
import vn.tungnha.core.Severity
import vn.tungnha.presentation.RecordVisitViewModel
import vn.tungnha.presentation.RecordVisitViewModel.Field
import java.time.Instant
import java.time.LocalTime
import java.time.ZoneId
import java.time.ZoneOffset

/** The core's problems of the visit form that belong to one part of the screen. */
private fun List<Problem>.of(field: Field) = filter { RecordVisitViewModel.formField(it.field) == field }

/**
 * The body shared by a household visit, a group session and a correction: when, who was
 * present with the skills guided and actions done for each, topics, notes, and the one-tap
 * save. Every problem shown is the core's, under the part it belongs to.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun VisitFormContent(vm: RecordVisitViewModel, state: RecordVisitViewModel.State, saveLabel: String, peopleHeader: @Composable () -> Unit = {}) {
    val problems = state.form?.problems.orEmpty()
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(state.placeLabel, style = MaterialTheme.typography.titleLarge)

        SectionTitle(stringResource(R.string.visit_when))
        WhenPicker(state.occurredAt, onChange = { vm.setOccurredAt(it) })
        ProblemList(problems.of(Field.WHEN))

        HorizontalDivider()
        val present = state.people.count { it.present }
        SectionTitle(stringResource(R.string.visit_people))
        Text(plural(R.plurals.visit_present_count, present), style = MaterialTheme.typography.bodyMedium)
        peopleHeader()
        ProblemList(problems.of(Field.ATTENDEES))
        state.people.forEach { p ->
            val name = p.name.ifBlank { stringResource(R.string.visit_person_unnamed) }
            CheckRow(p.present, { vm.togglePresent(p.personId) }, name, supporting = p.address.takeIf { it.isNotBlank() })
            if (p.present) {
                Column(Modifier.padding(start = 48.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(stringResource(R.string.visit_skills_for, name), style = MaterialTheme.typography.labelLarge)
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                        vm.skillChoices.forEach { s -> ChoiceChip(s.code in p.skills, { vm.toggleSkill(p.personId, s.code) }, s.name()) }
                    }
                    Text(stringResource(R.string.visit_actions_for, name), style = MaterialTheme.typography.labelLarge)
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                        vm.actionChoices.forEach { a -> ChoiceChip(a.code in p.actions, { vm.toggleAction(p.personId, a.code) }, a.name()) }
                    }
                }
            }
        }

        HorizontalDivider()
        SectionTitle(stringResource(R.string.visit_topics))
        ProblemList(problems.of(Field.TOPICS))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            vm.topicChoices.forEach { t -> ChoiceChip(t.code in state.topics, { vm.toggleTopic(t.code) }, t.name()) }
            // Local topics (the commune's own, `local.` codes) the draft holds, e.g. from a corrected visit.
            val catalog = vm.topicChoices.map { it.code }.toSet()
            state.topics.filter { it !in catalog }.forEach { code -> ChoiceChip(true, { vm.toggleTopic(code) }, stringResource(R.string.visit_local_topic)) }
        }

        OutlinedTextField(
            value = state.notes,
            onValueChange = { vm.setNotes(it) },
            label = { Text(stringResource(R.string.visit_notes)) },
            minLines = 2,
            modifier = Modifier.fillMaxWidth(),
        )
        ProblemList(problems.of(Field.NOTES))
        ProblemList(problems.of(Field.PLACE) + problems.of(Field.OTHER))
        ErrorBanner(state.error)
        SaveButton(saveLabel, enabled = state.canSave, saving = state.saving, onClick = { vm.save() })
    }
}

/** After the save: what was kept, the core's warnings, and the way on. */
@Composable
fun VisitSaved(state: RecordVisitViewModel.State, onDone: () -> Unit, onCorrect: ((String) -> Unit)?) {
    val warnings = state.form?.problems.orEmpty().filter { it.severity == Severity.WARNING }
    Card(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                Text(stringResource(R.string.visit_saved), style = MaterialTheme.typography.titleMedium)
            }
            Text(stringResource(R.string.visit_saved_detail), style = MaterialTheme.typography.bodyMedium)
            ProblemList(warnings)
            SaveButton(stringResource(R.string.action_done), enabled = true, saving = false, onClick = onDone)
            val id = state.savedVisitId
            if (onCorrect != null && id != null) {
                OutlinedButton(onClick = { onCorrect(id) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.visit_correct_this)) }
            }
        }
    }
}

/** Now (the moment of saving), or an earlier day and time for a back-entry. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun WhenPicker(at: Instant?, onChange: (Instant?) -> Unit) {
    var pickDay by rememberSaveable { mutableStateOf(false) }
    var pickedDay by rememberSaveable { mutableStateOf<Long?>(null) }
    val zone = ZoneId.systemDefault()
    Column {
        RadioRow(at == null, { onChange(null) }, stringResource(R.string.visit_when_now))
        RadioRow(at != null, { pickDay = true }, stringResource(R.string.visit_when_earlier))
        if (at != null) {
            val text = formatDateTime(at)
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp).weight(1f))
                TextButton(onClick = { pickDay = true }) { Text(stringResource(R.string.action_change)) }
            }
        }
    }
    if (pickDay) {
        val dayState = rememberDatePickerState(
            initialSelectedDateMillis = (at ?: Instant.now()).atZone(zone).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
        )
        DatePickerDialog(
            onDismissRequest = { pickDay = false },
            confirmButton = {
                TextButton(onClick = { pickedDay = dayState.selectedDateMillis; pickDay = false }) { Text(stringResource(R.string.action_next)) }
            },
            dismissButton = { TextButton(onClick = { pickDay = false }) { Text(stringResource(R.string.action_cancel)) } },
        ) { DatePicker(dayState) }
    }
    val day = pickedDay
    if (day != null) {
        val initial = (at ?: Instant.now()).atZone(zone).toLocalTime()
        val timeState = rememberTimePickerState(initialHour = initial.hour, initialMinute = initial.minute)
        AlertDialog(
            onDismissRequest = { pickedDay = null },
            title = { Text(stringResource(R.string.visit_when_time)) },
            text = { TimePicker(timeState) },
            confirmButton = {
                TextButton(onClick = {
                    val date = Instant.ofEpochMilli(day).atZone(ZoneOffset.UTC).toLocalDate()
                    onChange(date.atTime(LocalTime.of(timeState.hour, timeState.minute)).atZone(zone).toInstant())
                    pickedDay = null
                }) { Text(stringResource(R.string.action_ok)) }
            },
            dismissButton = { TextButton(onClick = { pickedDay = null }) { Text(stringResource(R.string.action_cancel)) } },
        )
    }
}

