import Foundation
import Observation
import TungNhaCore

/// First start: the code a team leader or official gave, scanned from their QR code or
/// typed. The core reads what was scanned or typed (a QR code names its server; a typed
/// code uses `serverUrl`); once enrolled, the screen shows the role and the area received
/// (`summary`; the team's and household's names arrive with the first sync: call
/// `refreshSummary()` after it). Mirrors android/presentation `EnrolViewModel`.
@MainActor
@Observable
public final class EnrolModel {
    public private(set) var checking = false
    public private(set) var enrolment: Enrolment?
    /// The role and area received, with the names this device knows.
    public private(set) var summary: EnrolmentSummary?
    /// What the camera or keyboard gave, as the core read it (before enrolling).
    public private(set) var scanned: EnrolTarget?
    public private(set) var busy = false
    /// A failure; for unreadable input its `fieldMessages["code"]` says what is wrong.
    public private(set) var error: UiError?

    public var enrolled: Bool { enrolment != nil }

    private let db: Database
    private let serverUrl: String

    public init(db: Database, serverUrl: String) {
        self.db = db
        self.serverUrl = serverUrl
    }

    /// Whether this device is already enrolled (then the app skips this screen).
    public func check() async {
        checking = true
        let db = self.db
        switch await call({ (try db.enrolment(), try db.enrolmentSummary()) }) {
        case let .success((e, s)):
            enrolment = e
            summary = s
        case let .failure(e):
            error = e
        }
        checking = false
    }

    /// Read what the camera scanned or the person typed, without enrolling.
    public func read(_ scannedOrTyped: String) async {
        switch await call({ try parseEnrolInput(text: scannedOrTyped) }) {
        case let .success(t):
            scanned = t
            error = nil
        case let .failure(e):
            scanned = nil
            error = e
        }
    }

    /// Enrol with a scanned QR code or a typed code.
    public func enrol(_ scannedOrTyped: String, deviceName: String) async {
        busy = true
        error = nil
        let db = self.db, serverUrl = self.serverUrl
        switch await call({ () -> (Enrolment?, EnrolmentSummary) in
            let s = try db.enrolScanned(scanned: scannedOrTyped, defaultServerUrl: serverUrl, deviceName: deviceName)
            return (try db.enrolment(), s)
        }) {
        case let .success((e, s)):
            enrolment = e
            summary = s
        case let .failure(e):
            error = e
        }
        busy = false
    }

    /// Read the summary again (after the first sync brought the team's or household's names).
    public func refreshSummary() async {
        let db = self.db
        switch await call({ try db.enrolmentSummary() }) {
        case let .success(s): summary = s
        case let .failure(e): error = e
        }
    }
}
