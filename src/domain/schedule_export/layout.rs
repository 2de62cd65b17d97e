//! The layout all three formats share: days, rooms, tracks, and the times and URLs they print.

use super::names::*;
use super::*;
use crate::domain::schedule::{Event, Export};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// One conference day: its local date, its bounds, and per room the sessions starting on it.
pub(super) struct Day<'a> {
    pub(super) index: usize,
    pub(super) date: NaiveDate,
    pub(super) start: DateTime<Tz>,
    pub(super) end: DateTime<Tz>,
    pub(super) rooms: Vec<DayRoom<'a>>,
}

pub(super) struct DayRoom<'a> {
    pub(super) name: &'a str,
    pub(super) guid: Option<uuid::Uuid>,
    pub(super) events: Vec<&'a Event>,
}

pub(super) struct Track {
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) color: &'static str,
}

pub(super) fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The dates the export covers: the conference's dates, widened if a session
/// lies outside them, because an export must never silently drop a session.
pub(super) fn date_span(e: &Export) -> (NaiveDate, NaiveDate) {
    let tz = e.conference.time_zone;
    let dates = e.events.iter().map(|ev| local_date(ev.starts_at, tz));
    let first = dates.clone().fold(e.conference.starts_on, NaiveDate::min);
    let last = dates.fold(e.conference.ends_on, NaiveDate::max);
    (first, last.max(first))
}

/// Local midnight, or the first whole hour that exists where a daylight-saving
/// change skips midnight (e.g. America/Havana).
pub(super) fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Tz> {
    (0..24)
        .find_map(|h| tz.from_local_datetime(&date.and_hms_opt(h, 0, 0)?).earliest())
        .unwrap_or_else(|| tz.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN)))
}

/// Rooms in display order, then any room a session names that the room list lacks (without a GUID).
pub(super) fn room_order(e: &Export) -> Vec<(&str, Option<uuid::Uuid>)> {
    let mut rooms: Vec<(&str, Option<uuid::Uuid>)> = e.rooms.iter().map(|r| (r.name.as_str(), Some(r.guid))).collect();
    for ev in &e.events {
        if !rooms.iter().any(|(name, _)| *name == ev.room) {
            rooms.push((ev.room.as_str(), None));
        }
    }
    rooms
}

pub(super) fn layout(e: &Export) -> Vec<Day<'_>> {
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

pub(super) fn tracks(e: &Export) -> Vec<Track> {
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
pub(super) fn track_color(name: &str) -> &'static str {
    const PALETTE: [&str; 12] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#3d5a80", "#a52a2a",
    ];
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    PALETTE[(hash % PALETTE.len() as u64) as usize]
}

// ---------------------------------------------------------------------------
// Times and URLs
// ---------------------------------------------------------------------------

/// "2027-10-31T02:30:00+01:00": local wall-clock time with its offset, so a time
/// in the repeated hour after the clocks go back stays unambiguous.
pub(super) fn iso_local(t: DateTime<Tz>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// "HH:MM" of real elapsed time (a session across a DST change lasts what it lasts).
pub(super) fn duration_hhmm(ev: &Event) -> String {
    let minutes = (ev.ends_at - ev.starts_at).num_minutes().clamp(0, MAX_DURATION_MINUTES);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub(super) fn is_http_url(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://")) && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Apps need absolute links and the XSD's `httpURI` demands them: a path is
/// joined to the base URL; anything else that is not http(s) is left out.
pub(super) fn absolute_url(base: &str, url: &str) -> Option<String> {
    let u = url.trim();
    if is_http_url(u) {
        Some(u.to_string())
    } else if u.starts_with('/') && is_http_url(base) {
        Some(format!("{}{u}", base.trim_end_matches('/')))
    } else {
        None
    }
}

pub(super) fn base_url(e: &Export) -> Option<&str> {
    let b = e.conference.base_url.trim_end_matches('/');
    is_http_url(b).then_some(b)
}

pub(super) fn conference_url(e: &Export) -> Option<String> {
    base_url(e).map(|b| format!("{b}/c/{}", e.conference.slug))
}
