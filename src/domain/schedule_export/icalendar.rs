//! iCalendar (RFC 5545), with the VTIMEZONE of the conference's zone.

use super::layout::*;
use super::*;
use crate::domain::schedule::{Event, Export};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, SubsecRound, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line
/// breaks; other control characters are not allowed in TEXT and are dropped.
pub fn ical_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_ascii_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line (without its CRLF) to at most 75 octets per physical
/// line (RFC 5545 3.1). Continuation lines start with a space, which counts
/// towards the 75, and a UTF-8 character is never split.
pub fn fold_line(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 24);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out
}

/// The whole published schedule as one calendar, times in the conference's zone.
pub fn icalendar(e: &Export, calendar_name: &str) -> String {
    let tz = e.conference.time_zone;
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        format!("PRODID:-//Plumbline//Plumbline {GENERATOR_VERSION}//EN"),
        "CALSCALE:GREGORIAN".into(),
        format!("X-WR-CALNAME:{}", ical_escape(calendar_name)),
        format!("X-WR-TIMEZONE:{}", tz.name()),
    ];
    let (from, to) = covered_span(e);
    lines.extend(vtimezone(tz, from, to));
    for ev in &e.events {
        lines.extend(vevent(e, ev));
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold_line(l) + "\r\n").collect()
}

/// Whole calendar years around the schedule, in UTC, with a day's margin so
/// that a session near New Year in a far-off zone is still covered.
pub(super) fn covered_span(e: &Export) -> (DateTime<Utc>, DateTime<Utc>) {
    let (first, last) = date_span(e);
    let last = e.events.iter().map(|ev| local_date(ev.ends_at, e.conference.time_zone)).fold(last, NaiveDate::max);
    let year_start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .map_or(DateTime::<Utc>::MIN_UTC, |d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    };
    (year_start(first.year()) - Duration::days(1), year_start(last.year() + 1) + Duration::days(1))
}

/// A change of a zone's UTC offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Transition {
    pub(super) at: DateTime<Utc>,
    pub(super) from: i32,
    pub(super) to: i32,
}

pub(super) fn utc_offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
}

/// Every offset change in [from, to). chrono-tz has no transition API, so the
/// offset is sampled hourly and each change narrowed to the second by bisection
/// (some zones change on the half hour, e.g. Australia/Lord_Howe).
pub(super) fn offset_transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    let (mut t, mut offset) = (from, utc_offset(tz, from));
    while t < to {
        let next = (t + Duration::hours(1)).min(to);
        let next_offset = utc_offset(tz, next);
        if next_offset != offset {
            out.push(Transition { at: first_instant_with(tz, t, next, next_offset), from: offset, to: next_offset });
            offset = next_offset;
        }
        t = next;
    }
    out
}

/// The first second in (lo, hi] at which the zone has `offset`, given it has it at `hi` and not at `lo`.
pub(super) fn first_instant_with(tz: Tz, mut lo: DateTime<Utc>, mut hi: DateTime<Utc>, offset: i32) -> DateTime<Utc> {
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if utc_offset(tz, mid) == offset {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// "+0100", or "+053328" for the odd historical offset with seconds.
pub(super) fn ical_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// VTIMEZONE for the span: one observance for the offset in force at its start
/// (the only one for zones without DST), then one per transition in it.
pub(super) fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let initial = utc_offset(tz, from);
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    lines.extend(observance(tz, &Transition { at: from, from: initial, to: initial }));
    for t in offset_transitions(tz, from, to) {
        lines.extend(observance(tz, &t));
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

pub(super) fn observance(tz: Tz, t: &Transition) -> Vec<String> {
    let offset = tz.offset_from_utc_datetime(&t.at.naive_utc());
    let kind = if offset.dst_offset().is_zero() { "STANDARD" } else { "DAYLIGHT" };
    // DTSTART is the onset in the local time in force before it (RFC 5545 3.6.5).
    let onset = t.at.naive_utc() + Duration::seconds(i64::from(t.from));
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", onset.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", ical_offset(t.from)),
        format!("TZOFFSETTO:{}", ical_offset(t.to)),
    ];
    if let Some(name) = offset.abbreviation() {
        lines.push(format!("TZNAME:{}", ical_escape(name)));
    }
    lines.push(format!("END:{kind}"));
    lines
}

/// DTSTART/DTEND in the conference's wall-clock time. A wall-clock time that
/// happens twice (clocks going back) means its first occurrence in iCalendar
/// (RFC 5545 3.3.5), so a time in the second occurrence is written in UTC.
pub(super) fn ical_time(property: &str, t: DateTime<Utc>, tz: Tz) -> String {
    let t = t.trunc_subsecs(0);
    let local = t.with_timezone(&tz).naive_local();
    match tz.from_local_datetime(&local).earliest() {
        Some(first) if first == t => format!("{property};TZID={}:{}", tz.name(), local.format("%Y%m%dT%H%M%S")),
        _ => format!("{property}:{}", t.format("%Y%m%dT%H%M%SZ")),
    }
}

pub(super) fn description(ev: &Event) -> String {
    let people = ev.persons.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
    let people = if people.is_empty() { people } else { format!("With: {people}") };
    [ev.subtitle.trim(), ev.abstract_text.trim(), &people]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn vevent(e: &Export, ev: &Event) -> Vec<String> {
    let tz = e.conference.time_zone;
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@plumbline", ev.guid),
        format!("DTSTAMP:{}", e.published_at.format("%Y%m%dT%H%M%SZ")),
        ical_time("DTSTART", ev.starts_at, tz),
    ];
    // DTEND must be later than DTSTART; without it the event is an instant.
    if ev.ends_at > ev.starts_at {
        lines.push(ical_time("DTEND", ev.ends_at, tz));
    }
    lines.push(format!("SEQUENCE:{}", ev.sequence.max(0)));
    lines.push(format!("SUMMARY:{}", ical_escape(&ev.title)));
    let text = description(ev);
    if !text.is_empty() {
        lines.push(format!("DESCRIPTION:{}", ical_escape(&text)));
    }
    lines.push(format!("LOCATION:{}", ical_escape(&ev.room)));
    if let Some(u) = absolute_url(&e.conference.base_url, &ev.url) {
        lines.push(format!("URL:{u}"));
    }
    if let Some(track) = ev.track.as_deref().filter(|t| !t.is_empty()) {
        lines.push(format!("CATEGORIES:{}", ical_escape(track)));
    }
    lines.push("END:VEVENT".into());
    lines
}
