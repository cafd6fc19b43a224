package vn.tungnha.presentation

import vn.tungnha.core.Attendee
import vn.tungnha.core.Consent
import vn.tungnha.core.Database
import vn.tungnha.core.HouseholdInput
import vn.tungnha.core.Organisation
import vn.tungnha.core.PersonInput
import vn.tungnha.core.Relation
import vn.tungnha.core.TeamInput
import vn.tungnha.core.TeamMemberInput
import vn.tungnha.core.TeamRole
import vn.tungnha.core.VisitInput
import vn.tungnha.core.VisitPlace
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

/** Phường Tô Hiệu, Sơn La (today's structure), and a neighbour. */
const val COMMUNE = "2025:c:03646"
const val OTHER_COMMUNE = "2025:c:03667"

val ALL_SKILLS = listOf("public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms")

/** A fresh directory that is deleted when the JVM exits. */
fun tempDir(prefix: String): Path = Files.createTempDirectory(prefix).also { dir ->
    Runtime.getRuntime().addShutdownHook(Thread { dir.toFile().deleteRecursively() })
}

fun openTempDatabase(prefix: String = "tungnha-device"): Database = Database.open(tempDir(prefix).resolve("device.db").toString())

fun hoursAgo(h: Long): Instant = Instant.now().minus(Duration.ofHours(h))

fun consent(name: String) = Consent(givenBy = name, givenAt = hoursAgo(48), purpose = "Hướng dẫn kỹ năng số và báo cáo kết quả")

fun person(name: String, relation: Relation, birthYear: Int? = null) =
    PersonInput(fullName = name, relation = relation, birthYear = birthYear, consent = consent(name))

/**
 * A village with households, a team with a leader and a volunteer, and the village assigned
 * to the team: what a commune official sets up on their phone (or receives through sync).
 */
class Commune(val db: Database, communeKey: String = COMMUNE, villageName: String = "Bản Mòng") {
    val villageId: String = db.addVillage(communeKey, villageName)
    val team = db.addTeam(
        TeamInput(
            communeKey,
            "Tổ CNSCĐ $villageName",
            listOf(
                TeamMemberInput("Lò Văn Thắng", Organisation.YouthUnion, TeamRole("leader", "Tổ trưởng", canVerify = true)),
                TeamMemberInput("Quàng Thị Hoa", Organisation.WomensUnion, TeamRole("member", "Tổ viên")),
            ),
        ),
    )
    val teamId: String get() = team.id
    val leaderId: String = team.members.first { it.role.canVerify }.id
    val volunteerId: String = team.members.first { !it.role.canVerify }.id

    init {
        db.assignVillage(teamId, villageId, null)
    }

    /** Adds a household with its head and members; returns the household id and the people's ids (head first). */
    fun household(address: String, head: String, vararg members: String): Pair<String, List<String>> {
        val id = db.addHousehold(HouseholdInput(villageId = villageId, address = address, head = person(head, Relation.HEAD, 1970))).id
        val others = members.mapIndexed { i, name -> db.addPerson(id, person(name, Relation.CHILD, 1995 + i)).id }
        val headId = db.householdDetail(id).household.headId
        return id to listOf(headId) + others
    }

    fun visit(householdId: String, people: List<String>, skills: List<String>, at: Instant = hoursAgo(3), topics: List<String> = listOf("online_public_services")) =
        visitFor(teamId, volunteerId, householdId, people, skills, at, topics)

    companion object {
        /** A visit at one household by a team's volunteer, each person guided through `skills`. */
        fun visitFor(
            teamId: String,
            volunteerId: String,
            householdId: String,
            people: List<String>,
            skills: List<String>,
            at: Instant = hoursAgo(3),
            topics: List<String> = listOf("online_public_services"),
        ) = VisitInput(
            place = VisitPlace.Household(householdId),
            teamId = teamId,
            volunteerId = volunteerId,
            occurredAt = at,
            attendees = people.map { Attendee(personId = it, skillsGuided = skills) },
            topics = topics,
            notes = "Hướng dẫn tại nhà",
        )
    }
}
