import Foundation
import Observation
import TungNhaCore

/// Settings: language, text size (bounded by the core, which says why a value is refused),
/// the privacy notice (the core's text in both languages), the server this device is enrolled
/// with. Mirrors android/presentation `SettingsViewModel`.
@MainActor
@Observable
public final class SettingsModel {
    public private(set) var loading = false
    public private(set) var screen: SettingsScreen?
    public private(set) var saving = false
    /// A refused change (e.g. text size out of range: `fieldMessages["text_scale"]`).
    public private(set) var error: UiError?

    private let db: Database

    public init(db: Database) {
        self.db = db
    }

    public func load() async {
        loading = true
        let db = self.db
        switch await call({ try db.settingsScreen() }) {
        case let .success(s):
            screen = s
            error = nil
        case let .failure(e):
            error = e
        }
        loading = false
    }

    public func setLanguage(_ language: Language) async {
        await save { $0.language = language }
    }

    public func setTextScale(_ scale: Float) async {
        await save { $0.textScale = scale }
    }

    private func save(_ change: (inout Settings) -> Void) async {
        guard var next = screen?.settings else { return }
        change(&next)
        saving = true
        let db = self.db, wanted = next
        switch await call({ try db.saveSettings(settings: wanted) }) {
        case let .success(s):
            screen?.settings = s
            error = nil
        case let .failure(e):
            error = e
        }
        saving = false
    }
}
