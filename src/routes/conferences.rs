//! The start page, conference home pages, conference creation and organiser appointments.

use crate::domain::account::Email;
use crate::domain::conference::ConferenceInput;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::{self as service, Appointed};
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render::{self, errors_json};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/admin/conferences/new", web::get().to(new_form))
        .route("/admin/conferences", web::post().to(create))
        .route("/c/{slug}", web::get().to(show))
        .route("/c/{slug}/organisers", web::get().to(organisers))
        .route("/c/{slug}/organisers", web::post().to(appoint));
}

/// Kept so pages not yet moved to `services::views` still find it here.
use crate::services::views::conference as view;

async fn home(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let confs = ctx.state.db(|conn, _| service::list(conn)).await?;
    let list: Vec<Value> = confs.iter().map(view).collect();
    render::ok(&ctx, "home", "Plumbline", json!({ "conferences": list }))
}

fn site_admin(ctx: &Ctx) -> Result<(), AppError> {
    crate::services::policy::require_site_admin(ctx.user.as_ref())
}

fn conference_form(
    ctx: &Ctx,
    status: StatusCode,
    form: &ConferenceInput,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    render::page(ctx, status, "conference_new", "New conference", json!({ "form": form, "errors": errors }))
}

async fn new_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let form = ConferenceInput {
        time_zone: "UTC".into(),
        attendance_cap: "300".into(),
        currency: "USD".into(),
        ..Default::default()
    };
    conference_form(&ctx, StatusCode::OK, &form, json!({}))
}

async fn create(ctx: Ctx, form: web::Form<ConferenceInput>) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let input = form.into_inner();
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => return conference_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &input, errors_json(&p.0)),
    };
    let actor = ctx.user()?.clone();
    let result = ctx.state.db(move |conn, _| service::create(conn, &actor, &draft)).await;
    match result {
        Ok(conf) => Ok(render::redirect(&ctx, &format!("/c/{}", conf.slug), Some("conference-created"))),
        Err(AppError::Conflict(msg)) => {
            let errors = errors_json(&[crate::domain::FieldError::new("slug", msg)]);
            conference_form(&ctx, StatusCode::CONFLICT, &input, errors)
        }
        Err(e) => Err(e),
    }
}

async fn show(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slot = Slot::path(format!("/c/{slug}"));
    render::shared(&ctx, &req, slot, render_show(ctx.clone(), req.clone(), slug)).await
}

async fn render_show(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let user = ctx.user.clone();
    let (conf, organisers, can_manage) = ctx
        .state
        .db(move |conn, _| {
            let conf = service::find(conn, &slug)?;
            let organisers = service::organisers(conn, &conf)?;
            let can_manage = match &user {
                Some(u) => service::is_organiser(conn, &conf, u)?,
                None => false,
            };
            Ok((conf, organisers, can_manage))
        })
        .await?;
    let organisers: Vec<Value> =
        organisers.iter().map(|u| json!({ "name": u.name, "affiliation": u.affiliation })).collect();
    let title = conf.name.clone();
    let c = conf.clone();
    let registration = ctx.state.db(move |conn, _| crate::services::registration::public_fees(conn, &c)).await?;
    render::ok_shared(
        &ctx,
        &req,
        String::new(),
        "conference",
        &title,
        json!({ "conference": view(&conf), "organisers": organisers, "can_manage": can_manage, "registration": registration }),
    )
}

async fn organisers_page(
    ctx: &Ctx,
    slug: String,
    status: StatusCode,
    email: &str,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let (conf, organisers, invited) = ctx
        .state
        .db(move |conn, _| {
            let conf = service::find(conn, &slug)?;
            let (organisers, invited) = service::organiser_team(conn, &user, &conf)?;
            Ok((conf, organisers, invited))
        })
        .await?;
    let organisers: Vec<Value> = organisers.iter().map(|u| json!({ "name": u.name, "email": u.email })).collect();
    let title = format!("Organisers · {}", conf.name);
    render::page(
        ctx,
        status,
        "organisers",
        &title,
        json!({
            "conference": view(&conf), "organisers": organisers, "invited": invited,
            "form": { "email": email }, "errors": errors,
        }),
    )
}

async fn organisers(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.user()?;
    organisers_page(&ctx, slug.into_inner(), StatusCode::OK, "", json!({})).await
}

#[derive(Deserialize)]
struct AppointForm {
    #[serde(default)]
    email: String,
}

async fn appoint(ctx: Ctx, slug: web::Path<String>, form: web::Form<AppointForm>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            return organisers_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, &form.email, errors_json(&[e])).await
        }
    };
    let s = slug.clone();
    let outcome = ctx
        .state
        .db(move |conn, st| {
            let conf = service::find(conn, &s)?;
            service::appoint_organiser(conn, st, &actor, &conf, &email)
        })
        .await;
    let outcome = match outcome {
        Err(AppError::TooManyRequests) => {
            let errors = errors_json(&[FieldError::new("email", crate::services::limits::INVITED_TOO_OFTEN)]);
            return organisers_page(&ctx, slug, StatusCode::TOO_MANY_REQUESTS, &form.email, errors).await;
        }
        other => other?,
    };
    let flash = match outcome {
        Appointed::Granted => "organiser-granted",
        Appointed::AlreadyOrganiser => "organiser-exists",
        Appointed::Invited => "organiser-invited",
    };
    Ok(render::redirect(&ctx, &format!("/c/{slug}/organisers"), Some(flash)))
}
