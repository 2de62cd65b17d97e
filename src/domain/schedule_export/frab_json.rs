//! frab-compatible JSON (the c3voc schema).

use super::layout::*;
use super::names::*;
use super::*;
use crate::domain::schedule::{Event, Export};
use serde::Serialize;

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
pub(super) struct FrabJson<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    generator: GeneratorJson,
    schedule: ScheduleJson<'a>,
}

#[derive(Serialize)]
pub(super) struct GeneratorJson {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
pub(super) struct ScheduleJson<'a> {
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<&'a str>,
    conference: ConferenceJson<'a>,
}

#[derive(Serialize)]
pub(super) struct ConferenceJson<'a> {
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
pub(super) struct TrackJson {
    name: String,
    slug: String,
    color: &'static str,
}

#[derive(Serialize)]
pub(super) struct RoomJson<'a> {
    name: &'a str,
    guid: uuid::Uuid,
}

#[derive(Serialize)]
pub(super) struct DayJson<'a> {
    index: usize,
    date: String,
    day_start: String,
    day_end: String,
    rooms: DayRoomsJson<'a>,
}

/// A day's rooms as a map from the room's name to its events, each event
/// written as it is reached.
pub(super) struct DayRoomsJson<'a> {
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

pub(super) struct EventsJson<'a> {
    export: &'a Export,
    acronym: &'a str,
    events: &'a [&'a Event],
}

impl Serialize for EventsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.events.iter().map(|ev| event_json(self.export, self.acronym, ev)))
    }
}

pub(super) fn conference_json<'a>(e: &'a Export, acronym: &'a str, days: &'a [Day<'a>]) -> ConferenceJson<'a> {
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
pub(super) struct EventJson<'a> {
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
pub(super) struct PersonJson<'a> {
    id: i64,
    guid: uuid::Uuid,
    name: &'a str,
}

pub(super) fn event_json<'a>(e: &Export, acronym: &str, ev: &'a Event) -> EventJson<'a> {
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
