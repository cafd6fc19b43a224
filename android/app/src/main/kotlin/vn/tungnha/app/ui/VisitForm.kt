package vn.tungnha.app.ui

import android.Manifest
import android.content.pm.PackageManager
import android.location.LocationManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat
import vn.tungnha.core.Location
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.PersonAdd
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
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
import androidx.compose.runtime.remember
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.tungnha.app.R
import vn.tungnha.core.Problem
import vn.tungnha.core.Relation
import vn.tungnha.core.WalkInDraft
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
fun VisitFormContent(
    vm: RecordVisitViewModel,
    state: RecordVisitViewModel.State,
    saveLabel: String,
    peopleHeader: @Composable () -> Unit = {},
    /** This device's team member, who records a walk-in. */
    recordedBy: String? = null,
    /** Problems the server found with a refused visit being fixed, shown above the form. */
    serverProblems: List<Problem> = emptyList(),
) {
    val problems = state.form?.problems.orEmpty()
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(state.placeLabel, style = MaterialTheme.typography.titleLarge)
        if (serverProblems.isNotEmpty()) {
            SectionTitle(stringResource(R.string.fix_server_said))
            ProblemList(serverProblems)
        }

        SectionTitle(stringResource(R.string.visit_when))
        WhenPicker(state.occurredAt, onChange = { vm.setOccurredAt(it) })
        ProblemList(problems.of(Field.WHEN))

        HorizontalDivider()
        val present = state.people.count { it.present }
        SectionTitle(stringResource(R.string.visit_people))
        Text(plural(R.plurals.visit_present_count, present), style = MaterialTheme.typography.bodyMedium)
        peopleHeader()
        val walkIn = state.walkIn
        if (walkIn != null) {
            WalkInCard(vm, state, walkIn, recordedBy)
        } else if (!state.isGroupSession) {
            // Someone of the household not on the list yet (a group session adds them from search).
            OutlinedButton(onClick = { vm.startWalkIn(null) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Icon(Icons.Filled.PersonAdd, contentDescription = null)
                Text(stringResource(R.string.walkin_add), modifier = Modifier.padding(start = 6.dp))
            }
        }
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
        CoarseLocationRow(state.location, onSet = { vm.setLocation(it) })
        ProblemList(problems.of(Field.LOCATION))
        if (state.correcting != null) {
            OutlinedTextField(
                value = state.correctionReason,
                onValueChange = { vm.setCorrectionReason(it) },
                label = { Text(stringResource(R.string.visit_correction_reason)) },
                supportingText = { Text(stringResource(R.string.visit_correction_reason_help)) },
                minLines = 2,
                modifier = Modifier.fillMaxWidth(),
            )
            ProblemList(problems.of(Field.CORRECTION_REASON))
        }
        ProblemList(problems.of(Field.PLACE) + problems.of(Field.OTHER))
        ErrorBanner(state.error)
        SaveButton(saveLabel, enabled = state.canSave, saving = state.saving, onClick = { vm.save() })
    }
}

/**
 * A person present who is not on this device yet: name, birth year, relation to the head,
 * consent (the core's purpose text read in full, who agreed, when); added, they join the
 * household and are ticked present.
 */
@Composable
fun WalkInCard(vm: RecordVisitViewModel, state: RecordVisitViewModel.State, walkIn: WalkInDraft, recordedBy: String?) {
    val problems = state.walkInProblems
    val purpose = remember { vn.tungnha.core.consentPurpose() }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            SectionTitle(stringResource(R.string.walkin_title))
            DraftTextField(walkIn.fullName, { vm.setWalkInName(it) }, stringResource(R.string.register_full_name), problems["walk_in.full_name"].orEmpty())
            DraftTextField(
                walkIn.birthYear, { vm.setWalkInBirthYear(it) }, stringResource(R.string.register_birth_year), problems["walk_in.birth_year"].orEmpty(),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            )
            Dropdown(
                stringResource(R.string.register_relation), Relation.entries, walkIn.relation, { stringResource(it.label()) }, { vm.setWalkInRelation(it) },
                problems["walk_in.relation"].orEmpty(),
            )
            SectionTitle(stringResource(R.string.register_consent))
            Text(stringResource(R.string.register_consent_read), style = MaterialTheme.typography.bodyMedium)
            Text(purpose.text(), style = MaterialTheme.typography.bodyLarge)
            DraftTextField(walkIn.consentGivenBy, { vm.setWalkInConsentGivenBy(it) }, stringResource(R.string.register_consent_by), emptyList())
            val at = walkIn.consentGivenAt
            if (at != null) {
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                    Text(stringResource(R.string.register_consent_recorded, walkIn.consentGivenBy.ifBlank { walkIn.fullName }, formatDateTime(at)), style = MaterialTheme.typography.bodyMedium)
                }
            } else {
                OutlinedButton(onClick = { vm.recordWalkInConsent() }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                    Text(stringResource(R.string.register_consent_record))
                }
            }
            ProblemList(problems["walk_in.consent"].orEmpty() + problems["walk_in.household_id"].orEmpty() + problems["walk_in"].orEmpty())
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { vm.addWalkIn(recordedBy) }, enabled = state.canAddWalkIn, modifier = Modifier.weight(1f).heightIn(min = 48.dp)) {
                    Text(stringResource(R.string.walkin_save))
                }
                TextButton(onClick = { vm.cancelWalkIn() }, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.action_cancel)) }
            }
        }
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


/**
 * The visit's optional rough position: asked for only when the volunteer taps the button
 * (coarse permission, the network's last known fix, no Google services), shown as numbers,
 * removable. The core rounds it to about a kilometre and checks it is in Vietnam.
 */
@Composable
private fun CoarseLocationRow(location: Location?, onSet: (Location?) -> Unit) {
    val context = LocalContext.current
    var unavailable by rememberSaveable { mutableStateOf(false) }
    fun readFix() {
        val manager = context.getSystemService(LocationManager::class.java)
        val fix = try {
            manager?.getLastKnownLocation(LocationManager.NETWORK_PROVIDER)
        } catch (_: SecurityException) {
            null
        }
        unavailable = fix == null
        if (fix != null) onSet(Location(fix.latitude, fix.longitude))
    }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) readFix() else unavailable = true
    }
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        if (location == null) {
            OutlinedButton(
                onClick = {
                    val granted = ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_COARSE_LOCATION) == PackageManager.PERMISSION_GRANTED
                    if (granted) readFix() else ask.launch(Manifest.permission.ACCESS_COARSE_LOCATION)
                },
                modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
            ) { Text(stringResource(R.string.visit_location_add)) }
            if (unavailable) Text(stringResource(R.string.visit_location_unavailable), style = MaterialTheme.typography.bodyMedium)
        } else {
            Text(stringResource(R.string.visit_location_value, location.lat, location.lon), style = MaterialTheme.typography.bodyLarge)
            TextButton(onClick = { onSet(null) }, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.visit_location_remove)) }
        }
    }
}
