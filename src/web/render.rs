//! Rendering pages with the shared context every layout needs.

use crate::domain::FieldError;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::overlay::{Overlay, Viewer};
use crate::web::page_cache::Slot;
use crate::web::{cookie, removal, FLASH_COOKIE};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// Renders `template` inside the layout. `data` must serialise as an object (a
/// page's view struct); the layout reads `ctx` (user, csrf token, flash) and `title`.
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

/// What the page bodies read of the request: who is logged in, the form
/// token, the flash. (The layout reads none of it: it marks those places for
/// `viewer` to fill, see `web::overlay`.)
#[derive(Serialize, Default)]
struct LayoutCtx<'a> {
    user: Option<LayoutUser<'a>>,
    csrf: &'a str,
    flash: Option<&'a str>,
}

#[derive(Serialize)]
struct LayoutUser<'a> {
    name: &'a str,
    email: &'a str,
    verified: bool,
    site_admin: bool,
}

impl<'a> LayoutCtx<'a> {
    fn of(ctx: &'a Ctx) -> Self {
        LayoutCtx {
            user: ctx.account.as_ref().map(|u| LayoutUser {
                name: &u.name,
                email: &u.email,
                verified: u.is_verified(),
                site_admin: u.is_site_admin,
            }),
            csrf: &ctx.csrf,
            flash: ctx.flash.as_deref(),
        }
    }
}

/// The HTML of `template` inside the layout, for this request's viewer.
fn body(ctx: &Ctx, template: &str, title: &str, data: impl Serialize) -> Result<String, AppError> {
    let html = html(ctx, &LayoutCtx::of(ctx), template, title, data)?;
    Ok(Overlay::parse(&html).map_err(AppError::caused_by)?.fill(&viewer(ctx)))
}

