//! Registration pages: organisers set up ticket types, tiers, cap and codes and run
//! the desk under `/c/{slug}/manage/registration`; attendees register under
//! `/c/{slug}/register` and see their own registration under `/c/{slug}/registration`.

use crate::domain::fees::TierInput;
use crate::domain::registration::{RegistrationInput, SettingsInput};
use crate::domain::{text, Problems};
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::conferences::Conference;
use crate::services::registration::{self as service, DeskAction, Filter, FormError};
use crate::web::chart::SalesChart;
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use std::convert::Infallible;
use uuid::Uuid;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/registration", web::get().to(setup))
        .route("/c/{slug}/manage/registration/settings", web::post().to(save_settings))
        .route("/c/{slug}/manage/registration/ticket-types", web::post().to(add_ticket_type))
        .route("/c/{slug}/manage/registration/ticket-types/{id}/tiers", web::post().to(add_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}", web::get().to(edit_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}", web::post().to(update_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}/delete", web::post().to(delete_tier))
        .route("/c/{slug}/manage/registration/codes", web::get().to(codes))
        .route("/c/{slug}/manage/registration/codes", web::post().to(generate_codes))
        .route("/c/{slug}/manage/registration/attendees", web::get().to(attendees))
        .route("/c/{slug}/manage/registration/attendees.csv", web::get().to(attendees_csv))
        .route("/c/{slug}/manage/registration/attendees/{id}/{action}", web::post().to(desk))
        .route("/c/{slug}/register", web::get().to(register_form))
        .route("/c/{slug}/register", web::post().to(register))
        .route("/c/{slug}/registration", web::get().to(mine))
        .route("/c/{slug}/registration/cancel", web::post().to(cancel_mine))
        .route("/c/{slug}/registration/accept", web::post().to(accept_offer))
        .route("/c/{slug}/registrations/{id}", web::get().to(by_id))
        .route("/c/{slug}/attendees", web::get().to(public_attendees));
}

fn conf_json(c: &Conference) -> Value {
    crate::services::views::conference(c)
}

/// A path segment that must be a UUID; anything else names nothing (404).
fn uuid(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

// ---- organiser set-up ----

/// A set-up form the service refused: a field it marks is shown on the form
/// with `status`; anything else is the error page.
fn field_refusal(status: StatusCode) -> impl FnOnce(FormError) -> Refusal {
    move |e| match e {
        FormError::Field(f) => Refusal::Again(Rejected::fields(status, &[f])),
        FormError::App(e) => Refusal::Fail(e),
    }
}

/// For a service that refuses nothing a form can show (only the error page).
fn never(e: Infallible) -> Refusal {
    match e {}
}

/// Which form on the set-up page is shown again, and what was typed in it.
enum Typed {
    Nothing,
    Settings(SettingsInput),
    TicketType(TicketTypeForm),
    Tier(Uuid, TierInput),
}

async fn setup_page(ctx: &Ctx, slug: String, typed: Typed, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, mut data) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let data = service::setup_view(conn, &actor, &conf)?;
            Ok((conf, data))
        })
        .await?;
    let mut settings_errors = json!({});
    let mut type_form = TicketTypeForm::default();
    let mut type_errors = json!({});
    match typed {
        Typed::Nothing => {}
        Typed::Settings(input) => {
            data.settings_form = input;
            settings_errors = rejected.errors;
        }
        Typed::TicketType(input) => {
            type_form = input;
            type_errors = rejected.errors;
        }
        Typed::Tier(id, input) => {
            for t in data.ticket_types.iter_mut().filter(|t| t.id == id) {
                t.tier_form = input.clone();
                t.tier_errors = rejected.errors.clone();
            }
        }
    }
    let title = format!("Registration set-up · {}", conf.name);
    let page = SetupPage {
        view: data,
        conference: conf_json(&conf),
        settings_errors,
        type_form: json!({
            "name": type_form.name, "description": type_form.description,
            "requires_code": type_form.requires_code.is_some(),
        }),
        type_errors,
    };
    render::page(ctx, rejected.status, "registration_setup", &title, json!(page))
}

/// The set-up page: the service's view and the forms as typed.
#[derive(serde::Serialize)]
struct SetupPage {
    #[serde(flatten)]
    view: service::SetupView,
    conference: Value,
    settings_errors: Value,
    type_form: Value,
    type_errors: Value,
}

async fn setup(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration")) {
        return Ok(r);
    }
    setup_page(&ctx, slug, Typed::Nothing, Rejected::none()).await
}

