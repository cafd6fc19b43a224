//! The server's contract (docs/sync-protocol.md), through its real HTTP surface, with
//! real phones and the core's sync client. Every scenario runs on SQLite and, under
//! `scripts/with-postgres.sh`, on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Utc;
use common::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use tungnha_core::ids::OpId;
use tungnha_core::model::*;
use tungnha_core::store::PersonPatch;
use tungnha_core::sync::client::{self, SyncError};
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::{ApiErrorCode, Cursor, RejectCode, Role as DeviceRole, MIN_CLIENT_SCHEMA};
use tungnha_testkit::people::{member, person, Duty};
use tungnha_testkit::OffsetClock;

on_both_backends!(
    health_and_request_errors,
    enrolment_codes_are_single_use_expire_and_tokens_can_be_revoked,
    codes_issued_through_the_api_stay_in_the_issuers_scope,
    resent_ops_are_acknowledged_not_reapplied,
    a_gap_defers_later_ops_until_the_missing_one_arrives,
    out_of_scope_ops_are_refused_one_by_one,
    pull_is_scoped_to_the_device,
    pages_are_bounded_by_bytes_and_skip_nothing,
    a_slow_commit_is_never_skipped_by_a_reader,
    an_old_app_is_told_to_update,
    concurrent_name_edits_become_a_conflict_for_the_leader,
    roles_decide_who_writes_which_facts,
    a_wrong_phone_clock_does_not_lose_a_visit,
    two_phones_may_correct_the_same_visit,
    a_delete_is_a_tombstone_that_reaches_the_team,
    one_record_created_by_two_syncs_at_once_is_merged,
    graceful_shutdown_finishes_the_sync_in_flight,
);

fn health_and_request_errors(b: Backend) {
    let env = Env::new(&b);
    let mut resp = ureq::get(format!("{}/health", env.url())).call().unwrap();
    let health: serde_json::Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["db"], if b.is_postgres() { "postgres" } else { "sqlite" });
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));

    let phone = env.phone("p", official(COMMUNE));
    // No token, garbage token.
    let reply = env.post("/v1/sync", "application/vnd.tungnha.v1+zstd", None, vec![1, 2, 3]);
    assert_eq!(reply.status, 401);
    let reply = env.post("/v1/sync", "application/vnd.tungnha.v1+zstd", Some("nope"), vec![1, 2, 3]);
    assert_eq!(reply.status, 401);
    // A body that is not an encoded request.
    let reply = env.post("/v1/sync", "application/vnd.tungnha.v1+zstd", Some(phone.token()), b"not zstd".to_vec());
    assert_eq!(reply.status, 400);
    let err: tungnha_core::sync::ApiError = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(err.code, ApiErrorCode::BadRequest);
    assert!(err.message_vi.contains("Không đọc được") && err.message_en.contains("could not be read"), "{err:?}");
    // Too large a body.
    let reply = env.post(
        "/v1/sync",
        "application/vnd.tungnha.v1+zstd",
        Some(phone.token()),
        vec![0; tungnha_server::Limits::default().sync_body + 1],
    );
    assert_eq!(reply.status, 413);
    let err: tungnha_core::sync::ApiError = serde_json::from_slice(&reply.body).unwrap();
    assert!(err.message_en.contains("too large"), "{err:?}");
    // A token used for another device's requests.
    let mut req = phone.request(vec![], Cursor::default(), 0);
    req.device_id = tungnha_core::ids::DeviceId::new();
    assert_eq!(env.raw_sync(&phone, &req).unwrap_err().0, 401);
    // Broken enrolment requests.
    assert_eq!(env.post("/v1/enrol", "application/json", None, b"{".to_vec()).status, 400);
    let (status, body) = env.post_json(
        "/v1/enrol",
        None,
        &json!({"code": "ABCD2345", "device_id": phone.device_id(), "device_name": "x", "schema_version": MIN_CLIENT_SCHEMA}),
    );
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(env.post("/v1/nothing-here", "application/json", None, vec![]).status, 404);
}

fn enrolment_codes_are_single_use_expire_and_tokens_can_be_revoked(b: Backend) {
    let env = Env::new(&b);
    let code = env.issue(official(COMMUNE));
    assert_eq!(code.len(), 8);
    let a = env.store("a");
    // People type codes in lower case and with a dash; the code still works.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let enrolment = client::enrol(&a, &env.transport(), &typed, "Máy của xã").unwrap();
    assert_eq!(enrolment.role, DeviceRole::CommuneOfficial);
    assert_eq!(enrolment.commune_key.as_deref(), Some(COMMUNE));
    assert_eq!(enrolment.token.len(), 64);
    // Single use.
    let b_store = env.store("b");
    assert!(matches!(
        client::enrol(&b_store, &env.transport(), &code, "Máy khác"),
        Err(SyncError::Server { code: ApiErrorCode::Unauthorized, .. })
    ));
    // Expired: issued eight days ago with the default validity of seven.
    let old = env.issue_at(official(COMMUNE), Utc::now() - chrono::Duration::days(8));
    assert!(matches!(
        client::enrol(&b_store, &env.transport(), &old, "Máy khác"),
        Err(SyncError::Server { code: ApiErrorCode::Unauthorized, .. })
    ));
    // The token works until it is revoked.
    let a = Phone { store: a, enrolment };
    a.store.add_village(COMMUNE, "Thôn Một").unwrap();
    env.sync(&a);
    assert!(env.rt.block_on(env.storage().revoke(a.device_id(), Utc::now())).unwrap());
    let devices = env.rt.block_on(env.storage().devices()).unwrap();
    let listed = devices.iter().find(|d| d.device_id == a.device_id()).unwrap();
    assert!(listed.revoked && listed.role == DeviceRole::CommuneOfficial && listed.name == "Máy của xã");
    a.store.add_village(COMMUNE, "Thôn Hai").unwrap();
    match env.try_sync(&a) {
        Err(SyncError::Server { status: 401, code: ApiErrorCode::Unauthorized, message_vi, message_en }) => {
            assert!(message_vi.contains("thu hồi") && message_en.contains("revoked"), "{message_vi} / {message_en}");
        }
        other => panic!("a revoked token must get 401, got {other:?}"),
    }
    assert_eq!(a.store.pending_count().unwrap(), 1, "nothing is lost while the device is locked out");
    // A new code re-enrols the same phone; its pending op then goes through.
    let mut a = a;
    env.re_enrol(&mut a, official(COMMUNE));
    let report = env.sync(&a);
    assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (1, 0));
}

