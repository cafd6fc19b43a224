import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A citizen's start (`CitizenHomeModel`): the household's progress, then each person with the
/// 5 skills in plain words — their level now (an icon and words) and a tick for "I can do
/// this" —, where to learn them, and one button to submit the ticks.
struct CitizenHomeView: View {
    let householdId: HouseholdId
    @State private var model: CitizenHomeModel
    @State private var submittedShown = false

    init(db: Database, householdId: HouseholdId) {
        self.householdId = householdId
        _model = State(initialValue: CitizenHomeModel(db: db))
    }

    var body: some View {
        List {
            if let home = model.home {
                Section {
                    Label {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(verbatim: home.address).font(.headline)
                            Text(verbatim: home.villageName).font(.subheadline).foregroundStyle(.secondary)
                        }
                    } icon: {
                        Image(systemName: "house").accessibilityHidden(true)
                    }
                    Label { Text(home.status.label) } icon: { Image(systemName: home.status.symbol).accessibilityHidden(true) }
                    Text("citizen.progress \(Int(home.peopleMasteringAll)) \(home.people.count)").font(.subheadline)
                    ProgressView(value: Double(min(home.masteringAllPercent, 100)), total: 100)
                        .accessibilityLabel(Text("citizen.progress.a11y"))
                        .accessibilityValue(Text("figures.percent \(Int(home.masteringAllPercent))"))
                } header: {
                    Text("citizen.household")
                }
                if submittedShown && model.submitted > 0 {
                    Section {
                        Label("citizen.submitted \(Int(model.submitted))", systemImage: "checkmark.circle.fill").font(.headline)
                    }
                }
                ForEach(home.people, id: \.personId) { person in
                    CitizenPersonSection(person: person, model: model)
                }
                Section {
                    if let url = URL(string: model.learnMore.url) {
                        Link(destination: url) {
                            Label("self_report.learn_more", systemImage: "graduationcap")
                                .frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                        }
                    }
                } footer: {
                    Text(verbatim: coreText(vi: model.learnMore.labelVi, en: model.learnMore.labelEn))
                }
                Section {
                    ProblemsView(problems: model.report.form?.problems ?? [])
                    ErrorBanner(error: model.report.error ?? model.error)
                    SaveButton(title: "citizen.submit", saving: model.report.saving, enabled: model.report.canSave) {
                        Task {
                            await model.submit()
                            submittedShown = true
                        }
                    }
                } footer: {
                    Text("citizen.submit.footer")
                }
            } else if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
        }
        .navigationTitle("citizen.title")
        .overlay { if model.loading && model.home == nil { ProgressView() } }
        .refreshable { await model.reload() }
        .toolbar { ToolbarItem(placement: .topBarLeading) { SettingsButton() } }
        .task { if model.home == nil { await model.open(householdId: householdId) } }
    }
}

/// One person: each skill in plain words, their level now, and the tick.
private struct CitizenPersonSection: View {
    let person: CitizenPerson
    let model: CitizenHomeModel

    var body: some View {
        let ticked = model.report.people.first { $0.personId == person.personId }?.skills ?? []
        Section {
            ForEach(model.skillChoices, id: \.code) { choice in
                let level = person.skills.first { $0.skill == choice.code }?.level ?? .notStarted
                CheckRow(checked: ticked.contains(choice.code), action: { Task { await model.toggle(choice.code, for: person.personId) } }) {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(choice.localizedName).font(.headline)
                        Text(choice.localizedPlain).font(.subheadline).foregroundStyle(.secondary)
                        Label { Text(level.label) } icon: { Image(systemName: level.symbol).accessibilityHidden(true) }
                            .font(.caption)
                    }
                }
            }
        } header: {
            VStack(alignment: .leading, spacing: 2) {
                Text(verbatim: person.fullName).font(.headline)
                if person.mastersAll {
                    Label("household.masters_all", systemImage: "star.fill").font(.caption)
                } else {
                    Text("household.skills_mastered \(Int(person.skillsMastered))").font(.caption)
                }
            }
            .textCase(nil)
        }
    }
}
