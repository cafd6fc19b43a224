import Foundation
import Observation
import TungNhaCore

/// A team leader issues an enrolment code: for a member of their team (a volunteer's new
/// phone) or for a household of their area (the citizen's phone). The server decides who may
/// issue what; a refusal is `error` with the server's code (`.forbidden` outside the team or
/// area) and message. The screen shows the code, its expiry and a QR code of `qrPayload`.
/// Mirrors android/presentation `IssueCodeViewModel`.
@MainActor
@Observable
public final class IssueCodeModel {
    /// Whom a code is for.
    public enum For: Equatable, Sendable {
        case member(teamId: TeamId, memberId: MemberId, role: Role)
        case household(HouseholdId)
    }

    public private(set) var busy = false
    public private(set) var forWhom: For?
    public private(set) var issued: IssuedCode?
    /// What the QR code holds (the code and this app's server).
    public private(set) var qrPayload: String?
    public private(set) var error: UiError?

    private let db: Database
    private let serverUrl: String

    public init(db: Database, serverUrl: String) {
        self.db = db
        self.serverUrl = serverUrl
    }

    /// A code for a member of the leader's team (a volunteer by default).
    public func forMember(teamId: TeamId, memberId: MemberId, holderName: String? = nil, role: Role = .volunteer) async {
        await issue(.member(teamId: teamId, memberId: memberId, role: role),
                    CodeRequest(role: role, memberId: memberId, teamId: teamId, holderName: holderName))
    }

    /// A code for the citizen of a household of the leader's area.
    public func forHousehold(_ householdId: HouseholdId, holderName: String? = nil) async {
        await issue(.household(householdId), CodeRequest(role: .citizen, householdId: householdId, holderName: holderName))
    }

    /// Forget the shown code (it is shown once).
    public func clear() {
        forWhom = nil
        issued = nil
        qrPayload = nil
        error = nil
    }

    private func issue(_ forWhom: For, _ request: CodeRequest) async {
        guard !busy else { return }
        clear()
        self.forWhom = forWhom
        busy = true
        let db = self.db, serverUrl = self.serverUrl
        switch await call({ () -> (IssuedCode, String) in
            let code = try db.issueCode(serverUrl: serverUrl, request: request)
            return (code, try enrolLink(serverUrl: serverUrl, code: code.code))
        }) {
        case let .success((code, payload)):
            issued = code
            qrPayload = payload
        case let .failure(e):
            error = e
        }
        busy = false
    }
}
