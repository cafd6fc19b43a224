import Foundation
import Observation
import TungNhaCore

/// One household: members with their ladder in the 5 skills (level, since when, through
/// what), the visit history with group sessions and corrected visits marked, the indicators —
/// the core's `householdScreen`. Mirrors android/presentation `HouseholdDetailViewModel`.
@MainActor
@Observable
public final class HouseholdDetailModel {
    public private(set) var loading = false
    public private(set) var screen: HouseholdScreen?
    public private(set) var error: UiError?

    private let db: Database
    private var householdId: HouseholdId?

    public init(db: Database) {
        self.db = db
    }

    public func load(householdId: HouseholdId) async {
        self.householdId = householdId
        await refresh()
    }

    /// Read it again (after a visit, a verification, a sync).
    public func refresh() async {
        guard let id = householdId else { return }
        loading = true
        let db = self.db
        switch await call({ try db.householdScreen(householdId: id) }) {
        case let .success(s):
            screen = s
            error = nil
        case let .failure(e):
            error = e
        }
        loading = false
    }
}