async fn find_conf(ctx: &Ctx, slug: &str) -> Result<Conference, AppError> {
    let slug = slug.to_string();
    ctx.state.db(move |conn, _| conf_service::find(conn, &slug)).await
}

fn setup_path(slug: &str) -> String {
    format!("/c/{slug}/manage/registration")
}

async fn save_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<SettingsInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let conf = find_conf(&ctx, &slug).await?;
    let tz = service::zone(&conf);
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |settings| async {
            let saved = ctx.state.db(move |conn, st| service::save_settings(conn, st, &actor, &conf, &settings));
            saved.await.map(Ok::<_, Infallible>)
        },
        never,
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::Settings(input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "registration-settings-saved") },
    )
    .await
}

#[derive(Deserialize, serde::Serialize, Default, Clone)]
struct TicketTypeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    requires_code: Option<String>,
}

impl TicketTypeForm {
    /// Name and description, checked.
    fn parse(&self) -> Result<(String, String), Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 100));
        let description = p.check(text::multi_line("description", &self.description, 0, 500));
        match (name, description) {
            (Some(name), Some(description)) => Ok((name, description)),
            _ => Err(p),
        }
    }
}

async fn add_ticket_type(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<TicketTypeForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let input = form.into_inner();
    let requires_code = input.requires_code.is_some();
    let s = slug.clone();
    form::handle(
        input,
        TicketTypeForm::parse,
        |(name, description)| {
            ctx.state.db(move |conn, _| {
                let conf = conf_service::find(conn, &s)?;
                Ok(service::add_ticket_type(conn, &actor, &conf, &name, &description, requires_code))
            })
        },
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::TicketType(input), rejected),
        |_| async { form::see_other(&ctx, &setup_path(&slug), "ticket-type-added") },
    )
    .await
}

async fn add_tier(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let (tz, currency) = (service::zone(&conf), conf.currency.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(tz, &currency),
        |draft| ctx.state.db(move |conn, _| Ok(service::add_tier(conn, &actor, &conf, id, &draft))),
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::Tier(id, input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "tier-added") },
    )
    .await
}

async fn tier_page(
    ctx: &Ctx,
    slug: String,
    id: Uuid,
    typed: Option<TierInput>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, mut data) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let data = service::tier_for_edit(conn, &actor, &conf, id)?;
            Ok((conf, data))
        })
        .await?;
    if let Some(input) = typed {
        data.form = input;
    }
    let title = format!("Edit fee tier · {}", conf.name);
    let page = json!({
        "id": data.id, "form": data.form, "errors": rejected.errors, "conference": conf_json(&conf),
    });
    render::page(ctx, rejected.status, "registration_tier", &title, page)
}

async fn edit_tier(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/tiers/{id}")) {
        return Ok(r);
    }
    tier_page(&ctx, slug, uuid(&id)?, None, Rejected::none()).await
}

async fn update_tier(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let (tz, currency) = (service::zone(&conf), conf.currency.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(tz, &currency),
        |draft| ctx.state.db(move |conn, _| Ok(service::update_tier(conn, &actor, &conf, id, &draft))),
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| tier_page(&ctx, slug.clone(), id, Some(input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "tier-saved") },
    )
    .await
}

async fn delete_tier(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let s = slug.clone();
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            service::delete_tier(conn, &actor, &conf, id)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("tier-deleted")))
}

#[derive(Deserialize, serde::Serialize, Default, Clone)]
struct CodesForm {
    #[serde(default)]
    ticket_type: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    count: String,
}

impl CodesForm {
    /// A fresh form: ten codes.
    fn new() -> Self {
        CodesForm { count: "10".into(), ..Default::default() }
    }

    /// The ticket type, the label (empty: none) and how many codes.
    fn parse(&self) -> Result<(Uuid, String, i64), Problems> {
        let mut p = Problems::default();
        let label = p.check(text::single_line("label", &self.label, 0, 200));
        let count = match self.count.trim().parse::<i64>() {
            Ok(n) if (1..=service::MAX_CODES_PER_BATCH).contains(&n) => Some(n),
            _ => {
                p.add("count", format!("use a whole number from 1 to {}", service::MAX_CODES_PER_BATCH));
                None
            }
        };
        let ticket_type = Uuid::parse_str(self.ticket_type.trim()).ok();
        if ticket_type.is_none() {
            p.add("ticket_type", "choose a comp pass ticket type");
        }
        match (ticket_type, label, count) {
            (Some(t), Some(label), Some(count)) => Ok((t, label, count)),
            _ => Err(p),
        }
    }
}

