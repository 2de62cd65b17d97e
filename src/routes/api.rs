//! The JSON API under /api/v1. It authenticates with `Authorization: Bearer <token>`
//! and answers errors as JSON.

use crate::error::{ApiError, AppError};
use crate::services::accounts;
use crate::services::accounts::User;
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse, Scope};
use serde_json::json;

mod booking_api;
mod registration_api;

pub fn scope() -> Scope {
    web::scope("/api/v1")
        .route("/conferences", web::get().to(conferences))
        .route("/me", web::get().to(me))
        .route("/conferences/{slug}/proposals", web::get().to(proposals))
        .route("/conferences/{slug}/microconferences", web::get().to(microconferences))
        .route("/conferences/{slug}/reviews", web::get().to(reviews))
        .route("/conferences/{slug}/schedule", web::get().to(schedule))
        .route("/conferences/{slug}/registrations", web::post().to(registration_api::register))
        .route("/conferences/{slug}/registrations", web::get().to(registration_api::list))
        .route("/conferences/{slug}/registrations/me", web::get().to(registration_api::mine))
        .route("/conferences/{slug}/registrations/me", web::delete().to(registration_api::cancel_mine))
        .route("/conferences/{slug}/registrations/{id}", web::get().to(registration_api::by_id))
        .route("/conferences/{slug}/fees", web::get().to(registration_api::fees))
        .route("/conferences/{slug}/rooms", web::get().to(booking_api::rooms))
        .route("/conferences/{slug}/rooms/{room}/bookings", web::get().to(booking_api::room_bookings))
        .route("/conferences/{slug}/bookings", web::post().to(booking_api::book))
        .route("/conferences/{slug}/bookings/{id}", web::delete().to(booking_api::cancel))
        .default_service(web::to(not_found))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError(AppError::NotFound))
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty() && t.len() <= 100).map(str::to_string)
}

/// The user behind a live bearer token whose scope covers this request's
/// method: 401 without one (revoked, expired, unknown), 403 beyond its scope.
fn authenticate(conn: &mut crate::services::Db, token: &str, method: &str) -> Result<User, AppError> {
    let (user, scope) = accounts::user_for_api_token(conn, token)?.ok_or(AppError::Unauthorized)?;
    crate::services::policy::require_token_scope(scope, method)?;
    Ok(user)
}

/// The user behind the bearer token, or 401.
pub async fn bearer_user(state: &State, req: &HttpRequest) -> Result<User, ApiError> {
    let token = bearer_token(req).ok_or(ApiError(AppError::Unauthorized))?;
    let method = req.method().as_str().to_string();
    Ok(state.db(move |conn, _| authenticate(conn, &token, &method)).await?)
}

/// Runs `f` as the bearer token's user (401 without one) on one pooled
/// connection: authenticating in the same trip saves a checkout per write.
pub async fn as_bearer<T, F>(state: &State, req: &HttpRequest, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::services::Db, &crate::state::AppState, User) -> Result<T, AppError> + Send + 'static,
{
    let token = bearer_token(req).ok_or(ApiError(AppError::Unauthorized))?;
    let method = req.method().as_str().to_string();
    Ok(state
        .db(move |conn, st| {
            let user = authenticate(conn, &token, &method)?;
            f(conn, st, user)
        })
        .await?)
}

async fn conferences(state: State) -> Result<HttpResponse, ApiError> {
    let confs = state.db(|conn, _| crate::services::conferences::list(conn)).await?;
    let list: Vec<_> = confs
        .iter()
        .map(|c| json!({ "slug": c.slug, "name": c.name, "time_zone": c.time_zone, "starts_on": c.starts_on, "ends_on": c.ends_on, "venue": c.venue }))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "conferences": list })))
}

async fn me(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let u = bearer_user(&state, &req).await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "email": u.email, "name": u.name, "affiliation": u.affiliation, "site_admin": u.is_site_admin })))
}

/// Organisers see every proposal of the conference (not the MC topic calls'
/// drafts); everyone else only the proposals they are on.
async fn proposals(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let user = bearer_user(&state, &req).await?;
    let slug = slug.into_inner();
    let list = state
        .db(move |conn, _| {
            let conf = crate::services::conferences::find(conn, &slug)?;
            let tz = crate::services::cfp::tz(&conf);
            let rows = crate::services::cfp::proposals_seen_by(conn, &user, &conf)?;
            Ok(rows.iter().map(|r| crate::services::views::row(r, tz)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "proposals": list })))
}

async fn microconferences(state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let data = state
        .db(move |conn, _| {
            let conf = crate::services::conferences::find(conn, &slug)?;
            crate::services::programme::published_programme(conn, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "published": data["published"], "microconferences": data["microconferences"] })))
}

#[derive(serde::Deserialize)]
struct FormatQuery {
    #[serde(default)]
    format: String,
}

/// Reviews as JSON (or CSV with `?format=csv`): those the bearer may read, as
/// `services::policy::review_sight` decides for every other page too (nothing
/// of proposals they have a conflict of interest with, organisers included).
async fn reviews(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let user = bearer_user(&state, &req).await?;
    let slug = slug.into_inner();
    let rows = state
        .db(move |conn, _| {
            let conf = crate::services::conferences::find(conn, &slug)?;
            crate::services::review::readable_reviews(conn, &user, &conf)
        })
        .await?;
    if q.format == "csv" {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(crate::services::review::reviews_csv(&rows)));
    }
    let list: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "proposal": r.proposal_id, "title": r.title, "call": r.call, "state": r.state,
                "proposer": if r.proposer.is_empty() { None } else { Some(&r.proposer) },
                "proposer_email": if r.proposer_email.is_empty() { None } else { Some(&r.proposer_email) },
                "reviewer": r.reviewer, "score": r.score, "comment": r.comment, "note_to_proposer": r.note_to_proposer,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "reviews": list })))
}

/// The published schedule as plain JSON for scripts (sessions with UTC and local times).
async fn schedule(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(crate::web::schedule_export::export_response(
        &state,
        &req,
        slug.into_inner(),
        crate::web::schedule_export::Format::Api,
    )
    .await?)
}
