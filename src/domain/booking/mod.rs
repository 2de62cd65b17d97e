//! Room booking rules, pure: the slot grid of a day in the conference's zone
//! (daylight-saving aware), whether a requested range may be booked, and the
//! nearest free ranges when it is taken. Ranges are half-open `[start, end)`.
//!
//! The forms are parsed in `forms`; the unit tests are in `tests`.

mod forms;
#[cfg(test)]
mod tests;

pub use forms::*;

use super::{FieldError, Problems};
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

stored_words! {
    /// What a row of `room_bookings` is: an attendee's booking or an organiser's
    /// block (the table's CHECK allows nothing else).
    pub enum BookingKind {
        Booking = "booking",
        Block = "block",
    }
}

/// Bookable hours of one day, as wall-clock times in the conference's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub day: NaiveDate,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// The organisers' booking rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub slot_minutes: i64,
    pub max_minutes: i64,
    /// Booking for a day opens at 00:00 this many days before; `None`: at the start of the conference.
    pub opens_days_before: Option<i32>,
    pub max_per_person_day: i64,
}

impl Rules {
    pub fn slot(&self) -> Duration {
        Duration::minutes(self.slot_minutes)
    }
}

/// A day's bookable hours as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub day: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A half-open range of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
        Span { start, end }
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }
}

/// A local wall-clock time as an instant. A time the clocks skip becomes the
/// first instant after the jump; a time that happens twice is the earlier
/// (`earliest`) or the later one, so a window never loses the repeated hour.
pub fn resolve(naive: NaiveDateTime, tz: Tz, earliest: bool) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(if earliest { a } else { b }.with_timezone(&Utc)),
        LocalResult::None => (1..=240).find_map(|m| match tz.from_local_datetime(&(naive + Duration::minutes(m))) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
            LocalResult::None => None,
        }),
    }
}

/// The day's bookable hours as instants.
pub fn window(h: &Hours, tz: Tz) -> Option<Window> {
    let start = resolve(h.day.and_time(h.opens), tz, true)?;
    let end = resolve(h.day.and_time(h.closes), tz, false)?;
    (end > start).then_some(Window { day: h.day, start, end })
}

/// The slots of a day: `slot` long, counted in real time from the opening, so
/// on a daylight-saving day there is one hour more or less of them.
pub fn slots(w: &Window, slot: Duration) -> Vec<Span> {
    let mut out = Vec::new();
    if slot <= Duration::zero() {
        return out;
    }
    let mut s = w.start;
    while s + slot <= w.end {
        out.push(Span::new(s, s + slot));
        s += slot;
    }
    out
}

/// The conference-local date of an instant.
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// When booking for `day` opens.
pub fn opens_at(day: NaiveDate, conference_start: NaiveDate, rules: &Rules, tz: Tz) -> DateTime<Utc> {
    let date = match rules.opens_days_before {
        Some(n) => day - Duration::days(n as i64),
        None => conference_start,
    };
    resolve(date.and_time(NaiveTime::MIN), tz, true).unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// "10:30 WEST": a time of day as the conference reads it, zone always shown.
pub fn hm(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M %Z").to_string()
}

/// "Thu 18 Nov, 10:00–11:30 CET", or with both zones when a clock change lies between.
pub fn span_label(s: &Span, tz: Tz) -> String {
    let a = s.start.with_timezone(&tz);
    let b = s.end.with_timezone(&tz);
    let (za, zb) = (a.format("%Z").to_string(), b.format("%Z").to_string());
    let day = a.format("%a %-d %b");
    if za == zb && a.date_naive() == b.date_naive() {
        format!("{day}, {}–{} {za}", a.format("%H:%M"), b.format("%H:%M"))
    } else if a.date_naive() == b.date_naive() {
        format!("{day}, {} {za}–{} {zb}", a.format("%H:%M"), b.format("%H:%M"))
    } else {
        format!("{day}, {} {za} – {}, {} {zb}", a.format("%H:%M"), b.format("%a %-d %b"), b.format("%H:%M"))
    }
}

/// Why a requested range cannot be booked (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    InThePast,
    NoHours { day: NaiveDate },
    OutsideHours { window: Window },
    Misaligned { slot_minutes: i64 },
    TooLong { max_minutes: i64 },
    NotOpenYet { opens_at: DateTime<Utc> },
    OverLimit { max: i64 },
}

