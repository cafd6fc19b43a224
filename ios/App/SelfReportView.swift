import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A household's self-report: each person, the 5 skills in plain words, ticked by the citizen
/// (or told to a volunteer), with where to learn them; one save for everyone. The ticks are
/// kept in scene storage until saved.
struct SelfReportView: View {
    let householdId: HouseholdId
    @State private var model: SelfReportModel
    @SceneStorage private var keptDraft: String
    @State private var opened = false

    init(db: Database, householdId: HouseholdId, channel: Channel) {
        self.householdId = householdId
        _model = State(initialValue: SelfReportModel(db: db, channel: channel))
        _keptDraft = SceneStorage(wrappedValue: "", "draft.selfReport.\(householdId)")
    }

    var body: some View {
        Form {
            if model.loading { ProgressView() }
            if !model.savedIds.isEmpty {
                Section {
                    Label("self_report.saved \(model.savedIds.count)", systemImage: "checkmark.circle.fill").font(.headline)
                }
            }
            ForEach(model.people, id: \.personId) { person in
                Section {
                    ForEach(model.skillChoices, id: \.code) { skill in
                        CheckRow(checked: person.skills.contains(skill.code), action: { Task { await model.toggle(skill.code, for: person.personId) } }) {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(skill.localizedName).font(.headline)
                                Text(skill.localizedPlain).font(.subheadline).foregroundStyle(.secondary)
                            }
                        }
                        .disabled(!model.savedIds.isEmpty)
                    }
                } header: {
                    Text(verbatim: person.fullName)
                }
            }
            Section {
                if let url = URL(string: model.learnMore.url) {
                    Link(destination: url) {
                        Label("self_report.learn_more", systemImage: "graduationcap")
                            .frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                    .accessibilityHint(Text(verbatim: coreText(vi: model.learnMore.labelVi, en: model.learnMore.labelEn)))
                }
            } footer: {
                Text(verbatim: coreText(vi: model.learnMore.labelVi, en: model.learnMore.labelEn))
            }
            if model.savedIds.isEmpty {
                Section {
                    ProblemsView(problems: model.form?.problems ?? [])
                    ErrorBanner(error: model.error)
                    SaveButton(title: "self_report.save", saving: model.saving, enabled: model.canSave) {
                        Task {
                            await model.save()
                            if !model.savedIds.isEmpty { keptDraft = "" }
                        }
                    }
                }
            }
        }
        .navigationTitle("self_report.title")
        .task {
            guard !opened else { return }
            opened = true
            if !keptDraft.isEmpty { await model.restore(json: keptDraft) }
            if model.people.isEmpty { await model.open(householdId: householdId) }
        }
        .onChange(of: model.people) {
            if model.savedIds.isEmpty { keptDraft = model.draftJson() ?? "" }
        }
    }
}
