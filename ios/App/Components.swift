import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// The core's problems for one field, under it: errors and warnings each with their own icon
/// and words (never colour alone), in the current language.
struct ProblemsView: View {
    let problems: [Problem]

    var body: some View {
        if !problems.isEmpty {
            VStack(alignment: .leading, spacing: 4) {
                ForEach(Array(problems.enumerated()), id: \.offset) { _, p in
                    Label {
                        Text(p.localizedMessage)
                    } icon: {
                        Image(systemName: p.severity == .error ? "exclamationmark.circle.fill" : "exclamationmark.triangle.fill")
                            .accessibilityHidden(true)
                    }
                    .font(.callout)
                    .foregroundStyle(p.severity == .error ? Color.red : Color.orange)
                    .accessibilityElement(children: .combine)
                    .accessibilityLabel(p.severity == .error ? Text("problem.error \(p.localizedMessage)") : Text("problem.warning \(p.localizedMessage)"))
                }
            }
        }
    }
}

/// A failed call: the core's message and, where the core says what to do, a hint.
struct ErrorBanner: View {
    let error: UiError?

    var body: some View {
        if let error {
            VStack(alignment: .leading, spacing: 4) {
                Text(error.code.title).font(.headline)
                Label {
                    Text(error.localizedMessage)
                } icon: {
                    Image(systemName: "xmark.octagon.fill").accessibilityHidden(true)
                }
                .foregroundStyle(.red)
                if let hint = ErrorBanner.hint(error.action) {
                    Text(hint).font(.footnote).foregroundStyle(.secondary)
                }
            }
            .accessibilityElement(children: .combine)
        }
    }

    /// What to do, by the core's typed action.
    static func hint(_ action: ErrorAction) -> LocalizedStringKey? {
        switch action {
        case .fixFields: return "error.hint.fix_fields"
        case .enrol: return "error.hint.enrol"
        case .updateApp: return "error.hint.update_app"
        case .retryLater: return "error.hint.retry_later"
        case .freeSpace: return "error.hint.free_space"
        case .contactLeader: return "error.hint.contact_leader"
        case .dismiss: return nil
        }
    }
}

/// A tickable row at least 44 pt high: a checkmark icon and the state read out, not colour.
struct CheckRow<Content: View>: View {
    let checked: Bool
    let action: () -> Void
    @ViewBuilder let label: () -> Content

    var body: some View {
        Button(action: action) {
            HStack(alignment: .firstTextBaseline, spacing: 12) {
                Image(systemName: checked ? "checkmark.square.fill" : "square")
                    .imageScale(.large)
                    .accessibilityHidden(true)
                label()
                    .frame(maxWidth: .infinity, alignment: .leading)
            }
            .frame(minHeight: 44)
            .contentShape(Rectangle())
        }
        .buttonStyle(.plain)
        .accessibilityAddTraits(checked ? [.isSelected] : [])
        .accessibilityValue(checked ? Text("a11y.checked") : Text("a11y.unchecked"))
    }
}

/// The main button of a form: full width, at least 44 pt, with a progress mark while it saves.
struct SaveButton: View {
    let title: LocalizedStringKey
    let saving: Bool
    let enabled: Bool
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            HStack {
                if saving { ProgressView().accessibilityHidden(true) }
                Text(saving ? "common.saving" : title).bold()
            }
            .frame(maxWidth: .infinity, minHeight: 44)
        }
        .buttonStyle(.borderedProminent)
        .disabled(!enabled || saving)
    }
}

// MARK: - The core's enums, named from the String Catalog

extension Relation {
    static var choices: [Relation] { [.head, .spouse, .child, .parent, .grandchild, .sibling, .otherRelative, .nonRelative] }

    var label: LocalizedStringKey {
        switch self {
        case .head: return "relation.head"
        case .spouse: return "relation.spouse"
        case .child: return "relation.child"
        case .parent: return "relation.parent"
        case .grandchild: return "relation.grandchild"
        case .sibling: return "relation.sibling"
        case .otherRelative: return "relation.other_relative"
        case .nonRelative: return "relation.non_relative"
        }
    }
}

extension Sex {
    var label: LocalizedStringKey {
        switch self {
        case .female: return "sex.female"
        case .male: return "sex.male"
        }
    }
}

extension SkillLevel {
    static var choices: [SkillLevel] { [.notStarted, .guided, .selfReported, .verified] }

    var label: LocalizedStringKey {
        switch self {
        case .notStarted: return "level.not_started"
        case .guided: return "level.guided"
        case .selfReported: return "level.self_reported"
        case .verified: return "level.verified"
        }
    }

    /// An icon per level, so the ladder reads without colour.
    var symbol: String {
        switch self {
        case .notStarted: return "circle"
        case .guided: return "circle.lefthalf.filled"
        case .selfReported: return "person.crop.circle.badge.checkmark"
        case .verified: return "checkmark.seal.fill"
        }
    }
}

