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
import vn.tungnha.core.SearchHit

/**
 * Search households and people across the commune, a page at a time: best matches first (a
 * member's whole name, then words that begin words, then anywhere), how many there are in
 * all, and more as the list scrolls. Accent-insensitive (`dang` finds `Đặng`); the ranking
 * and paging are the core's.
 */
class SearchViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val pageSize: UInt = 50u,
) {
    data class State(
        val query: String = "",
        val hits: List<SearchHit> = emptyList(),
        /** Every match, on all pages. */
        val total: UInt = 0u,
        /** Where the next page starts; `null` when every hit is shown. */
        val nextOffset: UInt? = null,
        val loading: Boolean = false,
        val error: UiError? = null,
    ) {
        val hasMore: Boolean get() = nextOffset != null
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var villageId: String? = null
    private var job: Job? = null

    /** Search anew (the first page); a newer search replaces one still running. */
    fun search(query: String, villageId: String? = null): Job {
        job?.cancel()
        this.villageId = villageId
        _state.value = State(query = query, loading = true)
        return load(query, 0u, append = false)
    }

    /** The next page, added below the hits shown. */
    fun loadMore(): Job {
        val s = _state.value
        val from = s.nextOffset
        if (from == null || s.loading) return Job().apply { complete() }
        _state.update { it.copy(loading = true) }
        return load(s.query, from, append = true)
    }

    private fun load(query: String, offset: UInt, append: Boolean): Job {
        val village = villageId
        val started = scope.launch {
            when (val r = call(io) { db.searchPage(query, village, offset, pageSize) }) {
                is Outcome.Ok -> _state.update {
                    val page = r.value
                    it.copy(hits = if (append) it.hits + page.hits else page.hits, total = page.total, nextOffset = page.nextOffset, loading = false)
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
        job = started
        return started
    }
}
