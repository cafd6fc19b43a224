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

    /** A volunteer's (or leader's) assignment: filters, search, sync. */
    @Serializable
    data class Households(val teamId: String, val memberId: String, val leader: Boolean)

    /** Commune-wide search of households and people in scope. */
    @Serializable
    data class Search(val teamId: String, val memberId: String, val leader: Boolean)

    @Serializable
    data class RegisterHousehold(val memberId: String, val villageId: String? = null)

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
                if (team != null && member != null) Households(team, member, leader = e.role == Role.TEAM_LEADER) else null
            Role.CITIZEN -> e.householdId?.let { SelfReport(it, byVolunteer = false) }
            Role.COMMUNE_OFFICIAL -> e.communeKey?.let { Figures(FigureScopeKind.COMMUNE, it) }
            Role.PROVINCE_OFFICIAL -> Figures(FigureScopeKind.ALL)
        }
    }
}
