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
