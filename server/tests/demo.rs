//! `tungnha serve --demo` is the README's run command: it must come up, fill the
//! dashboard through real phones, and keep the field activity going.
#![cfg(feature = "demo")]
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.get(url).call().unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
}

#[test]
fn the_demo_fills_the_dashboard_through_real_phones() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, info, stop) =
        rt.block_on(tungnha_server::demo::start_demo(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), dir.path())).unwrap();
    assert_eq!(info.volunteer_code.len(), 8);
    // The campaign's ten days are recorded by the phones and synced; wait for the figures.
    let deadline = Instant::now() + Duration::from_secs(180);
    let figures = loop {
        let (status, body) = get(&format!("{}/api/figures?commune={}&campaign=true", info.url, info.commune_key));
        assert_eq!(status, 200, "{body}");
        let f: serde_json::Value = serde_json::from_str(&body).unwrap();
        if f["visits"].as_u64().unwrap_or(0) >= 100 || Instant::now() > deadline {
            break f;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(figures["visits"].as_u64().unwrap() >= 100, "the campaign's sessions arrived: {figures}");
    assert!(figures["households"].as_u64().unwrap() >= 150);
    assert!(figures["people_guided"].as_u64().unwrap() > 0);
    // Group sessions at fixed points, and leaders' verifications, are part of the activity.
    let sessions = figures["group_sessions"].as_u64().unwrap();
    assert!(sessions > 0, "group sessions were held: {figures}");
    assert_eq!(figures["visits"].as_u64().unwrap(), figures["household_visits"].as_u64().unwrap() + sessions);
    let verified: u64 = figures["skills"].as_array().unwrap().iter().map(|s| s["verified"].as_u64().unwrap()).sum();
    assert!(verified > 0, "team leaders verified skills: {figures}");
    let (status, page) = get(&format!("{}/", info.url));
    assert_eq!(status, 200);
    assert!(page.contains("Từng Nhà") && page.contains("lượt hướng dẫn") && page.contains("Bản Mòng"), "{page}");
    assert!(page.contains("buổi hướng dẫn tập trung") && page.contains("kỹ năng đã được tổ trưởng xác nhận"), "{page}");
    assert!(page.len() < 30_000, "the dashboard stays light for 2G: {} bytes", page.len());
    // No phone had anything refused: every refused op would sit in a phone's quarantine.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "db") && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("phone")) {
            let c = rusqlite::Connection::open(&path).unwrap();
            let refused: i64 = c.query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0)).unwrap();
            assert_eq!(refused, 0, "{} has refused ops", path.display());
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    rt.block_on(server.shutdown()).unwrap();
}
