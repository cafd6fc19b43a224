import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Who was present, what each was guided through, which topics: the core's visit form checks
/// as the volunteer ticks (problems beside each part), this shows. Labels come from
/// Localizable.strings; every problem and error text is the core's.
struct RecordVisitView: View {
    let householdId: HouseholdId
    let teamId: TeamId
    let volunteerId: MemberId
    let onSaved: () -> Void
    @State private var model: RecordVisitModel
    @State private var notes = ""
    @Environment(\.dismiss) private var dismiss

    init(db: Database, householdId: HouseholdId, teamId: TeamId, volunteerId: MemberId, onSaved: @escaping () -> Void) {
        self.householdId = householdId
        self.teamId = teamId
        self.volunteerId = volunteerId
        self.onSaved = onSaved
        _model = State(initialValue: RecordVisitModel(db: db))
    }

    var body: some View {
        Form {
            Section(header: Text("visit.people"), footer: errors(.attendees)) {
                ForEach(model.people) { person in
                    Toggle(person.name, isOn: Binding(
                        get: { person.present },
                        set: { _ in Task { await model.togglePresent(person.id) } }
                    ))
                    if person.present {
                        ForEach(model.skillChoices, id: \.code) { skill in
                            Toggle(skill.nameVi, isOn: Binding(
                                get: { person.skills.contains(skill.code) },
                                set: { _ in Task { await model.toggleSkill(skill.code, for: person.id) } }
                            ))
                            .padding(.leading, 24)
                        }
                    }
                }
            }
            Section(header: Text("visit.topics"), footer: errors(.topics)) {
                ForEach(model.topicChoices, id: \.code) { topic in
                    Toggle(topic.nameVi, isOn: Binding(
                        get: { model.topics.contains(topic.code) },
                        set: { _ in Task { await model.toggleTopic(topic.code) } }
                    ))
                }
            }
            Section(footer: errors(.when)) {
                DatePicker("visit.when", selection: Binding(
                    get: { model.occurredAt ?? Date() },
                    set: { at in Task { await model.setOccurredAt(at) } }
                ))
                TextField("visit.notes", text: $notes)
                    .onChange(of: notes) { text in Task { await model.setNotes(text) } }
            }
            Section(footer: errors(.other)) {
                ForEach(model.warnings, id: \.self) { Text($0).foregroundColor(.orange) }
                if let error = model.error { Text(error.message).foregroundColor(.red) }
                Button(model.saving ? LocalizedStringKey("visit.saving") : LocalizedStringKey("visit.save")) {
                    Task {
                        await model.save()
                        if model.savedVisitId != nil {
                            onSaved()
                            if model.warnings.isEmpty { dismiss() }
                        }
                    }
                }
                .disabled(!model.canSave)
            }
        }
        .navigationTitle(model.placeLabel)
        .task { await model.openAtHousehold(householdId: householdId, teamId: teamId, volunteerId: volunteerId) }
    }

    private func errors(_ field: RecordVisitModel.Field) -> some View {
        VStack(alignment: .leading) {
            ForEach(model.fieldErrors[field] ?? [], id: \.self) { Text($0).foregroundColor(.red) }
        }
    }
}
