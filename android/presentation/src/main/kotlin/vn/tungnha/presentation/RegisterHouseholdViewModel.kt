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
import vn.tungnha.core.ConsentPurpose
import vn.tungnha.core.Database
import vn.tungnha.core.FormState
import vn.tungnha.core.HouseholdDraft
import vn.tungnha.core.HouseholdForm
import vn.tungnha.core.HouseholdIndicators
import vn.tungnha.core.Problem
import vn.tungnha.core.Relation
import vn.tungnha.core.SearchHit
import vn.tungnha.core.Sex

/**
 * Register a household: village, address, the head and the other members, the consent read
 * in full, the indicators. The core's `HouseholdForm` holds the draft and says what is wrong
 * with each field as the volunteer types, and which households of the village look like
 * this one; this only follows it.
 */
class RegisterHouseholdViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    data class State(
        /** What the form holds (`null` before [start] or [restore]). */
        val draft: HouseholdDraft? = null,
        /** The core's problems and whether it can be saved, for this draft. */
        val form: FormState? = null,
        /** Households of the village that look like this one: a warning, never a block. */
        val similar: List<SearchHit> = emptyList(),
        val saving: Boolean = false,
        val savedHouseholdId: String? = null,
        val warnings: List<String> = emptyList(),
        val error: UiError? = null,
    ) {
        /** Problems beside each field: `address`, `phone`, `members[1].birth_year`, `consent`… */
        val problems: Map<String, List<Problem>> get() = problemsByField(form?.problems.orEmpty())

        /** The messages to show beside one field, in Vietnamese. */
        fun messages(field: String): List<String> = problems[field].orEmpty().map { it.messageVi }

        val canSave: Boolean get() = !saving && savedHouseholdId == null && form?.canSave == true
    }

    private data class Read(val draft: HouseholdDraft, val form: FormState, val similar: List<SearchHit>)

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** The notice to read to the household before anything is kept (the core's text). */
    val consentPurpose: ConsentPurpose by lazy { vn.tungnha.core.consentPurpose() }

    private var form: HouseholdForm? = null
    private val refresh = FormRefresh(scope, io, ::read) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { it.copy(draft = r.value.draft, form = r.value.form, similar = r.value.similar) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    private fun read(): Read {
        val f = checkNotNull(form)
        return Read(f.draft(), f.state(), f.similar(db))
    }

    /** An empty form, in the volunteer's village if there is one. */
    fun start(villageId: String?): Job = open { HouseholdForm(villageId) }

    /** The form as [draftJson] kept it (after the app was stopped). */
    fun restore(json: String): Job = open { HouseholdForm.fromJson(json) }

    /** Edit a registered household: its fields and members as stored; saving sends what changed. */
    fun openEdit(householdId: String): Job = open { HouseholdForm.editing(db, householdId) }

    /** The draft as text, for the app to keep across process death. */
    fun draftJson(): String? = form?.toJson()

    private fun open(make: () -> HouseholdForm): Job {
        _state.value = State()
        return scope.launch {
            when (val r = call(io, make)) {
                is Outcome.Ok -> {
                    form = r.value
                    refresh.refresh().join()
                }
                is Outcome.Failed -> _state.update { it.copy(error = r.error) }
            }
        }
    }

    fun setVillage(villageId: String?) = edit { it.setVillage(villageId) }
    fun setAddress(address: String) = edit { it.setAddress(address) }
    fun setPhone(phone: String) = edit { it.setPhone(phone) }
    fun setIndicators(indicators: HouseholdIndicators) = edit { it.setIndicators(indicators) }

    /** A new member row, last in the list. */
    fun addMember(relation: Relation) = edit { it.addMember(relation) }
    fun removeMember(index: Int) = edit { it.removeMember(index.toUInt()) }
    fun setMemberName(index: Int, name: String) = edit { it.setMemberName(index.toUInt(), name) }
    fun setMemberRelation(index: Int, relation: Relation) = edit { it.setMemberRelation(index.toUInt(), relation) }
    fun setMemberBirthYear(index: Int, text: String) = edit { it.setMemberBirthYear(index.toUInt(), text) }
    fun setMemberSex(index: Int, sex: Sex?) = edit { it.setMemberSex(index.toUInt(), sex) }
    fun setMemberPhone(index: Int, phone: String) = edit { it.setMemberPhone(index.toUInt(), phone) }
    fun setConsentGivenBy(name: String) = edit { it.setConsentGivenBy(name) }

    /** The household heard [consentPurpose] in full and agreed, now. */
    fun recordConsent() = edit { it.recordConsent() }

    /** Save the household and everyone on the form; `recordedBy` is this device's team member. */
    fun save(recordedBy: String? = null): Job = scope.launch {
        val f = form ?: return@launch
        if (_state.value.saving) return@launch
        _state.update { it.copy(saving = true, error = null) }
        when (val r = call(io) { f.save(db, recordedBy) }) {
            is Outcome.Ok -> _state.update {
                it.copy(saving = false, savedHouseholdId = r.value.id, warnings = warningMessages(r.value.warnings))
            }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    private fun edit(change: (HouseholdForm) -> Unit): Job {
        val f = form ?: return Job().apply { complete() }
        return refresh.edit { change(f) }
    }
}
