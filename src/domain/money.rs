//! Money as integer minor units plus an ISO 4217 currency code. Never floats.

use super::FieldError;
use std::fmt;

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

/// Digits after the decimal point for a currency (ISO 4217 minor unit).
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "PYG" | "UGX" | "XAF" | "XOF" | "RWF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    }
}

/// The largest amount we accept: a billion in major units of a 2-digit currency.
pub const MAX_MINOR: i64 = 100_000_000_000;

impl Money {
    pub fn new(minor: i64, currency: &str) -> Money {
        Money { minor, currency: currency.to_string() }
    }

    /// Parses an amount as organisers type it ("275", "275.5", "275.50", "1,275.00"
    /// with commas as thousands separators only) into minor units of `currency`,
    /// without going through floating point.
    pub fn parse(field: &'static str, raw: &str, currency: &str) -> Result<Money, FieldError> {
        let exp = exponent(currency) as usize;
        let v = raw.trim();
        let v = v.strip_prefix(symbol(currency).unwrap_or("\u{0}")).unwrap_or(v).trim();
        let v = v.strip_suffix(currency).unwrap_or(v).trim();
        let example = if exp == 0 {
            "use a whole number, like 275".to_string()
        } else {
            format!("use a number like 275 or 275.{}", "5".repeat(exp))
        };
        if v.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        if v.starts_with('-') {
            return Err(FieldError::new(field, "must not be negative"));
        }
        let (int_part, frac_part) = match v.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (v, None),
        };
        // Commas only as thousands separators: "1,275" yes, "275,50" no (ambiguous).
        let groups: Vec<&str> = int_part.split(',').collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        let digits: String = groups.concat();
        if !grouped_ok || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, example));
        }
        let frac = frac_part.unwrap_or("");
        if frac_part.is_some() && (frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit())) {
            return Err(FieldError::new(field, example));
        }
        if frac.len() > exp {
            return Err(FieldError::new(
                field,
                if exp == 0 {
                    format!("{currency} has no decimals; {example}")
                } else {
                    format!("has more than {exp} decimals; {example}")
                },
            ));
        }
        let too_large = || FieldError::new(field, "is too large");
        let major: i64 = digits.parse().map_err(|_| too_large())?;
        let mut frac_digits = frac.to_string();
        while frac_digits.len() < exp {
            frac_digits.push('0');
        }
        let minor_part: i64 =
            if exp == 0 { 0 } else { frac_digits.parse().map_err(|_| FieldError::new(field, example.clone()))? };
        let minor = major
            .checked_mul(10i64.pow(exp as u32))
            .and_then(|m| m.checked_add(minor_part))
            .filter(|m| *m <= MAX_MINOR)
            .ok_or_else(too_large)?;
        Ok(Money::new(minor, currency))
    }

    /// The amount without symbol or code, as in a CSV cell: "1275.00".
    pub fn plain(&self) -> String {
        let exp = exponent(&self.currency);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let div = 10u64.pow(exp);
        format!("{sign}{}.{:0width$}", abs / div, abs % div, width = exp as usize)
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    /// "$275.00", "€1,300.00", "275.00 CHF", "¥3,000".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.plain();
        let (sign, unsigned) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int_part, frac) = match unsigned.split_once('.') {
            Some((i, fr)) => (i, Some(fr)),
            None => (unsigned, None),
        };
        let mut number = group_thousands(int_part);
        if let Some(fr) = frac {
            number.push('.');
            number.push_str(fr);
        }
        match symbol(&self.currency) {
            Some(s) => write!(f, "{sign}{s}{number}"),
            None => write!(f, "{sign}{number} {}", self.currency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(Money::new(27500, "USD").to_string(), "$275.00");
        assert_eq!(Money::new(30000, "EUR").to_string(), "€300.00");
        assert_eq!(Money::new(27500, "CHF").to_string(), "275.00 CHF");
        assert_eq!(Money::new(127505, "USD").to_string(), "$1,275.05");
        assert_eq!(Money::new(3000, "JPY").to_string(), "¥3,000");
        assert_eq!(Money::new(1234, "KWD").to_string(), "1.234 KWD");
        assert_eq!(Money::new(0, "USD").to_string(), "$0.00");
        assert_eq!(Money::new(-550, "USD").to_string(), "-$5.50");
        assert_eq!(Money::new(100000000, "EUR").plain(), "1000000.00");
    }

    #[test]
    fn parses_without_floats() {
        let p = |s: &str, c: &str| Money::parse("amount", s, c).map(|m| m.minor);
        assert_eq!(p("275", "USD"), Ok(27500));
        assert_eq!(p(" 275.5 ", "USD"), Ok(27550));
        assert_eq!(p("275.50", "USD"), Ok(27550));
        assert_eq!(p("0.29", "USD"), Ok(29)); // 0.29 is not exact in binary floating point
        assert_eq!(p("1,275.00", "USD"), Ok(127500));
        assert_eq!(p("$275", "USD"), Ok(27500));
        assert_eq!(p("275 CHF", "CHF"), Ok(27500));
        assert_eq!(p("3000", "JPY"), Ok(3000));
        assert_eq!(p("1.5", "KWD"), Ok(1500));
        for bad in ["", "abc", "-5", "275,50", "2.755", "1.", ".5", "1e3", "12,34", "NaN", "27 5"] {
            assert!(p(bad, "USD").is_err(), "{bad:?} should be refused");
        }
        assert!(p("5.5", "JPY").is_err());
        assert!(p("99999999999999999999", "USD").is_err());
        assert!(p("1000000001", "USD").is_err());
    }
}
