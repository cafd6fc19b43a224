package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.CallSplit
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.CloudUpload
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Inventory2
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.app.SyncStatusScreenModel
import vn.tungnha.core.ConflictChoice
import vn.tungnha.core.ConflictItem
import vn.tungnha.core.RefusedAction
import vn.tungnha.core.RefusedItem

/**
 * What sync left for people to look at: changes waiting, changes the server refused (what
 * each was, the server's reason in the app's language, and the core's actions: fix opens the
 * visit form prefilled; discard asks first), records set aside, conflicts (a leader resolves).
 */
@Composable
fun SyncStatusScreen(model: SyncStatusScreenModel, onBack: () -> Unit, onFix: (opId: String) -> Unit) {
    val vm = model.status
    val state by vm.state.collectAsStateWithLifecycle()
    LifecycleResumeEffect(Unit) {
        vm.refresh()
        onPauseOrDispose { }
    }
    var discarding by rememberSaveable { mutableStateOf<String?>(null) }
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.syncstatus_title), onBack) }) { padding ->
        val status = state.status
        if (status == null) {
            if (state.error != null) ErrorBanner(state.error, Modifier.padding(padding).padding(16.dp)) else Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            ErrorBanner(state.error)
            val last = status.lastSyncAt
            Text(
                if (last != null) stringResource(R.string.sync_last_at, formatDateTime(last)) else stringResource(R.string.sync_never),
                style = MaterialTheme.typography.bodyLarge,
            )
            CountLine(
                if (status.pending > 0uL) Icons.Filled.CloudUpload else Icons.Filled.CheckCircle,
                if (status.pending > 0uL) plural(R.plurals.sync_pending, status.pending.toInt()) else stringResource(R.string.syncstatus_nothing_pending),
            )

            HorizontalDivider()
            SectionTitle(plural(R.plurals.sync_rejected, status.refusedTotal.toInt()))
            if (status.refused.isEmpty()) Text(stringResource(R.string.syncstatus_none_refused), style = MaterialTheme.typography.bodyMedium)
            status.refused.forEach { item ->
                RefusedCard(item, onFix = { onFix(item.opId) }, onDiscard = { discarding = item.opId })
            }
            if (status.refusedTotal.toInt() > status.refused.size) {
                Text(plural(R.plurals.syncstatus_more_refused, status.refusedTotal.toInt() - status.refused.size), style = MaterialTheme.typography.bodyMedium)
            }

            HorizontalDivider()
            SectionTitle(stringResource(R.string.syncstatus_set_aside_title))
            CountLine(
                Icons.Filled.Inventory2,
                if (status.setAside > 0u) plural(R.plurals.syncstatus_set_aside, status.setAside.toInt()) else stringResource(R.string.syncstatus_none_set_aside),
            )
            if (status.setAside > 0u) Text(stringResource(R.string.syncstatus_set_aside_explain), style = MaterialTheme.typography.bodyMedium)

            HorizontalDivider()
            SectionTitle(stringResource(R.string.syncstatus_conflicts_title))
            val open = state.status?.conflictItems.orEmpty()
            if (open.isEmpty()) Text(stringResource(R.string.syncstatus_none_conflicts), style = MaterialTheme.typography.bodyMedium)
            else if (!model.route.leader) Text(stringResource(R.string.syncstatus_conflicts_leader), style = MaterialTheme.typography.bodyMedium)
            open.forEach { c ->
                ConflictCard(
                    c,
                    onSettle = if (model.route.leader) ({ choice -> vm.settle(c.id, choice) }) else null,
                )
            }
        }
    }
    val opId = discarding
    if (opId != null) {
        AlertDialog(
            onDismissRequest = { discarding = null },
            title = { Text(stringResource(R.string.syncstatus_discard_title)) },
            text = { Text(stringResource(R.string.syncstatus_discard_confirm)) },
            confirmButton = {
                TextButton(onClick = { vm.discard(opId); discarding = null }) { Text(stringResource(R.string.syncstatus_discard)) }
            },
            dismissButton = { TextButton(onClick = { discarding = null }) { Text(stringResource(R.string.action_cancel)) } },
        )
    }
}

