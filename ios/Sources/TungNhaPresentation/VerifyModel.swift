import Foundation
import Observation
import TungNhaCore

/// A team leader with one person: ticks the skills they saw the person do (all verified in
/// one save), or corrects one skill's level with the reason (the only way a level goes down,
/// kept for audit). The core's `VerificationForm` and `CorrectionForm` hold and check what the
/// leader enters; the person's levels are read again after each save. On a team leader's
/// phone the leader is the member the phone is enrolled as.
/// Mirrors android/presentation `VerifyViewModel`.
@MainActor
@Observable
public final class VerifyModel {
    public private(set) var loading = false
    /// The person, with their level in each of the 5 skills.
    public private(set) var member: Member?
    /// Skills ticked as seen.
    public private(set) var ticked: [String] = []
    public private(set) var form: FormState?
    /// The correction being written, if any.
    public private(set) var correction: CorrectionDraft?
    public private(set) var correctionForm: FormState?
    public private(set) var saving = false
    public private(set) var verified: [VerificationId] = []
    public private(set) var correctedId: CorrectionId?
    public private(set) var error: UiError?

    public var problems: [String: [Problem]] { problemsByField(form?.problems ?? []) }
    public var correctionProblems: [String: [Problem]] { problemsByField(correctionForm?.problems ?? []) }
    public var canVerify: Bool { !saving && member != nil && form?.canSave == true }
    public var canCorrect: Bool { !saving && member != nil && correctionForm?.canSave == true }

    /// The 5 skills, named and in plain words (the core's texts).
    public let skillChoices: [SkillChoice] = TungNhaCore.skillChoices()

    private struct Verification: Sendable {
        let draft: VerificationDraft
        let state: FormState
    }

    private struct Correction: Sendable {
        let draft: CorrectionDraft
        let state: FormState
    }

    private let db: Database
    private var householdId: HouseholdId?
    private var personId: PersonId?
    private var leaderId: MemberId?
    private var verificationForm: VerificationForm?
    private var correctionFormObject: CorrectionForm?
    @ObservationIgnored private lazy var verificationRefresh = FormRefresh<Verification> { [weak self] result in
        switch result {
        case let .success(v):
            self?.ticked = v.draft.skills
            self?.form = v.state
        case let .failure(e):
            self?.error = e
        }
    }
    @ObservationIgnored private lazy var correctionRefresh = FormRefresh<Correction> { [weak self] result in
        switch result {
        case let .success(c):
            self?.correction = c.draft
            self?.correctionForm = c.state
        case let .failure(e):
            self?.error = e
        }
    }

    public init(db: Database) {
        self.db = db
    }

    /// The leader `leaderId` with person `personId` of household `householdId`. Without
    /// `leaderId`, the team member this device is enrolled as (a team leader's phone).
    public func open(householdId: HouseholdId, personId: PersonId, leaderId: MemberId? = nil) async {
        self.householdId = householdId
        self.personId = personId
        self.leaderId = nil
        verificationForm = nil
        correctionFormObject = nil
        error = nil
        loading = true
        let db = self.db
        switch await call({ () -> (MemberId, VerificationForm, Member?)? in
            guard let leader = try leaderId ?? db.enrolment()?.memberId else { return nil }
            return (leader, try VerificationForm(personId: personId, leaderId: leader), try Self.member(db, householdId, personId))
        }) {
        case let .success(.some((leader, f, m))):
            self.leaderId = leader
            verificationForm = f
            member = m
            await verificationRefresh.refresh(Self.read(f))
        case .success(.none):
            error = UiError(code: .notEnrolled, action: errorAction(code: .notEnrolled),
                            message: errorMessageVi(code: .notEnrolled), messageEn: errorMessageEn(code: .notEnrolled))
        case let .failure(e):
            error = e
        }
        loading = false
    }

    public func toggle(_ skill: String) async {
        guard let f = verificationForm else { return }
        await verificationRefresh.edit({ f.toggle(skill: skill) }, then: Self.read(f))
    }

    /// Verify every ticked skill, all or none; the form starts again empty.
    public func verify() async {
        guard let f = verificationForm, let householdId, let personId, let leaderId, !saving else { return }
        saving = true
        error = nil
        let db = self.db
        switch await call({ try (f.save(db: db), Self.member(db, householdId, personId), VerificationForm(personId: personId, leaderId: leaderId)) }) {
        case let .success((ids, m, next)):
            verified = ids
            member = m
            verificationForm = next
            await verificationRefresh.refresh(Self.read(next))
        case let .failure(e):
            error = e
        }
        saving = false
    }

    /// Start correcting `skill` to `toLevel`; the reason is still to write.
    public func startCorrection(skill: String, toLevel: SkillLevel) async {
        guard let personId, let leaderId else { return }
        switch await call({ try CorrectionForm(personId: personId, leaderId: leaderId, skill: skill, toLevel: toLevel) }) {
        case let .success(f):
            correctionFormObject = f
            correctedId = nil
            await correctionRefresh.refresh(Self.read(f))
        case let .failure(e):
            error = e
        }
    }

    public func setCorrectionLevel(_ level: SkillLevel) async {
        guard let f = correctionFormObject else { return }
        await correctionRefresh.edit({ f.setToLevel(toLevel: level) }, then: Self.read(f))
    }

    public func setReason(_ reason: String) async {
        guard let f = correctionFormObject else { return }
        await correctionRefresh.edit({ f.setReason(reason: reason) }, then: Self.read(f))
    }

    public func saveCorrection() async {
        guard let f = correctionFormObject, let householdId, let personId, !saving else { return }
        saving = true
        error = nil
        let db = self.db
        switch await call({ try (f.save(db: db), Self.member(db, householdId, personId)) }) {
        case let .success((id, m)):
            correctionFormObject = nil
            correctedId = id
            member = m
            correction = nil
            correctionForm = nil
        case let .failure(e):
            error = e
        }
        saving = false
    }

    /// The person as the household screen shows them, with their levels now.
    private nonisolated static func member(_ db: Database, _ householdId: HouseholdId, _ personId: PersonId) throws -> Member? {
        try db.householdDetail(householdId: householdId).members.first { $0.person.id == personId }
    }

    private nonisolated static func read(_ f: VerificationForm) -> @Sendable () throws -> Verification {
        { Verification(draft: f.draft(), state: f.state()) }
    }

    private nonisolated static func read(_ f: CorrectionForm) -> @Sendable () throws -> Correction {
        { Correction(draft: f.draft(), state: f.state()) }
    }
}
