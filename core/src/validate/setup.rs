//! Rules for the records that set the field up — villages, teams and their members,
//! campaigns, local topics — written once for the store (an official's phone) and the
//! sync server (what any phone sends).

use super::{collect, optional_phone, text};
use crate::catalog;
use crate::model::{Campaign, LocalTopic, NewCampaign, NewTeam, Organisation, Role, Team, TeamMember, Training, Village};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::units;
use std::collections::HashSet;

/// Members a team may have (teams are a handful of people per village; a bound keeps a
/// buggy or hostile payload from growing without end).
pub const MAX_TEAM_MEMBERS: usize = 200;
/// Trainings recorded per member.
pub const MAX_TRAININGS: usize = 50;
/// Reporting deadlines per campaign.
pub const MAX_DEADLINES: usize = 50;

/// A list longer than `max`.
pub fn too_many(field: &str, n: usize, max: usize) -> Problem {
    Problem::error(
        field,
        ProblemCode::TooMany,
        format!("Quá nhiều mục ({n}, tối đa {max})"),
        format!("Too many entries ({n}, at most {max})"),
    )
}

/// A commune key of the official list of administrative units (either structure).
pub fn commune(ps: &mut Problems, field: &str, key: &str) {
    let known = units::official().get(key).is_some_and(|u| u.level == units::UnitLevel::Commune);
    if !known {
        ps.push(Problem::error(
            field,
            ProblemCode::UnknownCommune,
            "Không có xã/phường này trong danh mục đơn vị hành chính",
            "This commune is not in the list of administrative units",
        ));
    }
}

/// Check and clean a village (thôn, bản, ấp, tổ dân phố).
pub fn village(v: &Village) -> (Option<Village>, Problems) {
    let mut ps = Problems::new();
    let name = collect(&mut ps, text::line("name", &v.name, text::ADDRESS_MAX_CHARS));
    commune(&mut ps, "commune_key", &v.commune_key);
    match name {
        Some(name) if !ps.has_content_errors() => (Some(Village { name, ..v.clone() }), ps),
        _ => (None, ps),
    }
}

fn organisation(ps: &mut Problems, field: &str, o: &Organisation) -> Option<Organisation> {
    match o {
        Organisation::Other(name) => collect(ps, text::line(field, name, text::NAME_MAX_CHARS)).map(Organisation::Other),
        known => Some(known.clone()),
    }
}

fn member(ps: &mut Problems, f: &str, m: &TeamMember) -> Option<TeamMember> {
    let full_name = collect(ps, text::name(&format!("{f}.full_name"), &m.full_name));
    let phone = optional_phone(ps, &format!("{f}.phone"), m.phone.as_deref());
    let organisation = organisation(ps, &format!("{f}.organisation"), &m.organisation);
    let code = collect(ps, text::line(&format!("{f}.role.code"), &m.role.code, text::NAME_MAX_CHARS));
    let role_name = collect(ps, text::line(&format!("{f}.role.name_vi"), &m.role.name_vi, text::NAME_MAX_CHARS));
    if m.trainings.len() > MAX_TRAININGS {
        ps.push(too_many(&format!("{f}.trainings"), m.trainings.len(), MAX_TRAININGS));
        return None;
    }
    let mut trainings = Vec::with_capacity(m.trainings.len());
    for (j, t) in m.trainings.iter().enumerate() {
        let course = collect(ps, text::line(&format!("{f}.trainings[{j}].course"), &t.course, text::ADDRESS_MAX_CHARS))?;
        trainings.push(Training { course, completed_on: t.completed_on });
    }
    Some(TeamMember {
        id: m.id,
        full_name: full_name?,
        phone,
        organisation: organisation?,
        role: Role { code: code?, name_vi: role_name?, can_verify: m.role.can_verify },
        trainings,
    })
}

/// Check and clean a team and its members.
pub fn team(t: &NewTeam) -> (Option<NewTeam>, Problems) {
    let mut ps = Problems::new();
    let name = collect(&mut ps, text::line("name", &t.name, text::ADDRESS_MAX_CHARS));
    commune(&mut ps, "commune_key", &t.commune_key);
    if t.members.len() > MAX_TEAM_MEMBERS {
        ps.push(too_many("members", t.members.len(), MAX_TEAM_MEMBERS));
        return (None, ps);
    }
    let mut seen = HashSet::new();
    let mut members = Vec::with_capacity(t.members.len());
    for (i, m) in t.members.iter().enumerate() {
        let f = format!("members[{i}]");
        if !seen.insert(m.id) {
            ps.push(Problem::error(
                format!("{f}.id"),
                ProblemCode::DuplicateEntry,
                "Thành viên này đã có trong tổ",
                "This member is listed twice",
            ));
            continue;
        }
        members.extend(member(&mut ps, &f, m));
    }
    match name {
        Some(name) if !ps.has_content_errors() => (Some(NewTeam { commune_key: t.commune_key.clone(), name, members }), ps),
        _ => (None, ps),
    }
}

/// [`team`] for a stored team (with its id).
pub fn team_record(t: &Team) -> (Option<Team>, Problems) {
    let (clean, ps) = team(&NewTeam { commune_key: t.commune_key.clone(), name: t.name.clone(), members: t.members.clone() });
    (clean.map(|c| Team { id: t.id, commune_key: c.commune_key, name: c.name, members: c.members }), ps)
}

