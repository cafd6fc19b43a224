import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Register a household: village, address, the head and the other members, the consent (the
/// core's purpose text read in full; who agreed and when), the indicators. The core's form
/// says what is wrong under each field as the volunteer types and warns of a similar
/// household in the village. The draft is kept in scene storage, so it survives the app
/// being stopped in the background.
struct RegisterHouseholdView: View {
    let recordedBy: MemberId?
    @State private var model: RegisterHouseholdModel
    @Environment(AppSession.self) private var session
    @Environment(Router.self) private var router
    @SceneStorage("draft.household") private var keptDraft = ""
    @State private var started = false

    /// The registered household this form edits (`nil`: a new registration).
    let editing: HouseholdId?

    init(db: Database, recordedBy: MemberId?, editing: HouseholdId? = nil) {
        self.recordedBy = recordedBy
        self.editing = editing
        _model = State(initialValue: RegisterHouseholdModel(db: db))
    }

    /// Fields this screen shows problems under; any other field's problems go to the end.
    private static let shownFields: Set<String> = ["village_id", "address", "phone", "consent"]

    var body: some View {
        Group {
            if let saved = model.savedHouseholdId {
                savedView(saved)
            } else if let draft = model.draft {
                form(draft)
            } else if model.error != nil {
                Form { ErrorBanner(error: model.error) }
            } else {
                ProgressView()
            }
        }
        .navigationTitle(editing == nil ? "household.title" : "household.edit.title")
        .task {
            guard !started else { return }
            started = true
            if let editing {
                // A kept draft is this household's only if it edits this household.
                if !keptDraft.isEmpty { await model.restore(json: keptDraft) }
                if model.draft?.householdId != editing { await model.openEdit(householdId: editing) }
            } else if keptDraft.isEmpty {
                await model.start(villageId: session.villages.count == 1 ? session.villages[0].id : nil)
            } else {
                await model.restore(json: keptDraft)
                // An unreadable draft, or one editing another household: start again.
                if model.draft == nil || model.draft?.householdId != nil { await model.start(villageId: nil) }
            }
        }
        .onChange(of: model.draft) {
            if model.savedHouseholdId == nil { keptDraft = model.draftJson() ?? "" }
        }
    }

    @ViewBuilder private func form(_ draft: HouseholdDraft) -> some View {
        Form {
            Section("household.section.place") {
                Picker("household.village", selection: Binding(
                    get: { draft.villageId },
                    set: { v in Task { await model.setVillage(v) } }
                )) {
                    Text("household.village.none").tag(VillageId?.none)
                    ForEach(session.villages, id: \.id) { v in
                        Text(verbatim: v.name).tag(VillageId?.some(v.id))
                    }
                }
                .frame(minHeight: 44)
                ProblemsView(problems: model.problems["village_id"] ?? [])
                DraftTextField("household.address", text: draft.address) { t in Task { await model.setAddress(t) } }
                ProblemsView(problems: model.problems["address"] ?? [])
                DraftTextField("household.phone", text: draft.phone, keyboard: .phonePad) { t in Task { await model.setPhone(t) } }
                ProblemsView(problems: model.problems["phone"] ?? [])
            }

            if !model.similar.isEmpty {
                Section {
                    ForEach(Array(model.similar.enumerated()), id: \.offset) { _, hit in HitRow(hit: hit) }
                } header: {
                    Label("household.similar.header", systemImage: "exclamationmark.triangle.fill")
                } footer: {
                    Text("household.similar.footer")
                }
            }

            ForEach(Array(draft.members.enumerated()), id: \.offset) { index, member in
                Section {
                    MemberEditor(index: index, member: member, model: model)
                        .id("\(index)/\(draft.members.count)")
                } header: {
                    index == 0 ? Text("household.head") : Text("household.member \(index)")
                }
            }
            Section {
                Menu {
                    ForEach(Relation.choices.filter { $0 != .head }, id: \.self) { r in
                        Button { Task { await model.addMember(r) } } label: { Text(r.label) }
                    }
                } label: {
                    Label("household.add_member", systemImage: "person.badge.plus")
                        .frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                }
            }

            Section {
                Text(model.consentPurpose.localizedText)
                    .font(.body)
                    .fixedSize(horizontal: false, vertical: true)
                    .textSelection(.enabled)
                DraftTextField("household.consent.given_by", text: draft.consentGivenBy) { t in Task { await model.setConsentGivenBy(t) } }
                if let at = draft.consentGivenAt {
                    Label {
                        Text("household.consent.given_at \(at.formatted(date: .abbreviated, time: .shortened))")
                    } icon: {
                        Image(systemName: "checkmark.seal.fill").accessibilityHidden(true)
                    }
                } else {
                    Button {
                        Task { await model.recordConsent() }
                    } label: {
                        Label("household.consent.record", systemImage: "hand.thumbsup")
                            .frame(maxWidth: .infinity, minHeight: 44)
                    }
                    .buttonStyle(.bordered)
                }
                ProblemsView(problems: model.problems["consent"] ?? [])
            } header: {
                Text("household.consent.header")
            } footer: {
                Text("household.consent.footer")
            }

            Section("household.indicators") {
                ForEach(IndicatorField.allCases) { field in
                    Picker(field.label, selection: Binding(
                        get: { TriState(field.value(draft.indicators)) },
                        set: { v in Task { await model.setIndicators(field.set(v.bool, in: draft.indicators)) } }
                    )) {
                        ForEach(TriState.allCases, id: \.self) { Text($0.label).tag($0) }
                    }
                    .frame(minHeight: 44)
                    ProblemsView(problems: model.problems["indicators.\(field.rawValue)"] ?? [])
                }
            }

            let others = otherProblems(draft)
            if !others.isEmpty || model.error != nil {
                Section {
                    ProblemsView(problems: others)
                    ErrorBanner(error: model.error)
                }
            }
            Section {
                SaveButton(title: "household.save", saving: model.saving, enabled: model.canSave) {
                    Task {
                        await model.save(recordedBy: recordedBy)
                        if model.savedHouseholdId != nil { keptDraft = "" }
                    }
                }
            }
        }
        .scrollDismissesKeyboard(.interactively)
    }

    /// Problems of fields this screen has no place for, so none is hidden.
    private func otherProblems(_ draft: HouseholdDraft) -> [Problem] {
        let memberFields = Set((0..<draft.members.count).flatMap { i in
            ["full_name", "relation", "birth_year", "sex", "phone"].map { "members[\(i)].\($0)" }
        })
        let indicatorFields = Set(IndicatorField.allCases.map { "indicators.\($0.rawValue)" })
        return (model.form?.problems ?? []).filter {
            !Self.shownFields.contains($0.field) && !memberFields.contains($0.field) && !indicatorFields.contains($0.field)
        }
    }

    @ViewBuilder private func savedView(_ id: HouseholdId) -> some View {
        Form {
            Section {
                Label("household.saved", systemImage: "checkmark.circle.fill").font(.headline)
                ProblemsView(problems: (model.form?.problems ?? []).filter { $0.severity == .warning })
            }
            Section {
                Button {
                    router.replaceTop(with: .recordVisit(householdId: id))
                } label: {
                    Label("household.saved.visit", systemImage: "figure.walk").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
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

/// One person on the form: name, relation (the head's is fixed), birth year, optional sex and
/// phone, each with the core's problems under it.
private struct MemberEditor: View {
    let index: Int
    let member: MemberDraft
    let model: RegisterHouseholdModel

    var body: some View {
        DraftTextField("member.name", text: member.fullName, contentType: .name) { t in Task { await model.setMemberName(index, t) } }
        ProblemsView(problems: problems("full_name"))
        if index > 0 {
            Picker("member.relation", selection: Binding(
                get: { member.relation },
                set: { r in Task { await model.setMemberRelation(index, r) } }
            )) {
                ForEach(Relation.choices.filter { $0 != .head }, id: \.self) { Text($0.label).tag($0) }
            }
            .frame(minHeight: 44)
            ProblemsView(problems: problems("relation"))
        }
        DraftTextField("member.birth_year", text: member.birthYear, keyboard: .numberPad) { t in Task { await model.setMemberBirthYear(index, t) } }
        ProblemsView(problems: problems("birth_year"))
        Picker("member.sex", selection: Binding(
            get: { member.sex },
            set: { s in Task { await model.setMemberSex(index, s) } }
        )) {
            Text("member.sex.unknown").tag(Sex?.none)
            Text(Sex.female.label).tag(Sex?.some(.female))
            Text(Sex.male.label).tag(Sex?.some(.male))
        }
        .frame(minHeight: 44)
        DraftTextField("member.phone", text: member.phone, keyboard: .phonePad) { t in Task { await model.setMemberPhone(index, t) } }
        ProblemsView(problems: problems("phone"))
        if index > 0 {
            Button(role: .destructive) {
                Task { await model.removeMember(index) }
            } label: {
                Label("member.remove", systemImage: "person.badge.minus").frame(minHeight: 44)
            }
        }
    }

    private func problems(_ field: String) -> [Problem] { model.problems["members[\(index)].\(field)"] ?? [] }
}

/// A text field that keeps what is typed locally (no cursor jumps while the core answers)
/// and hands every change to the form.
struct DraftTextField: View {
    let title: LocalizedStringKey
    let keyboard: UIKeyboardType
    let contentType: UITextContentType?
    let commit: (String) -> Void
    @State private var text: String

    init(_ title: LocalizedStringKey, text: String, keyboard: UIKeyboardType = .default, contentType: UITextContentType? = nil, commit: @escaping (String) -> Void) {
        self.title = title
        self.keyboard = keyboard
        self.contentType = contentType
        self.commit = commit
        _text = State(initialValue: text)
    }

    var body: some View {
        TextField(title, text: $text, axis: .vertical)
            .keyboardType(keyboard)
            .textContentType(contentType)
            .frame(minHeight: 44)
            .onChange(of: text) { _, t in commit(t) }
    }
}
