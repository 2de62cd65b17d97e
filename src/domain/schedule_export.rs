//! The published schedule as the files schedule apps and calendars read: frab
//! XML (Giggity, ConfClerk, EventFahrplan), frab-compatible JSON, and
//! iCalendar (RFC 5545). Pure functions of an `Export`: no clock, no I/O, so
//! one published version always exports the same bytes.
//!
//! All three formats share one layout: a conference day is a local date in the
//! conference's time zone, and a session belongs to the day on which it starts
//! there (a session crossing midnight stays on its first day).

use super::schedule::{Event, Export};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, SubsecRound, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use serde::Serialize;

const GENERATOR: &str = "plumbline";
const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");
const JSON_SCHEMA_ID: &str = "https://c3voc.de/schedule/schema.json";
/// The grid schedule apps snap to; the editor places sessions on 5-minute steps.
const TIMESLOT: &str = "00:05";
const LANGUAGE: &str = "en";
/// Long titles make unwieldy slugs (they end up in file names of recordings).
const MAX_TITLE_SLUG: usize = 60;
/// The XSD allows at most two digits of hours in a duration.
const MAX_DURATION_MINUTES: i64 = 99 * 60 + 59;

// ---------------------------------------------------------------------------
// Shared layout
// ---------------------------------------------------------------------------

/// One conference day: its local date, its bounds, and per room the sessions starting on it.
struct Day<'a> {
    index: usize,
    date: NaiveDate,
    start: DateTime<Tz>,
    end: DateTime<Tz>,
    rooms: Vec<DayRoom<'a>>,
}

struct DayRoom<'a> {
    name: &'a str,
    guid: Option<uuid::Uuid>,
    events: Vec<&'a Event>,
}

struct Track {
    name: String,
    slug: String,
    color: &'static str,
}

fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The dates the export covers: the conference's dates, widened if a session
/// lies outside them, because an export must never silently drop a session.
fn date_span(e: &Export) -> (NaiveDate, NaiveDate) {
    let tz = e.conference.time_zone;
    let dates = e.events.iter().map(|ev| local_date(ev.starts_at, tz));
    let first = dates.clone().fold(e.conference.starts_on, NaiveDate::min);
    let last = dates.fold(e.conference.ends_on, NaiveDate::max);
    (first, last.max(first))
}

/// Local midnight, or the first whole hour that exists where a daylight-saving
/// change skips midnight (e.g. America/Havana).
fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Tz> {
    (0..24)
        .find_map(|h| tz.from_local_datetime(&date.and_hms_opt(h, 0, 0)?).earliest())
        .unwrap_or_else(|| tz.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN)))
}

/// Rooms in display order, then any room a session names that the room list lacks (without a GUID).
fn room_order(e: &Export) -> Vec<(&str, Option<uuid::Uuid>)> {
    let mut rooms: Vec<(&str, Option<uuid::Uuid>)> = e.rooms.iter().map(|r| (r.name.as_str(), Some(r.guid))).collect();
    for ev in &e.events {
        if !rooms.iter().any(|(name, _)| *name == ev.room) {
            rooms.push((ev.room.as_str(), None));
        }
    }
    rooms
}

fn layout(e: &Export) -> Vec<Day<'_>> {
    let tz = e.conference.time_zone;
    let (first, last) = date_span(e);
    let rooms = room_order(e);
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .enumerate()
        .map(|(i, date)| {
            let todays: Vec<&Event> = e.events.iter().filter(|ev| local_date(ev.starts_at, tz) == date).collect();
            let start = start_of_day(date, tz);
            let next = date.succ_opt().map_or(start + Duration::days(1), |d| start_of_day(d, tz));
            // A late session running past midnight keeps the day open until it ends.
            let end = todays.iter().map(|ev| ev.ends_at.with_timezone(&tz)).fold(next, DateTime::max);
            let rooms = rooms
                .iter()
                .map(|&(name, guid)| {
                    let mut events: Vec<&Event> = todays.iter().copied().filter(|ev| ev.room == name).collect();
                    events.sort_by_key(|ev| (ev.starts_at, ev.id));
                    DayRoom { name, guid, events }
                })
                .collect();
            Day { index: i + 1, date, start, end, rooms }
        })
        .collect()
}

