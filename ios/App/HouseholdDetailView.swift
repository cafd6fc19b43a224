import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// One household (`HouseholdDetailModel`, the core's `householdScreen`): its status, the
/// actions (record a visit, self-report, and for a leader: verify a person, issue the
/// household's enrolment code), each member's ladder in the 5 skills with since when and
/// through what, the visit history (group sessions and corrected visits marked), the indicators.
struct HouseholdDetailView: View {
    let householdId: HouseholdId
    let identity: Identity
    @State private var model: HouseholdDetailModel
    @Environment(Router.self) private var router

    init(db: Database, householdId: HouseholdId, identity: Identity) {
        self.householdId = householdId
        self.identity = identity
        _model = State(initialValue: HouseholdDetailModel(db: db))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
            if let s = model.screen {
                header(s)
                actions(s)
                ForEach(s.members, id: \.person.id) { member in
                    MemberLadderSection(member: member, canVerify: identity.canVerify) {
                        router.push(.verify(householdId: householdId, personId: member.person.id))
                    }
                }
                Section("household.indicators") {
                    ForEach(IndicatorField.allCases) { field in
                        LabeledContent {
                            Text(TriState(field.value(s.household.indicators)).label)
                        } label: {
                            Text(field.label)
                        }
                    }
                }
                Section {
                    if s.visits.isEmpty {
                        Text("household.visits.none").foregroundStyle(.secondary)
                    }
                    ForEach(s.visits, id: \.visitId) { visit in
                        VisitEntryRow(visit: visit, canCorrect: identity.teamMember != nil) {
                            router.push(.correctVisit(visitId: visit.visitId))
                        }
                    }
                } header: {
                    Text("household.visits \(s.visits.count)")
                }
            }
        }
        .navigationTitle(Text(verbatim: model.screen?.household.address ?? ""))
        .navigationBarTitleDisplayMode(.inline)
        .overlay { if model.loading && model.screen == nil { ProgressView() } }
        .refreshable { await model.refresh() }
        .task {
            if model.screen == nil { await model.load(householdId: householdId) } else { await model.refresh() }
        }
    }

    @ViewBuilder private func header(_ s: HouseholdScreen) -> some View {
        Section {
            Label {
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: s.household.address).font(.headline)
                    Text(verbatim: s.villageName).font(.subheadline).foregroundStyle(.secondary)
                }
            } icon: {
                Image(systemName: "house").accessibilityHidden(true)
            }
            Label { Text(s.status.label) } icon: { Image(systemName: s.status.symbol).accessibilityHidden(true) }
                .accessibilityElement(children: .combine)
            if let phone = s.household.phone, !phone.isEmpty {
                LabeledContent("household.detail.phone") { Text(verbatim: phone) }
            }
        }
    }

    @ViewBuilder private func actions(_ s: HouseholdScreen) -> some View {
        Section {
            if identity.teamMember != nil {
                NavigationLink(value: Route.recordVisit(householdId: householdId)) {
                    Label("household.action.visit", systemImage: "figure.walk").frame(minHeight: 44)
                }
            }
            NavigationLink(value: Route.selfReport(householdId: householdId, byVolunteer: true)) {
                Label("list.action.self_report", systemImage: "checklist").frame(minHeight: 44)
            }
            if identity.teamMember != nil {
                NavigationLink(value: Route.editHousehold(householdId: householdId)) {
                    Label("household.action.edit", systemImage: "pencil").frame(minHeight: 44)
                }
            }
            if identity.canVerify {
                let head = s.members.first { $0.person.id == s.household.headId }?.person.fullName ?? ""
                NavigationLink(value: Route.issueCode(.household(householdId: householdId, headName: head))) {
                    Label("household.action.issue_code", systemImage: "qrcode").frame(minHeight: 44)
                }
            }
        }
    }
}

/// A member's ladder: each skill with an icon and words for its level, since when, and what
/// put it there (a visit, a self-report, a leader's verification or correction).
private struct MemberLadderSection: View {
    let member: MemberLadder
    let canVerify: Bool
    let verify: () -> Void

