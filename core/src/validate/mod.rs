//! Every validation rule, in one place. The store calls these before it writes, sync
//! calls them on what it receives, and the apps call them to show problems as the
//! volunteer types. Each function returns the cleaned value plus the problems found;
//! rules that need stored facts (does this person belong to that household?) take them
//! in a small context struct the store fills in.

pub mod enrolment;
pub mod phone;
mod record;
mod settings;
mod setup;
pub mod text;

pub use record::*;
pub use settings::*;
pub use setup::*;

use crate::catalog;
use crate::clock::vietnam_date;
use crate::ids::{HouseholdId, PersonId, VisitId};
use crate::model::{Campaign, CoarseLocation, Consent, NewCampaign, NewHousehold, NewPerson, NewSelfReport, NewVisit, VisitPlace};
use crate::problem::{Problem, ProblemCode, Problems};
use chrono::{DateTime, Datelike, Duration, Utc};
use std::collections::{HashMap, HashSet};

/// How far in the future a time may be before it is refused: phone clocks drift, and a
/// volunteer must not be blocked by a few minutes.
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(15);
/// People at one session (a group session at the commune hall may be large).
pub const MAX_ATTENDEES: usize = 1_000;
/// Codes in one list (topics of a visit, skills or actions of a person): the catalogs
/// are small, so a longer list is a bug or a hostile sender.
pub const MAX_CODES: usize = 64;
/// Members registered with a household at once, besides its head.
pub const MAX_MEMBERS: usize = 50;
/// Oldest plausible birth year.
pub const MIN_BIRTH_YEAR: i32 = 1900;
/// Times before this year are probably a wrong phone clock: saved, with a warning.
pub const EARLIEST_PLAUSIBLE_YEAR: i32 = 2020;
/// Times before this year are certainly a reset phone clock (1970, 1900...): refused.
/// The apps default to the store's server-corrected "now", so a volunteer never meets
/// this unless they type a date by hand.
pub const EARLIEST_POSSIBLE_YEAR: i32 = 2000;

pub(crate) fn time_not_future(ps: &mut Problems, field: &str, t: DateTime<Utc>, now: DateTime<Utc>) {
    if t > now + FUTURE_TOLERANCE {
        ps.push(Problem::error(
            field,
            ProblemCode::TimeInFuture,
            "Thời gian ở tương lai; hãy kiểm tra đồng hồ điện thoại",
            "The time is in the future; check the phone's clock",
        ));
    } else if t.year() < EARLIEST_POSSIBLE_YEAR {
        ps.push(Problem::error(
            field,
            ProblemCode::TimeImplausiblyOld,
            format!("Thời gian trước năm {EARLIEST_POSSIBLE_YEAR} là không thể; hãy kiểm tra đồng hồ điện thoại"),
            format!("A time before {EARLIEST_POSSIBLE_YEAR} is impossible; check the phone's clock"),
        ));
    } else if t.year() < EARLIEST_PLAUSIBLE_YEAR {
        ps.push(Problem::warning(
            field,
            ProblemCode::TimeImplausiblyOld,
            format!("Thời gian trước năm {EARLIEST_PLAUSIBLE_YEAR}; đồng hồ điện thoại có thể bị sai"),
            format!("The time is before {EARLIEST_PLAUSIBLE_YEAR}; the phone's clock may be wrong"),
        ));
    }
}

pub(crate) fn collect<T>(ps: &mut Problems, r: Result<T, Problem>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(p) => {
            ps.push(p);
            None
        }
    }
}

/// Optional phone: empty means none.
pub fn optional_phone(ps: &mut Problems, field: &str, raw: Option<&str>) -> Option<String> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(s) => collect(ps, phone::normalize(field, s)),
    }
}

pub fn birth_year(field: &str, year: i32, now: DateTime<Utc>) -> Result<i32, Problem> {
    let max = vietnam_date(now).year();
    if (MIN_BIRTH_YEAR..=max).contains(&year) {
        Ok(year)
    } else {
        Err(Problem::error(
            field,
            ProblemCode::BirthYearOutOfRange,
            format!("Năm sinh phải từ {MIN_BIRTH_YEAR} đến {max}"),
            format!("Birth year must be between {MIN_BIRTH_YEAR} and {max}"),
        ))
    }
}

