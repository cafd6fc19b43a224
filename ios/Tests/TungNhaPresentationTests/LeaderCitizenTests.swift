import Foundation
import TungNhaCore
@testable import TungNhaPresentation
import XCTest

/// A team leader's and a citizen's screens over the real core, on one device without a
/// server: reading a scanned or typed enrolment code, a code that cannot be issued before
/// enrolling, the team's progress, and a citizen's home with ticks submitted. Mirrors the
/// intents of android/presentation's LeaderCitizenTest.kt (which runs the server parts —
/// issuing, enrolling, syncing — against a real `tungnha serve`).
final class LeaderCitizenTests: XCTestCase {
    override func tearDown() {
        CoreLanguage.override = nil
        super.tearDown()
    }

    @MainActor
    func testEnrolReadsAScannedQrCodeOrATypedCodeAndRefusesGarbage() async throws {
        let db = try openTempDatabase(self)
        let model = EnrolModel(db: db, serverUrl: "https://dongbo.example.vn")
        await model.check()
        XCTAssertFalse(model.enrolled)
        XCTAssertNil(model.summary)

        CoreLanguage.override = .en
        await model.read("không phải mã")
        XCTAssertEqual(model.error?.code, .invalid)
        XCTAssertEqual(model.error?.action, .fixFields)
        XCTAssertEqual(model.error?.fieldMessages["code"]?.count, 1, "\(String(describing: model.error))")
        XCTAssertNil(model.scanned)

        let payload = try enrolLink(serverUrl: "https://tinh.example.vn", code: "K7QX3MZP")
        await model.read(payload)
        XCTAssertNil(model.error)
        XCTAssertEqual(model.scanned?.code, "K7QX3MZP")
        XCTAssertEqual(model.scanned?.serverUrl, "https://tinh.example.vn", "a QR code names its server")

        // Typed by hand, in lower case with a dash: the same code, no server.
        await model.read("k7qx-3mzp")
        XCTAssertEqual(model.scanned, EnrolTarget(serverUrl: nil, code: "K7QX3MZP"))
        XCTAssertFalse(model.enrolled, "reading enrols nothing")
    }

