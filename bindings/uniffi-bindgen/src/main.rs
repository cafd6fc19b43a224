//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libtungnha_bindings.so --language kotlin --out-dir …`
//! (see scripts/test-kotlin.sh). Same uniffi version as the library, so the generated
//! code and the scaffolding always agree.

fn main() {
    uniffi::uniffi_bindgen_main()
}
