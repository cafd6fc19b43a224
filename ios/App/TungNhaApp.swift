import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// The app: one database handle (thread-safe; every call runs off the main actor through
/// `call`), the enrolment screen on first start, then the volunteer's households.
@main
struct TungNhaApp: App {
    @StateObject private var session = Session()

    var body: some Scene {
        WindowGroup {
            Group {
                if let db = session.db {
                    if let enrolment = session.enrolment, let team = enrolment.teamId, let member = enrolment.memberId {
                        HouseholdListView(db: db, serverUrl: Session.serverUrl, teamId: team, volunteerId: member)
                    } else {
                        EnrolView(session: session)
                    }
                } else if let error = session.error {
                    Text(error.message).padding()
                } else {
                    ProgressView()
                }
            }
            .task { await session.open() }
        }
    }
}

@MainActor
final class Session: ObservableObject {
    /// The province's sync server; set per deployment.
    static let serverUrl = "https://dongbo.example.vn"

    @Published private(set) var db: Database?
    @Published private(set) var enrolment: Enrolment?
    @Published private(set) var error: UiError?
    @Published private(set) var busy = false

    func open() async {
        guard db == nil else { return }
        let path = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let file = path.appendingPathComponent("tungnha.db").path
        switch await call({ () -> (Database, Enrolment?) in
            let db = try Database.open(path: file, encryptionKey: nil)
            return (db, try db.enrolment())
        }) {
        case let .success((db, enrolment)):
            self.db = db
            self.enrolment = enrolment
        case let .failure(e):
            error = e
        }
    }

    func enrol(code: String, deviceName: String) async {
        guard let db else { return }
        busy = true
        error = nil
        switch await call({ try db.enrol(serverUrl: Session.serverUrl, code: code, deviceName: deviceName) }) {
        case let .success(e): enrolment = e
        case let .failure(e): error = e
        }
        busy = false
    }
}
