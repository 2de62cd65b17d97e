//! The schedule exports (frab XML and JSON, iCalendar, the API's JSON) and a person's own calendar feed.

use super::*;
use crate::domain::schedule::Session;
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::policy;
use crate::services::schedule as service;
use crate::web::schedule_export::{export_response, Format};
use actix_web::{web, HttpRequest, HttpResponse};

pub(super) async fn export_xml(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Xml).await
}

pub(super) async fn export_json(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Json).await
}

pub(super) async fn export_ics(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Ics).await
}

/// A person's starred sessions as a calendar; the URL is the credential.
pub(super) async fn personal_feed(
    state: crate::state::State,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, user, key) = path.into_inner();
    let user_id = uuid::Uuid::parse_str(&user).map_err(|_| AppError::NotFound)?;
    let key = key.strip_suffix(".ics").ok_or(AppError::NotFound)?.to_string();
    let secret = state.config.secret_key.clone();
    let base = state.config.base_url.clone();
    let body = state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            policy::require_feed_key(&feed_key(&secret, user_id, conf.id), &key)?;
            let stars = service::feed_stars(conn, user_id, &conf)?;
            let p = service::public_sessions(conn, &conf)?.ok_or(AppError::NotFound)?;
            let mine: Vec<Session> = p.sessions.into_iter().filter(|s| stars.contains(&s.guid)).collect();
            let e = service::export(&conf, &base, p.version, p.published_at, &mine);
            Ok(crate::domain::schedule_export::icalendar(&e, &format!("{} — my schedule", conf.name)))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, max-age=60"))
        .body(body))
}
