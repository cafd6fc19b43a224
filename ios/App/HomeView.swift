import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A volunteer's or team leader's start: today's work, the sync row (unsent count, last sync,
/// sync with progress and cancel), the status chips with their counts, the village filter,
/// accent-insensitive search, and the households of the assignment — each with its status as
/// an icon and words. The other tasks are in the toolbar. All of it is the core's `home`
/// (`HomeModel`); the sync is `SyncModel`.
struct HomeView: View {
    let teamId: TeamId
    let volunteerId: MemberId
    let isLeader: Bool
    @State private var model: HomeModel
    @StateObject private var sync: SyncModel
    @Environment(AppSession.self) private var session
    @Environment(Router.self) private var router
    @State private var query = ""

    init(db: Database, teamId: TeamId, volunteerId: MemberId, isLeader: Bool, serverUrl: String) {
        self.teamId = teamId
        self.volunteerId = volunteerId
        self.isLeader = isLeader
        _model = State(initialValue: HomeModel(db: db))
        _sync = StateObject(wrappedValue: SyncModel(db: db, serverUrl: serverUrl))
    }

    var body: some View {
        List {
            if let s = model.screen {
                Section("home.today") { TodayRows(today: s.today) }
            }
            Section {
                SyncRow(sync: sync) {
                    Task {
                        await sync.sync()
                        await model.refresh()
                        await session.loadVillages()
                    }
                }
                if sync.refused > 0 || sync.setAside > 0 || sync.conflicts > 0 {
                    NavigationLink(value: Route.syncStatus) {
                        if sync.refused > 0 {
                            CountLabel(text: Text("sync.refused \(Int(sync.refused))"), symbol: "exclamationmark.arrow.triangle.2.circlepath")
                        } else {
                            CountLabel(text: Text("home.sync_status"), symbol: "arrow.triangle.2.circlepath.circle")
                        }
                    }
                    .frame(minHeight: 44)
                }
            } header: {
                Text("sync.header")
            }
            if let s = model.screen {
                Section {
                    FilterChips(counts: s.counts, selected: model.query.filter) { f in
                        Task { await model.setFilter(f) }
                    }
                    if s.villages.count > 1 || model.query.village != nil {
                        VillagePicker(villages: s.villages, selected: model.query.village) { v in
                            Task { await model.setVillage(v) }
                        }
                    }
                }
            }
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
            Section {
                ForEach(model.screen?.households ?? [], id: \.id) { row in
                    NavigationLink(value: Route.householdDetail(householdId: row.id)) {
                        HouseholdRow(row: row)
                    }
                    .swipeActions(edge: .trailing) {
                        Button {
                            router.push(.recordVisit(householdId: row.id))
                        } label: {
                            Label("household.action.visit", systemImage: "figure.walk")
                        }
                        .tint(.blue)
                        Button {
                            router.push(.selfReport(householdId: row.id, byVolunteer: true))
                        } label: {
                            Label("list.action.self_report", systemImage: "checklist")
                        }
                        .tint(.indigo)
                    }
                }
                if let s = model.screen, s.nextOffset != nil || model.query.offset > 0 {
                    PageControls(screen: s, offset: Int(model.query.offset)) {
                        Task { await model.nextPage() }
                    } first: {
                        Task { await model.setFilter(model.query.filter) }
                    }
                }
            } header: {
                if let s = model.screen { Text("home.households \(Int(s.total))") }
            } footer: {
                if !model.loading, let s = model.screen, s.households.isEmpty {
                    model.query.search.isEmpty && model.query.filter == .all && model.query.village == nil
                        ? Text("list.empty") : Text("list.no_match")
                }
            }
        }
        .navigationTitle("list.title")
        .searchable(text: $query, prompt: Text("list.search.prompt"))
        .onChange(of: query) { _, q in Task { await model.setSearch(q) } }
        .refreshable {
            await model.refresh()
            await sync.refreshQueues()
        }
        .overlay { if model.loading && model.screen == nil { ProgressView() } }
        .toolbar {
            ToolbarItem(placement: .topBarLeading) { SettingsButton() }
            ToolbarItem(placement: .primaryAction) {
                Menu {
                    Button { router.push(.registerHousehold) } label: { Label("home.register_household", systemImage: "house.badge.plus") }
                    Button { router.push(.startGroupSession) } label: { Label("home.group_session", systemImage: "person.3.fill") }
                    Button { router.push(.search(.household)) } label: { Label("home.search", systemImage: "magnifyingglass") }
                    if isLeader {
                        Button { router.push(.search(.verifyPerson)) } label: { Label("home.verify", systemImage: "checkmark.seal") }
                        Button { router.push(.teamProgress) } label: { Label("home.team_progress", systemImage: "chart.line.uptrend.xyaxis") }
                    }
                    Button { router.push(.figures) } label: { Label("home.figures", systemImage: "chart.bar") }
                    Button { router.push(.syncStatus) } label: { Label("home.sync_status", systemImage: "arrow.triangle.2.circlepath.circle") }
                } label: {
                    Label("home.tasks", systemImage: "plus.circle.fill")
                        .frame(minWidth: 44, minHeight: 44)
                }
            }
        }
        .task {
            if model.screen == nil { await model.load(teamId: teamId, volunteerId: volunteerId) } else { await model.refresh() }
            await sync.refreshQueues()
        }
    }
}

