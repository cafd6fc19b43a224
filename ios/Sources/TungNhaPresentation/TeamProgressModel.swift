import Foundation
import Observation
import TungNhaCore

/// A team leader's overview: the team's figures against the chosen campaign's targets and
/// each member's work, all counted by the core as every report counts them.
/// Mirrors android/presentation `TeamProgressViewModel`.
@MainActor
@Observable
public final class TeamProgressModel {
    public private(set) var loading = false
    /// The campaigns on this device, to choose from.
    public private(set) var campaigns: [Campaign] = []
    /// The campaign counted; `nil`: all time.
    public private(set) var campaignId: CampaignId?
    public private(set) var progress: TeamProgress?
    public private(set) var error: UiError?

    private let db: Database
    private var teamId: TeamId?

    public init(db: Database) {
        self.db = db
    }

    /// Team `teamId` (this device's own team when `nil`) in campaign `campaignId` (all time when `nil`).
    public func load(teamId: TeamId? = nil, campaignId: CampaignId? = nil) async {
        loading = true
        error = nil
        self.campaignId = campaignId
        let db = self.db, known = teamId ?? self.teamId
        switch await call({ () -> (TeamId?, [Campaign], TeamProgress?) in
            let team = try known ?? db.enrolment()?.teamId
            return (team, try db.campaigns(), try team.map { try db.teamProgress(teamId: $0, campaignId: campaignId) })
        }) {
        case let .success((team, all, p)):
            self.teamId = team
            campaigns = all
            progress = p
        case let .failure(e):
            error = e
        }
        loading = false
    }

    /// Count another campaign (or all time with `nil`).
    public func selectCampaign(_ campaignId: CampaignId?) async {
        await load(teamId: teamId, campaignId: campaignId)
    }
}
