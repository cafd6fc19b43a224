import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// What sync left to do (`SyncStatusModel`): changes not sent yet, changes the server refused
/// — what each was, the server's reason in the current language, Fix (the visit form
/// prefilled) or Discard (after a confirmation) as the core offers —, changes set aside,
/// conflicts for a leader, and the last sync.
struct SyncStatusView: View {
    @State private var model: SyncStatusModel
    @State private var discarding: RefusedItem?
    @Environment(Router.self) private var router

    /// A team leader may settle conflicts; others see them.
    let isLeader: Bool

    init(db: Database, isLeader: Bool = false) {
        _model = State(initialValue: SyncStatusModel(db: db))
        self.isLeader = isLeader
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
            if let s = model.status {
                Section("sync_status.summary") {
                    CountLabel(text: Text("sync.pending \(Int(s.pending))"), symbol: "tray.and.arrow.up")
                    CountLabel(text: Text("sync.refused \(Int(s.refusedTotal))"), symbol: "exclamationmark.arrow.triangle.2.circlepath")
                    CountLabel(text: Text("sync_status.set_aside \(Int(s.setAside))"), symbol: "archivebox")
                    CountLabel(text: Text("sync_status.conflicts \(Int(s.conflicts))"), symbol: "arrow.triangle.merge")
                    if let last = s.lastSyncAt {
                        LabeledContent("sync_status.last") { RelativeTimeText(date: last) }
                    } else {
                        Text("sync.never").foregroundStyle(.secondary)
                    }
                }
                if !s.refused.isEmpty {
                    Section {
                        ForEach(s.refused, id: \.opId) { item in
                            RefusedRow(item: item) {
                                router.push(.fixRefused(opId: item.opId))
                            } discard: {
                                discarding = item
                            }
                        }
                    } header: {
                        Text("sync_status.refused.header")
                    } footer: {
                        if Int(s.refusedTotal) > s.refused.count {
                            Text("sync_status.refused.more \(s.refused.count) \(Int(s.refusedTotal))")
                        }
                    }
                }
                if s.setAside > 0 {
                    Section("sync_status.set_aside.header") {
                        Text("sync_status.set_aside.explain")
                    }
                }
                if s.conflicts > 0 {
                    Section("sync_status.conflicts.header") {
                        Text("sync_status.conflicts.explain")
                        ForEach(s.conflictItems, id: \.id) { k in
                            ConflictRow(item: k, settle: isLeader ? { choice in Task { await model.settle(conflictId: k.id, choice: choice) } } : nil)
                        }
                    }
                }
                if s.pending == 0 && s.refused.isEmpty && s.setAside == 0 && s.conflicts == 0 {
                    Section {
                        Label("sync_status.all_clear", systemImage: "checkmark.circle.fill")
                    }
                }
            }
        }
        .navigationTitle("sync_status.title")
        .overlay { if model.loading && model.status == nil { ProgressView() } }
        .refreshable { await model.refresh() }
        .task { await model.refresh() }
        .confirmationDialog(
            Text("sync_status.discard.title"),
            isPresented: Binding(get: { discarding != nil }, set: { if !$0 { discarding = nil } }),
            titleVisibility: .visible,
            presenting: discarding
        ) { item in
            Button("sync_status.discard.confirm", role: .destructive) {
                Task { await model.discard(opId: item.opId) }
            }
            Button("common.cancel", role: .cancel) {}
        } message: { item in
            Text("sync_status.discard.message \(item.title)")
        }
    }
}

/// One refused change: what it was, when, the server's reason and problems, and its actions.
private struct RefusedRow: View {
    let item: RefusedItem
    let fix: () -> Void
    let discard: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Label {
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: item.title).font(.headline)
                    Text(recordKindLabel(item.entity)).font(.subheadline)
                    if let at = item.occurredAt {
                        Text(at, format: .dateTime.day().month().year().hour().minute()).font(.caption)
                    }
                }
            } icon: {
                Image(systemName: "exclamationmark.triangle.fill").accessibilityHidden(true)
            }
            Text("sync_status.reason \(coreText(vi: item.reasonVi, en: item.reasonEn))").font(.callout)
            ProblemsView(problems: item.problems)
            HStack {
                if item.actions.contains(.fix) {
                    Button(action: fix) {
                        Label("sync_status.fix", systemImage: "pencil").frame(minHeight: 44)
                    }
                    .buttonStyle(.borderedProminent)
                }
                if item.actions.contains(.discard) {
                    Button(role: .destructive, action: discard) {
                        Label("sync_status.discard", systemImage: "trash").frame(minHeight: 44)
                    }
                    .buttonStyle(.bordered)
                }
            }
        }
        .padding(.vertical, 4)
    }
}

