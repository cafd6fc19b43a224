//! The sync client and the store's pull side, against a small in-memory server made of
//! the core's own merge rules (the real server has its own suite, and tests/ runs both
//! together with faults). What this proves: a device that pulls everything another
//! device pushed ends up with the same households, people, visits, skill levels and
//! figures; retries, progress and cancellation behave.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tungnha_core::figures::{FigureQuery, Scope};
use tungnha_core::model::*;
use tungnha_core::store::outbox::Entity;
use tungnha_core::store::PersonPatch;
use tungnha_core::sync::client::{self, CancelToken, Reply, SyncListener, SyncOptions, SyncProgress, Transport, TransportError};
use tungnha_core::sync::{apply_op, codec, Change, Cursor, EnrolRequest, EnrolResponse, RecordState, Role, SyncRequest, SyncResponse};
use tungnha_core::Store;

#[derive(Default)]
struct FakeServer {
    state: Mutex<ServerState>,
    /// Fail this many calls before answering (network faults).
    fail_next: AtomicU32,
}

#[derive(Default)]
struct ServerState {
    records: BTreeMap<(String, String), (Entity, RecordState, u64)>,
    seen: HashMap<tungnha_core::ids::OpId, ()>,
    change_seq: u64,
}

impl Transport for FakeServer {
    fn post(&self, path: &str, _ct: &str, _token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError> {
        if self.fail_next.load(Ordering::SeqCst) > 0 {
            self.fail_next.fetch_sub(1, Ordering::SeqCst);
            return Err(TransportError("connection reset".into()));
        }
        let now = chrono::Utc::now().timestamp_millis() + 3_600_000; // the server's clock is an hour ahead
        if path == "/v1/enrol" {
            let req: EnrolRequest = serde_json::from_slice(&body).unwrap();
            assert_eq!(req.code, "ABCD2345");
            let resp = EnrolResponse {
                device_id: None,
                token: "t".into(),
                role: Role::CommuneOfficial,
                member_id: None,
                team_id: None,
                household_id: None,
                commune_key: None,
                server_time_ms: now,
            };
            return Ok(Reply { status: 200, body: serde_json::to_vec(&resp).unwrap() });
        }
        let req: SyncRequest = codec::decode(&body).unwrap();
        let mut st = self.state.lock().unwrap();
        let mut acks = vec![];
        for op in &req.ops {
            if st.seen.insert(op.op_id, ()).is_none() {
                let key = (format!("{:?}", op.entity), op.entity_id.clone());
                let prev = st.records.get(&key).map(|r| r.1.clone());
                let (next, _) = apply_op(prev, op).unwrap();
                st.change_seq += 1;
                let seq = st.change_seq;
                st.records.insert(key, (op.entity, next, seq));
            }
            acks.push(op.op_id);
        }
        let cursor: u64 = req.cursor.0.parse().unwrap_or(0);
        let mut pending: Vec<_> =
            st.records.iter().filter(|(_, r)| r.2 > cursor).map(|((_, id), r)| (r.2, id.clone(), r.0, r.1.clone())).collect();
        pending.sort_by_key(|p| p.0);
        let (mut changes, mut bytes, mut next) = (vec![], 0usize, cursor);
        let mut more = false;
        for (seq, id, entity, s) in pending {
            let state = serde_json::Value::Object(s.fields.clone());
            let size = state.to_string().len();
            if !changes.is_empty() && bytes + size > req.max_bytes as usize {
                more = true;
                break;
            }
            bytes += size;
            next = seq;
            changes.push(Change { entity, id, version: s.version().unwrap(), deleted: s.deleted.is_some(), state });
        }
        let resp = SyncResponse {
            server_time_ms: now,
            acks,
            rejected: vec![],
            deferred: vec![],
            changes,
            next_cursor: Cursor(next.to_string()),
            more,
            purge: None,
        };
        Ok(Reply { status: 200, body: codec::encode(&resp).unwrap() })
    }
}

#[derive(Default)]
struct Progress(Mutex<Vec<SyncProgress>>);
impl SyncListener for Progress {
    fn on_progress(&self, p: &SyncProgress) {
        self.0.lock().unwrap().push(p.clone());
    }
}

fn quick() -> SyncOptions {
    SyncOptions { sleep: Arc::new(|_| {}), max_bytes: 1_500, ..SyncOptions::default() }
}

#[test]
fn a_second_device_pulls_exactly_what_the_first_recorded() {
    let server = FakeServer::default();
    let a = Fixture::new();
    let (h1, p1) = a.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân", "Lò Văn Minh"]);
    let (h2, p2) = a.household("Số 2", "Đặng Thị Hồng", &[]);
    a.store.record_visit(&a.visit(h1, &p1, &["online_payment", "online_safety"], at(2, 9))).unwrap();
    let wrong = a.store.record_visit(&a.visit(h2, &p2, &["online_shopping"], at(3, 9))).unwrap().id;
    let mut fix = a.visit(h2, &p2, &["digital_platforms"], at(3, 9));
    fix.supersedes = Some(wrong);
    a.store.record_visit(&fix).unwrap();
    a.store
        .record_self_report(&NewSelfReport {
            person_id: p1[1],
            skills: ALL_SKILLS.iter().map(|s| s.to_string()).collect(),
            channel: Channel::Web,
            reported_at: at(4, 20),
        })
        .unwrap();
    a.store.verify_skill(p1[1], "online_payment", a.leader).unwrap();
    a.store.correct_skill(p1[0], "online_payment", SkillLevel::NotStarted, a.leader, "Chưa làm được").unwrap();
    a.store.update_person(p2[0], &PersonPatch { phone: Some(Some("0912345678".into())), ..Default::default() }).unwrap();

    client::enrol(&a.store, &server, "abcd2345 ", "Điện thoại tổ trưởng").unwrap();
    assert_eq!(a.store.clock_offset_ms().unwrap() / 60_000, 60, "learned the server's clock");
    let progress = Progress::default();
    let r = client::sync(&a.store, &server, Some(&progress), &CancelToken::new(), &quick()).unwrap();
    assert_eq!(a.store.pending_count().unwrap(), 0);
    assert!(r.progress.ops_acked > 10);
    assert!(progress.0.lock().unwrap().len() >= 3, "the listener heard every step");

    let dir = tempfile::tempdir().unwrap();
    let b = Store::open(dir.path().join("b.db"), options(at(10, 20))).unwrap();
    client::enrol(&b, &server, "ABCD2345", "Điện thoại 2").unwrap();
    let r = client::sync(&b, &server, None, &CancelToken::new(), &quick()).unwrap();
    assert!(r.progress.round_trips >= 3, "small pages: several round trips ({})", r.progress.round_trips);
    assert_eq!(r.skipped, 0);

    for h in [h1, h2] {
        assert_eq!(b.household_detail(h).unwrap(), a.store.household_detail(h).unwrap());
    }
    assert_eq!(b.assignment_households(a.team, None).unwrap(), a.store.assignment_households(a.team, None).unwrap());
    let q = FigureQuery::all_time(Scope::All);
    assert_eq!(b.figures(&q).unwrap(), a.store.figures(&q).unwrap());
    assert_eq!(b.search("dang thi", None, 5).unwrap().len(), 1);
}

#[test]
fn edits_on_two_devices_converge_and_unsynced_edits_survive_a_pull() {
    let server = FakeServer::default();
    let a = Fixture::new();
    let (h, people) = a.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân"]);
    client::enrol(&a.store, &server, "ABCD2345", "a").unwrap();
    client::sync(&a.store, &server, None, &CancelToken::new(), &quick()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let b = Store::open(dir.path().join("b.db"), options(at(10, 20))).unwrap();
    client::enrol(&b, &server, "ABCD2345", "b").unwrap();
    client::sync(&b, &server, None, &CancelToken::new(), &quick()).unwrap();

    // Both edit while offline: A the phone, B the birth year; B also records a visit.
    a.store.update_person(people[1], &PersonPatch { phone: Some(Some("0987654321".into())), ..Default::default() }).unwrap();
    b.update_person(people[1], &PersonPatch { birth_year: Some(Some(1999)), ..Default::default() }).unwrap();
    b.record_visit(&a.visit(h, &people, &["online_safety"], at(5, 10))).unwrap();
    // A syncs first; B pulls A's edit while its own is still unsynced (sent in the same request
    // here, so use a failing round: B's first request is lost before reaching the server).
    client::sync(&a.store, &server, None, &CancelToken::new(), &quick()).unwrap();
    server.fail_next.store(2, Ordering::SeqCst);
    client::sync(&b, &server, None, &CancelToken::new(), &quick()).unwrap();
    client::sync(&a.store, &server, None, &CancelToken::new(), &quick()).unwrap();
    let (da, db) = (a.store.household_detail(h).unwrap(), b.household_detail(h).unwrap());
    assert_eq!(da, db);
    let xuan = &da.members.iter().find(|m| m.person.id == people[1]).unwrap().person;
    assert_eq!((xuan.phone.as_deref(), xuan.birth_year), (Some("0987654321"), Some(1999)));
    assert_eq!(da.visits.len(), 1);
}

#[test]
fn network_failures_are_retried_and_cancel_stops_before_the_next_round_trip() {
    let server = FakeServer::default();
    let a = Fixture::new();
    a.household("Số 1", "Lò Văn Pánh", &[]);
    client::enrol(&a.store, &server, "ABCD2345", "a").unwrap();
    server.fail_next.store(10, Ordering::SeqCst);
    let e = client::sync(&a.store, &server, None, &CancelToken::new(), &quick()).unwrap_err();
    assert!(matches!(e, client::SyncError::Network(_)), "{e}");
    assert!(a.store.pending_count().unwrap() > 0, "nothing lost when the network is down");
    server.fail_next.store(0, Ordering::SeqCst);
    let cancel = CancelToken::new();
    cancel.cancel();
    assert!(matches!(client::sync(&a.store, &server, None, &cancel, &quick()).unwrap_err(), client::SyncError::Cancelled));
    server.fail_next.store(3, Ordering::SeqCst);
    client::sync(&a.store, &server, None, &CancelToken::new(), &quick()).unwrap();
    assert_eq!(a.store.pending_count().unwrap(), 0);
    let _ = Entity::Visit;
}

#[test]
fn a_citizen_phone_without_the_village_can_still_edit_a_person() {
    // A citizen's phone receives its household and people but (in older servers) not the
    // village: editing a person must not fail on the missing village name.
    let a = Fixture::new();
    let (_, people) = a.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân"]);
    let changes: Vec<Change> = a
        .store
        .pending_ops(1000)
        .unwrap()
        .into_iter()
        .filter(|op| matches!(op.entity, Entity::Household | Entity::Person))
        .map(|op| {
            let (s, _) = apply_op(None, &op).unwrap();
            Change {
                entity: op.entity,
                id: op.entity_id.clone(),
                version: s.version().unwrap(),
                deleted: false,
                state: serde_json::Value::Object(s.fields),
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let b = Store::open(dir.path().join("citizen.db"), options(at(10, 20))).unwrap();
    let resp = SyncResponse {
        server_time_ms: 0,
        acks: vec![],
        rejected: vec![],
        deferred: vec![],
        changes,
        next_cursor: Cursor("1".into()),
        more: false,
        purge: None,
    };
    b.apply_sync_response(&resp, 0).unwrap();
    b.update_person(people[1], &PersonPatch { phone: Some(Some("0912345678".into())), ..Default::default() }).unwrap();
    assert_eq!(b.search("xuan", None, 5).unwrap().len(), 1);
}
