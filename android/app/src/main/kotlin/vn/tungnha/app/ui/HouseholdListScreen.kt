package vn.tungnha.app.ui

import vn.tungnha.app.R
import androidx.compose.foundation.clickable
import androidx.compose.ui.res.stringResource
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.HouseholdSummary
import vn.tungnha.presentation.HouseholdListViewModel
import vn.tungnha.presentation.HouseholdListViewModel.Filter
import vn.tungnha.presentation.SyncViewModel

/** The volunteer's households, with status filters, search and the sync bar. */
@Composable
fun HouseholdListScreen(list: HouseholdListViewModel, sync: SyncViewModel, onOpen: (householdId: String) -> Unit) {
    val state by list.state.collectAsStateWithLifecycle()
    val syncState by sync.state.collectAsStateWithLifecycle()
    Column(Modifier.fillMaxSize()) {
        SyncBar(syncState, onSync = { sync.sync() }, onCancel = { sync.cancel() })
        OutlinedTextField(
            value = state.query,
            onValueChange = { list.setQuery(it) },
            label = { Text("Tìm hộ, tên người, địa chỉ") },
            singleLine = true,
            modifier = Modifier.fillMaxWidth().padding(12.dp),
        )
        Row(Modifier.padding(horizontal = 12.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            val c = state.counts
            FilterChip(state.filter == Filter.ALL, { list.setFilter(Filter.ALL) }, { Text("Tất cả ${c.total}") })
            FilterChip(state.filter == Filter.NOT_VISITED, { list.setFilter(Filter.NOT_VISITED) }, { Text("Chưa đến ${c.notVisited}") })
            FilterChip(state.filter == Filter.VISITED, { list.setFilter(Filter.VISITED) }, { Text("Đã đến ${c.visited}") })
            FilterChip(state.filter == Filter.GOAL_REACHED, { list.setFilter(Filter.GOAL_REACHED) }, { Text("Đạt ${c.goalReached}") })
        }
        if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.error?.let { Text(it.message, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(12.dp)) }
        LazyColumn(Modifier.fillMaxSize()) {
            items(state.rows, key = { it.id }) { row ->
                HouseholdRow(row, onClick = { onOpen(row.id) })
                HorizontalDivider()
            }
        }
    }
}

@Composable
private fun HouseholdRow(row: HouseholdSummary, onClick: () -> Unit) {
    Column(Modifier.fillMaxWidth().clickable(onClick = onClick).padding(12.dp)) {
        Text(row.headName, style = MaterialTheme.typography.titleMedium)
        Text("${row.address} · ${row.memberCount} người")
        Text(
            when (row.status) {
                HouseholdStatus.NOT_VISITED -> "Chưa đến"
                HouseholdStatus.VISITED -> "Đã đến ${row.visitCount} lần"
                HouseholdStatus.GOAL_REACHED -> "Đạt mục tiêu: ${row.masteredCount} người thành thạo 5 kỹ năng"
            },
            color = if (row.status == HouseholdStatus.NOT_VISITED) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.secondary,
        )
    }
}

@Composable
fun SyncBar(state: SyncViewModel.State, onSync: () -> Unit, onCancel: () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(12.dp)) {
        Row(verticalAlignment = androidx.compose.ui.Alignment.CenterVertically) {
            Text(syncStatusText(state.status), modifier = Modifier.weight(1f))
            if (state.running) TextButton(onClick = onCancel) { Text("Huỷ") } else TextButton(onClick = onSync) { Text("Đồng bộ") }
        }
        if (state.running) LinearProgressIndicator(Modifier.fillMaxWidth())
    }
}

/** The sync status line: the view-model's typed status mapped to string resources (the error's text is the core's). */
@Composable
fun syncStatusText(status: SyncViewModel.Status): String = when (status) {
    SyncViewModel.Status.Idle -> ""
    SyncViewModel.Status.Sending -> stringResource(R.string.sync_sending)
    SyncViewModel.Status.Applying -> stringResource(R.string.sync_applying)
    SyncViewModel.Status.Retrying -> stringResource(R.string.sync_retrying)
    is SyncViewModel.Status.Failed -> status.error.message
    is SyncViewModel.Status.Unsent -> stringResource(R.string.sync_unsent, status.count.toLong())
    is SyncViewModel.Status.Refused -> stringResource(R.string.sync_refused, status.count.toLong())
    SyncViewModel.Status.Synced -> stringResource(R.string.sync_done)
}