fn codes_issued_through_the_api_stay_in_the_issuers_scope(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (ha, _) = household(&c.official.store, c.va, "Số 1", "Nguyễn Văn An", &[]);
    let (hb, _) = household(&c.official.store, c.vb, "Số 2", "Trần Văn Bình", &[]);
    env.sync(&c.official);
    let issue = |token: &str, body: serde_json::Value| env.post_json("/v1/enrolment-codes", Some(token), &body);

    let leader = env.phone("leader", leader(c.team_a, c.leader_a));
    let (status, body) = issue(leader.token(), json!({"role": "volunteer", "team_id": c.team_a, "member_id": c.volunteer_a}));
    assert_eq!(status, 200, "{body}");
    let code = body["code"].as_str().unwrap().to_owned();
    assert!(body["expires_at"].as_str().is_some());
    let phone = env.store("new-volunteer");
    let e = client::enrol(&phone, &env.transport(), &code, "Máy tình nguyện viên").unwrap();
    assert_eq!((e.role, e.team_id, e.member_id), (DeviceRole::Volunteer, Some(c.team_a), Some(c.volunteer_a)));
    assert_eq!(e.commune_key.as_deref(), Some(COMMUNE));
    // A leader: only their own team, only volunteers and citizens of their area.
    assert_eq!(issue(leader.token(), json!({"role": "volunteer", "team_id": c.team_b})).0, 403);
    assert_eq!(issue(leader.token(), json!({"role": "commune_official", "commune_key": COMMUNE})).0, 403);
    assert_eq!(issue(leader.token(), json!({"role": "citizen", "household_id": ha})).0, 200);
    assert_eq!(issue(leader.token(), json!({"role": "citizen", "household_id": hb})).0, 403);
    // A member that is not in the team, a team that does not exist, nonsense.
    assert_eq!(issue(leader.token(), json!({"role": "volunteer", "team_id": c.team_a, "member_id": c.volunteer_b})).0, 400);
    assert_eq!(issue(leader.token(), json!({"role": "volunteer", "team_id": tungnha_core::ids::TeamId::new()})).0, 400);
    assert_eq!(issue(leader.token(), json!({"role": "mayor"})).0, 400);
    assert_eq!(issue(leader.token(), json!({"role": "volunteer", "team_id": c.team_a, "ttl_hours": 0})).0, 400);
    // Volunteers issue nothing; no token, nothing.
    let vol = env.phone("vol", volunteer(c.team_a, c.volunteer_a));
    let (status, body) = issue(vol.token(), json!({"role": "citizen", "household_id": ha}));
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(env.post_json("/v1/enrolment-codes", None, &json!({"role": "citizen", "household_id": ha})).0, 401);
    // A commune official: anything in the commune, nothing above or beside it.
    let off = &c.official;
    assert_eq!(issue(off.token(), json!({"role": "team_leader", "team_id": c.team_b, "member_id": c.leader_b})).0, 200);
    assert_eq!(issue(off.token(), json!({"role": "commune_official", "commune_key": COMMUNE})).0, 200);
    assert_eq!(issue(off.token(), json!({"role": "commune_official", "commune_key": OTHER_COMMUNE})).0, 403);
    assert_eq!(issue(off.token(), json!({"role": "province_official", "commune_key": PROVINCE})).0, 403);
    // A province official: its communes, not another province's.
    let prov = env.phone("province", province_official(PROVINCE));
    assert_eq!(issue(prov.token(), json!({"role": "commune_official", "commune_key": OTHER_COMMUNE})).0, 200);
    assert_eq!(issue(prov.token(), json!({"role": "commune_official", "commune_key": FAR_COMMUNE})).0, 403);
    assert_eq!(issue(prov.token(), json!({"role": "commune_official", "commune_key": "2025:c:99999"})).0, 400);
}

