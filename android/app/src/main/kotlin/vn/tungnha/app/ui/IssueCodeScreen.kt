package vn.tungnha.app.ui

import android.content.Intent
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Share
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
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.IssueCodeScreenModel
import vn.tungnha.app.R
import vn.tungnha.core.IssuedCode

/**
 * A team leader issues an enrolment code: for a member of the team (their phone) or for a
 * household of the team's area (the citizen's phone). The code is shown once, with its
 * expiry and a QR code that names this app's server, and can be shared.
 */
@Composable
fun IssueCodeScreen(model: IssueCodeScreenModel, onBack: () -> Unit) {
    val state by model.issue.state.collectAsStateWithLifecycle()
    val members by model.members.collectAsStateWithLifecycle()
    val households by model.households.collectAsStateWithLifecycle()
    var forHousehold by rememberSaveable { mutableStateOf(false) }
    var picked by rememberSaveable { mutableStateOf<String?>(null) }
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.issue_title), onBack) }) { padding ->
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            val issued = state.issued
            val payload = state.qrPayload
            if (issued != null && payload != null) {
                IssuedCard(issued, payload, onAnother = { model.issue.clear(); picked = null })
                return@Column
            }
            Text(stringResource(R.string.issue_intro), style = MaterialTheme.typography.bodyLarge)
            Column(Modifier.selectableGroup()) {
                RadioRow(!forHousehold, { forHousehold = false; picked = null }, stringResource(R.string.issue_for_member), Modifier.fillMaxWidth())
                RadioRow(forHousehold, { forHousehold = true; picked = null }, stringResource(R.string.issue_for_household), Modifier.fillMaxWidth())
            }
            HorizontalDivider()
            Column(Modifier.selectableGroup()) {
                if (!forHousehold) {
                    members.forEach { m ->
                        RadioRow(
                            picked == m.id, { picked = m.id },
                            stringResource(R.string.label_value, m.fullName, stringResource(m.role.label())),
                            Modifier.fillMaxWidth(),
                        )
                    }
                } else {
                    households.forEach { h ->
                        RadioRow(picked == h.id, { picked = h.id }, stringResource(R.string.register_similar_row, h.headName, h.address), Modifier.fillMaxWidth())
                    }
                    if (households.isEmpty()) Text(stringResource(R.string.households_empty), style = MaterialTheme.typography.bodyMedium)
                }
            }
            ErrorBanner(state.error)
            val id = picked
            SaveButton(
                stringResource(R.string.issue_action),
                enabled = id != null,
                saving = state.busy,
                onClick = {
                    if (id == null) return@SaveButton
                    if (forHousehold) {
                        model.issue.forHousehold(id, households.firstOrNull { it.id == id }?.headName)
                    } else {
                        val m = members.firstOrNull { it.id == id } ?: return@SaveButton
                        model.issue.forMember(model.route.teamId, m.id, m.fullName, m.role)
                    }
                },
            )
        }
    }
}

@Composable
private fun IssuedCard(issued: IssuedCode, payload: String, onAnother: () -> Unit) {
    val context = LocalContext.current
    val expires = formatDateTime(issued.expiresAt)
    val shareText = stringResource(R.string.issue_share_text, issued.code, expires, payload)
    val shareTitle = stringResource(R.string.issue_share)
    Card(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
        Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.issue_code_for, stringResource(issued.role.label())), style = MaterialTheme.typography.titleMedium)
            Text(issued.code, style = MaterialTheme.typography.displaySmall.copy(fontFamily = FontFamily.Monospace))
            Text(stringResource(R.string.issue_expires, expires), style = MaterialTheme.typography.bodyLarge)
            QrCode(payload, stringResource(R.string.issue_qr_description, issued.code), Modifier.size(240.dp))
            Text(stringResource(R.string.issue_once), style = MaterialTheme.typography.bodyMedium)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(
                    onClick = {
                        val send = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, shareText)
                        context.startActivity(Intent.createChooser(send, shareTitle))
                    },
                    modifier = Modifier.heightIn(min = 48.dp),
                ) {
                    Icon(Icons.Filled.Share, contentDescription = null)
                    Text(shareTitle, modifier = Modifier.padding(start = 6.dp))
                }
                OutlinedButton(onClick = onAnother, modifier = Modifier.heightIn(min = 48.dp)) { Text(stringResource(R.string.issue_another)) }
            }
        }
    }
}
