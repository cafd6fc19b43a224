import SwiftUI
import TungNhaCore
import TungNhaPresentation

struct RecordVisitView: View {
    let householdId: String
    let teamId: String
    let volunteerId: String
    let onSaved: () -> Void
    @StateObject private var model: RecordVisitModel
    @Environment(\.dismiss) private var dismiss

    init(db: Database, householdId: String, teamId: String, volunteerId: String, onSaved: @escaping () -> Void) {
        self.householdId = householdId
        self.teamId = teamId
        self.volunteerId = volunteerId
        self.onSaved = onSaved
        _model = StateObject(wrappedValue: RecordVisitModel(db: db))
    }

    var body: some View {
        Form {
            Section(header: Text("Người được hướng dẫn"), footer: errors(.attendees)) {
                ForEach($model.people) { $person in
                    Toggle(person.name, isOn: $person.present)
                    if person.present {
                        ForEach(model.skillChoices, id: \.code) { skill in
                            Toggle(skill.nameVi, isOn: Binding(
                                get: { person.skills.contains(skill.code) },
                                set: { _ in model.toggleSkill(skill.code, for: person.id) }
                            ))
                            .padding(.leading, 24)
                        }
                    }
                }
            }
            Section(header: Text("Nội dung hướng dẫn"), footer: errors(.topics)) {
                ForEach(model.topicChoices, id: \.code) { topic in
                    Toggle(topic.nameVi, isOn: Binding(
                        get: { model.topics.contains(topic.code) },
                        set: { on in if on { model.topics.insert(topic.code) } else { model.topics.remove(topic.code) } }
                    ))
                }
            }
            Section(footer: errors(.when)) {
                DatePicker("Thời gian", selection: $model.occurredAt)
                TextField("Ghi chú", text: $model.notes)
            }
            ForEach(model.warnings, id: \.self) { Text($0).foregroundColor(.orange) }
            Button(model.saving ? "Đang lưu…" : "Lưu buổi hướng dẫn") {
                Task {
                    await model.save(teamId: teamId, volunteerId: volunteerId)
                    if model.savedVisitId != nil {
                        onSaved()
                        if model.warnings.isEmpty { dismiss() }
                    }
                }
            }
            .disabled(model.saving)
        }
        .navigationTitle(model.householdLabel)
        .task { await model.open(householdId: householdId) }
    }

    private func errors(_ field: RecordVisitModel.Field) -> some View {
        VStack(alignment: .leading) {
            ForEach(model.fieldErrors[field] ?? [], id: \.self) { Text($0).foregroundColor(.red) }
        }
    }
}
