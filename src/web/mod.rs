//! Request plumbing shared by the routes: who is asking, CSRF, cookies, rendering, headers.

pub mod chart;
pub mod conference_page;
pub mod context;
pub mod csrf;
pub mod csv_stream;
pub mod form;
pub mod metrics;
pub mod overlay;
pub mod page_cache;
pub mod pager;
pub mod receipt_pdf;
pub mod render;
pub mod schedule_export;
pub mod score_chart;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};

pub const SESSION_COOKIE: &str = "plumbline_session";
pub const CSRF_COOKIE: &str = "plumbline_csrf";
pub const FLASH_COOKIE: &str = "plumbline_flash";

/// Every cookie of ours: HttpOnly, SameSite=Lax, Secure when served over https.
pub fn cookie(name: &'static str, value: String, secure: bool, max_age_days: Option<i64>) -> Cookie<'static> {
    let mut c = Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish();
    if let Some(days) = max_age_days {
        c.set_max_age(CookieDuration::days(days));
    }
    c
}

pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut c = cookie(name, String::new(), secure, None);
    c.make_removal();
    c
}

/// A redirect target from `?next=`: only a local path, never another site
/// (`//evil.example` and `/\evil.example` are refused too).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_local() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("/c/lpc?x=1")), "/c/lpc?x=1");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/a\r\nb", ""] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

/// A request path as it may be logged: the secret parts of invitation links and
/// personal calendar feeds are replaced (whoever reads the log must not be able
/// to answer an invitation or read someone's schedule).
pub fn redact_path(path: &str) -> std::borrow::Cow<'_, str> {
    const SECRET_AFTER: [&str; 2] = ["/invitations/", "/committee/"];
    for prefix in SECRET_AFTER {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
            return format!("{prefix}[redacted]{tail}").into();
        }
    }
    // /c/{slug}/my-schedule/{user}/{key}
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() >= 6 && parts[1] == "c" && parts[3] == "my-schedule" {
        let mut kept = parts[..5].to_vec();
        kept.push("[redacted]");
        return kept.join("/").into();
    }
    path.into()
}

#[cfg(test)]
mod redact_tests {
    use super::redact_path;

    #[test]
    fn secrets_in_paths_are_redacted() {
        assert_eq!(redact_path("/invitations/abcDEF123"), "/invitations/[redacted]");
        assert_eq!(redact_path("/committee/abcDEF123"), "/committee/[redacted]");
        assert_eq!(redact_path("/c/lpc/my-schedule/u-1/k3y.ics"), "/c/lpc/my-schedule/u-1/[redacted]");
        assert_eq!(redact_path("/c/lpc/schedule"), "/c/lpc/schedule");
    }
}
