package vn.tungnha.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
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
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.app.SearchScreenModel
import vn.tungnha.core.SearchHit

/**
 * Search households and people across the households in scope, a page at a time (the
 * ranking and accent folding are the core's). A hit opens a visit at its household; for a
 * team leader, a person hit can also be verified.
 */
@Composable
fun SearchScreen(
    model: SearchScreenModel,
    onBack: () -> Unit,
    onRecordVisit: (householdId: String) -> Unit,
    onVerify: ((householdId: String, personId: String) -> Unit)?,
) {
    val state by model.search.state.collectAsStateWithLifecycle()
    var query by rememberSaveable { mutableStateOf(state.query) }
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.search_title), onBack) }) { padding ->
        Column(Modifier.fillMaxSize().padding(padding)) {
            OutlinedTextField(
                value = query,
                onValueChange = { query = it; model.setQuery(it) },
                label = { Text(stringResource(R.string.search_hint)) },
                leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(12.dp),
            )
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            ErrorBanner(state.error, Modifier.padding(12.dp))
            if (state.query.isNotBlank() && !state.loading) {
                Text(
                    plural(R.plurals.search_total, state.total.toInt()),
                    modifier = Modifier.padding(horizontal = 16.dp),
                    style = MaterialTheme.typography.labelLarge,
                )
            }
            LazyColumn(Modifier.fillMaxSize()) {
                items(state.hits, key = { "${it.householdId}/${it.personId}" }) { hit ->
                    HitRow(hit, onClick = { onRecordVisit(hit.householdId) }, onVerify = onVerify)
                    HorizontalDivider()
                }
                if (state.hasMore) {
                    item {
                        OutlinedButton(onClick = { model.search.loadMore() }, modifier = Modifier.fillMaxWidth().padding(12.dp)) {
                            Text(stringResource(R.string.search_more))
                        }
                    }
                }
            }
        }
    }
}

/** A search result: the person whose name matched (if any), the head and the address. */
@Composable
fun HitRow(hit: SearchHit, onClick: (() -> Unit)?, onVerify: ((String, String) -> Unit)? = null, trailing: @Composable () -> Unit = {}) {
    val base = Modifier.fillMaxWidth().heightIn(min = 56.dp)
    Row((if (onClick != null) base.clickable(onClick = onClick) else base).padding(horizontal = 16.dp, vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f)) {
            Text(hit.personName ?: hit.headName, style = MaterialTheme.typography.titleMedium)
            if (hit.personName != null && hit.personName != hit.headName) {
                Text(stringResource(R.string.search_household_of, hit.headName), style = MaterialTheme.typography.bodyMedium)
            }
            Text(stringResource(R.string.address_village, hit.address, hit.villageName), style = MaterialTheme.typography.bodyMedium)
        }
        val person = hit.personId
        if (onVerify != null && person != null) {
            TextButton(onClick = { onVerify(hit.householdId, person) }) { Text(stringResource(R.string.verify_action_open)) }
        }
        trailing()
    }
}