/// A birth year as typed on a form: empty means unknown; anything else must be a year
/// in range.
pub fn birth_year_text(field: &str, raw: &str, now: DateTime<Utc>) -> Result<Option<i32>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(year) => birth_year(field, year, now).map(Some),
        Err(_) => {
            let max = vietnam_date(now).year();
            Err(Problem::error(
                field,
                ProblemCode::BirthYearOutOfRange,
                format!("Năm sinh phải là một số từ {MIN_BIRTH_YEAR} đến {max}"),
                format!("Birth year must be a number from {MIN_BIRTH_YEAR} to {max}"),
            ))
        }
    }
}

pub fn location(field: &str, loc: CoarseLocation) -> Result<CoarseLocation, Problem> {
    // Vietnam's mainland and islands (Hoàng Sa, Trường Sa) lie within this box.
    let ok = loc.lat.is_finite() && loc.lon.is_finite() && (8.0..=23.5).contains(&loc.lat) && (102.0..=117.5).contains(&loc.lon);
    if ok {
        Ok(CoarseLocation::coarse(loc.lat, loc.lon))
    } else {
        Err(Problem::error(field, ProblemCode::BadCoordinates, "Toạ độ không nằm trong Việt Nam", "Coordinates are not in Vietnam"))
    }
}

pub fn consent(ps: &mut Problems, field: &str, c: Option<&Consent>, now: DateTime<Utc>) -> Option<Consent> {
    let Some(c) = c else {
        ps.push(Problem::error(
            field,
            ProblemCode::ConsentMissing,
            "Cần có sự đồng ý của người dân trước khi lưu thông tin cá nhân",
            "The person's consent is needed before personal data is stored",
        ));
        return None;
    };
    let given_by = collect(ps, text::name(&format!("{field}.given_by"), &c.given_by));
    let purpose = collect(ps, text::line(&format!("{field}.purpose"), &c.purpose, text::ADDRESS_MAX_CHARS));
    time_not_future(ps, &format!("{field}.given_at"), c.given_at, now);
    Some(Consent { given_by: given_by?, given_at: c.given_at, purpose: purpose?, recorded_by: c.recorded_by })
}

/// Check and clean a new person. Consent must be present: without it nothing personal
/// is kept.
pub fn person(p: &NewPerson, now: DateTime<Utc>) -> (Option<NewPerson>, Problems) {
    let mut ps = Problems::new();
    let consent = consent(&mut ps, "consent", p.consent.as_ref(), now);
    let full_name = collect(&mut ps, text::name("full_name", &p.full_name));
    let birth_year = p.birth_year.and_then(|y| collect(&mut ps, birth_year("birth_year", y, now)));
    let phone = optional_phone(&mut ps, "phone", p.phone.as_deref());
    if ps.has_content_errors() {
        return (None, ps);
    }
    let (Some(full_name), Some(consent)) = (full_name, consent) else { return (None, ps) };
    (Some(NewPerson { full_name, birth_year, sex: p.sex, relation: p.relation, phone, consent: Some(consent) }), ps)
}

/// Check and clean a person added to a household already registered (a walk-in at a group
/// session, a newborn): a person with consent, and not a second head.
pub fn member(p: &NewPerson, now: DateTime<Utc>) -> (Option<NewPerson>, Problems) {
    let (clean, mut ps) = person(p, now);
    if p.relation == crate::model::Relation::Head {
        ps.push(one_head("relation"));
        return (None, ps);
    }
    (clean, ps)
}

fn one_head(field: &str) -> Problem {
    Problem::error(field, ProblemCode::HeadMustBeMember, "Mỗi hộ chỉ có một chủ hộ", "A household has only one head")
}

