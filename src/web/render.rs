//! Rendering pages with the shared context every layout needs.

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::{cookie, removal, FLASH_COOKIE};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use serde_json::{json, Value};

/// Renders `template` inside the layout. `data` must be a JSON object; the layout
/// reads `ctx` (user, csrf token, flash) and `title`.
pub fn page(ctx: &Ctx, status: StatusCode, template: &str, title: &str, data: Value) -> Result<HttpResponse, AppError> {
    let body = body(ctx, template, title, data)?;
    let mut resp = HttpResponse::build(status);
    resp.content_type("text/html; charset=utf-8");
    // Pages can show personal data: do not let shared caches keep them.
    resp.insert_header((header::CACHE_CONTROL, "no-store"));
    if ctx.flash.is_some() {
        resp.cookie(removal(FLASH_COOKIE, ctx.state.config.secure_cookies()));
    }
    Ok(resp.body(body))
}

/// The HTML of `template` inside the layout.
fn body(ctx: &Ctx, template: &str, title: &str, data: Value) -> Result<String, AppError> {
    let mut data = match data {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    data.insert("title".into(), Value::String(title.to_string()));
    data.insert(
        "ctx".into(),
        json!({
            "user": ctx.user.as_ref().map(|u| json!({
                "name": u.name, "email": u.email, "verified": u.is_verified(), "site_admin": u.is_site_admin,
            })),
            "csrf": ctx.csrf,
            "flash": ctx.flash,
        }),
    );
    Ok(ctx.state.templates.render_owned(template, Value::Object(data))?)
}

/// Where this request's page sits in the page cache, when the visitor may be
/// given a page rendered for someone else: nobody logged in, no flash message.
fn shared_slot(ctx: &Ctx, req: &HttpRequest) -> Option<String> {
    (ctx.user.is_none() && ctx.flash.is_none())
        .then(|| req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default())
}

/// The cached page for this request, if it is fresh (no database needed).
pub fn cached(ctx: &Ctx, req: &HttpRequest) -> Option<HttpResponse> {
    let slot = shared_slot(ctx, req)?;
    shared_lookup(&ctx.state.pages, req, &slot).map(|p| p.respond(req))
}

/// A cached page to serve, or `None` when this request must render it; then a
/// stale page stays available to the others until this request ends.
pub fn shared_lookup(
    pages: &crate::web::page_cache::PageCache,
    req: &HttpRequest,
    slot: &str,
) -> Option<std::sync::Arc<crate::web::page_cache::CachedPage>> {
    match pages.lookup(slot) {
        Ok(page) => Some(page),
        Err(guard) => {
            if let Some(guard) = guard {
                req.extensions_mut().insert(guard);
            }
            None
        }
    }
}

/// The cached page for this request, if it was rendered from the same `key`.
pub fn revalidated(ctx: &Ctx, req: &HttpRequest, key: &str) -> Option<HttpResponse> {
    let slot = shared_slot(ctx, req)?;
    ctx.state.pages.revalidate(&slot, key).map(|p| p.respond(req))
}

/// Like `ok`, and for anonymous visitors the page is kept in the page cache
/// under `key` (what it was rendered from).
pub fn ok_shared(
    ctx: &Ctx,
    req: &HttpRequest,
    key: String,
    template: &str,
    title: &str,
    data: Value,
) -> Result<HttpResponse, AppError> {
    let Some(slot) = shared_slot(ctx, req) else {
        return ok(ctx, template, title, data);
    };
    let html = body(ctx, template, title, data)?;
    let page = ctx.state.pages.store(&slot, key, "text/html; charset=utf-8", "no-cache", html);
    Ok(page.respond(req))
}

pub fn ok(ctx: &Ctx, template: &str, title: &str, data: Value) -> Result<HttpResponse, AppError> {
    page(ctx, StatusCode::OK, template, title, data)
}

/// 303 See Other to a local path, optionally with a flash message key.
pub fn redirect(ctx: &Ctx, to: &str, flash: Option<&str>) -> HttpResponse {
    let mut resp = HttpResponse::SeeOther();
    resp.insert_header((header::LOCATION, to.to_string()));
    if let Some(key) = flash {
        resp.cookie(cookie(FLASH_COOKIE, key.to_string(), ctx.state.config.secure_cookies(), None));
    }
    resp.finish()
}

/// Field errors as a map `field -> message` for the template, plus the list for the summary.
pub fn errors_json(errors: &[crate::domain::FieldError]) -> Value {
    let mut map = serde_json::Map::new();
    for e in errors {
        map.entry(e.field.to_string()).or_insert_with(|| Value::String(e.message.clone()));
    }
    json!({ "by_field": map, "list": errors })
}
