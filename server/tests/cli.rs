//! The `tungnha` binary: operator commands and a server that stops cleanly on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_tungnha");

fn tungnha(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "info").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn operator_commands_and_a_clean_stop() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let db = db.to_str().unwrap();

    let out = tungnha(&["create-official", "--db", db, "--role", "commune_official", "--unit", "2025:c:00004", "--name", "Nguyễn Thị Xã"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let code = stdout.lines().find_map(|l| l.strip_prefix("Mã đăng ký / enrolment code: ")).unwrap().to_owned();
    assert_eq!(code.len(), 8);
    assert!(stdout.contains('█') || stdout.contains('▀') || stdout.contains('▄'), "a QR code is drawn:\n{stdout}");
    assert!(stdout.contains("2025:c:00004"));

    // Wrong unit for the role; unknown team; unknown device.
    let out = tungnha(&["create-official", "--db", db, "--role", "province_official", "--unit", "2025:c:00004", "--name", "X"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("province key"), "{}", text(&out.stderr));
    let team = tungnha_core::ids::TeamId::new().to_string();
    let out = tungnha(&["enrol-code", "--db", db, "--role", "volunteer", "--team", &team]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("Team not found"));
    let out = tungnha(&["revoke", "--db", db, "--device", &tungnha_core::ids::DeviceId::new().to_string()]);
    assert!(!out.status.success());

    // Serve, enrol a phone with the code, then stop with SIGTERM.
    let mut server = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split_whitespace().find_map(|w| w.strip_prefix("addr=").map(str::to_owned)))
        .expect("the server logs its address");
    let url = format!("http://{addr}");
    let health: serde_json::Value =
        serde_json::from_str(&ureq::get(format!("{url}/health")).call().unwrap().body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(health["status"], "ok");
    let device = tungnha_core::ids::DeviceId::new();
    let enrol = serde_json::json!({"code": code, "device_id": device, "device_name": "Máy xã", "schema_version": tungnha_core::sync::MIN_CLIENT_SCHEMA});
    let mut reply = ureq::post(format!("{url}/v1/enrol")).header("Content-Type", "application/json").send(enrol.to_string()).unwrap();
    let resp: serde_json::Value = serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(resp["role"], "commune_official");
    assert_eq!(resp["token"].as_str().unwrap().len(), 64);

    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");

    // The operator finds the device and revokes it.
    let out = tungnha(&["devices", "--db", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let row = listed.lines().find(|l| l.starts_with(&device.to_string())).expect("the device is listed");
    assert!(row.contains("commune_official") && row.contains("Máy xã") && row.contains("Nguyễn Thị Xã") && row.contains("active"), "{row}");
    let out = tungnha(&["revoke", "--db", db, "--device", &device.to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&tungnha(&["devices", "--db", db]).stdout);
    assert!(listed.lines().any(|l| l.starts_with(&device.to_string()) && l.contains("revoked")), "{listed}");
}