/// Check and clean a new household and its head.
pub fn household(h: &NewHousehold, now: DateTime<Utc>) -> (Option<NewHousehold>, Problems) {
    let mut ps = Problems::new();
    let address = collect(&mut ps, text::line("address", &h.address, text::ADDRESS_MAX_CHARS));
    let phone = optional_phone(&mut ps, "phone", h.phone.as_deref());
    let location = h.location.and_then(|l| collect(&mut ps, location("location", l)));
    if h.head.relation != crate::model::Relation::Head {
        ps.push(Problem::error(
            "head.relation",
            ProblemCode::HeadMustBeMember,
            "Chủ hộ phải có quan hệ là \"chủ hộ\"",
            "The head of household must have the relation \"head\"",
        ));
    }
    let (head, head_ps) = person(&h.head, now);
    ps.extend(head_ps.prefixed("head"));
    if ps.has_content_errors() {
        return (None, ps);
    }
    let (Some(address), Some(head)) = (address, head) else { return (None, ps) };
    (Some(NewHousehold { village_id: h.village_id, address, head, phone, location, indicators: h.indicators }), ps)
}

/// Check and clean a household registered with its other members (`members[i].…`): one
/// head only, each member with consent.
pub fn registration(h: &NewHousehold, members: &[NewPerson], now: DateTime<Utc>) -> (Option<(NewHousehold, Vec<NewPerson>)>, Problems) {
    let (household, mut ps) = household(h, now);
    if members.len() > MAX_MEMBERS {
        ps.push(too_many("members", members.len(), MAX_MEMBERS));
        return (None, ps);
    }
    let mut others = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        if m.relation == crate::model::Relation::Head {
            ps.push(one_head(&format!("members[{i}].relation")));
        }
        let (person, person_ps) = person(m, now);
        ps.extend(person_ps.prefixed(&format!("members[{i}]")));
        others.extend(person);
    }
    if ps.has_errors() || others.len() != members.len() {
        return (None, ps);
    }
    (household.map(|h| (h, others)), ps)
}

/// What the store knows that a visit is checked against.
#[derive(Debug, Default)]
pub struct VisitContext {
    /// The household of every attendee (persons not found are absent).
    pub person_households: HashMap<PersonId, HouseholdId>,
    /// Whether the household of a household visit exists.
    pub household_exists: bool,
    pub team_exists: bool,
    /// The campaign named by the visit, if found.
    pub campaign: Option<Campaign>,
    pub campaign_named_but_missing: bool,
    /// Topics a locality added itself.
    pub local_topics: HashSet<String>,
    /// For a correction: whether the visit it supersedes exists, and whether another
    /// correction already superseded it.
    pub supersedes_exists: bool,
    pub supersedes_already_superseded_by: Option<VisitId>,
}

fn codes(ps: &mut Problems, field: &str, list: &[String], known: impl Fn(&str) -> bool, unknown: ProblemCode) -> Vec<String> {
    if list.len() > MAX_CODES {
        ps.push(too_many(field, list.len(), MAX_CODES));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let c = c.trim();
        if !known(c) {
            ps.push(Problem::error(
                format!("{field}[{i}]"),
                unknown,
                format!("Mã \"{c}\" không có trong danh mục"),
                format!("Code \"{c}\" is not in the catalog"),
            ));
        } else if seen.insert(c.to_owned()) {
            out.push(c.to_owned());
        }
    }
    out
}

