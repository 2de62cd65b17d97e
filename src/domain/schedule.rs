//! A published schedule as the exports see it: pure data, built by the schedule
//! service from the database, turned into frab XML, frab JSON and iCalendar by
//! `domain::schedule_export`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone)]
pub struct Export {
    pub conference: ConferenceInfo,
    /// The published version, e.g. "3"; exports carry it so apps notice updates.
    pub version: String,
    /// When that version was published: the iCalendar DTSTAMP, so the same
    /// version always exports the same bytes (no clock read in the exports).
    pub published_at: DateTime<Utc>,
    /// Every room that has sessions, in display order.
    pub rooms: Vec<RoomInfo>,
    /// Track names in display order.
    pub tracks: Vec<String>,
    /// Every session, ordered by start then room.
    pub events: Vec<Event>,
}

#[derive(Debug, Clone)]
pub struct ConferenceInfo {
    pub slug: String,
    pub title: String,
    pub time_zone: Tz,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Public base URL of the app, without trailing slash (e.g. https://plumbline.example).
    pub base_url: String,
}

#[derive(Debug, Clone)]
pub struct RoomInfo {
    pub guid: uuid::Uuid,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across versions: the same session keeps its GUID (and iCalendar UID).
    pub guid: uuid::Uuid,
    /// A positive integer, stable per session (frab's legacy id).
    pub id: i64,
    pub room: String,
    pub title: String,
    pub subtitle: String,
    /// "Microconference", "Talk", "Keynote", "Tutorial", "Break", "Topic", "Unconference".
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Plain text (Markdown source), never HTML.
    pub abstract_text: String,
    pub track: Option<String>,
    pub persons: Vec<Person>,
    /// The session's public page.
    pub url: String,
    /// Raised each time the session moves or changes (iCalendar SEQUENCE).
    pub sequence: i32,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub guid: uuid::Uuid,
    pub id: i64,
    pub name: String,
}
