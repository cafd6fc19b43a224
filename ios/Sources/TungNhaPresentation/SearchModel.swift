import Foundation
import Observation
import TungNhaCore

/// Search households and people across the commune, a page at a time: best matches first (a
/// member's whole name, then words that begin words, then anywhere), how many there are in
/// all, and more as the list scrolls. Accent-insensitive (`dang` finds `Đặng`); the ranking
/// and paging are the core's. Mirrors android/presentation `SearchViewModel`.
@MainActor
@Observable
public final class SearchModel {
    public private(set) var query = ""
    public private(set) var hits: [SearchHit] = []
    /// Every match, on all pages.
    public private(set) var total: UInt32 = 0
    /// Where the next page starts; `nil` when every hit is shown.
    public private(set) var nextOffset: UInt32?
    public private(set) var loading = false
    public private(set) var error: UiError?

    public var hasMore: Bool { nextOffset != nil }

    private let db: Database
    private let pageSize: UInt32
    private var villageId: VillageId?

    public init(db: Database, pageSize: UInt32 = 50) {
        self.db = db
        self.pageSize = pageSize
    }

    /// Search anew (the first page); a newer search supersedes one still running.
    public func search(_ text: String, villageId: VillageId? = nil) async {
        query = text
        self.villageId = villageId
        hits = []
        total = 0
        nextOffset = nil
        error = nil
        await load(text, offset: 0, append: false)
    }

    /// The next page, added below the hits shown.
    public func loadMore() async {
        guard let from = nextOffset, !loading else { return }
        await load(query, offset: from, append: true)
    }

    private func load(_ text: String, offset: UInt32, append: Bool) async {
        loading = true
        let db = self.db, village = villageId, limit = pageSize
        let result = await call({ try db.searchPage(query: text, villageId: village, offset: offset, limit: limit) })
        guard query == text else { return } // a newer search superseded this one
        switch result {
        case let .success(page):
            hits = append ? hits + page.hits : page.hits
            total = page.total
            nextOffset = page.nextOffset
        case let .failure(e):
            error = e
        }
        loading = false
    }
}
