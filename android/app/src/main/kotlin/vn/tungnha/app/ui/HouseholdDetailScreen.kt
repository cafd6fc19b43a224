package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Checklist
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.EditNote
import androidx.compose.material.icons.filled.EmojiEvents
import androidx.compose.material.icons.filled.Groups
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.History
import androidx.compose.material.icons.filled.Verified
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.HouseholdDetailScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.CatalogEntry
import vn.tungnha.core.HouseholdIndicators
import vn.tungnha.core.HouseholdScreen
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.LadderStep
import vn.tungnha.core.MemberLadder
import vn.tungnha.core.SkillSource
import vn.tungnha.core.VisitEntry
import vn.tungnha.core.VisitPlace

/**
 * One household: its place and status, the indicators, each member's ladder in the 5 skills
 * (level with its icon and words, since when, through what), and the visit history with
 * group sessions and corrected visits marked. Actions: record a visit, the household's
 * self-report, verify a member (leaders), correct a visit.
 */
@Composable
fun HouseholdDetailScreen(
    model: HouseholdDetailScreenModel,
    onBack: () -> Unit,
    onRecordVisit: () -> Unit,
    onSelfReport: () -> Unit,
    /** Edit the household and its members (and add members). */
    onEdit: () -> Unit,
    /** Leaders only. */
    onVerify: ((personId: String) -> Unit)?,
    onCorrectVisit: (visitId: String) -> Unit,
) {
    val state by model.detail.state.collectAsStateWithLifecycle()
    LifecycleResumeEffect(Unit) {
        model.detail.refresh()
        onPauseOrDispose { }
    }
    val screen = state.screen
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.household_title), onBack) }) { padding ->
        if (screen == null) {
            if (state.error != null) ErrorBanner(state.error, Modifier.padding(padding).padding(16.dp)) else Loading(Modifier.padding(padding))
            return@Scaffold
        }
        val skills = remember { vn.tungnha.core.skills() }
        val topics = remember { vn.tungnha.core.topics() }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            ErrorBanner(state.error)
            Header(screen)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = onRecordVisit, modifier = Modifier.weight(1f).heightIn(min = 48.dp)) {
                    Icon(Icons.Filled.EditNote, contentDescription = null)
                    Text(stringResource(R.string.visit_title), modifier = Modifier.padding(start = 6.dp))
                }
                OutlinedButton(onClick = onSelfReport, modifier = Modifier.weight(1f).heightIn(min = 48.dp)) {
                    Icon(Icons.Filled.Checklist, contentDescription = null)
                    Text(stringResource(R.string.selfreport_title), modifier = Modifier.padding(start = 6.dp))
                }
            }
            OutlinedButton(onClick = onEdit, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Icon(Icons.Filled.Edit, contentDescription = null)
                Text(stringResource(R.string.household_edit), modifier = Modifier.padding(start = 6.dp))
            }
            Indicators(screen.household.indicators)
            HorizontalDivider()
            SectionTitle(stringResource(R.string.household_members))
            screen.members.forEach { m -> MemberCard(m, onVerify) }
            HorizontalDivider()
            SectionTitle(stringResource(R.string.household_visits))
            if (screen.visits.isEmpty()) Text(stringResource(R.string.household_no_visits), style = MaterialTheme.typography.bodyLarge)
            screen.visits.forEach { v -> VisitCard(v, skills, topics, onCorrect = { onCorrectVisit(v.visitId) }) }
        }
    }
}

