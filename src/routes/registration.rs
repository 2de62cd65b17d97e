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
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
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

/// Which form on the set-up page came back with problems, and what was typed.
enum Rejected {
    None,
    Settings(SettingsInput, Value),
    TicketType(TicketTypeForm, Value),
    Tier(Uuid, TierInput, Value),
}

async fn setup_page(ctx: &Ctx, slug: String, status: StatusCode, rejected: Rejected) -> Result<HttpResponse, AppError> {
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
    let mut type_form = json!({ "name": "", "description": "", "requires_code": false });
    let mut type_errors = json!({});
    match rejected {
        Rejected::None => {}
        Rejected::Settings(input, errors) => {
            data["settings_form"] = json!(input);
            settings_errors = errors;
        }
        Rejected::TicketType(input, errors) => {
            type_form = json!({ "name": input.name, "description": input.description, "requires_code": input.requires_code.is_some() });
            type_errors = errors;
        }
        Rejected::Tier(id, input, errors) => {
            if let Some(types) = data["ticket_types"].as_array_mut() {
                for t in types.iter_mut() {
                    if t["id"] == json!(id) {
                        t["tier_form"] = json!(input);
                        t["tier_errors"] = errors.clone();
                    }
                }
            }
        }
    }
    data["conference"] = conf_json(&conf);
    data["settings_errors"] = settings_errors;
    data["type_form"] = type_form;
    data["type_errors"] = type_errors;
    let title = format!("Registration set-up · {}", conf.name);
    render::page(ctx, status, "registration_setup", &title, data)
}

async fn setup(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration")) {
        return Ok(r);
    }
    setup_page(&ctx, slug, StatusCode::OK, Rejected::None).await
}

async fn find_conf(ctx: &Ctx, slug: &str) -> Result<Conference, AppError> {
    let slug = slug.to_string();
    ctx.state.db(move |conn, _| conf_service::find(conn, &slug)).await
}

async fn save_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<SettingsInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let settings = match input.parse(service::zone(&conf)) {
        Ok(s) => s,
        Err(p) => {
            let errors = errors_json(&p.0);
            return setup_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Settings(input, errors)).await;
        }
    };
    ctx.state.db(move |conn, st| service::save_settings(conn, st, &actor, &conf, &settings)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("registration-settings-saved")))
}

#[derive(Deserialize, Default, Clone)]
struct TicketTypeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    requires_code: Option<String>,
}

async fn add_ticket_type(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<TicketTypeForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let input = form.into_inner();
    let mut p = Problems::default();
    let name = p.check(text::single_line("name", &input.name, 1, 100));
    let description = p.check(text::multi_line("description", &input.description, 0, 500));
    let (Some(name), Some(description)) = (name, description) else {
        let errors = errors_json(&p.0);
        return setup_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, Rejected::TicketType(input, errors)).await;
    };
    let requires_code = input.requires_code.is_some();
    let s = slug.clone();
    let result = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            Ok(service::add_ticket_type(conn, &actor, &conf, &name, &description, requires_code))
        })
        .await?;
    match result {
        Ok(_) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("ticket-type-added"))),
        Err(FormError::Field(f)) => {
            setup_page(&ctx, slug, StatusCode::CONFLICT, Rejected::TicketType(input, errors_json(&[f]))).await
        }
        Err(FormError::App(e)) => Err(e),
    }
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
    let input = form.into_inner();
    let draft = match input.parse(service::zone(&conf), &conf.currency) {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return setup_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Tier(id, input, errors)).await;
        }
    };
    let result = ctx.state.db(move |conn, _| Ok(service::add_tier(conn, &actor, &conf, id, &draft))).await?;
    match result {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("tier-added"))),
        Err(FormError::Field(f)) => {
            setup_page(&ctx, slug, StatusCode::CONFLICT, Rejected::Tier(id, input, errors_json(&[f]))).await
        }
        Err(FormError::App(e)) => Err(e),
    }
}

async fn tier_page(
    ctx: &Ctx,
    slug: String,
    id: Uuid,
    status: StatusCode,
    typed: Option<(TierInput, Value)>,
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
    data["errors"] = json!({});
    if let Some((input, errors)) = typed {
        data["form"] = json!(input);
        data["errors"] = errors;
    }
    data["conference"] = conf_json(&conf);
    let title = format!("Edit fee tier · {}", conf.name);
    render::page(ctx, status, "registration_tier", &title, data)
}

async fn edit_tier(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/tiers/{id}")) {
        return Ok(r);
    }
    tier_page(&ctx, slug, uuid(&id)?, StatusCode::OK, None).await
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
    let input = form.into_inner();
    let draft = match input.parse(service::zone(&conf), &conf.currency) {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return tier_page(&ctx, slug, id, StatusCode::UNPROCESSABLE_ENTITY, Some((input, errors))).await;
        }
    };
    let result = ctx.state.db(move |conn, _| Ok(service::update_tier(conn, &actor, &conf, id, &draft))).await?;
    match result {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("tier-saved"))),
        Err(FormError::Field(f)) => {
            tier_page(&ctx, slug, id, StatusCode::CONFLICT, Some((input, errors_json(&[f])))).await
        }
        Err(FormError::App(e)) => Err(e),
    }
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