fn resent_ops_are_acknowledged_not_reapplied(b: Backend) {
    let env = Env::new(&b);
    let o = env.phone("official", official(COMMUNE));
    let village = o.store.add_village(COMMUNE, "Thôn Một").unwrap();
    let team = o
        .store
        .add_team(&NewTeam {
            commune_key: COMMUNE.into(),
            name: "Tổ 1".into(),
            members: vec![member("Lò Văn An", Duty::Leader, Organisation::YouthUnion).into()],
        })
        .unwrap();
    let ops = o.pending();
    let op_ids: Vec<OpId> = ops.iter().map(|op| op.op_id).collect();
    let request = o.request(ops.clone(), Cursor::default(), 0);

    let first = env.raw_sync(&o, &request).unwrap();
    assert_eq!(first.acks, op_ids);
    assert!(first.rejected.is_empty() && first.deferred.is_empty());
    assert!(has(&first.changes, Entity::Village, village) && has(&first.changes, Entity::Team, team));
    // The answer was lost: the phone sends the very same request again.
    let second = env.raw_sync(&o, &request).unwrap();
    assert_eq!(second.acks, op_ids, "acknowledged again");
    assert!(second.rejected.is_empty());
    assert_eq!(second.changes, first.changes, "same records, same versions");
    assert_eq!(second.next_cursor, first.next_cursor, "nothing was written again");
    let after = env.raw_sync(&o, &o.request(ops.clone(), first.next_cursor.clone(), 0)).unwrap();
    assert!(after.changes.is_empty(), "a resend makes no new change: {:?}", after.changes);

    // The same op id with other content is refused, and changes nothing.
    let mut forged = ops[0].clone();
    forged.fields["name"] = json!("Thôn Khác");
    let r = env.raw_sync(&o, &o.request(vec![forged], first.next_cursor.clone(), 0)).unwrap();
    assert_eq!(r.rejected.len(), 1);
    assert_eq!((r.rejected[0].op_id, r.rejected[0].code), (ops[0].op_id, RejectCode::OpIdReused));
    assert!(r.acks.is_empty() && r.changes.is_empty());
    // A new op id with a used sequence number: refused too.
    let mut reseq = ops[0].clone();
    reseq.op_id = OpId::new();
    let r = env.raw_sync(&o, &o.request(vec![reseq], first.next_cursor.clone(), 0)).unwrap();
    assert_eq!(r.rejected[0].code, RejectCode::OpIdReused);
    let all = env.pull_all(&o);
    let village_state = all.iter().find(|c| c.entity == Entity::Village).unwrap();
    assert_eq!(village_state.state["name"], "Thôn Một");
    assert_eq!(all.iter().filter(|c| c.entity == Entity::Village).count(), 1);
}

fn a_gap_defers_later_ops_until_the_missing_one_arrives(b: Backend) {
    let env = Env::new(&b);
    let o = env.phone("official", official(COMMUNE));
    let village = o.store.add_village(COMMUNE, "Thôn Một").unwrap();
    let team = o.store.add_team(&NewTeam { commune_key: COMMUNE.into(), name: "Tổ 1".into(), members: vec![] }).unwrap();
    o.store.assign(team, None, AssignmentTarget::Village(village)).unwrap();
    let ops = o.pending();
    assert_eq!(ops.iter().map(|op| op.seq).collect::<Vec<_>>(), vec![1, 2, 3]);

    // An older request went missing: 2 and 3 arrive first.
    let r = env.raw_sync(&o, &o.request(ops[1..].to_vec(), Cursor::default(), 0)).unwrap();
    assert!(r.acks.is_empty() && r.rejected.is_empty());
    assert_eq!(r.deferred, vec![ops[1].op_id, ops[2].op_id]);
    assert!(!has(&r.changes, Entity::Team, team), "deferred ops are not applied");
    // 1 alone, then 3 alone (still a gap), then 2 and 3.
    let r = env.raw_sync(&o, &o.request(vec![ops[0].clone()], Cursor::default(), 0)).unwrap();
    assert_eq!(r.acks, vec![ops[0].op_id]);
    let r = env.raw_sync(&o, &o.request(vec![ops[2].clone()], Cursor::default(), 0)).unwrap();
    assert_eq!((r.acks.len(), r.deferred), (0, vec![ops[2].op_id]));
    let r = env.raw_sync(&o, &o.request(ops.clone(), Cursor::default(), 0)).unwrap();
    assert_eq!(r.acks, ops.iter().map(|op| op.op_id).collect::<Vec<_>>());
    assert!(has(&r.changes, Entity::Village, village) && has(&r.changes, Entity::Team, team));
    assert_eq!(ids(&r.changes)[&Entity::Assignment].len(), 1);
}

fn out_of_scope_ops_are_refused_one_by_one(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    // A phone that served the commune office is handed to a volunteer of team A: it
    // still holds both villages, but may now only write in village A.
    let mut v = env.phone("v", official(COMMUNE));
    env.sync(&v);
    env.re_enrol(&mut v, volunteer(c.team_a, c.volunteer_a));
    let (ha, ha_people) = household(&v.store, c.va, "Số 1", "Nguyễn Văn An", &[]);
    let (hb, hb_people) = household(&v.store, c.vb, "Số 2", "Trần Thị Bình", &[]);
    let (ha2, _) = household(&v.store, c.va, "Số 3", "Lê Văn Cường", &[]);
    v.store.record_visit(&visit(&v.store, c.team_b, c.volunteer_b, ha, &ha_people)).unwrap();
    let report = env.sync(&v);
    assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (4, 3), "{:?}", v.store.rejected_ops());
    let rejected = v.store.rejected_ops().unwrap();
    let household_b = rejected.iter().find(|r| r.entity == Entity::Household).unwrap();
    assert_eq!((household_b.entity_id.as_str(), household_b.code), (hb.to_string().as_str(), RejectCode::OutOfScope));
    assert!(
        household_b.message_vi.contains("không thuộc địa bàn") && household_b.message_en.contains("not in the area"),
        "{household_b:?}"
    );
    // Its head comes next: the server has no such household.
    let head_b = rejected.iter().find(|r| r.entity == Entity::Person).unwrap();
    assert_eq!((head_b.entity_id.as_str(), head_b.code), (hb_people[0].to_string().as_str(), RejectCode::Invalid));
    assert_eq!(head_b.problems[0].code, tungnha_core::problem::ProblemCode::UnknownHousehold);
    let visit_b = rejected.iter().find(|r| r.entity == Entity::Visit).unwrap();
    assert_eq!(visit_b.code, RejectCode::OutOfScope);
    assert!(visit_b.message_en.contains("your own team"), "{visit_b:?}");
    // The rest of the batch arrived.
    env.sync(&c.official);
    assert!(c.official.store.household_detail(ha).is_ok() && c.official.store.household_detail(ha2).is_ok());
    assert!(c.official.store.household_detail(hb).is_err());
    // An official of another commune may not write here either.
    let far = env.phone("far", official(FAR_COMMUNE));
    let r = env.raw_sync(&far, &far.request(vec![], Cursor::default(), 0)).unwrap();
    assert!(!has(&r.changes, Entity::Household, ha), "another commune sees nothing of this one");
    let mut op = c.official.pending().into_iter().next();
    assert!(op.is_none());
    c.official.store.add_village(COMMUNE, "Thôn Mới").unwrap();
    op = c.official.pending().into_iter().next();
    let mut op = op.unwrap();
    op.device_id = far.device_id();
    op.hlc.device = far.device_id();
    op.seq = 1;
    op.op_id = OpId::new();
    let r = env.raw_sync(&far, &far.request(vec![op], Cursor::default(), 0)).unwrap();
    assert_eq!(r.rejected[0].code, RejectCode::OutOfScope);
    assert!(r.rejected[0].message_vi.contains("địa bàn khác"));
}

