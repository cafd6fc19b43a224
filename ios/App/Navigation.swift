import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Every screen a home can push, as a value: `NavigationStack(path:)` holds `[Route]`, which is
/// kept in scene storage so the stack comes back after iOS stops the app in the background.
/// A new screen is a new case here and in `RouteView` (nothing else to wire).
enum Route: Hashable, Codable {
    /// A visit at one household's home.
    case recordVisit(householdId: HouseholdId)
    /// Ask where the group session takes place, then `groupSession`.
    case startGroupSession
    case groupSession(place: String)
    /// Correct a stored visit: a new record that supersedes it.
    case correctVisit(visitId: VisitId)
    case registerHousehold
    /// A registered household's form, to edit it and add members.
    case editHousehold(householdId: HouseholdId)
    case search(SearchPurpose)
    /// The 5 skills ticked by (or for) the household's members.
    case selfReport(householdId: HouseholdId, byVolunteer: Bool)
    /// A leader with one person: verify skills, or correct one with a reason.
    case verify(householdId: HouseholdId, personId: PersonId)
    case figures
    /// One household: the ladder per member, the visit history, the indicators, the actions.
    case householdDetail(householdId: HouseholdId)
    /// Pending, refused (fix or discard), set aside, conflicts, last sync.
    case syncStatus
    /// A refused visit opened in the visit form, prefilled with what was refused.
    case fixRefused(opId: OpId)
    case settings
    /// A leader issues an enrolment code (QR) for a member of the team or a household.
    case issueCode(IssueFor)
    /// A leader's overview: the team's figures against the campaign's targets, members' work.
    case teamProgress
}

/// Whom a leader issues an enrolment code for (the names are shown while the code is made).
enum IssueFor: Codable, Hashable {
    case member(memberId: MemberId, name: String)
    case household(householdId: HouseholdId, headName: String)
}

/// What picking a search hit does.
enum SearchPurpose: String, Codable, Hashable {
    /// Open the household (record a visit there).
    case household
    /// A leader picks the person to verify.
    case verifyPerson
}

/// The path of one home's stack, restored from scene storage (used from views, on the main thread).
@Observable
final class Router {
    var path: [Route] = []

    func push(_ route: Route) { path.append(route) }

    /// Replace the top screen (a step that leads to the next, e.g. the session's place).
    func replaceTop(with route: Route) {
        if !path.isEmpty { path.removeLast() }
        path.append(route)
    }

    func pop() {
        if !path.isEmpty { path.removeLast() }
    }

    var encoded: Data? { try? JSONEncoder().encode(path) }

    func restore(_ data: Data?) {
        guard let data, path.isEmpty, let saved = try? JSONDecoder().decode([Route].self, from: data) else { return }
        path = saved
    }
}

/// The home of the enrolled role, with its stack.
struct HomeStack: View {
    let db: Database
    let identity: Identity
    @State private var router = Router()
    @SceneStorage("navigation.path") private var savedPath: Data?

    var body: some View {
        NavigationStack(path: $router.path) {
            root
                .navigationDestination(for: Route.self) { route in
                    RouteView(route: route, db: db, identity: identity)
                }
        }
        .environment(router)
        .onAppear { router.restore(savedPath) }
        .onChange(of: router.path) { savedPath = router.encoded }
    }

    /// The start destination of each role.
    @ViewBuilder private var root: some View {
        switch identity.role {
        case .volunteer, .teamLeader:
            if let t = identity.teamMember {
                HomeView(db: db, teamId: t.team, volunteerId: t.member, isLeader: identity.canVerify, serverUrl: identity.serverUrl)
            } else {
                MissingIdentityView()
            }
        case .citizen:
            if let household = identity.householdId {
                CitizenHomeView(db: db, householdId: household)
            } else {
                MissingIdentityView()
            }
        case .communeOfficial, .provinceOfficial:
            if let scope = identity.figureScope {
                FiguresView(db: db, scope: scope)
                    .toolbar { ToolbarItem(placement: .topBarLeading) { SettingsButton() } }
            } else {
                MissingIdentityView()
            }
        }
    }
}

/// The button every home has in its toolbar: settings (language, text size, privacy, server).
struct SettingsButton: View {
    @Environment(Router.self) private var router

    var body: some View {
        Button {
            router.push(.settings)
        } label: {
            Label("settings.title", systemImage: "gearshape")
                .labelStyle(.iconOnly)
                .frame(minWidth: 44, minHeight: 44)
        }
        .accessibilityLabel(Text("settings.title"))
    }
}

/// One destination of the stack.
struct RouteView: View {
    let route: Route
    let db: Database
    let identity: Identity

    var body: some View {
        switch route {
        case let .recordVisit(householdId):
            if let t = identity.teamMember {
                RecordVisitView(db: db, mode: .household(householdId), teamId: t.team, volunteerId: t.member)
            } else {
                MissingIdentityView()
            }
        case .startGroupSession:
            GroupSessionPlaceView()
        case let .groupSession(place):
            if let t = identity.teamMember {
                RecordVisitView(db: db, mode: .group(place: place), teamId: t.team, volunteerId: t.member)
            } else {
                MissingIdentityView()
            }
        case let .correctVisit(visitId):
            if let t = identity.teamMember {
                RecordVisitView(db: db, mode: .correction(visitId), teamId: t.team, volunteerId: t.member)
            } else {
                MissingIdentityView()
            }
        case .registerHousehold:
            RegisterHouseholdView(db: db, recordedBy: identity.memberId)
        case let .editHousehold(householdId):
            RegisterHouseholdView(db: db, recordedBy: identity.memberId, editing: householdId)
        case let .search(purpose):
            SearchView(db: db, purpose: purpose)
        case let .selfReport(householdId, byVolunteer):
            SelfReportView(db: db, householdId: householdId, channel: byVolunteer ? .volunteer : .app)
        case let .verify(householdId, personId):
            if let leader = identity.memberId, identity.canVerify {
                VerifyView(db: db, householdId: householdId, personId: personId, leaderId: leader)
            } else {
                MissingIdentityView()
            }
        case .figures:
            if let scope = identity.figureScope {
                FiguresView(db: db, scope: scope)
            } else {
                MissingIdentityView()
            }
        case let .householdDetail(householdId):
            HouseholdDetailView(db: db, householdId: householdId, identity: identity)
        case .syncStatus:
            SyncStatusView(db: db, isLeader: identity.canVerify)
        case let .fixRefused(opId):
            FixRefusedView(db: db, opId: opId)
        case .settings:
            SettingsView(db: db)
        case let .issueCode(forWhom):
            if let teamId = identity.teamId, identity.canVerify {
                IssueCodeView(db: db, teamId: teamId, serverUrl: identity.serverUrl, forWhom: forWhom)
            } else {
                MissingIdentityView()
            }
        case .teamProgress:
            if identity.canVerify {
                TeamProgressView(db: db, teamId: identity.teamId)
            } else {
                MissingIdentityView()
            }
        }
    }
}

/// The enrolment lacks what this screen needs (e.g. a citizen's device on a team screen).
struct MissingIdentityView: View {
    var body: some View {
        ContentUnavailableView("identity.missing.title", systemImage: "person.crop.circle.badge.questionmark", description: Text("identity.missing.detail"))
    }
}
