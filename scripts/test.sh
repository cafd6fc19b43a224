#!/usr/bin/env bash
# The one command that runs every check (README "Test"; .ci/run calls exactly this).
# Installs what it needs from the project's own scripts; safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "UI text: no user-visible literals in Kotlin or Swift; vi and en string resources with the same keys"
scripts/check-ui-text.sh

step "clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (SQLite and PostgreSQL; fault injection: TUNGNHA_E2E_RUNS=${TUNGNHA_E2E_RUNS:-1000} runs; hostile clients: TUNGNHA_HOSTILE_OPS=${TUNGNHA_HOSTILE_OPS:-10000} ops per backend)"
scripts/with-postgres.sh cargo test --workspace --locked

step "bounded fuzzing of the codec and the sync endpoint (TUNGNHA_FUZZ_SECONDS=${TUNGNHA_FUZZ_SECONDS:-60} per target)"
scripts/fuzz.sh

step "benchmarks compile and run once (smoke; ratios are printed by 'cargo bench'), on SQLite and PostgreSQL"
cargo bench -p tungnha-core --bench store --bench codec --locked -- --test
scripts/with-postgres.sh bash -c 'cargo bench -p tungnha-e2e --bench sync --locked -- --test && cargo bench -p tungnha-e2e --bench pull --locked -- --test'

step "iOS String Catalog: every key the screens use is there, in Vietnamese and English"
python3 ios/check-strings.py

if [[ -x scripts/test-kotlin.sh ]]; then
  step "Kotlin JVM tests over the uniffi bindings"
  scripts/test-kotlin.sh
fi

step "all checks passed"
