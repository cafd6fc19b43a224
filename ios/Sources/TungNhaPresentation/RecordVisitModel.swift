import Foundation
import TungNhaCore

/// Recording a visit at one household: who was present, skills guided, topics, notes. The
/// core validates; its problems come back per form field, in Vietnamese.
@MainActor
public final class RecordVisitModel: ObservableObject {
    public enum Field: Sendable { case place, when, attendees, topics, notes, other }

    public struct PersonRow: Identifiable, Equatable, Sendable {
        public let id: String
        public let name: String
        public var present = false
        public var skills: Set<String> = []
    }

    @Published public private(set) var householdLabel = ""
    @Published public var people: [PersonRow] = []
    @Published public var topics: Set<String> = []
    @Published public var notes = ""
    @Published public var occurredAt = Date()
    @Published public private(set) var saving = false
    @Published public private(set) var savedVisitId: String?
    @Published public private(set) var warnings: [String] = []
    @Published public private(set) var fieldErrors: [Field: [String]] = [:]
    @Published public private(set) var error: UiError?

    public let topicChoices: [CatalogEntry] = TungNhaCore.topics()
    public let skillChoices: [CatalogEntry] = TungNhaCore.skills()

    private let db: Database
    private var householdId: String?

    public init(db: Database) {
        self.db = db
    }

    public func open(householdId: String) async {
        self.householdId = householdId
        savedVisitId = nil
        fieldErrors = [:]
        occurredAt = Date()
        let db = self.db
        switch await call({ try db.householdDetail(householdId: householdId) }) {
        case let .success(d):
            householdLabel = "\(d.household.address), \(d.villageName)"
            people = d.members.map { PersonRow(id: $0.person.id, name: $0.person.fullName) }
        case let .failure(e):
            error = e
        }
    }

    public func toggleSkill(_ skill: String, for personId: String) {
        guard let i = people.firstIndex(where: { $0.id == personId }) else { return }
        if people[i].skills.contains(skill) { people[i].skills.remove(skill) } else { people[i].skills.insert(skill) }
        people[i].present = people[i].present || !people[i].skills.isEmpty
    }

    public func save(teamId: String, volunteerId: String) async {
        guard let householdId, !saving else { return }
        saving = true
        fieldErrors = [:]
        error = nil
        let input = VisitInput(
            place: .household(householdId: householdId),
            teamId: teamId,
            volunteerId: volunteerId,
            occurredAt: occurredAt,
            attendees: people.filter(\.present).map { Attendee(personId: $0.id, skillsGuided: $0.skills.sorted()) },
            topics: topics.sorted(),
            notes: notes
        )
        let db = self.db
        switch await call({ try db.recordVisit(visit: input) }) {
        case let .success(saved):
            savedVisitId = saved.id
            warnings = warningMessages(saved.warnings)
        case let .failure(e):
            error = e
            fieldErrors = Self.byFormField(e.fieldMessages)
        }
        saving = false
    }

    /// The core names fields by path (`attendees[1].person_id`); the form has fewer places.
    public nonisolated static func formField(_ path: String) -> Field {
        let head = path.split(whereSeparator: { $0 == "." || $0 == "[" }).first.map(String.init) ?? path
        switch head {
        case "place": return .place
        case "occurred_at": return .when
        case "attendees": return .attendees
        case "topics": return .topics
        case "notes": return .notes
        default: return .other
        }
    }

    public nonisolated static func byFormField(_ messages: [String: [String]]) -> [Field: [String]] {
        var out: [Field: [String]] = [:]
        for (path, list) in messages.sorted(by: { $0.key < $1.key }) {
            for m in list where !(out[formField(path)] ?? []).contains(m) {
                out[formField(path), default: []].append(m)
            }
        }
        return out
    }
}