fn tracks(e: &Export) -> Vec<Track> {
    let mut out: Vec<Track> = Vec::with_capacity(e.tracks.len());
    for name in &e.tracks {
        let base = track_slug(name);
        // Keep slugs unique: apps use them as keys for colours and filters.
        let mut slug = base.clone();
        let mut n = 2;
        while out.iter().any(|t| t.slug == slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        out.push(Track { name: name.clone(), slug, color: track_color(name) });
    }
    out
}

/// A colour that stays with the track's name across versions (FNV-1a of the name into a palette).
fn track_color(name: &str) -> &'static str {
    const PALETTE: [&str; 12] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#3d5a80", "#a52a2a",
    ];
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    PALETTE[(hash % PALETTE.len() as u64) as usize]
}

// ---------------------------------------------------------------------------
// Names: acronym, slugs
// ---------------------------------------------------------------------------

/// The conference acronym from its URL slug, fitting both schemas: the XSD wants
/// `[a-z0-9_-]{4,}`, the JSON schema `[a-z0-9_-][a-z0-9_]{3,}` (no hyphen after
/// the first character) and the event slugs need a hyphen-free first part, so
/// every other character becomes `_`, padded to four.
fn acronym(conference_slug: &str) -> String {
    let mut a: String = conference_slug
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' })
        .collect();
    while a.len() < 4 {
        a.push('_');
    }
    a
}

/// Common Latin letters with diacritics and ligatures, so "Jiří" slugs as "jiri", not "ji".
const FOLDS: &[(&str, &str)] = &[
    ("àáâãäåāăąǎ", "a"),
    ("çćĉċč", "c"),
    ("ďđð", "d"),
    ("èéêëēĕėęě", "e"),
    ("ĝğġģ", "g"),
    ("ĥħ", "h"),
    ("ìíîïĩīĭįı", "i"),
    ("ĵ", "j"),
    ("ķ", "k"),
    ("ĺļľŀł", "l"),
    ("ñńņňŉ", "n"),
    ("òóôõöøōŏőǒ", "o"),
    ("ŕŗř", "r"),
    ("śŝşšș", "s"),
    ("ţťŧț", "t"),
    ("ùúûüũūŭůűųǔ", "u"),
    ("ŵ", "w"),
    ("ýÿŷ", "y"),
    ("źżž", "z"),
    ("ß", "ss"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("þ", "th"),
];

fn fold_letter(c: char) -> Option<&'static str> {
    FOLDS.iter().find(|(from, _)| from.contains(c)).map(|&(_, to)| to)
}

/// Lower-case ASCII letters and digits, words joined by single hyphens, no
/// hyphen at either end. Anything that is not a letter or digit separates words.
fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let mut piece = [0u8; 4];
        let word = if c.is_ascii_alphanumeric() { Some(&*c.encode_utf8(&mut piece)) } else { fold_letter(c) };
        match word {
            Some(w) => {
                if gap && !out.is_empty() {
                    out.push('-');
                }
                gap = false;
                out.push_str(w);
            }
            None => gap = true,
        }
    }
    out
}

/// `{acronym}-{id}-{title}`. The acronym has no hyphen, so it is the XSD's
/// `[a-z0-9_]{4,}` first part; `{id}-{title}` needs at least four characters and
/// ends in a letter or digit (JSON schema); the id makes the slug unique.
fn event_slug(acronym: &str, ev: &Event) -> String {
    let mut title = slugify(&ev.title);
    title.truncate(MAX_TITLE_SLUG); // ASCII only, so any byte index is a character boundary
    let title = title.trim_end_matches('-');
    // With a one-digit id, a title part under two characters would leave `{id}-{title}` too short.
    match title.len() {
        0 => format!("{acronym}-{}-session", ev.id),
        1 => format!("{acronym}-{}-{title}-session", ev.id),
        _ => format!("{acronym}-{}-{title}", ev.id),
    }
}

