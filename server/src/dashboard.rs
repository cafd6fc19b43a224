//! The officials' dashboard: server-rendered HTML, a few kilobytes, no JavaScript, so
//! it opens on a 2G phone in a commune office. Figures come from a core [`Store`] that
//! mirrors the server's records (the projection), computed by the same code the apps
//! use (`tungnha_core::figures`), so the dashboard and the phones can never disagree.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use tungnha_core::catalog;
use tungnha_core::figures::{FigureQuery, Figures, Scope};
use tungnha_core::model::Campaign;
use tungnha_core::{units, CoreResult, Store};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#b3261e;color:#fff;padding:12px 16px}header h1{margin:0;font-size:1.25rem}header p{margin:4px 0 0;opacity:.9}
main{padding:12px 16px;max-width:1100px}section{background:#fff;border-radius:8px;padding:12px 16px;margin:0 0 12px;box-shadow:0 1px 2px #0001}
h2{font-size:1.05rem;margin:0 0 8px}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:8px}
.kpi{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px #0001}.kpi b{display:block;font-size:1.6rem}
.kpi small{color:#555}table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.bar{background:#f3c1bd;height:10px;border-radius:5px}
.note{color:#555;font-size:.85rem}a{color:#b3261e}";

fn pct(part: u32, whole: u32) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.0}%", f64::from(part) * 100.0 / f64::from(whole))
    }
}

fn kpi(value: impl std::fmt::Display, label: &str, sub: String) -> Markup {
    html! { div.kpi { b { (value) } (label) br; small { (sub) } } }
}

/// What one dashboard shows.
#[derive(Debug, Clone)]
pub struct DashboardInput {
    /// Key of the commune (2025 structure) the dashboard is for.
    pub commune_key: String,
    pub campaign: Option<Campaign>,
    /// A line about the data's freshness ("cập nhật 10:42:05").
    pub updated: String,
    /// Seconds between automatic reloads (0 = none).
    pub refresh_seconds: u32,
}

fn summary(f: &Figures) -> Markup {
    html! {
        div.kpis {
            (kpi(format!("{}/{}", f.households_visited, f.households), "hộ đã được hướng dẫn", format!("{} số hộ · households visited", pct(f.households_visited, f.households))))
            (kpi(f.people_guided, "người được hướng dẫn", format!("trên {} người · people guided", f.people)))
            (kpi(f.visits, "lượt hướng dẫn", format!("{} tại nhà, {} buổi tập trung · sessions", f.household_visits, f.group_sessions)))
            (kpi(f.group_sessions, "buổi hướng dẫn tập trung", "tại hội trường, trường học, nhà văn hoá · group sessions".to_string()))
            (kpi(f.skills.iter().map(|s| s.verified).sum::<u32>(), "kỹ năng đã được tổ trưởng xác nhận", "người × kỹ năng · skills verified by team leaders".to_string()))
            (kpi(f.households_with_1_master, "hộ có ≥1 người thành thạo 5 kỹ năng", format!("{} số hộ · households with ≥1 proficient", pct(f.households_with_1_master, f.households))))
            (kpi(f.households_with_2_masters, "hộ có ≥2 người thành thạo", format!("{} số hộ · households with ≥2 proficient", pct(f.households_with_2_masters, f.households))))
            (kpi(f.people_mastering_all, "người thành thạo cả 5 kỹ năng", "tự khai hoặc đã xác nhận · self-reported or verified".to_string()))
        }
    }
}

fn skills_table(f: &Figures) -> Markup {
    html! {
        table {
            tr { th { "Kỹ năng số cơ bản" } th.n { "Chưa" } th.n { "Đã hướng dẫn" } th.n { "Tự khai biết" } th.n { "Đã xác nhận" } }
            @for s in &f.skills {
                tr {
                    td { (catalog::skill(&s.skill).map_or(s.skill.as_str(), |e| e.name_vi)) }
                    td.n { (s.not_started) } td.n { (s.guided) } td.n { (s.self_reported) } td.n { (s.verified) }
                }
            }
        }
    }
}

fn topics_table(f: &Figures) -> Markup {
    html! {
        table {
            tr { th { "Nội dung hướng dẫn" } th.n { "Lượt" } th.n { "Người" } }
            @for t in &f.topics {
                tr { td { (catalog::topic(&t.topic).map_or(t.topic.as_str(), |e| e.name_vi)) } td.n { (t.visits) } td.n { (t.people) } }
            }
        }
    }
}

