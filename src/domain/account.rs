//! Accounts: email addresses and passwords as the app accepts them.

use super::FieldError;
use std::fmt;

/// A syntactically plausible, lower-cased email address. Whether it is real is
/// proven by the verification mail, not by a regex.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let v = raw.trim().to_lowercase();
        let err = |m: &str| Err(FieldError::new("email", m.to_string()));
        if v.is_empty() {
            return err("is required");
        }
        if v.len() > 254 {
            return err("is too long");
        }
        if v.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(c, '<' | '>' | '"' | ',' | ';' | '\\' | '(' | ')' | '[' | ']')
        }) {
            return err("contains characters an email address cannot have");
        }
        let Some((local, domain)) = v.rsplit_once('@') else {
            return err("needs an @, like ada@example.org");
        };
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return err("is not a valid address");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        {
            return err("needs a domain like example.org");
        }
        Ok(Email(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// A new password that meets the length rule. Length beats composition rules (NIST 800-63B).
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(field: &'static str, raw: &str) -> Result<NewPassword, FieldError> {
        let n = raw.chars().count();
        if n < PASSWORD_MIN {
            return Err(FieldError::new(field, format!("needs at least {PASSWORD_MIN} characters")));
        }
        if n > PASSWORD_MAX {
            return Err(FieldError::new(field, format!("can have at most {PASSWORD_MAX} characters")));
        }
        if raw.contains('\0') {
            return Err(FieldError::new(field, "must not contain NUL characters"));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_words_round_trip() {
        crate::domain::words::tests::round_trip(ApiScope::ALL);
        crate::domain::words::tests::round_trip(TokenPurpose::ALL);
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Ada@Example.ORG ").unwrap().as_str(), "ada@example.org");
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@exa mple.org",
            "ada@-x.org",
            "a\r\n@x.org",
            "<a>@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("password", "short").is_err());
        assert!(NewPassword::parse("password", "long enough pass").is_ok());
        assert!(NewPassword::parse("password", &"x".repeat(300)).is_err());
        assert_eq!(format!("{:?}", NewPassword::parse("p", "secret-secret").unwrap()), "NewPassword(***)");
    }
}

stored_words! {
    /// What a mailed single-use token is for, as stored in `user_tokens.purpose`.
    pub enum TokenPurpose {
        VerifyEmail = "verify_email",
        ResetPassword = "reset_password",
    }
}

stored_words! {
    /// What an API token may do: read only, or read and write (`api_tokens.scope`).
    pub enum ApiScope {
        Read = "read",
        ReadWrite = "read-write",
    }
}

impl ApiScope {
    pub fn parse(raw: &str) -> Result<ApiScope, FieldError> {
        match raw.trim() {
            "" => Ok(ApiScope::ReadWrite),
            word => word.parse().map_err(|_| FieldError::new("scope", "must be read or read-write")),
        }
    }

    /// Whether a request with this HTTP method is within the scope: a read-only
    /// token may only look (GET, HEAD).
    pub fn allows_method(self, method: &str) -> bool {
        self == ApiScope::ReadWrite || matches!(method, "GET" | "HEAD")
    }
}

/// The longest an API token may live when it has an expiry.
pub const TOKEN_MAX_DAYS: i64 = 366;

/// How long a new API token lives: `None` for no expiry. Accepts a number of
/// days (`30`), or a number with a unit: `90m`, `12h`, `30d`, `8w`.
pub fn parse_token_lifetime(raw: &str) -> Result<Option<chrono::Duration>, FieldError> {
    let v = raw.trim().to_lowercase();
    if v.is_empty() || v == "never" {
        return Ok(None);
    }
    let err = || FieldError::new("expires_in", format!("must be like 30d, 12h or 90m (at most {TOKEN_MAX_DAYS} days)"));
    let (digits, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v.as_str(), "d"),
    };
    let n: i64 = digits.parse().map_err(|_| err())?;
    let d = match unit {
        "m" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        "w" => chrono::Duration::weeks(n.min(TOKEN_MAX_DAYS)),
        _ => return Err(err()),
    };
    if n <= 0 || d > chrono::Duration::days(TOKEN_MAX_DAYS) {
        return Err(err());
    }
    Ok(Some(d))
}

#[cfg(test)]
mod token_tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(parse_token_lifetime("").unwrap(), None);
        assert_eq!(parse_token_lifetime("30").unwrap(), Some(chrono::Duration::days(30)));
        assert_eq!(parse_token_lifetime("12h").unwrap(), Some(chrono::Duration::hours(12)));
        assert_eq!(parse_token_lifetime("90m").unwrap(), Some(chrono::Duration::minutes(90)));
        assert_eq!(parse_token_lifetime("2w").unwrap(), Some(chrono::Duration::weeks(2)));
        for bad in ["0", "-1d", "x", "3y", "400d", "99999999999999999999"] {
            assert!(parse_token_lifetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes() {
        assert!(ApiScope::Read.allows_method("GET"));
        assert!(!ApiScope::Read.allows_method("POST"));
        assert!(!ApiScope::Read.allows_method("DELETE"));
        assert!(ApiScope::ReadWrite.allows_method("DELETE"));
        assert_eq!(ApiScope::parse("read").unwrap(), ApiScope::Read);
        assert!(ApiScope::parse("admin").is_err());
    }
}
