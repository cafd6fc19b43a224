#!/usr/bin/env bash
# Bounded fuzzing of the wire codec and the sync endpoint's request path (fuzz/README.md).
# Installs cargo-fuzz from crates.io if missing; needs the nightly toolchain these
# machines have. Each target runs TUNGNHA_FUZZ_SECONDS (default 60) from the seeds in
# fuzz/corpus/<target> (kept in the repo, not grown by CI runs: new inputs go to a
# temporary directory). A crash, a leak past the RSS limit or a hang fails the script;
# libFuzzer prints the input and writes it to fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_PER_TARGET=${TUNGNHA_FUZZ_SECONDS:-60}
CARGO_FUZZ_VERSION=0.13.2

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# Release build with debug assertions (integer overflow panics), no sanitizer: the code
# under test forbids `unsafe`; what we look for are panics, hangs and unbounded memory.
cargo +nightly fuzz build -s none -a

for target in codec_decode sync_request; do
  scratch=$(mktemp -d)
  log=$(mktemp)
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
  status=0
  cargo +nightly fuzz run -s none -a "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  rm -rf "$scratch"
  if [[ $status -ne 0 ]]; then
    tail -n 60 "$log" >&2
    echo "fuzz: $target failed (status $status)" >&2
    exit "$status"
  fi
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "$log" || true
  rm -f "$log"
done
