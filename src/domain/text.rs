//! Free text as people type it: trimmed, bounded, without control characters.

use super::FieldError;

/// Trims and checks a single-line text field. Control characters (including NUL,
/// CR and LF) are refused rather than silently stripped, so nothing changes meaning.
pub fn single_line(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "must not contain control characters or line breaks"));
    }
    bounded(field, v, min, max)
}

/// Trims and checks a multi-line text field: line breaks and tabs are fine, other control characters are not.
pub fn multi_line(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let v = raw.trim().replace("\r\n", "\n");
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    bounded(field, &v, min, max)
}

fn bounded(field: &'static str, v: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let n = v.chars().count();
    if n < min {
        return Err(FieldError::new(
            field,
            if min == 1 { "is required".to_string() } else { format!("needs at least {min} characters") },
        ));
    }
    if n > max {
        return Err(FieldError::new(field, format!("is too long ({n} characters, at most {max})")));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(single_line("name", "  Ada  ", 1, 10).unwrap(), "Ada");
        assert!(single_line("name", "   ", 1, 10).is_err());
        assert!(single_line("name", "abcdefghijk", 1, 10).is_err());
        assert!(single_line("name", "a\0b", 1, 10).is_err());
        assert!(single_line("name", "a\r\nb", 1, 10).is_err());
        assert_eq!(multi_line("bio", "a\r\nb", 0, 10).unwrap(), "a\nb");
        assert!(multi_line("bio", "a\u{7}b", 0, 10).is_err());
    }
}
