package vn.tungnha.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.DayRange
import vn.tungnha.core.FigureScope
import vn.tungnha.core.Figures

/** The progress screen: the figures an official reports, for a scope and some days. */
class FiguresViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(val loading: Boolean = false, val figures: Figures? = null, val error: UiError? = null) {
        /** Share of households visited at least once, in whole percent (0 with no households). */
        val visitedPercent: Int
            get() = figures?.let { f -> if (f.households == 0u) 0 else (f.householdsVisited.toLong() * 100 / f.households.toLong()).toInt() } ?: 0
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    fun load(figureScope: FigureScope, days: DayRange? = null): Job = scope.launch {
        _state.value = _state.value.copy(loading = true, error = null)
        _state.value = when (val r = call(io) { db.figures(figureScope, days) }) {
            is Outcome.Ok -> State(figures = r.value)
            is Outcome.Failed -> State(error = r.error)
        }
    }
}
