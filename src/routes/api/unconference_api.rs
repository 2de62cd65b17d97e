//! The on-site unconference over the JSON API: propose a session (registered
//! attendees), mark yourself essential or interested, list the sessions.

use super::{in_conference, Slug, SlugAndId};
use crate::domain::unconference::SessionInput;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::services::unconference::{self as service, SessionView};
use crate::services::unconference_planner::{self as planner, PlanOutcome, StandingOrder};
use crate::services::InputError;
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// A session proposed on site.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct SessionBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// Its length: a whole number of the rooms' booking steps.
    minutes: Option<i64>,
    /// Equipment words from the rooms' equipment, e.g. "projector".
    #[serde(default)]
    needs: Vec<String>,
}

fn unprocessable(message: String) -> HttpResponse {
    HttpResponse::UnprocessableEntity().json(ErrorBody { error: message })
}

/// Proposes a session; the token's holder must hold a confirmed registration.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/unconference/sessions", tag = "unconference",
    params(Slug), request_body = SessionBody,
    responses((status = 201, body = SessionView), (status = 401, body = ErrorBody),
        (status = 403, description = "not a registered attendee", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the rooms are not set up yet", body = ErrorBody),
        (status = 422, description = "what is wrong with the session, field by field", body = ErrorBody)))]
pub async fn propose(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<SessionBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = SessionInput {
        title: b.title,
        description: b.description,
        minutes: b.minutes.map(|m| m.to_string()).unwrap_or_default(),
        needs: b.needs,
    };
    let outcome = in_conference(&state, &req, slug.into_inner(), move |conn, _, user, conf| {
        Ok(match service::propose(conn, user, conf, &input) {
            Ok(v) => Ok(v),
            Err(InputError::Fields(f)) => Err(f),
            Err(InputError::App(e)) => return Err(e),
        })
    })
    .await?;
    Ok(match outcome {
        Ok(v) => HttpResponse::Created().json(v),
        Err(fields) => {
            unprocessable(fields.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))
        }
    })
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct InterestBody {
    /// "essential", "interested" or "none".
    #[serde(default)]
    level: String,
}

/// Marks the token's holder essential to a session, interested in it, or neither.
#[utoipa::path(put, path = "/api/v1/conferences/{slug}/unconference/sessions/{id}/interest", tag = "unconference",
    params(SlugAndId), request_body = InterestBody,
    responses((status = 204, description = "saved"), (status = 401, body = ErrorBody),
        (status = 403, description = "not a registered attendee", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "a proposer stays essential to their session", body = ErrorBody),
        (status = 422, description = "no such level", body = ErrorBody)))]
pub async fn interest(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<InterestBody>,
) -> Result<HttpResponse, ApiError> {
    let raw = body.into_inner().level;
    let outcome = super::in_conference_by_id(&state, &req, path.into_inner(), move |conn, _, user, conf, id| {
        // Who may mark comes before what was sent: 403/404 whatever the body says.
        service::require_markable(conn, user, conf, id)?;
        let level = service::parse_level(&raw).map_err(|e| AppError::BadRequest(e.message))?;
        service::set_interest(conn, user, conf, id, level)
    })
    .await;
    match outcome {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(ApiError(AppError::BadRequest(m))) => Ok(unprocessable(format!("level: {m}"))),
        Err(e) => Err(e),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionView>,
}

/// Every session, most wanted first. Organisers get who marked each (people's
/// ids); everyone else how many, and their own mark as `me`.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/unconference/sessions", tag = "unconference", params(Slug),
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn sessions(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let board = in_conference(&state, &req, slug.into_inner(), |conn, _, user, conf| {
        service::board(conn, Some(user), conf, true)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SessionList { sessions: board.sessions }))
}

/// A planning run: the window (RFC 3339) and whether to save.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct PlanBody {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// `true`: only the plan, nothing booked.
    #[serde(default)]
    dry_run: bool,
    /// Placed sessions starting at least this many minutes from now may move
    /// (0 to 10080); absent or null keeps every placed session where it is.
    #[serde(default)]
    move_notice_minutes: Option<i64>,
}

/// Plans the unplaced sessions into the free time of the bookable rooms in
/// the window (organisers). Placements are room bookings; placed sessions stay
/// unless `move_notice_minutes` lets those starting later than that move.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/unconference/plan", tag = "unconference", params(Slug),
    request_body = PlanBody,
    responses((status = 200, body = PlanOutcome), (status = 401, body = ErrorBody),
        (status = 403, description = "not an organiser", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "room booking is not set up", body = ErrorBody),
        (status = 422, description = "no usable window", body = ErrorBody)))]
pub async fn plan(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<PlanBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let instant = |raw: &str| chrono::DateTime::parse_from_rfc3339(raw.trim()).map(|t| t.with_timezone(&chrono::Utc));
    let window = instant(&b.from).ok().zip(instant(&b.to).ok());
    let outcome = in_conference(&state, &req, slug.into_inner(), move |conn, st, user, conf| {
        crate::services::conferences::require_organiser(conn, conf, user)?;
        let Some((from, to)) = window else {
            return Err(AppError::BadRequest("from and to: RFC 3339 instants like 2027-11-18T09:00:00+01:00".into()));
        };
        let move_notice = match b.move_notice_minutes {
            None => None,
            Some(m) if (0..=10_080).contains(&m) => Some(chrono::Duration::minutes(m)),
            Some(_) => return Err(AppError::BadRequest("move_notice_minutes: from 0 to 10080".into())),
        };
        planner::plan(conn, st, user, conf, &planner::PlanRequest { from, to, dry_run: b.dry_run, move_notice })
    })
    .await;
    match outcome {
        Ok(v) => Ok(HttpResponse::Ok().json(v)),
        Err(ApiError(AppError::BadRequest(m))) => Ok(unprocessable(m)),
        Err(e) => Err(e),
    }
}

/// The organisers' daily plan: every day at `run_at` (the conference's zone),
/// plan the next day, moving placed sessions only with `move_notice_minutes`.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/unconference/autoplan", tag = "unconference", params(Slug),
    responses((status = 200, body = StandingOrder), (status = 401, body = ErrorBody),
        (status = 403, description = "not an organiser", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn autoplan(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let order =
        in_conference(&state, &req, slug.into_inner(), |conn, _, user, conf| planner::standing_order(conn, user, conf))
            .await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Sets the daily plan (organisers); `last_run_on` and `last_summary` are ignored.
#[utoipa::path(put, path = "/api/v1/conferences/{slug}/unconference/autoplan", tag = "unconference", params(Slug),
    request_body = StandingOrder,
    responses((status = 204, description = "saved"), (status = 401, body = ErrorBody),
        (status = 403, description = "not an organiser", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "what is wrong with the time or the notice", body = ErrorBody)))]
pub async fn set_autoplan(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<StandingOrder>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let saved = in_conference(&state, &req, slug.into_inner(), move |conn, _, user, conf| {
        planner::save_standing_order(conn, user, conf, b.enabled, &b.run_at, b.move_notice_minutes)
    })
    .await;
    match saved {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(ApiError(AppError::BadRequest(m))) => Ok(unprocessable(m)),
        Err(e) => Err(e),
    }
}
