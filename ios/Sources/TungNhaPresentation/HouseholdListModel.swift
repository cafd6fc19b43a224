import Foundation
import TungNhaCore

/// The volunteer's list: households of their assignment, a status filter, accent-insensitive
/// search within the list (`dang` finds `Đặng`). Mirrors android/presentation.
@MainActor
public final class HouseholdListModel: ObservableObject {
    public enum Filter: CaseIterable, Sendable { case all, notVisited, visited, goalReached }

    public struct Counts: Equatable, Sendable {
        public var total = 0, notVisited = 0, visited = 0, goalReached = 0
    }

    @Published public private(set) var rows: [HouseholdSummary] = []
    @Published public private(set) var counts = Counts()
    @Published public private(set) var loading = false
    @Published public private(set) var error: UiError?
    @Published public var filter: Filter = .all { didSet { publish() } }
    @Published public private(set) var query = ""

    private let db: Database
    private var teamId: String?
    private var volunteerId: String?
    private var all: [HouseholdSummary] = []
    private var matches: Set<String>?

    public init(db: Database) {
        self.db = db
    }

    public func load(teamId: String, volunteerId: String?) async {
        self.teamId = teamId
        self.volunteerId = volunteerId
        await refresh()
    }

    public func refresh() async {
        guard let teamId else { return }
        loading = true
        error = nil
        let db = self.db, volunteerId = self.volunteerId
        switch await call({ try db.assignmentHouseholds(teamId: teamId, volunteerId: volunteerId) }) {
        case let .success(list):
            all = list
            publish()
        case let .failure(e):
            error = e
        }
        loading = false
    }

    public func search(_ text: String) async {
        query = text
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            matches = nil
            publish()
            return
        }
        let db = self.db
        switch await call({ try db.search(query: text, villageId: nil, limit: 500) }) {
        case let .success(hits):
            guard query == text else { return } // a newer search superseded this one
            matches = Set(hits.map(\.householdId))
            publish()
        case let .failure(e):
            error = e
        }
    }

    private func publish() {
        let byStatus = all.filter { accepts($0.status) }
        rows = matches.map { found in byStatus.filter { found.contains($0.id) } } ?? byStatus
        counts = Counts(
            total: all.count,
            notVisited: all.filter { $0.status == .notVisited }.count,
            visited: all.filter { $0.status == .visited }.count,
            goalReached: all.filter { $0.status == .goalReached }.count
        )
    }

    private func accepts(_ status: HouseholdStatus) -> Bool {
        switch filter {
        case .all: return true
        case .notVisited: return status == .notVisited
        case .visited: return status == .visited
        case .goalReached: return status == .goalReached
        }
    }
}
