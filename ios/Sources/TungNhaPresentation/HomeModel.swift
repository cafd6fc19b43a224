import Foundation
import Observation
import TungNhaCore

/// The volunteer's home: today's work, the assignment filtered by village, status and search,
/// the chips' counts, unsent/refused counts and the last sync — all the core's `home`; this
/// holds the query and publishes the answer. Mirrors android/presentation `HomeViewModel`.
@MainActor
@Observable
public final class HomeModel {
    public private(set) var loading = false
    public private(set) var query = HomeQuery(village: nil, filter: .all, search: "", offset: 0, limit: 50)
    public private(set) var screen: HomeScreen?
    public private(set) var error: UiError?

    private let db: Database
    private let today: @Sendable () -> LocalDay
    private var teamId: TeamId?
    private var volunteerId: MemberId?
    private var generation = 0

    /// `today`: the Vietnamese calendar day as `yyyy-MM-dd`.
    public init(db: Database, today: @escaping @Sendable () -> LocalDay = HomeModel.vietnameseToday) {
        self.db = db
        self.today = today
    }

    public nonisolated static func vietnameseToday() -> LocalDay {
        let f = DateFormatter()
        f.calendar = Calendar(identifier: .gregorian)
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }

    public func load(teamId: TeamId, volunteerId: MemberId) async {
        self.teamId = teamId
        self.volunteerId = volunteerId
        await refresh()
    }

    public func setFilter(_ filter: HouseholdFilter) async {
        query.filter = filter
        query.offset = 0
        await refresh()
    }

    /// One village of the assignment, or `nil` for all.
    public func setVillage(_ villageId: VillageId?) async {
        query.village = villageId
        query.offset = 0
        await refresh()
    }

    public func setSearch(_ text: String) async {
        query.search = text
        query.offset = 0
        await refresh()
    }

    public func nextPage() async {
        guard let next = screen?.nextOffset else { return }
        query.offset = next
        await refresh()
    }

    /// Read the home again; only the newest answer is shown.
    public func refresh() async {
        guard let team = teamId, let volunteer = volunteerId else { return }
        generation += 1
        let n = generation
        loading = true
        let db = self.db, q = query, day = today()
        let result = await call({ try db.home(teamId: team, volunteerId: volunteer, day: day, query: q) })
        guard n == generation else { return }
        switch result {
        case let .success(s):
            screen = s
            error = nil
        case let .failure(e):
            error = e
        }
        loading = false
    }
}
