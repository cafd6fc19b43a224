//! Wire codec benchmark: our layout (`sync::codec`) beside JSON+zstd and CBOR+zstd, on
//! the messages a volunteer's phone sends and receives on its first sync of a
//! 300-household assignment (`tests/common/assignment.rs`, the data of
//! `tests/wire_size.rs`):
//!
//! - `first_sync_page`: the first page of the pull (default page budget), as the server
//!   makes it;
//! - `push`: the first push body its device sends (the client's default 1,000 ops).
//!
//! For each message and format it prints the bytes on the wire and the encode and decode
//! times, then ratio lines of ours against each other format, all measured in the same
//! run:
//!
//! ```text
//! SIZE  first_sync_page (1,899 records): codec 45,673 B (24.1 B/record); json+zstd 93,205 B (49.1 B/record); …
//! TIME  first_sync_page: codec encode 48.67 ms decode 18.25 ms; json+zstd encode 81.07 ms decode 14.58 ms; …
//! RATIO first_sync_page bytes codec/json+zstd = 0.49 (below 1: ours is smaller)
//! RATIO first_sync_page encode codec/json+zstd = 0.60 (below 1: ours is faster)
//! ```
//!
//! JSON is serde_json's text; CBOR is ciborium's serde encoding (ids of the message types
//! as 16-byte strings, the records' JSON fields as CBOR maps). All three are compressed
//! with zstd at [`codec::ZSTD_LEVEL`], the codec's own level. Times come from our own
//! interleaved rounds (each round times every format, in a rotating order; medians per
//! format), run after criterion's report of each. Nothing asserts on time; every format
//! is checked to give back the same message.
//!
//! `cargo bench -p tungnha-core --bench codec -- --test` (or `cargo test --benches`) runs
//! everything once with tiny iteration counts, as a smoke test.

#[path = "../tests/common/assignment.rs"]
mod assignment;
#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::hint::black_box;
use std::time::{Duration, Instant};
use tungnha_core::sync::client::SyncOptions;
use tungnha_core::sync::{codec, Cursor, SyncRequest, SyncResponse, DEFAULT_PAGE_BYTES, PROTOCOL_VERSION};
use tungnha_testkit::measure::{human, median, thousands};

// ---------------------------------------------------------------------------------------
// Run mode

/// How much to measure: `cargo bench` measures properly; `--test` (and `cargo test
/// --benches`, which passes no `--bench`) only checks that everything runs.
#[derive(Debug, Clone, Copy)]
struct Plan {
    quick: bool,
    /// Interleaved rounds (each: one batch of every format, encode then decode).
    rounds: usize,
    /// Messages per timed batch.
    batch: usize,
}

impl Plan {
    fn from_args(rounds: usize, batch: usize) -> Self {
        let quick = tungnha_testkit::measure::smoke_run();
        if quick {
            Self { quick, rounds: 1, batch: 1 }
        } else {
            Self { quick, rounds, batch }
        }
    }
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, quick: bool) {
    if !quick {
        // Encoding a page takes tens of milliseconds: equal-sized samples, few of them.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
    }
}

// ---------------------------------------------------------------------------------------
// The formats

#[derive(Debug, Clone, Copy)]
enum Format {
    /// Ours: the columnar layout, then zstd.
    Codec,
    JsonZstd,
    CborZstd,
}

