import Foundation
import Observation
import TungNhaCore

/// The progress screen: the figures an official reports, for a scope and some days, as the
/// core computes them from stored facts. Mirrors android/presentation `FiguresViewModel`.
@MainActor
@Observable
public final class FiguresModel {
    public private(set) var loading = false
    public private(set) var figures: Figures?
    public private(set) var error: UiError?

    /// Share of households visited at least once, in whole percent (0 with no households).
    public var visitedPercent: Int {
        guard let f = figures, f.households > 0 else { return 0 }
        return Int(UInt64(f.householdsVisited) * 100 / UInt64(f.households))
    }

    private let db: Database

    public init(db: Database) {
        self.db = db
    }

    public func load(scope: FigureScope, days: DayRange? = nil) async {
        loading = true
        error = nil
        let db = self.db
        switch await call({ try db.figures(scope: scope, days: days) }) {
        case let .success(f): figures = f
        case let .failure(e):
            figures = nil
            error = e
        }
        loading = false
    }
}
