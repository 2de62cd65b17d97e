//! A conference as organisers define it: slug, dates in its own time zone, cap, currency.

use super::{text, FieldError, Problems};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, FieldError> {
        let v = raw.trim().to_lowercase();
        let ok = (2..=63).contains(&v.len())
            && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !v.starts_with('-');
        if ok {
            Ok(Slug(v))
        } else {
            Err(FieldError::new(
                "slug",
                "use 2 to 63 lower-case letters, digits and dashes, not starting with a dash (e.g. lpc-2027)",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn parse_time_zone(raw: &str) -> Result<Tz, FieldError> {
    raw.trim().parse::<Tz>().map_err(|_| {
        FieldError::new("time_zone", "is not an IANA time zone name (e.g. Europe/Vienna, America/New_York)")
    })
}

pub fn parse_currency(raw: &str) -> Result<String, FieldError> {
    let v = raw.trim().to_uppercase();
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(FieldError::new("currency", "use a three-letter ISO 4217 code (e.g. USD, EUR)"))
    }
}

pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldError::new(field, "use a date like 2027-09-18"))
}

pub const MAX_DAYS: i64 = 60;

/// A validated conference definition, ready to store.
#[derive(Debug, Clone)]
pub struct ConferenceDraft {
    pub slug: Slug,
    pub name: String,
    pub venue: String,
    pub time_zone: Tz,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub attendance_cap: i32,
    pub currency: String,
}

/// The conference form as typed; every field a string so it can be shown back unchanged.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ConferenceInput {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub attendance_cap: String,
    #[serde(default)]
    pub currency: String,
}

impl ConferenceInput {
    pub fn parse(&self) -> Result<ConferenceDraft, Problems> {
        let mut p = Problems::default();
        let slug = p.check(Slug::parse(&self.slug));
        let name = p.check(text::single_line("name", &self.name, 1, 200));
        let venue = p.check(text::single_line("venue", &self.venue, 0, 300));
        let time_zone = p.check(parse_time_zone(&self.time_zone));
        let starts_on = p.check(parse_date("starts_on", &self.starts_on));
        let ends_on = p.check(parse_date("ends_on", &self.ends_on));
        let cap = match self.attendance_cap.trim().parse::<i32>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                p.add("attendance_cap", "use a whole number between 1 and 1000000");
                None
            }
        };
        let currency = p.check(parse_currency(&self.currency));
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                p.add("ends_on", "must not be before the start date");
            } else if (e - s).num_days() > MAX_DAYS {
                p.add("ends_on", format!("a conference lasts at most {MAX_DAYS} days"));
            }
        }
        match (slug, name, venue, time_zone, starts_on, ends_on, cap, currency) {
            (
                Some(slug),
                Some(name),
                Some(venue),
                Some(time_zone),
                Some(starts_on),
                Some(ends_on),
                Some(attendance_cap),
                Some(currency),
            ) if p.is_empty() => {
                Ok(ConferenceDraft { slug, name, venue, time_zone, starts_on, ends_on, attendance_cap, currency })
            }
            _ => Err(p),
        }
    }
}

/// "Tue 18 Nov – Thu 20 Nov 2027" in the conference's own calendar.
pub fn date_range_label(starts_on: NaiveDate, ends_on: NaiveDate) -> String {
    if starts_on == ends_on {
        starts_on.format("%a %-d %b %Y").to_string()
    } else {
        format!("{} – {}", starts_on.format("%a %-d %b"), ends_on.format("%a %-d %b %Y"))
    }
}

/// The UTC offset label of a zone on a date, e.g. "UTC+01:00", so people see which clock is meant.
pub fn offset_label(tz: Tz, on: NaiveDate) -> String {
    let noon = on.and_hms_opt(12, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&noon).earliest() {
        Some(dt) => {
            let secs = chrono::Offset::fix(dt.offset()).local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            format!("UTC{}{:02}:{:02}", sign, secs / 3600, (secs % 3600) / 60)
        }
        None => "UTC".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ConferenceInput {
        ConferenceInput {
            slug: "lpc-2027".into(),
            name: "Linux Plumbers Conference 2027".into(),
            venue: "Prague".into(),
            time_zone: "Europe/Prague".into(),
            starts_on: "2027-09-18".into(),
            ends_on: "2027-09-20".into(),
            attendance_cap: "300".into(),
            currency: "usd".into(),
        }
    }

    #[test]
    fn parses_a_good_conference() {
        let c = input().parse().unwrap();
        assert_eq!(c.slug.as_str(), "lpc-2027");
        assert_eq!(c.currency, "USD");
        assert_eq!(c.attendance_cap, 300);
    }

    #[test]
    fn reports_every_problem() {
        let mut i = input();
        i.slug = "-bad slug".into();
        i.time_zone = "Mars/Olympus".into();
        i.ends_on = "2027-09-01".into();
        i.attendance_cap = "-3".into();
        let p = i.parse().unwrap_err();
        let fields: Vec<_> = p.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["slug", "time_zone", "attendance_cap", "ends_on"]);
    }

    #[test]
    fn labels() {
        let d = NaiveDate::from_ymd_opt(2027, 9, 18).unwrap();
        assert_eq!(offset_label(chrono_tz::Europe::Prague, d), "UTC+02:00");
        assert_eq!(offset_label(chrono_tz::America::New_York, d), "UTC-04:00");
        assert_eq!(date_range_label(d, d.succ_opt().unwrap()), "Sat 18 Sep – Sun 19 Sep 2027");
    }
}

/// "Copy this conference" as typed: the new name, slug and first day.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct CopyInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub starts_on: String,
}

/// A checked copy: every date of the source moves by `days`.
#[derive(Debug, Clone)]
pub struct CopyDraft {
    pub name: String,
    pub slug: Slug,
    pub starts_on: NaiveDate,
}

impl CopyInput {
    pub fn parse(&self) -> Result<CopyDraft, Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 200));
        let slug = p.check(Slug::parse(&self.slug));
        let starts_on = p.check(parse_date("starts_on", &self.starts_on));
        match (name, slug, starts_on) {
            (Some(name), Some(slug), Some(starts_on)) if p.is_empty() => Ok(CopyDraft { name, slug, starts_on }),
            _ => Err(p),
        }
    }
}
