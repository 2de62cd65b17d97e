//! The schedule exports (frab XML and JSON, iCalendar, the API's JSON) and a person's own calendar feed.

use super::*;
use crate::domain::schedule::Session;
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::schedule as service;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// Which export a request wants.
#[derive(Clone, Copy)]
pub enum Format {
    Xml,
    Json,
    Ics,
    Api,
}

/// An export of the published schedule (404 until something is published),
/// rendered and gzipped once per publication or booking change.
pub async fn export_response(
    state: &crate::state::State,
    req: &HttpRequest,
    slug: String,
    format: Format,
) -> Result<HttpResponse, AppError> {
    // Exports read no query parameters.
    let slot = Slot::path(match format {
        Format::Xml => format!("/c/{slug}/schedule.xml"),
        Format::Json => format!("/c/{slug}/schedule.json"),
        Format::Ics => format!("/c/{slug}/schedule.ics"),
        Format::Api => format!("/api/v1/conferences/{slug}/schedule"),
    });
    let render = render_export(state.clone(), req.clone(), slot.clone(), slug, format);
    let mut resp = render::shared_at(&state.pages, req, &slot, render).await?;
    resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    Ok(resp)
}

pub(super) async fn render_export(
    state: crate::state::State,
    req: HttpRequest,
    slot: Slot,
    slug: String,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let base = state.config.base_url.clone();
    let (key, rendered) = state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            service::rendered(conn, &st.exports, &conf, &base)
        })
        .await?;
    if let Some(page) = state.pages.revalidate(&slot, &key) {
        return Ok(page.respond(&req));
    }
    let r = rendered.ok_or(AppError::NotFound)?;
    let (ct, body) = match format {
        Format::Xml => ("application/xml; charset=utf-8", r.xml.clone()),
        Format::Json => ("application/json", r.json.clone()),
        Format::Ics => ("text/calendar; charset=utf-8", r.ics.clone()),
        Format::Api => ("application/json", r.api.clone()),
    };
    let body = crate::web::page_cache::SharedText(body);
    Ok(state.pages.store(&slot, key, ct, "public, max-age=60", body).respond(&req))
}

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
            // Constant-time enough: both sides are HMAC outputs of equal length.
            if feed_key(&secret, user_id, conf.id) != key {
                return Err(AppError::NotFound);
            }
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
