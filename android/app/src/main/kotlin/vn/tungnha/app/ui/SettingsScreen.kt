package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableFloatStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.R
import vn.tungnha.app.SettingsScreenModel
import vn.tungnha.core.Language
import kotlin.math.roundToInt

/** The core's bounds of the text size (`validate::MIN_TEXT_SCALE`..`MAX_TEXT_SCALE`); the core refuses others. */
private const val MIN_SCALE = 0.85f
private const val MAX_SCALE = 2.0f

/**
 * Settings: the app's language (applied at once through the per-app language), the text
 * size (applied to the whole type scale), the privacy notice in full, the enrolled server.
 */
@Composable
fun SettingsScreen(model: SettingsScreenModel, onBack: () -> Unit) {
    val state by model.settings.state.collectAsStateWithLifecycle()
    Scaffold(topBar = { TungNhaTopBar(stringResource(R.string.settings_title), onBack) }) { padding ->
        val screen = state.screen
        if (screen == null) {
            if (state.error != null) ErrorBanner(state.error, Modifier.padding(padding).padding(16.dp)) else Loading(Modifier.padding(padding))
            return@Scaffold
        }
        Column(
            Modifier.fillMaxSize().padding(padding).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            ErrorBanner(state.error)
            SectionTitle(stringResource(R.string.settings_language))
            Column(Modifier.selectableGroup()) {
                RadioRow(screen.settings.language == Language.VI, { model.setLanguage(Language.VI) }, stringResource(R.string.settings_language_vi), Modifier.fillMaxWidth())
                RadioRow(screen.settings.language == Language.EN, { model.setLanguage(Language.EN) }, stringResource(R.string.settings_language_en), Modifier.fillMaxWidth())
            }

            HorizontalDivider()
            SectionTitle(stringResource(R.string.settings_text_size))
            var scale by remember(screen.settings.textScale) { mutableFloatStateOf(screen.settings.textScale) }
            val percent = (scale * 100).roundToInt()
            Text(stringResource(R.string.settings_text_size_value, percent), style = MaterialTheme.typography.bodyLarge)
            val sliderLabel = stringResource(R.string.settings_text_size)
            Slider(
                value = scale,
                onValueChange = { scale = it },
                onValueChangeFinished = { model.settings.setTextScale(scale) },
                valueRange = MIN_SCALE..MAX_SCALE,
                steps = 22,
                modifier = Modifier.fillMaxWidth().semantics { contentDescription = sliderLabel },
            )
            Text(stringResource(R.string.settings_text_size_sample), style = MaterialTheme.typography.bodyLarge)

            HorizontalDivider()
            SectionTitle(stringResource(R.string.settings_privacy))
            Card(Modifier.fillMaxWidth()) {
                // The notice in full, as it is read out before a household's data is kept.
                Text(coreText(screen.privacy.textVi, screen.privacy.textEn), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(12.dp))
            }

            HorizontalDivider()
            SectionTitle(stringResource(R.string.settings_device))
            Text(stringResource(R.string.settings_server, screen.serverUrl ?: model.defaultServerUrl), style = MaterialTheme.typography.bodyLarge)
            screen.role?.let { Text(stringResource(R.string.settings_role, stringResource(it.label())), style = MaterialTheme.typography.bodyLarge) }
            if (screen.serverUrl == null) Text(stringResource(R.string.settings_not_enrolled), style = MaterialTheme.typography.bodyMedium)
        }
    }
}