/// [`super::campaign`] for a stored campaign (with its id).
pub fn campaign_record(c: &Campaign) -> (Option<Campaign>, Problems) {
    let new = NewCampaign {
        name: c.name.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        launch_at: c.launch_at,
        targets: c.targets.clone(),
        deadlines: c.deadlines.clone(),
        team_label: c.team_label.clone(),
    };
    let (clean, ps) = super::campaign(&new);
    (
        clean.map(|n| Campaign {
            id: c.id,
            name: n.name,
            starts_on: n.starts_on,
            ends_on: n.ends_on,
            launch_at: n.launch_at,
            targets: n.targets,
            deadlines: n.deadlines,
            team_label: n.team_label,
        }),
        ps,
    )
}

/// The code of a local topic made from what an official typed: `local.`, the unit that
/// adds it (so two communes' topics never share a code), and the folded slug
/// (`Zalo và Facebook` in 2025:c:00004 → `local.2025c00004.zalo_va_facebook`).
pub fn local_topic_code(unit: Option<&str>, slug: &str) -> Result<String, Problem> {
    let slug = crate::search::fold(slug).split_whitespace().collect::<Vec<_>>().join("_");
    if slug.is_empty() {
        return Err(text::required("code"));
    }
    let owner: String = unit.unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    let code = if owner.is_empty() {
        format!("{}{slug}", catalog::LOCAL_TOPIC_PREFIX)
    } else {
        format!("{}{owner}.{slug}", catalog::LOCAL_TOPIC_PREFIX)
    };
    check_len_ascii("code", &code)?;
    Ok(code)
}

fn check_len_ascii(field: &str, code: &str) -> Result<(), Problem> {
    let ok = code.len() <= text::NAME_MAX_CHARS
        && code.len() > catalog::LOCAL_TOPIC_PREFIX.len()
        && code.starts_with(catalog::LOCAL_TOPIC_PREFIX)
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(Problem::error(
            field,
            ProblemCode::Malformed,
            "Mã nội dung phải bắt đầu bằng \"local.\" và chỉ có chữ thường không dấu, số và \"_\"",
            "A topic code starts with \"local.\" and has only lowercase ASCII letters, digits and \"_\"",
        ))
    }
}

/// Check and clean a local topic.
pub fn local_topic(t: &LocalTopic) -> (Option<LocalTopic>, Problems) {
    let mut ps = Problems::new();
    collect(&mut ps, check_len_ascii("code", &t.code));
    let name_vi = collect(&mut ps, text::line("name_vi", &t.name_vi, text::NAME_MAX_CHARS));
    let name_en = collect(&mut ps, text::line("name_en", &t.name_en, text::NAME_MAX_CHARS));
    match (name_vi, name_en) {
        (Some(name_vi), Some(name_en)) if !ps.has_content_errors() => (Some(LocalTopic { code: t.code.clone(), name_vi, name_en }), ps),
        _ => (None, ps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MemberId, TeamId, VillageId};

    fn member(name: &str) -> TeamMember {
        TeamMember {
            id: MemberId::new(),
            full_name: name.into(),
            phone: Some("+84 912 345 678".into()),
            organisation: Organisation::Other("  Hội Cựu chiến binh ".into()),
            role: Role { code: "member".into(), name_vi: "Tổ viên".into(), can_verify: false },
            trainings: vec![],
        }
    }

    #[test]
    fn villages_and_teams_are_cleaned_and_checked() {
        let v = Village { id: VillageId::new(), commune_key: "2025:c:00004".into(), name: "  Bản   Mòng ".into() };
        assert_eq!(village(&v).0.map(|v| v.name).as_deref(), Some("Bản Mòng"));
        let bad = Village { commune_key: "2025:c:99999".into(), ..v };
        assert_eq!(village(&bad).1.errors().next().map(|p| p.code), Some(ProblemCode::UnknownCommune));

        let m = member(" Lò  Văn Pánh ");
        let t = NewTeam { commune_key: "2025:c:00004".into(), name: "Tổ 1".into(), members: vec![m.clone(), m.clone()] };
        let (clean, ps) = team(&t);
        assert!(clean.is_none());
        assert_eq!(ps.errors().next().map(|p| (p.field.as_str(), p.code)), Some(("members[1].id", ProblemCode::DuplicateEntry)));
        let t = NewTeam { members: vec![m], ..t };
        let clean = team(&t).0.expect("valid");
        assert_eq!(clean.members[0].full_name, "Lò Văn Pánh");
        assert_eq!(clean.members[0].phone.as_deref(), Some("0912345678"));
        assert_eq!(clean.members[0].organisation, Organisation::Other("Hội Cựu chiến binh".into()));
        let many = NewTeam { members: (0..=MAX_TEAM_MEMBERS).map(|i| member(&format!("Người {i}"))).collect(), ..t };
        assert_eq!(team(&many).1.errors().next().map(|p| p.code), Some(ProblemCode::TooMany));
        let _ = TeamId::new();
    }

    #[test]
    fn local_topics_have_safe_codes() {
        assert_eq!(local_topic_code(None, " Zalo  và Facebook ").as_deref(), Ok("local.zalo_va_facebook"));
        assert_eq!(local_topic_code(Some("2025:c:00004"), "Zalo").as_deref(), Ok("local.2025c00004.zalo"));
        assert!(local_topic_code(None, "  ").is_err());
        let t = LocalTopic { code: "local.zalo".into(), name_vi: " Dùng Zalo ".into(), name_en: "Using Zalo".into() };
        assert_eq!(local_topic(&t).0.map(|t| t.name_vi).as_deref(), Some("Dùng Zalo"));
        for code in ["zalo", "local.", "local.Zalo", "local.zalo và", "local.a/b"] {
            let bad = LocalTopic { code: code.into(), ..t.clone() };
            assert!(local_topic(&bad).0.is_none(), "{code}");
        }
    }
}