    @MainActor
    func testACodeCannotBeIssuedBeforeEnrolling() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, _) = try c.household("Số 12", "Hà Văn Tư")
        let model = IssueCodeModel(db: db, serverUrl: "http://127.0.0.1:9")
        await model.forHousehold(h, holderName: "Hà Văn Tư")
        XCTAssertEqual(model.forWhom, .household(h))
        XCTAssertEqual(model.error?.code, .notEnrolled)
        XCTAssertEqual(model.error?.action, .enrol)
        XCTAssertNil(model.issued)
        XCTAssertNil(model.qrPayload)
        XCTAssertFalse(model.busy)

        await model.forMember(teamId: c.teamId, memberId: c.volunteerId, holderName: "Quàng Thị Hoa")
        XCTAssertEqual(model.forWhom, .member(teamId: c.teamId, memberId: c.volunteerId, role: .volunteer))
        XCTAssertEqual(model.error?.code, .notEnrolled)
        model.clear()
        XCTAssertNil(model.forWhom)
        XCTAssertNil(model.error)
    }

    @MainActor
    func testTeamProgressNumbersAreWhatWasRecorded() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db, villageName: "Bản Tiến Độ")
        let (h1, p1) = try c.household("Số 1", "Đinh Văn Một", "Đinh Thị Hai")
        let (h2, p2) = try c.household("Số 2", "Đinh Văn Ba")
        _ = try c.household("Số 3", "Đinh Văn Bốn")
        _ = try db.recordVisit(visit: c.visit(h1, p1, ["online_payment"]))
        _ = try db.recordVisit(visit: c.visit(h2, p2, ["public_services"]))
        _ = try db.recordSelfReport(report: SelfReportInput(personId: p1[0], skills: allSkills, channel: .volunteer, reportedAt: hoursAgo(1)))
        _ = try db.recordVisit(visit: Commune.visitFor(c.teamId, c.leaderId, h2, p2, ["online_safety"]))

        let model = TeamProgressModel(db: db)
        await model.load()
        XCTAssertNil(model.progress, "not enrolled: no team of its own")
        XCTAssertNil(model.error)

        await model.load(teamId: c.teamId)
        let p = try XCTUnwrap(model.progress, "\(String(describing: model.error))")
        XCTAssertEqual(p.teamId, c.teamId)
        XCTAssertEqual(p.figures, try db.figures(scope: .team(c.teamId)), "the reports' figures")
        XCTAssertEqual(p.figures.households, 3)
        XCTAssertEqual(p.figures.visits, 3)
        XCTAssertEqual(p.figures.householdsVisited, 2)
        XCTAssertEqual(p.figures.peopleGuided, 3)
        XCTAssertEqual(p.householdsGoalReached, 1)
        XCTAssertNil(p.campaignId)
        XCTAssertNil(model.campaignId)
        let vol = try XCTUnwrap(p.members.first { $0.memberId == c.volunteerId })
        let lead = try XCTUnwrap(p.members.first { $0.memberId == c.leaderId })
        XCTAssertEqual([vol.visits, vol.peopleGuided, vol.householdsVisited, vol.householdsGoalReached], [2, 3, 2, 1])
        XCTAssertEqual([lead.visits, lead.peopleGuided, lead.householdsVisited, lead.householdsGoalReached], [1, 1, 1, 0])
        XCTAssertNotNil(vol.lastActivityAt)
        XCTAssertTrue(lead.canVerify)
        XCTAssertFalse(vol.canVerify)

        // Choosing "all time" again keeps the team.
        await model.selectCampaign(nil)
        XCTAssertEqual(model.progress?.teamId, c.teamId)
    }

    @MainActor
    func testACitizenTicksSkillsAndTheHouseholdsProgressFollows() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, people) = try c.household("Số 12", "Hà Văn Tư", "Hà Thị Năm")
        let model = CitizenHomeModel(db: db)
        await model.open(householdId: h)
        let before = try XCTUnwrap(model.home, "\(String(describing: model.error))")
        XCTAssertEqual(model.householdId, h)
        XCTAssertEqual(before.people.count, 2)
        XCTAssertTrue(before.people.allSatisfy { p in p.skills.count == 5 && p.skills.allSatisfy { $0.level == .notStarted } })
        XCTAssertEqual(before.status, .notVisited)
        XCTAssertEqual(model.skillChoices.count, 5)
        XCTAssertTrue(model.skillChoices.allSatisfy { !$0.plainVi.isEmpty && !$0.plainEn.isEmpty })
        XCTAssertTrue(model.learnMore.url.hasPrefix("https://"))
        XCTAssertEqual(model.report.people.count, 2)

        // Nothing ticked: nothing to submit.
        XCTAssertFalse(model.report.canSave)

        for skill in allSkills { await model.toggle(skill, for: people[0]) }
        await model.toggle("online_safety", for: people[1])
        XCTAssertTrue(model.report.canSave)
        await model.submit()
        XCTAssertEqual(model.submitted, 2, "\(String(describing: model.report.error))")
        let after = try XCTUnwrap(model.home)
        XCTAssertEqual(after.peopleMasteringAll, 1)
        XCTAssertEqual(after.masteringAllPercent, 50)
        XCTAssertEqual(after.status, .goalReached)
        XCTAssertEqual(after.people.first { $0.personId == people[1] }?.skills.first { $0.skill == "online_safety" }?.level, .selfReported)
        XCTAssertTrue(model.report.people.allSatisfy { $0.skills.isEmpty }, "the form starts again")

        // A device not enrolled as a household's opens none.
        let nobody = CitizenHomeModel(db: db)
        await nobody.open()
        XCTAssertNil(nobody.householdId)
        XCTAssertNil(nobody.home)
    }
}
