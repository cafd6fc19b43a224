import Foundation
import Observation
import TungNhaCore

/// The sync status screen: pending, refused changes (what each was, the server's reason, the
/// actions the core offers: fix or discard), set aside, conflicts, last sync. Fixing a refused
/// visit opens the core's visit form prefilled with what was refused; saving it replaces the
/// refused visit. Mirrors android/presentation `SyncStatusViewModel`.
@MainActor
@Observable
public final class SyncStatusModel {
    /// A refused visit being fixed: the form, what the core says about it now, and what the server said.
    public struct Fixing {
        public let opId: OpId
        public let form: VisitForm
        public var formState: FormState?
        /// The server's problems with the refused content, by field.
        public let serverProblems: [String: [Problem]]
    }

    public private(set) var loading = false
    public private(set) var status: SyncStatus?
    public private(set) var fixing: Fixing?
    public private(set) var saving = false
    public private(set) var saved: SavedVisit?
    public private(set) var error: UiError?

    private let db: Database

    public init(db: Database) {
        self.db = db
    }

    public func refresh() async {
        loading = true
        let db = self.db
        switch await call({ try db.syncStatus() }) {
        case let .success(s):
            status = s
            error = nil
        case let .failure(e):
            error = e
        }
        loading = false
    }

    /// Start fixing a refused change the core offers `.fix` for.
    public func fix(opId: OpId) async {
        let db = self.db
        let problems = status?.refused.first { $0.opId == opId }?.problems ?? []
        switch await call({ () -> (VisitForm, FormState) in
            let form = try db.refusedVisitForm(opId: opId)
            return (form, try form.state(db: db))
        }) {
        case let .success((form, state)):
            fixing = Fixing(opId: opId, form: form, formState: state, serverProblems: problemsByField(problems))
            saved = nil
            error = nil
        case let .failure(e):
            error = e
        }
    }

    /// Change the form being fixed (`{ $0.toggleTopic(code: "vneid") }`), then read its problems again.
    public func edit(_ change: @escaping @Sendable (VisitForm) throws -> Void) async {
        guard let current = fixing else { return }
        let db = self.db, form = current.form
        switch await call({ () -> FormState in
            try change(form)
            return try form.state(db: db)
        }) {
        case let .success(state):
            fixing?.formState = state
        case let .failure(e):
            error = e
        }
    }

    /// Save the fixed visit in place of the refused one; it waits for the next sync.
    public func saveFix() async {
        guard let current = fixing else { return }
        saving = true
        error = nil
        let db = self.db, form = current.form, opId = current.opId
        switch await call({ try db.saveRefusedFix(opId: opId, form: form) }) {
        case let .success(s):
            saved = s
            fixing = nil
        case let .failure(e):
            error = e
        }
        saving = false
        await refresh()
    }

    public func cancelFix() {
        fixing = nil
    }

    /// A team leader settles a conflict: keep the record's value or take the other one.
    public func settle(conflictId: String, choice: ConflictChoice) async {
        let db = self.db
        if case let .failure(e) = await call({ try db.settleConflict(conflictId: conflictId, choice: choice) }) {
            error = e
        }
        await refresh()
    }

    /// Drop a refused change (it is removed from this phone too).
    public func discard(opId: OpId) async {
        let db = self.db
        if case let .failure(e) = await call({ try db.discardRejected(opId: opId) }) {
            error = e
        }
        await refresh()
    }
}
