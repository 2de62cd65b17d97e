//! The published schedule's exports as HTTP answers, shared by the public
//! export URLs and the API: rendered and gzipped once per publication, served
//! from the page cache.

use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::schedule as service;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

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

async fn render_export(
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
