//! The server's scenario tests run on the end-to-end harness (`tungnha_e2e`): a real
//! server on 127.0.0.1 (SQLite in a temp dir, or a fresh PostgreSQL database), real
//! phones (core `Store`s in the same temp dir) and the core's real sync client and HTTP
//! transport; the data comes from the test kit. Every scenario runs on both backends
//! (`on_both_backends!`). What only these tests need is here.
// Each test binary includes this module and uses a part of it.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, PersonId, TeamId, VillageId};
use tungnha_core::model::NewVisit;
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::Change;
use tungnha_core::Store;
use tungnha_server::TestHooks;
use tungnha_testkit::visits::{self, Visitor};

pub use tungnha_e2e::commune::{commune, Commune, COMMUNE, FAR_COMMUNE, OTHER_COMMUNE, PROVINCE};
pub use tungnha_e2e::env::{citizen, leader, official, province_official, sync_options, volunteer, Env, Phone};
pub use tungnha_e2e::{on_both_backends, Backend};

/// Ids by entity, from pulled changes.
pub fn ids(changes: &[Change]) -> HashMap<Entity, BTreeSet<String>> {
    let mut out: HashMap<Entity, BTreeSet<String>> = HashMap::new();
    for c in changes {
        out.entry(c.entity).or_default().insert(c.id.clone());
    }
    out
}

pub fn has(changes: &[Change], entity: Entity, id: impl ToString) -> bool {
    let id = id.to_string();
    changes.iter().any(|c| c.entity == entity && c.id == id)
}

/// A household with its head and other members, consenting now; returns (household, [head, others...]).
pub fn household(store: &Store, village: VillageId, address: &str, head: &str, others: &[&str]) -> (HouseholdId, Vec<PersonId>) {
    tungnha_testkit::household::named(store, village, address, head, others).unwrap()
}

/// A session now, outside any campaign: everyone in `people` guided through online
/// payment, on VNeID.
pub fn visit(store: &Store, team: TeamId, volunteer: MemberId, household: HouseholdId, people: &[PersonId]) -> NewVisit {
    let by = Visitor { team, volunteer, campaign: None };
    visits::simple(by, household, people, &["online_payment"], &["vneid"], store.now())
}

/// Hooks that hold the sync transactions of chosen devices open for `delay`.
pub fn slow_devices(delay: Duration) -> (TestHooks, Arc<Mutex<BTreeSet<DeviceId>>>) {
    let slow: Arc<Mutex<BTreeSet<DeviceId>>> = Arc::default();
    let s = slow.clone();
    let hooks =
        TestHooks { before_commit: Some(Arc::new(move |d| s.lock().unwrap().contains(&d).then_some(delay))), ..TestHooks::default() };
    (hooks, slow)
}
