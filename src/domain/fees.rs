//! Date-based fee tiers: which price is in force at an instant, what comes next,
//! and the local times organisers type (in the conference's IANA zone, DST included).

use super::money::Money;
use super::{text, FieldError, Problems};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// A price valid over the half-open interval `[from, until)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub id: i64,
    pub label: String,
    pub amount: Money,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Tier {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
}

/// The tier in force at `at` (tiers of one ticket type never overlap).
pub fn tier_at(tiers: &[Tier], at: DateTime<Utc>) -> Option<&Tier> {
    tiers.iter().find(|t| t.contains(at))
}

/// The first tier that starts after `at`.
pub fn next_tier(tiers: &[Tier], at: DateTime<Utc>) -> Option<&Tier> {
    tiers.iter().filter(|t| t.from > at).min_by_key(|t| t.from)
}

/// The tier a new `[from, until)` would overlap, ignoring tier `except` (the one
/// being edited). Mirrors the `fee_tiers_no_overlap` constraint in the database.
pub fn overlapping(tiers: &[Tier], from: DateTime<Utc>, until: DateTime<Utc>, except: Option<i64>) -> Option<&Tier> {
    tiers.iter().filter(|t| Some(t.id) != except).find(|t| from < t.until && t.from < until)
}

/// "UTC+02:00": the offset of `tz` at an instant.
pub fn offset_at(at: DateTime<Utc>, tz: Tz) -> String {
    let secs = at.with_timezone(&tz).offset().fix().local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("UTC{}{:02}:{:02}", sign, secs / 3600, (secs % 3600) / 60)
}

/// "18 Aug 2027, 00:00 Europe/Vienna (UTC+02:00)": an instant as people of the conference read it.
pub fn format_local(at: DateTime<Utc>, tz: Tz) -> String {
    format!("{} {} ({})", at.with_timezone(&tz).format("%-d %b %Y, %H:%M"), tz.name(), offset_at(at, tz))
}

/// "2027-08-18T00:00": the value of a `datetime-local` input for an instant.
pub fn format_input(at: DateTime<Utc>, tz: Tz) -> String {
    super::time::input_value(at, tz)
}

