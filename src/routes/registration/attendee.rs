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
    let title = format!("Register · {}", conf.name);
    let view = RegisterPage { fees, already: existing, consent: form.consent(), needs_verification };
    conference_page::form_page(ctx, "register", &title, &conf, view, form, rejected)
}

/// The register page beside its form.
#[derive(Serialize)]
struct RegisterPage {
    fees: service::FeeTable,
    /// The person holds an active registration already.
    already: bool,
    /// The public listing box, as ticked.
    consent: bool,
    needs_verification: bool,
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
            let flash = if r.status == crate::domain::registration::Status::Waitlisted {
                "registration-waitlisted"
            } else {
                "registration-confirmed"
            };
            std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/registration"), flash))
        },
    )
    .await
}

/// "Your registration", or its receipt.
#[derive(Serialize)]
struct RegistrationMine {
    registration: Option<service::RegistrationPage>,
    receipt_only: bool,
    printed_at: String,
    /// The events co-located with this one, and whether the person is registered there.
    co_located: Vec<Beside>,
}

#[derive(Serialize)]
struct Beside {
    conference: crate::services::views::ConferenceView,
    registered: bool,
}

/// The person's registration (`receipt_only`: the one named by id, as a
/// receipt), as `find` shows it to the acting user.
async fn registration_page(
    at: Acting,
    receipt_only: bool,
    find: impl FnOnce(&mut Db, &AppState, &User, &Conference) -> Result<Option<service::RegistrationPage>, AppError>
        + Send
        + 'static,
) -> Result<HttpResponse, AppError> {
    let registration = at.db(find).await?;
    let co_located = match receipt_only {
        true => Vec::new(),
        false => at.db(|conn, _, user, conf| crate::services::co_location::beside_for(conn, conf, user.id)).await?,
    };
    let co_located = co_located
        .iter()
        .map(|(c, registered)| Beside {
            conference: crate::services::views::ConferenceView::of(c),
            registered: *registered,
        })
        .collect();
    let printed_at = crate::domain::fees::format_local(chrono::Utc::now(), service::zone(&at.conf));
    let title = format!("Your registration · {}", at.conf.name);
    let view = RegistrationMine { registration, receipt_only, printed_at, co_located };
    conference_page::page(&at.ctx, StatusCode::OK, "registration_mine", &title, &at.conf, view)
}

pub(super) async fn mine(at: Acting) -> Result<HttpResponse, AppError> {
    registration_page(at, false, service::my_page).await
}

pub(super) async fn by_id(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    registration_page(at, true, move |conn, st, user, conf| service::receipt(conn, st, user, conf, id)).await
}

pub(super) async fn cancel_mine(at: Acting) -> Result<HttpResponse, AppError> {
    on_own_registration(at, service::cancel_mine, "registration-cancelled").await
}

pub(super) async fn accept_offer(at: Acting) -> Result<HttpResponse, AppError> {
    on_own_registration(at, service::accept_offer, "registration-confirmed").await
}

/// A one-button action on the person's own registration, then back to it with `flash`.
async fn on_own_registration<T: Send + 'static>(
    at: Acting,
    action: fn(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError>,
    flash: &'static str,
) -> Result<HttpResponse, AppError> {
    at.db(action).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/registration", at.conf.slug), Some(flash)))
}

/// Who is coming: the confirmed attendees who agreed to be listed.
#[derive(Serialize)]
struct PublicAttendees {
    people: Vec<service::PublicAttendee>,
}

pub(super) async fn public_attendees(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = conference_page::find(&ctx, &slug).await?;
    let c = conf.clone();
    let people = ctx.state.db(move |conn, _| service::public_attendees(conn, &c)).await?;
    let title = format!("Who is coming · {}", conf.name);
    conference_page::page(&ctx, StatusCode::OK, "attendees_public", &title, &conf, PublicAttendees { people })
}
