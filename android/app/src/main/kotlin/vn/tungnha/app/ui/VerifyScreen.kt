package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.RadioButtonUnchecked
import androidx.compose.material.icons.filled.School
import androidx.compose.material.icons.filled.Verified
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
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
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.core.SkillLevel
import vn.tungnha.presentation.VerifyViewModel

/**
 * A team leader with one person: each skill's level now; tick the skills seen done and
 * verify them in one save; or correct one skill's level with the reason (kept for audit).
 */
@Composable
fun VerifyScreen(vm: VerifyViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.verify_title), onBack) }) { padding ->
        val member = state.member
        if (state.loading || member == null) {
            if (state.error != null) Column(Modifier.padding(padding).padding(16.dp)) { ErrorBanner(state.error) } else Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(member.person.fullName, style = MaterialTheme.typography.titleLarge)
            Text(stringResource(R.string.verify_intro), style = MaterialTheme.typography.bodyMedium)
            val levels = member.skills.associate { it.skill to it.level }
            vm.skillChoices.forEach { s ->
                val level = levels[s.code] ?: SkillLevel.NOT_STARTED
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(vertical = 8.dp)) {
                        Text(s.name(), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 12.dp))
                        Text(s.plain(), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(horizontal = 12.dp))
                        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(horizontal = 12.dp)) {
                            LevelBadge(level, Modifier.weight(1f))
                            TextButton(onClick = { vm.startCorrection(s.code, level) }) { Text(stringResource(R.string.verify_correct)) }
                        }
                        CheckRow(s.code in state.ticked, { vm.toggle(s.code) }, stringResource(R.string.verify_seen))
                    }
                }
            }
            ProblemList(state.problems.values.flatten())
            if (state.verified.isNotEmpty()) {
                Text(
                    plural(R.plurals.verify_done, state.verified.size),
                    style = MaterialTheme.typography.titleMedium,
                    modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
                )
            }
            ErrorBanner(state.error)
            SaveButton(
                plural(R.plurals.verify_save, state.ticked.size),
                enabled = state.canVerify, saving = state.saving, onClick = { vm.verify() },
            )
            CorrectionCard(vm, state)
        }
    }
}

/** A level with its own icon and words (never colour alone). */
@Composable
fun LevelBadge(level: SkillLevel, modifier: Modifier = Modifier) {
    val icon = when (level) {
        SkillLevel.NOT_STARTED -> Icons.Filled.RadioButtonUnchecked
        SkillLevel.GUIDED -> Icons.Filled.School
        SkillLevel.SELF_REPORTED -> Icons.Filled.Person
        SkillLevel.VERIFIED -> Icons.Filled.Verified
    }
    Row(modifier, verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        Icon(icon, contentDescription = null, modifier = Modifier.size(18.dp))
        Text(stringResource(level.label()), style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun CorrectionCard(vm: VerifyViewModel, state: VerifyViewModel.State) {
    if (state.correctedId != null) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite }) {
            Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
            Text(stringResource(R.string.verify_correction_saved), style = MaterialTheme.typography.titleMedium)
        }
    }
    val c = state.correction ?: return
    // The leader may put a correction aside; the next "correct" starts a new one.
    var hidden by rememberSaveable(c.skill) { mutableStateOf(false) }
    if (hidden) return
    val skill = vm.skillChoices.firstOrNull { it.code == c.skill }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            SectionTitle(stringResource(R.string.verify_correction_title, skill?.name() ?: c.skill))
            Text(stringResource(R.string.verify_correction_explain), style = MaterialTheme.typography.bodyMedium)
            SkillLevel.entries.forEach { l -> RadioRow(c.toLevel == l, { vm.setCorrectionLevel(l) }, stringResource(l.label())) }
            key(c.skill) {
                DraftTextField(
                    c.reason, { vm.setReason(it) }, stringResource(R.string.verify_reason),
                    state.correctionProblems.values.flatten(), singleLine = false,
                )
            }
            SaveButton(stringResource(R.string.verify_correction_save), enabled = state.canCorrect, saving = state.saving, onClick = { vm.saveCorrection() })
            TextButton(onClick = { hidden = true }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.action_cancel)) }
        }
    }
}
