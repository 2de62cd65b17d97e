//! Instants as people type and read them: in the conference's own time zone, saying which.

use super::FieldError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Parses a wall-clock time typed in `tz` ("2027-09-18T17:00" as a
/// `datetime-local` input sends it, "2027-09-18 17:00", or a date for midnight).
/// A time skipped or repeated by a daylight-saving change is refused with a
/// message saying so, rather than guessed. (One implementation, in `fees`.)
pub fn parse_local(field: &'static str, raw: &str, tz: Tz) -> Result<DateTime<Utc>, FieldError> {
    super::fees::parse_local(field, raw, tz)
}

/// The value for a `datetime-local` input.
pub fn input_value(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// "Tue 18 Aug 2027, 17:00 CEST" — the zone's abbreviation always shown.
pub fn display(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %-d %b %Y, %H:%M %Z").to_string()
}

/// "Wed 18 Sep 2030, 13:30–14:15 (Europe/Vienna)": a session's time as mail tells it.
pub fn span_with_zone(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{}–{} ({})",
        start.with_timezone(&tz).format("%a %-d %b %Y, %H:%M"),
        end.with_timezone(&tz).format("%H:%M"),
        tz.name()
    )
}

/// The first instant of a local day (where midnight is skipped by a
/// daylight-saving change, the first instant after it).
pub fn local_midnight(day: chrono::NaiveDate, tz: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let mut t = day.and_time(chrono::NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(x) = tz.from_local_datetime(&t).earliest() {
            return x.with_timezone(&Utc);
        }
        t += chrono::Duration::minutes(30);
    }
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

/// "3 days 4 hours", "2 hours 5 minutes", "45 minutes", "less than a minute".
pub fn remaining(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let secs = (to - from).num_seconds();
    if secs < 60 {
        return "less than a minute".into();
    }
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    let unit = |n: i64, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    match (d, h) {
        (0, 0) => unit(m, "minute"),
        (0, _) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
        _ => format!("{} {}", unit(d, "day"), unit(h, "hour")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Vienna;

    #[test]
    fn parses_in_the_conference_zone() {
        let t = parse_local("closes_at", "2027-09-18T17:00", Vienna).unwrap();
        assert_eq!(t.to_rfc3339(), "2027-09-18T15:00:00+00:00");
        assert_eq!(input_value(t, Vienna), "2027-09-18T17:00");
        assert_eq!(display(t, Vienna), "Sat 18 Sep 2027, 17:00 CEST");
        let day = chrono::NaiveDate::from_ymd_opt(2027, 9, 18).unwrap();
        assert_eq!(local_midnight(day, Vienna).to_rfc3339(), "2027-09-17T22:00:00+00:00");
        // Santiago skips midnight when summer time starts: the day begins at 01:00.
        let skipped = chrono::NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(local_midnight(skipped, chrono_tz::America::Santiago).to_rfc3339(), "2026-09-06T04:00:00+00:00");
        let winter = parse_local("x", "2027-01-10 09:30", Vienna).unwrap();
        assert_eq!(winter.to_rfc3339(), "2027-01-10T08:30:00+00:00");
    }

    #[test]
    fn refuses_skipped_and_repeated_times() {
        // 2027-03-28 02:30 does not exist in Vienna; 2027-10-31 02:30 happens twice.
        assert!(parse_local("x", "2027-03-28T02:30", Vienna).unwrap_err().message.contains("does not exist"));
        assert!(parse_local("x", "2027-10-31T02:30", Vienna).unwrap_err().message.contains("twice"));
        assert!(parse_local("x", "18/09/2027", Vienna).is_err());
        assert!(parse_local("x", "2027-02-30T10:00", Vienna).is_err());
    }

    #[test]
    fn remaining_reads_well() {
        let t0 = Utc::now();
        assert_eq!(remaining(t0, t0 + chrono::Duration::seconds(30)), "less than a minute");
        assert_eq!(remaining(t0, t0 + chrono::Duration::minutes(45)), "45 minutes");
        assert_eq!(remaining(t0, t0 + chrono::Duration::minutes(61)), "1 hour 1 minute");
        assert_eq!(remaining(t0, t0 + chrono::Duration::hours(76)), "3 days 4 hours");
    }
}
