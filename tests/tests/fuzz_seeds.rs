//! Seeds for the fuzz targets (`fuzz/corpus/`): real encoded sync requests, as an
//! official's phone makes them while setting a commune up and recording its work. Run
//! `cargo test -p tungnha-e2e --test fuzz_seeds -- --ignored` to write them again after a
//! change of the wire format.

use std::path::PathBuf;
use tungnha_core::model::*;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::{codec, Cursor, SyncRequest, PROTOCOL_VERSION};
use tungnha_core::Store;
use tungnha_testkit::people::{member, person, Duty};

#[test]
#[ignore = "writes files: run by hand after a change of the wire format"]
fn write_fuzz_seeds() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let s = Store::open(dir.path().join("seed.db"), StoreOptions::default()).expect("a store");
    let commune = tungnha_testkit::units::BA_DINH;
    let village = s.add_village(commune, "Bản Mòng").expect("village");
    let leader: TeamMember = member("Lò Văn Thắng", Duty::Leader, Organisation::YouthUnion).phone("0912345678").into();
    let team = s.add_team(&NewTeam { commune_key: commune.into(), name: "Tổ 1".into(), members: vec![leader.clone()] }).expect("team");
    s.assign(team, None, AssignmentTarget::Village(village)).expect("assign");
    let now = s.now();
    let head = NewPerson { sex: Some(Sex::Male), ..person("Hà Văn Lả", Relation::Head, 1970, now) };
    let h = s
        .add_household(&NewHousehold {
            village_id: village,
            address: "Số 1".into(),
            head,
            phone: None,
            location: None,
            indicators: HouseholdIndicators::default(),
        })
        .expect("household")
        .id;
    let person = s.household_detail(h).expect("detail").household.head_id;
    s.record_visit(&NewVisit {
        place: VisitPlace::Household { household_id: h },
        campaign_id: None,
        team_id: team,
        volunteer_id: leader.id,
        occurred_at: now,
        attendees: vec![Attendee {
            person_id: person,
            skills_guided: vec!["online_payment".into()],
            actions: vec!["vneid_activated".into()],
            ..Default::default()
        }],
        topics: vec!["vneid".into()],
        notes: "Đã cài VNeID".into(),
        location: None,
        supersedes: None,
        correction_reason: None,
    })
    .expect("visit");
    s.update_household(h, &HouseholdPatch { address: Some("Số 2".into()), ..Default::default() }).expect("edit");
    s.add_local_topic("zalo", "Dùng Zalo", "Using Zalo").expect("topic");
    let ops = s.pending_ops(1000).expect("ops");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for target in ["sync_request", "codec_decode"] {
        std::fs::create_dir_all(out.join(target)).expect("corpus dir");
    }
    let request = |ops: Vec<tungnha_core::sync::protocol::Op>| SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: tungnha_core::store::schema::SCHEMA_VERSION,
        device_id: s.device_id(),
        client_time_ms: 0,
        ops,
        cursor: Cursor::default(),
        max_bytes: 0,
    };
    let mut seeds = vec![("all", request(ops.clone())), ("empty", request(vec![]))];
    for (i, op) in ops.iter().enumerate() {
        seeds.push((Box::leak(format!("op{i:02}").into_boxed_str()), request(vec![op.clone()])));
    }
    for (name, req) in seeds {
        let body = codec::encode(&req).expect("encode");
        for target in ["sync_request", "codec_decode"] {
            std::fs::write(out.join(target).join(name), &body).expect("write a seed");
        }
    }
    // The first format, as old apps send it.
    let legacy = zstd::bulk::compress(&serde_json::to_vec(&request(ops)).expect("json"), 3).expect("zstd");
    std::fs::write(out.join("sync_request").join("legacy"), &legacy).expect("write a seed");
}
