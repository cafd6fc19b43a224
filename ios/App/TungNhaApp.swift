import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// The app: one database handle (thread-safe; every call runs off the main actor through
/// `call`), the enrolment screen on first start, then the home of the role the device was
/// enrolled as. Each home is a `NavigationStack` over typed `Route`s (Navigation.swift).
@main
struct TungNhaApp: App {
    @State private var session = AppSession()

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(session)
                .task { await session.open() }
        }
    }
}

struct RootView: View {
    @Environment(AppSession.self) private var session

    var body: some View {
        content
            // The language and text size chosen in this app's settings (SettingsView).
            .environment(\.locale, session.locale ?? Locale.current)
            .modifier(TextSizeModifier(size: session.dynamicTypeSize))
    }

    @ViewBuilder private var content: some View {
        if let db = session.db {
            if let enrolment = session.enrolment, session.enrolmentSeen {
                HomeStack(db: db, identity: Identity(enrolment))
            } else {
                NavigationStack { EnrolView(db: db) }
            }
        } else if let error = session.error {
            ContentUnavailableView {
                Label("app.open.failed", systemImage: "exclamationmark.triangle")
            } description: {
                Text(error.localizedMessage)
            }
        } else {
            ProgressView("app.opening")
        }
    }
}

/// The text size chosen in settings, over Dynamic Type; none chosen (100 %): the system's.
struct TextSizeModifier: ViewModifier {
    let size: DynamicTypeSize?

    func body(content: Content) -> some View {
        if let size {
            content.dynamicTypeSize(size)
        } else {
            content
        }
    }
}

/// Who this device acts as, from its enrolment (the role and area the server gave it).
struct Identity: Hashable {
    let role: Role
    let teamId: TeamId?
    let memberId: MemberId?
    let householdId: HouseholdId?
    let communeKey: String?
    /// The server this device enrolled with (a QR code names it), else the deployment's.
    let serverUrl: String

    init(_ e: Enrolment) {
        role = e.role
        teamId = e.teamId
        memberId = e.memberId
        householdId = e.householdId
        communeKey = e.communeKey
        serverUrl = e.serverUrl ?? AppConfig.serverUrl
    }

    /// A volunteer's or leader's team and member id: what visits are recorded as.
    var teamMember: (team: TeamId, member: MemberId)? {
        guard let teamId, let memberId else { return nil }
        return (teamId, memberId)
    }

    var canVerify: Bool { role == .teamLeader }

    /// The figures this device may look at.
    var figureScope: FigureScope? {
        switch role {
        case .volunteer, .teamLeader: return teamId.map { .team($0) }
        case .communeOfficial: return communeKey.map { .commune($0) }
        case .provinceOfficial: return .all
        case .citizen: return nil
        }
    }
}

/// Deployment settings from the Info.plist (nonisolated: read from any thread).
enum AppConfig {
    static let serverUrl: String = Bundle.main.object(forInfoDictionaryKey: "TungNhaServerURL") as? String ?? "https://dongbo.example.vn"
}

/// The database, this device's enrolment, and the villages it knows (for the registration form).
@MainActor
@Observable
final class AppSession {
    /// The province's sync server; set per deployment (Info.plist `TungNhaServerURL`).
    nonisolated static var serverUrl: String { AppConfig.serverUrl }

    private(set) var db: Database?
    private(set) var enrolment: Enrolment?
    /// False right after enrolling, while the enrolment screen shows the role and area received.
    private(set) var enrolmentSeen = true
    private(set) var villages: [Village] = []
    private(set) var error: UiError?

    func open() async {
        guard db == nil else { return }
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("tungnha.db").path
        switch await call({ () -> (Database, Enrolment?) in
            let db = try Database.open(path: file, encryptionKey: nil)
            return (db, try db.enrolment())
        }) {
        case let .success((db, enrolment)):
            self.db = db
            self.enrolment = enrolment
            if case let .success(screen) = await call({ try db.settingsScreen() }) {
                apply(screen.settings)
            }
            await loadVillages()
        case let .failure(e):
            error = e
        }
    }

    /// The enrolment screen (`EnrolModel`) enrolled this device: it shows the role and area
    /// received until the person continues.
    func didEnrol(_ e: Enrolment) {
        enrolment = e
        enrolmentSeen = false
    }

    /// The language for the catalog's texts; `nil`: the one iOS chose for the app.
    private(set) var locale: Locale?
    /// The text size chosen; `nil`: Dynamic Type as set in iOS.
    private(set) var dynamicTypeSize: DynamicTypeSize?

    /// Apply the settings kept by the core: the language to the String Catalog (the
    /// environment's locale) and to the core's texts (`CoreLanguage`), the size to Dynamic Type.
    func apply(_ settings: TungNhaCore.Settings) {
        let language: CoreLanguage = settings.language == .en ? .en : .vi
        CoreLanguage.override = language
        locale = Locale(identifier: language.rawValue)
        dynamicTypeSize = Self.dynamicTypeSize(for: settings.textScale)
    }

    /// The core's text scale (0.85…2.0, 1 = as iOS sets it) as a Dynamic Type size.
    nonisolated static func dynamicTypeSize(for scale: Float) -> DynamicTypeSize? {
        switch scale {
        case ..<0.95: return .small
        case ..<1.05: return nil
        case ..<1.2: return .xLarge
        case ..<1.35: return .xxLarge
        case ..<1.5: return .xxxLarge
        case ..<1.65: return .accessibility1
        case ..<1.8: return .accessibility2
        case ..<1.95: return .accessibility3
        default: return .accessibility5
        }
    }

    /// The person read the role and area they received: go to their home.
    func continueAfterEnrolment() {
        enrolmentSeen = true
    }

    /// Villages come with sync; read again after one.
    func loadVillages() async {
        guard let db else { return }
        if case let .success(list) = await call({ try db.villages() }) {
            villages = list
        }
    }
}
