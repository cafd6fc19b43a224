package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.app.RegisterHouseholdScreenModel
import vn.tungnha.core.HouseholdDraft
import vn.tungnha.core.HouseholdIndicators
import vn.tungnha.core.MemberDraft
import vn.tungnha.core.Problem
import vn.tungnha.core.Relation
import vn.tungnha.core.Sex
import vn.tungnha.presentation.RegisterHouseholdViewModel

/**
 * Register a household: village, address, contact phone, the head and the other members,
 * the consent read in full, the indicators. Problems come from the core's form under each
 * field as the volunteer types; a similar household in the village is a warning only.
 */
@Composable
fun RegisterHouseholdScreen(model: RegisterHouseholdScreenModel, onBack: () -> Unit, onSaved: () -> Unit) {
    val vm = model.form
    val state by vm.state.collectAsStateWithLifecycle()
    val villages by model.villages.collectAsStateWithLifecycle()
    LaunchedEffect(state.savedHouseholdId) { if (state.savedHouseholdId != null) onSaved() }
    val title = if (state.draft?.householdId != null) R.string.household_edit else R.string.register_title
    Scaffold(topBar = { TungNhaTopBar(stringResource(title), onBack) }) { padding ->
        val draft = state.draft
        if (draft == null) {
            Box(Modifier.padding(padding).padding(16.dp)) { ErrorBanner(state.error) }
            if (state.error == null) Loading(Modifier.padding(padding))
            return@Scaffold
        }
        val p = state.problems
        fun at(field: String): List<Problem> = p[field].orEmpty()

        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            SectionTitle(stringResource(R.string.register_place))
            Dropdown(
                label = stringResource(R.string.register_village),
                options = villages,
                selected = villages.firstOrNull { it.id == draft.villageId },
                optionLabel = { it.name },
                onSelect = { vm.setVillage(it.id) },
                problems = at("village_id"),
            )
            if (villages.isEmpty()) Text(stringResource(R.string.register_no_villages), style = MaterialTheme.typography.bodyMedium)
            DraftTextField(draft.address, vm::setAddress, stringResource(R.string.register_address), at("address"))
            DraftTextField(
                draft.phone, vm::setPhone, stringResource(R.string.register_phone), at("phone"),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
            )

            HorizontalDivider()
            SectionTitle(stringResource(R.string.register_members))
            draft.members.forEachIndexed { i, m ->
                // Rows are keyed by position and count: removing one re-reads the rows from the draft.
                key(i, draft.members.size) { MemberCard(vm, i, m) { at("members[$i].$it") } }
            }
            AddMemberButton(onAdd = { vm.addMember(it) })

            HorizontalDivider()
            ConsentCard(vm, draft, at("consent"))

            HorizontalDivider()
            SectionTitle(stringResource(R.string.register_indicators))
            Indicators(draft.indicators, vm::setIndicators)

            SimilarWarning(state)
            // Anything the core reports for a field this screen has no place for.
            ProblemList(p.filterKeys { !it.hasPlaceOnScreen() }.values.flatten())
            ErrorBanner(state.error)
            SaveButton(stringResource(R.string.register_save), enabled = state.canSave, saving = state.saving, onClick = { vm.save(model.route.memberId) })
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun MemberCard(vm: RegisterHouseholdViewModel, i: Int, m: MemberDraft, at: (String) -> List<Problem>) {
    val head = i == 0
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    if (head) stringResource(R.string.register_head) else stringResource(R.string.register_member_n, i + 1),
                    style = MaterialTheme.typography.titleSmall,
                    modifier = Modifier.weight(1f),
                )
                if (!head) {
                    IconButton(onClick = { vm.removeMember(i) }) {
                        Icon(Icons.Filled.Delete, contentDescription = stringResource(R.string.register_remove_member, m.fullName.ifBlank { (i + 1).toString() }))
                    }
                }
            }
            DraftTextField(m.fullName, { vm.setMemberName(i, it) }, stringResource(R.string.register_full_name), at("full_name"))
            if (head) {
                ProblemList(at("relation"))
            } else {
                Dropdown(
                    label = stringResource(R.string.register_relation),
                    options = Relation.entries.filter { it != Relation.HEAD },
                    selected = m.relation,
                    optionLabel = { stringResource(it.label()) },
                    onSelect = { vm.setMemberRelation(i, it) },
                    problems = at("relation"),
                )
            }
            DraftTextField(
                m.birthYear, { vm.setMemberBirthYear(i, it) }, stringResource(R.string.register_birth_year), at("birth_year"),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            )
            Text(stringResource(R.string.register_sex), style = MaterialTheme.typography.labelLarge)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                listOf(null, Sex.FEMALE, Sex.MALE).forEach { s -> ChoiceChip(m.sex == s, { vm.setMemberSex(i, s) }, stringResource(s.label())) }
            }
            ProblemList(at("sex"))
            DraftTextField(
                m.phone, { vm.setMemberPhone(i, it) }, stringResource(R.string.register_member_phone), at("phone"),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
            )
        }
    }
}