/// Check and clean a new visit against what the store knows.
pub fn visit(v: &NewVisit, ctx: &VisitContext, now: DateTime<Utc>) -> (Option<NewVisit>, Problems) {
    let mut ps = Problems::new();
    time_not_future(&mut ps, "occurred_at", v.occurred_at, now);
    let place = match &v.place {
        VisitPlace::Household { household_id } => {
            if !ctx.household_exists {
                ps.push(Problem::error(
                    "place.household_id",
                    ProblemCode::UnknownHousehold,
                    "Không tìm thấy hộ gia đình",
                    "Household not found",
                ));
            }
            VisitPlace::Household { household_id: *household_id }
        }
        VisitPlace::Group { place } => {
            VisitPlace::Group { place: collect(&mut ps, text::line("place.place", place, text::ADDRESS_MAX_CHARS)).unwrap_or_default() }
        }
    };
    if !ctx.team_exists {
        ps.push(Problem::error("team_id", ProblemCode::UnknownTeam, "Không tìm thấy tổ", "Team not found"));
    }
    if ctx.campaign_named_but_missing {
        ps.push(Problem::error("campaign_id", ProblemCode::UnknownCampaign, "Không tìm thấy đợt cao điểm", "Campaign not found"));
    }
    if let Some(c) = &ctx.campaign {
        if !c.contains(vietnam_date(v.occurred_at)) {
            ps.push(Problem::warning(
                "occurred_at",
                ProblemCode::OutsideCampaignWindow,
                format!("Buổi hướng dẫn ngoài thời gian của đợt ({} – {})", c.starts_on.format("%d/%m/%Y"), c.ends_on.format("%d/%m/%Y")),
                format!("The session is outside the campaign window ({} – {})", c.starts_on, c.ends_on),
            ));
        }
    }
    // A correction says why; anything sent as a reason on a visit that corrects nothing is dropped.
    let correction_reason = match v.supersedes {
        Some(_) => collect(&mut ps, correction_reason("correction_reason", v.correction_reason.as_deref().unwrap_or_default())),
        None => None,
    };
    if v.supersedes.is_some() {
        if !ctx.supersedes_exists {
            ps.push(Problem::error(
                "supersedes",
                ProblemCode::UnknownVisit,
                "Không tìm thấy lượt hướng dẫn cần sửa",
                "The visit to correct was not found",
            ));
        } else if let Some(by) = ctx.supersedes_already_superseded_by {
            ps.push(Problem::error(
                "supersedes",
                ProblemCode::AlreadySuperseded,
                format!("Lượt hướng dẫn này đã được sửa bởi {by}; hãy sửa bản mới nhất"),
                format!("This visit was already corrected by {by}; correct the latest version"),
            ));
        }
    }
    let topics =
        codes(&mut ps, "topics", &v.topics, |c| catalog::topic(c).is_some() || ctx.local_topics.contains(c), ProblemCode::UnknownTopic);
    if v.topics.is_empty() {
        ps.push(Problem::error("topics", ProblemCode::NoTopics, "Chọn ít nhất một nội dung hướng dẫn", "Choose at least one topic"));
    }
    if v.attendees.is_empty() {
        ps.push(Problem::error(
            "attendees",
            ProblemCode::NoAttendees,
            "Chọn ít nhất một người được hướng dẫn",
            "Choose at least one person guided",
        ));
    }
    if v.attendees.len() > MAX_ATTENDEES {
        ps.push(too_many("attendees", v.attendees.len(), MAX_ATTENDEES));
        return (None, ps);
    }
    let mut seen = HashSet::new();
    let mut attendees = Vec::with_capacity(v.attendees.len());
    for (i, a) in v.attendees.iter().enumerate() {
        let f = format!("attendees[{i}]");
        if !seen.insert(a.person_id) {
            ps.push(Problem::error(
                format!("{f}.person_id"),
                ProblemCode::DuplicateEntry,
                "Người này đã có trong danh sách",
                "This person is listed twice",
            ));
            continue;
        }
        match ctx.person_households.get(&a.person_id) {
            None => ps.push(Problem::error(
                format!("{f}.person_id"),
                ProblemCode::UnknownPerson,
                "Không tìm thấy người này",
                "Person not found",
            )),
            Some(hh) => {
                if let VisitPlace::Household { household_id } = &v.place {
                    if hh != household_id {
                        ps.push(Problem::error(
                            format!("{f}.person_id"),
                            ProblemCode::PersonNotInHousehold,
                            "Người này không thuộc hộ gia đình đang thăm",
                            "This person does not belong to the household visited",
                        ));
                    }
                }
            }
        }
        let skills_guided =
            codes(&mut ps, &format!("{f}.skills_guided"), &a.skills_guided, |c| catalog::skill(c).is_some(), ProblemCode::UnknownSkill);
        let actions = codes(&mut ps, &format!("{f}.actions"), &a.actions, |c| catalog::action(c).is_some(), ProblemCode::UnknownAction);
        let mut apps_installed = Vec::new();
        if a.apps_installed.len() > MAX_CODES {
            ps.push(too_many(&format!("{f}.apps_installed"), a.apps_installed.len(), MAX_CODES));
        }
        for (j, app) in a.apps_installed.iter().take(MAX_CODES).enumerate() {
            if let Some(app) = collect(&mut ps, text::line(&format!("{f}.apps_installed[{j}]"), app, text::NAME_MAX_CHARS)) {
                if !apps_installed.contains(&app) {
                    apps_installed.push(app);
                }
            }
        }
        let household_id = ctx.person_households.get(&a.person_id).copied();
        attendees.push(crate::model::Attendee { person_id: a.person_id, household_id, skills_guided, actions, apps_installed });
    }
    let notes = collect(&mut ps, text::notes("notes", &v.notes));
    let location = v.location.and_then(|l| collect(&mut ps, location("location", l)));
    if ps.has_content_errors() {
        return (None, ps);
    }
    let clean = NewVisit {
        place,
        campaign_id: v.campaign_id,
        team_id: v.team_id,
        volunteer_id: v.volunteer_id,
        occurred_at: v.occurred_at,
        attendees,
        topics,
        notes: notes.unwrap_or_default(),
        location,
        supersedes: v.supersedes,
        correction_reason,
    };
    (Some(clean), ps)
}

