//! Clients that misbehave: an old app with a bug, a stolen phone, someone who read the
//! protocol doc. Each incident and review finding of issue 8 is a named test here, run
//! on SQLite and PostgreSQL, through the real HTTP surface. (The property-based suite of
//! generated hostile ops is `tests/tests/hostile.rs`.)
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration as Days, Utc};
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, OpId, PersonId, VerificationId, VillageId, VisitId};
use tungnha_core::model::*;
use tungnha_core::problem::ProblemCode;
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::{codec, ApiErrorCode, Cursor, RejectCode, SyncRequest, PROTOCOL_VERSION};
use tungnha_server::engine::ports::Device;

on_both_backends!(
    incident_1_repeated_topics_are_stored_once_and_the_team_keeps_syncing,
    incident_2_enrolment_never_takes_over_another_device,
    incident_3_a_small_body_cannot_take_gigabytes,
    a_clock_from_the_future_is_restamped_and_cannot_freeze_a_record,
    an_op_whose_clock_names_another_device_is_refused,
    a_create_on_an_existing_record_changes_only_editable_fields,
    configuration_belongs_to_the_unit_that_made_it,
    authors_and_attendee_households_are_decided_by_the_server,
    enrolment_codes_are_hashed_rate_limited_and_die_with_their_issuer,
    a_request_is_bounded_before_its_body_is_read,
    revocation_is_checked_inside_the_push,
    scope_is_live_and_a_phone_forgets_what_it_lost,
    citizens_see_group_sessions_of_their_own_household_only,
    a_pull_reads_only_its_own_commune,
    syncs_beyond_capacity_are_turned_away_not_queued,
);

/// An enrolled device that writes ops by hand, with its own sequence.
struct Forger {
    phone: Phone,
    seq: i64,
}

impl Forger {
    fn new(env: &Env, name: &str, req: tungnha_server::enrolment::CodeRequest) -> Forger {
        Forger { phone: env.phone(name, req), seq: 0 }
    }

    fn op(&mut self, entity: Entity, id: impl ToString, kind: OpKind, fields: Value) -> Op {
        self.seq += 1;
        let device = self.phone.device_id();
        Op {
            op_id: OpId::new(),
            device_id: device,
            seq: self.seq,
            hlc: Hlc { millis: Utc::now().timestamp_millis(), counter: 0, device },
            entity,
            entity_id: id.to_string(),
            kind,
            base_version: None,
            schema_version: tungnha_core::store::schema::SCHEMA_VERSION,
            fields,
            created_at: Utc::now(),
        }
    }

    /// One op, sent on its own.
    fn one(&mut self, env: &Env, entity: Entity, id: impl ToString, kind: OpKind, fields: Value) -> tungnha_core::sync::SyncResponse {
        let op = self.op(entity, id, kind, fields);
        self.send(env, vec![op])
    }

    fn send(&self, env: &Env, ops: Vec<Op>) -> tungnha_core::sync::SyncResponse {
        env.raw_sync(&self.phone, &self.phone.request(ops, Cursor::default(), 1)).unwrap()
    }
}

/// The first format's body: JSON compressed by zstd (still read, for old apps).
fn legacy_body(req: &SyncRequest) -> Vec<u8> {
    zstd::bulk::compress(serde_json::to_vec(req).unwrap().as_slice(), 3).unwrap()
}

fn stored(env: &Env, entity: Entity, id: impl ToString) -> Value {
    let r = env.rt.block_on(env.storage().record(entity, id.to_string())).unwrap().unwrap();
    Value::Object(r.state.fields)
}

fn dashboard_ok(env: &Env) {
    let status = ureq::get(format!("{}/api/figures?commune={COMMUNE}", env.url())).call().map(|r| r.status().as_u16()).unwrap_or(0);
    assert_eq!(status, 200, "the dashboard answers");
}