@Composable
private fun CountLine(icon: ImageVector, text: String) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Icon(icon, contentDescription = null, modifier = Modifier.size(20.dp))
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

@Composable
private fun RefusedCard(item: RefusedItem, onFix: () -> Unit, onDiscard: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.Filled.Warning, contentDescription = stringResource(R.string.syncstatus_refused_label), modifier = Modifier.size(20.dp))
                Text(
                    stringResource(R.string.label_value, stringResource(entityLabel(item.entity)), item.title),
                    style = MaterialTheme.typography.titleMedium,
                )
            }
            item.occurredAt?.let { Text(formatDateTime(it), style = MaterialTheme.typography.bodyMedium) }
            // The server's reason, in the app's language.
            Text(coreText(item.reasonVi, item.reasonEn), style = MaterialTheme.typography.bodyLarge)
            ProblemList(item.problems)
            Text(stringResource(R.string.syncstatus_refused_at, formatDateTime(item.rejectedAt)), style = MaterialTheme.typography.bodySmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                // Fix opens the visit form; other records have nothing on the phone to fix them with.
                if (RefusedAction.FIX in item.actions && item.entity == "visit") {
                    Button(onClick = onFix, modifier = Modifier.heightIn(min = 48.dp)) {
                        Icon(Icons.Filled.Edit, contentDescription = null)
                        Text(stringResource(R.string.syncstatus_fix), modifier = Modifier.padding(start = 6.dp))
                    }
                }
                if (RefusedAction.DISCARD in item.actions) {
                    OutlinedButton(onClick = onDiscard, modifier = Modifier.heightIn(min = 48.dp)) {
                        Icon(Icons.Filled.Delete, contentDescription = null)
                        Text(stringResource(R.string.syncstatus_discard), modifier = Modifier.padding(start = 6.dp))
                    }
                }
            }
        }
    }
}

@Composable
private fun ConflictCard(c: ConflictItem, onSettle: ((ConflictChoice) -> Unit)?) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.AutoMirrored.Filled.CallSplit, contentDescription = stringResource(R.string.syncstatus_conflict_label), modifier = Modifier.size(20.dp))
                Text(stringResource(R.string.label_value, stringResource(entityLabel(c.entity)), c.title), style = MaterialTheme.typography.titleMedium)
            }
            Text(stringResource(fieldLabel(c.field)), style = MaterialTheme.typography.bodyMedium)
            Text(stringResource(R.string.syncstatus_conflict_kept, c.kept), style = MaterialTheme.typography.bodyLarge)
            Text(stringResource(R.string.syncstatus_conflict_other, c.other), style = MaterialTheme.typography.bodyLarge)
            if (onSettle != null) {
                Button(onClick = { onSettle(ConflictChoice.KEPT) }, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.syncstatus_conflict_resolve)) }
                OutlinedButton(onClick = { onSettle(ConflictChoice.OTHER) }, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text(stringResource(R.string.syncstatus_conflict_take_other))
                }
            }
        }
    }
}

/** Which field two people changed (identity fields: a name, a birth year). */
private fun fieldLabel(field: String): Int = when (field) {
    "full_name" -> R.string.register_full_name
    "birth_year" -> R.string.register_birth_year
    else -> R.string.syncstatus_conflict_field_other
}

/** What kind of record, by the core's entity code (`visit`, `household`, `person`…). */
private fun entityLabel(entity: String): Int = when (entity) {
    "visit" -> R.string.entity_visit
    "household" -> R.string.entity_household
    "person" -> R.string.entity_person
    "self_report" -> R.string.entity_self_report
    "skill_verification" -> R.string.entity_verification
    "skill_correction" -> R.string.entity_correction
    "local_topic" -> R.string.entity_local_topic
    else -> R.string.entity_other
}
