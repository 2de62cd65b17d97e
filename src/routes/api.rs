//! The JSON API under /api/v1. It authenticates with `Authorization: Bearer <token>`
//! and answers errors as JSON.

//!
//! The API's bytes must not change: without serde_json's `preserve_order` a
//! `json!` object came out with its keys sorted, so the types here declare
//! their fields in alphabetical order.

use crate::error::{ApiError, AppError, ErrorBody};
use crate::services::accounts;
use crate::services::accounts::User;
use crate::services::conferences::Conference;
use crate::services::views::{MicroconferenceView, ProposalRowView};
use crate::state::{AppState, State};
use actix_web::{web, HttpRequest, HttpResponse, Scope};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

mod booking_api;
mod mc_ideas_api;
pub(crate) mod openapi;
mod registration_api;
mod review_api;
mod unconference_api;

pub fn scope() -> Scope {
    web::scope("/api/v1")
        .route("/openapi.json", web::get().to(openapi::document))
        .route("/conferences", web::get().to(conferences))
        .route("/me", web::get().to(me))
        .route("/conferences/{slug}", web::get().to(conference))
        .route("/conferences/{slug}/proposals", web::get().to(proposals))
        .route("/conferences/{slug}/microconferences", web::get().to(microconferences))
        .route("/conferences/{slug}/reviews", web::get().to(reviews))
        .route("/conferences/{slug}/proposals/{id}/preference", web::put().to(review_api::put_preference))
        .route("/conferences/{slug}/assignments/auto", web::post().to(review_api::auto_assign))
        .route("/conferences/{slug}/assignments", web::get().to(review_api::assignments))
        .route("/conferences/{slug}/unconference/sessions", web::post().to(unconference_api::propose))
        .route("/conferences/{slug}/unconference/sessions", web::get().to(unconference_api::sessions))
        .route("/conferences/{slug}/unconference/sessions/{id}/interest", web::put().to(unconference_api::interest))
        .route("/conferences/{slug}/unconference/plan", web::post().to(unconference_api::plan))
        .route("/conferences/{slug}/unconference/autoplan", web::get().to(unconference_api::autoplan))
        .route("/conferences/{slug}/unconference/autoplan", web::put().to(unconference_api::set_autoplan))
        .route("/conferences/{slug}/mc-ideas", web::get().to(mc_ideas_api::list_ideas))
        .route("/conferences/{slug}/mc-ideas", web::post().to(mc_ideas_api::post_idea))
        .route("/conferences/{slug}/mc-ideas/{id}/support", web::post().to(mc_ideas_api::support_idea))
        .route("/conferences/{slug}/mc-ideas/{id}/support", web::delete().to(mc_ideas_api::withdraw_support))
        .route("/conferences/{slug}/mc-ideas/{id}/propose", web::post().to(mc_ideas_api::propose_idea))
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

/// Runs `f` as the bearer token's user (401 without one) in the conference
/// `slug` names (404 when there is none), in one trip to the database.
pub async fn in_conference<T, F>(state: &State, req: &HttpRequest, slug: String, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::services::Db, &AppState, &User, &Conference) -> Result<T, AppError> + Send + 'static,
{
    as_bearer(state, req, move |conn, st, user| {
        let conf = crate::services::conferences::find(conn, &slug)?;
        f(conn, st, &user, &conf)
    })
    .await
}

/// `in_conference` for a path `/conferences/{slug}/…/{id}`: `f` is given the
/// id (404 when it is not one, after the token is checked).
pub async fn in_conference_by_id<T, F>(
    state: &State,
    req: &HttpRequest,
    (slug, id): (String, String),
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::services::Db, &AppState, &User, &Conference, Uuid) -> Result<T, AppError> + Send + 'static,
{
    in_conference(state, req, slug, move |conn, st, user, conf| {
        f(conn, st, user, conf, crate::web::conference_page::path_id(&id)?)
    })
    .await
}

/// What is wrong with a request's body, in one message ("field: what; …").
fn in_words(p: &crate::domain::Problems) -> String {
    p.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

/// `GET /conferences`: every conference, in a few words.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ConferenceList {
    conferences: Vec<ConferenceListed>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ConferenceListed {
    ends_on: NaiveDate,
    name: String,
    slug: String,
    starts_on: NaiveDate,
    /// An IANA time zone name, e.g. "Europe/Prague".
    #[schema(value_type = String)]
    time_zone: chrono_tz::Tz,
    venue: String,
}

impl From<Conference> for ConferenceListed {
    fn from(c: Conference) -> Self {
        ConferenceListed {
            ends_on: c.ends_on,
            name: c.name,
            slug: c.slug,
            starts_on: c.starts_on,
            time_zone: c.time_zone,
            venue: c.venue,
        }
    }
}

/// Every conference on this site.
#[utoipa::path(get, path = "/api/v1/conferences", tag = "conferences", security(()),
    responses((status = 200, body = ConferenceList)))]
async fn conferences(state: State) -> Result<HttpResponse, ApiError> {
    let confs = state.db(|conn, _| crate::services::conferences::list(conn)).await?;
    let conferences = confs.into_iter().map(ConferenceListed::from).collect();
    Ok(HttpResponse::Ok().json(ConferenceList { conferences }))
}