/// A volunteer of team A with a household of two in village A, synced.
fn team_a_household(env: &Env, c: &Commune) -> (Phone, HouseholdId, Vec<PersonId>) {
    let vol = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    env.sync(&vol);
    let (h, people) = household(&vol.store, c.va, "Số 7", "Hà Văn Lả", &["Hà Thị Mai"]);
    env.sync(&vol);
    (vol, h, people)
}

fn incident_1_repeated_topics_are_stored_once_and_the_team_keeps_syncing(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (vol, h, people) = team_a_household(&env, &c);
    // The buggy app's visit: the same topic and skill twice, an attendee twice over in
    // its skill list, sent in the legacy JSON body with the right seq.
    let mut forger = Forger { phone: env.phone("buggy", volunteer(c.team_a, c.volunteer_a)), seq: 0 };
    let visit = Visit {
        id: VisitId::new(),
        place: VisitPlace::Household { household_id: h },
        campaign_id: None,
        team_id: c.team_a,
        volunteer_id: c.volunteer_a,
        occurred_at: Utc::now(),
        recorded_at: Utc::now(),
        attendees: vec![Attendee {
            person_id: people[0],
            household_id: None,
            skills_guided: vec!["online_payment".into(), "online_payment".into()],
            ..Default::default()
        }],
        topics: vec!["vneid".into(), "vneid".into(), " vneid ".into()],
        notes: "  Đã   cài VNeID ".into(),
        location: None,
        supersedes: None,
        correction_reason: None,
        superseded_by: None,
    };
    let op = forger.op(Entity::Visit, visit.id, OpKind::Append, serde_json::to_value(&visit).unwrap());
    let req = forger.phone.request(vec![op], Cursor::default(), 1);
    let reply = env.post("/v1/sync", codec::CONTENT_TYPE, Some(forger.phone.token()), legacy_body(&req));
    assert_eq!(reply.status, 200);
    let resp: tungnha_core::sync::SyncResponse = codec::decode(&reply.body).unwrap();
    assert_eq!(resp.acks.len(), 1, "{:?}", resp.rejected);
    // Stored as the core's validation cleaned it: each code once, the household derived.
    let s = stored(&env, Entity::Visit, visit.id);
    assert_eq!(s["topics"], json!(["vneid"]));
    assert_eq!(s["attendees"][0]["skills_guided"], json!(["online_payment"]));
    assert_eq!(s["attendees"][0]["household_id"], json!(h.to_string()));
    assert_eq!(s["notes"], json!("Đã cài VNeID"));
    // Every phone of the team, the official and the dashboard go on working.
    assert_eq!(env.sync(&vol).skipped, 0);
    assert_eq!(vol.store.household_detail(h).unwrap().visits.len(), 1);
    let leader = env.phone("leader", leader(c.team_a, c.leader_a));
    assert_eq!(env.sync(&leader).skipped, 0);
    env.sync(&c.official);
    dashboard_ok(&env);
    // A field the model does not know is refused, not stored.
    let mut evil = serde_json::to_value(Visit { id: VisitId::new(), ..visit.clone() }).unwrap();
    evil["attendees"][0]["bonus"] = json!({"deep": [[[{}]]]});
    let id = evil["id"].as_str().unwrap().to_owned();
    let r = forger.one(&env, Entity::Visit, &id, OpKind::Append, evil);
    assert_eq!(r.rejected[0].code, RejectCode::Invalid);
    assert_eq!(r.rejected[0].problems[0].code, ProblemCode::Malformed);
    assert!(r.rejected[0].problems[0].field.contains("bonus"), "{:?}", r.rejected[0]);
}