fn pull_is_scoped_to_the_device(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let o = &c.official;
    let (a1, a1_people) = household(&o.store, c.va, "Số 1", "Nguyễn Văn An", &["Nguyễn Thị Ánh"]);
    let (a2, _) = household(&o.store, c.va, "Số 2", "Đỗ Văn Hai", &[]);
    let (b1, b1_people) = household(&o.store, c.vb, "Số 10", "Trần Văn Bình", &[]);
    let (b2, _) = household(&o.store, c.vb, "Số 11", "Vũ Thị Bông", &[]);
    let visit_a = o.store.record_visit(&visit(&o.store, c.team_a, c.volunteer_a, a1, &a1_people)).unwrap().id;
    let visit_b = o.store.record_visit(&visit(&o.store, c.team_b, c.volunteer_b, b1, &b1_people)).unwrap().id;
    env.sync(o);

    let pa = env.phone("pa", volunteer(c.team_a, c.volunteer_a));
    let seen = env.pull_all(&pa);
    let by = ids(&seen);
    assert_eq!(by[&Entity::Household], BTreeSet::from([a1.to_string(), a2.to_string()]));
    assert_eq!(by[&Entity::Team], BTreeSet::from([c.team_a.to_string()]));
    assert_eq!(by[&Entity::Village], BTreeSet::from([c.va.to_string()]));
    assert_eq!(by[&Entity::Visit], BTreeSet::from([visit_a.to_string()]));
    assert!(has(&seen, Entity::Campaign, c.campaign), "global config reaches every device");
    assert!(!seen.iter().any(|ch| ch.id == b1.to_string() || ch.id == b1_people[0].to_string() || ch.id == visit_b.to_string()));
    // Through the client, into the phone.
    env.sync(&pa);
    assert!(pa.store.household_detail(a1).is_ok());
    assert!(pa.store.household_detail(b1).is_err());

    // A citizen: their household, its people and visits, the global config; nothing else.
    let cz = env.phone("citizen", citizen(a1));
    let seen = env.pull_all(&cz);
    let by = ids(&seen);
    assert_eq!(by[&Entity::Household], BTreeSet::from([a1.to_string()]));
    assert_eq!(by[&Entity::Person], a1_people.iter().map(|p| p.to_string()).collect::<BTreeSet<_>>());
    assert_eq!(by[&Entity::Visit], BTreeSet::from([visit_a.to_string()]));
    assert!(has(&seen, Entity::Campaign, c.campaign));
    assert_eq!(by[&Entity::Village], BTreeSet::from([c.va.to_string()]), "its village, for the household screen");
    assert!(!by.contains_key(&Entity::Team) && !by.contains_key(&Entity::Assignment));

    // A household added later to an assigned village reaches the team.
    let (a3, _) = household(&o.store, c.va, "Số 3", "Mai Văn Ba", &[]);
    env.sync(o);
    env.sync(&pa);
    assert!(pa.store.household_detail(a3).is_ok());
    // A household of village B assigned directly to team A arrives with its history,
    // although it changed long before the volunteer's cursor.
    o.store.assign(c.team_a, None, AssignmentTarget::Household(b1)).unwrap();
    env.sync(o);
    env.sync(&pa);
    assert_eq!(pa.store.household_detail(b1).unwrap().members.len(), 1);
    assert!(pa.store.visit(visit_b).is_ok());
    assert!(pa.store.household_detail(b2).is_err(), "the rest of village B stays out");
    // The phone moves to team B: it is enrolled again and receives team B's area, all of
    // which changed before its cursor.
    let mut pa = pa;
    env.re_enrol(&mut pa, volunteer(c.team_b, c.volunteer_b));
    env.sync(&pa);
    assert!(pa.store.household_detail(b2).is_ok());
    // A province official sees the commune; an official of another commune does not.
    let prov = env.phone("province", province_official(PROVINCE));
    assert!(has(&env.pull_all(&prov), Entity::Household, b2));
    let other = env.phone("other", official(OTHER_COMMUNE));
    let seen = env.pull_all(&other);
    assert!(!seen.iter().any(|ch| ch.entity == Entity::Household || ch.entity == Entity::Village));
}

