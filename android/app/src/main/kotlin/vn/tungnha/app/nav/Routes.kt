package vn.tungnha.app.nav

import kotlinx.serialization.Serializable
import vn.tungnha.core.Enrolment
import vn.tungnha.core.Role

/**
 * Every destination of the app, as typed Navigation Compose routes: each carries what its
 * screen needs (ids only), so a screen's arguments survive process death in its
 * SavedStateHandle (`handle.toRoute<...>()`). Add a destination here and one `composable<...>`
 * in [TungNhaNavHost].
 */
object Routes {
    /**
     * Type or scan the enrolment code. The start destination: it forwards an enrolled device
     * to its home, unless [again] (the server no longer knows this device: enrol anew).
     */
    @Serializable
    data class Enrol(val again: Boolean = false)

    /**
     * A volunteer's (or leader's) start: today's work, the assignment by village and status with
     * counts, search, unsent and refused counts, the last sync, the sync button.
     */
    @Serializable
    data class Home(val teamId: String, val memberId: String, val leader: Boolean)

    /** One household: each member's ladder in the 5 skills, the visit history, the indicators. */
    @Serializable
    data class HouseholdDetail(val householdId: String, val teamId: String, val memberId: String, val leader: Boolean)

    /** What sync left: refused changes (fix or discard), set-aside records, conflicts (leaders resolve). */
    @Serializable
    data class SyncStatus(val leader: Boolean)

    /** A refused visit, prefilled in the visit form; saved, it replaces the refused change. */
    @Serializable
    data class FixRefused(val opId: String)

    /** Language, text size, the privacy notice, the server. */
    @Serializable
    data object Settings

    /** A team leader issues an enrolment code for a member of the team or a household. */
    @Serializable
    data class IssueCode(val teamId: String, val leaderId: String)

    /** A team leader's overview: figures against the campaign's targets, each member's work. */
    @Serializable
    data class TeamProgress(val teamId: String)

    /** A citizen's start: each person's skills in plain words, self-report, the household's progress. */
    @Serializable
    data class CitizenHome(val householdId: String)

    /** A volunteer's (or leader's) whole assignment as one list (the team's for a leader). */
    @Serializable
    data class Households(val teamId: String, val memberId: String, val leader: Boolean)

    /** Commune-wide search of households and people in scope. */
    @Serializable
    data class Search(val teamId: String, val memberId: String, val leader: Boolean)

    @Serializable
    data class RegisterHousehold(
        val memberId: String,
        val villageId: String? = null,
        /** Set to edit a registered household instead of registering a new one. */
        val householdId: String? = null,
    )

    @Serializable
    data class RecordVisit(val householdId: String, val teamId: String, val memberId: String)

    @Serializable
    data class GroupSession(val teamId: String, val memberId: String)

    /** A correction of a stored visit: saved, it supersedes the old one. */
    @Serializable
    data class CorrectVisit(val visitId: String)

    /** A household's self-report, by the citizen ([byVolunteer] false) or told to a volunteer. */
    @Serializable
    data class SelfReport(val householdId: String, val byVolunteer: Boolean)

    /** A team leader with one person: verify skills, correct a level. */
    @Serializable
    data class Verify(val householdId: String, val personId: String, val leaderId: String)

    enum class FigureScopeKind { ALL, COMMUNE, TEAM }

    @Serializable
    data class Figures(val scope: FigureScopeKind, val key: String? = null)

    /** Where an enrolled device starts, by the role it received; `null`: no screen in this app for it. */
    fun home(e: Enrolment): Any? {
        val team = e.teamId
        val member = e.memberId
        return when (e.role) {
            Role.VOLUNTEER, Role.TEAM_LEADER ->
                if (team != null && member != null) Home(team, member, leader = e.role == Role.TEAM_LEADER) else null
            Role.CITIZEN -> e.householdId?.let { CitizenHome(it) }
            Role.COMMUNE_OFFICIAL -> e.communeKey?.let { Figures(FigureScopeKind.COMMUNE, it) }
            Role.PROVINCE_OFFICIAL -> Figures(FigureScopeKind.ALL)
        }
    }
}