fn incident_2_enrolment_never_takes_over_another_device(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let victim = c.official.device_id();
    // A fresh volunteer code and the official's device id (visible in record versions).
    let code = env.issue(volunteer(c.team_a, c.volunteer_a));
    let (status, body) = env.post_json(
        "/v1/enrol",
        None,
        &json!({"code": code, "device_id": victim, "device_name": "kẻ gian", "schema_version": tungnha_core::store::schema::SCHEMA_VERSION}),
    );
    assert_eq!(status, 200);
    let given: DeviceId = body["device_id"].as_str().unwrap().parse().unwrap();
    assert_ne!(given, victim, "the attacker gets a new id");
    // The official is not locked out, keeps its role, and its sequence goes on.
    c.official.store.add_village(COMMUNE, "Thôn Sau").unwrap();
    let r = env.sync(&c.official);
    assert_eq!((r.progress.ops_acked, r.progress.ops_rejected), (1, 0));
    let devices = env.rt.block_on(env.storage().devices()).unwrap();
    let official = devices.iter().find(|d| d.device_id == victim).unwrap();
    assert_eq!(official.role, tungnha_core::sync::Role::CommuneOfficial);
    // The attacker's token cannot write as the official.
    let token = body["token"].as_str().unwrap();
    let mut req = c.official.request(vec![], Cursor::default(), 1);
    req.device_id = victim;
    let reply = env.post("/v1/sync", codec::CONTENT_TYPE, Some(token), codec::encode(&req).unwrap());
    assert_eq!(reply.status, 401);
    // A phone enrolling again with its own token keeps its id and its sequence.
    let mut official = c.official;
    env.re_enrol(&mut official, official_req());
    assert_eq!(official.device_id(), victim);
    official.store.add_village(COMMUNE, "Thôn Cuối").unwrap();
    assert_eq!(env.sync(&official).progress.ops_rejected, 0);
    // A phone given a new id adopts it: its unsent work goes out under the new id.
    let stranger = env.store("stranger");
    stranger.add_village(COMMUNE, "Thôn Lạ").ok();
    let code = env.issue(official_req());
    let before = stranger.device_id();
    let attacker_like =
        tungnha_core::sync::client::enrol(&stranger, &IdThief { inner: env.transport(), id: victim }, &code, "máy lạ").unwrap();
    assert_ne!(stranger.device_id(), victim);
    assert_ne!(stranger.device_id(), before);
    let phone = Phone { store: stranger, enrolment: attacker_like };
    assert_eq!(env.sync(&phone).progress.ops_rejected, 0, "{:?}", phone.store.rejected_ops());
}

fn official_req() -> tungnha_server::enrolment::CodeRequest {
    official(COMMUNE)
}

/// A transport that rewrites the device id an enrolment asks for (a phone copied from
/// another, or a tampered app).
struct IdThief {
    inner: tungnha_core::sync::http::HttpTransport,
    id: DeviceId,
}

impl tungnha_core::sync::client::Transport for IdThief {
    fn post(
        &self,
        path: &str,
        content_type: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<tungnha_core::sync::client::Reply, tungnha_core::sync::client::TransportError> {
        let mut v: Value = serde_json::from_slice(&body).unwrap();
        v["device_id"] = json!(self.id);
        self.inner.post(path, content_type, token, serde_json::to_vec(&v).unwrap())
    }
}

/// Peak resident memory of this process (the server runs in it), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb * 1024)
}

fn incident_3_a_small_body_cannot_take_gigabytes(b: Backend) {
    let env = Env::new(&b);
    let phone = env.phone("p", official(COMMUNE));
    // Objects with millions of empty keys, a few kilobytes on the wire.
    // An array of one object whose column names three million empty keys.
    let mut payload = vec![8u8, 1, 6];
    let keys = 3_000_000u64;
    let mut v = keys;
    while v >= 0x80 {
        payload.push(v as u8 | 0x80);
        v >>= 7;
    }
    payload.push(v as u8);
    for _ in 0..keys {
        payload.extend_from_slice(&[0, 0]);
    }
    payload.extend_from_slice(&[1, 0]);
    let frame = zstd::bulk::compress(&payload, 19).unwrap();
    let body = [&[b'T', 1][..], &frame[4..]].concat();
    assert!(body.len() < 4_096, "{} bytes", body.len());
    // And a legacy body that would expand enormously.
    let legacy = zstd::bulk::compress(format!("[{}0]", "0,".repeat(8 << 20)).as_bytes(), 19).unwrap();
    let before = peak_rss();
    let started = Instant::now();
    std::thread::scope(|s| {
        for i in 0..8 {
            let body = if i % 2 == 0 { body.clone() } else { legacy.clone() };
            let env = &env;
            let token = phone.token().to_owned();
            s.spawn(move || {
                let reply = env.post("/v1/sync", codec::CONTENT_TYPE, Some(&token), body);
                assert!(matches!(reply.status, 400 | 413), "{}", reply.status);
            });
        }
    });
    if let (Some(a), Some(z)) = (before, peak_rss()) {
        let grew = z.saturating_sub(a);
        assert!(grew < 600 << 20, "eight hostile bodies grew the server by {} MB", grew >> 20);
    }
    // Not a timing assertion: far above what a bounded decoder needs, far below 8 × 30 s.
    assert!(started.elapsed() < Duration::from_secs(60));
    // The server still serves.
    assert_eq!(env.sync(&phone).progress.ops_rejected, 0);
}

