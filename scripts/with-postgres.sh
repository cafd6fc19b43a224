#!/usr/bin/env bash
# Run a command next to a throwaway PostgreSQL 15 cluster, e.g.
#   scripts/with-postgres.sh cargo test -p tungnha-server
# Installs Debian's `postgresql` if its server binaries are missing, starts a cluster in
# a temporary directory (no systemd), exports TUNGNHA_TEST_POSTGRES with its URL, runs
# the command, and always stops the cluster and deletes it. Exits with the command's status.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

log() { printf 'with-postgres: %s\n' "$*" >&2; }

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# apt-get, waiting for another apt/dpkg (unattended upgrades, a parallel script) to finish.
apt_retry() {
  local attempt
  for attempt in $(seq 1 30); do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 "$@"; then
      return 0
    fi
    log "apt-get $1 failed (attempt $attempt); retrying in 5 s"
    sleep 5
  done
  return 1
}

if [[ ! -x $PG_BIN/pg_ctl || ! -x $PG_BIN/initdb ]]; then
  log "installing PostgreSQL 15 (Debian package postgresql)"
  apt_retry update -q
  apt_retry install -y -q --no-install-recommends postgresql
fi

# Run a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root).
pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_user() {
  if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    local p
    for p in $(seq 55432 55532); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
  fi
}

PORT=${TUNGNHA_PG_PORT:-$(free_port)}
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/tungnha-pg.XXXXXX")
chmod 755 "$ROOT"
DATA=$ROOT/data
if [[ $(id -u) -eq 0 ]]; then
  install -d -o postgres -g postgres -m 700 "$DATA"
else
  install -d -m 700 "$DATA"
fi

started=0
cleanup() {
  if [[ $started -eq 1 ]]; then
    pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || log "could not stop the cluster cleanly"
  fi
  rm -rf "$ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting a cluster on 127.0.0.1:$PORT in $DATA"
pg "$PG_BIN/initdb" -D "$DATA" -U "$(pg_user)" --auth=trust -E UTF8 --no-locale >"$ROOT/initdb.log" 2>&1 || {
  cat "$ROOT/initdb.log" >&2
  exit 1
}
if ! pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
  -o "-k /tmp -p $PORT -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null; then
  cat "$DATA/server.log" >&2 || true
  exit 1
fi
started=1

export TUNGNHA_TEST_POSTGRES="postgres://$(pg_user)@127.0.0.1:$PORT/postgres"
log "TUNGNHA_TEST_POSTGRES=$TUNGNHA_TEST_POSTGRES"

set +e
"$@"
status=$?
set -e
exit $status
