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
import vn.tungnha.core.Attendee
import vn.tungnha.core.CatalogEntry
import vn.tungnha.core.DatabaseInterface
import vn.tungnha.core.VisitInput
import vn.tungnha.core.VisitPlace
import java.time.Instant

/**
 * The "record a visit" screen at one household: who was present, which skills each was
 * guided through, which topics were covered, notes. Saving goes through the core's
 * validation; its problems come back per form field, in Vietnamese.
 */
class RecordVisitViewModel(
    private val db: DatabaseInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val now: () -> Instant = Instant::now,
) {
    /** The parts of the form a problem can be shown next to. */
    enum class Field { PLACE, WHEN, ATTENDEES, TOPICS, NOTES, OTHER }

    data class PersonRow(val personId: String, val name: String, val present: Boolean = false, val skills: Set<String> = emptySet())

    data class State(
        val loading: Boolean = false,
        val householdId: String? = null,
        val householdLabel: String = "",
        val people: List<PersonRow> = emptyList(),
        val topics: Set<String> = emptySet(),
        val notes: String = "",
        val occurredAt: Instant? = null,
        val saving: Boolean = false,
        val savedVisitId: String? = null,
        val warnings: List<String> = emptyList(),
        val fieldErrors: Map<Field, List<String>> = emptyMap(),
        val error: UiError? = null,
    ) {
        val canSave: Boolean get() = !saving && !loading && householdId != null
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    /** What the form offers (the catalogs are part of the core). */
    val topicChoices: List<CatalogEntry> by lazy { vn.tungnha.core.topics() }
    val skillChoices: List<CatalogEntry> by lazy { vn.tungnha.core.skills() }

    fun open(householdId: String): Job = scope.launch {
        _state.value = State(loading = true, householdId = householdId, occurredAt = now())
        when (val r = call(io) { db.householdDetail(householdId) }) {
            is Outcome.Ok -> _state.update { s ->
                val d = r.value
                s.copy(
                    loading = false,
                    householdLabel = "${d.household.address}, ${d.villageName}",
                    people = d.members.map { PersonRow(it.person.id, it.person.fullName) },
                )
            }
            is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
        }
    }

    fun togglePresent(personId: String) = editPerson(personId) { it.copy(present = !it.present, skills = if (it.present) emptySet() else it.skills) }

    /** Ticking a skill for someone also marks them present. */
    fun toggleSkill(personId: String, skill: String) = editPerson(personId) {
        val skills = if (skill in it.skills) it.skills - skill else it.skills + skill
        it.copy(skills = skills, present = it.present || skills.isNotEmpty())
    }

    fun toggleTopic(code: String) = _state.update { s -> s.copy(topics = if (code in s.topics) s.topics - code else s.topics + code) }

    fun setNotes(notes: String) = _state.update { it.copy(notes = notes) }

    fun setOccurredAt(at: Instant) = _state.update { it.copy(occurredAt = at) }

    /** Save the visit for a volunteer of a team. */
    fun save(teamId: String, volunteerId: String): Job = scope.launch {
        val s = _state.value
        val household = s.householdId ?: return@launch
        if (!s.canSave) return@launch
        _state.update { it.copy(saving = true, fieldErrors = emptyMap(), error = null, warnings = emptyList()) }
        val input = VisitInput(
            place = VisitPlace.Household(household),
            teamId = teamId,
            volunteerId = volunteerId,
            occurredAt = s.occurredAt ?: now(),
            attendees = s.people.filter { it.present }.map { Attendee(personId = it.personId, skillsGuided = it.skills.sorted()) },
            topics = s.topics.sorted(),
            notes = s.notes,
        )
        when (val r = call(io) { db.recordVisit(input) }) {
            is Outcome.Ok -> _state.update {
                it.copy(saving = false, savedVisitId = r.value.id, warnings = warningMessages(r.value.warnings))
            }
            is Outcome.Failed -> _state.update {
                it.copy(saving = false, error = r.error, fieldErrors = byFormField(r.error.fieldMessages))
            }
        }
    }

    private fun editPerson(personId: String, change: (PersonRow) -> PersonRow) = _state.update { s ->
        s.copy(people = s.people.map { if (it.personId == personId) change(it) else it })
    }

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
