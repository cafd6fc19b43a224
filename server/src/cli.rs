//! Command-line parsing and dispatch for `tungnha`.

use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, TeamId};
use tungnha_core::sync::Role;
use tungnha_server::enrolment::{self, CodeRequest, IssuedCode, Issuer};
use tungnha_server::qr;
use tungnha_server::storage::{open_storage, parse_role, role_text, DatabaseConfig};
use tungnha_server::TestHooks;

#[derive(Debug, Parser)]
#[command(name = "tungnha", version, about = "Từng Nhà sync server and operator tools")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the sync server.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "TUNGNHA_LISTEN")]
        listen: SocketAddr,
        #[command(flatten)]
        db: DbArgs,
        /// A demo commune with live simulated field activity, on a fresh temporary database
        /// (builds with the `demo` feature, the default).
        #[arg(long)]
        demo: bool,
    },
    /// Issue the enrolment code of the first official of a commune or province.
    CreateOfficial {
        #[command(flatten)]
        db: DbArgs,
        /// commune_official or province_official.
        #[arg(long, value_parser = parse_official_role)]
        role: Role,
        /// The official's unit, e.g. 2025:c:00004 (commune) or 2025:p:01 (province).
        #[arg(long)]
        unit: String,
        /// The official's name.
        #[arg(long)]
        name: String,
        /// Hours the code stays valid (default 7 days).
        #[arg(long)]
        ttl_hours: Option<i64>,
    },
    /// Issue an enrolment code for any role.
    EnrolCode {
        #[command(flatten)]
        db: DbArgs,
        /// citizen, volunteer, team_leader, commune_official or province_official.
        #[arg(long, value_parser = parse_any_role)]
        role: Role,
        /// The team (volunteers and leaders).
        #[arg(long)]
        team: Option<TeamId>,
        /// The team member the device acts as.
        #[arg(long)]
        member: Option<MemberId>,
        /// The household (citizens).
        #[arg(long)]
        household: Option<HouseholdId>,
        /// The unit (officials): a commune or province key.
        #[arg(long)]
        unit: Option<String>,
        /// Whom the code is for.
        #[arg(long)]
        name: Option<String>,
        /// Hours the code stays valid (default 7 days).
        #[arg(long)]
        ttl_hours: Option<i64>,
    },
    /// List enrolled devices (to find the one to revoke).
    Devices {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a device's token (a lost or stolen phone).
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        device: DeviceId,
    },
}

#[derive(Debug, Args)]
struct DbArgs {
    /// SQLite database file (the default backend).
    #[arg(long, default_value = "./tungnha.db", env = "TUNGNHA_DB", conflicts_with = "postgres")]
    db: PathBuf,
    /// PostgreSQL URL instead of SQLite, e.g. postgres://user@host/tungnha.
    #[arg(long, env = "TUNGNHA_POSTGRES")]
    postgres: Option<String>,
}

impl DbArgs {
    fn config(&self) -> DatabaseConfig {
        match &self.postgres {
            Some(url) => DatabaseConfig::Postgres(url.clone()),
            None => DatabaseConfig::Sqlite(self.db.clone()),
        }
    }
}

fn parse_any_role(s: &str) -> Result<Role, String> {
    parse_role(s).ok_or_else(|| "expected citizen, volunteer, team_leader, commune_official or province_official".to_owned())
}

fn parse_official_role(s: &str) -> Result<Role, String> {
    match parse_role(s) {
        Some(r @ (Role::CommuneOfficial | Role::ProvinceOfficial)) => Ok(r),
        _ => Err("expected commune_official or province_official".to_owned()),
    }
}

#[cfg(not(feature = "demo"))]
async fn run_demo(_listen: SocketAddr) -> Result<(), String> {
    Err("this build has no demo: build with the `demo` feature (on by default)".to_owned())
}

