import Foundation
import TungNhaCore

/// The language of the texts the core gives in Vietnamese and English (problem and error
/// messages, catalog names, the consent notice, the skills in plain words). Everything else a
/// screen says comes from the app's String Catalog; this picks the core's text in the same
/// language the catalog was resolved to, so one screen never mixes the two.
public enum CoreLanguage: String, CaseIterable, Sendable {
    case vi, en

    /// Set by tests (and by a settings screen that overrides the system's choice); `nil`
    /// follows the app's localization.
    public static var override: CoreLanguage?

    /// The language in use now: the override, else the localization iOS chose for the app
    /// (the per-app language in Settings included). Vietnamese unless it is English.
    public static var current: CoreLanguage {
        override ?? from(localization: Bundle.main.preferredLocalizations.first)
    }

    /// `en`, `en-GB`… → English; anything else (Vietnamese, unknown) → Vietnamese, the source language.
    public static func from(localization: String?) -> CoreLanguage {
        guard let id = localization?.lowercased() else { return .vi }
        return id == "en" || id.hasPrefix("en-") || id.hasPrefix("en_") ? .en : .vi
    }

    /// The one place that chooses between the core's two texts.
    public func pick(vi: String, en: String) -> String {
        switch self {
        case .vi: return vi
        case .en: return en.isEmpty ? vi : en
        }
    }
}

/// The core's text in the current language.
public func coreText(vi: String, en: String, in language: CoreLanguage = .current) -> String {
    language.pick(vi: vi, en: en)
}

extension Problem {
    /// What is wrong, in the current language.
    public var localizedMessage: String { coreText(vi: messageVi, en: messageEn) }
}

extension UiError {
    /// The core's message for this failure, in the current language.
    public var localizedMessage: String { coreText(vi: message, en: messageEn) }
}

extension CatalogEntry {
    /// A skill's, topic's or action's name, in the current language.
    public var localizedName: String { coreText(vi: nameVi, en: nameEn) }
}

extension SkillChoice {
    public var localizedName: String { coreText(vi: nameVi, en: nameEn) }
    /// What the skill means, in plain words.
    public var localizedPlain: String { coreText(vi: plainVi, en: plainEn) }
}

extension ConsentPurpose {
    /// The notice read to the household in full, in the current language.
    public var localizedText: String { coreText(vi: textVi, en: textEn) }
}

extension RejectedOp {
    /// Why the server refused this change, in the current language.
    public var localizedMessage: String { coreText(vi: messageVi, en: messageEn) }
}

extension Array where Element == Problem {
    /// The blocking problems' messages, in the current language.
    public var errorMessages: [String] { filter { $0.severity == .error }.map(\.localizedMessage) }
    /// The warnings' messages (they never block a save), in the current language.
    public var warningMessages: [String] { filter { $0.severity == .warning }.map(\.localizedMessage) }
}