extension HouseholdStatus {
    var symbol: String {
        switch self {
        case .notVisited: return "house"
        case .visited: return "house.fill"
        case .goalReached: return "star.fill"
        }
    }
}

extension Role {
    var label: LocalizedStringKey {
        switch self {
        case .citizen: return "role.citizen"
        case .volunteer: return "role.volunteer"
        case .teamLeader: return "role.team_leader"
        case .communeOfficial: return "role.commune_official"
        case .provinceOfficial: return "role.province_official"
        }
    }

    var symbol: String {
        switch self {
        case .citizen: return "house"
        case .volunteer: return "person"
        case .teamLeader: return "person.badge.shield.checkmark"
        case .communeOfficial, .provinceOfficial: return "building.columns"
        }
    }
}

extension HouseholdStatus {
    /// The status in words (shown with `symbol`, never by colour alone).
    var label: LocalizedStringKey {
        switch self {
        case .notVisited: return "status.not_visited"
        case .visited: return "status.visited.short"
        case .goalReached: return "status.goal_reached.short"
        }
    }
}

extension Channel {
    var label: LocalizedStringKey {
        switch self {
        case .app: return "channel.app"
        case .web: return "channel.web"
        case .volunteer: return "channel.volunteer"
        }
    }
}

extension ErrorCode {
    /// A title for a failure, by the core's typed code (the message itself is the core's).
    /// Exhaustive: a new code in the core is a compile error here, not a silent default.
    var title: LocalizedStringKey {
        switch self {
        case .invalid: return "error.title.invalid"
        case .notFound: return "error.title.not_found"
        case .schemaTooNew, .updateRequired: return "error.title.update"
        case .diskFull: return "error.title.disk_full"
        case .storage, .storedData, .encryptionUnavailable: return "error.title.storage"
        case .notEnrolled, .unauthorized: return "error.title.enrol"
        case .network, .unreadableAnswer, .unavailable, .serverError: return "error.title.network"
        case .cancelled: return "error.title.cancelled"
        case .badRequest, .unexpected: return "error.title.unexpected"
        case .tooManyAttempts: return "error.title.too_many_attempts"
        case .forbidden: return "error.title.forbidden"
        }
    }
}

/// A small count with its icon and words, for summaries (unsent, refused, set aside).
struct CountLabel: View {
    let text: Text
    let symbol: String

    var body: some View {
        Label { text } icon: { Image(systemName: symbol).accessibilityHidden(true) }
            .font(.subheadline)
    }
}

/// "3 hours ago" for a timestamp, in the catalog's language (the environment's locale).
struct RelativeTimeText: View {
    let date: Date
    @Environment(\.locale) private var locale

    var body: some View {
        Text(date, format: Date.RelativeFormatStyle(presentation: .named, locale: locale))
    }
}

/// The household indicators the registration form asks (yes / no / not asked).
enum IndicatorField: String, CaseIterable, Identifiable {
    case hasSmartphone = "has_smartphone"
    case hasBroadband = "has_broadband"
    case hasEpaymentAdult = "has_epayment_adult"
    case usesInternet = "uses_internet"

    var id: String { rawValue }

    var label: LocalizedStringKey {
        switch self {
        case .hasSmartphone: return "indicator.has_smartphone"
        case .hasBroadband: return "indicator.has_broadband"
        case .hasEpaymentAdult: return "indicator.has_epayment_adult"
        case .usesInternet: return "indicator.uses_internet"
        }
    }

    func value(_ i: HouseholdIndicators) -> Bool? {
        switch self {
        case .hasSmartphone: return i.hasSmartphone
        case .hasBroadband: return i.hasBroadband
        case .hasEpaymentAdult: return i.hasEpaymentAdult
        case .usesInternet: return i.usesInternet
        }
    }

    func set(_ value: Bool?, in i: HouseholdIndicators) -> HouseholdIndicators {
        var out = i
        switch self {
        case .hasSmartphone: out.hasSmartphone = value
        case .hasBroadband: out.hasBroadband = value
        case .hasEpaymentAdult: out.hasEpaymentAdult = value
        case .usesInternet: out.usesInternet = value
        }
        return out
    }
}

/// Yes / no / not asked, for an indicator picker.
enum TriState: Hashable, CaseIterable {
    case unknown, yes, no

    init(_ b: Bool?) { self = b.map { $0 ? .yes : .no } ?? .unknown }

    var bool: Bool? {
        switch self {
        case .unknown: return nil
        case .yes: return true
        case .no: return false
        }
    }

    var label: LocalizedStringKey {
        switch self {
        case .unknown: return "indicator.unknown"
        case .yes: return "common.yes"
        case .no: return "common.no"
        }
    }
}
