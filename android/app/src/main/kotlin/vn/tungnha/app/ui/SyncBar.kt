package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.CloudOff
import androidx.compose.material.icons.filled.CloudUpload
import androidx.compose.material.icons.filled.Error
import androidx.compose.material.icons.filled.Sync
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Icon
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import vn.tungnha.app.R
import vn.tungnha.presentation.SyncViewModel
import vn.tungnha.presentation.SyncViewModel.Status

/**
 * The sync button with its progress bar and cancel, one status line from the typed
 * [SyncViewModel.Status] (string resources; a failure's text is the core's), and the last
 * sync. [onDetails] opens the sync status screen (refused, set aside, conflicts).
 */
@Composable
fun SyncBar(
    state: SyncViewModel.State,
    onSync: () -> Unit,
    onCancel: () -> Unit,
    onEnrolAgain: () -> Unit,
    onDetails: (() -> Unit)? = null,
) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)) {
        Row(Modifier.semantics { liveRegion = LiveRegionMode.Polite }, verticalAlignment = Alignment.CenterVertically) {
            val (icon, text) = when (val s = state.status) {
                Status.Idle -> Icons.Filled.Sync to stringResource(R.string.sync_idle)
                Status.Sending -> Icons.Filled.CloudUpload to stringResource(R.string.sync_sending)
                Status.Applying -> Icons.Filled.Sync to stringResource(R.string.sync_applying)
                Status.Retrying -> Icons.Filled.CloudOff to stringResource(R.string.sync_retrying)
                is Status.Failed -> Icons.Filled.Error to s.error.text()
                is Status.Unsent -> Icons.Filled.CloudUpload to plural(R.plurals.sync_pending, s.count.toInt())
                is Status.Refused -> Icons.Filled.Warning to plural(R.plurals.sync_rejected, s.count.toInt())
                Status.Synced -> Icons.Filled.CheckCircle to stringResource(R.string.sync_done)
            }
            // The icon repeats the words: decorative for screen readers.
            Icon(icon, contentDescription = null, modifier = Modifier.size(20.dp))
            Text(text, modifier = Modifier.weight(1f).padding(start = 8.dp), style = MaterialTheme.typography.bodyMedium)
            when {
                state.running -> TextButton(onClick = onCancel, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.action_cancel)) }
                state.mustEnrol -> TextButton(onClick = onEnrolAgain, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.sync_enrol_again)) }
                else -> TextButton(onClick = onSync, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.sync_action)) }
            }
        }
        if (state.running) {
            val label = stringResource(R.string.sync_progress)
            LinearProgressIndicator(Modifier.fillMaxWidth().semantics { contentDescription = label })
        }
        Row(verticalAlignment = Alignment.CenterVertically) {
            val last = state.lastSyncAt
            Text(
                if (last != null) stringResource(R.string.sync_last_at, formatDateTime(last)) else stringResource(R.string.sync_never),
                style = MaterialTheme.typography.bodySmall,
                modifier = Modifier.weight(1f),
            )
            val attention = state.refused > 0u || state.setAside > 0u || state.conflicts > 0u
            if (onDetails != null && (attention || state.pending > 0u)) {
                TextButton(onClick = onDetails, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.sync_details)) }
            }
        }
    }
}