/// Fits the XSD (`[a-z][a-z0-9-]+`) and the JSON schema (`[a-z0-9_-]+[a-z0-9]`).
fn track_slug(name: &str) -> String {
    let s = slugify(name);
    match s.chars().next() {
        None => "track".into(),
        Some(c) if !c.is_ascii_lowercase() => format!("t-{s}"),
        Some(_) if s.len() < 2 => format!("{s}-track"),
        Some(_) => s,
    }
}

/// The JSON schema's `time_zone_name` pattern is `^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$`,
/// which (searched, as JSON Schema does) means "starts Area/City" or "ends in UTC".
/// Zones like "Etc/GMT+2" or "EST5EDT" fail it; then the name is left out (it is
/// optional) and the explicit offsets on every time carry the meaning.
fn fits_json_zone_pattern(name: &str) -> bool {
    fn word(s: &str) -> Option<&str> {
        let mut chars = s.char_indices();
        let first_upper = matches!(chars.next(), Some((_, c)) if c.is_ascii_uppercase());
        let end = chars.find(|(_, c)| !c.is_ascii_lowercase()).map_or(s.len(), |(i, _)| i);
        (first_upper && end >= 2).then(|| &s[end..])
    }
    let area_city = word(name).and_then(|rest| rest.strip_prefix('/')).and_then(word).is_some();
    area_city || name.ends_with("UTC")
}

// ---------------------------------------------------------------------------
// Times and URLs
// ---------------------------------------------------------------------------

/// "2027-10-31T02:30:00+01:00": local wall-clock time with its offset, so a time
/// in the repeated hour after the clocks go back stays unambiguous.
fn iso_local(t: DateTime<Tz>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// "HH:MM" of real elapsed time (a session across a DST change lasts what it lasts).
fn duration_hhmm(ev: &Event) -> String {
    let minutes = (ev.ends_at - ev.starts_at).num_minutes().clamp(0, MAX_DURATION_MINUTES);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn is_http_url(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://")) && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Apps need absolute links and the XSD's `httpURI` demands them: a path is
/// joined to the base URL; anything else that is not http(s) is left out.
fn absolute_url(base: &str, url: &str) -> Option<String> {
    let u = url.trim();
    if is_http_url(u) {
        Some(u.to_string())
    } else if u.starts_with('/') && is_http_url(base) {
        Some(format!("{}{u}", base.trim_end_matches('/')))
    } else {
        None
    }
}

fn base_url(e: &Export) -> Option<&str> {
    let b = e.conference.base_url.trim_end_matches('/');
    is_http_url(b).then_some(b)
}

fn conference_url(e: &Export) -> Option<String> {
    base_url(e).map(|b| format!("{b}/c/{}", e.conference.slug))
}

// ---------------------------------------------------------------------------
// frab XML
// ---------------------------------------------------------------------------

/// XML 1.0 forbids most control characters even as character references.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for element content and attribute values alike. Tab, newline
/// and CR become character references so parsers do not normalise them away
/// (in attributes they would turn into spaces; a bare CR into a newline).
fn xml_escape(s: &str) -> String {
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
fn xml_attr(s: &str) -> String {
    xml_escape(s).replace('\t', "&#9;").replace('\n', "&#10;")
}

fn leaf(x: &mut String, indent: usize, name: &str, text: &str) {
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

fn conference_xml(x: &mut String, e: &Export, acronym: &str, days: &[Day]) {
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

fn day_xml(x: &mut String, e: &Export, acronym: &str, day: &Day) {
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

fn event_xml(x: &mut String, e: &Export, acronym: &str, ev: &Event) {
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

// ---------------------------------------------------------------------------
// frab JSON
// ---------------------------------------------------------------------------

/// The frab-compatible JSON schedule, valid against the c3voc JSON schema
/// (`tests/data/frab-schedule.schema.json`, draft-06).
/// The schedule as frab JSON, written straight from the export: no
/// `serde_json::Value` tree in between (at twice the benchmark's size that tree
/// was over 25 MiB for a 2 MB document).
pub fn frab_json(e: &Export) -> String {
    let acronym = acronym(&e.conference.slug);
    let days = layout(e);
    let doc = FrabJson {
        schema: JSON_SCHEMA_ID,
        generator: GeneratorJson { name: GENERATOR, version: GENERATOR_VERSION },
        schedule: ScheduleJson {
            version: &e.version,
            base_url: base_url(e),
            conference: conference_json(e, &acronym, &days),
        },
    };
    // Only strings, numbers and maps with string keys: serialising cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

#[derive(Serialize)]
struct FrabJson<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    generator: GeneratorJson,
    schedule: ScheduleJson<'a>,
}

#[derive(Serialize)]
struct GeneratorJson {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ScheduleJson<'a> {
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<&'a str>,
    conference: ConferenceJson<'a>,
}

#[derive(Serialize)]
struct ConferenceJson<'a> {
    acronym: &'a str,
    title: &'a str,
    start: Option<String>,
    end: Option<String>,
    #[serde(rename = "daysCount")]
    days_count: usize,
    timeslot_duration: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    tracks: Vec<TrackJson>,
    rooms: Vec<RoomJson<'a>>,
    days: Vec<DayJson<'a>>,
}

#[derive(Serialize)]
struct TrackJson {
    name: String,
    slug: String,
    color: &'static str,
}

#[derive(Serialize)]
struct RoomJson<'a> {
    name: &'a str,
    guid: uuid::Uuid,
}

#[derive(Serialize)]
struct DayJson<'a> {
    index: usize,
    date: String,
    day_start: String,
    day_end: String,
    rooms: DayRoomsJson<'a>,
}

/// A day's rooms as a map from the room's name to its events, each event
/// written as it is reached.
struct DayRoomsJson<'a> {
    export: &'a Export,
    acronym: &'a str,
    rooms: &'a [DayRoom<'a>],
}

impl Serialize for DayRoomsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.rooms
                .iter()
                .map(|r| (r.name, EventsJson { export: self.export, acronym: self.acronym, events: &r.events })),
        )
    }
}

