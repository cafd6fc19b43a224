import Foundation
import TungNhaCore

/// What a screen shows when a call fails: the Vietnamese message, the stable code, messages
/// per input field, and what the person can do about it. (Mirrors android/presentation.)
public struct UiError: Equatable, Sendable {
    public enum Action: Equatable, Sendable { case none, retryLater, enrol, updateApp }

    public let code: String
    public let message: String
    public let fieldMessages: [String: [String]]
    public let action: Action

    public init(code: String, message: String, fieldMessages: [String: [String]] = [:], action: Action = .none) {
        self.code = code
        self.message = message
        self.fieldMessages = fieldMessages
        self.action = action
    }
}

extension TungNhaError {
    /// The bindings' one error type as screens show it.
    public var uiError: UiError {
        switch self {
        case let .Validation(code, messageVi, _, problems):
            return UiError(code: code, message: messageVi, fieldMessages: fieldMessages(problems))
        case let .NotFound(code, messageVi, _, _, _):
            return UiError(code: code, message: messageVi)
        case let .NotEnrolled(code, messageVi, _):
            return UiError(code: code, message: messageVi, action: .enrol)
        case let .Network(code, messageVi, _, _):
            return UiError(code: code, message: messageVi, action: .retryLater)
        case let .ServerRefused(code, messageVi, _, _):
            let action: UiError.Action
            switch code {
            case "update_required": action = .updateApp
            case "unauthorized": action = .enrol
            case "unavailable", "internal": action = .retryLater
            default: action = .none
            }
            return UiError(code: code, message: messageVi, action: action)
        case let .Cancelled(code, messageVi, _):
            return UiError(code: code, message: messageVi)
        case let .Storage(code, messageVi, _, _):
            return UiError(code: code, message: messageVi, action: code == "schema_too_new" ? .updateApp : .none)
        }
    }
}

/// Blocking problems grouped by field path (`phone`, `attendees[0].skills_guided`...).
public func fieldMessages(_ problems: [Problem]) -> [String: [String]] {
    problems.filter { $0.severity == .error }.reduce(into: [:]) { $0[$1.field, default: []].append($1.messageVi) }
}

/// Warnings to show after a save (they never block it).
public func warningMessages(_ problems: [Problem]) -> [String] {
    problems.filter { $0.severity == .warning }.map(\.messageVi)
}

/// Run a synchronous core call off the main actor; the bindings' error becomes a `UiError`.
public func call<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, UiError> {
    await Task.detached(priority: .userInitiated) {
        do {
            return .success(try work())
        } catch let e as TungNhaError {
            return .failure(e.uiError)
        } catch {
            return .failure(UiError(code: "unexpected", message: String(describing: error)))
        }
    }.value
}
