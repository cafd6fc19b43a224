import Foundation
import TungNhaCore
import XCTest

/// Test data (names, places) is Vietnamese on purpose: search folds accents.
/// Phường Tô Hiệu, Sơn La (today's structure), as in android/presentation's Fixtures.kt.
let commune = "2025:c:03646"
let allSkills = ["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"]

/// A database in a fresh directory, removed when the test ends.
func openTempDatabase(_ test: XCTestCase) throws -> Database {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tungnha-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return try Database.open(path: dir.appendingPathComponent("device.db").path)
}

func hoursAgo(_ h: Double) -> Date { Date(timeIntervalSinceNow: -h * 3600) }

func person(_ name: String, _ relation: Relation, birthYear: Int32? = nil) -> PersonInput {
    PersonInput(
        fullName: name, birthYear: birthYear, relation: relation,
        consent: Consent(givenBy: name, givenAt: hoursAgo(48), purpose: "Hướng dẫn kỹ năng số và báo cáo kết quả")
    )
}

/// A village with households, a team with a leader and a volunteer, and the village assigned
/// to the team: what a commune official sets up (or a phone receives through sync).
struct Commune {
    let db: Database
    let villageId: VillageId
    let team: Team
    var teamId: TeamId { team.id }
    var leaderId: MemberId { team.members.first { $0.role.canVerify }!.id }
    var volunteerId: MemberId { team.members.first { !$0.role.canVerify }!.id }

    init(_ db: Database, villageName: String = "Bản Mòng") throws {
        self.db = db
        villageId = try db.addVillage(communeKey: commune, name: villageName)
        team = try db.addTeam(team: TeamInput(communeKey: commune, name: "Tổ CNSCĐ \(villageName)", members: [
            TeamMemberInput(fullName: "Lò Văn Thắng", organisation: .youthUnion, role: TeamRole(code: "leader", nameVi: "Tổ trưởng", canVerify: true)),
            TeamMemberInput(fullName: "Quàng Thị Hoa", organisation: .womensUnion, role: TeamRole(code: "member", nameVi: "Tổ viên")),
        ]))
        _ = try db.assignVillage(teamId: team.id, villageId: villageId, volunteerId: nil)
    }

    /// A visit at `householdId` by the team's volunteer, each of `people` guided through `skills`.
    func visit(_ householdId: HouseholdId, _ people: [PersonId], _ skills: [String], at: Date = hoursAgo(3),
               topics: [String] = ["online_public_services"]) -> VisitInput {
        Commune.visitFor(teamId, volunteerId, householdId, people, skills, at: at, topics: topics)
    }

    /// A visit at one household by `memberId` of `teamId` (a volunteer, or the leader).
    static func visitFor(_ teamId: TeamId, _ memberId: MemberId, _ householdId: HouseholdId, _ people: [PersonId], _ skills: [String],
                         at: Date = hoursAgo(3), topics: [String] = ["online_public_services"]) -> VisitInput {
        VisitInput(
            place: .household(householdId: householdId), teamId: teamId, volunteerId: memberId, occurredAt: at,
            attendees: people.map { Attendee(personId: $0, skillsGuided: skills) },
            topics: topics, notes: "Hướng dẫn tại nhà"
        )
    }

    /// A household with its head and members; its id and the people's ids (head first).
    func household(_ address: String, _ head: String, _ members: String...) throws -> (HouseholdId, [PersonId]) {
        let id = try db.addHousehold(household: HouseholdInput(villageId: villageId, address: address, head: person(head, .head, birthYear: 1970))).id
        var others: [PersonId] = []
        for (i, name) in members.enumerated() {
            others.append(try db.addPerson(householdId: id, person: person(name, .child, birthYear: Int32(1995 + i))).id)
        }
        return (id, [try db.householdDetail(householdId: id).household.headId] + others)
    }
}
