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
import vn.tungnha.core.Database
import vn.tungnha.core.FormState
import vn.tungnha.core.HouseholdDetail
import vn.tungnha.core.Location
import vn.tungnha.core.Problem
import vn.tungnha.core.Relation
import vn.tungnha.core.RosterRow
import vn.tungnha.core.SearchHit
import vn.tungnha.core.VisitDraft
import vn.tungnha.core.VisitForm
import vn.tungnha.core.VisitPlace
import vn.tungnha.core.WalkInDraft
import java.time.Instant

/**
 * The "record a visit" screen: at one household, or a group session with people from
 * several households, or the correction of a stored visit. Who was present, the skills
 * guided and actions done per person, topics, notes, time. The core's `VisitForm` holds the
 * draft and says what is wrong with each field as the volunteer ticks (the same rules and
 * stored facts as the save), names the people (the core's roster), searches people for a
 * group session across the households on the device, adds a walk-in to a household with
 * their consent, and keeps the whole draft as text across process death ([draftJson],
 * [restore]). This view-model only follows it.
 */
class RecordVisitViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    /** The parts of the form a problem can be shown next to. */
    enum class Field { PLACE, WHEN, ATTENDEES, TOPICS, NOTES, CORRECTION_REASON, LOCATION, OTHER }

    /** Someone who can be ticked present: a member of the household, or found by search for a group session. */
    data class PersonRow(
        val personId: String,
        val name: String,
        /** Their household's address, to tell people apart in a group session. */
        val address: String,
        val present: Boolean = false,
        val skills: Set<String> = emptySet(),
        val actions: Set<String> = emptySet(),
    )

    data class State(
        val loading: Boolean = false,
        /** The household's address and village, or the group session's place. */
        val placeLabel: String = "",
        /** A group session (its place can be edited; people come from search and walk-ins). */
        val isGroupSession: Boolean = false,
        val people: List<PersonRow> = emptyList(),
        val topics: Set<String> = emptySet(),
        val notes: String = "",
        /** `null`: the moment of saving. */
        val occurredAt: Instant? = null,
        /** The visit being corrected, if this is a correction, and why it was wrong. */
        val correcting: String? = null,
        val correctionReason: String = "",
        /** Where, roughly (optional; the core keeps it coarse and checks it is in Vietnam). */
        val location: Location? = null,
        val form: FormState? = null,
        val saving: Boolean = false,
        val savedVisitId: String? = null,
        val warnings: List<String> = emptyList(),
        val error: UiError? = null,
        /** People found by [searchPeople] (best first), to add with [addPeople]. */
        val found: List<SearchHit> = emptyList(),
        /** The walk-in being added (`null` when none), and the core's problems with it. */
        val walkIn: WalkInDraft? = null,
        val walkInForm: FormState? = null,
        val addingWalkIn: Boolean = false,
        /** The last walk-in added (now a member of their household, and present). */
        val addedWalkInId: String? = null,
        /** The refused change this form fixes ([openRefusedFix]); saved, it replaces that change. */
        val fixingRefused: String? = null,
    ) {
        /** Blocking problems, grouped by where the form shows them. */
        val fieldErrors: Map<Field, List<String>> get() = byFormField(fieldMessages(form?.problems.orEmpty()))
        val canSave: Boolean get() = !saving && !loading && savedVisitId == null && form?.canSave == true

        /** The walk-in's problems beside each of its fields: `walk_in.full_name`, `walk_in.consent`… */
        val walkInProblems: Map<String, List<Problem>> get() = problemsByField(walkInForm?.problems.orEmpty())
        val canAddWalkIn: Boolean get() = walkIn != null && !addingWalkIn && walkInForm?.canSave == true
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** What the form offers (the catalogs are part of the core). */
    val topicChoices: List<CatalogEntry> by lazy { vn.tungnha.core.topics() }
    val skillChoices: List<CatalogEntry> by lazy { vn.tungnha.core.skills() }
    val actionChoices: List<CatalogEntry> by lazy { vn.tungnha.core.actions() }

    private var form: VisitForm? = null
    /** People added from search but not ticked yet, in the order they were added (id to name, address). */
    private var roster: List<Pair<String, Pair<String, String>>> = emptyList()

    private data class Read(val draft: VisitDraft, val form: FormState, val roster: List<RosterRow>, val walkIn: FormState)

    private val refresh = FormRefresh(scope, io, {
        checkNotNull(form).let { Read(it.draft(), it.state(db), it.roster(db), it.walkInState()) }
    }) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { show(it, r.value) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    /** A visit at one household's home: its members are the people to tick. */
    fun openAtHousehold(householdId: String, teamId: String, volunteerId: String, campaignId: String? = null): Job = open {
        Triple(VisitForm.atHousehold(householdId, teamId, volunteerId, campaignId), label(db.householdDetail(householdId)), emptyList())
    }

    /** A group session at a fixed point; people are added from search ([searchPeople], [addPeople]) and walk-ins. */
    fun openGroupSession(place: String, teamId: String, volunteerId: String, campaignId: String? = null): Job = open {
        Triple(VisitForm.groupSession(place, teamId, volunteerId, campaignId), "", emptyList())
    }

    /** Correct a stored visit: its content to edit; saved, it replaces the old one (everyone of the households attending can be ticked). */
    fun openCorrection(visitId: String): Job = open {
        val visit = db.visit(visitId)
        val households = (listOfNotNull((visit.place as? VisitPlace.Household)?.householdId) + visit.attendees.mapNotNull { it.householdId }).distinct()
        val details = households.map { db.householdDetail(it) }
        val label = (visit.place as? VisitPlace.Household)?.let { p -> label(details.first { it.household.id == p.householdId }) }.orEmpty()
        Triple(VisitForm.correcting(db, visitId), label, details.flatMap(::people))
    }

    /**
     * Fix a visit the server refused (the sync status offered [vn.tungnha.core.RefusedAction.FIX]):
     * the core's form prefilled with what was refused; [save] then saves it in place of the
     * refused change (`saveRefusedFix`).
     */
    fun openRefusedFix(opId: String): Job = open(fixing = opId) {
        val f = db.refusedVisitForm(opId)
        val label = (f.draft().place as? VisitPlace.Household)?.let { label(db.householdDetail(it.householdId)) }.orEmpty()
        Triple(f, label, emptyList())
    }

    /**
     * The form as [draftJson] kept it (after the app was stopped); a damaged text is a typed
     * error. [fixingOpId]: the refused change the draft was fixing, if it was.
     */
    fun restore(json: String, fixingOpId: String? = null): Job = open(fixing = fixingOpId) {
        val f = VisitForm.fromJson(json)
        val label = (f.draft().place as? VisitPlace.Household)?.let { label(db.householdDetail(it.householdId)) }.orEmpty()
        Triple(f, label, emptyList())
    }

    /** The whole draft (ticks, topics, a half-typed walk-in) as text, for the app to keep across process death. */
    fun draftJson(): String? = form?.toJson()

    /** Name a group session's fixed point. */
    fun setPlace(place: String) = edit { it.setPlace(place) }

    /** Find people for a group session across the households on the device (accent-insensitive, best first). */
    fun searchPeople(query: String): Job = scope.launch {
        val f = form ?: return@launch
        when (val r = call(io) { f.searchPeople(db, query, 0u, 50u) }) {
            is Outcome.Ok -> _state.update { it.copy(found = r.value.hits) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    /** Add people found by search (a group session's attendees come from several households). */
    fun addPeople(hits: List<SearchHit>): Job {
        val found = hits.mapNotNull { h -> h.personId?.let { id -> id to ((h.personName ?: h.headName) to h.address) } }
        roster = roster + found.filter { (id, _) -> roster.none { it.first == id } }
        return refresh.refresh()
    }

    /** Start adding a walk-in to [householdId] (`null`: the household visited). */
    fun startWalkIn(householdId: String? = null) = edit { it.startWalkIn(householdId) }
    fun setWalkInHousehold(householdId: String?) = edit { it.setWalkInHousehold(householdId) }
    fun setWalkInName(name: String) = edit { it.setWalkInName(name) }
    fun setWalkInBirthYear(text: String) = edit { it.setWalkInBirthYear(text) }
    fun setWalkInRelation(relation: Relation) = edit { it.setWalkInRelation(relation) }
    fun setWalkInConsentGivenBy(name: String) = edit { it.setWalkInConsentGivenBy(name) }

    /** The walk-in heard the consent notice in full and agreed, now. */
    fun recordWalkInConsent() = edit { it.recordWalkInConsent() }
    fun cancelWalkIn() = edit { it.cancelWalkIn() }

    /** Save the walk-in into their household and mark them present; `recordedBy` is this device's team member. */
    fun addWalkIn(recordedBy: String? = null): Job = scope.launch {
        val f = form ?: return@launch
        if (_state.value.addingWalkIn) return@launch
        _state.update { it.copy(addingWalkIn = true, error = null) }
        when (val r = call(io) { f.addWalkIn(db, recordedBy) }) {
            is Outcome.Ok -> _state.update { it.copy(addingWalkIn = false, addedWalkInId = r.value.id) }
            is Outcome.Failed -> _state.update { it.copy(addingWalkIn = false, error = r.error) }
        }
        refresh.refresh().join()
    }

    fun togglePresent(personId: String) = edit { it.togglePresent(personId) }

    /** Ticking a skill for someone also marks them present (the core's rule). */
    fun toggleSkill(personId: String, skill: String) = edit { it.toggleSkill(personId, skill) }
    fun toggleAction(personId: String, action: String) = edit { it.toggleAction(personId, action) }
    fun toggleTopic(code: String) = edit { it.toggleTopic(code) }
    fun setNotes(notes: String) = edit { it.setNotes(notes) }

    /** The phone's rough position when the person allowed it, or `null` to leave it out. */
    fun setLocation(location: Location?) = edit { it.setLocation(location) }

    /** Why the visit being corrected was wrong (a correction needs it; the core checks it). */
    fun setCorrectionReason(reason: String) = edit { it.setCorrectionReason(reason) }

    /** When it happened; `null` for the moment of saving. */
    fun setOccurredAt(at: Instant?) = edit { it.setOccurredAt(at) }

    /** Save (or, for a correction, replace the old visit). The core refuses an invalid form with its problems. */
    fun save(): Job = scope.launch {
        val f = form ?: return@launch
        if (_state.value.saving || _state.value.loading) return@launch
        _state.update { it.copy(saving = true, error = null) }
        val fixing = fixingOpId
        when (val r = call(io) { if (fixing != null) db.saveRefusedFix(fixing, f) else f.save(db) }) {
            is Outcome.Ok -> _state.update { it.copy(saving = false, savedVisitId = r.value.id, warnings = warningMessages(r.value.warnings)) }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    /** The household's address and village, for a visit at a household. */
    private var householdLabel = ""

    /** The refused change being fixed, if this form fixes one. */
    private var fixingOpId: String? = null

    private fun open(fixing: String? = null, make: () -> Triple<VisitForm, String, List<Pair<String, Pair<String, String>>>>): Job {
        form = null
        roster = emptyList()
        householdLabel = ""
        fixingOpId = fixing
        _state.value = State(loading = true, fixingRefused = fixing)
        return scope.launch {
            when (val r = call(io, make)) {
                is Outcome.Ok -> {
                    form = r.value.first
                    roster = r.value.third
                    householdLabel = r.value.second
                    _state.update { it.copy(placeLabel = r.value.second) }
                    refresh.refresh().join()
                    _state.update { it.copy(loading = false) }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    private fun edit(change: (VisitForm) -> Unit): Job {
        val f = form ?: return Job().apply { complete() }
        return refresh.edit { change(f) }
    }

    /** The state for a draft: the core's roster (members, everyone present), then people found by search not ticked yet. */
    private fun show(s: State, r: Read): State {
        val draft = r.draft
        val named = r.roster.map { PersonRow(it.personId, it.fullName, it.address, it.present, it.skillsGuided.toSet(), it.actions.toSet()) }
        val candidates = roster.filter { (id, _) -> named.none { it.personId == id } }.map { (id, who) -> PersonRow(id, who.first, who.second) }
        val place = draft.place
        return s.copy(
            placeLabel = if (place is VisitPlace.Group) place.place else householdLabel,
            isGroupSession = place is VisitPlace.Group,
            walkIn = draft.walkIn,
            walkInForm = r.walkIn.takeIf { draft.walkIn != null },
            people = named + candidates,
            topics = draft.topics.toSet(),
            notes = draft.notes,
            occurredAt = draft.occurredAt,
            correcting = draft.supersedes,
            correctionReason = draft.correctionReason,
            location = draft.location,
            form = r.form,
            warnings = warningMessages(r.form.problems),
        )
    }

    private fun label(d: HouseholdDetail) = listOf(d.household.address, d.villageName).filter { it.isNotBlank() }.joinToString(", ")

    private fun people(d: HouseholdDetail) = d.members.map { it.person.id to (it.person.fullName to d.household.address) }

    companion object {
        /** The core names fields by path (`attendees[1].person_id`); the form has fewer places to show them. */
        fun formField(path: String): Field = when (path.substringBefore('.').substringBefore('[')) {
            "place" -> Field.PLACE
            "occurred_at" -> Field.WHEN
            "attendees" -> Field.ATTENDEES
            "topics" -> Field.TOPICS
            "notes" -> Field.NOTES
            "correction_reason" -> Field.CORRECTION_REASON
            "location" -> Field.LOCATION
            else -> Field.OTHER
        }

        fun byFormField(messages: Map<String, List<String>>): Map<Field, List<String>> =
            messages.entries.groupBy({ formField(it.key) }, { it.value }).mapValues { (_, lists) -> lists.flatten().distinct() }
    }
}