async fn codes_page(
    ctx: &Ctx,
    slug: String,
    status: StatusCode,
    form: CodesForm,
    errors: Value,
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
        status,
        "registration_codes",
        &title,
        json!({
            "conference": conf_json(&conf), "code_types": setup["code_types"], "codes": codes,
            "form": form, "errors": errors, "new_codes": new_codes,
        }),
    )
}

async fn codes(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/codes")) {
        return Ok(r);
    }
    let form = CodesForm { count: "10".into(), ..Default::default() };
    codes_page(&ctx, slug, StatusCode::OK, form, json!({}), vec![]).await
}

async fn generate_codes(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<CodesForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let input = form.into_inner();
    let mut p = Problems::default();
    let label = p.check(text::single_line("label", &input.label, 0, 200));
    let count = match input.count.trim().parse::<i64>() {
        Ok(n) if (1..=service::MAX_CODES_PER_BATCH).contains(&n) => Some(n),
        _ => {
            p.add("count", format!("use a whole number from 1 to {}", service::MAX_CODES_PER_BATCH));
            None
        }
    };
    let ticket_type = Uuid::parse_str(input.ticket_type.trim()).ok();
    if ticket_type.is_none() {
        p.add("ticket_type", "choose a comp pass ticket type");
    }
    let (Some(label), Some(count), Some(ticket_type)) = (label, count, ticket_type) else {
        return codes_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&p.0), vec![]).await;
    };
    let s = slug.clone();
    let result = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            let label = Some(label.as_str()).filter(|l| !l.is_empty());
            Ok(service::generate_codes(conn, &actor, &conf, ticket_type, label, count))
        })
        .await?;
    match result {
        Ok(new_codes) => {
            let form = CodesForm { count: "10".into(), ..Default::default() };
            codes_page(&ctx, slug, StatusCode::OK, form, json!({}), new_codes).await
        }
        Err(FormError::Field(f)) => {
            codes_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&[f]), vec![]).await
        }
        Err(FormError::App(e)) => Err(e),
    }
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
    let (conf, mut data, chart) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let data = service::attendees(conn, st, &actor, &conf, &f)?;
            let chart = service::chart(conn, &actor, &conf)?;
            Ok((conf, data, chart))
        })
        .await?;
    data["conference"] = conf_json(&conf);
    data["shown"] = json!(data["rows"].as_array().map(|a| a.len()).unwrap_or(0));
    data["filter"] = json!(filter);
    data["chart_svg"] = json!(chart.svg());
    data["chart_days"] = json!(chart
        .per_day
        .iter()
        .map(|(d, n)| json!({ "day": d.format("%-d %b %Y").to_string(), "n": n }))
        .collect::<Vec<_>>());
    data["chart_boundaries"] = json!(chart
        .boundaries
        .iter()
        .map(|(d, l)| json!({ "day": d.format("%-d %b %Y").to_string(), "label": l }))
        .collect::<Vec<_>>());
    let title = format!("Attendees · {}", conf.name);
    render::ok(&ctx, "registration_attendees", &title, data)
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
    status: StatusCode,
    form: RegistrationInput,
    errors: Value,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    // Their own page: an unconfirmed account sees it too, with how to confirm.
    let user = ctx.account()?.clone();
    // Said before the form is filled in, not only after it is refused.
    let needs_verification = !user.is_verified() || status == StatusCode::FORBIDDEN;
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
        status,
        "register",
        &title,
        json!({
            "conference": conf_json(&conf), "fees": fees, "already": existing,
            "form": form, "consent": consent, "errors": errors, "problem": problem,
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
    register_page(&ctx, slug, StatusCode::OK, form, json!({}), None).await
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
        return register_page(&ctx, slug, StatusCode::FORBIDDEN, input, json!({}), None).await;
    }
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => {
            return register_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&p.0), None).await
        }
    };
    let s = slug.clone();
    let result = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            Ok(service::register(conn, st, &user, &conf, &draft))
        })
        .await?;
    match result {
        Ok(r) => {
            let flash = if r.status == crate::domain::registration::WAITLISTED {
                "registration-waitlisted"
            } else {
                "registration-confirmed"
            };
            Ok(render::redirect(&ctx, &format!("/c/{slug}/registration"), Some(flash)))
        }
        Err(FormError::Field(f)) => {
            register_page(&ctx, slug, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&[f]), None).await
        }
        Err(FormError::App(AppError::Conflict(m))) => {
            register_page(&ctx, slug, StatusCode::CONFLICT, input, json!({}), Some(m)).await
        }
        // Not verified: the page says how to verify, with the form kept as typed.
        Err(FormError::App(AppError::Unverified)) => {
            register_page(&ctx, slug, StatusCode::FORBIDDEN, input, json!({}), None).await
        }
        Err(FormError::App(e)) => Err(e),
    }
}

async fn registration_page(
    ctx: &Ctx,
    conf: Conference,
    reg: Option<Value>,
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