fn a_clock_from_the_future_is_restamped_and_cannot_freeze_a_record(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (vol, h, _) = team_a_household(&env, &c);
    let mut f = Forger::new(&env, "time-traveller", volunteer(c.team_a, c.volunteer_a));
    let mut op = f.op(Entity::Household, h, OpKind::Update, json!({"address": "Số 9 (sai)"}));
    op.hlc.millis = i64::MAX / 2;
    op.hlc.counter = u32::MAX;
    let r = f.send(&env, vec![op]);
    assert_eq!(r.acks.len(), 1, "a fact from a wrong clock is still kept: {:?}", r.rejected);
    let record = env.rt.block_on(env.storage().record(Entity::Household, h.to_string())).unwrap().unwrap();
    let version = record.state.version().unwrap();
    assert!(version.millis <= (Utc::now() + Days::minutes(16)).timestamp_millis(), "re-stamped: {version:?}");
    // A later honest edit still wins, and no phone's clock is dragged to the end of time.
    vol.store.update_household(h, &HouseholdPatch { address: Some("Số 9".into()), ..Default::default() }).unwrap();
    env.sync(&vol);
    env.sync(&c.official);
    assert_eq!(stored(&env, Entity::Household, h)["address"], json!("Số 9"));
    assert_eq!(c.official.store.household_detail(h).unwrap().household.address, "Số 9");
    let next = c.official.store.add_village(COMMUNE, "Thôn Mới").unwrap();
    env.sync(&c.official);
    let v = env.rt.block_on(env.storage().record(Entity::Village, next.to_string())).unwrap().unwrap();
    assert!(v.state.version().unwrap().millis < (Utc::now() + Days::hours(2)).timestamp_millis());
}

fn an_op_whose_clock_names_another_device_is_refused(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (_, h, _) = team_a_household(&env, &c);
    let mut f = Forger::new(&env, "f", volunteer(c.team_a, c.volunteer_a));
    let mut op = f.op(Entity::Household, h, OpKind::Update, json!({"address": "Số 10"}));
    op.hlc.device = c.official.device_id();
    let r = f.send(&env, vec![op]);
    assert_eq!(r.rejected[0].code, RejectCode::Invalid);
}

