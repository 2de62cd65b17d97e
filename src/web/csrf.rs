//! CSRF protection for every browser POST, by default and in one place: a route
//! cannot forget it. The token is an HMAC of a random per-browser cookie.

use crate::error::AppError;
use crate::security;
use crate::state::AppState;
use crate::web::{cookie, CSRF_COOKIE, SESSION_COOKIE};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, ResponseError};
use futures_util::StreamExt;

/// Largest browser form body we read; larger ones get 413 before being read whole.
pub const FORM_LIMIT: usize = 256 * 1024;

/// The token to put in forms of this request.
#[derive(Clone)]
pub struct CsrfToken(pub String);

fn well_formed(v: &str) -> bool {
    (20..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let existing = req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| well_formed(v));
    let is_new = existing.is_none();
    let cookie_value = existing.unwrap_or_else(security::new_token);
    // Once there is a session the token is bound to it too: a token read from a
    // page before logging in (or planted through a shared cookie) does not
    // carry over into the session, and each login starts fresh tokens.
    let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    let binding = format!("{cookie_value}|{session}");
    req.extensions_mut().insert(CsrfToken(security::csrf_token(&state.config.secret_key, &binding)));

    // The JSON API authenticates with bearer tokens, not cookies, so CSRF cannot reach it.
    // Stripe's webhook is authenticated by its signature (and has no browser behind it).
    let exempt = req.path().starts_with("/api/") || req.path().starts_with("/webhooks/");
    if req.method() == actix_web::http::Method::POST && !exempt {
        let declared =
            req.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > FORM_LIMIT) {
            return Ok(req.into_response(AppError::PayloadTooLarge.error_response()).map_into_right_body());
        }
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > FORM_LIMIT {
                return Ok(req.into_response(AppError::PayloadTooLarge.error_response()).map_into_right_body());
            }
            body.extend_from_slice(&chunk);
        }
        let submitted = form_field(&body, "csrf_token");
        let ok = !is_new && submitted.is_some_and(|t| security::csrf_valid(&state.config.secret_key, &binding, &t));
        if !ok {
            let page = AppError::Forbidden.error_response();
            let mut res = req.into_response(page);
            res.response_mut()
                .add_cookie(&cookie(CSRF_COOKIE, cookie_value, state.config.secure_cookies(), Some(365)))
                .ok();
            return Ok(res.map_into_right_body());
        }
        req.set_payload(actix_web::dev::Payload::from(body.freeze()));
    }

    let mut res = next.call(req).await?;
    if is_new {
        res.response_mut()
            .add_cookie(&cookie(CSRF_COOKIE, cookie_value, state.config.secure_cookies(), Some(365)))
            .ok();
    }
    Ok(res.map_into_left_body())
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}