async fn codes_page(
    ctx: &Ctx,
    slug: String,
    form: CodesForm,
    rejected: Rejected,
    new_codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, setup, codes) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let setup = service::setup_view(conn, &actor, &conf)?;
            let codes = service::codes_view(conn, &actor, &conf)?;
            Ok((conf, setup, codes))
        })
        .await?;
    let title = format!("Comp codes · {}", conf.name);
    render::page(
        ctx,
        rejected.status,
        "registration_codes",
        &title,
        json!({
            "conference": conf_json(&conf), "code_types": setup.code_types, "codes": codes,
            "form": form, "errors": rejected.errors, "new_codes": new_codes,
        }),
    )
}

async fn codes(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/codes")) {
        return Ok(r);
    }
    codes_page(&ctx, slug, CodesForm::new(), Rejected::none(), vec![]).await
}

async fn generate_codes(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<CodesForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    form::handle(
        form.into_inner(),
        CodesForm::parse,
        |(ticket_type, label, count)| {
            ctx.state.db(move |conn, _| {
                let conf = conf_service::find(conn, &s)?;
                let label = Some(label.as_str()).filter(|l| !l.is_empty());
                Ok(service::generate_codes(conn, &actor, &conf, ticket_type, label, count))
            })
        },
        field_refusal(StatusCode::UNPROCESSABLE_ENTITY),
        |input, rejected| codes_page(&ctx, slug.clone(), input, rejected, vec![]),
        // The new codes are shown once, on this page (not kept for a redirect).
        |new_codes| codes_page(&ctx, slug.clone(), CodesForm::new(), Rejected::none(), new_codes),
    )
    .await
}

// ---- the organisers' desk ----

async fn attendees(ctx: Ctx, slug: web::Path<String>, q: web::Query<Filter>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/attendees")) {
        return Ok(r);
    }
    let actor = ctx.user()?.clone();
    let filter = q.into_inner();
    let f = filter.clone();
    let (conf, list, sales) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let list = service::attendees(conn, st, &actor, &conf, &f)?;
            let sales = service::chart(conn, &actor, &conf)?;
            Ok((conf, list, sales))
        })
        .await?;
    let day = |d: &chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    let chart_days: Vec<Value> = sales.per_day.iter().map(|(d, n)| json!({ "day": day(d), "n": n })).collect();
    let chart_boundaries: Vec<Value> =
        sales.boundaries.iter().map(|(d, l)| json!({ "day": day(d), "label": l })).collect();
    let data = AttendeesPage {
        conference: conf_json(&conf),
        shown: list.rows.len(),
        filter,
        chart_svg: SalesChart::from(sales).svg(),
        chart_days,
        chart_boundaries,
        list,
    };
    let title = format!("Attendees · {}", conf.name);
    render::ok(&ctx, "registration_attendees", &title, json!(data))
}

/// The desk page: the service's attendee list, the filter as typed, and the chart.
#[derive(serde::Serialize)]
struct AttendeesPage {
    #[serde(flatten)]
    list: service::AttendeeList,
    conference: Value,
    shown: usize,
    filter: Filter,
    chart_svg: String,
    chart_days: Vec<Value>,
    chart_boundaries: Vec<Value>,
}

async fn attendees_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    let body = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            service::csv(conn, &actor, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{slug}-attendees.csv\"")))
        .body(body))
}

#[derive(Deserialize)]
struct DeskForm {
    #[serde(default)]
    reference: String,
}

async fn desk(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: web::Form<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id, action) = path.into_inner();
    let id = uuid(&id)?;
    let action = match action.as_str() {
        "paid" => {
            let reference = text::single_line("reference", &form.reference, 1, 200)
                .map_err(|e| AppError::BadRequest(format!("The payment reference {}.", e.message)))?;
            DeskAction::Paid(reference)
        }
        "invoiced" => DeskAction::Invoiced,
        "cancel" => DeskAction::Cancel,
        "refund" => DeskAction::Refund,
        "check-in" => DeskAction::CheckIn,
        _ => return Err(AppError::NotFound),
    };
    let s = slug.clone();
    let flash = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            service::desk(conn, st, &actor, &conf, id, action)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration/attendees"), Some(flash)))
}

// ---- attendees ----