/// Today's work in numbers.
private struct TodayRows: View {
    let today: TodaysWork

    var body: some View {
        LabeledContent("home.today.visits") { Text(Int(today.visitsToday), format: .number) }
        LabeledContent("home.today.people_guided") { Text(Int(today.peopleGuidedToday), format: .number) }
        LabeledContent("home.today.not_visited") {
            Text("home.today.of \(Int(today.householdsNotVisited)) \(Int(today.householdsAssigned))")
        }
        LabeledContent("home.today.goal_reached") { Text(Int(today.householdsGoalReached), format: .number) }
    }
}

/// The status filter as chips with their counts; the chosen one has a checkmark and is read
/// out as selected (not told by colour alone).
struct FilterChips: View {
    let counts: FilterCounts
    let selected: HouseholdFilter
    let choose: (HouseholdFilter) -> Void

    var body: some View {
        ScrollView(.horizontal, showsIndicators: false) {
            HStack(spacing: 8) {
                chip(.all, Text("list.filter.all \(Int(counts.all))"), "rectangle.stack")
                chip(.notVisited, Text("list.filter.not_visited \(Int(counts.notVisited))"), HouseholdStatus.notVisited.symbol)
                chip(.visited, Text("list.filter.visited \(Int(counts.visited))"), HouseholdStatus.visited.symbol)
                chip(.goalReached, Text("list.filter.goal_reached \(Int(counts.goalReached))"), HouseholdStatus.goalReached.symbol)
            }
            .padding(.vertical, 4)
        }
        .accessibilityElement(children: .contain)
        .accessibilityLabel(Text("list.filter"))
    }

    private func chip(_ filter: HouseholdFilter, _ text: Text, _ symbol: String) -> some View {
        let on = filter == selected
        return Button {
            choose(filter)
        } label: {
            Label {
                text
            } icon: {
                Image(systemName: on ? "checkmark" : symbol).accessibilityHidden(true)
            }
            .font(.subheadline)
            .padding(.horizontal, 12)
            .frame(minHeight: 44)
        }
        .buttonStyle(.bordered)
        .tint(on ? .accentColor : .secondary)
        .accessibilityAddTraits(on ? [.isSelected] : [])
    }
}

/// One village of the assignment, or all of them.
private struct VillagePicker: View {
    let villages: [VillageChip]
    let selected: VillageId?
    let choose: (VillageId?) -> Void

    var body: some View {
        Picker(selection: Binding(get: { selected }, set: { choose($0) })) {
            Text("home.village.all").tag(VillageId?.none)
            ForEach(villages, id: \.villageId) { v in
                Text("home.village.option \(v.name) \(Int(v.households))").tag(VillageId?.some(v.villageId))
            }
        } label: {
            Label("home.village", systemImage: "mappin.and.ellipse")
        }
        .pickerStyle(.menu)
        .frame(minHeight: 44)
    }
}

