#!/usr/bin/env bash
# Builds libtungnha_bindings.so for Android with cargo-ndk into app/src/main/jniLibs
# (arm64-v8a, armeabi-v7a, x86_64) and generates the Kotlin bindings from it into
# presentation/build/generated/uniffi/kotlin. Both are build outputs (git-ignored).
#
# Needs: the Android NDK (ANDROID_NDK_HOME, or Android Studio's SDK with an NDK installed),
# rustup. Installs cargo-ndk and the Rust Android targets if they are missing.
# Not runnable on the project's CI machines (no NDK there); run it on a developer machine or
# let Gradle's preBuild run it.
#
# Env: PROFILE=release|dev (default release), API=24 (minSdk).
set -euo pipefail
cd "$(dirname "$0")"
ANDROID_DIR=$PWD
ROOT=$(cd .. && pwd)
PROFILE=${PROFILE:-release}
API=${API:-24}

if [[ -z ${ANDROID_NDK_HOME:-} ]]; then
  sdk=${ANDROID_HOME:-${ANDROID_SDK_ROOT:-$HOME/Library/Android/sdk}}
  [[ -d $sdk/ndk ]] && ANDROID_NDK_HOME=$(ls -d "$sdk"/ndk/* | sort -V | tail -1)
fi
[[ -n ${ANDROID_NDK_HOME:-} && -d $ANDROID_NDK_HOME ]] || {
  echo "Set ANDROID_NDK_HOME to an Android NDK (Android Studio: SDK Manager > SDK Tools > NDK)." >&2
  exit 1
}
export ANDROID_NDK_HOME

command -v cargo-ndk >/dev/null || cargo install cargo-ndk --locked
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android

cd "$ROOT"
cargo ndk --platform "$API" -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$ANDROID_DIR/app/src/main/jniLibs" \
  build --locked --profile "$PROFILE" -p tungnha-bindings

# Library mode reads the interface from any build of the library; the arm64 one will do.
out=$ANDROID_DIR/presentation/build/generated/uniffi/kotlin
rm -rf "$out"
cargo run --locked -q -p uniffi-bindgen -- generate --no-format --language kotlin \
  --library "$ANDROID_DIR/app/src/main/jniLibs/arm64-v8a/libtungnha_bindings.so" --out-dir "$out"
find "$ANDROID_DIR/app/src/main/jniLibs" "$out" -type f
