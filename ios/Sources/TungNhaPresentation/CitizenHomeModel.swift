import Foundation
import Observation
import TungNhaCore

/// A citizen's home, after enrolling with their household's code: each person with their
/// level in each of the 5 skills and the household's progress (`home`); the 5 skills in
/// plain words with where to learn them; and the self-report form (`report`) to tick what
/// each person can do and submit. Mirrors android/presentation `CitizenHomeViewModel`.
@MainActor
@Observable
public final class CitizenHomeModel {
    public private(set) var loading = false
    public private(set) var householdId: HouseholdId?
    public private(set) var home: CitizenHome?
    /// Reports saved by the last submit (one per person who ticked something).
    public private(set) var submitted = 0
    public private(set) var error: UiError?

    /// The 5 skills, named and in plain words (the core's texts).
    public let skillChoices: [SkillChoice] = TungNhaCore.skillChoices()
    /// Where to learn them: the free national course.
    public let learnMore: LearnMore = TungNhaCore.learnMore()
    /// Ticking and submitting.
    public let report: SelfReportModel

    private let db: Database

    public init(db: Database) {
        self.db = db
        self.report = SelfReportModel(db: db, channel: .app)
    }

    /// Household `householdId`, this device's own when `nil`.
    public func open(householdId: HouseholdId? = nil) async {
        loading = true
        error = nil
        let db = self.db
        switch await call({ try householdId ?? db.enrolment()?.householdId }) {
        case let .success(h):
            self.householdId = h
            if let h {
                await reload()
                await report.open(householdId: h)
            }
        case let .failure(e):
            error = e
        }
        loading = false
    }

    public func toggle(_ skill: String, for personId: PersonId) async {
        await report.toggle(skill, for: personId)
    }

    /// Submit the ticks; the household's progress is read again, and the form starts again empty.
    public func submit() async {
        await report.save()
        let saved = report.savedIds.count
        guard saved > 0 else { return }
        submitted = saved
        await reload()
        if let householdId { await report.open(householdId: householdId) }
    }

    /// Read the household again (e.g. after a sync).
    public func reload() async {
        guard let householdId else { return }
        let db = self.db
        switch await call({ try db.citizenHome(householdId: householdId) }) {
        case let .success(h):
            home = h
            error = nil
        case let .failure(e):
            error = e
        }
    }
}
