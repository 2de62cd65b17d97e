//! frab XML (Giggity, ConfClerk, EventFahrplan).

use super::layout::*;
use super::names::*;
use super::*;
use crate::domain::schedule::{Event, Export};

/// XML 1.0 forbids most control characters even as character references.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for element content and attribute values alike. Tab, newline
/// and CR become character references so parsers do not normalise them away
/// (in attributes they would turn into spaces; a bare CR into a newline).
pub(super) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| is_xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Like `xml_escape`, and also keeps tabs and newlines through attribute-value normalisation.
pub(super) fn xml_attr(s: &str) -> String {
    xml_escape(s).replace('\t', "&#9;").replace('\n', "&#10;")
}

pub(super) fn leaf(x: &mut String, indent: usize, name: &str, text: &str) {
    x.push_str(&format!("{:indent$}<{name}>{}</{name}>\n", "", xml_escape(text)));
}

/// frab `schedule.xml`, valid against the c3voc schema (`tests/data/frab-schedule.xsd`).
pub fn frab_xml(e: &Export) -> String {
    let acronym = acronym(&e.conference.slug);
    let days = layout(e);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
    x.push_str(&format!("  <generator name=\"{GENERATOR}\" version=\"{GENERATOR_VERSION}\"/>\n"));
    if let Some(b) = base_url(e) {
        leaf(&mut x, 2, "url", &format!("{b}/c/{}/schedule.xml", e.conference.slug));
    }
    leaf(&mut x, 2, "version", &e.version);
    conference_xml(&mut x, e, &acronym, &days);
    for day in &days {
        day_xml(&mut x, e, &acronym, day);
    }
    x.push_str("</schedule>\n");
    x
}

pub(super) fn conference_xml(x: &mut String, e: &Export, acronym: &str, days: &[Day]) {
    let c = &e.conference;
    x.push_str("  <conference>\n");
    leaf(x, 4, "title", &c.title);
    leaf(x, 4, "acronym", acronym);
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        leaf(x, 4, "start", &first.date.to_string());
        leaf(x, 4, "end", &last.date.to_string());
    }
    leaf(x, 4, "days", &days.len().to_string());
    leaf(x, 4, "timeslot_duration", TIMESLOT);
    if let Some(b) = base_url(e) {
        leaf(x, 4, "base_url", b);
    }
    if let Some(u) = conference_url(e) {
        leaf(x, 4, "url", &u);
    }
    leaf(x, 4, "time_zone_name", c.time_zone.name());
    for t in tracks(e) {
        x.push_str(&format!("    <track name=\"{}\" slug=\"{}\" color=\"{}\"/>\n", xml_attr(&t.name), t.slug, t.color));
    }
    x.push_str("  </conference>\n");
}

pub(super) fn day_xml(x: &mut String, e: &Export, acronym: &str, day: &Day) {
    x.push_str(&format!(
        "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">\n",
        day.index,
        day.date,
        iso_local(day.start),
        iso_local(day.end)
    ));
    for room in &day.rooms {
        let guid = room.guid.map(|g| format!(" guid=\"{g}\"")).unwrap_or_default();
        x.push_str(&format!("    <room name=\"{}\"{guid}>\n", xml_attr(room.name)));
        for ev in &room.events {
            event_xml(x, e, acronym, ev);
        }
        x.push_str("    </room>\n");
    }
    x.push_str("  </day>\n");
}

pub(super) fn event_xml(x: &mut String, e: &Export, acronym: &str, ev: &Event) {
    let start = ev.starts_at.with_timezone(&e.conference.time_zone);
    x.push_str(&format!("      <event id=\"{}\" guid=\"{}\">\n", ev.id, ev.guid));
    leaf(x, 8, "room", &ev.room);
    leaf(x, 8, "title", &ev.title);
    leaf(x, 8, "subtitle", &ev.subtitle);
    leaf(x, 8, "type", &ev.kind);
    leaf(x, 8, "date", &iso_local(start));
    leaf(x, 8, "start", &start.format("%H:%M").to_string());
    leaf(x, 8, "duration", &duration_hhmm(ev));
    leaf(x, 8, "abstract", &ev.abstract_text);
    leaf(x, 8, "slug", &event_slug(acronym, ev));
    leaf(x, 8, "track", ev.track.as_deref().unwrap_or(""));
    x.push_str("        <persons>\n");
    for p in &ev.persons {
        x.push_str(&format!(
            "          <person id=\"{}\" guid=\"{}\">{}</person>\n",
            p.id,
            p.guid,
            xml_escape(&p.name)
        ));
    }
    x.push_str("        </persons>\n");
    leaf(x, 8, "language", LANGUAGE);
    if let Some(u) = absolute_url(&e.conference.base_url, &ev.url) {
        leaf(x, 8, "url", &u);
    }
    x.push_str("      </event>\n");
}
