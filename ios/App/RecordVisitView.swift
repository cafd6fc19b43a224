import CoreLocation
import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Record a visit at a household, a group session at a fixed point, or the correction of a
/// stored visit: who was present, the skills each was guided through, per-person actions,
/// topics, notes and when. The core's visit form checks as the volunteer ticks (problems
/// under each part, the back-entry warning under the time); one tap saves it offline.
struct RecordVisitView: View {
    enum Mode: Hashable {
        case household(HouseholdId)
        case group(place: String)
        case correction(VisitId)
    }

    let db: Database
    let mode: Mode
    let teamId: TeamId
    let volunteerId: MemberId
    @State private var model: RecordVisitModel
    @State private var backEntry = false
    @State private var addingPeople = false
    @State private var opened = false
    @Environment(Router.self) private var router
    /// The whole draft (`draftJson`), kept across iOS stopping the app; cleared once saved.
    @SceneStorage private var keptDraft: String

    init(db: Database, mode: Mode, teamId: TeamId, volunteerId: MemberId) {
        self.db = db
        self.mode = mode
        self.teamId = teamId
        self.volunteerId = volunteerId
        _model = State(initialValue: RecordVisitModel(db: db))
        _keptDraft = SceneStorage(wrappedValue: "", "draft.visit.\(mode.storageKey)")
    }

    var body: some View {
        Group {
            if let saved = model.savedVisitId {
                savedView(saved)
            } else {
                form
            }
        }
        .navigationTitle(title)
        .navigationBarTitleDisplayMode(.inline)
        .task {
            guard !opened else { return }
            opened = true
            if !keptDraft.isEmpty {
                await model.restore(json: keptDraft)
                if model.error != nil { keptDraft = "" } // a damaged draft: start again
            }
            if model.form == nil {
                switch mode {
                case let .household(id): await model.openAtHousehold(householdId: id, teamId: teamId, volunteerId: volunteerId)
                case let .group(place): await model.openGroupSession(place: place, teamId: teamId, volunteerId: volunteerId)
                case let .correction(id): await model.openCorrection(visitId: id)
                }
            }
            backEntry = model.occurredAt != nil
        }
        .onChange(of: model.people) { keepDraft() }
        .onChange(of: model.topics) { keepDraft() }
        .onChange(of: model.notes) { keepDraft() }
        .onChange(of: model.occurredAt) { keepDraft() }
        .onChange(of: model.walkIn) { keepDraft() }
        .onChange(of: model.savedVisitId) { _, saved in if saved != nil { keptDraft = "" } }
        .sheet(isPresented: $addingPeople) {
            AttendeePicker(db: db, alreadyAdded: Set(model.people.map(\.id))) { hits in
                Task { await model.addPeople(hits) }
            }
        }
    }

    @MainActor
    private func keepDraft() {
        guard opened, model.savedVisitId == nil, !model.loading else { return }
        keptDraft = model.draftJson() ?? ""
    }

    private var title: Text {
        switch mode {
        case .household: return Text("visit.title")
        case .group: return Text("group.session.title")
        case .correction: return Text("visit.correct.title")
        }
    }

    private var isGroup: Bool {
        if case .group = mode { return true }
        return false
    }

    @MainActor
    private func problems(_ field: RecordVisitModel.Field) -> [Problem] {
        (model.form?.problems ?? []).filter { RecordVisitModel.formField($0.field) == field }
    }

