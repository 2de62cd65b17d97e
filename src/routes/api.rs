//! The JSON API under /api/v1. It authenticates with `Authorization: Bearer <token>`
//! and answers errors as JSON.

use crate::error::{ApiError, AppError};
use crate::repo::conferences as repo;
use crate::repo::users::User;
use crate::services::accounts;
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse, Scope};
use serde_json::json;

mod registration_api;

pub fn scope() -> Scope {
    web::scope("/api/v1")
        .route("/conferences", web::get().to(conferences))
        .route("/me", web::get().to(me))
        .route(
            "/conferences/{slug}/registrations",
            web::post().to(registration_api::register),
        )
        .route(
            "/conferences/{slug}/registrations",
            web::get().to(registration_api::list),
        )
        .route(
            "/conferences/{slug}/registrations/me",
            web::get().to(registration_api::mine),
        )
        .route(
            "/conferences/{slug}/registrations/me",
            web::delete().to(registration_api::cancel_mine),
        )
        .route(
            "/conferences/{slug}/registrations/{id}",
            web::get().to(registration_api::by_id),
        )
        .route(
            "/conferences/{slug}/fees",
            web::get().to(registration_api::fees),
        )
        .default_service(web::to(not_found))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError(AppError::NotFound))
}

/// The user behind the bearer token, or 401.
pub async fn bearer_user(state: &State, req: &HttpRequest) -> Result<User, ApiError> {
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 100);
    let Some(token) = token.map(str::to_string) else {
        return Err(ApiError(AppError::Unauthorized));
    };
    state
        .db(move |conn, _| accounts::user_for_api_token(conn, &token))
        .await?
        .ok_or(ApiError(AppError::Unauthorized))
}

async fn conferences(state: State) -> Result<HttpResponse, ApiError> {
    let confs = state.db(|conn, _| Ok(repo::list(conn)?)).await?;
    let list: Vec<_> = confs
        .iter()
        .map(|c| json!({ "slug": c.slug, "name": c.name, "time_zone": c.time_zone, "starts_on": c.starts_on, "ends_on": c.ends_on, "venue": c.venue }))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "conferences": list })))
}

async fn me(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let u = bearer_user(&state, &req).await?;
    Ok(HttpResponse::Ok().json(json!({ "email": u.email, "name": u.name, "affiliation": u.affiliation, "site_admin": u.is_site_admin })))
}
