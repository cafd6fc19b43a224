import Foundation
import Observation
import TungNhaCore

/// The "record a visit" screen: at one household, or a group session with people from
/// several households, or the correction of a stored visit. The core's `VisitForm` holds the
/// draft and says what is wrong with each field as the volunteer ticks (the same rules and
/// stored facts as the save), names the people (the core's roster), searches people for a
/// group session across the households on the device, adds a walk-in to a household with
/// their consent, and keeps the whole draft as text across the app being killed
/// (`draftJson()`, `restore(json:)`). This model only follows it.
/// Mirrors android/presentation `RecordVisitViewModel`.
@MainActor
@Observable
public final class RecordVisitModel {
    /// The parts of the form a problem can be shown next to.
    public enum Field: Sendable { case place, when, attendees, topics, notes, correctionReason, location, other }

    /// Someone who can be ticked present: a member of the household, or found by search.
    public struct PersonRow: Identifiable, Equatable, Sendable {
        public let id: PersonId
        public let name: String
        /// Their household's address, to tell people apart in a group session.
        public let address: String
        public var present = false
        public var skills: Set<String> = []
        public var actions: Set<String> = []
    }

    public private(set) var loading = false
    /// The household's address and village, or the group session's place.
    public private(set) var placeLabel = ""
    /// A group session (its place can be edited; people come from search and walk-ins).
    public private(set) var isGroupSession = false
    public private(set) var people: [PersonRow] = []
    public private(set) var topics: Set<String> = []
    public private(set) var notes = ""
    /// `nil`: the moment of saving.
    public private(set) var occurredAt: Date?
    /// The visit being corrected, if this is a correction.
    public private(set) var correcting: VisitId?
    /// Why the visit being corrected was wrong (a correction needs it).
    public private(set) var correctionReason = ""
    /// Where, roughly (optional; the core keeps it coarse and checks it is in Vietnam).
    public private(set) var location: Location?
    public private(set) var form: FormState?
    public private(set) var saving = false
    public private(set) var savedVisitId: VisitId?
    public private(set) var warnings: [String] = []
    public private(set) var error: UiError?
    /// People found by `searchPeople` (best first), to add with `addPeople`.
    public private(set) var found: [SearchHit] = []
    /// The walk-in being added (`nil` when none), and the core's problems with it.
    public private(set) var walkIn: WalkInDraft?
    public private(set) var walkInForm: FormState?
    public private(set) var addingWalkIn = false
    /// The last walk-in added (now a member of their household, and present).
    public private(set) var addedWalkInId: PersonId?

    /// Blocking problems, grouped by where the form shows them.
    public var fieldErrors: [Field: [String]] { Self.byFormField(fieldMessages(form?.problems ?? [])) }
    public var canSave: Bool { !saving && !loading && savedVisitId == nil && form?.canSave == true }
    /// The walk-in's problems beside each of its fields: `walk_in.full_name`, `walk_in.consent`…
    public var walkInProblems: [String: [Problem]] { problemsByField(walkInForm?.problems ?? []) }
    public var canAddWalkIn: Bool { walkIn != nil && !addingWalkIn && walkInForm?.canSave == true }

    /// What the form offers (the catalogs are part of the core).
    public let topicChoices: [CatalogEntry] = TungNhaCore.topics()
    public let skillChoices: [CatalogEntry] = TungNhaCore.skills()
    public let actionChoices: [CatalogEntry] = TungNhaCore.actions()

    private typealias Who = (id: PersonId, name: String, address: String)
    private struct Opened: Sendable {
        let form: VisitForm
        let label: String
        let roster: [Who]
    }

    private let db: Database
    private var visitForm: VisitForm?
    /// People added from search but not ticked yet, in the order they were added.
    private var roster: [Who] = []
    /// The household's address and village, for a visit at a household.
    private var householdLabel = ""
    @ObservationIgnored private lazy var refresher = FormRefresh<Answer> { [weak self] result in
        guard let self else { return }
        switch result {
        case let .success(a): self.show(a)
        case let .failure(e): self.error = e
        }
    }

    private struct Answer: Sendable {
        let draft: VisitDraft
        let state: FormState
        let roster: [RosterRow]
        let walkIn: FormState
    }

    public init(db: Database) {
        self.db = db
    }