@Composable
private fun AddMemberButton(onAdd: (Relation) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        OutlinedButton(onClick = { open = true }, modifier = Modifier.fillMaxWidth()) {
            Icon(Icons.Filled.Add, contentDescription = null)
            Text(stringResource(R.string.register_add_member), modifier = Modifier.padding(start = 8.dp))
        }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            Relation.entries.filter { it != Relation.HEAD }.forEach { r ->
                DropdownMenuItem(text = { Text(stringResource(r.label())) }, onClick = { onAdd(r); open = false })
            }
        }
    }
}

/** The purpose read in full (the core's text), who agreed, and when it was recorded. */
@Composable
private fun ConsentCard(vm: RegisterHouseholdViewModel, draft: HouseholdDraft, problems: List<Problem>) {
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        SectionTitle(stringResource(R.string.register_consent))
        Text(stringResource(R.string.register_consent_read), style = MaterialTheme.typography.bodyMedium)
        Card(colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceVariant)) {
            Text(vm.consentPurpose.text(), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(12.dp))
        }
        DraftTextField(draft.consentGivenBy, vm::setConsentGivenBy, stringResource(R.string.register_consent_by), emptyList())
        val at = draft.consentGivenAt
        if (at != null) {
            val time = formatDateTime(at)
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite }) {
                Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                Text(stringResource(R.string.register_consent_recorded, draft.consentGivenBy, time), style = MaterialTheme.typography.bodyMedium)
            }
        } else {
            SaveButton(stringResource(R.string.register_consent_record), enabled = true, saving = false, onClick = { vm.recordConsent() })
        }
        ProblemList(problems)
    }
}

/** Each indicator yes / no / not asked (three chips, the chosen one marked with a check). */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Indicators(ind: HouseholdIndicators, onChange: (HouseholdIndicators) -> Unit) {
    @Composable
    fun row(label: Int, value: Boolean?, set: (Boolean?) -> HouseholdIndicators) {
        Text(stringResource(label), style = MaterialTheme.typography.bodyLarge)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            ChoiceChip(value == true, { onChange(set(true)) }, stringResource(R.string.answer_yes))
            ChoiceChip(value == false, { onChange(set(false)) }, stringResource(R.string.answer_no))
            ChoiceChip(value == null, { onChange(set(null)) }, stringResource(R.string.answer_not_asked))
        }
    }
    row(R.string.indicator_smartphone, ind.hasSmartphone) { ind.copy(hasSmartphone = it) }
    row(R.string.indicator_broadband, ind.hasBroadband) { ind.copy(hasBroadband = it) }
    row(R.string.indicator_epayment, ind.hasEpaymentAdult) { ind.copy(hasEpaymentAdult = it) }
    row(R.string.indicator_internet, ind.usesInternet) { ind.copy(usesInternet = it) }
}

@Composable
private fun SimilarWarning(state: RegisterHouseholdViewModel.State) {
    if (state.similar.isEmpty()) return
    Card(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.Filled.Warning, contentDescription = stringResource(R.string.problem_warning), tint = MaterialTheme.colorScheme.tertiary)
                Text(stringResource(R.string.register_similar), style = MaterialTheme.typography.titleSmall)
            }
            state.similar.forEach { h ->
                Text(stringResource(R.string.register_similar_row, h.headName, h.address), style = MaterialTheme.typography.bodyMedium)
            }
            Text(stringResource(R.string.register_similar_hint), style = MaterialTheme.typography.bodySmall)
        }
    }
}

/** The fields this screen shows problems under; any other field's problems go above the save button. */
private val memberField = Regex("""members\[\d+]\.(full_name|relation|birth_year|sex|phone)""")
private fun String.hasPlaceOnScreen() = this in setOf("village_id", "address", "phone", "consent") || memberField.matches(this)
