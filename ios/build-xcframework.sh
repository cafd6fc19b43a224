#!/usr/bin/env bash
# macOS only (Xcode command-line tools and rustup). Builds the core as a static library for
# iOS devices (arm64), the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64, so
# `swift test` runs on the Mac), packs them with the C header and module map into
# build/TungNhaCoreFFI.xcframework, and generates the Swift bindings into
# Sources/TungNhaCore/TungNhaCore.swift. Both are build outputs (git-ignored).
#
# Not runnable on the project's Linux CI (no Xcode): there scripts/test-kotlin.sh generates
# the same Swift bindings and checks their declarations.
#
# Env: PROFILE=release|dev (default release), IPHONEOS_DEPLOYMENT_TARGET (default 15.0).
set -euo pipefail
cd "$(dirname "$0")"
IOS_DIR=$PWD
ROOT=$(cd .. && pwd)
PROFILE=${PROFILE:-release}
DIR=$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")
export IPHONEOS_DEPLOYMENT_TARGET=${IPHONEOS_DEPLOYMENT_TARGET:-15.0}
export MACOSX_DEPLOYMENT_TARGET=${MACOSX_DEPLOYMENT_TARGET:-12.0}

[[ $(uname) == Darwin ]] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
command -v xcodebuild >/dev/null || { echo "install Xcode (xcodebuild)" >&2; exit 1; }

TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${TARGETS[@]}"

cd "$ROOT"
for t in "${TARGETS[@]}"; do
  cargo build --locked --profile "$PROFILE" -p tungnha-bindings --lib --target "$t"
done
lib() { echo "$ROOT/target/$1/$DIR/libtungnha_bindings.a"; }

OUT=$IOS_DIR/build
rm -rf "$OUT" && mkdir -p "$OUT/headers" "$OUT/ios-simulator" "$OUT/macos"

# Swift bindings and the C side (header + module map) from the library (library mode).
cargo build --locked -p tungnha-bindings --lib
cargo run --locked -q -p uniffi-bindgen -- generate --no-format --language swift \
  --library "$ROOT/target/debug/libtungnha_bindings.dylib" --out-dir "$OUT/generated"
cp "$OUT/generated/TungNhaCoreFFI.h" "$OUT/headers/"
# Inside an XCFramework the module map must be called module.modulemap.
cp "$OUT/generated/TungNhaCoreFFI.modulemap" "$OUT/headers/module.modulemap"
cp "$OUT/generated/TungNhaCore.swift" "$IOS_DIR/Sources/TungNhaCore/TungNhaCore.swift"

# One fat library per platform (simulator: arm64 + x86_64; macOS: arm64 + x86_64).
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$OUT/ios-simulator/libtungnha_bindings.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$OUT/macos/libtungnha_bindings.a"

xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$OUT/headers" \
  -library "$OUT/ios-simulator/libtungnha_bindings.a" -headers "$OUT/headers" \
  -library "$OUT/macos/libtungnha_bindings.a" -headers "$OUT/headers" \
  -output "$OUT/TungNhaCoreFFI.xcframework"

echo "built $OUT/TungNhaCoreFFI.xcframework and Sources/TungNhaCore/TungNhaCore.swift"
echo "next: swift build (package), or xcodegen generate && open TungNha.xcodeproj (app)"