    /// A visit at one household's home: its members are the people to tick.
    public func openAtHousehold(householdId: HouseholdId, teamId: TeamId, volunteerId: MemberId, campaignId: CampaignId? = nil) async {
        let db = self.db
        await open {
            let detail = try db.householdDetail(householdId: householdId)
            let form = try VisitForm.atHousehold(householdId: householdId, teamId: teamId, volunteerId: volunteerId, campaignId: campaignId)
            return Opened(form: form, label: Self.label(detail), roster: [])
        }
    }

    /// A group session at a fixed point; people are added from search (`searchPeople`, `addPeople`) and walk-ins.
    public func openGroupSession(place: String, teamId: TeamId, volunteerId: MemberId, campaignId: CampaignId? = nil) async {
        await open {
            Opened(form: try VisitForm.groupSession(place: place, teamId: teamId, volunteerId: volunteerId, campaignId: campaignId), label: "", roster: [])
        }
    }

    /// The form as `draftJson()` kept it (after the app was stopped); a damaged text is a typed error.
    public func restore(json: String) async {
        let db = self.db
        await open {
            let form = try VisitForm.fromJson(json: json)
            var label = ""
            if case let .household(id) = form.draft().place { label = Self.label(try db.householdDetail(householdId: id)) }
            return Opened(form: form, label: label, roster: [])
        }
    }

    /// The whole draft (ticks, topics, a half-typed walk-in) as text, to keep across the app being killed.
    public func draftJson() -> String? { try? visitForm?.toJson() }

    /// Name a group session's fixed point.
    public func setPlace(_ place: String) async { await edit { $0.setPlace(place: place) } }

    /// Find people for a group session across the households on the device (accent-insensitive, best first).
    public func searchPeople(_ query: String) async {
        guard let f = visitForm else { return }
        let db = self.db
        switch await call({ try f.searchPeople(db: db, query: query, offset: 0, limit: 50) }) {
        case let .success(page): found = page.hits
        case let .failure(e): error = e
        }
    }

    /// Correct a stored visit: its content to edit; saved, it replaces the old one.
    public func openCorrection(visitId: VisitId) async {
        let db = self.db
        await open {
            let visit = try db.visit(visitId: visitId)
            var households: [HouseholdId] = []
            if case let .household(id) = visit.place { households.append(id) }
            for h in visit.attendees.compactMap(\.householdId) where !households.contains(h) { households.append(h) }
            let details = try households.map { try db.householdDetail(householdId: $0) }
            var label = ""
            if case let .household(id) = visit.place { label = details.first { $0.household.id == id }.map(Self.label) ?? "" }
            return Opened(form: try VisitForm.correcting(db: db, visitId: visitId), label: label, roster: details.flatMap(Self.people))
        }
    }

    /// Add people found by search (a group session's attendees come from several households).
    public func addPeople(_ hits: [SearchHit]) async {
        for h in hits {
            guard let id = h.personId, !roster.contains(where: { $0.id == id }) else { continue }
            roster.append((id: id, name: h.personName ?? h.headName, address: h.address))
        }
        guard let f = visitForm else { return }
        await refresher.refresh(read(f))
    }

    /// Start adding a walk-in to `householdId` (`nil`: the household visited).
    public func startWalkIn(householdId: HouseholdId? = nil) async { await edit { try $0.startWalkIn(householdId: householdId) } }
    public func setWalkInHousehold(_ householdId: HouseholdId?) async { await edit { try $0.setWalkInHousehold(householdId: householdId) } }
    public func setWalkInName(_ name: String) async { await edit { $0.setWalkInName(fullName: name) } }
    public func setWalkInBirthYear(_ text: String) async { await edit { $0.setWalkInBirthYear(birthYear: text) } }
    public func setWalkInRelation(_ relation: Relation) async { await edit { $0.setWalkInRelation(relation: relation) } }
    public func setWalkInConsentGivenBy(_ name: String) async { await edit { $0.setWalkInConsentGivenBy(name: name) } }
    /// The walk-in heard the consent notice in full and agreed, now.
    public func recordWalkInConsent() async { await edit { $0.recordWalkInConsent() } }
    public func cancelWalkIn() async { await edit { $0.cancelWalkIn() } }