/// Check and clean a self-report. `person_known` says whether the person exists.
pub fn self_report(r: &NewSelfReport, person_known: bool, now: DateTime<Utc>) -> (Option<NewSelfReport>, Problems) {
    let mut ps = Problems::new();
    if !person_known {
        ps.push(Problem::error("person_id", ProblemCode::UnknownPerson, "Không tìm thấy người này", "Person not found"));
    }
    time_not_future(&mut ps, "reported_at", r.reported_at, now);
    let skills = codes(&mut ps, "skills", &r.skills, |c| catalog::skill(c).is_some(), ProblemCode::UnknownSkill);
    if ps.has_content_errors() {
        return (None, ps);
    }
    (Some(NewSelfReport { person_id: r.person_id, skills, channel: r.channel, reported_at: r.reported_at }), ps)
}

/// Check and clean a campaign.
pub fn campaign(c: &NewCampaign) -> (Option<NewCampaign>, Problems) {
    let mut ps = Problems::new();
    let name = collect(&mut ps, text::line("name", &c.name, text::ADDRESS_MAX_CHARS));
    let team_label = collect(&mut ps, text::line("team_label", &c.team_label, text::NAME_MAX_CHARS));
    if c.ends_on < c.starts_on {
        ps.push(Problem::error(
            "ends_on",
            ProblemCode::BadDateRange,
            "Ngày kết thúc trước ngày bắt đầu",
            "The end date is before the start date",
        ));
    }
    if c.deadlines.len() > MAX_DEADLINES {
        ps.push(too_many("deadlines", c.deadlines.len(), MAX_DEADLINES));
    }
    let mut deadlines = Vec::with_capacity(c.deadlines.len().min(MAX_DEADLINES));
    for (i, d) in c.deadlines.iter().take(MAX_DEADLINES).enumerate() {
        if let Some(label) = collect(&mut ps, text::line(&format!("deadlines[{i}].label"), &d.label, text::ADDRESS_MAX_CHARS)) {
            deadlines.push(crate::model::Deadline { label, due_on: d.due_on });
        }
    }
    if ps.has_content_errors() {
        return (None, ps);
    }
    let (Some(name), Some(team_label)) = (name, team_label) else { return (None, ps) };
    (Some(NewCampaign { name, team_label, deadlines, ..c.clone() }), ps)
}

/// A correction (of a skill level or of a visit) needs a reason a later reader can understand.
pub fn correction_reason(field: &str, reason: &str) -> Result<String, Problem> {
    text::line(field, reason, text::NOTES_MAX_CHARS)
}

#[cfg(test)]
mod tests;
