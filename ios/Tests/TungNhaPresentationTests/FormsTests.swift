import Foundation
import TungNhaCore
@testable import TungNhaPresentation
import XCTest

/// The editing screens' adapters over the core's forms, step by step as a volunteer, a
/// citizen and a leader use them. Mirrors android/presentation FormsTest.kt (same data, same
/// expectations), so the two platforms' adapters are held to one behaviour. Runs on a Mac
/// (`swift test` after ./build-xcframework.sh).
final class FormsTests: XCTestCase {
    override func setUp() {
        super.setUp()
        CoreLanguage.override = .vi
    }

    override func tearDown() {
        CoreLanguage.override = nil
        super.tearDown()
    }

    @MainActor
    func testRegisterAHouseholdWithMembersAndConsent() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let model = RegisterHouseholdModel(db: db)
        await model.start(villageId: c.villageId)
        XCTAssertFalse(model.canSave)
        XCTAssertEqual(model.problems["address"]?.map(\.code), ["required"])
        XCTAssertEqual(model.problems["members[0].full_name"]?.map(\.code), ["required"])
        XCTAssertEqual(model.problems["consent"]?.map(\.code), ["consent_missing"])
        XCTAssertFalse(model.messages("consent").first?.isEmpty ?? true, "the core's message beside the consent")
        XCTAssertTrue(model.consentPurpose.textVi.contains("định danh"), "the notice read to the household is the core's")

        await model.setAddress("Số 7, tổ 2")
        await model.setMemberName(0, "Lò Văn Pánh")
        await model.setMemberBirthYear(0, "1968")
        await model.setPhone("0912 345 678")
        await model.addMember(.child)
        await model.setMemberName(1, "Lò Thị Xuân")
        await model.setMemberBirthYear(1, "năm 2001")
        await model.setMemberPhone(1, "12345")
        XCTAssertNil(model.problems["address"], "fixed as typed")
        XCTAssertEqual(model.problems["members[1].birth_year"]?.map(\.code), ["birth_year_out_of_range"])
        XCTAssertTrue(model.problems["members[1].phone"]?.allSatisfy { $0.code.hasPrefix("phone_") } ?? false)
        XCTAssertTrue(model.messages("members[1].birth_year").first?.contains("Năm sinh") ?? false)
        XCTAssertFalse(model.canSave)

        await model.setMemberBirthYear(1, "2001")
        await model.setMemberPhone(1, "0987654321")
        await model.recordConsent()
        XCTAssertEqual(model.form?.problems.filter { $0.severity == .error } ?? [], [])
        XCTAssertTrue(model.canSave)
        XCTAssertEqual(model.draft?.consentGivenBy, "Lò Văn Pánh", "who agreed defaults to the head")
        XCTAssertNotNil(model.draft?.consentGivenAt)

        // The app is stopped; the draft comes back from what the scene kept.
        let kept = try XCTUnwrap(model.draftJson())
        let again = RegisterHouseholdModel(db: db)
        await again.restore(json: kept)
        XCTAssertEqual(again.draft, model.draft)
        XCTAssertTrue(again.canSave)