@Composable
private fun Header(screen: HouseholdScreen) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(stringResource(R.string.address_village, screen.household.address, screen.villageName), style = MaterialTheme.typography.titleLarge)
        screen.household.phone?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
        val (icon, text) = when (screen.status) {
            HouseholdStatus.NOT_VISITED -> Icons.Filled.Home to R.string.status_not_visited
            HouseholdStatus.VISITED -> Icons.Filled.History to R.string.status_visited
            HouseholdStatus.GOAL_REACHED -> Icons.Filled.EmojiEvents to R.string.status_goal_reached
        }
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            Icon(icon, contentDescription = null, modifier = Modifier.size(20.dp))
            Text(stringResource(text), style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
private fun Indicators(i: HouseholdIndicators) {
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        SectionTitle(stringResource(R.string.register_indicators))
        listOf(
            R.string.indicator_smartphone to i.hasSmartphone,
            R.string.indicator_broadband to i.hasBroadband,
            R.string.indicator_epayment to i.hasEpaymentAdult,
            R.string.indicator_internet to i.usesInternet,
        ).forEach { (label, value) ->
            Text(stringResource(R.string.label_value, stringResource(label), stringResource(value.answer())), style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun MemberCard(m: MemberLadder, onVerify: ((String) -> Unit)?) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(m.person.fullName, style = MaterialTheme.typography.titleMedium)
            val relation = stringResource(m.person.relation.label())
            val born = m.person.birthYear
            Text(
                if (born != null) stringResource(R.string.household_member_born, relation, born) else relation,
                style = MaterialTheme.typography.bodyMedium,
            )
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                if (m.mastersAll) Icon(Icons.Filled.EmojiEvents, contentDescription = null, modifier = Modifier.size(18.dp))
                Text(
                    if (m.mastersAll) stringResource(R.string.household_masters_all) else stringResource(R.string.household_skills_mastered, m.skillsMastered.toInt()),
                    style = MaterialTheme.typography.bodyMedium,
                )
            }
            m.ladder.forEach { step -> LadderRow(step) }
            if (onVerify != null) {
                OutlinedButton(onClick = { onVerify(m.person.id) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                    Icon(Icons.Filled.Verified, contentDescription = null)
                    Text(stringResource(R.string.verify_action_for, m.person.fullName), modifier = Modifier.padding(start = 6.dp))
                }
            }
        }
    }
}

/** One skill: its name, the level (icon and words), since when and through what. */
@Composable
private fun LadderRow(step: LadderStep) {
    Column(Modifier.fillMaxWidth().semantics(mergeDescendants = true) {}.padding(vertical = 2.dp)) {
        Text(coreText(step.nameVi, step.nameEn), style = MaterialTheme.typography.bodyLarge)
        LevelBadge(step.level)
        val since = step.since
        val source = step.source
        if (since != null || source != null) {
            val parts = listOfNotNull(since?.let { stringResource(R.string.ladder_since, formatDate(it)) }, source?.let { sourceText(it) })
            Text(parts.joinToString(stringResource(R.string.list_separator)), style = MaterialTheme.typography.bodySmall)
        }
    }
}

@Composable
private fun sourceText(s: SkillSource): String = when (s) {
    is SkillSource.Visit -> s.volunteerName?.let { stringResource(R.string.source_visit_by, it) } ?: stringResource(R.string.source_visit)
    is SkillSource.SelfReport -> stringResource(R.string.source_self_report, stringResource(s.channel.label()))
    is SkillSource.Verification -> s.leaderName?.let { stringResource(R.string.source_verified_by, it) } ?: stringResource(R.string.source_verified)
    is SkillSource.Correction -> stringResource(R.string.source_corrected, s.leaderName ?: stringResource(R.string.role_team_leader), s.reason)
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun VisitCard(v: VisitEntry, skills: List<CatalogEntry>, topics: List<CatalogEntry>, onCorrect: () -> Unit) {
    val struck = if (v.superseded) TextDecoration.LineThrough else TextDecoration.None
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                Icon(if (v.groupSession) Icons.Filled.Groups else Icons.Filled.Home, contentDescription = null, modifier = Modifier.size(18.dp))
                Text(formatDateTime(v.occurredAt), style = MaterialTheme.typography.titleSmall.copy(textDecoration = struck))
            }
            val place = v.place
            Text(
                if (place is VisitPlace.Group) stringResource(R.string.visit_place_group, place.place) else stringResource(R.string.visit_place_home),
                style = MaterialTheme.typography.bodyMedium,
            )
            v.recordedByName?.let { Text(stringResource(R.string.visit_recorded_by, it), style = MaterialTheme.typography.bodyMedium) }
            if (v.superseded) {
                // In words, not only struck through.
                Text(stringResource(R.string.visit_superseded), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.tertiary)
            }
            if (v.corrects != null) Text(stringResource(R.string.visit_is_correction), style = MaterialTheme.typography.bodyMedium)
            v.attendees.forEach { a ->
                val guided = a.skillsGuided.map { code -> skills.firstOrNull { it.code == code }?.name() ?: code }
                Text(
                    if (guided.isEmpty()) a.fullName else stringResource(R.string.label_value, a.fullName, guided.joinToString(stringResource(R.string.list_separator))),
                    style = MaterialTheme.typography.bodyMedium.copy(textDecoration = struck),
                )
            }
            if (v.otherAttendees > 0u) Text(plural(R.plurals.visit_other_attendees, v.otherAttendees.toInt()), style = MaterialTheme.typography.bodySmall)
            if (v.topics.isNotEmpty()) {
                val names = v.topics.map { code -> topics.firstOrNull { it.code == code }?.name() ?: stringResource(R.string.visit_local_topic) }
                Text(stringResource(R.string.label_value, stringResource(R.string.visit_topics), names.joinToString(stringResource(R.string.list_separator))), style = MaterialTheme.typography.bodySmall)
            }
            if (v.notes.isNotBlank()) Text(v.notes, style = MaterialTheme.typography.bodySmall)
            if (!v.superseded) {
                OutlinedButton(onClick = onCorrect, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.visit_correct_this)) }
            }
        }
    }
}
