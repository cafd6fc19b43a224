import Foundation
import TungNhaCore

/// The sync button, its progress, the cancel button, and a typed one-line status (the view
/// maps `Status` to localized strings). The refused changes themselves are `SyncStatusModel`'s.
/// Mirrors android/presentation `SyncViewModel`.
@MainActor
public final class SyncModel: ObservableObject {
    @Published public private(set) var running = false
    @Published public private(set) var progress: SyncProgress?
    @Published public private(set) var report: SyncReport?
    @Published public private(set) var error: UiError?
    @Published public private(set) var pending: UInt64 = 0
    @Published public private(set) var refused: UInt32 = 0
    @Published public private(set) var setAside: UInt32 = 0
    @Published public private(set) var conflicts: UInt32 = 0
    @Published public private(set) var lastSyncAt: Date?

    private let db: Database
    private let serverUrl: String
    private var cancelToken: SyncCancel?

    public init(db: Database, serverUrl: String) {
        self.db = db
        self.serverUrl = serverUrl
    }

    /// Progress arrives on the sync's thread; it is handed to the main actor.
    private final class Relay: SyncListener, @unchecked Sendable {
        weak var model: SyncModel?
        init(_ model: SyncModel) { self.model = model }
        func onProgress(progress: SyncProgress) {
            Task { @MainActor [weak model] in model?.progress = progress }
        }
    }

    /// This device must be enrolled (again) before it can sync: show the enrolment screen.
    public var mustEnrol: Bool { error?.action == .enrol }

    /// This app version can no longer sync (or read its data): send the person to the app store.
    public var mustUpdate: Bool { error?.action == .updateApp }

    /// What the status bar says, as a type: the view picks the localized string.
    /// Mirrors `SyncViewModel.Status`.
    public enum Status: Equatable, Sendable {
        case idle
        case sending
        case applying
        /// The connection failed; the sync waits and tries again.
        case retrying
        /// The last sync failed: show the core's message and act on its action.
        case failed(UiError)
        /// Changes still wait to be sent.
        case unsent(UInt64)
        /// The server refused changes: the sync status screen shows them.
        case refused(UInt32)
        case synced
    }

    public var status: Status {
        if running {
            switch progress?.phase {
            case .retrying?: return .retrying
            case .applying?: return .applying
            default: return .sending
            }
        }
        if let error { return .failed(error) }
        if pending > 0 { return .unsent(pending) }
        if refused > 0 { return .refused(refused) }
        return report == nil && lastSyncAt == nil ? .idle : .synced
    }

    public func sync() async {
        guard !running else { return }
        running = true
        error = nil
        let token = SyncCancel()
        cancelToken = token
        let db = self.db, url = serverUrl, relay = Relay(self)
        switch await call({ try db.sync(serverUrl: url, settings: nil, listener: relay, cancel: token) }) {
        case let .success(r): report = r
        case let .failure(e): error = e
        }
        running = false
        cancelToken = nil
        await refreshQueues()
    }

    public func cancel() {
        cancelToken?.cancel()
    }

    /// Read the counts again (after a save, a fix or a discard).
    public func refreshQueues() async {
        let db = self.db
        switch await call({ try db.syncStatus() }) {
        case let .success(s):
            pending = s.pending
            refused = s.refusedTotal
            setAside = s.setAside
            conflicts = s.conflicts
            lastSyncAt = s.lastSyncAt
        case let .failure(e):
            error = e
        }
    }
}
