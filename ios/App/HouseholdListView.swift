import SwiftUI
import TungNhaCore
import TungNhaPresentation

struct HouseholdListView: View {
    let db: Database
    let teamId: String
    let volunteerId: String
    @StateObject private var list: HouseholdListModel
    @StateObject private var sync: SyncModel
    @State private var query = ""

    init(db: Database, serverUrl: String, teamId: String, volunteerId: String) {
        self.db = db
        self.teamId = teamId
        self.volunteerId = volunteerId
        _list = StateObject(wrappedValue: HouseholdListModel(db: db))
        _sync = StateObject(wrappedValue: SyncModel(db: db, serverUrl: serverUrl))
    }

    var body: some View {
        NavigationStack {
            List {
                Section {
                    HStack {
                        SyncStatusText(status: sync.status).font(.footnote)
                        Spacer()
                        if sync.running {
                            Button("Huỷ") { sync.cancel() }
                        } else {
                            Button("Đồng bộ") { Task { await sync.sync(); await list.refresh() } }
                        }
                    }
                    Picker("Lọc", selection: $list.filter) {
                        Text("Tất cả \(list.counts.total)").tag(HouseholdListModel.Filter.all)
                        Text("Chưa đến \(list.counts.notVisited)").tag(HouseholdListModel.Filter.notVisited)
                        Text("Đã đến \(list.counts.visited)").tag(HouseholdListModel.Filter.visited)
                        Text("Đạt \(list.counts.goalReached)").tag(HouseholdListModel.Filter.goalReached)
                    }
                    .pickerStyle(.segmented)
                }
                if let error = list.error {
                    Text(error.message).foregroundColor(.red)
                }
                ForEach(list.rows, id: \.id) { row in
                    NavigationLink(value: row.id) {
                        VStack(alignment: .leading) {
                            Text(row.headName).font(.headline)
                            Text("\(row.address) · \(row.memberCount) người").font(.subheadline)
                            Text(status(row)).font(.caption).foregroundColor(row.status == .notVisited ? .red : .green)
                        }
                    }
                }
            }
            .navigationTitle("Hộ được giao")
            .searchable(text: $query, prompt: "Tìm hộ, tên người, địa chỉ")
            .onChange(of: query) { q in Task { await list.search(q) } }
            .navigationDestination(for: String.self) { id in
                RecordVisitView(db: db, householdId: id, teamId: teamId, volunteerId: volunteerId) {
                    Task { await list.refresh() }
                }
            }
            .refreshable { await list.refresh() }
            .task { await list.load(teamId: teamId, volunteerId: volunteerId) }
        }
    }

    private func status(_ row: HouseholdSummary) -> String {
        switch row.status {
        case .notVisited: return "Chưa đến"
        case .visited: return "Đã đến \(row.visitCount) lần"
        case .goalReached: return "Đạt mục tiêu: \(row.masteredCount) người thành thạo 5 kỹ năng"
        }
    }
}

/// The sync status line: the model's typed status as localized strings (an error's text is the core's).
struct SyncStatusText: View {
    let status: SyncModel.Status

    var body: some View {
        switch status {
        case .idle: Text(verbatim: "")
        case .sending: Text("sync.sending")
        case .applying: Text("sync.applying")
        case .retrying: Text("sync.retrying")
        case let .failed(error): Text(verbatim: error.message)
        case let .unsent(count): Text("sync.unsent \(Int(count))")
        case let .refused(count): Text("sync.refused \(Int(count))")
        case .synced: Text("sync.done")
        }
    }
}