#[cfg(feature = "demo")]
async fn run_demo(listen: SocketAddr) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    eprintln!("Từng Nhà demo: setting up a commune with two teams and their phones (about a minute)...");
    let (mut server, info, stop) = tungnha_server::demo::start_demo(listen, dir.path()).await?;
    let commune = tungnha_core::units::official().get(&info.commune_key).map(|u| u.name.clone()).unwrap_or_default();
    println!();
    println!("  Từng Nhà — demo: {commune}, tỉnh Sơn La");
    println!("  Bảng theo dõi / dashboard:   {}/", info.url);
    println!("  Số liệu JSON / figures:      {}/api/figures?commune={}", info.url, info.commune_key);
    println!("  Đồng bộ / sync endpoint:     {}/v1/sync", info.url);
    println!("  Mã đăng ký thử cho một tổ viên / try enrolling a volunteer phone: {}", info.volunteer_code);
    if let Some(q) = qr::render(&info.volunteer_code) {
        println!("{q}");
    }
    println!("  Dữ liệu tạm / temporary data: {} (xoá khi dừng / deleted on exit). Ctrl+C để dừng.", dir.path().display());
    shutdown_signal().await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    server.begin_shutdown();
    server.wait().await.map_err(|e| e.to_string())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tungnha: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tungnha: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve { listen, demo: true, .. } => run_demo(listen).await,
        Command::Serve { listen, db, demo: false } => {
            let storage = open_storage(&db.config(), TestHooks::default()).await.map_err(|e| e.to_string())?;
            // The dashboard's read model: a core store beside the SQLite file (or in the
            // working directory for PostgreSQL), rebuilt from the change feed if deleted.
            let projection_path = match &db.postgres {
                Some(_) => PathBuf::from("./tungnha-dashboard.db"),
                None => db.db.with_extension("dashboard.db"),
            };
            let projection = tungnha_server::projection::Projection::open(&projection_path)?;
            let state = tungnha_server::AppState::new(storage).with_projection(std::sync::Arc::new(projection));
            let mut server = tungnha_server::start_app(state, listen).await.map_err(|e| e.to_string())?;
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            server.begin_shutdown();
            server.wait().await.map_err(|e| e.to_string())?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::CreateOfficial { db, role, unit, name, ttl_hours } => {
            let mut req = CodeRequest::new(role);
            req.commune_key = Some(unit);
            req.holder_name = Some(name);
            req.ttl_hours = ttl_hours;
            issue(&db, req).await
        }
        Command::EnrolCode { db, role, team, member, household, unit, name, ttl_hours } => {
            let req = CodeRequest {
                role,
                member_id: member,
                team_id: team,
                household_id: household,
                commune_key: unit,
                ttl_hours,
                holder_name: name,
            };
            issue(&db, req).await
        }
        Command::Devices { db } => {
            let storage = open_storage(&db.config(), TestHooks::default()).await.map_err(|e| e.to_string())?;
            let devices = storage.devices().await.map_err(|e| e.to_string())?;
            println!("thiết bị / device\tvai trò / role\tđịa bàn / unit\ttên máy / device name\tngười dùng / holder\tđăng ký / enrolled\ttrạng thái / status");
            for d in devices {
                let enrolled = chrono::DateTime::from_timestamp_millis(d.enrolled_at_ms)
                    .map(|t| t.with_timezone(&tungnha_core::clock::VIETNAM).format("%d/%m/%Y %H:%M").to_string())
                    .unwrap_or_default();
                let unit =
                    d.team_id.map(|t| format!("team {t}")).or(d.household_id.map(|h| format!("household {h}"))).or(d.commune_key.clone());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.device_id,
                    role_text(d.role),
                    unit.unwrap_or_default(),
                    d.name,
                    d.holder_name.unwrap_or_default(),
                    enrolled,
                    if d.revoked { "đã thu hồi / revoked" } else { "hoạt động / active" }
                );
            }
            Ok(())
        }
        Command::Revoke { db, device } => {
            let storage = open_storage(&db.config(), TestHooks::default()).await.map_err(|e| e.to_string())?;
            if storage.revoke(device, Utc::now()).await.map_err(|e| e.to_string())? {
                println!("Đã thu hồi thiết bị {device} / device {device} revoked");
                Ok(())
            } else {
                Err(format!("không có thiết bị {device} / no such device {device}"))
            }
        }
    }
}

async fn issue(db: &DbArgs, req: CodeRequest) -> Result<(), String> {
    let storage = open_storage(&db.config(), TestHooks::default()).await.map_err(|e| e.to_string())?;
    let issued = enrolment::issue(storage.as_ref(), Issuer::Admin, req, Utc::now())
        .await
        .map_err(|f| format!("{} / {}", f.error.message_vi, f.error.message_en))?;
    print_code(&issued);
    Ok(())
}

fn print_code(issued: &IssuedCode) {
    let expires = issued.expires_at.with_timezone(&tungnha_core::clock::VIETNAM);
    println!("Mã đăng ký / enrolment code: {}", issued.code);
    println!("Vai trò / role: {}", role_text(issued.role));
    if let Some(unit) = &issued.commune_key {
        println!("Địa bàn / unit: {unit}");
    }
    println!("Hết hạn / expires: {}", expires.format("%H:%M %d/%m/%Y (giờ Việt Nam)"));
    if let Some(qr) = qr::render(&issued.code) {
        println!("\n{qr}");
    }
}

/// Ctrl-C or SIGTERM (what `systemctl stop` and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
