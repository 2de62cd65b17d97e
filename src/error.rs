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
    /// 403 with the reason: the person may see the thing, but not do this to
    /// it (e.g. an organiser with a conflict of interest deciding a proposal).
    Refused(String),
    NotFound,
    Conflict(String),
    PayloadTooLarge,
    TooManyRequests,
    /// The database (or another dependency) is not answering: try again later.
    Unavailable,
    Internal(String),
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
            AppError::Internal(detail) => format!("{}: {detail}", self.message()),
            other => other.message(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::Refused(m) => m.clone(),
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
            AppError::Forbidden | AppError::Refused(_) => "Not allowed",
            AppError::NotFound => "Not found",
            AppError::Conflict(_) => "Conflict",
            AppError::PayloadTooLarge => "Too large",
            AppError::TooManyRequests => "Slow down",
            AppError::Unavailable => "Unavailable",
            AppError::Internal(_) => "Error",
        }
    }

    pub fn internal(e: impl fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
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
                AppError::Conflict(format!("That already exists ({}).", info.constraint_name().unwrap_or("unique")))
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                AppError::BadRequest(format!("A value was refused ({}).", info.constraint_name().unwrap_or("check")))
            }
            // An exclusion constraint (no double booking, no overlapping tiers) refused a clash.
            Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info) => AppError::Conflict(format!(
                "That overlaps something that already exists ({}).",
                info.constraint_name().unwrap_or("no overlap")
            )),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => AppError::Unavailable,
            // Text PostgreSQL cannot store (NUL bytes) is the client's mistake, not ours.
            Error::DatabaseError(_, ref info) if info.message().contains("invalid byte sequence") => {
                AppError::BadRequest("The input contains characters that are not allowed.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info) if is_connection_message(info.message()) => {
                AppError::Unavailable
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

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
        AppError::Internal(e.to_string())
    }
}

impl From<handlebars::RenderError> for AppError {
    fn from(e: handlebars::RenderError) -> Self {
        AppError::Internal(format!("template: {e}"))
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
        if let AppError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error (api)");
        }
        let mut resp = HttpResponse::build(self.status_code());
        if matches!(self.0, AppError::Unauthorized) {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.json(serde_json::json!({ "error": self.0.message() }))
    }
}