    /// Save the walk-in into their household and mark them present; `recordedBy` is this device's team member.
    public func addWalkIn(recordedBy: MemberId? = nil) async {
        guard let f = visitForm, !addingWalkIn else { return }
        addingWalkIn = true
        error = nil
        let db = self.db
        switch await call({ try f.addWalkIn(db: db, recordedBy: recordedBy) }) {
        case let .success(saved): addedWalkInId = saved.id
        case let .failure(e): error = e
        }
        addingWalkIn = false
        await refresher.refresh(read(f))
    }

    public func togglePresent(_ personId: PersonId) async { await edit { try $0.togglePresent(personId: personId) } }

    /// Ticking a skill for someone also marks them present (the core's rule).
    public func toggleSkill(_ skill: String, for personId: PersonId) async { await edit { try $0.toggleSkill(personId: personId, skill: skill) } }
    public func toggleAction(_ action: String, for personId: PersonId) async { await edit { try $0.toggleAction(personId: personId, action: action) } }
    public func toggleTopic(_ code: String) async { await edit { $0.toggleTopic(code: code) } }
    public func setNotes(_ notes: String) async { await edit { $0.setNotes(notes: notes) } }

    /// The phone's rough position when the person allowed it, or `nil` to leave it out.
    public func setLocation(_ location: Location?) async { await edit { $0.setLocation(location: location) } }

    /// Why the visit being corrected was wrong (a correction needs it; the core checks it).
    public func setCorrectionReason(_ reason: String) async { await edit { $0.setCorrectionReason(reason: reason) } }

    /// When it happened; `nil` for the moment of saving.
    public func setOccurredAt(_ at: Date?) async { await edit { $0.setOccurredAt(occurredAt: at) } }

    /// Save (or, for a correction, replace the old visit). The core refuses an invalid form with its problems.
    public func save() async {
        guard let f = visitForm, !saving, !loading else { return }
        saving = true
        error = nil
        let db = self.db
        switch await call({ try f.save(db: db) }) {
        case let .success(saved):
            savedVisitId = saved.id
            warnings = warningMessages(saved.warnings)
        case let .failure(e):
            error = e
        }
        saving = false
    }

    private func open(_ make: @escaping @Sendable () throws -> Opened) async {
        visitForm = nil
        roster = []
        householdLabel = ""
        found = []
        walkIn = nil
        walkInForm = nil
        addedWalkInId = nil
        savedVisitId = nil
        error = nil
        loading = true
        switch await call(make) {
        case let .success(o):
            visitForm = o.form
            roster = o.roster
            householdLabel = o.label
            placeLabel = o.label
            await refresher.refresh(read(o.form))
        case let .failure(e):
            error = e
        }
        loading = false
    }

    private func edit(_ change: (VisitForm) throws -> Void) async {
        guard let f = visitForm else { return }
        await refresher.edit({ try change(f) }, then: read(f))
    }

    private func read(_ f: VisitForm) -> @Sendable () throws -> Answer {
        let db = self.db
        return { Answer(draft: f.draft(), state: try f.state(db: db), roster: try f.roster(db: db), walkIn: f.walkInState()) }
    }

    /// The core's roster (members, everyone present), then people found by search not ticked yet.
    private func show(_ a: Answer) {
        let draft = a.draft
        let state = a.state
        var rows = a.roster.map {
            PersonRow(id: $0.personId, name: $0.fullName, address: $0.address, present: $0.present,
                      skills: Set($0.skillsGuided), actions: Set($0.actions))
        }
        for who in roster where !rows.contains(where: { $0.id == who.id }) {
            rows.append(PersonRow(id: who.id, name: who.name, address: who.address))
        }
        people = rows
        if case let .group(place) = draft.place {
            placeLabel = place
            isGroupSession = true
        } else {
            placeLabel = householdLabel
            isGroupSession = false
        }
        walkIn = draft.walkIn
        walkInForm = draft.walkIn == nil ? nil : a.walkIn
        topics = Set(draft.topics)
        notes = draft.notes
        occurredAt = draft.occurredAt
        correcting = draft.supersedes
        correctionReason = draft.correctionReason
        location = draft.location
        form = state
        warnings = warningMessages(state.problems)
    }

    private nonisolated static func label(_ d: HouseholdDetail) -> String {
        [d.household.address, d.villageName].filter { !$0.isEmpty }.joined(separator: ", ")
    }

    private nonisolated static func people(_ d: HouseholdDetail) -> [Who] {
        d.members.map { (id: $0.person.id, name: $0.person.fullName, address: d.household.address) }
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
        case "correction_reason": return .correctionReason
        case "location": return .location
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