fn a_create_on_an_existing_record_changes_only_editable_fields(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (_, h, people) = team_a_household(&env, &c);
    let mut f = Forger::new(&env, "f", official(COMMUNE));
    let existing = stored(&env, Entity::Household, h);
    // Moving the household to village B by "creating" it again: refused.
    let mut moved = existing.clone();
    moved["village_id"] = json!(c.vb.to_string());
    let r = f.one(&env, Entity::Household, h, OpKind::Create, moved);
    assert_eq!(r.rejected[0].problems[0].code, ProblemCode::NotEditable, "{:?}", r.rejected);
    // The same with only an editable field changed: an edit, like an update.
    let mut edited = existing;
    edited["address"] = json!("Số 8");
    let r = f.one(&env, Entity::Household, h, OpKind::Create, edited);
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    assert_eq!(stored(&env, Entity::Household, h)["address"], json!("Số 8"));
    assert_eq!(stored(&env, Entity::Household, h)["village_id"], json!(c.va.to_string()));
    // A person's name "created" again from another base is a conflict for the leader.
    let mut person = stored(&env, Entity::Person, people[0]);
    person["full_name"] = json!("Hà Văn Lã");
    let r = f.one(&env, Entity::Person, people[0], OpKind::Create, person);
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    let leader = env.phone("leader", leader(c.team_a, c.leader_a));
    env.sync(&leader);
    assert_eq!(leader.store.conflicts().unwrap().len(), 1);
    // A fact under an existing id with other content is refused, not merged.
    let visit_op = {
        let v = env.phone("v2", volunteer(c.team_a, c.volunteer_a));
        env.sync(&v);
        v.store.record_visit(&visit(&v.store, c.team_a, c.volunteer_a, h, &people)).unwrap();
        env.sync(&v);
        v.store.household_detail(h).unwrap().visits[0].clone()
    };
    let mut changed = serde_json::to_value(&visit_op).unwrap();
    changed["notes"] = json!("sửa lén");
    let r = f.one(&env, Entity::Visit, visit_op.id, OpKind::Append, changed);
    assert_eq!(r.rejected[0].code, RejectCode::OpIdReused);
}

fn configuration_belongs_to_the_unit_that_made_it(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let campaign = stored(&env, Entity::Campaign, c.campaign);
    let mut other = Forger::new(&env, "other", official(OTHER_COMMUNE));
    let r = other.one(&env, Entity::Campaign, c.campaign, OpKind::Update, json!({"name": "Đợt của xã khác"}));
    assert_eq!(r.rejected[0].code, RejectCode::OutOfScope);
    let r = other.one(&env, Entity::Campaign, c.campaign, OpKind::Delete, json!({}));
    assert_eq!(r.rejected[0].code, RejectCode::OutOfScope);
    let mut leader = Forger::new(&env, "leader", leader(c.team_a, c.leader_a));
    let r = leader.one(&env, Entity::Campaign, c.campaign, OpKind::Update, json!({"name": "x"}));
    assert_eq!(r.rejected[0].code, RejectCode::OutOfScope);
    // The province over the commune may; the record keeps its owner.
    let mut province = Forger::new(&env, "province", province_official(PROVINCE));
    let r = province.one(&env, Entity::Campaign, c.campaign, OpKind::Update, json!({"name": "Đợt cao điểm của tỉnh"}));
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    assert_eq!(stored(&env, Entity::Campaign, c.campaign)["starts_on"], campaign["starts_on"]);
    // Everyone still sees it.
    let far = env.phone("far", official(FAR_COMMUNE));
    assert!(has(&env.pull_all(&far), Entity::Campaign, c.campaign));
}

fn authors_and_attendee_households_are_decided_by_the_server(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (_, h, people) = team_a_household(&env, &c);
    let mut vol = Forger::new(&env, "vol", volunteer(c.team_a, c.volunteer_a));
    // A visit in another volunteer's name.
    let mut v = serde_json::to_value(Visit {
        id: VisitId::new(),
        place: VisitPlace::Household { household_id: h },
        campaign_id: None,
        team_id: c.team_a,
        volunteer_id: c.leader_a,
        occurred_at: Utc::now(),
        recorded_at: Utc::now(),
        attendees: vec![Attendee { person_id: people[0], household_id: Some(HouseholdId::new()), ..Default::default() }],
        topics: vec!["vneid".into()],
        notes: String::new(),
        location: None,
        supersedes: None,
        correction_reason: None,
        superseded_by: None,
    })
    .unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    let r = vol.one(&env, Entity::Visit, &id, OpKind::Append, v.clone());
    assert_eq!(r.rejected[0].problems[0].code, ProblemCode::WrongAuthor, "{:?}", r.rejected);
    // In its own name, with a forged attendee household: the server derives it.
    v["volunteer_id"] = json!(c.volunteer_a.to_string());
    v["id"] = json!(VisitId::new().to_string());
    let id = v["id"].as_str().unwrap().to_owned();
    let r = vol.one(&env, Entity::Visit, &id, OpKind::Append, v);
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    assert_eq!(stored(&env, Entity::Visit, &id)["attendees"][0]["household_id"], json!(h.to_string()));
    // A leader verifies as itself, never as another leader; a volunteer not at all.
    let mut lead = Forger::new(&env, "lead", leader(c.team_a, c.leader_a));
    let verification = |leader_id: MemberId| {
        json!(SkillVerification {
            id: VerificationId::new(),
            person_id: people[0],
            skill: "online_payment".into(),
            leader_id,
            at: Utc::now()
        })
    };
    let as_b = verification(c.leader_b);
    let r = lead.one(&env, Entity::SkillVerification, as_b["id"].as_str().unwrap(), OpKind::Append, as_b.clone());
    assert_eq!(r.rejected[0].problems[0].code, ProblemCode::WrongAuthor);
    let own = verification(c.leader_a);
    let r = lead.one(&env, Entity::SkillVerification, own["id"].as_str().unwrap(), OpKind::Append, own.clone());
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    let by_volunteer = verification(c.volunteer_a);
    let r = vol.one(&env, Entity::SkillVerification, by_volunteer["id"].as_str().unwrap(), OpKind::Append, by_volunteer.clone());
    assert_eq!(r.rejected[0].code, RejectCode::OutOfScope);
}

