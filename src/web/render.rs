//! Rendering pages with the shared context every layout needs.

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::{cookie, removal, FLASH_COOKIE};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{json, Value};

/// Renders `template` inside the layout. `data` (a page's view struct, or a JSON
/// object) must serialise to an object; the layout reads `ctx` (user, csrf
/// token, flash) and `title`.
pub fn page(
    ctx: &Ctx,
    status: StatusCode,
    template: &str,
    title: &str,
    data: impl Serialize,
) -> Result<HttpResponse, AppError> {
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
fn body(ctx: &Ctx, template: &str, title: &str, data: impl Serialize) -> Result<String, AppError> {
    let mut data = match serde_json::to_value(data).map_err(AppError::caused_by)? {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    data.insert("title".into(), Value::String(title.to_string()));
    data.insert(
        "ctx".into(),
        json!({
            "user": ctx.account.as_ref().map(|u| json!({
                "name": u.name, "email": u.email, "verified": u.is_verified(), "site_admin": u.is_site_admin,
            })),
            "csrf": ctx.csrf,
            "flash": ctx.flash,
        }),
    );
    Ok(ctx.state.templates.render_owned(template, Value::Object(data))?)
}

/// Whether the visitor may be given a page rendered for someone else: nobody
/// logged in, no flash message.
fn shareable(ctx: &Ctx) -> bool {
    ctx.account.is_none() && ctx.flash.is_none()
}

/// Where this request's page sits in the page cache: the slot its handler
/// gave `shared`, when the visitor may share it. A page that gave none is not kept.
fn shared_slot(ctx: &Ctx, req: &HttpRequest) -> Option<Slot> {
    if !shareable(ctx) {
        return None;
    }
    req.extensions().get::<Slot>().cloned()
}

/// Serves an anonymous visitor's page from the page cache, with `render`
/// (which stores what it renders, see `ok_shared`) run only when needed.
/// A page past its freshness is served at once while `render` runs in the
/// background (RFC 5861's stale-while-revalidate): under load, the one
/// request that used to refresh it could wait seconds for a database round
/// trip on two busy cores, and every other visitor waits for nothing.
/// Logged-in visitors always get `render`. The page is kept under `slot`: its
/// path and the query parameters it reads (see `Slot`), never the raw URL.
pub async fn shared<F>(ctx: &Ctx, req: &HttpRequest, slot: Slot, render: F) -> Result<HttpResponse, AppError>
where
    F: std::future::Future<Output = Result<HttpResponse, AppError>> + 'static,
{
    if !shareable(ctx) {
        return render.await;
    }
    // For `ok_shared` and `revalidated`, which `render` calls with this request.
    req.extensions_mut().insert(slot.clone());
    shared_at(&ctx.state.pages, req, &slot, render).await
}

/// `shared` for a page kept under `slot`.
pub async fn shared_at<F>(
    pages: &crate::web::page_cache::PageCache,
    req: &HttpRequest,
    slot: &Slot,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: std::future::Future<Output = Result<HttpResponse, AppError>> + 'static,
{
    match pages.lookup(slot) {
        Ok(page) => Ok(page.respond(req)),
        Err(Some(refreshing)) if refreshing.after_local_write() => {
            // Others get the stale page meanwhile; this request waits for the new one.
            let page = render.await;
            drop(refreshing);
            page
        }
        Err(Some(refreshing)) => {
            let stale = refreshing.page();
            let slot = slot.as_str().to_string();
            actix_web::rt::spawn(async move {
                // Others keep getting the stale page until this ends.
                let _refreshing = refreshing;
                if let Err(e) = render.await {
                    tracing::warn!(%slot, error = %e, "refreshing a cached page failed; the stale one stays");
                }
            });
            Ok(stale.respond(req))
        }
        Err(None) => render.await,
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
    data: impl Serialize,
) -> Result<HttpResponse, AppError> {
    let Some(slot) = shared_slot(ctx, req) else {
        return ok(ctx, template, title, data);
    };
    let html = body(ctx, template, title, data)?;
    let page = ctx.state.pages.store(&slot, key, "text/html; charset=utf-8", "no-cache", html);
    Ok(page.respond(req))
}

pub fn ok(ctx: &Ctx, template: &str, title: &str, data: impl Serialize) -> Result<HttpResponse, AppError> {
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
