import Foundation
import Observation
import TungNhaCore

/// Register a household: village, address, the head and the other members, the consent read
/// in full, the indicators. The core's `HouseholdForm` holds the draft and says what is wrong
/// with each field as the volunteer types, and which households of the village look like this
/// one; this only follows it. Mirrors android/presentation `RegisterHouseholdViewModel`.
@MainActor
@Observable
public final class RegisterHouseholdModel {
    /// What the form holds (`nil` before `start` or `restore`).
    public private(set) var draft: HouseholdDraft?
    /// The core's problems and whether it can be saved, for this draft.
    public private(set) var form: FormState?
    /// Households of the village that look like this one: a warning, never a block.
    public private(set) var similar: [SearchHit] = []
    public private(set) var saving = false
    public private(set) var savedHouseholdId: HouseholdId?
    public private(set) var warnings: [String] = []
    public private(set) var error: UiError?

    /// The notice to read to the household before anything is kept (the core's text).
    public let consentPurpose: ConsentPurpose = TungNhaCore.consentPurpose()

    /// Problems beside each field: `address`, `phone`, `members[1].birth_year`, `consent`…
    public var problems: [String: [Problem]] { problemsByField(form?.problems ?? []) }

    /// The messages to show beside one field, in the current language (`CoreLanguage`).
    public func messages(_ field: String) -> [String] { (problems[field] ?? []).map(\.localizedMessage) }

    public var canSave: Bool { !saving && savedHouseholdId == nil && form?.canSave == true }

    private struct Read: Sendable {
        let draft: HouseholdDraft
        let form: FormState
        let similar: [SearchHit]
    }

    private let db: Database
    private var householdForm: HouseholdForm?
    @ObservationIgnored private lazy var refresher = FormRefresh<Read> { [weak self] result in
        switch result {
        case let .success(r):
            self?.draft = r.draft
            self?.form = r.form
            self?.similar = r.similar
        case let .failure(e):
            self?.error = e
        }
    }

    public init(db: Database) {
        self.db = db
    }

    /// An empty form, in the volunteer's village if there is one.
    public func start(villageId: VillageId?) async {
        await open { try HouseholdForm(villageId: villageId) }
    }

    /// The form as `draftJson()` kept it (after the app was stopped).
    public func restore(json: String) async {
        await open { try HouseholdForm.fromJson(json: json) }
    }

    /// Edit a registered household: its fields and members as stored; saving sends what changed.
    public func openEdit(householdId: HouseholdId) async {
        let db = self.db
        await open { try HouseholdForm.editing(db: db, householdId: householdId) }
    }

    /// The draft as text, for the app to keep across process death.
    public func draftJson() -> String? { try? householdForm?.toJson() }

    public func setVillage(_ villageId: VillageId?) async { await edit { try $0.setVillage(villageId: villageId) } }
    public func setAddress(_ address: String) async { await edit { $0.setAddress(address: address) } }
    public func setPhone(_ phone: String) async { await edit { $0.setPhone(phone: phone) } }
    public func setIndicators(_ indicators: HouseholdIndicators) async { await edit { $0.setIndicators(indicators: indicators) } }

    /// A new member row, last in the list.
    public func addMember(_ relation: Relation) async { await edit { _ = $0.addMember(relation: relation) } }
    public func removeMember(_ index: Int) async { await edit { $0.removeMember(index: UInt32(index)) } }
    public func setMemberName(_ index: Int, _ name: String) async { await edit { $0.setMemberName(index: UInt32(index), fullName: name) } }
    public func setMemberRelation(_ index: Int, _ relation: Relation) async { await edit { $0.setMemberRelation(index: UInt32(index), relation: relation) } }
    public func setMemberBirthYear(_ index: Int, _ text: String) async { await edit { $0.setMemberBirthYear(index: UInt32(index), birthYear: text) } }
    public func setMemberSex(_ index: Int, _ sex: Sex?) async { await edit { $0.setMemberSex(index: UInt32(index), sex: sex) } }
    public func setMemberPhone(_ index: Int, _ phone: String) async { await edit { $0.setMemberPhone(index: UInt32(index), phone: phone) } }
    public func setConsentGivenBy(_ name: String) async { await edit { $0.setConsentGivenBy(name: name) } }

    /// The household heard `consentPurpose` in full and agreed, now.
    public func recordConsent() async { await edit { $0.recordConsent() } }

    /// Save the household and everyone on the form; `recordedBy` is this device's team member.
    public func save(recordedBy: MemberId? = nil) async {
        guard let f = householdForm, !saving else { return }
        saving = true
        error = nil
        let db = self.db
        switch await call({ try f.save(db: db, recordedBy: recordedBy) }) {
        case let .success(saved):
            savedHouseholdId = saved.id
            warnings = warningMessages(saved.warnings)
        case let .failure(e):
            error = e
        }
        saving = false
    }

    private func open(_ make: @escaping @Sendable () throws -> HouseholdForm) async {
        householdForm = nil
        draft = nil
        form = nil
        similar = []
        savedHouseholdId = nil
        warnings = []
        error = nil
        switch await call(make) {
        case let .success(f):
            householdForm = f
            await refresher.refresh(read(f))
        case let .failure(e):
            error = e
        }
    }

    private func edit(_ change: (HouseholdForm) throws -> Void) async {
        guard let f = householdForm else { return }
        await refresher.edit({ try change(f) }, then: read(f))
    }

    private func read(_ f: HouseholdForm) -> @Sendable () throws -> Read {
        let db = self.db
        return { Read(draft: f.draft(), form: f.state(), similar: try f.similar(db: db)) }
    }
}
