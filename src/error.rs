//! One error type at the edge. Handlers return `Result<_, AppError>`; this file
//! decides the status code and renders a friendly page (or JSON under /api).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use std::fmt;

#[derive(Debug)]
pub enum AppError {
    BadRequest(String),
    Unauthorized,
    Forbidden,
    /// Forbidden, with the reason the person can act on.
    ForbiddenBecause(String),
    /// The account's address is not confirmed yet.
    Unverified,
    NotFound,
    Conflict(String),
    PayloadTooLarge,
    TooManyRequests,
    /// Too many, with what the limit is and when to try again.
    TooManyBecause(String),
    /// The database (or another dependency) is not answering: try again later.
    Unavailable,
    /// Our fault: the cause is kept (with its own sources) for the log, and
    /// the person sees a message written for them.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// An internal error known only by its words (no underlying error value).
#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// An error and every source under it, "outer: inner: innermost", for one log line.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let s = cause.to_string();
        // Wrappers often repeat their source's words: say each thing once.
        if !out.ends_with(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        next = cause.source();
    }
    out
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl AppError {
    /// For the person at the terminal (CLI commands): an internal error's
    /// detail too, which a web visitor never sees.
    pub fn for_operator(&self) -> String {
        match self {
            AppError::Internal(cause) => format!("{}: {}", self.message(), chain(cause.as_ref())),
            other => other.message(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::ForbiddenBecause(m)
            | AppError::TooManyBecause(m) => m.clone(),
            AppError::Unverified => "Please confirm your email address first: follow the link we mailed you, \
                                     or ask for a new one on your account page."
                .into(),
            AppError::Unauthorized => "Please log in first.".into(),
            AppError::Forbidden => "You are not allowed to do that.".into(),
            AppError::NotFound => "We could not find that page.".into(),
            AppError::PayloadTooLarge => "That request is too large.".into(),
            AppError::TooManyRequests => "Too many attempts. Please wait a few minutes and try again.".into(),
            AppError::Unavailable => "The service is briefly unavailable. Please try again in a moment.".into(),
            AppError::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "That did not work",
            AppError::Unauthorized => "Log in needed",
            AppError::Forbidden | AppError::ForbiddenBecause(_) => "Not allowed",
            AppError::Unverified => "Confirm your address first",
            AppError::NotFound => "Not found",
            AppError::Conflict(_) => "Conflict",
            AppError::PayloadTooLarge => "Too large",
            AppError::TooManyRequests | AppError::TooManyBecause(_) => "Slow down",
            AppError::Unavailable => "Unavailable",
            AppError::Internal(_) => "Error",
        }
    }

    /// An internal error from words (for causes that are not error values).
    pub fn internal(e: impl fmt::Display) -> AppError {
        AppError::Internal(Box::new(Message(e.to_string())))
    }

    /// An internal error caused by `e`, keeping it as the source.
    pub fn caused_by(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(e))
    }

    /// Logs an internal error's whole chain, once, where it reaches the edge.
    fn log(&self, edge: &str) {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = %chain(cause.as_ref()), edge, "internal error");
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::ForbiddenBecause(_) | AppError::Unverified => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests | AppError::TooManyBecause(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log("page");
        let status = self.status_code();
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header((header::RETRY_AFTER, "5"));
        }
        resp.content_type("text/html; charset=utf-8").body(error_page(status, self.title(), &self.message()))
    }
}

/// A self-contained error page: it must render even when templates or the database are broken.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t} · Plumbline</title><link rel=\"stylesheet\" href=\"{css}\"></head><body>\
<header class=\"site\"><a class=\"brand\" href=\"/\">Plumbline</a></header>\
<main id=\"main\"><h1>{t}</h1><p class=\"error-status\">Error {code}</p><p>{m}</p><p><a href=\"/\">Back to the start page</a></p></main></body></html>",
        t = escape_html(title),
        css = crate::routes::assets::url("style.css"),
        code = status.as_u16(),
        m = escape_html(message)
    )
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(constraint = info.constraint_name(), "unique violation");
                AppError::Conflict("That already exists.".into())
            }
            // The triggers of the trust rules (migration account_trust).
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, ref info)
                if info.constraint_name() == Some("account_unverified") =>
            {
                AppError::Unverified
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, ref info)
                if info.constraint_name() == Some("invitation_addressee") =>
            {
                AppError::ForbiddenBecause("This invitation is for another address.".into())
            }
            // Rules kept by triggers name themselves and word their refusal for people.
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, ref info)
                if info.constraint_name().is_some_and(|c| RULES_IN_WORDS.contains(&c)) =>
            {
                AppError::Conflict(info.message().to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                tracing::debug!(constraint = info.constraint_name(), "check violation");
                AppError::BadRequest("A value was refused: please check what you entered.".into())
            }
            // An exclusion constraint (no double booking, no overlapping tiers) refused a clash.
            Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info) => {
                tracing::debug!(constraint = info.constraint_name(), "exclusion violation");
                AppError::Conflict("That overlaps something that already exists.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => AppError::Unavailable,
            // Text PostgreSQL cannot store (NUL bytes) is the client's mistake, not ours.
            Error::DatabaseError(_, ref info) if info.message().contains("invalid byte sequence") => {
                AppError::BadRequest("The input contains characters that are not allowed.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info) if is_connection_message(info.message()) => {
                AppError::Unavailable
            }
            other => AppError::caused_by(other),
        }
    }
}

/// Trigger-kept rules (migration 2026-11-30-000020) whose message is written for
/// the person who hit them: a 409 with that message.
const RULES_IN_WORDS: &[&str] = &["microconference_budget", "decided_proposal_fixed", "mc_idea_merge"];

fn is_connection_message(m: &str) -> bool {
    let m = m.to_lowercase();
    m.contains("terminating connection")
        || m.contains("server closed the connection")
        || m.contains("connection") && m.contains("closed")
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool unavailable");
        AppError::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::caused_by(e)
    }
}

impl From<handlebars::RenderError> for AppError {
    fn from(e: handlebars::RenderError) -> Self {
        AppError::caused_by(e)
    }
}

/// The JSON API's error: the same cases, answered as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }
    fn error_response(&self) -> HttpResponse {
        self.0.log("api");
        let mut resp = HttpResponse::build(self.status_code());
        if matches!(self.0, AppError::Unauthorized) {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.json(ErrorBody { error: self.0.message() })
    }
}

/// Every error of the JSON API: what went wrong, written for a person.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// e.g. "sign in first" or "ticket_type: choose one of the ticket types".
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("rendering the page")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn internal_errors_keep_their_sources() {
        let e = AppError::caused_by(Outer(std::io::Error::other("disk full")));
        assert_eq!(
            e.for_operator(),
            "Something went wrong on our side. It has been logged.: rendering the page: disk full"
        );
        // People see words written for them, not the cause.
        assert_eq!(e.message(), "Something went wrong on our side. It has been logged.");
    }
}
