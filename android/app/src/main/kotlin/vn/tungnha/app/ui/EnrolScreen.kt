package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.QrCodeScanner
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.codescanner.GmsBarcodeScannerOptions
import com.google.mlkit.vision.codescanner.GmsBarcodeScanning
import vn.tungnha.app.R
import vn.tungnha.app.nav.Routes
import vn.tungnha.core.EnrolmentSummary
import vn.tungnha.presentation.EnrolViewModel

/**
 * First start: the enrolment code from a team leader or an official, typed or scanned from
 * its QR. An enrolled device goes on to the screen of the role it received.
 */
@Composable
fun EnrolScreen(vm: EnrolViewModel, onEnrolled: (home: Any) -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    var code by rememberSaveable { mutableStateOf("") }
    var name by rememberSaveable { mutableStateOf(android.os.Build.MODEL.orEmpty()) }
    var scanFailed by rememberSaveable { mutableStateOf(false) }
    val context = LocalContext.current
    val enrolment = state.enrolment
    val home = enrolment?.let(Routes::home)
    // Enrolled just now: show what was received first; enrolled earlier: straight on.
    var submitted by rememberSaveable { mutableStateOf(false) }
    LaunchedEffect(home, submitted) { if (home != null && !submitted) onEnrolled(home) }
    val summary = state.summary
    if (submitted && enrolment != null && summary != null) {
        EnrolResult(summary, onContinue = home?.let { h -> { onEnrolled(h) } })
        return
    }

    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.enrol_title)) }) { padding ->
        if (state.checking) {
            Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(24.dp),
            verticalArrangement = Arrangement.spacedBy(16.dp),
        ) {
            Text(stringResource(R.string.enrol_intro), style = MaterialTheme.typography.bodyLarge)
            OutlinedButton(
                onClick = {
                    val options = GmsBarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build()
                    GmsBarcodeScanning.getClient(context, options).startScan()
                        .addOnSuccessListener { b -> b.rawValue?.let { code = it.trim().uppercase(); scanFailed = false } }
                        .addOnFailureListener { scanFailed = true }
                },
                modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp),
            ) {
                Icon(Icons.Filled.QrCodeScanner, contentDescription = null)
                Text(stringResource(R.string.enrol_scan), modifier = Modifier.padding(start = 8.dp))
            }
            if (scanFailed) Text(stringResource(R.string.enrol_scan_failed), color = MaterialTheme.colorScheme.error)
            OutlinedTextField(
                value = code,
                onValueChange = { code = it.uppercase() },
                label = { Text(stringResource(R.string.enrol_code)) },
                supportingText = { Text(stringResource(R.string.enrol_code_help)) },
                singleLine = true,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Characters, imeAction = ImeAction.Next),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = name,
                onValueChange = { name = it },
                label = { Text(stringResource(R.string.enrol_device_name)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth(),
            )
            ErrorBanner(state.error)
            if (enrolment != null && home == null) {
                // Enrolled with a role this app has no screens for (e.g. an account without a team).
                Text(
                    stringResource(R.string.enrol_no_screens, stringResource(enrolment.role.label())),
                    color = MaterialTheme.colorScheme.error,
                )
            }
            Button(
                onClick = { submitted = true; vm.enrol(code.trim(), name.trim()) },
                enabled = !state.busy && code.isNotBlank(),
                modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp),
            ) {
                Text(stringResource(if (state.busy) R.string.enrol_busy else R.string.enrol_action))
            }
        }
    }
}

/** What enrolment granted: the role and the area (commune, team, household), then on to the role's home. */
@Composable
private fun EnrolResult(summary: EnrolmentSummary, onContinue: (() -> Unit)?) {
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.enrol_done_title)) }) { padding ->
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(24.dp).semantics { liveRegion = LiveRegionMode.Polite },
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Icon(Icons.Filled.CheckCircle, contentDescription = null, tint = MaterialTheme.colorScheme.secondary)
                Text(stringResource(R.string.enrol_done), style = MaterialTheme.typography.titleLarge)
            }
            Text(stringResource(R.string.enrol_done_role, stringResource(summary.role.label())), style = MaterialTheme.typography.bodyLarge)
            summary.provinceName?.let { Text(stringResource(R.string.enrol_done_province, it), style = MaterialTheme.typography.bodyLarge) }
            summary.communeName?.let { Text(stringResource(R.string.enrol_done_commune, it), style = MaterialTheme.typography.bodyLarge) }
            summary.teamName?.let { Text(stringResource(R.string.enrol_done_team, it), style = MaterialTheme.typography.bodyLarge) }
            summary.memberName?.let { Text(stringResource(R.string.enrol_done_member, it), style = MaterialTheme.typography.bodyLarge) }
            summary.householdAddress?.let { a ->
                val v = summary.villageName
                Text(stringResource(R.string.enrol_done_household, if (v != null) stringResource(R.string.address_village, a, v) else a), style = MaterialTheme.typography.bodyLarge)
            }
            summary.serverUrl?.let { Text(stringResource(R.string.settings_server, it), style = MaterialTheme.typography.bodyMedium) }
            if (summary.teamName == null && summary.householdAddress == null && summary.communeName == null) {
                // The names arrive with the first sync.
                Text(stringResource(R.string.enrol_done_names_later), style = MaterialTheme.typography.bodyMedium)
            }
            if (onContinue != null) {
                Button(onClick = onContinue, modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp)) { Text(stringResource(R.string.action_continue)) }
            } else {
                Text(stringResource(R.string.enrol_no_screens, stringResource(summary.role.label())), color = MaterialTheme.colorScheme.error)
            }
        }
    }
}