fn days_table(f: &Figures) -> Markup {
    let max = f.days.iter().map(|d| d.visits).max().unwrap_or(1).max(1);
    html! {
        table {
            tr { th { "Ngày" } th.n { "Lượt" } th.n { "Hộ" } th.n { "Người" } th { "" } }
            @for d in &f.days {
                tr {
                    td { (d.day.format("%d/%m/%Y")) } td.n { (d.visits) } td.n { (d.households_visited) } td.n { (d.people_guided) }
                    td style="width:40%" { div.bar style=(format!("width:{}%", d.visits * 100 / max)) {} }
                }
            }
        }
    }
}

fn indicators_table(f: &Figures) -> Markup {
    fn label(i: &str) -> &str {
        match i {
            "has_smartphone" => "Có điện thoại thông minh",
            "has_broadband" => "Có Internet cáp quang",
            "has_epayment_adult" => "Có người lớn có tài khoản thanh toán",
            "uses_internet" => "Có sử dụng Internet",
            other => other,
        }
    }
    html! {
        table {
            tr { th { "Chỉ tiêu hộ gia đình" } th.n { "Có" } th.n { "Không" } th.n { "Chưa hỏi" } th.n { "Tỷ lệ có" } }
            @for i in &f.indicators {
                tr { td { (label(&i.indicator)) } td.n { (i.yes) } td.n { (i.no) } td.n { (i.unknown) } td.n { (pct(i.yes, i.yes + i.no)) } }
            }
        }
    }
}

/// The commune a village's commune reports under today: a pre-2025 commune shows under
/// the commune it became (its default one if it was split), as the figures count it.
fn reported_in(commune_key: &str) -> String {
    let today = tungnha_core::clock::vietnam_date(chrono::Utc::now());
    units::official().report_unit_on(commune_key, today).map_or(commune_key.to_owned(), |u| u.key.clone())
}

/// Render the commune dashboard from the projection store.
pub fn render(store: &Store, input: &DashboardInput) -> CoreResult<Markup> {
    let commune = units::official().get(&input.commune_key);
    let commune_name = commune.map_or(input.commune_key.clone(), |c| c.name.clone());
    let province = units::official().province_of(&input.commune_key).map(|p| p.name.clone()).unwrap_or_default();
    let scope = Scope::Commune(input.commune_key.clone());
    let all_time = store.figures(&FigureQuery::all_time(scope.clone()))?;
    let in_campaign = match &input.campaign {
        Some(c) => Some((c, store.figures(&FigureQuery::for_campaign(scope, c))?)),
        None => None,
    };
    let villages: Vec<_> = store.villages()?.into_iter().filter(|v| reported_in(&v.commune_key) == input.commune_key).collect();
    let mut village_rows = Vec::new();
    for v in &villages {
        village_rows.push((v.name.clone(), store.figures(&FigureQuery::all_time(Scope::Village(v.id)))?));
    }
    let label = input.campaign.as_ref().map_or("Tổ công nghệ số cộng đồng".to_string(), |c| c.team_label.clone());
    Ok(html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if input.refresh_seconds > 0 { meta http-equiv="refresh" content=(input.refresh_seconds); }
                title { "Từng Nhà · " (commune_name) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Từng Nhà — " (commune_name) }
                    p { (province) " · " (label) " · " (input.updated) }
                }
                main {
                    @if let Some((c, f)) = &in_campaign {
                        section {
                            h2 { (c.name) " (" (c.starts_on.format("%d/%m")) "–" (c.ends_on.format("%d/%m/%Y")) ")" }
                            (summary(f))
                            @if !c.deadlines.is_empty() {
                                p.note { "Hạn báo cáo: " @for (i, d) in c.deadlines.iter().enumerate() { @if i > 0 { "; " } (d.label) " " (d.due_on.format("%d/%m/%Y")) } }
                            }
                        }
                    }
                    section { h2 { "Từ đầu đến nay · All time" } (summary(&all_time)) }
                    section {
                        h2 { "Theo thôn, bản · By village" }
                        table {
                            tr { th { "Thôn/bản" } th.n { "Hộ" } th.n { "Đã thăm" } th.n { "≥1 người thành thạo" } th.n { "≥2 người" } th.n { "Lượt" } }
                            @for (name, f) in &village_rows {
                                tr {
                                    td { (name) } td.n { (f.households) } td.n { (f.households_visited) " (" (pct(f.households_visited, f.households)) ")" }
                                    td.n { (f.households_with_1_master) } td.n { (f.households_with_2_masters) } td.n { (f.visits) }
                                }
                            }
                        }
                    }
                    section { h2 { "05 kỹ năng số cơ bản · The 5 basic skills" } (skills_table(&all_time)) }
                    section { h2 { "Nội dung đã hướng dẫn · Topics" } (topics_table(&all_time)) }
                    section { h2 { "Theo ngày · By day" } (days_table(&all_time)) }
                    section { h2 { "Hạ tầng số của hộ · Household indicators" } (indicators_table(&all_time)) }
                    p.note {
                        "Thành thạo = tự khai biết làm hoặc tổ trưởng đã xác nhận, cả 5 kỹ năng. Lượt hướng dẫn đã được sửa chỉ tính bản mới nhất. "
                        "Số liệu dạng JSON: " a href="/api/figures" { "/api/figures" } "."
                    }
                }
            }
        }
    })
}