        let pending = try db.pendingCount()
        await again.save(recordedBy: c.volunteerId)
        let id = try XCTUnwrap(again.savedHouseholdId, "\(String(describing: again.error))")
        XCTAssertFalse(again.canSave, "saved once")
        XCTAssertGreaterThan(try db.pendingCount(), pending)
        let detail = try db.householdDetail(householdId: id)
        XCTAssertEqual(detail.household.phone, "0912345678")
        XCTAssertEqual(detail.members.map(\.person.fullName), ["Lò Văn Pánh", "Lò Thị Xuân"])
        XCTAssertEqual(detail.members.map(\.person.birthYear), [1968, 2001])
    }

    @MainActor
    func testTheCoresTextsFollowTheLanguage() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let model = RegisterHouseholdModel(db: db)
        await model.start(villageId: c.villageId)
        let consent = try XCTUnwrap(model.problems["consent"]?.first)
        CoreLanguage.override = .en
        XCTAssertEqual(model.messages("consent"), [consent.messageEn])
        XCTAssertEqual(model.consentPurpose.localizedText, model.consentPurpose.textEn)
        CoreLanguage.override = .vi
        XCTAssertEqual(model.messages("consent"), [consent.messageVi])
        XCTAssertNotEqual(consent.messageVi, consent.messageEn)
    }

    @MainActor
    func testASimilarHouseholdIsAWarningNotABlock() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (existing, _) = try c.household("Số 12, tổ 3", "Đặng Văn Hùng")
        _ = try c.household("Số 14, tổ 3", "Đặng Văn Hải")
        let model = RegisterHouseholdModel(db: db)
        await model.start(villageId: c.villageId)
        await model.setMemberName(0, "Dang Van Hung")
        XCTAssertEqual(model.similar.map(\.householdId), [existing], "the same name, without accents")
        XCTAssertEqual(model.similar.first?.rank, .wholeName)

        await model.setMemberName(0, "Đặng Thị Lụa")
        await model.setAddress("Số 12, tổ 3")
        XCTAssertEqual(model.similar.map(\.householdId), [existing], "the same address")

        await model.recordConsent()
        XCTAssertTrue(model.canSave, "a warning never blocks")
        await model.save()
        XCTAssertNotNil(model.savedHouseholdId)
        XCTAssertEqual(try db.assignmentHouseholds(teamId: c.teamId, volunteerId: nil).count, 3)
    }

    @MainActor
    func testRecordAHouseholdVisitAndAGroupSessionAcrossHouseholds() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h1, p1) = try c.household("Số 1", "Cầm Văn Sơn", "Cầm Thị Lan")
        let (h2, p2) = try c.household("Số 2", "Lường Thị Vân")

        let home = RecordVisitModel(db: db)
        await home.openAtHousehold(householdId: h1, teamId: c.teamId, volunteerId: c.volunteerId)
        XCTAssertEqual(home.placeLabel, "Số 1, Bản Mòng")
        XCTAssertEqual(home.people.map(\.name), ["Cầm Văn Sơn", "Cầm Thị Lan"])
        XCTAssertFalse(home.canSave)
        XCTAssertEqual(Set(home.fieldErrors.keys), [.attendees, .topics])

        await home.toggleSkill("online_payment", for: p1[1]) // ticking a skill marks the person present
        await home.toggleAction("vneid_activated", for: p1[1])
        await home.toggleTopic("cashless_payment")
        XCTAssertEqual(home.people.first { $0.id == p1[1] }?.present, true)
        XCTAssertTrue(home.fieldErrors.isEmpty)
        XCTAssertTrue(home.canSave)
        await home.setOccurredAt(Date(timeIntervalSinceNow: 3 * 86_400))
        XCTAssertTrue(home.fieldErrors[.when]?.first?.contains("tương lai") ?? false, "a time in the future, under the time")
        await home.setOccurredAt(hoursAgo(1))
        await home.setNotes("Chuyển khoản bằng mã QR")
        await home.save()
        let saved = try XCTUnwrap(home.savedVisitId, "\(String(describing: home.error))")
        XCTAssertFalse(home.canSave, "one tap saves once")
        let v = try db.visit(visitId: saved)
        XCTAssertEqual(v.place, .household(householdId: h1))
        XCTAssertEqual(v.attendees.map(\.personId), [p1[1]])
        XCTAssertEqual(v.attendees.first?.actions, ["vneid_activated"])
        XCTAssertEqual(v.notes, "Chuyển khoản bằng mã QR")

        // A session at the cultural house: people from two households, found by search.
        let group = RecordVisitModel(db: db)
        await group.openGroupSession(place: "Nhà văn hoá bản Mòng", teamId: c.teamId, volunteerId: c.volunteerId)
        XCTAssertEqual(group.placeLabel, "Nhà văn hoá bản Mòng")
        let search = SearchModel(db: db)
        await search.search("cam van son")
        let son = search.hits.filter { $0.personId == p1[0] }
        await search.search("luong thi van")
        let van = search.hits.filter { $0.personId == p2[0] }
        await group.addPeople(son + van)
        XCTAssertEqual(group.people.map(\.name), ["Cầm Văn Sơn", "Lường Thị Vân"])
        await group.toggleSkill("public_services", for: p1[0])
        await group.toggleSkill("public_services", for: p2[0])
        await group.toggleTopic("online_public_services")
        XCTAssertTrue(group.canSave, "\(String(describing: group.form))")
        await group.save()
        let session = try db.visit(visitId: try XCTUnwrap(group.savedVisitId))
        XCTAssertEqual(session.place, .group(place: "Nhà văn hoá bản Mòng"))
        XCTAssertEqual(Set(session.attendees.compactMap(\.householdId)), [h1, h2])

        let figures = FiguresModel(db: db)
        await figures.load(scope: .team(c.teamId))
        let f = try XCTUnwrap(figures.figures, "\(String(describing: figures.error))")
        XCTAssertEqual(f.householdVisits, 1)
        XCTAssertEqual(f.groupSessions, 1)
        XCTAssertEqual(f.householdsVisited, 2)
        XCTAssertEqual(figures.visitedPercent, 100)
    }

    @MainActor
    func testCorrectAVisit() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, people) = try c.household("Số 5", "Tòng Văn Ninh", "Tòng Thị Ỏn")
        let first = RecordVisitModel(db: db)
        await first.openAtHousehold(householdId: h, teamId: c.teamId, volunteerId: c.volunteerId)
        await first.toggleSkill("online_shopping", for: people[0])
        await first.toggleTopic("online_public_services")
        await first.setOccurredAt(hoursAgo(3))
        await first.save()
        let wrong = try XCTUnwrap(first.savedVisitId)

        let model = RecordVisitModel(db: db)
        await model.openCorrection(visitId: wrong)
        XCTAssertEqual(model.correcting, wrong)
        XCTAssertEqual(Set(model.people.filter(\.present).map(\.id)), [people[0]], "the old content, to edit")
        XCTAssertEqual(model.people.first { $0.id == people[0] }?.skills, ["online_shopping"])
        XCTAssertTrue(model.canSave)

        // It was her, and it was online payment.
        await model.togglePresent(people[0])
        await model.toggleSkill("online_payment", for: people[1])
        await model.save()
        let fixed = try XCTUnwrap(model.savedVisitId, "\(String(describing: model.error))")
        let visits = Dictionary(uniqueKeysWithValues: try db.householdDetail(householdId: h).visits.map { ($0.id, $0) })
        XCTAssertEqual(visits[wrong]?.supersededBy, fixed)
        XCTAssertEqual(visits[fixed]?.supersedes, wrong)
        XCTAssertEqual(try db.figures(scope: .team(c.teamId), days: nil).visits, 1, "the corrected visit no longer counts")

        // A visit is corrected once; a second correction of the old one is refused, per field.
        let again = RecordVisitModel(db: db)
        await again.openCorrection(visitId: wrong)
        XCTAssertFalse(again.canSave)
        await again.save()
        XCTAssertEqual(again.error?.action, .fixFields)
        XCTAssertNil(again.savedVisitId)
    }

    @MainActor
    func testAHouseholdSelfReport() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, people) = try c.household("Số 4", "Tòng Thị Phới", "Tòng Văn Ái")
        let model = SelfReportModel(db: db, channel: .app)
        XCTAssertEqual(model.skillChoices.map(\.code), allSkills)
        XCTAssertTrue(model.skillChoices.allSatisfy { !$0.plainVi.isEmpty && !$0.plainEn.isEmpty }, "each skill in plain words")
        XCTAssertTrue(model.learnMore.url.hasPrefix("https://"))
        await model.open(householdId: h)
        XCTAssertEqual(model.people.map(\.fullName), ["Tòng Thị Phới", "Tòng Văn Ái"])
        XCTAssertFalse(model.canSave, "nothing ticked yet")
        XCTAssertNotNil(model.problems["people"])

        for skill in allSkills.reversed() { await model.toggle(skill, for: people[0]) }
        await model.toggle("online_safety", for: people[1])
        await model.toggle("online_shopping", for: people[1])
        await model.toggle("online_shopping", for: people[1])
        XCTAssertEqual(model.people[0].skills, allSkills, "kept in catalog order")
        XCTAssertEqual(model.people[1].skills, ["online_safety"])
        XCTAssertTrue(model.canSave)

        let again = SelfReportModel(db: db, channel: .app)
        await again.restore(json: try XCTUnwrap(model.draftJson()))
        XCTAssertEqual(again.people, model.people)
        await again.save()
        XCTAssertEqual(again.savedIds.count, 2, "one report per person, in one save")
        let detail = try db.householdDetail(householdId: h)
        XCTAssertTrue(detail.members[0].mastersAll)
        XCTAssertEqual(detail.members[1].skills.first { $0.skill == "online_safety" }?.level, .selfReported)

        let nobody = SelfReportModel(db: db, channel: .app)
        await nobody.open(householdId: "not-an-id")
        XCTAssertEqual(nobody.error?.code, .notFound)
    }

    @MainActor
    func testALeaderVerifiesTwoSkillsAndCorrectsOne() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db, villageName: "Bản Kiểm")
        let (h, people) = try c.household("Số 9", "Quàng Văn Mến", "Quàng Thị Dung")
        let model = VerifyModel(db: db)
        await model.open(householdId: h, personId: people[1], leaderId: c.leaderId)
        XCTAssertEqual(model.member?.person.fullName, "Quàng Thị Dung")
        XCTAssertFalse(model.canVerify)
        XCTAssertEqual(model.problems["skills"]?.map(\.code), ["required"])
        await model.toggle("online_payment")
        await model.toggle("online_safety")
        XCTAssertTrue(model.canVerify)
        await model.verify()
        XCTAssertEqual(model.verified.count, 2, "\(String(describing: model.error))")
        let levels = Dictionary(uniqueKeysWithValues: (model.member?.skills ?? []).map { ($0.skill, $0.level) })
        XCTAssertEqual(levels["online_payment"], .verified)
        XCTAssertEqual(levels["online_safety"], .verified)
        XCTAssertTrue(model.ticked.isEmpty, "the form starts again")

        // Online safety was a mistake: back to guided, with the reason.
        await model.startCorrection(skill: "online_safety", toLevel: .guided)
        XCTAssertFalse(model.canCorrect)
        XCTAssertEqual(model.correctionProblems["reason"]?.map(\.code), ["required"])
        await model.setReason("Nhầm người khi ghi nhận")
        XCTAssertTrue(model.canCorrect)
        await model.saveCorrection()
        XCTAssertNotNil(model.correctedId, "\(String(describing: model.error))")
        XCTAssertEqual(model.member?.skills.first { $0.skill == "online_safety" }?.level, .guided)
    }

    @MainActor
    func testSearchPagesThroughTheCommune() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        for i in 0..<120 { _ = try c.household("Số \(i + 1), tổ \(i % 9 + 1)", "Nguyễn Văn Thứ \(i + 1)") }
        _ = try c.household("Số 500", "Nguyễn Zũng")
        let model = SearchModel(db: db, pageSize: 50)
        await model.search("nguyen")
        XCTAssertEqual(model.total, 121)
        XCTAssertEqual(model.hits.count, 50)
        XCTAssertEqual(model.nextOffset, 50)
        await model.loadMore()
        XCTAssertEqual(model.hits.count, 100)
        await model.loadMore()
        XCTAssertEqual(model.hits.count, 121)
        XCTAssertFalse(model.hasMore)
        XCTAssertEqual(Set(model.hits.map(\.householdId)).count, 121, "no household twice across pages")
        await model.loadMore()
        XCTAssertEqual(model.hits.count, 121, "nothing after the last page")

        await model.search("nguyen zung")
        XCTAssertEqual(model.hits.first?.personName, "Nguyễn Zũng")
        XCTAssertEqual(model.hits.first?.rank, .wholeName)
    }

    @MainActor
    func testTheHouseholdListFiltersByStatusAndSearchesWithoutAccents() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (visited, people) = try c.household("Số 1", "Đặng Văn Hùng")
        _ = try c.household("Số 2", "Hà Thị Mai")
        let visit = RecordVisitModel(db: db)
        await visit.openAtHousehold(householdId: visited, teamId: c.teamId, volunteerId: c.volunteerId)
        await visit.toggleSkill("online_payment", for: people[0])
        await visit.toggleTopic("cashless_payment")
        await visit.save()
        XCTAssertNotNil(visit.savedVisitId)

        let list = HouseholdListModel(db: db)
        await list.load(teamId: c.teamId, volunteerId: nil)
        XCTAssertEqual(list.counts, HouseholdListModel.Counts(total: 2, notVisited: 1, visited: 1, goalReached: 0))
        list.filter = .notVisited
        XCTAssertEqual(list.rows.map(\.headName), ["Hà Thị Mai"])
        list.filter = .all
        await list.search("dang")
        XCTAssertEqual(list.rows.map(\.id), [visited], "dang finds Đặng")
        await list.search("")
        XCTAssertEqual(list.rows.count, 2)
    }

    /// Mirrors FormsTest.kt and ScreensTest.kt: a correction needs its reason; a household is
    /// edited later and only what changed is sent.
    @MainActor
    func testACorrectionNeedsItsReasonAndAHouseholdIsEditedLater() async throws {
        let db = try openTempDatabase(self)
        let c = try Commune(db)
        let (h, people) = try c.household("Số 5", "Tòng Văn Ninh", "Tòng Thị Ỏn")
        let wrong = try db.recordVisit(visit: c.visit(h, [people[0]], ["online_shopping"])).id

        let fix = RecordVisitModel(db: db)
        await fix.openCorrection(visitId: wrong)
        await fix.toggleSkill("online_payment", for: people[1])
        XCTAssertFalse(fix.canSave, "a correction needs its reason")
        XCTAssertFalse(fix.form?.problems.filter { $0.field == "correction_reason" }.isEmpty ?? true)
        await fix.setCorrectionReason("Ghi nhầm người: là vợ ông Ninh")
        XCTAssertEqual(fix.correctionReason, "Ghi nhầm người: là vợ ông Ninh")
        XCTAssertTrue(fix.canSave)
        await fix.save()
        let fixed = try XCTUnwrap(fix.savedVisitId)
        XCTAssertEqual(try db.visit(visitId: fixed).correctionReason, "Ghi nhầm người: là vợ ông Ninh")

        let pending = try db.pendingCount()
        let edit = RegisterHouseholdModel(db: db)
        await edit.openEdit(householdId: h)
        XCTAssertEqual(edit.draft?.householdId, h)
        XCTAssertEqual(edit.draft?.members.first?.personId, people[0], "the head first, as stored")
        await edit.setMemberName(1, "Tòng Thị Ón")
        await edit.save()
        XCTAssertEqual(edit.savedHouseholdId, h)
        XCTAssertEqual(try db.pendingCount(), pending + 1, "only the renamed member is sent")
    }
}