impl Refusal {
    /// A stable code for the API.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::Empty => "empty_range",
            Refusal::InThePast => "in_the_past",
            Refusal::NoHours { .. } | Refusal::OutsideHours { .. } => "outside_hours",
            Refusal::Misaligned { .. } => "misaligned",
            Refusal::TooLong { .. } => "too_long",
            Refusal::NotOpenYet { .. } => "not_open_yet",
            Refusal::OverLimit { .. } => "over_limit",
        }
    }

    pub fn message(&self, tz: Tz) -> String {
        match self {
            Refusal::Empty => "The end must be after the start.".into(),
            Refusal::InThePast => "That time is in the past. Pick a slot that has not ended yet.".into(),
            Refusal::NoHours { day } => {
                format!(
                    "Rooms cannot be booked on {}: there are no bookable hours that day.",
                    day.format("%a %-d %b %Y")
                )
            }
            Refusal::OutsideHours { window } => format!(
                "That is outside the bookable hours: on {} rooms can be booked from {} to {}.",
                window.day.format("%a %-d %b %Y"),
                hm(window.start, tz),
                hm(window.end, tz)
            ),
            Refusal::Misaligned { slot_minutes } => format!(
                "Bookings start and end on the {slot_minutes}-minute slots of the grid (counted from the opening time)."
            ),
            Refusal::TooLong { max_minutes } => {
                format!("That is too long: one booking lasts at most {}.", minutes_label(*max_minutes))
            }
            Refusal::NotOpenYet { opens_at } => format!(
                "Booking for that day is not open yet: it opens on {}.",
                opens_at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M %Z")
            ),
            Refusal::OverLimit { max } => format!(
                "You already hold {max} active booking{} that day, the most one person may hold. Cancel one first.",
                if *max == 1 { "" } else { "s" }
            ),
        }
    }
}

/// "30 minutes", "1 hour", "1 hour 30 minutes", "2 hours".
pub fn minutes_label(m: i64) -> String {
    let (h, m) = (m / 60, m % 60);
    let hours = match h {
        0 => String::new(),
        1 => "1 hour".into(),
        n => format!("{n} hours"),
    };
    match (h, m) {
        (_, 0) => hours,
        (0, m) => format!("{m} minutes"),
        (_, m) => format!("{hours} {m} minutes"),
    }
}

/// Checks a requested range against the rules (the per-person limit and the
/// overlap are the service's and the database's). Returns the day's window.
pub fn check(
    req: &Span,
    hours: &[Hours],
    rules: &Rules,
    conference_start: NaiveDate,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Window, Refusal> {
    if req.end <= req.start {
        return Err(Refusal::Empty);
    }
    if req.end <= now || req.start + rules.slot() <= now {
        return Err(Refusal::InThePast);
    }
    let day = local_day(req.start, tz);
    let w = hours.iter().find(|h| h.day == day).and_then(|h| window(h, tz)).ok_or(Refusal::NoHours { day })?;
    if req.start < w.start || req.end > w.end {
        return Err(Refusal::OutsideHours { window: w });
    }
    let slot = rules.slot_minutes * 60;
    if slot <= 0 || (req.start - w.start).num_seconds() % slot != 0 || (req.end - w.start).num_seconds() % slot != 0 {
        return Err(Refusal::Misaligned { slot_minutes: rules.slot_minutes });
    }
    if req.minutes() > rules.max_minutes {
        return Err(Refusal::TooLong { max_minutes: rules.max_minutes });
    }
    let opens = opens_at(day, conference_start, rules, tz);
    if now < opens {
        return Err(Refusal::NotOpenYet { opens_at: opens });
    }
    Ok(w)
}

/// Free ranges as long as `len`, on the slot grid of the day, not over and
/// clear of `taken`, nearest to `want` first; at most `n`.
pub fn nearest_free(
    w: &Window,
    slot: Duration,
    taken: &[Span],
    len: Duration,
    want: DateTime<Utc>,
    now: DateTime<Utc>,
    n: usize,
) -> Vec<Span> {
    let grid = slots(w, slot);
    let mut free: Vec<Span> = grid
        .iter()
        .map(|s| Span::new(s.start, s.start + len))
        .filter(|c| c.end <= w.end && c.start + slot > now)
        .filter(|c| !taken.iter().any(|t| t.overlaps(c)))
        .collect();
    free.sort_by_key(|c| ((c.start - want).num_seconds().abs(), c.start));
    free.truncate(n);
    free.sort();
    free
}

/// Which slots of a day are taken, by index into `taken` (for the grid).
pub fn slot_owner(slot: &Span, taken: &[Span]) -> Option<usize> {
    taken.iter().position(|t| t.overlaps(slot))
}
