//! Request plumbing shared by the routes: who is asking, CSRF, cookies, rendering, headers.

pub mod chart;
pub mod context;
pub mod csrf;
pub mod page_cache;
pub mod render;

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
