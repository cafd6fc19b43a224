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
import vn.tungnha.core.SearchHit
import vn.tungnha.core.VisitDraft
import vn.tungnha.core.VisitForm
import vn.tungnha.core.VisitPlace
import java.time.Instant

/**
 * The "record a visit" screen: at one household, or a group session with people from
 * several households, or the correction of a stored visit. Who was present, the skills
 * guided and actions done per person, topics, notes, time. The core's `VisitForm` holds the
 * draft and says what is wrong with each field as the volunteer ticks (the same rules and
 * stored facts as the save); this view-model follows it and names the people.
 */
class RecordVisitViewModel(
    private val db: Database,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    /** The parts of the form a problem can be shown next to. */
    enum class Field { PLACE, WHEN, ATTENDEES, TOPICS, NOTES, OTHER }

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
        val people: List<PersonRow> = emptyList(),
        val topics: Set<String> = emptySet(),
        val notes: String = "",
        /** `null`: the moment of saving. */
        val occurredAt: Instant? = null,
        /** The visit being corrected, if this is a correction. */
        val correcting: String? = null,
        val form: FormState? = null,
        val saving: Boolean = false,
        val savedVisitId: String? = null,
        val warnings: List<String> = emptyList(),
        val error: UiError? = null,
    ) {
        /** Blocking problems, grouped by where the form shows them. */
        val fieldErrors: Map<Field, List<String>> get() = byFormField(fieldMessages(form?.problems.orEmpty()))
        val canSave: Boolean get() = !saving && !loading && savedVisitId == null && form?.canSave == true
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** What the form offers (the catalogs are part of the core). */
    val topicChoices: List<CatalogEntry> by lazy { vn.tungnha.core.topics() }
    val skillChoices: List<CatalogEntry> by lazy { vn.tungnha.core.skills() }
    val actionChoices: List<CatalogEntry> by lazy { vn.tungnha.core.actions() }

    private var form: VisitForm? = null
    /** Everyone the screen can name, in the order they were added. */
    private var roster: List<Pair<String, Pair<String, String>>> = emptyList()

    private val refresh = FormRefresh(scope, io, { checkNotNull(form).let { it.draft() to it.state(db) } }) { r ->
        when (r) {
            is Outcome.Ok -> _state.update { show(it, r.value.first, r.value.second) }
            is Outcome.Failed -> _state.update { it.copy(error = r.error) }
        }
    }

    /** A visit at one household's home: its members are the people to tick. */
    fun openAtHousehold(householdId: String, teamId: String, volunteerId: String, campaignId: String? = null): Job = open {
        val detail = db.householdDetail(householdId)
        Triple(VisitForm.atHousehold(householdId, teamId, volunteerId, campaignId), label(detail), people(detail))
    }

    /** A group session at a fixed point; people are added from search ([addPeople]). */
    fun openGroupSession(place: String, teamId: String, volunteerId: String, campaignId: String? = null): Job = open {
        Triple(VisitForm.groupSession(place, teamId, volunteerId, campaignId), place, emptyList())
    }

    /** Correct a stored visit: its content to edit; saved, it replaces the old one. */
    fun openCorrection(visitId: String): Job = open {
        val visit = db.visit(visitId)
        val households = (listOfNotNull((visit.place as? VisitPlace.Household)?.householdId) + visit.attendees.mapNotNull { it.householdId }).distinct()
        val details = households.map { db.householdDetail(it) }
        val label = when (val p = visit.place) {
            is VisitPlace.Household -> label(details.first { it.household.id == p.householdId })
            is VisitPlace.Group -> p.place
        }
        Triple(VisitForm.correcting(db, visitId), label, details.flatMap(::people))
    }

    /** Add people found by search (a group session's attendees come from several households). */
    fun addPeople(hits: List<SearchHit>): Job {
        val found = hits.mapNotNull { h -> h.personId?.let { id -> id to ((h.personName ?: h.headName) to h.address) } }
        roster = roster + found.filter { (id, _) -> roster.none { it.first == id } }
        return refresh.refresh()
    }

    fun togglePresent(personId: String) = edit { it.togglePresent(personId) }

    /** Ticking a skill for someone also marks them present (the core's rule). */
    fun toggleSkill(personId: String, skill: String) = edit { it.toggleSkill(personId, skill) }
    fun toggleAction(personId: String, action: String) = edit { it.toggleAction(personId, action) }
    fun toggleTopic(code: String) = edit { it.toggleTopic(code) }
    fun setNotes(notes: String) = edit { it.setNotes(notes) }

    /** When it happened; `null` for the moment of saving. */
    fun setOccurredAt(at: Instant?) = edit { it.setOccurredAt(at) }

    /** Save (or, for a correction, replace the old visit). The core refuses an invalid form with its problems. */
    fun save(): Job = scope.launch {
        val f = form ?: return@launch
        if (_state.value.saving || _state.value.loading) return@launch
        _state.update { it.copy(saving = true, error = null) }
        when (val r = call(io) { f.save(db) }) {
            is Outcome.Ok -> _state.update { it.copy(saving = false, savedVisitId = r.value.id, warnings = warningMessages(r.value.warnings)) }
            is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
        }
    }

    private fun open(make: () -> Triple<VisitForm, String, List<Pair<String, Pair<String, String>>>>): Job {
        form = null
        roster = emptyList()
        _state.value = State(loading = true)
        return scope.launch {
            when (val r = call(io, make)) {
                is Outcome.Ok -> {
                    form = r.value.first
                    roster = r.value.third
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

    /** The state for a draft: the roster with the draft's ticks, plus anyone present the roster lacks. */
    private fun show(s: State, draft: VisitDraft, formState: FormState): State {
        val ticked = draft.attendees.associateBy { it.personId }
        val known = roster.map { (id, who) ->
            val a = ticked[id]
            PersonRow(id, who.first, who.second, present = a != null, skills = a?.skillsGuided.orEmpty().toSet(), actions = a?.actions.orEmpty().toSet())
        }
        val unnamed = draft.attendees.filter { a -> roster.none { it.first == a.personId } }
            .map { PersonRow(it.personId, "", "", present = true, skills = it.skillsGuided.toSet(), actions = it.actions.toSet()) }
        return s.copy(
            people = known + unnamed,
            topics = draft.topics.toSet(),
            notes = draft.notes,
            occurredAt = draft.occurredAt,
            correcting = draft.supersedes,
            form = formState,
            warnings = warningMessages(formState.problems),
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
            else -> Field.OTHER
        }

        fun byFormField(messages: Map<String, List<String>>): Map<Field, List<String>> =
            messages.entries.groupBy({ formField(it.key) }, { it.value }).mapValues { (_, lists) -> lists.flatten().distinct() }
    }
}
