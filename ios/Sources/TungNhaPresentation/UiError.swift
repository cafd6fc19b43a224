import Foundation
import TungNhaCore

/// What a screen shows when a call fails: the core's message (Vietnamese, and English for
/// logs), the typed code, messages per input field, and what the person can do about it, as
/// the core decided it. Screens branch on `action`, never on text. (Mirrors android/presentation.)
public struct UiError: Equatable, Sendable {
    public let code: ErrorCode
    public let action: ErrorAction
    public let message: String
    public let messageEn: String
    public let fieldMessages: [String: [String]]

    public init(code: ErrorCode, action: ErrorAction, message: String, messageEn: String, fieldMessages: [String: [String]] = [:]) {
        self.code = code
        self.action = action
        self.message = message
        self.messageEn = messageEn
        self.fieldMessages = fieldMessages
    }

    /// A failure that is not the core's (a Rust panic, a bindings fault): the core's
    /// `unexpected` code, with its action and messages.
    public static let unexpected = UiError(
        code: .unexpected,
        action: errorAction(code: .unexpected),
        message: errorMessageVi(code: .unexpected),
        messageEn: errorMessageEn(code: .unexpected)
    )
}

extension TungNhaError {
    /// The bindings' one error type as screens show it.
    public var uiError: UiError {
        var fields: [String: [String]] = [:]
        if case let .Validation(_, _, _, problems) = self {
            fields = fieldMessages(problems)
        }
        return UiError(code: code(), action: action(), message: messageVi(), messageEn: messageEn(), fieldMessages: fields)
    }
}

/// Blocking problems grouped by field path (`phone`, `attendees[0].skills_guided`...), in the
/// current language (`CoreLanguage`).
public func fieldMessages(_ problems: [Problem]) -> [String: [String]] {
    problems.filter { $0.severity == .error }.reduce(into: [:]) { $0[$1.field, default: []].append($1.localizedMessage) }
}

/// Warnings to show after a save (they never block it), in the current language.
public func warningMessages(_ problems: [Problem]) -> [String] {
    problems.filter { $0.severity == .warning }.map(\.localizedMessage)
}

/// Run a synchronous core call off the main actor; the bindings' error becomes a `UiError`.
public func call<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, UiError> {
    await Task.detached(priority: .userInitiated) {
        do {
            return .success(try work())
        } catch let e as TungNhaError {
            return .failure(e.uiError)
        } catch {
            return .failure(.unexpected)
        }
    }.value
}