fn pages_are_bounded_by_bytes_and_skip_nothing(b: Backend) {
    let env = Env::new(&b);
    let o = env.phone("official", official(COMMUNE));
    let village = o.store.add_village(COMMUNE, "Thôn Dài").unwrap();
    for i in 0..25 {
        household(&o.store, village, &format!("Số {i}"), &format!("Chủ Hộ Số {i}"), &["Con Cả"]);
    }
    env.sync(&o);
    let reader = env.phone("reader", official(COMMUNE));
    let everything = env.pull_all(&reader);
    assert_eq!(everything.len(), 1 + 25 * 3);

    const BUDGET: usize = 1500;
    let (pages, cursor) = env.pull_pages(&reader, Cursor::default(), BUDGET as u32);
    assert!(pages.len() > 5, "{} pages", pages.len());
    for page in &pages {
        let bytes: usize = page.iter().map(|c| serde_json::to_vec(&c.state).unwrap().len()).sum();
        assert!(!page.is_empty() || pages.len() == 1);
        assert!(page.len() == 1 || bytes <= BUDGET, "a page of {} changes has {bytes} bytes", page.len());
    }
    let paged: Vec<_> = pages.into_iter().flatten().collect();
    let keys: Vec<(Entity, String)> = paged.iter().map(|c| (c.entity, c.id.clone())).collect();
    let unique: std::collections::HashSet<_> = keys.iter().cloned().collect();
    assert_eq!(unique.len(), keys.len(), "no record twice");
    assert_eq!(ids(&paged), ids(&everything), "no record skipped");
    // The server's own projection (no scope) pages the same way.
    let storage = env.storage();
    let (mut after, mut all) = (Cursor::default(), Vec::new());
    loop {
        let page = env.rt.block_on(storage.changes(after, BUDGET)).unwrap();
        all.extend(page.changes);
        after = page.next_cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(ids(&all), ids(&everything));
    // A budget smaller than any record still moves: one change per page.
    let (tiny, _) = env.pull_pages(&reader, Cursor::default(), 1);
    assert_eq!(tiny.len(), everything.len());
    // Nothing new after the end.
    let r = env.raw_sync(&reader, &reader.request(vec![], cursor, BUDGET as u32)).unwrap();
    assert!(r.changes.is_empty() && !r.more);
}

fn a_slow_commit_is_never_skipped_by_a_reader(b: Backend) {
    let (hooks, slow) = slow_devices(Duration::from_millis(1500));
    let env = Env::with_hooks(&b, hooks);
    let a = env.phone("a", official(COMMUNE));
    let fast = env.phone("b", official(COMMUNE));
    let reader = env.phone("reader", official(COMMUNE));
    let slow_village = a.store.add_village(COMMUNE, "Thôn Chậm").unwrap();
    let fast_village = fast.store.add_village(COMMUNE, "Thôn Nhanh").unwrap();
    slow.lock().unwrap().insert(a.device_id());

    std::thread::scope(|s| {
        let slow_sync = s.spawn(|| env.sync(&a));
        std::thread::sleep(Duration::from_millis(300));
        s.spawn(|| env.sync(&fast)).join().unwrap();
        let (first, cursor) = env.pull_pages(&reader, Cursor::default(), 0);
        let first: Vec<_> = first.into_iter().flatten().collect();
        let slow_still_open = !slow_sync.is_finished();
        slow_sync.join().unwrap();
        let (second, _) = env.pull_pages(&reader, cursor, 0);
        let second: Vec<_> = second.into_iter().flatten().collect();
        if b.is_postgres() {
            // The race really happened: the fast sync committed while the slow one was open.
            assert!(slow_still_open, "the slow transaction should still be open while the reader pulls");
            assert!(has(&first, Entity::Village, fast_village) && !has(&first, Entity::Village, slow_village));
        }
        let all: Vec<_> = first.into_iter().chain(second).collect();
        assert!(has(&all, Entity::Village, fast_village));
        assert!(has(&all, Entity::Village, slow_village), "the reader's cursor passed a change that committed later");
    });
}

fn an_old_app_is_told_to_update(b: Backend) {
    let env = Env::new(&b);
    let o = env.phone("official", official(COMMUNE));
    let village = o.store.add_village(COMMUNE, "Thôn Một").unwrap();
    let mut req = o.request(o.pending(), Cursor::default(), 0);
    req.schema_version = MIN_CLIENT_SCHEMA - 1;
    let (status, err) = env.raw_sync(&o, &req).unwrap_err();
    assert_eq!((status, err.code), (426, ApiErrorCode::UpdateRequired));
    assert_eq!(err.message_vi, "Phiên bản ứng dụng đã cũ, hãy cập nhật ứng dụng");
    assert_eq!(err.message_en, "This app version is too old; please update the app");
    req.schema_version = tungnha_core::store::schema::SCHEMA_VERSION;
    req.protocol = 2;
    assert_eq!(env.raw_sync(&o, &req).unwrap_err().0, 426);
    // Nothing was applied, nothing is lost: the current app's request goes through.
    let reader = env.phone("reader", official(COMMUNE));
    assert!(!has(&env.pull_all(&reader), Entity::Village, village));
    req.protocol = 1;
    let r = env.raw_sync(&o, &req).unwrap();
    assert_eq!(r.acks.len(), 1);
    assert!(has(&env.pull_all(&reader), Entity::Village, village));
    // Enrolment from an old app.
    let (status, body) = env.post_json(
        "/v1/enrol",
        None,
        &json!({"code": env.issue(official(COMMUNE)), "device_id": tungnha_core::ids::DeviceId::new(), "device_name": "cũ", "schema_version": 1}),
    );
    assert_eq!((status, body["code"].as_str()), (426, Some("update_required")));
}

fn concurrent_name_edits_become_a_conflict_for_the_leader(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (h, people) = household(&c.official.store, c.va, "Số 5", "Lò Văn Pánh", &[]);
    env.sync(&c.official);
    let lead = env.phone("leader", leader(c.team_a, c.leader_a));
    let vol = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    env.sync(&lead);
    env.sync(&vol);
    // Both correct the name offline, differently.
    let head = people[0];
    vol.store.update_person(head, &PersonPatch { full_name: Some("Lò Văn Panh".into()), ..PersonPatch::default() }).unwrap();
    lead.store.update_person(head, &PersonPatch { full_name: Some("Lò Văn Pảnh".into()), ..PersonPatch::default() }).unwrap();
    assert_eq!(env.sync(&vol).progress.ops_rejected, 0);
    assert_eq!(env.sync(&lead).progress.ops_rejected, 0);
    env.sync(&vol);
    let name = |p: &Phone| p.store.household_detail(h).unwrap().members[0].person.full_name.clone();
    assert_eq!(name(&vol), name(&lead), "both phones agree on the name");
    let conflicts = lead.store.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let k = &conflicts[0];
    assert_eq!(
        (k.entity, k.entity_id.as_str(), k.field.as_str(), k.resolved),
        (Entity::Person, head.to_string().as_str(), "full_name", false)
    );
    let both = BTreeSet::from([k.kept.as_str().unwrap().to_owned(), k.other.as_str().unwrap().to_owned()]);
    assert_eq!(both, BTreeSet::from(["Lò Văn Panh".to_owned(), "Lò Văn Pảnh".to_owned()]));
    assert_eq!(k.kept.as_str().unwrap(), name(&lead), "the kept value is the record's value");
    // The leader settles it; the office sees it settled.
    lead.store.resolve_conflict(&k.id).unwrap();
    assert_eq!(env.sync(&lead).progress.ops_rejected, 0, "{:?}", lead.store.rejected_ops());
    env.sync(&c.official);
    let settled = c.official.store.conflicts().unwrap();
    assert_eq!((settled.len(), settled[0].resolved), (1, true));
    // A sequential edit (made after seeing the latest name) is not a conflict.
    vol.store.update_person(head, &PersonPatch { full_name: Some("Lò Văn Pành".into()), ..PersonPatch::default() }).unwrap();
    env.sync(&vol);
    env.sync(&lead);
    assert_eq!(lead.store.conflicts().unwrap().len(), 1);
}

fn roles_decide_who_writes_which_facts(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (a1, a1_people) = household(&c.official.store, c.va, "Số 1", "Nguyễn Văn An", &["Nguyễn Thị Ánh"]);
    env.sync(&c.official);
    let child = a1_people[1];

    // A citizen reports their own skills and fixes their own details; nothing more.
    let cz = env.phone("citizen", citizen(a1));
    env.sync(&cz);
    cz.store
        .record_self_report(&NewSelfReport {
            person_id: child,
            skills: vec!["online_payment".into()],
            channel: Channel::App,
            reported_at: Utc::now(),
        })
        .unwrap();
    cz.store.update_person(a1_people[0], &PersonPatch { phone: Some(Some("0912345678".into())), ..PersonPatch::default() }).unwrap();
    cz.store.add_person(a1, &person("Người Mới", Relation::Child, 1975, Utc::now())).unwrap();
    let report = env.sync(&cz);
    assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (2, 1), "{:?}", cz.store.rejected_ops());
    let refused = &cz.store.rejected_ops().unwrap()[0];
    assert_eq!((refused.entity, refused.code), (Entity::Person, RejectCode::OutOfScope));
    assert!(refused.message_vi.contains("Vai trò"), "{refused:?}");

    // A volunteer may not verify skills, even naming the leader.
    let vol = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    env.sync(&vol);
    vol.store.verify_skill(child, "online_payment", c.leader_a).unwrap();
    assert_eq!(env.sync(&vol).progress.ops_rejected, 1);
    assert_eq!(vol.store.rejected_ops().unwrap()[0].code, RejectCode::OutOfScope);
    // The leader may verify and correct.
    let lead = env.phone("leader", leader(c.team_a, c.leader_a));
    env.sync(&lead);
    lead.store.verify_skill(child, "online_payment", c.leader_a).unwrap();
    lead.store.correct_skill(child, "online_shopping", SkillLevel::Guided, c.leader_a, "Đã kiểm tra lại tại nhà").unwrap();
    let report = env.sync(&lead);
    assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (2, 0), "{:?}", lead.store.rejected_ops());
    // The office sees the verified level.
    env.sync(&c.official);
    let member = c.official.store.household_detail(a1).unwrap().members.into_iter().find(|m| m.person.id == child).unwrap();
    let payment = member.skills.iter().find(|s| s.skill == "online_payment").unwrap();
    assert_eq!(payment.level, SkillLevel::Verified);
    // The citizen's own report reached the office too.
    assert_eq!(c.official.store.household_detail(a1).unwrap().self_reports.len(), 1);
}

