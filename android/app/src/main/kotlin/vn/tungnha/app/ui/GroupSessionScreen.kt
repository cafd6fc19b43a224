package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.PersonAdd
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.TextButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.GroupSessionScreenModel
import vn.tungnha.app.R

/**
 * A group session at a fixed point: name the place, then find attendees by search across
 * the households in scope and tick what each was guided through.
 */
@Composable
fun GroupSessionScreen(model: GroupSessionScreenModel, onBack: () -> Unit, onCorrect: (visitId: String) -> Unit) {
    val place by model.place.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.group_title), onBack) }) { padding ->
        if (place == null) {
            PlaceStep(Modifier.padding(padding), onStart = model::start)
        } else {
            val state by model.visit.state.collectAsStateWithLifecycle()
            VisitBody(
                model.visit, state, Modifier.padding(padding), stringResource(R.string.group_save),
                onDone = onBack, onCorrect = onCorrect,
                peopleHeader = { AttendeeSearch(model) },
                recordedBy = model.route.memberId,
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun PlaceStep(modifier: Modifier, onStart: (String) -> Unit) {
    var place by rememberSaveable { mutableStateOf("") }
    val suggestions = listOf(R.string.group_place_commune_hall, R.string.group_place_cultural_house, R.string.group_place_school).map { stringResource(it) }
    Column(modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        SectionTitle(stringResource(R.string.group_place))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            suggestions.forEach { s -> ChoiceChip(place == s, { place = s }, s) }
        }
        OutlinedTextField(
            value = place,
            onValueChange = { place = it },
            label = { Text(stringResource(R.string.group_place_hint)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        SaveButton(stringResource(R.string.group_start), enabled = place.isNotBlank(), saving = false, onClick = { onStart(place.trim()) })
    }
}

/**
 * Find a person in any household in scope (the core's search for the form) and add them to
 * the session; someone not on the device yet is added to a household found by search, as a
 * walk-in with their consent.
 */
@Composable
private fun AttendeeSearch(model: GroupSessionScreenModel) {
    val state by model.visit.state.collectAsStateWithLifecycle()
    var query by rememberSaveable { mutableStateOf("") }
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        OutlinedTextField(
            value = query,
            onValueChange = { query = it; if (it.isNotBlank()) model.visit.searchPeople(it) },
            label = { Text(stringResource(R.string.group_find_attendee)) },
            leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        if (query.isNotBlank() && state.walkIn == null) {
            // People only: a session's attendees are persons.
            val hits = state.found.filter { it.personId != null }
            hits.forEach { hit ->
                val name = hit.personName ?: hit.headName
                HitRow(hit, onClick = { model.add(hit) }) {
                    IconButton(onClick = { model.add(hit) }) {
                        Icon(Icons.Filled.PersonAdd, contentDescription = stringResource(R.string.group_add_person, name))
                    }
                }
            }
            if (hits.isEmpty()) Text(stringResource(R.string.search_nothing), style = MaterialTheme.typography.bodyMedium)
            // A walk-in joins one of the households found (each once).
            state.found.distinctBy { it.householdId }.forEach { hit ->
                TextButton(onClick = { model.visit.startWalkIn(hit.householdId) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                    Text(stringResource(R.string.walkin_add_to, hit.headName, hit.address))
                }
            }
        }
    }
}