fn enrolment_codes_are_hashed_rate_limited_and_die_with_their_issuer(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let code = env.issue(volunteer(c.team_a, c.volunteer_a));
    // The database keeps no usable code.
    let storage = env.storage();
    if let tungnha_server::DatabaseConfig::Sqlite(path) = &env.database {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut st = conn.prepare("SELECT code_sha256 FROM enrolment_codes").unwrap();
        let stored: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(!stored.is_empty() && stored.iter().all(|s| s.len() == 64 && !s.contains(&code)));
    }
    // A leader issues a code, then the leader's phone is revoked: the code dies with it.
    let lead = env.phone("leader", leader(c.team_a, c.leader_a));
    let (status, issued) = env.post_json("/v1/enrolment-codes", Some(lead.token()), &json!({"role": "volunteer", "team_id": c.team_a}));
    assert_eq!(status, 200, "{issued}");
    env.rt.block_on(storage.revoke(lead.device_id(), Utc::now())).unwrap();
    let fresh = env.store("fresh");
    let err = tungnha_core::sync::client::enrol(&fresh, &env.transport(), issued["code"].as_str().unwrap(), "x").unwrap_err();
    assert!(matches!(err, tungnha_core::sync::client::SyncError::Server { code: ApiErrorCode::Unauthorized, .. }), "{err:?}");
    // Guessing is locked out after a handful of wrong codes, and the answer says so.
    let mut locked = false;
    for i in 0..12 {
        let (status, body) = env.post_json(
            "/v1/enrol",
            None,
            &json!({"code": format!("ZZZZ{:04}", 2222 + i), "device_id": DeviceId::new(), "device_name": "x", "schema_version": 6}),
        );
        if status == 429 {
            assert_eq!(body["code"], json!("too_many_attempts"));
            assert!(body["message_vi"].as_str().unwrap().contains("thử lại"));
            locked = true;
            break;
        }
        assert_eq!(status, 401);
    }
    assert!(locked, "wrong codes are locked out");
    // Even the right code waits out the lockout from that address.
    let (status, _) =
        env.post_json("/v1/enrol", None, &json!({"code": code, "device_id": DeviceId::new(), "device_name": "x", "schema_version": 6}));
    assert_eq!(status, 429);
}