async fn register_page(
    ctx: &Ctx,
    slug: String,
    form: RegistrationInput,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    // Their own page: an unconfirmed account sees it too, with how to confirm.
    let user = ctx.account()?.clone();
    // Said before the form is filled in, not only after it is refused.
    let needs_verification = !user.is_verified() || rejected.status == StatusCode::FORBIDDEN;
    let (conf, fees, existing) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let existing = service::mine(conn, st, &user, &conf)?.filter(|r| r.is_active());
            let fees = service::public_fees(conn, &conf)?;
            Ok((conf, fees, existing.is_some()))
        })
        .await?;
    let consent = form.consent();
    let title = format!("Register · {}", conf.name);
    render::page(
        ctx,
        rejected.status,
        "register",
        &title,
        json!({
            "conference": conf_json(&conf), "fees": fees, "already": existing,
            "form": form, "consent": consent, "errors": rejected.errors, "problem": rejected.problem,
            "needs_verification": needs_verification,
        }),
    )
}

async fn register_form(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    // An unconfirmed account sees the form with how to confirm (the service refuses it).
    if ctx.account.is_none() {
        return Ok(ctx.to_login(&format!("/c/{slug}/register")));
    }
    let u = ctx.account()?;
    let form =
        RegistrationInput { badge_name: u.name.clone(), affiliation: u.affiliation.clone(), ..Default::default() };
    register_page(&ctx, slug, form, Rejected::none()).await
}

/// Registering refused: a field is marked (422), a conflict (closed, full
/// of yourself, ...) is said at the top (409), an unverified address gets the
/// page with how to verify (403); the form keeps what was typed.
fn register_refusal(e: FormError) -> Refusal {
    match e {
        FormError::Field(f) => Refusal::Again(Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &[f])),
        FormError::App(AppError::Conflict(m)) => Refusal::Again(Rejected::problem(StatusCode::CONFLICT, m)),
        FormError::App(AppError::Unverified) => Refusal::Again(Rejected::status(StatusCode::FORBIDDEN)),
        FormError::App(e) => Refusal::Fail(e),
    }
}

async fn register(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<RegistrationInput>,
) -> Result<HttpResponse, AppError> {
    // The service refuses an unconfirmed account; the page then keeps the input.
    let user = ctx.account()?.clone();
    let slug = slug.into_inner();
    let input = form.into_inner();
    if crate::services::policy::require_verified(&user).is_err() {
        return register_page(&ctx, slug, input, Rejected::status(StatusCode::FORBIDDEN)).await;
    }
    let s = slug.clone();
    form::handle(
        input,
        RegistrationInput::parse,
        |draft| {
            ctx.state.db(move |conn, st| {
                let conf = conf_service::find(conn, &s)?;
                Ok(service::register(conn, st, &user, &conf, &draft))
            })
        },
        register_refusal,
        |input, rejected| register_page(&ctx, slug.clone(), input, rejected),
        |r| {
            let flash = if r.status == crate::domain::registration::WAITLISTED {
                "registration-waitlisted"
            } else {
                "registration-confirmed"
            };
            std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/registration"), flash))
        },
    )
    .await
}

async fn registration_page(
    ctx: &Ctx,
    conf: Conference,
    reg: Option<service::RegistrationPage>,
    receipt_only: bool,
) -> Result<HttpResponse, AppError> {
    let title = format!("Your registration · {}", conf.name);
    render::ok(
        ctx,
        "registration_mine",
        &title,
        json!({
            "conference": conf_json(&conf), "registration": reg, "receipt_only": receipt_only,
            "printed_at": crate::domain::fees::format_local(chrono::Utc::now(), service::zone(&conf)),
        }),
    )
}

async fn mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/registration")) {
        return Ok(r);
    }
    let user = ctx.user()?.clone();
    let (conf, reg) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let reg = match service::mine(conn, st, &user, &conf)? {
                Some(r) => Some(service::view(conn, &conf, &r)?),
                None => None,
            };
            Ok((conf, reg))
        })
        .await?;
    registration_page(&ctx, conf, reg, false).await
}

async fn by_id(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/registrations/{id}")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let user = ctx.user()?.clone();
    let (conf, reg) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let r = service::by_id(conn, st, &user, &conf, id)?;
            let reg = service::view(conn, &conf, &r)?;
            Ok((conf, reg))
        })
        .await?;
    registration_page(&ctx, conf, Some(reg), true).await
}

async fn cancel_mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    ctx.state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            service::cancel_mine(conn, st, &user, &conf)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/registration"), Some("registration-cancelled")))
}

async fn accept_offer(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    ctx.state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            service::accept_offer(conn, st, &user, &conf)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/registration"), Some("registration-confirmed")))
}

async fn public_attendees(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (conf, people) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let people = service::public_attendees(conn, &conf)?;
            Ok((conf, people))
        })
        .await?;
    let title = format!("Who is coming · {}", conf.name);
    render::ok(&ctx, "attendees_public", &title, json!({ "conference": conf_json(&conf), "people": people }))
}
