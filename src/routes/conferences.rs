//! The start page, conference home pages, conference creation and organiser appointments.

use crate::domain::account::Email;
use crate::domain::conference::ConferenceInput;
use crate::domain::{FieldError, Problems};
use crate::error::AppError;
use crate::services::conferences::{self as service, Appointed};
use crate::services::registration::FeeTable;
use crate::services::views::ConferenceView;
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/admin/conferences/new", web::get().to(new_form))
        .route("/admin/conferences", web::post().to(create))
        .route("/c/{slug}", web::get().to(show))
        .route("/c/{slug}/organisers", web::get().to(organisers))
        .route("/c/{slug}/organisers", web::post().to(appoint));
}

async fn home(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let confs = ctx.state.db(|conn, _| service::list(conn)).await?;
    let conferences = confs.iter().map(ConferenceView::of).collect();
    render::ok(&ctx, "home", "Plumbline", Home { conferences })
}

#[derive(Serialize)]
struct Home {
    conferences: Vec<ConferenceView>,
}

/// The new conference form.
#[derive(Serialize)]
struct ConferenceForm<'a> {
    form: &'a ConferenceInput,
    errors: Value,
}

/// A conference's home page.
#[derive(Serialize)]
struct ConferencePage {
    conference: ConferenceView,
    organisers: Vec<Organiser>,
    can_manage: bool,
    registration: FeeTable,
}

/// An organiser as anyone sees them.
#[derive(Serialize)]
struct Organiser {
    name: String,
    affiliation: String,
}

/// The organisers' own page: the team, who is invited, the form to appoint one.
#[derive(Serialize)]
struct OrganisersPage {
    conference: ConferenceView,
    organisers: Vec<TeamMember>,
    invited: Vec<String>,
    form: AppointForm,
    errors: Value,
}

#[derive(Serialize)]
struct TeamMember {
    name: String,
    email: String,
}

fn site_admin(ctx: &Ctx) -> Result<(), AppError> {
    crate::services::policy::require_site_admin(ctx.user.as_ref())
}

fn conference_form(ctx: &Ctx, form: &ConferenceInput, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let data = ConferenceForm { form, errors: rejected.errors };
    render::page(ctx, rejected.status, "conference_new", "New conference", data)
}

async fn new_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let form = ConferenceInput {
        time_zone: "UTC".into(),
        attendance_cap: "300".into(),
        currency: "USD".into(),
        ..Default::default()
    };
    conference_form(&ctx, &form, Rejected::none())
}

async fn create(ctx: Ctx, form: web::Form<ConferenceInput>) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let actor = ctx.user()?.clone();
    form::handle(
        form.into_inner(),
        ConferenceInput::parse,
        |draft| async { Ok(ctx.state.db(move |conn, _| service::create(conn, &actor, &draft)).await) },
        // A conflict is the slug taken.
        |e| match e {
            AppError::Conflict(msg) => {
                Refusal::Again(Rejected::fields(StatusCode::CONFLICT, &[FieldError::new("slug", msg)]))
            }
            e => Refusal::Fail(e),
        },
        |input, rejected| std::future::ready(conference_form(&ctx, &input, rejected)),
        |conf| std::future::ready(form::see_other(&ctx, &format!("/c/{}", conf.slug), "conference-created")),
    )
    .await
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
    let title = conf.name.clone();
    let c = conf.clone();
    let registration = ctx.state.db(move |conn, _| crate::services::registration::public_fees(conn, &c)).await?;
    let data = ConferencePage {
        conference: ConferenceView::of(&conf),
        organisers: organisers.into_iter().map(|u| Organiser { name: u.name, affiliation: u.affiliation }).collect(),
        can_manage,
        registration,
    };
    render::ok_shared(&ctx, &req, String::new(), "conference", &title, data)
}

async fn organisers_page(ctx: &Ctx, slug: String, email: String, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let (conf, organisers, invited) = ctx
        .state
        .db(move |conn, _| {
            let conf = service::find(conn, &slug)?;
            let (organisers, invited) = service::organiser_team(conn, &user, &conf)?;
            Ok((conf, organisers, invited))
        })
        .await?;
    let title = format!("Organisers · {}", conf.name);
    let data = OrganisersPage {
        conference: ConferenceView::of(&conf),
        organisers: organisers.into_iter().map(|u| TeamMember { name: u.name, email: u.email }).collect(),
        invited,
        form: AppointForm { email },
        errors: rejected.errors,
    };
    render::page(ctx, rejected.status, "organisers", &title, data)
}

async fn organisers(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.user()?;
    organisers_page(&ctx, slug.into_inner(), String::new(), Rejected::none()).await
}

#[derive(Deserialize, Serialize)]
struct AppointForm {
    #[serde(default)]
    email: String,
}

async fn appoint(ctx: Ctx, slug: web::Path<String>, form: web::Form<AppointForm>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    form::handle(
        form.into_inner(),
        |form| Email::parse(&form.email).map_err(|e| Problems(vec![e])),
        |email| async {
            let appointed = ctx.state.db(move |conn, st| {
                let conf = service::find(conn, &s)?;
                service::appoint_organiser(conn, st, &actor, &conf, &email)
            });
            Ok(appointed.await)
        },
        |e| match e {
            AppError::TooManyRequests => Refusal::Again(Rejected::fields(
                StatusCode::TOO_MANY_REQUESTS,
                &[FieldError::new("email", crate::services::limits::INVITED_TOO_OFTEN)],
            )),
            e => Refusal::Fail(e),
        },
        |form, rejected| organisers_page(&ctx, slug.clone(), form.email, rejected),
        |outcome| {
            let flash = match outcome {
                Appointed::Granted => "organiser-granted",
                Appointed::AlreadyOrganiser => "organiser-exists",
                Appointed::Invited => "organiser-invited",
            };
            std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/organisers"), flash))
        },
    )
    .await
}