/// The kind of record a refused change was about (the core's entity names).
func recordKindLabel(_ kind: RecordKind) -> LocalizedStringKey {
    switch kind {
    case "visit": return "record.visit"
    case "household": return "record.household"
    case "person": return "record.person"
    case "self_report": return "record.self_report"
    case "skill_verification": return "record.verification"
    case "skill_correction": return "record.correction"
    case "local_topic": return "record.local_topic"
    default: return "record.other"
    }
}

/// A refused visit in the visit form, prefilled with what was refused: the server's reason and
/// problems above, the core's problems under each part as it is edited; saved, it replaces
/// the refused visit and waits for the next sync.
struct FixRefusedView: View {
    let db: Database
    let opId: OpId
    @State private var model: SyncStatusModel
    @State private var shown: Shown?
    @State private var opened = false
    @Environment(Router.self) private var router

    /// The form as it is now: the people (the core's roster), the topics, the notes.
    struct Shown: Sendable {
        let roster: [RosterRow]
        let topics: Set<String>
        let notes: String
    }

    private let topicChoices = TungNhaCore.topics()
    private let skillChoices = TungNhaCore.skills()

    init(db: Database, opId: OpId) {
        self.db = db
        self.opId = opId
        _model = State(initialValue: SyncStatusModel(db: db))
    }

    var body: some View {
        Form {
            if let item = model.status?.refused.first(where: { $0.opId == opId }) {
                Section("sync_status.fix.server_said") {
                    Text(coreText(vi: item.reasonVi, en: item.reasonEn))
                    ProblemsView(problems: item.problems)
                }
            }
            if let fixing = model.fixing, let shown {
                Section("visit.people") {
                    ForEach(shown.roster, id: \.personId) { row in
                        CheckRow(checked: row.present, action: { edit { try $0.togglePresent(personId: row.personId) } }) {
                            Text(verbatim: row.fullName).font(.headline)
                        }
                        if row.present {
                            ForEach(skillChoices, id: \.code) { skill in
                                CheckRow(checked: row.skillsGuided.contains(skill.code), action: { edit { try $0.toggleSkill(personId: row.personId, skill: skill.code) } }) {
                                    Text(skill.localizedName)
                                }
                                .padding(.leading, 16)
                            }
                        }
                    }
                }
                Section("visit.topics") {
                    ForEach(topicChoices, id: \.code) { topic in
                        CheckRow(checked: shown.topics.contains(topic.code), action: { edit { $0.toggleTopic(code: topic.code) } }) {
                            Text(topic.localizedName)
                        }
                    }
                }
                Section("visit.notes.header") {
                    DraftTextField("visit.notes", text: shown.notes) { t in edit { $0.setNotes(notes: t) } }
                }
                Section {
                    ProblemsView(problems: fixing.formState?.problems ?? [])
                    ErrorBanner(error: model.error)
                    SaveButton(title: "sync_status.fix.save", saving: model.saving, enabled: fixing.formState?.canSave == true) {
                        Task {
                            await model.saveFix()
                            if model.saved != nil { router.pop() }
                        }
                    }
                }
            } else {
                ErrorBanner(error: model.error)
                if model.error == nil { ProgressView() }
            }
        }
        .navigationTitle("sync_status.fix.title")
        .navigationBarTitleDisplayMode(.inline)
        .task {
            guard !opened else { return }
            opened = true
            await model.refresh()
            await model.fix(opId: opId)
            await reread()
        }
    }

    @MainActor
    private func edit(_ change: @escaping @Sendable (VisitForm) throws -> Void) {
        Task {
            await model.edit(change)
            await reread()
        }
    }

    /// Read the people, topics and notes from the form being fixed.
    @MainActor
    private func reread() async {
        guard let form = model.fixing?.form else { return }
        let db = self.db
        if case let .success(s) = await call({ () -> Shown in
            let draft = form.draft()
            return Shown(roster: try form.roster(db: db), topics: Set(draft.topics), notes: draft.notes)
        }) {
            shown = s
        }
    }
}

/// One conflict: whose record, which field, the value kept and the other one; a leader
/// keeps the first or takes the second (an ordinary edit, synced like any).
private struct ConflictRow: View {
    let item: ConflictItem
    let settle: ((ConflictChoice) -> Void)?

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Label {
                Text(verbatim: item.title).font(.headline)
            } icon: {
                Image(systemName: "arrow.triangle.merge").accessibilityLabel(Text("sync_status.conflict.label"))
            }
            Text(item.field == "birth_year" ? "member.birth_year" : "member.name").font(.subheadline)
            Text("sync_status.conflict.kept \(item.kept)")
            Text("sync_status.conflict.other \(item.other)")
            if let settle {
                Button("sync_status.conflict.keep") { settle(.kept) }
                    .buttonStyle(.borderedProminent)
                    .frame(minHeight: 44)
                Button("sync_status.conflict.take_other") { settle(.other) }
                    .buttonStyle(.bordered)
                    .frame(minHeight: 44)
            }
        }
    }
}