fn a_wrong_phone_clock_does_not_lose_a_visit(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (h, people) = household(&c.official.store, c.va, "Số 1", "Nguyễn Văn An", &[]);
    env.sync(&c.official);
    let clock = std::sync::Arc::new(OffsetClock::default());
    let store = env.store_with_clock("volunteer", clock.clone());
    let vol = env.enrol(store, volunteer(c.team_a, c.volunteer_a));
    env.sync(&vol);
    // The phone's date jumps two years ahead after its last sync.
    clock.shift(chrono::Duration::days(730));
    let v = vol.store.record_visit(&visit(&vol.store, c.team_a, c.volunteer_a, h, &people)).unwrap().id;
    vol.store.add_person(h, &person("Nguyễn Văn Bé", Relation::Grandchild, 1975, vol.store.now())).unwrap();
    let report = env.sync(&vol);
    assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (2, 0), "{:?}", vol.store.rejected_ops());
    env.sync(&c.official);
    let detail = c.official.store.household_detail(h).unwrap();
    assert_eq!(detail.visits.iter().map(|x| x.id).collect::<Vec<_>>(), vec![v]);
    assert_eq!(detail.members.len(), 2);
}

fn graceful_shutdown_finishes_the_sync_in_flight(b: Backend) {
    let (hooks, slow) = slow_devices(Duration::from_millis(1200));
    let env = Env::with_hooks(&b, hooks);
    let o = env.phone("official", official(COMMUNE));
    let village = o.store.add_village(COMMUNE, "Thôn Cuối").unwrap();
    slow.lock().unwrap().insert(o.device_id());
    std::thread::scope(|s| {
        let in_flight = s.spawn(|| env.sync(&o));
        std::thread::sleep(Duration::from_millis(300));
        assert!(!in_flight.is_finished(), "the sync should be inside its transaction");
        env.shutdown();
        let report = in_flight.join().unwrap();
        assert_eq!((report.progress.ops_acked, report.progress.ops_rejected), (1, 0));
    });
    assert_eq!(o.store.pending_count().unwrap(), 0);
    // What was acknowledged is in the database after a restart.
    slow.lock().unwrap().clear();
    env.restart();
    let reader = env.phone("reader", official(COMMUNE));
    assert!(has(&env.pull_all(&reader), Entity::Village, village));
}

