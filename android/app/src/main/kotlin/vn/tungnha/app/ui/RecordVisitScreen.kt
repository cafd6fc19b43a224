package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Info
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.core.Problem
import vn.tungnha.presentation.RecordVisitViewModel

/** A visit at one household's home: its members are the people to tick. */
@Composable
fun RecordVisitScreen(vm: RecordVisitViewModel, recordedBy: String, onBack: () -> Unit, onCorrect: (visitId: String) -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.visit_title), onBack) }) { padding ->
        VisitBody(vm, state, Modifier.padding(padding), stringResource(R.string.visit_save), onDone = onBack, onCorrect = onCorrect, recordedBy = recordedBy)
    }
}

/**
 * A visit the server refused, prefilled as it was sent, with the server's problems above the
 * form; saved, it replaces the refused change and waits for the next sync.
 */
@Composable
fun FixRefusedScreen(vm: RecordVisitViewModel, serverProblems: List<Problem>, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.fix_title), onBack) }) { padding ->
        VisitBody(vm, state, Modifier.padding(padding), stringResource(R.string.fix_save), onDone = onBack, onCorrect = null, serverProblems = serverProblems)
    }
}

/** Correct a stored visit: its content to edit; saved, the new record supersedes the old one. */
@Composable
fun CorrectVisitScreen(vm: RecordVisitViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.correct_title), onBack) }) { padding ->
        VisitBody(vm, state, Modifier.padding(padding), stringResource(R.string.correct_save), onDone = onBack, onCorrect = null, header = {
            Card(Modifier.fillMaxWidth()) {
                Row(Modifier.padding(12.dp), verticalAlignment = Alignment.Top, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Icon(Icons.Filled.Info, contentDescription = null)
                    Text(stringResource(R.string.correct_explain), style = MaterialTheme.typography.bodyMedium)
                }
            }
        })
    }
}

@Composable
internal fun VisitBody(
    vm: RecordVisitViewModel,
    state: RecordVisitViewModel.State,
    modifier: Modifier,
    saveLabel: String,
    onDone: () -> Unit,
    onCorrect: ((String) -> Unit)?,
    peopleHeader: @Composable () -> Unit = {},
    header: @Composable () -> Unit = {},
    recordedBy: String? = null,
    serverProblems: List<Problem> = emptyList(),
) {
    if (state.loading) {
        Loading(modifier)
        return
    }
    Column(modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        header()
        if (state.savedVisitId != null) {
            VisitSaved(state, onDone = onDone, onCorrect = onCorrect)
        } else {
            VisitFormContent(vm, state, saveLabel, peopleHeader, recordedBy, serverProblems)
        }
    }
}
