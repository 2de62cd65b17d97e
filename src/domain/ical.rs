//! iCalendar (RFC 5545) output, pure: CRLF line endings, lines folded at 75
//! octets (never inside a UTF-8 character), TEXT values escaped, times in UTC.

use chrono::{DateTime, Utc};

pub struct Event<'a> {
    /// Stable per booking, so calendar clients update rather than duplicate.
    pub uid: String,
    pub stamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: Option<String>,
    /// Raised when the event moves, so clients take the newer copy.
    pub sequence: i32,
    /// The event no longer takes place (a session taken out of the schedule).
    pub cancelled: bool,
}

/// Escapes a TEXT value (one implementation, shared with the schedule exports).
pub fn escape(v: &str) -> String {
    super::schedule_export::ical_escape(v)
}

/// One content line, folded at 75 octets and ended with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = super::schedule_export::fold_line(line);
    out.push_str("\r\n");
    out
}

pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole calendar with its events.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Plumbline//Room bookings//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{}", utc(e.stamp)));
        if e.sequence > 0 {
            line(format!("SEQUENCE:{}", e.sequence));
        }
        line(format!("LAST-MODIFIED:{}", utc(e.stamp)));
        line(format!("DTSTART:{}", utc(e.start)));
        line(format!("DTEND:{}", utc(e.end)));
        line(format!("SUMMARY:{}", escape(e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(e.description)));
        }
        if !e.location.is_empty() {
            line(format!("LOCATION:{}", escape(e.location)));
        }
        if let Some(u) = &e.url {
            line(format!("URL:{u}"));
        }
        line(if e.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" }.into());
        line("TRANSP:OPAQUE".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn calendar_has_crlf_and_events() {
        let t = DateTime::parse_from_rfc3339("2027-11-18T09:00:00Z").unwrap().with_timezone(&Utc);
        let e = Event {
            uid: "abc@plumbline".into(),
            stamp: t,
            start: t,
            end: t + chrono::Duration::minutes(30),
            summary: "BoF, with; things",
            description: "",
            location: "Room 1.61",
            url: None,
            sequence: 0,
            cancelled: false,
        };
        let c = calendar("Rooms", &[e]);
        assert!(c.contains("DTSTART:20271118T090000Z\r\nDTEND:20271118T093000Z\r\n"));
        assert!(c.contains("SUMMARY:BoF\\, with\\; things\r\n"));
        assert!(!c.replace("\r\n", "").contains('\n'));
    }
}