fn html(ctx: &Ctx, layout: &LayoutCtx, template: &str, title: &str, data: impl Serialize) -> Result<String, AppError> {
    let mut data = match serde_json::to_value(data).map_err(AppError::caused_by)? {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    data.insert("title".into(), Value::String(title.to_string()));
    data.insert("ctx".into(), serde_json::to_value(layout).map_err(AppError::internal)?);
    Ok(ctx.state.templates.render_owned(template, Value::Object(data))?)
}

/// The viewer of this request as the layout's marks read it: values for the
/// account menu, the form token and the flash; keys for who they are.
pub fn viewer(ctx: &Ctx) -> Viewer {
    let mut v = Viewer::default();
    v.value("csrf", ctx.csrf.clone());
    if let Some(u) = &ctx.account {
        v.hold("viewer:user");
        v.value("user_name", u.name.clone());
        v.value("user_email", u.email.clone());
        if !u.is_verified() {
            v.hold("viewer:unverified");
        }
        if u.is_site_admin {
            v.hold("viewer:site_admin");
        }
    }
    if let Some(f) = &ctx.flash {
        v.hold("viewer:flash");
        v.value("flash", f.clone());
    }
    v
}

/// The viewer of a kept page, and what `look` finds for them in the
/// conference `slug` names, in one trip to the database. Visitors and accounts
/// whose address is unconfirmed act as nobody: `None`, and no trip.
pub async fn viewer_in<T, F>(ctx: &Ctx, slug: String, look: F) -> Result<(Viewer, Option<T>), AppError>
where
    T: Send + 'static,
    F: FnOnce(
            &mut crate::services::Db,
            &crate::services::conferences::Conference,
            &crate::services::accounts::User,
        ) -> Result<T, AppError>
        + Send
        + 'static,
{
    let viewer = viewer(ctx);
    let Some(user) = ctx.user.clone() else {
        return Ok((viewer, None));
    };
    let found = ctx
        .state
        .db(move |conn, st| {
            let conf = crate::services::conferences::find_cached(conn, st, &slug)?;
            look(conn, &conf, &user)
        })
        .await?;
    Ok((viewer, Some(found)))
}

/// `template` rendered for nobody in particular, with its marks kept: what
/// `overlaid` keeps once and fills for each viewer. The body must mark what is
/// personal too (it is given no user, token or flash).
pub fn overlay_of(ctx: &Ctx, template: &str, title: &str, data: impl Serialize) -> Result<Arc<Overlay>, AppError> {
    let html = html(ctx, &LayoutCtx::default(), template, title, data)?;
    Ok(Arc::new(Overlay::parse(&html).map_err(AppError::caused_by)?))
}

/// The overlay kept under `slot` if it was rendered from `key`, stamped fresh
/// again: what a page's render returns when its data did not change.
pub fn kept_overlay(ctx: &Ctx, slot: &Slot, key: &str) -> Option<Arc<Overlay>> {
    ctx.state.pages.revalidate(&slot.overlay(), key).and_then(|p| p.overlay.clone())
}

/// Serves a page that is the same for every viewer but its marked places (a
/// schedule day, the room grid): `render` runs once per `slot` and freshness
/// (as `shared`: a local write at once, other instances within the cache's
/// ttl, stale-while-revalidate), and each response is filled from it for its
/// viewer: `viewer` adds the page's own keys to `render::viewer`'s (one trip
/// to the database, only for people logged in). A page that lacks a key the
/// viewer needs (their booking, made a moment ago through another instance)
/// is rendered again before answering. Anonymous visitors get the filled page
/// from the page cache, as from `shared`.
pub async fn overlaid<V, F>(
    ctx: &Ctx,
    req: &HttpRequest,
    slot: Slot,
    page_viewer: V,
    render: F,
) -> Result<HttpResponse, AppError>
where
    V: std::future::Future<Output = Result<Viewer, AppError>>,
    F: std::future::Future<Output = Result<(String, Arc<Overlay>), AppError>> + 'static,
{
    let state = ctx.state.clone();
    let overlay_slot = slot.overlay();
    let kept = async move {
        let epoch = state.pages.page_epoch();
        let (key, overlay) = render.await?;
        state.pages.store_overlay(&overlay_slot, key, epoch, overlay.clone());
        Ok::<_, AppError>(overlay)
    };
    if shareable(ctx) {
        let (ctx2, req2, slot2) = (ctx.clone(), req.clone(), slot.clone());
        let anonymous = async move {
            let overlay = overlay_for(&ctx2, &slot2.overlay(), &Viewer::default(), kept).await?;
            let body = overlay.fill(&viewer(&ctx2));
            let page = ctx2.state.pages.store(&slot2, String::new(), "text/html; charset=utf-8", "no-cache", body);
            Ok(page.respond(&req2))
        };
        return shared(ctx, req, slot, anonymous).await;
    }
    let viewer = page_viewer.await?;
    let overlay = overlay_for(ctx, &slot.overlay(), &viewer, kept).await?;
    let mut resp = overlay.respond(req, &viewer);
    if ctx.flash.is_some() {
        resp.add_cookie(&removal(FLASH_COOKIE, ctx.state.config.secure_cookies())).map_err(AppError::internal)?;
    }
    Ok(resp)
}

/// The overlay kept under `slot`, or rendered by `kept` (which keeps it):
/// fresh; or stale while `kept` renders it again in the background, unless a
/// local write made it stale or it lacks what `viewer` needs.
async fn overlay_for<F>(ctx: &Ctx, slot: &Slot, viewer: &Viewer, kept: F) -> Result<Arc<Overlay>, AppError>
where
    F: std::future::Future<Output = Result<Arc<Overlay>, AppError>> + 'static,
{
    let usable =
        |page: &crate::web::page_cache::CachedPage| page.overlay.clone().filter(|o| viewer.sees_own_writes_in(o));
    match ctx.state.pages.lookup(slot) {
        Ok(page) => match usable(&page) {
            Some(o) => Ok(o),
            None => kept.await,
        },
        Err(Some(refreshing)) => match usable(&refreshing.page()) {
            Some(stale) if !refreshing.after_local_write() => {
                actix_web::rt::spawn(async move {
                    let _refreshing = refreshing;
                    if let Err(e) = kept.await {
                        tracing::warn!(error = %e, "refreshing a kept page failed; the stale one stays");
                    }
                });
                Ok(stale)
            }
            _ => {
                let o = kept.await;
                drop(refreshing);
                o
            }
        },
        Err(None) => kept.await,
    }
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

/// Field errors as the templates read them: each field's first message, and
/// the list for the summary.
#[derive(Serialize)]
struct FieldErrors<'a> {
    by_field: std::collections::BTreeMap<&'static str, &'a str>,
    list: &'a [FieldError],
}

/// Field errors as a map `field -> message` for the template, plus the list for the summary.
pub fn errors_json(errors: &[FieldError]) -> Value {
    let mut by_field = std::collections::BTreeMap::new();
    for e in errors {
        by_field.entry(e.field).or_insert(e.message.as_str());
    }
    // Strings only: serialising them cannot fail.
    serde_json::to_value(FieldErrors { by_field, list: errors }).unwrap_or_default()
}
