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

    init(db: Database, mode: Mode, teamId: TeamId, volunteerId: MemberId) {
        self.db = db
        self.mode = mode
        self.teamId = teamId
        self.volunteerId = volunteerId
        _model = State(initialValue: RecordVisitModel(db: db))
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
            switch mode {
            case let .household(id): await model.openAtHousehold(householdId: id, teamId: teamId, volunteerId: volunteerId)
            case let .group(place): await model.openGroupSession(place: place, teamId: teamId, volunteerId: volunteerId)
            case let .correction(id): await model.openCorrection(visitId: id)
            }
            backEntry = model.occurredAt != nil
        }
        .sheet(isPresented: $addingPeople) {
            AttendeePicker(db: db, alreadyAdded: Set(model.people.map(\.id))) { hits in
                Task { await model.addPeople(hits) }
            }
        }
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
            } footer: {
                if model.correcting != nil { Text("visit.correct.notes_footer") }
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