/// A local date and time typed in the conference zone ("2027-08-18 00:00",
/// "2027-08-18T00:00" or just "2027-08-18" for midnight). A time the clocks skip
/// or pass twice on a daylight-saving change is refused with a clear message.
pub fn parse_local(field: &'static str, raw: &str, tz: Tz) -> Result<DateTime<Utc>, FieldError> {
    let v = raw.trim();
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .or_else(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
        .ok_or_else(|| {
            FieldError::new(field, format!("use a date and time like 2027-08-18 00:00 ({} time)", tz.name()))
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        LocalResult::None => Err(FieldError::new(
            field,
            format!(
                "{} does not exist in {}: the clocks jump forward then (daylight saving time). Pick a time outside the skipped hour.",
                naive.format("%-d %b %Y, %H:%M"),
                tz.name()
            ),
        )),
        LocalResult::Ambiguous(a, b) => Err(FieldError::new(
            field,
            format!(
                "{} happens twice in {} (clocks go back, at {} and at {}). Pick a time outside that hour.",
                naive.format("%-d %b %Y, %H:%M"),
                tz.name(),
                offset_at(a.with_timezone(&Utc), tz),
                offset_at(b.with_timezone(&Utc), tz)
            ),
        )),
    }
}

/// "$275.00 until 18 Aug 2027, 00:00 Europe/Vienna (UTC+02:00), then $300.00".
pub fn price_summary(tiers: &[Tier], at: DateTime<Utc>, tz: Tz) -> Option<String> {
    let current = tier_at(tiers, at);
    let next = next_tier(tiers, at);
    match (current, next) {
        (Some(c), Some(n)) if n.from == c.until => {
            Some(format!("{} until {}, then {}", c.amount, format_local(c.until, tz), n.amount))
        }
        (Some(c), Some(n)) => Some(format!(
            "{} until {}; {} from {}",
            c.amount,
            format_local(c.until, tz),
            n.amount,
            format_local(n.from, tz)
        )),
        (Some(c), None) => Some(format!("{} until {}", c.amount, format_local(c.until, tz))),
        (None, Some(n)) => Some(format!("{} from {}", n.amount, format_local(n.from, tz))),
        (None, None) => None,
    }
}

/// The tier form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct TierInput {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
}

#[derive(Debug, Clone)]
pub struct TierDraft {
    pub label: String,
    pub amount: Money,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl TierInput {
    pub fn parse(&self, tz: Tz, currency: &str) -> Result<TierDraft, Problems> {
        let mut p = Problems::default();
        let label = p.check(text::single_line("label", &self.label, 1, 100));
        let amount = p.check(Money::parse("amount", &self.amount, currency));
        let from = p.check(parse_local("valid_from", &self.valid_from, tz));
        let until = p.check(parse_local("valid_until", &self.valid_until, tz));
        if let (Some(f), Some(u)) = (from, until) {
            if u <= f {
                p.add("valid_until", "must be after the start");
            }
        }
        match (label, amount, from, until) {
            (Some(label), Some(amount), Some(from), Some(until)) if p.is_empty() => {
                Ok(TierDraft { label, amount, from, until })
            }
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Vienna;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> DateTime<Utc> {
        parse_local("x", s, Vienna).unwrap()
    }

    /// Early bird until 31 Oct 2027 12:00 Vienna time, the day the clocks go back
    /// (03:00 CEST -> 02:00 CET), then regular until 1 Dec.
    fn tiers() -> Vec<Tier> {
        vec![
            Tier {
                id: 1,
                label: "Early bird".into(),
                amount: Money::new(27500, "USD"),
                from: local("2027-06-01 00:00"),
                until: local("2027-10-31 12:00"),
            },
            Tier {
                id: 2,
                label: "Regular".into(),
                amount: Money::new(30000, "USD"),
                from: local("2027-10-31 12:00"),
                until: local("2027-12-01 00:00"),
            },
        ]
    }

    #[test]
    fn local_times_follow_daylight_saving() {
        assert_eq!(local("2027-08-18 00:00"), at("2027-08-17T22:00:00Z"));
        assert_eq!(local("2027-08-18"), at("2027-08-17T22:00:00Z"));
        assert_eq!(local("2027-10-31T12:00"), at("2027-10-31T11:00:00Z"));
        assert_eq!(local("2027-12-01 00:00"), at("2027-11-30T23:00:00Z"));
    }

    #[test]
    fn boundary_seconds_across_a_dst_change() {
        let t = tiers();
        // The last second of the early bird, in Vienna: 11:59:59 CET = 10:59:59 UTC.
        assert_eq!(tier_at(&t, at("2027-10-31T10:59:59Z")).unwrap().id, 1);
        // The first second of regular: 12:00:00 CET = 11:00:00 UTC.
        assert_eq!(tier_at(&t, at("2027-10-31T11:00:00Z")).unwrap().id, 2);
        // With the summer offset (+02:00) one would switch an hour early: not so.
        assert_eq!(tier_at(&t, at("2027-10-31T10:30:00Z")).unwrap().id, 1);
        assert!(tier_at(&t, at("2027-05-31T21:59:59Z")).is_none());
        assert_eq!(tier_at(&t, at("2027-05-31T22:00:00Z")).unwrap().id, 1);
        assert!(tier_at(&t, at("2027-11-30T23:00:00Z")).is_none());
    }

    #[test]
    fn skipped_and_repeated_local_times_are_refused() {
        // 28 Mar 2027: 02:00 -> 03:00 in Vienna.
        let e = parse_local("valid_from", "2027-03-28 02:30", Vienna).unwrap_err();
        assert_eq!(e.field, "valid_from");
        assert!(e.message.contains("does not exist"), "{}", e.message);
        // 31 Oct 2027: 02:30 happens twice.
        let e = parse_local("valid_from", "2027-10-31 02:30", Vienna).unwrap_err();
        assert!(e.message.contains("happens twice"), "{}", e.message);
        assert!(parse_local("valid_from", "2027-02-30", Vienna).is_err());
        assert!(parse_local("valid_from", "soon", Vienna).is_err());
    }

    #[test]
    fn summary_names_the_next_price() {
        let t = tiers();
        assert_eq!(
            price_summary(&t, at("2027-08-01T00:00:00Z"), Vienna).unwrap(),
            "$275.00 until 31 Oct 2027, 12:00 Europe/Vienna (UTC+01:00), then $300.00"
        );
        assert_eq!(
            price_summary(&t, at("2027-11-01T00:00:00Z"), Vienna).unwrap(),
            "$300.00 until 1 Dec 2027, 00:00 Europe/Vienna (UTC+01:00)"
        );
        assert_eq!(
            price_summary(&t, at("2027-01-01T00:00:00Z"), Vienna).unwrap(),
            "$275.00 from 1 Jun 2027, 00:00 Europe/Vienna (UTC+02:00)"
        );
        assert!(price_summary(&t, at("2028-01-01T00:00:00Z"), Vienna).is_none());
    }

    #[test]
    fn overlap_check_mirrors_the_constraint() {
        let t = tiers();
        // Back to back is fine (half-open ranges).
        assert!(overlapping(&t, local("2027-12-01 00:00"), local("2028-01-01"), None).is_none());
        assert_eq!(overlapping(&t, local("2027-11-30 00:00"), local("2028-01-01"), None).unwrap().id, 2);
        // Editing a tier does not overlap itself.
        assert!(overlapping(&t, local("2027-06-01"), local("2027-10-31 12:00"), Some(1)).is_none());
    }

    #[test]
    fn tier_form() {
        let input = TierInput {
            label: "Early bird".into(),
            amount: "275".into(),
            valid_from: "2027-06-01T00:00".into(),
            valid_until: "2027-05-01T00:00".into(),
        };
        let p = input.parse(Vienna, "USD").unwrap_err();
        assert_eq!(p.0[0].field, "valid_until");
        let ok = TierInput { valid_until: "2027-08-18T00:00".into(), ..input }.parse(Vienna, "USD").unwrap();
        assert_eq!(ok.amount.minor, 27500);
        assert_eq!(format_input(ok.until, Vienna), "2027-08-18T00:00");
        assert_eq!(format_local(ok.until, Vienna), "18 Aug 2027, 00:00 Europe/Vienna (UTC+02:00)");
    }
}
