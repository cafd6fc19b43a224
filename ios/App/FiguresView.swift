import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// The figures for this device's scope (a team, a commune, everything), as the core computes
/// them from stored facts: households reached, people guided, visits and sessions, each
/// skill's ladder, topics, actions and indicators.
struct FiguresView: View {
    let scope: FigureScope
    @State private var model: FiguresModel

    init(db: Database, scope: FigureScope) {
        self.scope = scope
        _model = State(initialValue: FiguresModel(db: db))
    }

    private let topics = TungNhaCore.topics()
    private let actions = TungNhaCore.actions()
    private let skills = TungNhaCore.skills()

    var body: some View {
        List {
            if let f = model.figures {
                Section("figures.reach") {
                    LabeledContent("figures.households_visited") {
                        Text("figures.of \(Int(f.householdsVisited)) \(Int(f.households)) \(model.visitedPercent)")
                    }
                    ProgressView(value: Double(model.visitedPercent), total: 100)
                        .accessibilityLabel(Text("figures.households_visited"))
                        .accessibilityValue(Text("figures.percent \(model.visitedPercent)"))
                    LabeledContent("figures.people_guided") { Text("figures.of_people \(Int(f.peopleGuided)) \(Int(f.people))") }
                    LabeledContent("figures.mastering_all") { Text(Int(f.peopleMasteringAll), format: .number) }
                    LabeledContent("figures.household_visits") { Text(Int(f.householdVisits), format: .number) }
                    LabeledContent("figures.group_sessions") { Text(Int(f.groupSessions), format: .number) }
                }
                Section("figures.skills") {
                    ForEach(f.skills, id: \.skill) { s in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(name(s.skill, in: skills)).font(.headline)
                            Text("figures.skill_ladder \(Int(s.guided)) \(Int(s.selfReported)) \(Int(s.verified)) \(Int(s.notStarted))")
                                .font(.subheadline)
                        }
                        .accessibilityElement(children: .combine)
                    }
                }
                Section("figures.topics") {
                    ForEach(f.topics, id: \.topic) { t in
                        LabeledContent { Text("figures.visits \(Int(t.visits))") } label: { Text(name(t.topic, in: topics)) }
                    }
                }
                Section("figures.actions") {
                    ForEach(f.actions, id: \.action) { a in
                        LabeledContent { Text("figures.people \(Int(a.people))") } label: { Text(name(a.action, in: actions)) }
                    }
                }
                Section("figures.indicators") {
                    ForEach(f.indicators, id: \.indicator) { i in
                        VStack(alignment: .leading) {
                            if let field = IndicatorField(rawValue: i.indicator) { Text(field.label) } else { Text(verbatim: i.indicator) }
                            Text("figures.yes_no \(Int(i.yes)) \(Int(i.no)) \(Int(i.unknown))").font(.subheadline)
                        }
                        .accessibilityElement(children: .combine)
                    }
                }
            } else if model.loading {
                ProgressView()
            }
            if model.error != nil {
                Section { ErrorBanner(error: model.error) }
            }
        }
        .navigationTitle("figures.title")
        .refreshable { await model.load(scope: scope) }
        .task { await model.load(scope: scope) }
    }

    /// A catalog code's name in the current language; a local topic is its own name.
    private func name(_ code: String, in catalog: [CatalogEntry]) -> String {
        catalog.first { $0.code == code }?.localizedName ?? code
    }
}
