import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A volunteer's (or leader's) home: the assigned households with a status filter and
/// accent-insensitive search, the sync state, and the other tasks in the toolbar.
struct HouseholdListView: View {
    let db: Database
    let teamId: TeamId
    let volunteerId: MemberId
    let canVerify: Bool
    @StateObject private var list: HouseholdListModel
    @StateObject private var sync: SyncModel
    @Environment(AppSession.self) private var session
    @Environment(Router.self) private var router
    @State private var query = ""

    init(db: Database, teamId: TeamId, volunteerId: MemberId, canVerify: Bool) {
        self.db = db
        self.teamId = teamId
        self.volunteerId = volunteerId
        self.canVerify = canVerify
        _list = StateObject(wrappedValue: HouseholdListModel(db: db))
        _sync = StateObject(wrappedValue: SyncModel(db: db, serverUrl: AppSession.serverUrl))
    }

    var body: some View {
        List {
            Section {
                SyncRow(sync: sync) {
                    Task {
                        await sync.sync()
                        await list.refresh()
                        await session.loadVillages()
                    }
                }
                Picker("list.filter", selection: $list.filter) {
                    Text("list.filter.all \(list.counts.total)").tag(HouseholdListModel.Filter.all)
                    Text("list.filter.not_visited \(list.counts.notVisited)").tag(HouseholdListModel.Filter.notVisited)
                    Text("list.filter.visited \(list.counts.visited)").tag(HouseholdListModel.Filter.visited)
                    Text("list.filter.goal_reached \(list.counts.goalReached)").tag(HouseholdListModel.Filter.goalReached)
                }
                .pickerStyle(.menu)
                .frame(minHeight: 44)
            }
            if list.error != nil {
                Section { ErrorBanner(error: list.error) }
            }
            Section {
                ForEach(list.rows, id: \.id) { row in
                    NavigationLink(value: Route.recordVisit(householdId: row.id)) {
                        HouseholdRow(row: row)
                    }
                    .swipeActions(edge: .trailing) {
                        Button {
                            router.push(.selfReport(householdId: row.id, byVolunteer: true))
                        } label: {
                            Label("list.action.self_report", systemImage: "checklist")
                        }
                        .tint(.indigo)
                    }
                }
            } footer: {
                if !list.loading && list.rows.isEmpty {
                    list.query.isEmpty ? Text("list.empty") : Text("list.no_match")
                }
            }
        }
        .navigationTitle("list.title")
        .searchable(text: $query, prompt: Text("list.search.prompt"))
        .onChange(of: query) { _, q in Task { await list.search(q) } }
        .refreshable { await list.refresh() }
        .overlay { if list.loading && list.rows.isEmpty { ProgressView() } }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Menu {
                    Button { router.push(.registerHousehold) } label: { Label("home.register_household", systemImage: "house.badge.plus") }
                    Button { router.push(.startGroupSession) } label: { Label("home.group_session", systemImage: "person.3.fill") }
                    Button { router.push(.search(.household)) } label: { Label("home.search", systemImage: "magnifyingglass") }
                    if canVerify {
                        Button { router.push(.search(.verifyPerson)) } label: { Label("home.verify", systemImage: "checkmark.seal") }
                    }
                    Button { router.push(.figures) } label: { Label("home.figures", systemImage: "chart.bar") }
                } label: {
                    Label("home.tasks", systemImage: "plus.circle.fill")
                        .frame(minWidth: 44, minHeight: 44)
                }
            }
        }
        .task {
            await list.load(teamId: teamId, volunteerId: volunteerId)
            await sync.refreshQueues()
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

/// Sync in one row: what is waiting or refused, progress while it runs, and the button to
/// start or cancel. Built from the model's typed fields; every sentence is the catalog's.
struct SyncRow: View {
    @ObservedObject var sync: SyncModel
    let start: () -> Void

    var body: some View {
        HStack(spacing: 12) {
            VStack(alignment: .leading, spacing: 4) {
                status.font(.subheadline)
                if sync.running {
                    ProgressView(value: fraction)
                        .accessibilityLabel(Text("sync.progress"))
                }
                if let error = sync.error { Text(error.localizedMessage).font(.footnote) }
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
        if sync.running {
            switch sync.progress?.phase {
            case .retrying?: return Text("sync.retrying")
            case .applying?: return Text("sync.applying")
            default: return Text("sync.sending")
            }
        }
        if sync.pending > 0 { return Text("sync.pending \(Int(sync.pending))") }
        if !sync.rejected.isEmpty { return Text("sync.rejected \(sync.rejected.count)") }
        return sync.report == nil ? Text("sync.idle") : Text("sync.done")
    }
}