/// One conference, with the events co-located with it and its tracks: its
/// own and those it holds for a co-located conference (`selected_by`), each
/// saying where it is held and whose registrants may attend.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}", tag = "conferences", security(()), params(Slug),
    responses((status = 200, body = crate::services::co_location::ConferenceInfo), (status = 404, body = ErrorBody)))]
async fn conference(state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let info = state
        .db(move |conn, _| {
            let conf = crate::services::conferences::find(conn, &slug)?;
            crate::services::co_location::info(conn, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(info))
}

/// `GET /me`: the bearer token's holder.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Me {
    affiliation: String,
    email: String,
    name: String,
    site_admin: bool,
}

/// The holder of the bearer token.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, description = "no live token", body = ErrorBody)))]
async fn me(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let u = bearer_user(&state, &req).await?;
    Ok(HttpResponse::Ok().json(Me {
        affiliation: u.affiliation,
        email: u.email,
        name: u.name,
        site_admin: u.is_site_admin,
    }))
}

/// `GET /conferences/{slug}/proposals`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ProposalList {
    proposals: Vec<ProposalRowView>,
}

/// Proposals: organisers see every proposal of the conference (not the MC
/// topic calls' drafts); everyone else only the proposals they are on.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/proposals", tag = "proposals", params(Slug),
    responses((status = 200, body = ProposalList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn proposals(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let proposals = in_conference(&state, &req, slug.into_inner(), |conn, _, user, conf| {
        let tz = crate::services::cfp::tz(conf);
        let rows = crate::services::cfp::proposals_seen_by(conn, user, conf)?;
        Ok(rows.iter().map(|r| crate::services::views::row(r, tz)).collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(ProposalList { proposals }))
}

/// `GET /conferences/{slug}/microconferences`: the accepted MCs once the
/// programme is published (an empty list with `published: false` before).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MicroconferenceList {
    microconferences: Vec<MicroconferenceView>,
    published: bool,
}

/// The accepted microconferences with their leads and accepted topics.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/microconferences", tag = "proposals", security(()),
    params(Slug), responses((status = 200, body = MicroconferenceList), (status = 404, body = ErrorBody)))]
async fn microconferences(state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let p = state
        .db(move |conn, _| {
            let conf = crate::services::conferences::find(conn, &slug)?;
            crate::services::programme::programme(conn, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MicroconferenceList { microconferences: p.microconferences, published: p.published }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `csv` for a spreadsheet (cells that would start a formula are quoted).
    #[serde(default)]
    format: String,
}

/// A conference and the id of something in it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct SlugAndId {
    /// The conference's slug.
    #[allow(dead_code)]
    slug: String,
    /// The id.
    #[allow(dead_code)]
    id: Uuid,
}

/// The conference's slug, as in `/c/{slug}`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct Slug {
    #[allow(dead_code)]
    slug: String,
}

/// Reviews as JSON (or CSV with `?format=csv`): those the bearer may read, as
/// `services::policy::review_sight` decides for every other page too (nothing
/// of proposals they have a conflict of interest with, organisers included).
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/reviews", tag = "reviews", params(Slug, FormatQuery),
    responses((status = 200, content((ReviewList = "application/json"), (String = "text/csv"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reviews(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = in_conference(&state, &req, slug.into_inner(), |conn, _, user, conf| {
        crate::services::review::readable_reviews(conn, user, conf)
    })
    .await?;
    if q.format == "csv" {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(crate::services::review::reviews_csv(&rows)));
    }
    let reviews = rows
        .iter()
        .map(|r| {
            let known = |s: &str| Some(s).filter(|s| !s.is_empty()).map(str::to_string);
            ReviewListed {
                call: r.call.clone(),
                comment: r.comment.clone(),
                note_to_proposer: r.note_to_proposer.clone(),
                proposal: r.proposal_id,
                proposer: known(&r.proposer),
                proposer_email: known(&r.proposer_email),
                reviewer: r.reviewer.clone(),
                score: r.score,
                state: r.state,
                title: r.title.clone(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(ReviewList { reviews }))
}

/// `GET /conferences/{slug}/reviews`: a review as its reader may see it (no
/// proposer where the call hides them).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ReviewList {
    reviews: Vec<ReviewListed>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ReviewListed {
    call: String,
    comment: String,
    note_to_proposer: String,
    proposal: Uuid,
    proposer: Option<String>,
    proposer_email: Option<String>,
    reviewer: String,
    score: i32,
    state: crate::domain::proposal::ProposalState,
    title: String,
}

/// The published schedule as plain JSON for scripts (sessions with UTC and local times).
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/schedule", tag = "schedule", security(()), params(Slug),
    responses((status = 200, body = crate::services::schedule::ApiSchedule), (status = 404, description = "no such conference, or no schedule published", body = ErrorBody)))]
async fn schedule(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(crate::web::schedule_export::export_response(
        &state,
        &req,
        slug.into_inner(),
        crate::web::schedule_export::Format::Api,
    )
    .await?)
}