// ---- HTTP handlers -------------------------------------------------------------------

use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use std::sync::Arc;

fn unavailable(vi: &str, en: &str) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, format!("{vi} / {en}")).into_response()
}

/// Bring the projection up to date and hand back its store.
async fn fresh_store(state: &AppState) -> Result<Arc<Store>, Response> {
    let Some(p) = &state.projection else {
        return Err((StatusCode::NOT_FOUND, "Bảng theo dõi chưa bật / the dashboard is not enabled").into_response());
    };
    if let Err(e) = p.refresh(state.storage.as_ref()).await {
        tracing::warn!(error = %e, "dashboard refresh failed");
        return Err(unavailable("Không cập nhật được số liệu", "Could not refresh the figures"));
    }
    Ok(p.store().clone())
}

fn updated_line() -> String {
    format!("cập nhật {}", chrono::Utc::now().with_timezone(&tungnha_core::clock::VIETNAM).format("%H:%M:%S %d/%m/%Y"))
}

/// `GET /`: the communes with data (or straight to the home commune).
pub async fn home(State(state): State<AppState>) -> Response {
    if let Some(c) = &state.home_commune {
        return Redirect::temporary(&format!("/xa/{c}")).into_response();
    }
    let store = match fresh_store(&state).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut communes: Vec<String> =
        store.villages().map(|v| v.into_iter().map(|v| reported_in(&v.commune_key)).collect()).unwrap_or_default();
    communes.sort();
    communes.dedup();
    let page = html! {
        (DOCTYPE)
        html lang="vi" {
            head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1"; title { "Từng Nhà" } style { (PreEscaped(STYLE)) } }
            body {
                header { h1 { "Từng Nhà — Bảng theo dõi" } p { (updated_line()) } }
                main { section {
                    h2 { "Xã, phường có số liệu · Communes with data" }
                    @if communes.is_empty() { p { "Chưa có dữ liệu. / No data yet." } }
                    ul { @for c in &communes {
                        li { a href=(format!("/xa/{c}")) { (units::official().get(c).map_or(c.as_str(), |u| u.name.as_str())) } }
                    } }
                } }
            }
        }
    };
    page.into_response()
}

/// `GET /xa/{commune}`: the commune dashboard.
pub async fn commune_page(State(state): State<AppState>, Path(commune): Path<String>) -> Response {
    if units::official().get(&commune).is_none() {
        return (StatusCode::NOT_FOUND, "Không có xã/phường này / no such commune").into_response();
    }
    let store = match fresh_store(&state).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let refresh = if state.home_commune.is_some() { 5 } else { 60 };
    let rendered = tokio::task::spawn_blocking(move || {
        let campaign = store.campaigns().ok().and_then(|c| c.into_iter().next());
        render(&store, &DashboardInput { commune_key: commune, campaign, updated: updated_line(), refresh_seconds: refresh })
    })
    .await;
    match rendered {
        Ok(Ok(page)) => page.into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "dashboard render failed");
            unavailable("Không tính được số liệu", "Could not compute the figures")
        }
        Err(_) => unavailable("Lỗi máy chủ", "Server error"),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct FiguresQuery {
    /// A commune key (2025 structure); all communes when absent.
    pub commune: Option<String>,
    /// Only the latest campaign's window.
    #[serde(default)]
    pub campaign: bool,
}

/// `GET /api/figures?commune=…&campaign=true`: the figures as JSON.
pub async fn figures_json(State(state): State<AppState>, Query(q): Query<FiguresQuery>) -> Response {
    let store = match fresh_store(&state).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let result = tokio::task::spawn_blocking(move || {
        let scope = q.commune.map_or(Scope::All, Scope::Commune);
        let query = match (q.campaign, store.campaigns()?.into_iter().next()) {
            (true, Some(c)) => FigureQuery::for_campaign(scope, &c),
            _ => FigureQuery::all_time(scope),
        };
        store.figures(&query)
    })
    .await;
    match result {
        Ok(Ok(f)) => Json(f).into_response(),
        _ => unavailable("Không tính được số liệu", "Could not compute the figures"),
    }
}
