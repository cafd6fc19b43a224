import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Search households and people across the commune, a page at a time (accent-insensitive,
/// best matches first). Picking a hit opens the household, or — for a leader — the person
/// to verify.
struct SearchView: View {
    let purpose: SearchPurpose
    @State private var model: SearchModel
    @State private var query = ""
    @Environment(Router.self) private var router

    init(db: Database, purpose: SearchPurpose) {
        self.purpose = purpose
        _model = State(initialValue: SearchModel(db: db))
    }

    var body: some View {
        SearchResults(model: model) { hit in
            switch purpose {
            case .household:
                router.push(.householdDetail(householdId: hit.householdId))
            case .verifyPerson:
                if let person = hit.personId {
                    router.push(.verify(householdId: hit.householdId, personId: person))
                }
            }
        } accessory: { hit in
            if purpose == .verifyPerson && hit.personId == nil {
                Text("search.pick_person").font(.caption).foregroundStyle(.secondary)
            }
        }
        .navigationTitle(purpose == .household ? Text("search.title") : Text("verify.pick.title"))
        .searchable(text: $query, placement: .navigationBarDrawer(displayMode: .always), prompt: Text("search.prompt"))
        .onChange(of: query) { _, q in Task { await model.search(q) } }
    }
}

/// The hits of a `SearchModel`, with "more" at the end; shared by search and the attendee picker.
struct SearchResults<Accessory: View>: View {
    let model: SearchModel
    var selected: Set<String> = []
    let pick: (SearchHit) -> Void
    @ViewBuilder let accessory: (SearchHit) -> Accessory

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
            if !model.query.isEmpty {
                Section {
                    ForEach(Array(model.hits.enumerated()), id: \.offset) { _, hit in
                        Button { pick(hit) } label: {
                            HStack {
                                HitRow(hit: hit)
                                if selected.contains(SearchResults.key(hit)) {
                                    Image(systemName: "checkmark.circle.fill")
                                        .accessibilityLabel(Text("a11y.selected"))
                                }
                            }
                            .frame(minHeight: 44)
                            .contentShape(Rectangle())
                        }
                        .buttonStyle(.plain)
                        accessory(hit)
                    }
                    if model.hasMore {
                        Button("search.more") { Task { await model.loadMore() } }
                            .frame(minHeight: 44)
                            .onAppear { Task { await model.loadMore() } }
                    }
                } header: {
                    Text("search.total \(Int(model.total))")
                }
            }
        }
        .overlay {
            if model.loading && model.hits.isEmpty { ProgressView() }
            else if !model.query.isEmpty && !model.loading && model.hits.isEmpty && model.error == nil {
                ContentUnavailableView.search(text: model.query)
            }
        }
    }

    /// A hit's identity: the person if one matched, else the household.
    static func key(_ hit: SearchHit) -> String { hit.personId ?? hit.householdId }
}

/// A person (if one matched) and their household: head, address, village.
struct HitRow: View {
    let hit: SearchHit

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(verbatim: hit.personName ?? hit.headName).font(.headline)
            if hit.personName != nil && hit.personName != hit.headName {
                Text("search.household_of \(hit.headName)").font(.subheadline)
            }
            Text(verbatim: [hit.address, hit.villageName].filter { !$0.isEmpty }.joined(separator: ", "))
                .font(.subheadline)
                .foregroundStyle(.secondary)
        }
        .accessibilityElement(children: .combine)
    }
}

/// The first step of a group session: where it takes place.
struct GroupSessionPlaceView: View {
    @Environment(Router.self) private var router
    @SceneStorage("draft.groupSession.place") private var place = ""

    var body: some View {
        Form {
            Section {
                TextField("group.place", text: $place, axis: .vertical)
                    .frame(minHeight: 44)
            } header: {
                Text("group.place.header")
            } footer: {
                Text("group.place.footer")
            }
            Section {
                Button {
                    let chosen = place.trimmingCharacters(in: .whitespacesAndNewlines)
                    place = ""
                    router.replaceTop(with: .groupSession(place: chosen))
                } label: {
                    Text("group.start").bold().frame(maxWidth: .infinity, minHeight: 44)
                }
                .buttonStyle(.borderedProminent)
                .disabled(place.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
        .navigationTitle("group.title")
    }
}

/// Attendees of a group session, found by search across the households in scope.
struct AttendeePicker: View {
    let db: Database
    let alreadyAdded: Set<PersonId>
    let add: ([SearchHit]) -> Void
    @State private var model: SearchModel
    @State private var query = ""
    @State private var picked: [SearchHit] = []
    @Environment(\.dismiss) private var dismiss

    init(db: Database, alreadyAdded: Set<PersonId>, add: @escaping ([SearchHit]) -> Void) {
        self.db = db
        self.alreadyAdded = alreadyAdded
        self.add = add
        _model = State(initialValue: SearchModel(db: db))
    }

    var body: some View {
        NavigationStack {
            SearchResults(model: model, selected: Set(picked.map(SearchResults<EmptyView>.key)).union(alreadyAdded)) { hit in
                guard let person = hit.personId, !alreadyAdded.contains(person) else { return }
                if let i = picked.firstIndex(where: { $0.personId == person }) {
                    picked.remove(at: i)
                } else {
                    picked.append(hit)
                }
            } accessory: { _ in EmptyView() }
            .navigationTitle("group.add_people")
            .navigationBarTitleDisplayMode(.inline)
            .searchable(text: $query, placement: .navigationBarDrawer(displayMode: .always), prompt: Text("group.search.prompt"))
            .onChange(of: query) { _, q in Task { await model.search(q) } }
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("group.add \(picked.count)") {
                        add(picked)
                        dismiss()
                    }
                    .disabled(picked.isEmpty)
                }
            }
        }
    }
}
