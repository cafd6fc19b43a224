import Foundation
import TungNhaCore

/// The sync button, its progress, the cancel button, and what is left waiting or refused.
@MainActor
public final class SyncModel: ObservableObject {
    @Published public private(set) var running = false
    @Published public private(set) var progress: SyncProgress?
    @Published public private(set) var report: SyncReport?
    @Published public private(set) var error: UiError?
    @Published public private(set) var pending: UInt64 = 0
    @Published public private(set) var rejected: [RejectedOp] = []

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

    public var statusLine: String {
        if running {
            switch progress?.phase {
            case .retrying?: return "Mất kết nối, đang thử lại…"
            case .applying?: return "Đang cập nhật dữ liệu…"
            default: return "Đang gửi dữ liệu…"
            }
        }
        if let error { return error.message }
        if pending > 0 { return "Còn \(pending) thay đổi chưa gửi" }
        if !rejected.isEmpty { return "\(rejected.count) thay đổi bị máy chủ từ chối" }
        return report == nil ? "" : "Đã đồng bộ"
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

    public func refreshQueues() async {
        let db = self.db
        if case let .success((count, refused)) = await call({ (try db.pendingCount(), try db.rejectedOps()) }) {
            pending = count
            rejected = refused
        }
    }
}
