import Foundation
import Observation
import TungNhaCore

/// A household's self-report: for each person, the 5 skills in plain words, ticked by the
/// citizen (in the app, or told to a volunteer); one save for everyone. The core's
/// `SelfReportForm` holds the ticks and checks them. Mirrors android/presentation
/// `SelfReportViewModel`.
@MainActor
@Observable
public final class SelfReportModel {
    public private(set) var loading = false
    /// Each member with the skills ticked for them.
    public private(set) var people: [PersonSkills] = []
    public private(set) var form: FormState?
    public private(set) var saving = false
    /// One saved report per person who ticked something.
    public private(set) var savedIds: [SelfReportId] = []
    public private(set) var error: UiError?

    public var problems: [String: [Problem]] { problemsByField(form?.problems ?? []) }
    public var canSave: Bool { !saving && !loading && savedIds.isEmpty && form?.canSave == true }

    /// The 5 skills, named and in plain words (the core's texts).
    public let skillChoices: [SkillChoice] = TungNhaCore.skillChoices()
    /// Where to learn them: the free national course.
    public let learnMore: LearnMore = TungNhaCore.learnMore()

    private struct Answer: Sendable {
        let draft: SelfReportDraft
        let state: FormState
    }

    private let db: Database
    private let channel: Channel
    private var selfReportForm: SelfReportForm?
    @ObservationIgnored private lazy var refresher = FormRefresh<Answer> { [weak self] result in
        switch result {
        case let .success(a):
            self?.people = a.draft.people
            self?.form = a.state
        case let .failure(e):
            self?.error = e
        }
    }

    public init(db: Database, channel: Channel = .app) {
        self.db = db
        self.channel = channel
    }

    /// The household's members, nothing ticked.
    public func open(householdId: HouseholdId) async {
        let db = self.db, channel = self.channel
        await start { try SelfReportForm.forHousehold(db: db, householdId: householdId, channel: channel) }
    }

    /// The form as `draftJson()` kept it.
    public func restore(json: String) async {
        await start { try SelfReportForm.fromJson(json: json) }
    }

    public func draftJson() -> String? { try? selfReportForm?.toJson() }

    public func toggle(_ skill: String, for personId: PersonId) async {
        guard let f = selfReportForm else { return }
        await refresher.edit({ try f.toggle(personId: personId, skill: skill) }, then: Self.read(f))
    }

    public func save() async {
        guard let f = selfReportForm, !saving else { return }
        saving = true
        error = nil
        let db = self.db
        switch await call({ try f.save(db: db) }) {
        case let .success(saved): savedIds = saved.map(\.id)
        case let .failure(e): error = e
        }
        saving = false
    }

    private func start(_ make: @escaping @Sendable () throws -> SelfReportForm) async {
        selfReportForm = nil
        savedIds = []
        error = nil
        loading = true
        switch await call(make) {
        case let .success(f):
            selfReportForm = f
            await refresher.refresh(Self.read(f))
        case let .failure(e):
            error = e
        }
        loading = false
    }

    private nonisolated static func read(_ f: SelfReportForm) -> @Sendable () throws -> Answer {
        { Answer(draft: f.draft(), state: f.state()) }
    }
}
