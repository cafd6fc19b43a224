//! The handle apps hold: one local database (one SQLite file per device). Every method is
//! synchronous and takes `&self`; the store inside serialises writers and has its own
//! reader, so one handle serves every thread. Call it off the main thread (Kotlin
//! `Dispatchers.IO`, Swift `Task.detached` or an actor).
//!
//! Closing: Kotlin's `close()` (the handle is `AutoCloseable`) and Swift's `deinit` release
//! it. In Kotlin, calls running at that moment finish first (and calls that start while
//! others are still running are still served); when none is running the handle is freed,
//! the SQLite files close, and any later call throws `IllegalStateException`.
//!
//! Except one case, which apps must avoid: passing a closed handle *as an argument* (the
//! forms' `state(db)`, `save(db)`, …). uniffi 0.32's Kotlin lowers an object argument with
//! an unguarded clone of its handle, so a form call racing `close()` touches freed memory
//! (found as a rare `double free` in the JVM tests: a form's refresh still running when the
//! test closed the database). The apps open one handle for the process and never close it;
//! a test closes it only after joining every call that may still hold it.

use crate::error::Result;
use crate::figures::{DayRange, FigureScope};
use crate::household::{HouseholdInput, PersonInput};
use crate::model::{SavedHousehold, SavedPerson, SavedSelfReport, SavedVisit};
use crate::setup::TeamInput;
use crate::sync::{self, Conflict, Enrolment, Forward, SyncCancel, SyncListener, SyncSettings};
use crate::time::LocalDay;
use crate::visit::{SelfReportInput, VisitInput};
use std::sync::Arc;
use std::time::Duration;
use tungnha_core::figures::{FigureQuery, Figures};
use tungnha_core::ids::{AssignmentId, DeviceId, HouseholdId, MemberId, OpId, TeamId, VillageId, VisitId};
use tungnha_core::model::{AssignmentTarget, HouseholdSummary, SkillLevel, Team, Village, Visit};
use tungnha_core::store::{HouseholdDetail, RejectedOp, SearchHit, SearchPage, StoreOptions, TodaysWork};
use tungnha_core::sync::client::{self, SyncReport};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::Store;

#[derive(Debug, uniffi::Object)]
pub struct Database {
    store: Store,
}

