//! The attendees' side: registering, their own registration (cancel, accept a
//! waitlist offer), a registration by id, and the public attendee list.

use super::*;
use crate::services::accounts::User;
use crate::services::Db;
use crate::state::AppState;

pub(super) async fn register_page(
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

pub(super) async fn register_form(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn register(
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

pub(super) async fn registration_page(
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

pub(super) async fn mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn by_id(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn cancel_mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    on_own_registration(ctx, slug.into_inner(), service::cancel_mine, "registration-cancelled").await
}

pub(super) async fn accept_offer(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    on_own_registration(ctx, slug.into_inner(), service::accept_offer, "registration-confirmed").await
}

/// A one-button action on the person's own registration, then back to it with `flash`.
async fn on_own_registration<T: Send + 'static>(
    ctx: Ctx,
    slug: String,
    action: fn(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError>,
    flash: &'static str,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let s = slug.clone();
    ctx.state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            action(conn, st, &user, &conf)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/registration"), Some(flash)))
}

pub(super) async fn public_attendees(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
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