    var body: some View {
        Section {
            ForEach(member.ladder, id: \.skill) { step in
                LadderStepRow(step: step)
            }
            if canVerify {
                Button(action: verify) {
                    Label("household.action.verify", systemImage: "checkmark.seal").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                }
            }
        } header: {
            VStack(alignment: .leading, spacing: 2) {
                Text(verbatim: member.person.fullName).font(.headline)
                if member.mastersAll {
                    Label("household.masters_all", systemImage: "star.fill").font(.caption)
                } else {
                    Text("household.skills_mastered \(Int(member.skillsMastered))").font(.caption)
                }
            }
            .textCase(nil)
        }
    }
}

private struct LadderStepRow: View {
    let step: LadderStep

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Image(systemName: step.level.symbol)
                .imageScale(.large)
                .accessibilityHidden(true)
                .frame(minWidth: 28)
            VStack(alignment: .leading, spacing: 2) {
                Text(coreText(vi: step.nameVi, en: step.nameEn)).font(.body)
                Text(step.level.label).font(.subheadline)
                if let since = step.since {
                    Text("ladder.since \(since.formatted(date: .abbreviated, time: .omitted))")
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
                if let source = step.source {
                    SourceText(source: source).font(.caption).foregroundStyle(.secondary)
                }
            }
        }
        .frame(minHeight: 44)
        .accessibilityElement(children: .combine)
    }
}

/// What put a skill at its level, in words.
private struct SourceText: View {
    let source: SkillSource

    var body: some View {
        switch source {
        case let .visit(_, _, name):
            if let name { Text("ladder.source.visit \(name)") } else { Text("ladder.source.visit.unnamed") }
        case let .selfReport(channel):
            Text("ladder.source.self_report") + Text(verbatim: " · ") + Text(channel.label)
        case let .verification(_, name):
            if let name { Text("ladder.source.verification \(name)") } else { Text("ladder.source.verification.unnamed") }
        case let .correction(_, name, reason):
            Text("ladder.source.correction \(name ?? "") \(reason)")
        }
    }
}

/// One visit of the history: when, where (home or a group session), by whom, who was there,
/// the topics; a corrected visit is marked and points at its correction.
private struct VisitEntryRow: View {
    let visit: VisitEntry
    let canCorrect: Bool
    let correct: () -> Void
    private let topics = TungNhaCore.topics()

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Image(systemName: visit.groupSession ? "person.3" : "house").accessibilityHidden(true)
                Text(visit.occurredAt, format: .dateTime.day().month().year().hour().minute()).font(.headline)
            }
            if visit.groupSession, case let .group(place) = visit.place {
                Text("household.visit.group \(place)").font(.subheadline)
            }
            if let by = visit.recordedByName {
                Text("household.visit.by \(by)").font(.subheadline)
            }
            if !visit.attendees.isEmpty {
                Text(verbatim: visit.attendees.map(\.fullName).joined(separator: ", ")).font(.subheadline)
            }
            if visit.otherAttendees > 0 {
                Text("household.visit.others \(Int(visit.otherAttendees))").font(.caption)
            }
            if !visit.topics.isEmpty {
                Text(verbatim: visit.topics.map { code in topics.first { $0.code == code }?.localizedName ?? code }.joined(separator: ", "))
                    .font(.caption)
                    .foregroundStyle(.secondary)
            }
            if !visit.notes.isEmpty {
                Text(verbatim: visit.notes).font(.caption)
            }
            if visit.superseded {
                Label("household.visit.superseded", systemImage: "arrow.uturn.backward.circle").font(.caption)
            } else if visit.corrects != nil {
                Label("household.visit.correction", systemImage: "pencil.circle").font(.caption)
            }
            if canCorrect && !visit.superseded {
                Button(action: correct) {
                    Label("visit.saved.correct", systemImage: "pencil").frame(minHeight: 44)
                }
                .buttonStyle(.borderless)
            }
        }
        .padding(.vertical, 4)
    }
}
