//! The public programme (accepted microconferences with their topics, and talks)
//! and the leads' pages to run an MC's topic call.

use crate::domain::proposal::ProposalState;
use crate::domain::time;
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences as conf_service;
use crate::services::programme;
use crate::services::programme::ProgrammeView;
use crate::services::views::{self, CallView, ConferenceView, MicroconferenceView, ProposalRowView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/programme", web::get().to(programme))
        .route("/c/{slug}/mc/{mc}", web::get().to(mc_page))
        .route("/c/{slug}/mc/{mc}/manage", web::get().to(manage))
        .route("/c/{slug}/mc/{mc}/window", web::post().to(window))
        .route("/c/{slug}/mc/{mc}/topics/{id}/decision", web::post().to(decide_topic))
        .route("/c/{slug}/mc/{mc}/topics/{id}/move", web::post().to(move_topic));
}

async fn programme(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (conf, data) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let programme = programme::programme(conn, &conf)?;
            Ok((conf, programme))
        })
        .await?;
    let title = format!("Programme · {}", conf.name);
    render::ok(&ctx, "programme", &title, ProgrammePage { conference: ConferenceView::of(&conf), programme: data })
}

#[derive(Serialize)]
struct ProgrammePage {
    conference: ConferenceView,
    programme: ProgrammeView,
}

#[derive(Serialize)]
struct McPage {
    conference: ConferenceView,
    mc: MicroconferenceView,
    is_lead: bool,
}

/// An MC's page: public once the programme is published; before that only its
/// leads and the organisers see it.
async fn mc_page(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, mc_id) = path.into_inner();
    let user = ctx.user.clone();
    let (conf, data, is_lead) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let (data, is_lead) = programme::mc_page(conn, user.as_ref(), &conf, &mc_id)?;
            Ok((conf, data, is_lead))
        })
        .await?;
    let title = data.title.clone();
    render::ok(&ctx, "microconference", &title, McPage { conference: ConferenceView::of(&conf), mc: data, is_lead })
}

/// The leads' page to run their MC's topic call.
#[derive(Serialize)]
struct RunPage {
    conference: ConferenceView,
    mc: RunMc,
    call: CallView,
    accepted: Vec<ProposalRowView>,
    others: Vec<ProposalRowView>,
    used: i64,
    budget: i64,
    left: i64,
    used_pct: i64,
    window: Window,
    latest_close: String,
    zone: chrono_tz::Tz,
    codes: Vec<CompCode>,
    comp_passes: i32,
}

#[derive(Serialize)]
struct RunMc {
    id: uuid::Uuid,
    title: String,
    leads: Vec<String>,
}

/// The topic call's dates as the form shows them.
#[derive(Serialize)]
struct Window {
    opens_at: String,
    closes_at: String,
}

/// A complimentary registration code of the MC and who used it.
#[derive(Serialize)]
struct CompCode {
    code: String,
    used_by: Option<String>,
}

async fn manage(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, mc_id) = path.into_inner();
    let at = Acting::refusing(ctx, &slug).await?;
    let run = at.db(move |conn, _, user, conf| programme::run_view(conn, user, conf, &mc_id)).await?;
    let conf = &at.conf;
    let programme::RunView { mc, call, topics: rows, leads, codes } = run;
    let tz = cfp::tz(conf);
    // Drafts are the proposers' own business until they submit.
    let (accepted, others): (Vec<&cfp::ProposalRow>, Vec<_>) =
        rows.iter().filter(|r| r.state != "draft" && r.state != "withdrawn").partition(|r| r.state == "accepted");
    let used: i64 = accepted.iter().map(|r| r.duration_minutes.unwrap_or(0) as i64).sum();
    let budget = mc.budget_minutes as i64;
    let title = format!("Run · {}", mc.title);
    let data = RunPage {
        conference: ConferenceView::of(conf),
        call: views::call(&call, tz),
        accepted: accepted.iter().map(|r| views::row(r, tz)).collect(),
        others: others.iter().map(|r| views::row(r, tz)).collect(),
        used,
        budget,
        left: budget - used,
        used_pct: (used * 100 / budget.max(1)).min(100),
        window: Window {
            opens_at: time::input_value(call.opens_at, tz),
            closes_at: time::input_value(call.closes_at, tz),
        },
        latest_close: time::display(mc.latest_topic_close, tz),
        zone: conf.time_zone,
        codes: codes.into_iter().map(|(code, used_by)| CompCode { code, used_by }).collect(),
        comp_passes: mc.comp_passes,
        mc: RunMc { id: mc.public_id, title: mc.title, leads },
    };
    render::ok(&at.ctx, "mc_manage", &title, data)
}

#[derive(Deserialize)]
struct WindowForm {
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
}

async fn window(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<WindowForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id) = path.into_inner();
    let form = form.into_inner();
    let act = Lead::Window { opens_at: form.opens_at, closes_at: form.closes_at };
    lead_acts(&at, &slug, &mc_id, act, Some("window-saved")).await
}

#[derive(Deserialize)]
struct TopicDecision {
    #[serde(default)]
    state: String,
}

async fn decide_topic(
    at: Acting,
    path: web::Path<(String, String, String)>,
    form: web::Form<TopicDecision>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id, id) = path.into_inner();
    let act = Lead::Decide { id, state: form.into_inner().state };
    lead_acts(&at, &slug, &mc_id, act, Some("decision-saved")).await
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_topic(
    at: Acting,
    path: web::Path<(String, String, String)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id, id) = path.into_inner();
    let act = Lead::Move { id, direction: form.into_inner().direction };
    lead_acts(&at, &slug, &mc_id, act, None).await
}

/// What a lead does on their MC's page, as typed.
enum Lead {
    Window { opens_at: String, closes_at: String },
    Decide { id: String, state: String },
    Move { id: String, direction: String },
}

/// Does what a lead asked and answers with the MC's page again. Only its
/// leads (and organisers) get past `led_microconference`, before anything
/// they typed is read.
async fn lead_acts(
    at: &Acting,
    slug: &str,
    mc_id: &str,
    act: Lead,
    flash: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let mc = mc_id.to_string();
    at.db(move |conn, _, user, conf| {
        cfp::led_microconference(conn, user, conf, &mc)?;
        match act {
            Lead::Window { opens_at, closes_at } => {
                let tz = cfp::tz(conf);
                let opens = time::parse_local("opens_at", &opens_at, tz)
                    .map_err(|e| AppError::BadRequest(format!("Opening {}", e.message)))?;
                let closes = time::parse_local("closes_at", &closes_at, tz)
                    .map_err(|e| AppError::BadRequest(format!("Closing {}", e.message)))?;
                cfp::set_topic_window(conn, user, conf, &mc, opens, closes)
            }
            Lead::Decide { id, state } => {
                let to = state
                    .parse::<ProposalState>()
                    .map_err(|_| AppError::BadRequest("Choose accepted, maybe or rejected.".into()))?;
                cfp::decide_topic(conn, user, conf, &mc, &id, to)
            }
            Lead::Move { id, direction } => {
                let up = match direction.as_str() {
                    "up" => true,
                    "down" => false,
                    _ => return Err(AppError::BadRequest("Move up or down.".into())),
                };
                cfp::move_topic(conn, user, conf, &mc, &id, up)
            }
        }
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/mc/{mc_id}/manage"), flash))
}
