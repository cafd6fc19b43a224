import Foundation
import TungNhaCore
@testable import TungNhaPresentation
import XCTest

/// The read-side screens over the real core (a temporary database, no server): the
/// volunteer's home, the household detail, the sync status and sync row before any sync,
/// settings. Mirrors android/presentation's ScreensTest.kt (its server parts — a refused
/// change fixed and synced — run there, against a real `tungnha serve`).
final class ScreensTests: XCTestCase {
    override func tearDown() {
        CoreLanguage.override = nil
        super.tearDown()
    }

    @MainActor
    func testHomeFiltersByStatusAndVillageAndSearchesWithCounts() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db, villageName: "Bản Mòng")
        let (h1, p1) = try c.household("Số 1", "Đặng Văn Hùng", "Đặng Thị Hoa")
        _ = try c.household("Số 2", "Nguyễn Thị Mai")
        let (h3, _) = try c.household("Số 3", "Đặng Thị Lụa")
        _ = try db.recordVisit(visit: c.visit(h1, p1, ["online_payment"]))

        let model = HomeModel(db: db)
        await model.load(teamId: c.teamId, volunteerId: c.volunteerId)
        let home = try XCTUnwrap(model.screen, "\(String(describing: model.error))")
        XCTAssertEqual(home.households.map(\.address), ["Số 1", "Số 2", "Số 3"], "assignment order")
        XCTAssertEqual(home.counts.all, 3)
        XCTAssertEqual(home.counts.notVisited, 2)
        XCTAssertEqual(home.counts.visited, 1)
        XCTAssertEqual(home.counts.goalReached, 0)
        XCTAssertEqual(home.today.visitsToday, 1)
        XCTAssertEqual(home.villages.map { "\($0.name):\($0.households)" }, ["Bản Mòng:3"])
        XCTAssertGreaterThan(home.unsent, 0, "nothing synced yet")
        XCTAssertNil(home.lastSyncAt)

        await model.setFilter(.notVisited)
        XCTAssertEqual(model.screen?.households.map(\.address), ["Số 2", "Số 3"])
        XCTAssertEqual(model.screen?.villages.first?.households, 2, "the village chip counts with the status chosen")

        await model.setSearch("dang")
        XCTAssertEqual(model.screen?.households.map(\.id), [h3], "search within the filter, accents folded")
        XCTAssertEqual(model.screen?.counts.all, 2, "the chips count within the search")
        XCTAssertEqual(model.screen?.counts.visited, 1)

        await model.setFilter(.all)
        XCTAssertEqual(Set(model.screen?.households.map(\.id) ?? []), [h1, h3])
        let other = try db.addVillage(communeKey: commune, name: "Bản Khác")
        await model.setVillage(other)
        XCTAssertEqual(model.screen?.total, 0, "another village has none of these")
        await model.setVillage(nil)
        await model.setSearch("")
        XCTAssertEqual(model.screen?.total, 3)
        XCTAssertEqual(model.query.offset, 0)
        XCTAssertNil(model.error)
    }

    @MainActor
    func testDetailLadderMovesFromGuidedToSelfReportedToVerified() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, p) = try c.household("Số 5", "Lò Văn Pằng", "Lò Thị Xuân")
        let skill = "online_payment"
        let model = HouseholdDetailModel(db: db)
        func step() throws -> LadderStep {
            let member = try XCTUnwrap(model.screen?.members.first { $0.person.id == p[1] })
            return try XCTUnwrap(member.ladder.first { $0.skill == skill })
        }

        await model.load(householdId: h)
        XCTAssertEqual(model.screen?.members.first?.ladder.count, 5)
        XCTAssertEqual(try step().level, .notStarted)
        XCTAssertNil(try step().source)
        XCTAssertFalse(try step().nameVi.isEmpty || step().nameEn.isEmpty, "names from the core's catalog")

        let visit = try db.recordVisit(visit: c.visit(h, [p[1]], [skill])).id
        await model.refresh()
        XCTAssertEqual(try step().level, .guided)
        guard case let .visit(visitId, _, volunteerName)? = try step().source else { return XCTFail("source: \(String(describing: try? step().source))") }
        XCTAssertEqual(visitId, visit)
        XCTAssertEqual(volunteerName, "Quàng Thị Hoa")
        XCTAssertNotNil(try step().since)

        _ = try db.recordSelfReport(report: SelfReportInput(personId: p[1], skills: [skill], channel: .app, reportedAt: hoursAgo(2)))
        await model.refresh()
        XCTAssertEqual(try step().level, .selfReported)
        XCTAssertEqual(try step().source, .selfReport(channel: .app))

        let form = try VerificationForm(personId: p[1], leaderId: c.leaderId)
        form.toggle(skill: skill)
        _ = try form.save(db: db)
        await model.refresh()
        XCTAssertEqual(try step().level, .verified)
        guard case let .verification(_, leaderName)? = try step().source else { return XCTFail("not a verification") }
        XCTAssertEqual(leaderName, "Lò Văn Thắng")

        let history = try XCTUnwrap(model.screen?.visits.first)
        XCTAssertEqual(model.screen?.visits.count, 1)
        XCTAssertEqual(history.place, .household(householdId: h))
        XCTAssertEqual(history.attendees.map(\.fullName), ["Lò Thị Xuân"])
        XCTAssertEqual(history.recordedByName, "Quàng Thị Hoa")
        XCTAssertFalse(history.superseded || history.groupSession)
    }

    /// Before any sync: the counts the home's sync row and the sync status screen show, and a
    /// sync on a device never enrolled fails with the core's typed code and action.
    @MainActor
    func testSyncStatusAndSyncRowBeforeAnySync() async throws {
        let db = try openTempDatabase(self)
        let sync = SyncModel(db: db, serverUrl: "http://127.0.0.1:9")
        await sync.refreshQueues()
        XCTAssertEqual(sync.status, .idle, "nothing to send, never synced")

        let c = try Commune(db)
        let (h, p) = try c.household("Số 7", "Cầm Văn Bảy")
        _ = try db.recordVisit(visit: c.visit(h, p, ["online_safety"]))
        await sync.refreshQueues()
        XCTAssertGreaterThan(sync.pending, 0)
        XCTAssertEqual(sync.status, .unsent(sync.pending))
        XCTAssertEqual(sync.refused, 0)
        XCTAssertNil(sync.lastSyncAt)

        let status = SyncStatusModel(db: db)
        await status.refresh()
        let s = try XCTUnwrap(status.status)
        XCTAssertEqual(s.pending, sync.pending)
        XCTAssertTrue(s.refused.isEmpty)
        XCTAssertEqual(s.refusedTotal, 0)
        XCTAssertEqual(s.setAside, 0)
        XCTAssertEqual(s.conflicts, 0)
        XCTAssertNil(s.lastSyncAt)

        // Nothing refused to fix: the core says so with a typed error, no form opens.
        await status.fix(opId: "00000000-0000-0000-0000-000000000000")
        XCTAssertNil(status.fixing)
        XCTAssertNotNil(status.error)

        await sync.sync()
        XCTAssertEqual(sync.error?.code, .notEnrolled)
        XCTAssertTrue(sync.mustEnrol)
        guard case let .failed(e) = sync.status else { return XCTFail("status \(sync.status)") }
        XCTAssertEqual(e.action, .enrol)
        XCTAssertFalse(sync.running)
    }

    @MainActor
    func testSettingsRoundTripAndRefuseAnOutOfRangeTextSize() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tungnha-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("device.db").path

        do {
            let db = try Database.open(path: path)
            let model = SettingsModel(db: db)
            await model.load()
            let screen = try XCTUnwrap(model.screen)
            XCTAssertEqual(screen.settings.language, .vi, "Vietnamese first")
            XCTAssertEqual(screen.settings.textScale, 1.0)
            XCTAssertNil(screen.serverUrl, "not enrolled")
            XCTAssertNil(screen.role)
            XCTAssertEqual(screen.privacy.textVi, consentPurpose().textVi, "the notice read at consent")
            XCTAssertFalse(screen.privacy.textEn.isEmpty)

            await model.setLanguage(.en)
            await model.setTextScale(1.5)
            XCTAssertEqual(model.screen?.settings.language, .en)
            XCTAssertEqual(model.screen?.settings.textScale, 1.5)
            XCTAssertNil(model.error)

            await model.setTextScale(3.0)
            let error = try XCTUnwrap(model.error)
            XCTAssertEqual(error.code, .invalid)
            XCTAssertEqual(error.action, .fixFields)
            XCTAssertFalse((error.fieldMessages["text_scale"] ?? []).isEmpty, "\(error.fieldMessages)")
            XCTAssertEqual(model.screen?.settings.textScale, 1.5, "a refused size changes nothing")
        }
        let reopened = try Database.open(path: path)
        let again = SettingsModel(db: reopened)
        await again.load()
        XCTAssertEqual(again.screen?.settings.language, .en, "kept on the device")
        XCTAssertEqual(again.screen?.settings.textScale, 1.5)
    }
}
