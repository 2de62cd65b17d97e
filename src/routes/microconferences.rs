//! The public programme (accepted microconferences with their topics, and talks)
//! and the leads' pages to run an MC's topic call.

use crate::domain::proposal::ProposalState;
use crate::domain::time;
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences as conf_service;
use crate::services::programme;
use crate::services::views::{self, conference as conference_view};
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

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
            let data = programme::published_programme(conn, &conf)?;
            Ok((conf, data))
        })
        .await?;
    let title = format!("Programme · {}", conf.name);
    render::ok(&ctx, "programme", &title, json!({ "conference": conference_view(&conf), "programme": data }))
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
    let title = data["title"].as_str().unwrap_or("Microconference").to_string();
    render::ok(
        &ctx,
        "microconference",
        &title,
        json!({ "conference": conference_view(&conf), "mc": data, "is_lead": is_lead }),
    )
}

async fn manage(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, mc_id) = path.into_inner();
    let user = ctx.user()?.clone();
    let (conf, run) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let run = programme::run_view(conn, &user, &conf, &mc_id)?;
            Ok((conf, run))
        })
        .await?;
    let programme::RunView { mc, call, topics: rows, leads, codes } = run;
    let codes: Vec<Value> =
        codes.into_iter().map(|(code, used_by)| json!({ "code": code, "used_by": used_by })).collect();
    let tz = cfp::tz(&conf);
    // Drafts are the proposers' own business until they submit.
    let visible: Vec<_> = rows.iter().filter(|r| r.state.is_decidable()).collect();
    let accepted: Vec<Value> =
        visible.iter().filter(|r| r.state == ProposalState::Accepted).map(|r| views::row(r, tz)).collect();
    let others: Vec<Value> =
        visible.iter().filter(|r| r.state != ProposalState::Accepted).map(|r| views::row(r, tz)).collect();
    let used: i64 = visible
        .iter()
        .filter(|r| r.state == ProposalState::Accepted)
        .map(|r| r.duration_minutes.unwrap_or(0) as i64)
        .sum();
    let budget = mc.budget_minutes as i64;
    let title = format!("Run · {}", mc.title);
    render::ok(
        &ctx,
        "mc_manage",
        &title,
        json!({
            "conference": conference_view(&conf), "mc": { "id": mc.public_id, "title": mc.title, "leads": leads },
            "call": views::call(&call, tz), "accepted": accepted, "others": others,
            "used": used, "budget": budget, "left": budget - used, "used_pct": (used * 100 / budget.max(1)).min(100),
            "window": { "opens_at": time::input_value(call.opens_at, tz), "closes_at": time::input_value(call.closes_at, tz) },
            "latest_close": time::display(mc.latest_topic_close, tz), "zone": conf.time_zone,
        "codes": codes, "comp_passes": mc.comp_passes,
        }),
    )
}

#[derive(Deserialize)]
struct WindowForm {
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
}

async fn window(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<WindowForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id) = path.into_inner();
    let user = ctx.user()?.clone();
    let form = form.into_inner();
    let (s2, m2) = (slug.clone(), mc_id.clone());
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            // Only its leads (and organisers) get past here, whatever they typed.
            cfp::led_microconference(conn, &user, &conf, &m2)?;
            let tz = cfp::tz(&conf);
            let opens = time::parse_local("opens_at", &form.opens_at, tz)
                .map_err(|e| AppError::BadRequest(format!("Opening {}", e.message)))?;
            let closes = time::parse_local("closes_at", &form.closes_at, tz)
                .map_err(|e| AppError::BadRequest(format!("Closing {}", e.message)))?;
            cfp::set_topic_window(conn, &user, &conf, &m2, opens, closes)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/mc/{mc_id}/manage"), Some("window-saved")))
}

#[derive(Deserialize)]
struct TopicDecision {
    #[serde(default)]
    state: String,
}

async fn decide_topic(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: web::Form<TopicDecision>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let (s2, m2) = (slug.clone(), mc_id.clone());
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            cfp::led_microconference(conn, &user, &conf, &m2)?;
            let to = form
                .state
                .parse::<ProposalState>()
                .map_err(|_| AppError::BadRequest("Choose accepted, maybe or rejected.".into()))?;
            cfp::decide_topic(conn, &user, &conf, &m2, &id, to)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/mc/{mc_id}/manage"), Some("decision-saved")))
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_topic(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc_id, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let (s2, m2) = (slug.clone(), mc_id.clone());
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            cfp::led_microconference(conn, &user, &conf, &m2)?;
            let up = match form.direction.as_str() {
                "up" => true,
                "down" => false,
                _ => return Err(AppError::BadRequest("Move up or down.".into())),
            };
            cfp::move_topic(conn, &user, &conf, &m2, &id, up)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/mc/{mc_id}/manage"), None))
}
