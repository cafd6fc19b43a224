import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A team leader with one person: their level in each of the 5 skills (icon and words), the
/// skills the leader saw them do (verified in one save), and the audited correction of one
/// skill's level with a reason.
struct VerifyView: View {
    let householdId: HouseholdId
    let personId: PersonId
    let leaderId: MemberId
    @State private var model: VerifyModel
    @State private var opened = false

    init(db: Database, householdId: HouseholdId, personId: PersonId, leaderId: MemberId) {
        self.householdId = householdId
        self.personId = personId
        self.leaderId = leaderId
        _model = State(initialValue: VerifyModel(db: db))
    }

    var body: some View {
        Form {
            if let member = model.member {
                Section {
                    ForEach(model.skillChoices, id: \.code) { skill in
                        let level = member.skills.first { $0.skill == skill.code }?.level ?? .notStarted
                        HStack(spacing: 12) {
                            Image(systemName: level.symbol).imageScale(.large).accessibilityHidden(true)
                            VStack(alignment: .leading) {
                                Text(skill.localizedName)
                                Text(level.label).font(.subheadline).foregroundStyle(.secondary)
                            }
                            Spacer()
                            Menu {
                                ForEach(SkillLevel.choices.filter { $0 != level }, id: \.self) { to in
                                    Button { Task { await model.startCorrection(skill: skill.code, toLevel: to) } } label: { Text(to.label) }
                                }
                            } label: {
                                Image(systemName: "pencil.circle")
                                    .imageScale(.large)
                                    .frame(minWidth: 44, minHeight: 44)
                            }
                            .accessibilityLabel(Text("verify.correct.a11y \(skill.localizedName)"))
                        }
                        .frame(minHeight: 44)
                    }
                } header: {
                    Text(verbatim: member.person.fullName)
                }
            } else if model.loading {
                ProgressView()
            }

            Section {
                ForEach(model.skillChoices, id: \.code) { skill in
                    CheckRow(checked: model.ticked.contains(skill.code), action: { Task { await model.toggle(skill.code) } }) {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(skill.localizedName)
                            Text(skill.localizedPlain).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
                ProblemsView(problems: model.form?.problems ?? [])
                if !model.verified.isEmpty {
                    Label("verify.done \(model.verified.count)", systemImage: "checkmark.seal.fill")
                }
                SaveButton(title: "verify.save", saving: model.saving, enabled: model.canVerify) {
                    Task { await model.verify() }
                }
            } header: {
                Text("verify.seen.header")
            } footer: {
                Text("verify.seen.footer")
            }

            if let correction = model.correction {
                Section {
                    let skill = model.skillChoices.first { $0.code == correction.skill }
                    LabeledContent("verify.correct.skill") { Text(skill?.localizedName ?? correction.skill) }
                    Picker("verify.correct.to", selection: Binding(
                        get: { correction.toLevel },
                        set: { l in Task { await model.setCorrectionLevel(l) } }
                    )) {
                        ForEach(SkillLevel.choices, id: \.self) { Text($0.label).tag($0) }
                    }
                    .frame(minHeight: 44)
                    ProblemsView(problems: model.correctionProblems["to_level"] ?? [])
                    DraftTextField("verify.correct.reason", text: correction.reason) { t in Task { await model.setReason(t) } }
                        .id(correction.skill)
                    ProblemsView(problems: (model.correctionForm?.problems ?? []).filter { $0.field != "to_level" })
                    SaveButton(title: "verify.correct.save", saving: model.saving, enabled: model.canCorrect) {
                        Task { await model.saveCorrection() }
                    }
                } header: {
                    Text("verify.correct.header")
                } footer: {
                    Text("verify.correct.footer")
                }
            } else if model.correctedId != nil {
                Section { Label("verify.correct.saved", systemImage: "checkmark.circle.fill") }
            }

            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
        }
        .navigationTitle("verify.title")
        .task {
            guard !opened else { return }
            opened = true
            await model.open(householdId: householdId, personId: personId, leaderId: leaderId)
        }
    }
}