fn a_request_is_bounded_before_its_body_is_read(b: Backend) {
    let limits = tungnha_server::Limits { request_timeout: Duration::from_secs(2), ..tungnha_server::Limits::default() };
    let env = Env::with_config(&b, tungnha_server::TestHooks::default(), limits);
    let phone = env.phone("p", official(COMMUNE));
    let addr = env.url().trim_start_matches("http://").to_owned();
    // No token and a large body announced but never sent: answered 401 at once.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Type: {}\r\nContent-Length: 3000000\r\n\r\n", codec::CONTENT_TYPE).unwrap();
    let mut answer = [0u8; 64];
    let n = s.read(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 401"), "{}", String::from_utf8_lossy(&answer[..n]));
    // With a token, a body dribbled slower than the timeout is cut off.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: {}\r\nContent-Length: 1000\r\n\r\nT",
        phone.token(),
        codec::CONTENT_TYPE
    )
    .unwrap();
    let n = s.read(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&answer[..n]));
    // More ops than one request may carry.
    let mut f = Forger { phone, seq: 0 };
    let village = |i: usize| json!({"id": VillageId::new(), "commune_key": COMMUNE, "name": format!("Thôn {i}")});
    let ops: Vec<Op> = (0..1001)
        .map(|i| {
            let v = village(i);
            f.op(Entity::Village, v["id"].as_str().unwrap(), OpKind::Create, v.clone())
        })
        .collect();
    let err = env.raw_sync(&f.phone, &f.phone.request(ops, Cursor::default(), 1)).unwrap_err();
    assert_eq!(err.0, 413);
    assert!(err.1.message_en.contains("Too many operations"));
    // An old protocol number is told to update, nothing applied.
    let mut req = f.phone.request(vec![], Cursor::default(), 1);
    req.protocol = PROTOCOL_VERSION + 1;
    assert_eq!(env.raw_sync(&f.phone, &req).unwrap_err().1.code, ApiErrorCode::UpdateRequired);
}

fn revocation_is_checked_inside_the_push(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    c.official.store.add_village(COMMUNE, "Thôn Muộn").unwrap();
    let storage = env.storage();
    let device: Device = env.rt.block_on(storage.devices()).unwrap().into_iter().find(|d| d.device_id == c.official.device_id()).unwrap();
    // Authenticated a moment ago; revoked before its transaction starts.
    env.rt.block_on(storage.revoke(device.device_id, Utc::now())).unwrap();
    let err = env.rt.block_on(storage.push(device, c.official.pending(), Utc::now())).unwrap_err();
    assert!(matches!(err, tungnha_server::StoreError::DeviceRevoked), "{err:?}");
    assert!(matches!(
        env.try_sync(&c.official),
        Err(tungnha_core::sync::client::SyncError::Server { code: ApiErrorCode::Unauthorized, .. })
    ));
}

fn scope_is_live_and_a_phone_forgets_what_it_lost(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (vol, h, people) = team_a_household(&env, &c);
    vol.store.record_visit(&visit(&vol.store, c.team_a, c.volunteer_a, h, &people)).unwrap();
    env.sync(&vol);
    env.sync(&c.official);
    // The official removes the volunteer from team A.
    let team = stored(&env, Entity::Team, c.team_a);
    let mut members: Vec<Value> = team["members"].as_array().unwrap().clone();
    members.retain(|m| m["id"] != json!(c.volunteer_a.to_string()));
    let mut office = Forger::new(&env, "office", official(COMMUNE));
    let r = office.one(&env, Entity::Team, c.team_a, OpKind::Update, json!({"members": members}));
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    // The volunteer's next sync forgets the team's households, and it may no longer write.
    let report = env.sync(&vol);
    assert!(report.purged >= 1, "{report:?}");
    assert!(vol.store.household_detail(h).is_err(), "the household is gone from the phone");
    let r = env.raw_sync(&vol, &vol.request(vec![], vol.store.sync_cursor().unwrap(), 1)).unwrap();
    assert!(r.changes.iter().all(|c| c.entity == Entity::Campaign || c.entity == Entity::LocalTopic));
    // Another team's phone: its assignment is deleted, and it forgets that village.
    let vb = env.phone("vb", volunteer(c.team_b, c.volunteer_b));
    env.sync(&vb);
    let (hb, _) = household(&vb.store, c.vb, "Số 1", "Lê Thị Bé", &[]);
    env.sync(&vb);
    let assignment = env.pull_all(&vb).into_iter().find(|ch| ch.entity == Entity::Assignment).unwrap();
    let r = office.one(&env, Entity::Assignment, &assignment.id, OpKind::Delete, json!({}));
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    let report = env.sync(&vb);
    assert!(report.purged >= 1 && vb.store.household_detail(hb).is_err(), "{report:?}");
}

