import Foundation
import TungNhaCore
@testable import TungNhaPresentation
import XCTest

/// Runs on a Mac after ./build-xcframework.sh (`swift test`); not on the Linux CI, where the
/// same logic is tested in Kotlin (android/presentation).
final class PresentationTests: XCTestCase {
    func testProblemPathsMapToFormFields() {
        XCTAssertEqual(RecordVisitModel.formField("attendees[2].person_id"), .attendees)
        XCTAssertEqual(RecordVisitModel.formField("place.household_id"), .place)
        XCTAssertEqual(RecordVisitModel.formField("occurred_at"), .when)
        XCTAssertEqual(RecordVisitModel.formField("team_id"), .other)
    }

    override func tearDown() {
        CoreLanguage.override = nil
        super.tearDown()
    }

    @MainActor
    func testValidationComesBackPerField() async throws {
        CoreLanguage.override = .vi
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = try Database.open(path: dir.appendingPathComponent("device.db").path)
        let village = try db.addVillage(communeKey: "2025:c:03646", name: "Bản Mòng")
        let team = try db.addTeam(team: TeamInput(communeKey: "2025:c:03646", name: "Tổ CNSCĐ", members: [
            TeamMemberInput(fullName: "Quàng Thị Hoa", organisation: .womensUnion, role: TeamRole(code: "member", nameVi: "Tổ viên")),
        ]))
        let consent = Consent(givenBy: "Lò Văn Pánh", givenAt: Date(timeIntervalSinceNow: -86_400), purpose: "Hướng dẫn kỹ năng số")
        let household = try db.addHousehold(household: HouseholdInput(
            villageId: village, address: "Số 1",
            head: PersonInput(fullName: "Lò Văn Pánh", relation: .head, consent: consent)
        ))
        let model = RecordVisitModel(db: db)
        await model.openAtHousehold(householdId: household.id, teamId: team.id, volunteerId: team.members[0].id)
        XCTAssertEqual(model.people.map(\.name), ["Lò Văn Pánh"])
        // Shown as the form opens, before any save.
        XCTAssertFalse(model.canSave)
        XCTAssertEqual(model.fieldErrors[.topics], ["Chọn ít nhất một nội dung hướng dẫn"])
        await model.save()
        XCTAssertEqual(model.error?.code, .invalid)
        XCTAssertEqual(model.error?.action, .fixFields)
        XCTAssertNil(model.savedVisitId)

        await model.toggleSkill("online_payment", for: model.people[0].id)
        await model.toggleTopic("cashless_payment")
        XCTAssertTrue(model.canSave)
        await model.save()
        XCTAssertNotNil(model.savedVisitId)
        XCTAssertEqual(try db.householdDetail(householdId: household.id).status, .visited)
    }

    @MainActor
    func testAGroupSessionWithAWalkInSurvivesTheAppBeingKilled() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = try Database.open(path: dir.appendingPathComponent("device.db").path)
        let village = try db.addVillage(communeKey: "2025:c:03646", name: "Bản Mòng")
        let team = try db.addTeam(team: TeamInput(communeKey: "2025:c:03646", name: "Tổ CNSCĐ", members: [
            TeamMemberInput(fullName: "Quàng Thị Hoa", organisation: .womensUnion, role: TeamRole(code: "member", nameVi: "Tổ viên")),
        ]))
        let consent = Consent(givenBy: "Lò Văn Pánh", givenAt: Date(timeIntervalSinceNow: -86_400), purpose: "Hướng dẫn kỹ năng số")
        let household = try db.addHousehold(household: HouseholdInput(
            villageId: village, address: "Số 1",
            head: PersonInput(fullName: "Lò Văn Pánh", relation: .head, consent: consent)
        ))
        let model = RecordVisitModel(db: db)
        await model.openGroupSession(place: "", teamId: team.id, volunteerId: team.members[0].id)
        XCTAssertTrue(model.isGroupSession)
        XCTAssertNotNil(model.fieldErrors[.place])
        await model.setPlace("Nhà văn hoá bản Mòng")
        await model.searchPeople("lo van panh")
        await model.addPeople(Array(model.found.prefix(1)))
        await model.toggleSkill("public_services", for: model.people[0].id)
        await model.startWalkIn(householdId: household.id)
        await model.setWalkInName("Lò Thị Sen")
        let kept = try XCTUnwrap(model.draftJson())

        let again = RecordVisitModel(db: db)
        await again.restore(json: String(kept.prefix(kept.count / 2)))
        XCTAssertEqual(again.error?.code, .invalid)
        await again.restore(json: kept)
        XCTAssertEqual(again.placeLabel, "Nhà văn hoá bản Mòng")
        XCTAssertEqual(again.people.filter(\.present).map(\.name), ["Lò Văn Pánh"])
        XCTAssertEqual(again.walkIn?.fullName, "Lò Thị Sen")
        XCTAssertNotNil(again.walkInProblems["walk_in.consent"])
        await again.setWalkInRelation(.child)
        await again.recordWalkInConsent()
        XCTAssertTrue(again.canAddWalkIn)
        await again.addWalkIn()
        let sen = try XCTUnwrap(again.addedWalkInId)
        XCTAssertTrue(again.people.first { $0.id == sen }?.present == true)
        await again.toggleTopic("online_public_services")
        XCTAssertTrue(again.canSave)
        await again.save()
        XCTAssertNotNil(again.savedVisitId)
    }

    @MainActor
    func testRegisteringAHouseholdShowsProblemsPerFieldThenSaves() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = try Database.open(path: dir.appendingPathComponent("device.db").path)
        let village = try db.addVillage(communeKey: "2025:c:03646", name: "Bản Mòng")
        let model = RegisterHouseholdModel(db: db)
        await model.start(villageId: village)
        XCTAssertFalse(model.canSave)
        XCTAssertEqual(model.problems["address"]?.map(\.code), ["required"])
        XCTAssertEqual(model.problems["consent"]?.map(\.code), ["consent_missing"])
        await model.setAddress("Số 7, tổ 2")
        await model.setMemberName(0, "Lò Văn Pánh")
        await model.recordConsent()
        XCTAssertTrue(model.canSave)
        await model.save()
        let id = try XCTUnwrap(model.savedHouseholdId)
        XCTAssertEqual(try db.householdDetail(householdId: id).members.map(\.person.fullName), ["Lò Văn Pánh"])
    }

    func testEveryErrorCodeHasAnActionAndTheCoresMessages() {
        let all: [ErrorCode] = [
            .invalid, .notFound, .schemaTooNew, .diskFull, .storage, .storedData, .encryptionUnavailable, .notEnrolled,
            .network, .unreadableAnswer, .cancelled, .updateRequired, .unauthorized, .badRequest, .tooManyAttempts, .forbidden,
            .unavailable, .serverError, .unexpected,
        ]
        for code in all {
            XCTAssertFalse(errorMessageVi(code: code).isEmpty)
            XCTAssertFalse(errorMessageEn(code: code).isEmpty)
        }
        XCTAssertEqual(errorAction(code: .diskFull), .freeSpace)
        XCTAssertEqual(UiError.unexpected.action, .contactLeader)
    }
}
