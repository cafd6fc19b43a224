package vn.tungnha.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.Language
import vn.tungnha.core.Settings
import vn.tungnha.core.SettingsScreen

/**
 * Settings: language (Vietnamese or English), text size (the core bounds it and says why a
 * value is refused), the privacy notice (the core's text in both languages), the server this
 * device is enrolled with.
 */
class SettingsViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        val loading: Boolean = false,
        val screen: SettingsScreen? = null,
        val saving: Boolean = false,
        /** A refused change (e.g. text size out of range: `fieldMessages["text_scale"]`). */
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    fun load(): Job = scope.launch {
        _state.update { it.copy(loading = true) }
        val r = call(io) { db.settingsScreen() }
        _state.update {
            when (r) {
                is Outcome.Ok -> it.copy(loading = false, screen = r.value, error = null)
                is Outcome.Failed -> it.copy(loading = false, error = r.error)
            }
        }
    }

    fun setLanguage(language: Language): Job = save { it.copy(language = language) }

    fun setTextScale(scale: Float): Job = save { it.copy(textScale = scale) }

    private fun save(change: (Settings) -> Settings): Job {
        val current = _state.value.screen?.settings ?: return Job().apply { complete() }
        _state.update { it.copy(saving = true) }
        return scope.launch {
            val r = call(io) { db.saveSettings(change(current)) }
            _state.update {
                when (r) {
                    is Outcome.Ok -> it.copy(saving = false, screen = it.screen?.copy(settings = r.value), error = null)
                    is Outcome.Failed -> it.copy(saving = false, error = r.error)
                }
            }
        }
    }
}
