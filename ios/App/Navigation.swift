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
    case search(SearchPurpose)
    /// The 5 skills ticked by (or for) the household's members.
    case selfReport(householdId: HouseholdId, byVolunteer: Bool)
    /// A leader with one person: verify skills, or correct one with a reason.
    case verify(householdId: HouseholdId, personId: PersonId)
    case figures
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

    @ViewBuilder private var root: some View {
        switch identity.role {
        case .volunteer, .teamLeader:
            if let t = identity.teamMember {
                HouseholdListView(db: db, teamId: t.team, volunteerId: t.member, canVerify: identity.canVerify)
            } else {
                MissingIdentityView()
            }
        case .citizen:
            if let household = identity.householdId {
                SelfReportView(db: db, householdId: household, channel: .app)
            } else {
                MissingIdentityView()
            }
        case .communeOfficial, .provinceOfficial:
            if let scope = identity.figureScope {
                FiguresView(db: db, scope: scope)
            } else {
                MissingIdentityView()
            }
        }
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
        }
    }
}

/// The enrolment lacks what this screen needs (e.g. a citizen's device on a team screen).
struct MissingIdentityView: View {
    var body: some View {
        ContentUnavailableView("identity.missing.title", systemImage: "person.crop.circle.badge.questionmark", description: Text("identity.missing.detail"))
    }
}