fn two_phones_may_correct_the_same_visit(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (h, people) = household(&c.official.store, c.va, "Số 1", "Nguyễn Văn An", &[]);
    let original = c.official.store.record_visit(&visit(&c.official.store, c.team_a, c.volunteer_a, h, &people)).unwrap().id;
    env.sync(&c.official);
    let lead = env.phone("leader", leader(c.team_a, c.leader_a));
    let vol = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    env.sync(&lead);
    env.sync(&vol);
    // Both correct the same visit offline.
    let mut fix = visit(&vol.store, c.team_a, c.volunteer_a, h, &people);
    fix.supersedes = Some(original);
    fix.correction_reason = Some("Ghi nhầm người".into());
    let by_vol = vol.store.record_visit(&fix).unwrap().id;
    fix.occurred_at = lead.store.now();
    // A leader's phone records as the leader.
    fix.volunteer_id = c.leader_a;
    let by_lead = lead.store.record_visit(&fix).unwrap().id;
    assert_eq!(env.sync(&vol).progress.ops_rejected, 0);
    assert_eq!(env.sync(&lead).progress.ops_rejected, 0, "{:?}", lead.store.rejected_ops());
    env.sync(&c.official);
    let visits: BTreeSet<_> = c.official.store.household_detail(h).unwrap().visits.iter().map(|v| v.id).collect();
    assert_eq!(visits, BTreeSet::from([original, by_vol, by_lead]));
    // A correction of a visit the server does not have is refused.
    let mut orphan = visit(&vol.store, c.team_a, c.volunteer_a, h, &people);
    orphan.supersedes = Some(by_vol);
    orphan.correction_reason = Some("Sửa lại".into());
    vol.store.record_visit(&orphan).unwrap();
    let mut op = vol.pending().pop().unwrap();
    let mut fields = op.fields.as_object().unwrap().clone();
    fields.insert("supersedes".into(), json!(tungnha_core::ids::VisitId::new()));
    op.fields = serde_json::Value::Object(fields);
    let r = env.raw_sync(&vol, &vol.request(vec![op], Cursor::default(), 1)).unwrap();
    assert_eq!(r.rejected[0].code, RejectCode::Invalid);
    assert_eq!(r.rejected[0].problems[0].code, tungnha_core::problem::ProblemCode::UnknownVisit);
}

fn a_delete_is_a_tombstone_that_reaches_the_team(b: Backend) {
    let env = Env::new(&b);
    let c = commune(&env);
    let (h, _) = household(&c.official.store, c.va, "Số 9", "Hà Văn Xoá", &[]);
    env.sync(&c.official);
    let vol = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    let (_, cursor) = env.pull_pages(&vol, Cursor::default(), 0);
    // The apps have no delete button yet: make the op from a real edit.
    let patch = tungnha_core::store::HouseholdPatch { phone: Some(Some("0912345678".into())), ..Default::default() };
    c.official.store.update_household(h, &patch).unwrap();
    let mut ops = c.official.pending();
    let mut delete = ops.remove(0);
    delete.kind = tungnha_core::sync::protocol::OpKind::Delete;
    delete.fields = json!({});
    let r = env.raw_sync(&c.official, &c.official.request(vec![delete.clone()], Cursor::default(), 1)).unwrap();
    assert_eq!(r.acks, vec![delete.op_id], "{:?}", r.rejected);
    // A later edit does not bring the household back.
    let mut edit = delete.clone();
    edit.op_id = OpId::new();
    edit.seq += 1;
    edit.hlc.millis += 1000;
    edit.kind = tungnha_core::sync::protocol::OpKind::Update;
    edit.fields = json!({"address": "Số 10"});
    let r = env.raw_sync(&c.official, &c.official.request(vec![edit], Cursor::default(), 1)).unwrap();
    assert_eq!(r.acks.len(), 1, "{:?}", r.rejected);
    let (pages, _) = env.pull_pages(&vol, cursor, 0);
    let changes: Vec<_> = pages.into_iter().flatten().collect();
    let tomb = changes.iter().find(|ch| ch.entity == Entity::Household && ch.id == h.to_string()).expect("the team gets the tombstone");
    assert!(tomb.deleted);
    assert_eq!(tomb.state["address"], "Số 10", "fields still merge under the tombstone");
}