    @ViewBuilder private var form: some View {
        Form {
            Section {
                Label { Text(verbatim: model.placeLabel) } icon: {
                    Image(systemName: isGroup ? "building.columns" : "house").accessibilityHidden(true)
                }
                .font(.headline)
                if model.correcting != nil {
                    Label("visit.correct.explain", systemImage: "arrow.uturn.backward.circle")
                        .font(.callout)
                }
                ProblemsView(problems: problems(.place))
            }

            Section {
                if model.loading { ProgressView() }
                ForEach(model.people) { person in
                    PersonVisitRows(person: person, model: model)
                }
                if isGroup || model.correcting != nil {
                    Button {
                        addingPeople = true
                    } label: {
                        Label("group.add_people", systemImage: "person.crop.circle.badge.plus")
                            .frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                }
                ProblemsView(problems: problems(.attendees))
            } header: {
                Text("visit.people")
            } footer: {
                Text("visit.people.footer")
            }

            if isGroup {
                WalkInSection(db: db, model: model, recordedBy: volunteerId)
            }

            Section {
                ForEach(model.topicChoices, id: \.code) { topic in
                    CheckRow(checked: model.topics.contains(topic.code), action: { Task { await model.toggleTopic(topic.code) } }) {
                        Text(topic.localizedName)
                    }
                }
                ProblemsView(problems: problems(.topics))
            } header: {
                Text("visit.topics")
            }

            Section {
                Toggle("visit.when.earlier", isOn: $backEntry)
                    .frame(minHeight: 44)
                    .onChange(of: backEntry) { _, on in
                        Task { await model.setOccurredAt(on ? (model.occurredAt ?? Date()) : nil) }
                    }
                if backEntry {
                    DatePicker("visit.when", selection: Binding(
                        get: { model.occurredAt ?? Date() },
                        set: { at in Task { await model.setOccurredAt(at) } }
                    ), in: ...Date().addingTimeInterval(3600))
                } else {
                    Text("visit.when.now").foregroundStyle(.secondary)
                }
                ProblemsView(problems: problems(.when))
            } header: {
                Text("visit.when.header")
            }

            Section {
                DraftTextField("visit.notes", text: model.notes) { t in Task { await model.setNotes(t) } }
                    .id(model.loading) // seeded again once the form (or the corrected visit) is open
                ProblemsView(problems: problems(.notes))
            } header: {
                Text("visit.notes.header")
            }

            Section {
                CoarseLocationRow(location: model.location) { l in Task { await model.setLocation(l) } }
                ProblemsView(problems: problems(.location))
            }

            if model.correcting != nil {
                Section {
                    DraftTextField("visit.correct.reason", text: model.correctionReason) { t in Task { await model.setCorrectionReason(t) } }
                        .id(model.loading)
                    ProblemsView(problems: problems(.correctionReason))
                } header: {
                    Text("visit.correct.reason.header")
                } footer: {
                    Text("visit.correct.notes_footer")
                }
            }

            Section {
                ProblemsView(problems: problems(.other))
                ErrorBanner(error: model.error)
                SaveButton(title: model.correcting == nil ? "visit.save" : "visit.correct.save", saving: model.saving, enabled: model.canSave) {
                    Task { await model.save() }
                }
            }
        }
        .scrollDismissesKeyboard(.interactively)
    }

    @ViewBuilder private func savedView(_ id: VisitId) -> some View {
        Form {
            Section {
                Label(model.correcting == nil ? LocalizedStringKey("visit.saved") : LocalizedStringKey("visit.correct.saved"), systemImage: "checkmark.circle.fill")
                    .font(.headline)
                ProblemsView(problems: (model.form?.problems ?? []).filter { $0.severity == .warning })
            }
            Section {
                if model.correcting == nil {
                    Button {
                        router.replaceTop(with: .correctVisit(visitId: id))
                    } label: {
                        Label("visit.saved.correct", systemImage: "pencil").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                }
                Button {
                    router.pop()
                } label: {
                    Text("common.done").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                }
            }
        }
    }
}

extension RecordVisitView.Mode {
    /// Which draft a scene keeps (one per household, session place or corrected visit).
    var storageKey: String {
        switch self {
        case let .household(id): return "household.\(id)"
        case let .group(place): return "group.\(place)"
        case let .correction(id): return "correction.\(id)"
        }
    }
}

/// A group session's walk-in: someone who came without being on the device. They join a
/// household (found by search), with name, birth year, relation and their consent (the
/// notice read in full); the core checks each field as it is typed, and adding them saves the
/// person into the household and marks them present.
private struct WalkInSection: View {
    let db: Database
    let model: RecordVisitModel
    let recordedBy: MemberId
    @State private var pickingHousehold = false
    @State private var householdLabel = ""

    var body: some View {
        Section {
            if let w = model.walkIn {
                Button {
                    pickingHousehold = true
                } label: {
                    LabeledContent("walkin.household") {
                        if w.householdId == nil { Text("walkin.household.pick") } else { Text(verbatim: householdLabel) }
                    }
                    .frame(minHeight: 44)
                }
                problems("walk_in.household")
                DraftTextField("walkin.name", text: w.fullName, contentType: .name) { t in Task { await model.setWalkInName(t) } }
                problems("walk_in.full_name")
                DraftTextField("walkin.birth_year", text: w.birthYear, keyboard: .numberPad) { t in Task { await model.setWalkInBirthYear(t) } }
                problems("walk_in.birth_year")
                Picker("walkin.relation", selection: Binding(get: { w.relation }, set: { r in Task { await model.setWalkInRelation(r) } })) {
                    ForEach(Relation.choices, id: \.self) { r in Text(r.label).tag(r) }
                }
                .frame(minHeight: 44)
                problems("walk_in.relation")
                Text(consentPurpose().localizedText).font(.callout)
                DraftTextField("walkin.consent_by", text: w.consentGivenBy) { t in Task { await model.setWalkInConsentGivenBy(t) } }
                if let at = w.consentGivenAt {
                    Label { Text("walkin.consent_at \(at.formatted(date: .abbreviated, time: .shortened))") } icon: {
                        Image(systemName: "checkmark.shield.fill").accessibilityHidden(true)
                    }
                } else {
                    Button {
                        Task { await model.recordWalkInConsent() }
                    } label: {
                        Label("walkin.consent.record", systemImage: "checkmark.shield").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                }
                problems("walk_in.consent")
                problems("walk_in", exact: true)
                HStack {
                    Button("common.cancel", role: .cancel) { Task { await model.cancelWalkIn() } }
                        .frame(minHeight: 44)
                    Spacer()
                    Button {
                        Task { await model.addWalkIn(recordedBy: recordedBy) }
                    } label: {
                        HStack {
                            if model.addingWalkIn { ProgressView().accessibilityHidden(true) }
                            Text("walkin.add").bold()
                        }
                        .frame(minHeight: 44)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(!model.canAddWalkIn)
                }
                .buttonStyle(.bordered)
            } else {
                Button {
                    householdLabel = ""
                    Task { await model.startWalkIn() }
                } label: {
                    Label("walkin.start", systemImage: "person.badge.plus").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                }
                if model.addedWalkInId != nil {
                    Label("walkin.added", systemImage: "checkmark.circle.fill")
                }
            }
        } header: {
            Text("walkin.header")
        } footer: {
            Text("walkin.footer")
        }
        .sheet(isPresented: $pickingHousehold) {
            HouseholdPicker(db: db) { hit in
                householdLabel = [hit.headName, hit.address].filter { !$0.isEmpty }.joined(separator: ", ")
                Task { await model.setWalkInHousehold(hit.householdId) }
            }
        }
    }

    /// The walk-in's problems for the fields under `prefix`.
    @MainActor
    private func problems(_ prefix: String, exact: Bool = false) -> ProblemsView {
        ProblemsView(problems: model.walkInProblems
            .filter { exact ? $0.key == prefix : $0.key.hasPrefix(prefix) }
            .sorted { $0.key < $1.key }
            .flatMap(\.value))
    }
}

/// Pick a household by search (head, address, a member's name).
private struct HouseholdPicker: View {
    let pick: (SearchHit) -> Void
    @State private var model: SearchModel
    @State private var query = ""
    @Environment(\.dismiss) private var dismiss

    init(db: Database, pick: @escaping (SearchHit) -> Void) {
        self.pick = pick
        _model = State(initialValue: SearchModel(db: db))
    }

    var body: some View {
        NavigationStack {
            SearchResults(model: model) { hit in
                pick(hit)
                dismiss()
            } accessory: { _ in EmptyView() }
            .navigationTitle("walkin.household.pick")
            .navigationBarTitleDisplayMode(.inline)
            .searchable(text: $query, placement: .navigationBarDrawer(displayMode: .always), prompt: Text("search.prompt"))
            .onChange(of: query) { _, q in Task { await model.search(q) } }
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
            }
        }
    }
}

/// One person: present or not; when present, the skills guided and the actions done.
private struct PersonVisitRows: View {
    let person: RecordVisitModel.PersonRow
    let model: RecordVisitModel

    var body: some View {
        CheckRow(checked: person.present, action: { Task { await model.togglePresent(person.id) } }) {
            VStack(alignment: .leading) {
                if person.name.isEmpty {
                    Text("visit.person.unknown").font(.headline)
                } else {
                    Text(verbatim: person.name).font(.headline)
                }
                if !person.address.isEmpty {
                    Text(verbatim: person.address).font(.subheadline).foregroundStyle(.secondary)
                }
            }
        }
        .accessibilityHint(Text("visit.person.hint"))
        if person.present {
            DisclosureGroup {
                ForEach(model.skillChoices, id: \.code) { skill in
                    CheckRow(checked: person.skills.contains(skill.code), action: { Task { await model.toggleSkill(skill.code, for: person.id) } }) {
                        Text(skill.localizedName)
                    }
                }
            } label: {
                Text("visit.skills \(person.skills.count)")
            }
            .padding(.leading, 16)
            DisclosureGroup {
                ForEach(model.actionChoices, id: \.code) { action in
                    CheckRow(checked: person.actions.contains(action.code), action: { Task { await model.toggleAction(action.code, for: person.id) } }) {
                        Text(action.localizedName)
                    }
                }
            } label: {
                Text("visit.actions \(person.actions.count)")
            }
            .padding(.leading, 16)
        }
    }
}

/// The visit's optional rough position: asked for only when the volunteer taps (when-in-use
/// permission, reduced accuracy), shown as numbers, removable. The core rounds it to about
/// a kilometre and checks it is in Vietnam.
private struct CoarseLocationRow: View {
    let location: Location?
    let set: (Location?) -> Void
    @State private var finder = CoarseLocationFinder()

    var body: some View {
        if let location {
            let lat = location.lat.formatted(.number.precision(.fractionLength(2)))
            let lon = location.lon.formatted(.number.precision(.fractionLength(2)))
            Text("visit.location.value \(lat) \(lon)")
            Button("visit.location.remove", role: .destructive) { set(nil) }.frame(minHeight: 44)
        } else {
            Button("visit.location.add") { finder.find { set($0) } }.frame(minHeight: 44)
            if finder.unavailable { Text("visit.location.unavailable").foregroundStyle(.secondary) }
        }
    }
}

/// One request for the phone's position at the coarsest accuracy.
@Observable
@MainActor
private final class CoarseLocationFinder: NSObject, CLLocationManagerDelegate {
    var unavailable = false
    @ObservationIgnored private let manager = CLLocationManager()
    @ObservationIgnored private var done: ((Location) -> Void)?

    func find(_ done: @escaping (Location) -> Void) {
        self.done = done
        unavailable = false
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyKilometer
        manager.requestWhenInUseAuthorization()
        manager.requestLocation()
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let c = locations.last?.coordinate else { return }
        Task { @MainActor in self.done?(Location(lat: c.latitude, lon: c.longitude)) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in self.unavailable = true }
    }
}
