#!/usr/bin/env bash
# Installs what the Kotlin JVM tests need, idempotently (a warm run takes well under a second):
#   - Debian: a JDK (17 is what this project's machines carry), JNA (libjna-java + its native
#     dispatch library libjna-jni), JUnit 4 (junit4, with hamcrest), npm if missing.
#   - kotlinc from the npm package `kotlin-compiler` (Google Maven and Maven Central are not
#     reachable here; the npm package carries kotlinc plus kotlin-stdlib, kotlin-test,
#     kotlin-test-junit and kotlinx-coroutines-core-jvm).
# Prints nothing but progress on stderr; on success the last line on stdout is KOTLIN_HOME.
#
# Env: KOTLIN_VERSION (default 2.4.20), TUNGNHA_TOOLS (default ~/.cache/tungnha).
set -euo pipefail

KOTLIN_VERSION=${KOTLIN_VERSION:-2.4.20}
TOOLS=${TUNGNHA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/tungnha}
KOTLIN_HOME=$TOOLS/kotlinc-$KOTLIN_VERSION

log() { printf '[install-kotlin-tools] %s\n' "$*" >&2; }

need_apt=()
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
for f in /usr/share/java/jna.jar /usr/share/java/junit4.jar /usr/share/java/hamcrest.jar; do
  [[ -f $f ]] || { need_apt+=(libjna-java libjna-jni junit4); break; }
done
# libjna-jni ships the native dispatch library JNA loads (jna.jar carries none).
ls /usr/lib/*/jni/libjnidispatch.system.so >/dev/null 2>&1 || need_apt+=(libjna-jni)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)

if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # Another apt run may hold the lists lock for a moment: retry rather than fail.
  for i in $(seq 1 30); do $sudo apt-get update -qq && break; log "apt-get update busy, retry $i"; sleep 5; done
  $sudo apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need_apt[@]}" >&2
fi

if [[ ! -x $KOTLIN_HOME/bin/kotlinc || ! -f $KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar ]]; then
  log "kotlinc $KOTLIN_VERSION from npm (kotlin-compiler, ~90 MB)"
  mkdir -p "$TOOLS"
  tmp=$(mktemp -d "$TOOLS/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent --cache "$tmp/npm-cache" "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
  tar xzf "$tmp/kotlin-compiler-$KOTLIN_VERSION.tgz" -C "$tmp"
  chmod +x "$tmp/package/bin/"*
  rm -rf "$KOTLIN_HOME"
  mv "$tmp/package" "$KOTLIN_HOME"   # atomic enough: a half-unpacked tree never has the final name
fi
for jar in kotlin-stdlib kotlin-test kotlin-test-junit kotlinx-coroutines-core-jvm; do
  [[ -f $KOTLIN_HOME/lib/$jar.jar ]] || { log "missing $KOTLIN_HOME/lib/$jar.jar"; exit 1; }
done
echo "$KOTLIN_HOME"