fn citizens_see_group_sessions_of_their_own_household_only(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let vol = env.phone("vol", volunteer(c.team_a, c.volunteer_a));
    env.sync(&vol);
    let (h1, p1) = household(&vol.store, c.va, "Số 1", "Quàng Văn Một", &[]);
    let (h2, p2) = household(&vol.store, c.va, "Số 2", "Quàng Thị Hai", &[]);
    let session = NewVisit {
        place: VisitPlace::Group { place: "Nhà văn hoá bản".into() },
        campaign_id: None,
        team_id: c.team_a,
        volunteer_id: c.volunteer_a,
        occurred_at: vol.store.now(),
        attendees: vec![Attendee { person_id: p1[0], ..Default::default() }, Attendee { person_id: p2[0], ..Default::default() }],
        topics: vec!["online_safety".into()],
        notes: "Bà Hai cần hướng dẫn thêm về mật khẩu".into(),
        location: None,
        supersedes: None,
        correction_reason: None,
    };
    let id = vol.store.record_visit(&session).unwrap().id;
    env.sync(&vol);
    let citizen = env.phone("citizen", citizen(h1));
    let got = env.pull_all(&citizen).into_iter().find(|ch| ch.entity == Entity::Visit && ch.id == id.to_string()).unwrap();
    let attendees = got.state["attendees"].as_array().unwrap();
    assert_eq!(attendees.len(), 1);
    assert_eq!(attendees[0]["person_id"], json!(p1[0].to_string()));
    assert_eq!(got.state["notes"], json!(""));
    assert!(!env.pull_all(&citizen).iter().any(|ch| ch.id == h2.to_string()));
}

fn a_pull_reads_only_its_own_commune(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (vol, _, _) = team_a_household(&env, &c);
    // Another commune's office records a lot.
    let other = env.phone("other", official(OTHER_COMMUNE));
    let ov = other.store.add_village(OTHER_COMMUNE, "Thôn Xa").unwrap();
    for i in 0..40 {
        household(&other.store, ov, &format!("Số {i}"), "Người Xã Khác", &["Con"]);
    }
    env.sync(&other);
    let storage = env.storage();
    let device = env.rt.block_on(storage.devices()).unwrap().into_iter().find(|d| d.device_id == vol.device_id()).unwrap();
    let page = env.rt.block_on(storage.pull(device, Cursor::default(), 1 << 20)).unwrap();
    let ours = env.pull_all(&env.phone("reader", official(COMMUNE))).len();
    assert!(page.scanned <= ours + 2, "a team pull read {} rows; its commune holds {ours}", page.scanned);
}

fn syncs_beyond_capacity_are_turned_away_not_queued(b: Backend) {
    let (hooks, slow) = slow_devices(Duration::from_millis(1500));
    let limits = tungnha_server::Limits { concurrent_syncs: 1, ..tungnha_server::Limits::default() };
    let env = Env::with_config(&b, hooks, limits);
    let a = env.phone("a", official(COMMUNE));
    let other = env.phone("b", official(COMMUNE));
    a.store.add_village(COMMUNE, "Thôn Chậm").unwrap();
    slow.lock().unwrap().insert(a.device_id());
    std::thread::scope(|s| {
        let held = s.spawn(|| env.sync(&a));
        std::thread::sleep(Duration::from_millis(400));
        let reply = env.post(
            "/v1/sync",
            codec::CONTENT_TYPE,
            Some(other.token()),
            codec::encode(&other.request(vec![], Cursor::default(), 1)).unwrap(),
        );
        assert_eq!(reply.status, 503);
        let err: tungnha_core::sync::ApiError = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(err.code, ApiErrorCode::Unavailable);
        held.join().unwrap();
    });
    assert_eq!(env.sync(&other).progress.ops_rejected, 0);
}
