//! Registration over the JSON API (bearer token). The body never sets the fee:
//! unknown fields such as `fee_minor` are ignored, the server takes the tier in force.

use super::{as_bearer, in_conference, in_conference_by_id, in_words, Slug, SlugAndId};
use crate::domain::registration::RegistrationInput;
use crate::error::ErrorBody;
use crate::error::{ApiError, AppError};
use crate::services::conferences as conf_service;
use crate::services::registration as service;
use crate::services::registration::{FeeTable, RegistrationApi};
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Registers the token's holder, at the fee of the tier in force now (the
/// body never sets the fee). Over the cap: `waitlisted`.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/registrations", tag = "registration", params(Slug),
    request_body = RegistrationInput,
    responses((status = 201, body = RegistrationApi),
        (status = 400, description = "a field is wrong (the message names it)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, description = "address not confirmed, or a read-only token", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "already registered, or registration closed", body = ErrorBody)))]
pub async fn register(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<RegistrationInput>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let draft = body.into_inner().parse();
    crate::web::page_cache::attendee_write(&req);
    let v = as_bearer(&state, &req, move |conn, st, user| {
        let draft = draft.map_err(|p| AppError::BadRequest(in_words(&p)))?;
        let conf = conf_service::find_cached(conn, st, &slug)?;
        let r = service::register(conn, st, &user, &conf, &draft).map_err(|e| e.into_app())?;
        service::api_view_cached(conn, st, &conf, &r)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// `GET /conferences/{slug}/registrations`: every registration, for organisers.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RegistrationList {
    registrations: Vec<service::RegistrationListed>,
}

/// Every registration of the conference (organisers only).
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/registrations", tag = "registration", params(Slug),
    responses((status = 200, body = RegistrationList), (status = 401, body = ErrorBody),
        (status = 403, description = "not an organiser", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let registrations = in_conference(&state, &req, slug.into_inner(), service::api_list).await?;
    Ok(HttpResponse::Ok().json(RegistrationList { registrations }))
}

/// The token holder's own registration.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/registrations/me", tag = "registration", params(Slug),
    responses((status = 200, body = RegistrationApi), (status = 401, body = ErrorBody),
        (status = 404, description = "not registered", body = ErrorBody)))]
pub async fn mine(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let v = in_conference(&state, &req, slug.into_inner(), |conn, st, user, conf| {
        let r = service::mine(conn, st, user, conf)?.ok_or(AppError::NotFound)?;
        service::api_view(conn, st, conf, &r)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Cancels the token holder's registration; the seat goes to the waitlist.
#[utoipa::path(delete, path = "/api/v1/conferences/{slug}/registrations/me", tag = "registration", params(Slug),
    responses((status = 200, description = "the registration, now cancelled", body = RegistrationApi),
        (status = 401, body = ErrorBody), (status = 403, description = "a read-only token", body = ErrorBody),
        (status = 404, description = "not registered", body = ErrorBody), (status = 409, description = "already cancelled", body = ErrorBody)))]
pub async fn cancel_mine(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let v = in_conference(&state, &req, slug.into_inner(), |conn, st, user, conf| {
        let r = service::cancel_mine(conn, st, user, conf)?;
        service::api_view(conn, st, conf, &r)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// One registration: its holder's or, for organisers, anyone's.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/registrations/{id}", tag = "registration", params(SlugAndId),
    responses((status = 200, body = RegistrationApi), (status = 401, body = ErrorBody),
        (status = 404, description = "no such registration, or not yours", body = ErrorBody)))]
pub async fn by_id(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let v = in_conference_by_id(&state, &req, path.into_inner(), |conn, st, user, conf, id| {
        let r = service::by_id(conn, st, user, conf, id)?;
        service::api_view(conn, st, conf, &r)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// An RFC 3339 instant: the table as it stands then (default: now).
    at: Option<String>,
}

/// The ticket types with their fee tiers, and the fee in force at `at`.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/fees", tag = "registration", security(()), params(Slug, AtQuery),
    responses((status = 200, body = FeeTable), (status = 400, description = "`at` is not an RFC 3339 instant", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn fees(state: State, slug: web::Path<String>, q: web::Query<AtQuery>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let at = match q.into_inner().at {
        Some(raw) => DateTime::parse_from_rfc3339(raw.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
            ApiError(AppError::BadRequest("at: use an RFC 3339 instant like 2027-08-18T00:00:00+02:00".into()))
        })?,
        None => Utc::now(),
    };
    let v = state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            service::fee_table(conn, &conf, at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}
