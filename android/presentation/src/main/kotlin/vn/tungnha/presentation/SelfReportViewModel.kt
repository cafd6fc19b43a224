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
import vn.tungnha.core.CatalogEntry
import vn.tungnha.core.Channel
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.SelfReportInput
import java.time.Instant

/** A citizen (or a volunteer on their behalf) says which of the 5 basic skills they can do. */
class SelfReportViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val channel: Channel = Channel.APP,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val now: () -> Instant = Instant::now,
) {
    data class State(
        val personId: String? = null,
        val chosen: Set<String> = emptySet(),
        val saving: Boolean = false,
        val savedId: String? = null,
        val error: UiError? = null,
    )

    val skillChoices: List<CatalogEntry> by lazy { vn.tungnha.core.skills() }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    fun start(personId: String) {
        _state.value = State(personId = personId)
    }

    fun toggle(skill: String) = _state.update { s -> s.copy(chosen = if (skill in s.chosen) s.chosen - skill else s.chosen + skill) }

    fun submit(): Job = scope.launch {
        val s = _state.value
        val person = s.personId ?: return@launch
        _state.update { it.copy(saving = true, error = null) }
        val input = SelfReportInput(personId = person, skills = s.chosen.sorted(), channel = channel, reportedAt = now())
        when (val r = call(io) { db.recordSelfReport(input) }) {
            is Outcome.Ok -> _state.update { it.copy(saving = false, savedId = r.value.id) }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }
}
