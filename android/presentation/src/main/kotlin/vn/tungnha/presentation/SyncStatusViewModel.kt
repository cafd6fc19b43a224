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
import vn.tungnha.core.Conflict
import vn.tungnha.core.Database
import vn.tungnha.core.FormState
import vn.tungnha.core.Problem
import vn.tungnha.core.RefusedAction
import vn.tungnha.core.SavedVisit
import vn.tungnha.core.SyncStatus
import vn.tungnha.core.VisitForm

/**
 * The sync status screen: changes waiting, changes the server refused (what each was, the
 * server's reason in Vietnamese and English, and the actions the core offers: fix or
 * discard), records set aside, conflicts, the last sync. Fixing a refused visit opens the
 * core's visit form prefilled with what was refused; saving it replaces the refused visit.
 */
class SyncStatusViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    /** A refused visit being fixed: the form, what the core says about it now, and what the server said. */
    data class Fixing(
        val opId: String,
        val form: VisitForm,
        val formState: FormState?,
        /** The server's problems with the refused content, by field (show them beside the fields). */
        val serverProblems: Map<String, List<Problem>>,
    )

    data class State(
        val loading: Boolean = false,
        val status: SyncStatus? = null,
        val fixing: Fixing? = null,
        val saving: Boolean = false,
        val saved: SavedVisit? = null,
        /** Concurrent edits of the same field, unresolved first (a team leader settles them). */
        val conflictList: List<Conflict> = emptyList(),
        val error: UiError? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    fun refresh(): Job = scope.launch {
        _state.update { it.copy(loading = true) }
        val r = call(io) { db.syncStatus() to db.conflicts() }
        _state.update {
            when (r) {
                is Outcome.Ok -> it.copy(loading = false, status = r.value.first, conflictList = r.value.second, error = null)
                is Outcome.Failed -> it.copy(loading = false, error = r.error)
            }
        }
    }

    /** Start fixing a refused change the core offers [RefusedAction.FIX] for. */
    fun fix(opId: String): Job = scope.launch {
        val item = _state.value.status?.refused?.firstOrNull { it.opId == opId }
        val r = call(io) {
            val form = db.refusedVisitForm(opId)
            Fixing(opId, form, form.state(db), problemsByField(item?.problems.orEmpty()))
        }
        _state.update {
            when (r) {
                is Outcome.Ok -> it.copy(fixing = r.value, saved = null, error = null)
                is Outcome.Failed -> it.copy(error = r.error)
            }
        }
    }

    /** Change the form being fixed (`{ it.toggleTopic("vneid") }`), then read its problems again. */
    fun edit(change: (VisitForm) -> Unit): Job {
        val fixing = _state.value.fixing ?: return Job().apply { complete() }
        return scope.launch {
            val r = call(io) {
                change(fixing.form)
                fixing.form.state(db)
            }
            _state.update {
                when (r) {
                    is Outcome.Ok -> it.copy(fixing = it.fixing?.copy(formState = r.value))
                    is Outcome.Failed -> it.copy(error = r.error)
                }
            }
        }
    }

    /** Save the fixed visit in place of the refused one; it waits for the next sync. */
    fun saveFix(): Job {
        val fixing = _state.value.fixing ?: return Job().apply { complete() }
        _state.update { it.copy(saving = true, error = null) }
        return scope.launch {
            val r = call(io) { db.saveRefusedFix(fixing.opId, fixing.form) }
            _state.update {
                when (r) {
                    is Outcome.Ok -> it.copy(saving = false, saved = r.value, fixing = null)
                    is Outcome.Failed -> it.copy(saving = false, error = r.error)
                }
            }
            refresh().join()
        }
    }

    fun cancelFix() {
        _state.update { it.copy(fixing = null) }
    }

    /** A team leader settled conflict [conflictId] (the kept value stays). */
    fun resolveConflict(conflictId: String): Job = scope.launch {
        val r = call(io) { db.resolveConflict(conflictId) }
        if (r is Outcome.Failed) _state.update { it.copy(error = r.error) }
        refresh().join()
    }

    /** Drop a refused change (it is removed from this phone too). */
    fun discard(opId: String): Job = scope.launch {
        val r = call(io) { db.discardRejected(opId) }
        if (r is Outcome.Failed) _state.update { it.copy(error = r.error) }
        refresh().join()
    }
}
