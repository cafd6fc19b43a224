//! Both storage backends hold the same schema, and a database of the first release
//! (schema 1) upgrades to the current one without losing a device, a code, an answer of
//! the op log or a record.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Utc;
use common::*;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, HouseholdId, OpId, PersonId, TeamId, VillageId, VisitId};
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::{Cursor, RecordState};
use tungnha_server::credentials::{code_sha256, token_sha256};
use tungnha_server::storage::{open_storage, DatabaseConfig, Enrolment};
use tungnha_server::{testing, TestHooks};

on_both_backends!(a_version_1_database_upgrades_without_loss);

type Columns = BTreeMap<String, BTreeSet<String>>;
/// entity, id, state, [commune, village, household, team], change seq
type V1Row = (&'static str, String, String, [Option<String>; 4], i64);

fn sqlite_schema(path: &std::path::Path) -> (Columns, BTreeSet<(String, String)>) {
    let c = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut columns = Columns::new();
    for t in tables {
        let cols: BTreeSet<String> =
            c.prepare(&format!("PRAGMA table_info({t})")).unwrap().query_map([], |r| r.get(1)).unwrap().map(Result::unwrap).collect();
        columns.insert(t, cols);
    }
    let indexes = c
        .prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (columns, indexes)
}

async fn postgres_schema(url: &str) -> (Columns, BTreeSet<(String, String)>) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let mut columns = Columns::new();
    for r in client
        .query("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'", &[])
        .await
        .unwrap()
    {
        columns.entry(r.get(0)).or_default().insert(r.get(1));
    }
    // PostgreSQL keeps its schema version in a table (SQLite in `user_version`).
    columns.remove("schema_version");
    let indexes = client
        .query(
            "SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public'
             AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    (columns, indexes)
}

#[test]
fn both_databases_have_the_same_schema() {
    let Some(cluster) = testing::postgres_url_from_env() else {
        eprintln!("skipped: TUNGNHA_TEST_POSTGRES not set (run under scripts/with-postgres.sh)");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    rt.block_on(open_storage(&DatabaseConfig::Sqlite(path.clone()), TestHooks::default())).unwrap();
    let url = rt.block_on(testing::fresh_postgres_database(&cluster)).unwrap();
    rt.block_on(open_storage(&DatabaseConfig::Postgres(url.clone()), TestHooks::default())).unwrap();
    let (sc, si) = sqlite_schema(&path);
    let (pc, pi) = rt.block_on(postgres_schema(&url));
    assert_eq!(sc, pc, "tables and columns");
    assert_eq!(si, pi, "indexes");
    assert!(sc.contains_key("records") && si.iter().any(|(i, _)| i == "records_scope"));
}

fn hlc(device: DeviceId, millis: i64) -> Hlc {
    Hlc { millis, counter: 0, device }
}

/// A version-1 record state (`{fields, versions, deleted}`).
fn v1_state(fields: Value, at: Hlc) -> String {
    let fields: Map<String, Value> = fields.as_object().cloned().unwrap();
    let versions = fields.keys().map(|k| (k.clone(), at)).collect();
    serde_json::to_string(&RecordState { fields, versions, deleted: None }).unwrap()
}

fn a_version_1_database_upgrades_without_loss(b: Backend) {
    let device = DeviceId::new();
    let (village, household, head, visit, team) = (VillageId::new(), HouseholdId::new(), PersonId::new(), VisitId::new(), TeamId::new());
    let at = hlc(device, Utc::now().timestamp_millis() - 60_000);
    let now = Utc::now();
    let rows: Vec<V1Row> = vec![
        (
            "village",
            village.to_string(),
            v1_state(json!({"id": village, "commune_key": COMMUNE, "name": "Bản Cũ"}), at),
            [Some(COMMUNE.into()), Some(village.to_string()), None, None],
            1,
        ),
        (
            "household",
            household.to_string(),
            v1_state(
                json!({"id": household, "village_id": village, "address": "Số 1", "head_id": head, "phone": null, "location": null,
                    "indicators": {"has_smartphone": true, "has_broadband": null, "has_epayment_adult": null, "uses_internet": null}, "created_at": now}),
                at,
            ),
            [Some(COMMUNE.into()), Some(village.to_string()), Some(household.to_string()), None],
            2,
        ),
        (
            "visit",
            visit.to_string(),
            v1_state(
                json!({"id": visit, "place": {"kind": "household", "household_id": household}, "campaign_id": null, "team_id": team,
                    "volunteer_id": tungnha_core::ids::MemberId::new(), "occurred_at": now, "recorded_at": now,
                    "attendees": [{"person_id": head, "household_id": household, "skills_guided": ["online_payment"], "actions": [], "apps_installed": []}],
                    "topics": ["vneid"], "notes": "", "location": null, "supersedes": null, "superseded_by": null}),
                at,
            ),
            [Some(COMMUNE.into()), Some(village.to_string()), Some(household.to_string()), Some(team.to_string())],
            3,
        ),
    ];
    let token = "a-token-of-the-first-release";
    let (database, _dir) = match &b {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("v1.db");
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute_batch(include_str!("fixtures/schema_v1_sqlite.sql")).unwrap();
            c.execute_batch("PRAGMA user_version = 1; INSERT INTO meta (key, value) VALUES ('server_id', 'old0server0id0');").unwrap();
            c.execute(
                "INSERT INTO devices (device_id, token_sha256, role, commune_key, name, enrolled_at_ms, last_seq) VALUES (?1, ?2, 'commune_official', ?3, 'máy cũ', ?4, 7)",
                rusqlite::params![device.to_string(), token_sha256(token), COMMUNE, now.timestamp_millis() - 1000],
            )
            .unwrap();
            c.execute(
                "INSERT INTO enrolment_codes (code, role, commune_key, issued_by, issued_at_ms, expires_at_ms) VALUES ('K7QX3MZP', 'commune_official', ?1, 'cli', ?2, ?3)",
                rusqlite::params![COMMUNE, now.timestamp_millis(), now.timestamp_millis() + 3_600_000],
            )
            .unwrap();
            c.execute(
                "INSERT INTO op_log (op_id, device_id, seq, content_hash, outcome, rejection, logged_at_ms) VALUES (?1, ?2, 7, 'h', 'applied', NULL, 1)",
                rusqlite::params![OpId::new().to_string(), device.to_string()],
            )
            .unwrap();
            for (entity, id, state, [commune, v, h, t], seq) in &rows {
                c.execute(
                    "INSERT INTO records (entity, entity_id, state, deleted, version, commune_key, village_id, household_id, team_id, change_seq)
                     VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9)",
                    rusqlite::params![entity, id, state, at.to_string(), commune, v, h, t, seq],
                )
                .unwrap();
            }
            c.execute(
                "INSERT INTO record_households (entity, entity_id, household_id) VALUES ('visit', ?1, ?2)",
                [visit.to_string(), household.to_string()],
            )
            .unwrap();
            c.execute("UPDATE change_counter SET last = 3", []).unwrap();
            (DatabaseConfig::Sqlite(path), Some(dir))
        }
        Backend::Postgres(cluster) => {
            let rt = tokio::runtime::Runtime::new().unwrap();
            let url = rt.block_on(testing::fresh_postgres_database(cluster)).unwrap();
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(conn);
                client.batch_execute(include_str!("fixtures/schema_v1_postgres.sql")).await.unwrap();
                client
                    .batch_execute(
                        "CREATE TABLE schema_version (version BIGINT NOT NULL); INSERT INTO schema_version VALUES (1);
                         INSERT INTO meta (key, value) VALUES ('server_id', 'old0server0id0');",
                    )
                    .await
                    .unwrap();
                client
                    .execute(
                        "INSERT INTO devices (device_id, token_sha256, role, commune_key, name, enrolled_at_ms, last_seq) VALUES ($1, $2, 'commune_official', $3, 'máy cũ', $4, 7)",
                        &[&device.to_string(), &token_sha256(token), &COMMUNE, &(now.timestamp_millis() - 1000)],
                    )
                    .await
                    .unwrap();
                client
                    .execute(
                        "INSERT INTO enrolment_codes (code, role, commune_key, issued_by, issued_at_ms, expires_at_ms) VALUES ('K7QX3MZP', 'commune_official', $1, 'cli', $2, $3)",
                        &[&COMMUNE, &now.timestamp_millis(), &(now.timestamp_millis() + 3_600_000)],
                    )
                    .await
                    .unwrap();
                client
                    .execute(
                        "INSERT INTO op_log (op_id, device_id, seq, content_hash, outcome, rejection, logged_at_ms) VALUES ($1, $2, 7, 'h', 'applied', NULL, 1)",
                        &[&OpId::new().to_string(), &device.to_string()],
                    )
                    .await
                    .unwrap();
                for (entity, id, state, [commune, v, h, t], seq) in &rows {
                    client
                        .execute(
                            "INSERT INTO records (entity, entity_id, state, deleted, version, commune_key, village_id, household_id, team_id, change_seq)
                             VALUES ($1, $2, $3, FALSE, $4, $5, $6, $7, $8, $9)",
                            &[entity, id, state, &at.to_string(), commune, v, h, t, seq],
                        )
                        .await
                        .unwrap();
                }
                client
                    .execute("INSERT INTO record_households (entity, entity_id, household_id) VALUES ('visit', $1, $2)", &[&visit.to_string(), &household.to_string()])
                    .await
                    .unwrap();
            });
            (DatabaseConfig::Postgres(url), None)
        }
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let storage = rt.block_on(open_storage(&database, TestHooks::default())).unwrap();
    assert_eq!(storage.server_id(), "old0server0id0");
    // The device, its token and its sequence.
    let d = rt.block_on(storage.device_by_token(token_sha256(token))).unwrap().unwrap();
    assert_eq!((d.device_id, d.role), (device, tungnha_core::sync::Role::CommuneOfficial));
    let op = Op {
        op_id: OpId::new(),
        device_id: device,
        seq: 8,
        hlc: hlc(device, Utc::now().timestamp_millis()),
        entity: Entity::Household,
        entity_id: household.to_string(),
        kind: OpKind::Update,
        base_version: Some(at),
        schema_version: 6,
        fields: json!({"address": "Số 2"}),
        created_at: Utc::now(),
    };
    let out = rt.block_on(storage.push(d.clone(), vec![op], Utc::now())).unwrap();
    assert_eq!(out.applied, 1, "the next seq applies: {:?}", out.rejected);
    // Records keep their state and placement (the visit touches its household).
    let v = rt.block_on(storage.record(Entity::Visit, visit.to_string())).unwrap().unwrap();
    assert!(v.place.touches.contains(&household.to_string()) && v.place.touches.contains(&village.to_string()));
    assert_eq!(v.state.fields["topics"], json!(["vneid"]));
    let h = rt.block_on(storage.record(Entity::Household, household.to_string())).unwrap().unwrap();
    assert_eq!(h.state.fields["address"], json!("Số 2"));
    assert_eq!(h.state.fields["indicators"]["has_smartphone"], json!(true));
    // The feed still has everything, and the official's pull too.
    let page = rt.block_on(storage.changes(Cursor::default(), 1 << 20)).unwrap();
    assert_eq!(page.changes.len(), 3);
    let pulled = rt.block_on(storage.pull(d, Cursor::default(), 1 << 20)).unwrap();
    assert_eq!(pulled.changes.len(), 3);
    // The code (stored in plain text by version 1) still works, once.
    let e = Enrolment {
        device_id: DeviceId::new(),
        device_name: "mới".into(),
        token_sha256: token_sha256("new"),
        proof_sha256: None,
        at: Utc::now(),
    };
    assert!(rt.block_on(storage.redeem_code(code_sha256("K7QX3MZP"), e.clone())).unwrap().is_some());
    assert!(rt.block_on(storage.redeem_code(code_sha256("K7QX3MZP"), e)).unwrap().is_none());
}
