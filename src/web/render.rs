//! Rendering pages with the shared context every layout needs.

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::{cookie, removal, FLASH_COOKIE};
use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde_json::{json, Value};

/// Renders `template` inside the layout. `data` must be a JSON object; the layout
/// reads `ctx` (user, csrf token, flash) and `title`.
pub fn page(ctx: &Ctx, status: StatusCode, template: &str, title: &str, data: Value) -> Result<HttpResponse, AppError> {
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
    let body = ctx.state.templates.render(template, &Value::Object(data))?;
    let mut resp = HttpResponse::build(status);
    resp.content_type("text/html; charset=utf-8");
    // Pages can show personal data: do not let shared caches keep them.
    resp.insert_header((header::CACHE_CONTROL, "no-store"));
    if ctx.flash.is_some() {
        resp.cookie(removal(FLASH_COOKIE, ctx.state.config.secure_cookies()));
    }
    Ok(resp.body(body))
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