fn one_record_created_by_two_syncs_at_once_is_merged(b: Backend) {
    // Local topics are named by their code (and unit), so two phones of one commune
    // office can create the same one.
    let (hooks, slow) = slow_devices(Duration::from_millis(1000));
    let env = Env::with_hooks(&b, hooks);
    let early = env.phone("early", official(COMMUNE));
    let late = env.phone("late", official(COMMUNE));
    let code = early.store.add_local_topic("chuyen doi so", "Chuyển đổi số (cũ)", "Digital transformation (old)").unwrap();
    std::thread::sleep(Duration::from_millis(5));
    late.store.add_local_topic("chuyen doi so", "Chuyển đổi số", "Digital transformation").unwrap();
    slow.lock().unwrap().insert(late.device_id());
    std::thread::scope(|s| {
        // The later edit is applied first and held open; the earlier one arrives meanwhile.
        let held = s.spawn(|| env.sync(&late));
        std::thread::sleep(Duration::from_millis(300));
        let report = env.sync(&early);
        assert_eq!(report.progress.ops_rejected, 0);
        assert_eq!(held.join().unwrap().progress.ops_rejected, 0);
    });
    let reader = env.phone("reader", official(COMMUNE));
    let topic = env.pull_all(&reader).into_iter().find(|c| c.entity == Entity::LocalTopic && c.id == code).unwrap();
    assert_eq!(topic.state["name_vi"], "Chuyển đổi số", "the later write wins, whatever the arrival order");
}

/// Issue 14: the server's SQLite file and the dashboard projection keep their WAL within
/// budget under a stream of syncs, and leave none behind once idle. The server's budget is
/// shrunk so a test crosses it many times over.
#[test]
fn the_servers_wal_stays_within_budget_under_a_stream_of_syncs() {
    use tungnha_core::store::checkpoint::WalBudget;
    use tungnha_server::TestHooks;
    const FRAME: u64 = 4096;
    let budget = WalBudget { soft_frames: 32, hard_frames: 128, settle: Duration::from_millis(200) };
    let env = Env::with_hooks(&Backend::Sqlite, TestHooks { wal_budget: Some(budget), ..TestHooks::default() });
    let c = commune(&env);
    let phone = env.phone("volunteer", volunteer(c.team_a, c.volunteer_a));
    env.sync(&phone);
    let wal = |name: &str| std::fs::metadata(env.dir.path().join(format!("{name}-wal"))).map(|m| m.len()).unwrap_or(0);
    let (mut server_max, mut dashboard_max, mut ops) = (0, 0, 0u64);
    for round in 0..16 {
        for i in 0..40 {
            let (h, people) = household(&phone.store, c.va, &format!("Số {round}/{i}"), "Nguyễn Văn An", &["Trần Thị Bình"]);
            phone.store.record_visit(&visit(&phone.store, c.team_a, c.volunteer_a, h, &people)).unwrap();
        }
        let report = env.sync(&phone);
        assert_eq!(report.progress.ops_rejected, 0);
        ops += u64::from(report.progress.ops_sent);
        // The dashboard's projection catches up when it is read.
        let figures = ureq::get(format!("{}/api/figures?commune={COMMUNE}", env.url())).call().map(|r| r.status().as_u16());
        assert_eq!(figures.ok(), Some(200));
        server_max = server_max.max(wal("server.db"));
        dashboard_max = dashboard_max.max(wal("dashboard.db"));
    }
    // The budget's log, plus the one request the gate let in before it was emptied.
    let server_bound = u64::from(budget.hard_frames) * FRAME + 2 * 1024 * 1024;
    let dashboard_bound = u64::from(WalBudget::default().hard_frames) * FRAME + 2 * 1024 * 1024;
    eprintln!("{ops} ops synced: largest WAL {server_max} B on the server (bound {server_bound}), {dashboard_max} B under the dashboard (bound {dashboard_bound})");
    assert!(ops >= 16 * 40 * 3, "{ops} ops");
    assert!(server_max <= server_bound, "server WAL {server_max} B");
    // Every page of the database went through the log: without checkpoints it would hold more.
    let written = std::fs::metadata(env.dir.path().join("server.db")).unwrap().len();
    assert!(written > server_bound, "the test wrote too little to cross the budget: {written} B");
    assert!(dashboard_max <= dashboard_bound, "dashboard WAL {dashboard_max} B");
    // Idle: both logs are emptied.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while (wal("server.db"), wal("dashboard.db")) != (0, 0) {
        assert!(std::time::Instant::now() < deadline, "WAL left behind when idle: {} B, {} B", wal("server.db"), wal("dashboard.db"));
        std::thread::sleep(Duration::from_millis(50));
    }
}