impl Database {
    /// The core's store, for the forms.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

#[uniffi::export]
impl Database {
    /// Open (or create) the database at `path`, upgrading its schema if needed.
    ///
    /// `encryption_key` is for the encrypted database (SQLCipher) that this build does not
    /// have yet: pass `null`/`nil`. A key is refused rather than ignored, so nobody stores
    /// data unencrypted believing it is encrypted.
    #[uniffi::constructor(default(encryption_key = None))]
    pub fn open(path: String, encryption_key: Option<String>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { store: Store::open_with_key(path, encryption_key.as_deref(), StoreOptions::default())? }))
    }

    /// This installation's device id.
    pub fn device_id(&self) -> DeviceId {
        self.store.device_id()
    }

    /// Local changes not yet acknowledged by the server.
    pub fn pending_count(&self) -> Result<u64> {
        Ok(self.store.pending_count()?)
    }

    /// Write the journal into the database file now (e.g. when the app goes to the background).
    pub fn checkpoint(&self) -> Result<()> {
        Ok(self.store.checkpoint()?)
    }

    // ---- enrolment and sync

    /// The device's enrolment, if it has one.
    pub fn enrolment(&self) -> Result<Option<Enrolment>> {
        Ok(self.store.enrolment()?.map(Into::into))
    }

    /// Exchange an enrolment code (8 characters, from a team leader or official) for this
    /// device's token, and keep it.
    pub fn enrol(&self, server_url: String, code: String, device_name: String) -> Result<Enrolment> {
        let transport = HttpTransport::with_defaults(&server_url);
        Ok(client::enrol_at(&self.store, &transport, Some(&server_url), &code, &device_name)?.into())
    }

    /// Send everything pending and pull everything new. Progress goes to `listener`;
    /// `cancel` stops it between round trips. Safe to call again after any failure:
    /// nothing acknowledged is sent twice and nothing unacknowledged is lost.
    #[uniffi::method(default(settings = None, listener = None, cancel = None))]
    pub fn sync(
        &self,
        server_url: String,
        settings: Option<SyncSettings>,
        listener: Option<Arc<dyn SyncListener>>,
        cancel: Option<Arc<SyncCancel>>,
    ) -> Result<SyncReport> {
        let cancel = cancel.unwrap_or_default();
        let transport = match settings.and_then(|s| s.timeout_seconds) {
            Some(t) => HttpTransport::new(&server_url, Duration::from_secs(t.into())),
            None => HttpTransport::with_defaults(&server_url),
        };
        let options = sync::options(settings, &cancel);
        let forward = listener.map(Forward);
        let listener = forward.as_ref().map(|f| f as &dyn client::SyncListener);
        Ok(client::sync(&self.store, &transport, listener, cancel.token(), &options)?)
    }

    /// Operations the server refused, newest first.
    pub fn rejected_ops(&self) -> Result<Vec<RejectedOp>> {
        Ok(self.store.rejected_ops()?)
    }

    /// Someone looked at a refused operation and chose to drop it.
    pub fn discard_rejected(&self, op_id: OpId) -> Result<()> {
        Ok(self.store.discard_rejected(op_id)?)
    }

    /// Concurrent edits of identity fields, unresolved first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        Ok(self.store.conflicts()?)
    }

    /// A team leader settled a conflict.
    pub fn resolve_conflict(&self, conflict_id: String) -> Result<()> {
        Ok(self.store.resolve_conflict(&conflict_id)?)
    }

    // ---- the volunteer's screens

    /// The households of a team's assignments with their status; with a volunteer, those
    /// assigned to them or to the whole team.
    #[uniffi::method(default(volunteer_id = None))]
    pub fn assignment_households(&self, team_id: TeamId, volunteer_id: Option<MemberId>) -> Result<Vec<HouseholdSummary>> {
        Ok(self.store.assignment_households(team_id, volunteer_id)?)
    }

    /// A household with its members and their skills, its visits and self-reports.
    pub fn household_detail(&self, household_id: HouseholdId) -> Result<HouseholdDetail> {
        Ok(self.store.household_detail(household_id)?)
    }

    /// One visit, corrected or not (e.g. to name who attended before correcting it).
    pub fn visit(&self, visit_id: VisitId) -> Result<Visit> {
        Ok(self.store.visit(visit_id)?)
    }

    /// Accent-insensitive search over names, addresses and villages (`dang` finds `Đặng`):
    /// the first `limit` hits of `search_page`.
    #[uniffi::method(default(village_id = None, limit = 50))]
    pub fn search(&self, query: String, village_id: Option<VillageId>, limit: u32) -> Result<Vec<SearchHit>> {
        Ok(self.store.search(&query, village_id, limit)?)
    }

    /// One page of search results, best first (a member's whole name, then words that begin
    /// words, then substrings), with how many there are in all and where the next page
    /// starts (`null` after the last). At most 200 hits a page.
    #[uniffi::method(default(village_id = None, offset = 0, limit = 50))]
    pub fn search_page(&self, query: String, village_id: Option<VillageId>, offset: u32, limit: u32) -> Result<SearchPage> {
        Ok(self.store.search_page(&query, village_id, offset, limit)?)
    }

    /// A volunteer's work on one Vietnamese calendar day.
    pub fn todays_work(&self, team_id: TeamId, volunteer_id: MemberId, day: LocalDay) -> Result<TodaysWork> {
        Ok(self.store.todays_work(team_id, volunteer_id, day)?)
    }

    /// Record one guidance session. Problems with the input come back as
    /// `TungNhaError.Validation` (nothing written); warnings come back with the saved id.
    /// (Screens use `VisitForm`, which shows the problems as the volunteer ticks.)
    pub fn record_visit(&self, visit: VisitInput) -> Result<SavedVisit> {
        Ok(self.store.record_visit(&visit)?)
    }

    /// Record a citizen's own statement of their skills.
    pub fn record_self_report(&self, report: SelfReportInput) -> Result<SavedSelfReport> {
        Ok(self.store.record_self_report(&report)?)
    }

    /// Add a household with its head (who must have given consent).
    pub fn add_household(&self, household: HouseholdInput) -> Result<SavedHousehold> {
        Ok(self.store.add_household(&household)?)
    }

    /// Add a member to a household (consent required).
    pub fn add_person(&self, household_id: HouseholdId, person: PersonInput) -> Result<SavedPerson> {
        Ok(self.store.add_person(household_id, &person)?)
    }

    /// Progress figures for a scope, over some days or all time.
    #[uniffi::method(default(days = None))]
    pub fn figures(&self, scope: FigureScope, days: Option<DayRange>) -> Result<Figures> {
        let query = FigureQuery { scope, days: days.map(|d| (d.first, d.last)), mastery: SkillLevel::MASTERY };
        Ok(self.store.figures(&query)?)
    }

    // ---- setup (an official's or team leader's screens)

    /// Add a village under a commune of the official list (key like `2025:c:04000`).
    pub fn add_village(&self, commune_key: String, name: String) -> Result<VillageId> {
        Ok(self.store.add_village(&commune_key, &name)?)
    }

    /// The topics this commune added (code and names), beside the campaign's (`topics()`),
    /// so a visit form can name every topic it offers.
    pub fn local_topics(&self) -> Result<Vec<crate::model::CatalogEntry>> {
        Ok(self
            .store
            .local_topics()?
            .into_iter()
            .map(|(code, name_vi, name_en)| crate::model::CatalogEntry { code, name_vi, name_en })
            .collect())
    }

    /// Add a commune's own guidance topic (code `local.<unit>.<slug>`); returns its code.
    /// Only an official's device may publish one: the server refuses it from a team's phone.
    pub fn add_local_topic(&self, slug: String, name_vi: String, name_en: String) -> Result<String> {
        Ok(self.store.add_local_topic(&slug, &name_vi, &name_en)?)
    }

    pub fn villages(&self) -> Result<Vec<Village>> {
        Ok(self.store.villages()?)
    }

    /// Add a team with its members; returns the team with the members' new ids.
    pub fn add_team(&self, team: TeamInput) -> Result<Team> {
        let id = self.store.add_team(&team.into())?;
        Ok(self.store.team(id)?)
    }

    pub fn team(&self, team_id: TeamId) -> Result<Team> {
        Ok(self.store.team(team_id)?)
    }

    /// Assign a village to a team, or to one volunteer of it. Returns the assignment id.
    #[uniffi::method(default(volunteer_id = None))]
    pub fn assign_village(&self, team_id: TeamId, village_id: VillageId, volunteer_id: Option<MemberId>) -> Result<AssignmentId> {
        Ok(self.store.assign(team_id, volunteer_id, AssignmentTarget::Village(village_id))?)
    }

    /// Assign one household to a team, or to one volunteer of it. Returns the assignment id.
    #[uniffi::method(default(volunteer_id = None))]
    pub fn assign_household(&self, team_id: TeamId, household_id: HouseholdId, volunteer_id: Option<MemberId>) -> Result<AssignmentId> {
        Ok(self.store.assign(team_id, volunteer_id, AssignmentTarget::Household(household_id))?)
    }
}