const FORMATS: [Format; 3] = [Format::Codec, Format::JsonZstd, Format::CborZstd];

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Codec => "codec",
            Format::JsonZstd => "json+zstd",
            Format::CborZstd => "cbor+zstd",
        }
    }

    fn encode<T: Serialize>(self, message: &T) -> Vec<u8> {
        match self {
            Format::Codec => codec::encode(message).expect("codec encodes"),
            Format::JsonZstd => {
                let json = serde_json::to_vec(message).expect("JSON");
                zstd::bulk::compress(&json, codec::ZSTD_LEVEL).expect("zstd")
            }
            Format::CborZstd => {
                let mut cbor = Vec::new();
                ciborium::into_writer(message, &mut cbor).expect("CBOR");
                zstd::bulk::compress(&cbor, codec::ZSTD_LEVEL).expect("zstd")
            }
        }
    }

    fn decode<T: DeserializeOwned>(self, body: &[u8]) -> T {
        match self {
            Format::Codec => codec::decode(body).expect("codec decodes"),
            Format::JsonZstd => {
                let json = zstd::stream::decode_all(body).expect("zstd");
                serde_json::from_slice(&json).expect("JSON")
            }
            Format::CborZstd => {
                let cbor = zstd::stream::decode_all(body).expect("zstd");
                ciborium::from_reader(&cbor[..]).expect("CBOR")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The messages

struct Messages {
    page: SyncResponse,
    push: SyncRequest,
}

impl Messages {
    fn build() -> Self {
        let a = assignment::build();
        let ops = assignment::ids_made_at_their_time(a.store.pending_ops(10_000).expect("pending ops"));
        let server_time_ms = assignment::local(12, 12, 0).timestamp_millis();
        let page = assignment::pages(&ops, DEFAULT_PAGE_BYTES, server_time_ms).into_iter().next().expect("a first page");
        let max_ops = SyncOptions::default().max_ops as usize;
        let push = SyncRequest {
            protocol: PROTOCOL_VERSION,
            schema_version: ops[0].schema_version,
            device_id: ops[0].device_id,
            client_time_ms: server_time_ms - 1_234,
            ops: ops.into_iter().take(max_ops).collect(),
            cursor: Cursor::default(),
            max_bytes: DEFAULT_PAGE_BYTES,
        };
        Self { page, push }
    }
}

// ---------------------------------------------------------------------------------------
// Measuring and printing

fn per_op(elapsed: Duration, n: usize) -> f64 {
    elapsed.as_nanos() as f64 / n.max(1) as f64
}

/// Sizes, interleaved timings and ratios of one message in every format.
fn report<T: Serialize + DeserializeOwned + PartialEq>(name: &str, plan: Plan, message: &T, (count, unit): (usize, &str)) {
    let bodies: Vec<Vec<u8>> = FORMATS.iter().map(|f| f.encode(message)).collect();
    for (f, body) in FORMATS.iter().zip(&bodies) {
        assert!(f.decode::<T>(body) == *message, "{} gives back the same message", f.name());
    }
    let sizes: Vec<String> = FORMATS
        .iter()
        .zip(&bodies)
        .map(|(f, b)| format!("{} {} B ({:.1} B/{unit})", f.name(), thousands(b.len() as u64), b.len() as f64 / count as f64))
        .collect();
    println!("SIZE  {name} ({} {unit}s): {}", thousands(count as u64), sizes.join("; "));

    let (mut enc, mut dec) = (vec![Vec::new(); FORMATS.len()], vec![Vec::new(); FORMATS.len()]);
    for round in 0..plan.rounds {
        for k in 0..FORMATS.len() {
            let i = (round + k) % FORMATS.len();
            let f = FORMATS[i];
            let t = Instant::now();
            for _ in 0..plan.batch {
                black_box(f.encode(black_box(message)));
            }
            enc[i].push(per_op(t.elapsed(), plan.batch));
            let t = Instant::now();
            for _ in 0..plan.batch {
                black_box(f.decode::<T>(black_box(&bodies[i])));
            }
            dec[i].push(per_op(t.elapsed(), plan.batch));
        }
    }
    let enc: Vec<f64> = enc.iter_mut().map(|x| median(x)).collect();
    let dec: Vec<f64> = dec.iter_mut().map(|x| median(x)).collect();
    let times: Vec<String> =
        FORMATS.iter().enumerate().map(|(i, f)| format!("{} encode {} decode {}", f.name(), human(enc[i]), human(dec[i]))).collect();
    println!(
        "TIME  {name}: {} (medians of {} interleaved rounds of {}{})",
        times.join("; "),
        plan.rounds,
        plan.batch,
        if plan.quick { "; --test smoke run, not a measurement" } else { "" }
    );
    let ours = Format::Codec.name();
    for (i, f) in FORMATS.iter().enumerate().skip(1) {
        let other = f.name();
        println!("RATIO {name} bytes {ours}/{other} = {:.2} (below 1: ours is smaller)", bodies[0].len() as f64 / bodies[i].len() as f64);
        println!("RATIO {name} encode {ours}/{other} = {:.2} (below 1: ours is faster)", enc[0] / enc[i]);
        println!("RATIO {name} decode {ours}/{other} = {:.2} (below 1: ours is faster)", dec[0] / dec[i]);
    }
}

/// Criterion's report of one message in every format, then ours (if criterion ran it:
/// filters and `--list` can skip it).
fn bench_message<T: Serialize + DeserializeOwned + PartialEq>(
    c: &mut Criterion,
    plan: Plan,
    name: &str,
    messages: &mut Option<Messages>,
    get: fn(&Messages) -> (&T, (usize, &'static str)),
) {
    let mut group = c.benchmark_group(name);
    configure(&mut group, plan.quick);
    let mut ran = false;
    for f in FORMATS {
        group.bench_function(format!("{}/encode", f.name()), |b| {
            let (m, _) = get(messages.get_or_insert_with(Messages::build));
            ran = true;
            b.iter(|| f.encode(black_box(m)));
        });
        group.bench_function(format!("{}/decode", f.name()), |b| {
            let (m, _) = get(messages.get_or_insert_with(Messages::build));
            let body = f.encode(m);
            ran = true;
            b.iter(|| f.decode::<T>(black_box(&body)));
        });
    }
    group.finish();
    if let (true, Some(all)) = (ran, messages.as_ref()) {
        let (m, count) = get(all);
        report(name, plan, m, count);
    }
}

fn bench_codec(c: &mut Criterion) {
    let plan = Plan::from_args(10, 3);
    let mut messages: Option<Messages> = None;
    bench_message(c, plan, "first_sync_page", &mut messages, |m| (&m.page, (m.page.changes.len(), "record")));
    bench_message(c, plan, "push", &mut messages, |m| (&m.push, (m.push.ops.len(), "op")));
}

criterion_group!(benches, bench_codec);
criterion_main!(benches);