struct EventsJson<'a> {
    export: &'a Export,
    acronym: &'a str,
    events: &'a [&'a Event],
}

impl Serialize for EventsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.events.iter().map(|ev| event_json(self.export, self.acronym, ev)))
    }
}

fn conference_json<'a>(e: &'a Export, acronym: &'a str, days: &'a [Day<'a>]) -> ConferenceJson<'a> {
    let c = &e.conference;
    ConferenceJson {
        acronym,
        title: &c.title,
        start: days.first().map(|d| d.date.to_string()),
        end: days.last().map(|d| d.date.to_string()),
        days_count: days.len(),
        timeslot_duration: TIMESLOT,
        time_zone_name: Some(c.time_zone.name()).filter(|n| fits_json_zone_pattern(n)),
        url: conference_url(e),
        tracks: tracks(e).into_iter().map(|t| TrackJson { name: t.name, slug: t.slug, color: t.color }).collect(),
        rooms: e.rooms.iter().map(|r| RoomJson { name: &r.name, guid: r.guid }).collect(),
        days: days
            .iter()
            .map(|d| DayJson {
                index: d.index,
                date: d.date.to_string(),
                day_start: iso_local(d.start),
                day_end: iso_local(d.end),
                rooms: DayRoomsJson { export: e, acronym, rooms: &d.rooms },
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct EventJson<'a> {
    guid: uuid::Uuid,
    id: i64,
    date: String,
    start: String,
    end: String,
    duration: String,
    room: &'a str,
    slug: String,
    url: String,
    title: &'a str,
    subtitle: &'a str,
    track: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    language: &'static str,
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    persons: Vec<PersonJson<'a>>,
    links: [(); 0],
}

/// Persons must match exactly one of FrabPerson {id, public_name} and
/// PretalxPerson {name}: `name` without `public_name` is a PretalxPerson only.
#[derive(Serialize)]
struct PersonJson<'a> {
    id: i64,
    guid: uuid::Uuid,
    name: &'a str,
}

fn event_json<'a>(e: &Export, acronym: &str, ev: &'a Event) -> EventJson<'a> {
    let tz = e.conference.time_zone;
    let start = ev.starts_at.with_timezone(&tz);
    EventJson {
        guid: ev.guid,
        id: ev.id,
        date: iso_local(start),
        start: start.format("%H:%M").to_string(),
        end: iso_local(ev.ends_at.with_timezone(&tz)),
        duration: duration_hhmm(ev),
        room: &ev.room,
        slug: event_slug(acronym, ev),
        // `url` is required; a URL the XML would leave out is passed through as given.
        url: absolute_url(&e.conference.base_url, &ev.url).unwrap_or_else(|| ev.url.clone()),
        title: &ev.title,
        subtitle: &ev.subtitle,
        track: ev.track.as_deref(),
        kind: &ev.kind,
        language: LANGUAGE,
        abstract_text: &ev.abstract_text,
        persons: ev.persons.iter().map(|p| PersonJson { id: p.id, guid: p.guid, name: &p.name }).collect(),
        links: [],
    }
}

// ---------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------

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
fn covered_span(e: &Export) -> (DateTime<Utc>, DateTime<Utc>) {
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
struct Transition {
    at: DateTime<Utc>,
    from: i32,
    to: i32,
}

fn utc_offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
}

/// Every offset change in [from, to). chrono-tz has no transition API, so the
/// offset is sampled hourly and each change narrowed to the second by bisection
/// (some zones change on the half hour, e.g. Australia/Lord_Howe).
fn offset_transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
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
fn first_instant_with(tz: Tz, mut lo: DateTime<Utc>, mut hi: DateTime<Utc>, offset: i32) -> DateTime<Utc> {
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
fn ical_offset(secs: i32) -> String {
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
fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let initial = utc_offset(tz, from);
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    lines.extend(observance(tz, &Transition { at: from, from: initial, to: initial }));
    for t in offset_transitions(tz, from, to) {
        lines.extend(observance(tz, &t));
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

fn observance(tz: Tz, t: &Transition) -> Vec<String> {
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
fn ical_time(property: &str, t: DateTime<Utc>, tz: Tz) -> String {
    let t = t.trunc_subsecs(0);
    let local = t.with_timezone(&tz).naive_local();
    match tz.from_local_datetime(&local).earliest() {
        Some(first) if first == t => format!("{property};TZID={}:{}", tz.name(), local.format("%Y%m%dT%H%M%S")),
        _ => format!("{property}:{}", t.format("%Y%m%dT%H%M%SZ")),
    }
}

fn description(ev: &Event) -> String {
    let people = ev.persons.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
    let people = if people.is_empty() { people } else { format!("With: {people}") };
    [ev.subtitle.trim(), ev.abstract_text.trim(), &people]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn vevent(e: &Export, ev: &Event) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{ConferenceInfo, Person, RoomInfo};
    use regex::Regex;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn full_match(pattern: &str, s: &str) -> bool {
        Regex::new(&format!("^(?:{pattern})$")).unwrap().is_match(s)
    }

    /// The JSON schema's patterns are searched, not anchored implicitly; these carry their own anchors.
    fn search(pattern: &str, s: &str) -> bool {
        Regex::new(pattern).unwrap().is_match(s)
    }

    fn event(id: i64, title: &str, start: &str, end: &str) -> Event {
        Event {
            guid: uuid::Uuid::from_u128(id as u128),
            id,
            room: "Hall".into(),
            title: title.into(),
            subtitle: String::new(),
            kind: "Talk".into(),
            starts_at: utc(start),
            ends_at: utc(end),
            abstract_text: String::new(),
            track: None,
            persons: vec![Person { guid: uuid::Uuid::from_u128(99), id: 7, name: "Jiří Kosina".into() }],
            url: "/c/lpc/s/1".into(),
            sequence: 0,
        }
    }

    fn export(events: Vec<Event>) -> Export {
        Export {
            conference: ConferenceInfo {
                slug: "lpc".into(),
                title: "LPC".into(),
                time_zone: chrono_tz::Europe::Vienna,
                starts_on: NaiveDate::from_ymd_opt(2027, 10, 30).unwrap(),
                ends_on: NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
                base_url: "https://plumbline.example".into(),
            },
            version: "1".into(),
            published_at: utc("2027-10-01T12:00:00Z"),
            rooms: vec![RoomInfo { guid: uuid::Uuid::from_u128(1), name: "Hall".into() }],
            tracks: vec![],
            events,
        }
    }

    #[test]
    fn ical_escape_escapes_text_specials_and_drops_controls() {
        assert_eq!(ical_escape(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(ical_escape("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(ical_escape("tab\tbell\u{7}nul\u{0}del\u{7f}"), "tab\tbellnuldel");
        assert_eq!(ical_escape("Jiří: \"quoted\" 🦀"), "Jiří: \"quoted\" 🦀");
    }

    fn physical_lines(folded: &str) -> Vec<&str> {
        folded.split("\r\n").collect()
    }

    fn unfold(folded: &str) -> String {
        folded.replace("\r\n ", "")
    }

    #[test]
    fn fold_line_keeps_short_lines_and_folds_long_ascii_at_75_octets() {
        assert_eq!(fold_line("SUMMARY:short"), "SUMMARY:short");
        let long = "D".repeat(200);
        let folded = fold_line(&long);
        let lines = physical_lines(&folded);
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1..].iter().all(|l| l.starts_with(' ') && l.len() <= 75));
        assert_eq!(unfold(&folded), long);
    }

    #[test]
    fn fold_line_never_splits_a_multibyte_character() {
        // 74 ASCII octets leave one octet: a 4-byte emoji must move to the next line whole.
        let line = format!("{}🦀tail", "a".repeat(74));
        let folded = fold_line(&line);
        assert_eq!(physical_lines(&folded), vec!["a".repeat(74).as_str(), " 🦀tail"]);
        for text in ["é".repeat(100), "Jiří Kosina ".repeat(20), "🦀😀".repeat(40), "ж€😀a".repeat(30)] {
            let line = format!("DESCRIPTION:{text}");
            let folded = fold_line(&line);
            assert!(physical_lines(&folded).iter().all(|l| l.len() <= 75), "{folded}");
            assert_eq!(unfold(&folded), line);
        }
    }

    #[test]
    fn xml_escape_escapes_markup_and_strips_characters_xml_forbids() {
        assert_eq!(xml_escape(r#"a & <b> "c" 'd'"#), "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;");
        assert_eq!(xml_escape("bell\u{7}nul\u{0}esc\u{1b}\u{FFFE}\u{FFFF}ok"), "bellnulescok");
        assert_eq!(xml_escape("tab\tline\nret\r"), "tab\tline\nret&#13;");
        assert_eq!(xml_attr("tab\tline\n"), "tab&#9;line&#10;");
        assert_eq!(xml_escape("Jiří 🦀"), "Jiří 🦀");
    }

    const XSD_ACRONYM: &str = "[a-z0-9_-]{4,}";
    const JSON_ACRONYM: &str = "^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$";
    const XSD_EVENT_SLUG: &str = r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}";
    const JSON_SLUG: &str = "^[a-z0-9_-]+[a-z0-9]$";
    const XSD_TRACK_SLUG: &str = "[a-z][a-z0-9-]+";

    #[test]
    fn acronym_fits_both_schemas_and_is_padded_when_short() {
        assert_eq!(acronym("lpc"), "lpc_");
        assert_eq!(acronym("lpc-2027"), "lpc_2027");
        assert_eq!(acronym("Plumbers-Wien"), "plumbers_wien");
        assert_eq!(acronym(""), "____");
        for slug in ["lpc", "lpc-2027", "a", "x-y", "kernel-recipes-2027", "Ünï"] {
            let a = acronym(slug);
            assert!(full_match(XSD_ACRONYM, &a), "{a}");
            assert!(search(JSON_ACRONYM, &a), "{a}");
        }
    }

    #[test]
    fn slugify_folds_diacritics_and_joins_words_with_single_hyphens() {
        assert_eq!(slugify("Jiří Kosina"), "jiri-kosina");
        assert_eq!(slugify("  BPF & <friends>: Straße, Œuvre!  "), "bpf-friends-strasse-oeuvre");
        assert_eq!(slugify("🦀 Rust — in the kernel 🐧"), "rust-in-the-kernel");
        assert_eq!(slugify("🦀"), "");
    }

    #[test]
    fn event_slugs_fit_both_schemas_and_differ_by_id() {
        let titles = ["Tracing MC", "", "🦀", "a", "Ünïcode & <stuff> \"quoted\" 'x'", &"very long title ".repeat(20)];
        let mut seen = std::collections::HashSet::new();
        for (i, title) in titles.iter().enumerate() {
            let ev = event(i as i64 + 1, title, "2027-10-30T08:00:00Z", "2027-10-30T09:00:00Z");
            for acr in ["lpc_", "lpc_2027"] {
                let slug = event_slug(acr, &ev);
                assert!(full_match(XSD_EVENT_SLUG, &slug), "{slug}");
                assert!(search(JSON_SLUG, &slug), "{slug}");
                assert!(slug.len() <= acr.len() + 2 + 20 + MAX_TITLE_SLUG, "{slug}");
                assert!(seen.insert(slug));
            }
        }
        let ev = event(42, "Tracing MC", "2027-10-30T08:00:00Z", "2027-10-30T09:00:00Z");
        assert_eq!(event_slug("lpc_2027", &ev), "lpc_2027-42-tracing-mc");
    }

    #[test]
    fn track_slugs_fit_both_schemas_and_are_unique() {
        for name in ["Kernel & Core", "14 Orga", "C", "", "🦀", "Ünconference", "x-"] {
            let s = track_slug(name);
            assert!(full_match(XSD_TRACK_SLUG, &s), "{name} -> {s}");
            assert!(search(JSON_SLUG, &s), "{name} -> {s}");
        }
        assert_eq!(track_slug("14 Orga"), "t-14-orga");
        let mut e = export(vec![]);
        e.tracks = vec!["Kernel".into(), "kernel".into(), "KERNEL!".into()];
        let slugs: Vec<String> = tracks(&e).into_iter().map(|t| t.slug).collect();
        assert_eq!(slugs, vec!["kernel", "kernel-2", "kernel-3"]);
    }

    #[test]
    fn json_zone_pattern_matches_the_schemas_regex() {
        let schema = "^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$";
        for name in [
            "Europe/Vienna",
            "America/Argentina/Buenos_Aires",
            "UTC",
            "Etc/UTC",
            "Etc/GMT+2",
            "EST5EDT",
            "US/Eastern",
            "Asia/Ho_Chi_Minh",
        ] {
            assert_eq!(fits_json_zone_pattern(name), search(schema, name), "{name}");
        }
        assert!(fits_json_zone_pattern("Europe/Vienna"));
        assert!(!fits_json_zone_pattern("Etc/GMT+2"));
    }

    #[test]
    fn vienna_2027_has_two_transitions_on_the_last_sundays_of_march_and_october() {
        let tz = chrono_tz::Europe::Vienna;
        let found = offset_transitions(tz, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
        assert_eq!(
            found,
            vec![
                Transition { at: utc("2027-03-28T01:00:00Z"), from: 3600, to: 7200 },
                Transition { at: utc("2027-10-31T01:00:00Z"), from: 7200, to: 3600 },
            ]
        );
        let lines = vtimezone(tz, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z")).join("\n");
        assert!(lines.starts_with("BEGIN:VTIMEZONE\nTZID:Europe/Vienna\n"), "{lines}");
        assert!(lines.contains(
            "BEGIN:DAYLIGHT\nDTSTART:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT"
        ));
        assert!(lines.contains(
            "BEGIN:STANDARD\nDTSTART:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD"
        ));
        assert!(lines.contains("BEGIN:STANDARD\nDTSTART:20270101T010000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100"));
    }

    #[test]
    fn a_zone_without_dst_gets_one_standard_observance() {
        let lines = vtimezone(chrono_tz::Asia::Tokyo, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
        assert_eq!(lines.iter().filter(|l| l.starts_with("BEGIN:")).count(), 2, "{lines:?}");
        assert!(lines.contains(&"BEGIN:STANDARD".to_string()));
        assert!(lines.contains(&"TZOFFSETTO:+0900".to_string()));
    }

    #[test]
    fn half_hour_transitions_are_found_to_the_minute() {
        // Lord Howe Island moves its clocks by 30 minutes at 02:00 local time.
        let found = offset_transitions(
            chrono_tz::Australia::Lord_Howe,
            utc("2027-01-01T00:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
        );
        assert_eq!(
            found,
            vec![
                Transition { at: utc("2027-04-03T15:00:00Z"), from: 39600, to: 37800 },
                Transition { at: utc("2027-10-02T15:30:00Z"), from: 37800, to: 39600 },
            ]
        );
        assert_eq!(ical_offset(37800), "+1030");
        assert_eq!(ical_offset(-12600), "-0330");
    }

    #[test]
    fn the_repeated_hour_after_clocks_go_back_is_written_in_utc() {
        let tz = chrono_tz::Europe::Vienna;
        // 02:30 happens twice on 2027-10-31: first at +02:00, then at +01:00.
        assert_eq!(ical_time("DTSTART", utc("2027-10-31T00:30:00Z"), tz), "DTSTART;TZID=Europe/Vienna:20271031T023000");
        assert_eq!(ical_time("DTSTART", utc("2027-10-31T01:30:00Z"), tz), "DTSTART:20271031T013000Z");
        assert_eq!(ical_time("DTEND", utc("2027-10-31T02:30:00Z"), tz), "DTEND;TZID=Europe/Vienna:20271031T033000");
    }

    #[test]
    fn a_session_crossing_midnight_stays_on_the_day_it_starts() {
        let e = export(vec![event(1, "Late", "2027-10-30T21:30:00Z", "2027-10-30T23:00:00Z")]);
        let days = layout(&e);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].rooms[0].events.len(), 1);
        assert_eq!(iso_local(days[0].start), "2027-10-30T00:00:00+02:00");
        // The clocks go back in the night: Sunday starts at +02:00 and ends at +01:00.
        assert_eq!(iso_local(days[1].start), "2027-10-31T00:00:00+02:00");
        assert_eq!(iso_local(days[1].end), "2027-11-01T00:00:00+01:00");
        assert_eq!(duration_hhmm(&e.events[0]), "01:30");
        assert!(days[1].rooms[0].events.is_empty());
    }

    #[test]
    fn sessions_outside_the_conference_dates_widen_the_days_rather_than_vanish() {
        let e = export(vec![event(1, "Early", "2027-10-28T08:00:00Z", "2027-10-28T09:00:00Z")]);
        let days = layout(&e);
        assert_eq!(days.first().map(|d| d.date), NaiveDate::from_ymd_opt(2027, 10, 28));
        assert_eq!(days.len(), 5);
        assert_eq!(days[0].rooms[0].events.len(), 1);
    }

    #[test]
    fn relative_session_urls_are_made_absolute() {
        assert_eq!(absolute_url("https://x.example", "/c/a/s/1").as_deref(), Some("https://x.example/c/a/s/1"));
        assert_eq!(absolute_url("https://x.example", "https://y.example/p").as_deref(), Some("https://y.example/p"));
        assert_eq!(absolute_url("https://x.example", "javascript:alert(1)"), None);
        assert_eq!(absolute_url("not a url", "/c/a"), None);
    }
}
