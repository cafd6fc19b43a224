import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A team leader's overview (`TeamProgressModel`): the team's figures against the chosen
/// campaign's targets — a bar and the numbers for each — and every member's work, with a
/// button to issue a member's enrolment code (a new phone).
struct TeamProgressView: View {
    let teamId: TeamId?
    @State private var model: TeamProgressModel

    init(db: Database, teamId: TeamId?) {
        self.teamId = teamId
        _model = State(initialValue: TeamProgressModel(db: db))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
            if !model.campaigns.isEmpty {
                Section {
                    Picker("team.campaign", selection: Binding(get: { model.campaignId }, set: { c in Task { await model.selectCampaign(c) } })) {
                        Text("team.campaign.all_time").tag(CampaignId?.none)
                        ForEach(model.campaigns, id: \.id) { c in
                            Text(verbatim: c.name).tag(CampaignId?.some(c.id))
                        }
                    }
                    .pickerStyle(.menu)
                    .frame(minHeight: 44)
                }
            }
            if let p = model.progress {
                Section {
                    if let first = p.firstDay, let last = p.lastDay {
                        Text("team.window \(first) \(last)").font(.subheadline)
                    }
                    TargetRow(title: "team.households_visited", done: Int(p.figures.householdsVisited),
                              target: p.targets.householdsToVisit.map { Int($0) } ?? Int(p.figures.households),
                              percent: p.householdsVisitedPercent.map { Int($0) })
                    TargetRow(title: "team.people_guided", done: Int(p.figures.peopleGuided),
                              target: p.targets.peopleToGuide.map { Int($0) } ?? Int(p.figures.people),
                              percent: p.peopleGuidedPercent.map { Int($0) })
                    TargetRow(title: "team.households_goal_reached", done: Int(p.householdsGoalReached),
                              target: Int(p.figures.households), percent: nil)
                    Text("team.household_goal \(Int(p.householdGoal))").font(.footnote).foregroundStyle(.secondary)
                } header: {
                    Text(verbatim: [p.teamName, p.campaignName ?? ""].filter { !$0.isEmpty }.joined(separator: " · "))
                }
                Section("team.activity") {
                    LabeledContent("figures.household_visits") { Text(Int(p.figures.householdVisits), format: .number) }
                    LabeledContent("figures.group_sessions") { Text(Int(p.figures.groupSessions), format: .number) }
                    LabeledContent("figures.mastering_all") { Text(Int(p.figures.peopleMasteringAll), format: .number) }
                }
                Section("team.members") {
                    ForEach(p.members, id: \.memberId) { m in
                        MemberActivityRow(member: m)
                    }
                }
            }
        }
        .navigationTitle("team.title")
        .overlay { if model.loading && model.progress == nil { ProgressView() } }
        .refreshable { await model.load(teamId: teamId, campaignId: model.campaignId) }
        .task { if model.progress == nil { await model.load(teamId: teamId) } }
    }
}

/// A figure against its target: the numbers in words and a bar (the bar is labelled too).
private struct TargetRow: View {
    let title: LocalizedStringKey
    let done: Int
    let target: Int
    /// The core's per cent against the campaign's target, when there is one.
    let percent: Int?

    private var shownPercent: Int { percent ?? (target > 0 ? done * 100 / target : 0) }

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(title).font(.headline)
            Text("team.of \(Int(done)) \(Int(target)) \(Int(shownPercent))").font(.subheadline)
            ProgressView(value: Double(min(done, max(target, 1))), total: Double(max(target, 1)))
                .accessibilityLabel(Text(title))
                .accessibilityValue(Text("team.of \(Int(done)) \(Int(target)) \(Int(shownPercent))"))
        }
        .padding(.vertical, 4)
    }
}

/// One member's work: visits, sessions, people guided, households, verifications, last activity.
private struct MemberActivityRow: View {
    let member: MemberActivity
    @Environment(Router.self) private var router

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Image(systemName: member.canVerify ? "person.badge.shield.checkmark" : "person").accessibilityHidden(true)
                Text(verbatim: member.fullName).font(.headline)
            }
            Text(verbatim: member.roleName).font(.subheadline).foregroundStyle(.secondary)
            Text("team.member.visits \(Int(member.visits)) \(Int(member.groupSessions))").font(.subheadline)
            Text("team.member.people \(Int(member.peopleGuided))").font(.subheadline)
            Text("team.member.households \(Int(member.householdsVisited)) \(Int(member.householdsGoalReached))").font(.subheadline)
            if member.canVerify {
                Text("team.member.verifications \(Int(member.verifications))").font(.subheadline)
            }
            if let last = member.lastActivityAt {
                HStack(spacing: 4) {
                    Text("team.member.last")
                    RelativeTimeText(date: last)
                }
                .font(.caption)
            } else {
                Text("team.member.none").font(.caption)
            }
            Button {
                router.push(.issueCode(.member(memberId: member.memberId, name: member.fullName)))
            } label: {
                Label("team.member.issue_code", systemImage: "qrcode").frame(minHeight: 44)
            }
            .buttonStyle(.borderless)
        }
        .padding(.vertical, 4)
    }
}