/// Paging through a long assignment.
private struct PageControls: View {
    let screen: HomeScreen
    let offset: Int
    let next: () -> Void
    let first: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text("home.page \(Int(offset + 1)) \(Int(offset + screen.households.count)) \(Int(screen.total))")
                .font(.footnote)
            HStack {
                if offset > 0 {
                    Button(action: first) { Label("home.page.first", systemImage: "arrow.up.to.line").frame(minHeight: 44) }
                }
                Spacer()
                if screen.nextOffset != nil {
                    Button(action: next) { Label("home.page.next", systemImage: "arrow.down").frame(minHeight: 44) }
                }
            }
            .buttonStyle(.bordered)
        }
    }
}

/// One household: the head, the address, how many people, and its status in words and icon.
struct HouseholdRow: View {
    let row: HouseholdSummary

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Image(systemName: row.status.symbol)
                .imageScale(.large)
                .foregroundStyle(.tint)
                .accessibilityHidden(true)
            VStack(alignment: .leading, spacing: 2) {
                Text(verbatim: row.headName).font(.headline)
                Text(verbatim: row.address).font(.subheadline)
                Text("list.members \(Int(row.memberCount))").font(.subheadline).foregroundStyle(.secondary)
                status.font(.caption)
            }
        }
        .padding(.vertical, 4)
        .accessibilityElement(children: .combine)
    }

    private var status: Text {
        switch row.status {
        case .notVisited: return Text("status.not_visited")
        case .visited: return Text("status.visited \(Int(row.visitCount))")
        case .goalReached: return Text("status.goal_reached \(Int(row.masteredCount))")
        }
    }
}

/// Sync in one row: the typed status in words (`SyncModel.Status`), the unsent count and the
/// last sync, progress while it runs, and the button to start or cancel.
struct SyncRow: View {
    @ObservedObject var sync: SyncModel
    let start: () -> Void
    @Environment(\.locale) private var locale

    var body: some View {
        HStack(spacing: 12) {
            VStack(alignment: .leading, spacing: 4) {
                Label { status } icon: { Image(systemName: symbol).accessibilityHidden(true) }
                    .font(.subheadline)
                if sync.running {
                    ProgressView(value: fraction)
                        .accessibilityLabel(Text("sync.progress"))
                }
                if !sync.running, case let .failed(error) = sync.status {
                    ErrorBanner(error: error).font(.footnote)
                }
                if let last = sync.lastSyncAt {
                    let when = last.formatted(Date.RelativeFormatStyle(presentation: .named, locale: locale))
                    Text("sync.last \(when)")
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                } else {
                    Text("sync.never").font(.footnote).foregroundStyle(.secondary)
                }
            }
            Spacer(minLength: 8)
            if sync.running {
                Button("common.cancel", role: .cancel) { sync.cancel() }
                    .frame(minWidth: 44, minHeight: 44)
            } else {
                Button(action: start) {
                    Label("sync.start", systemImage: "arrow.triangle.2.circlepath")
                }
                .buttonStyle(.bordered)
                .frame(minHeight: 44)
            }
        }
        .accessibilityElement(children: .contain)
    }

    private var fraction: Double? {
        guard let p = sync.progress, p.opsSent > 0 else { return nil }
        return min(1, Double(p.opsAcked + p.opsRejected) / Double(p.opsSent))
    }

    private var status: Text {
        switch sync.status {
        case .idle: return Text("sync.idle")
        case .sending: return Text("sync.sending")
        case .applying: return Text("sync.applying")
        case .retrying: return Text("sync.retrying")
        case .failed: return Text("sync.failed")
        case let .unsent(n): return Text("sync.pending \(Int(n))")
        case let .refused(n): return Text("sync.refused \(Int(n))")
        case .synced: return Text("sync.done")
        }
    }

    private var symbol: String {
        switch sync.status {
        case .idle: return "icloud"
        case .sending, .applying: return "arrow.triangle.2.circlepath"
        case .retrying: return "wifi.exclamationmark"
        case .failed: return "exclamationmark.icloud"
        case .unsent: return "tray.and.arrow.up"
        case .refused: return "exclamationmark.arrow.triangle.2.circlepath"
        case .synced: return "checkmark.icloud"
        }
    }
}
