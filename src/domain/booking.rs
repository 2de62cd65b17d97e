//! Room booking rules, pure: the slot grid of a day in the conference's zone
//! (daylight-saving aware), whether a requested range may be booked, and the
//! nearest free ranges when it is taken. Ranges are half-open `[start, end)`.

use super::{FieldError, Problems};
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const BOOKING: &str = "booking";
pub const BLOCK: &str = "block";

/// What a row of `room_bookings` is: an attendee's booking or an organiser's
/// block. Stored as the text `booking` or `block` (the table's CHECK allows
/// nothing else) and shown as that text in the JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingKind {
    Booking,
    Block,
}

impl BookingKind {
    /// The text the database stores.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingKind::Booking => BOOKING,
            BookingKind::Block => BLOCK,
        }
    }

    /// From the stored text; the CHECK constraint leaves only these two.
    pub fn from_db(text: &str) -> Self {
        if text == BLOCK {
            BookingKind::Block
        } else {
            BookingKind::Booking
        }
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

// ---- forms ----

/// The organisers' settings form as typed. Day hours arrive as `opens-YYYY-MM-DD`
/// and `closes-YYYY-MM-DD` fields; an empty pair means no booking that day.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SettingsInput {
    pub slot_minutes: String,
    pub max_minutes: String,
    pub opens: String,
    pub max_per_day: String,
    pub days: Vec<DayInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DayInput {
    pub day: NaiveDate,
    pub label: String,
    pub opens: String,
    pub closes: String,
}

impl SettingsInput {
    /// Reads the flat form for the conference's days.
    pub fn from_form(form: &HashMap<String, String>, days: &[NaiveDate]) -> SettingsInput {
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        SettingsInput {
            slot_minutes: get("slot_minutes"),
            max_minutes: get("max_minutes"),
            opens: get("opens"),
            max_per_day: get("max_per_day"),
            days: days
                .iter()
                .map(|d| DayInput {
                    day: *d,
                    label: d.format("%a %-d %b %Y").to_string(),
                    opens: get(&format!("opens-{d}")),
                    closes: get(&format!("closes-{d}")),
                })
                .collect(),
        }
    }

    pub fn parse(&self) -> Result<(Rules, Vec<Hours>), Problems> {
        let mut p = Problems::default();
        let slot = p.check(whole("slot_minutes", &self.slot_minutes, 5, 240));
        if let Some(s) = slot {
            if 1440 % s != 0 {
                p.add("slot_minutes", "use a length that divides a day evenly, like 15, 20, 30 or 60");
            }
        }
        let max = p.check(whole("max_minutes", &self.max_minutes, 5, 1440));
        if let (Some(s), Some(m)) = (slot, max) {
            if m < s || m % s != 0 {
                p.add("max_minutes", format!("use a whole number of slots ({s}, {}, …)", 2 * s));
            }
        }
        let opens = match self.opens.trim() {
            "start" => Some(None),
            raw => match raw.parse::<i32>() {
                Ok(n) if (0..=365).contains(&n) => Some(Some(n)),
                _ => {
                    p.add("opens", "choose when booking opens");
                    None
                }
            },
        };
        let per_day = p.check(whole("max_per_day", &self.max_per_day, 1, 50));
        let mut hours = Vec::new();
        for d in &self.days {
            let (o, c) = (d.opens.trim(), d.closes.trim());
            if o.is_empty() && c.is_empty() {
                continue;
            }
            let field = "days";
            let parse = |v: &str| NaiveTime::parse_from_str(v, "%H:%M").ok();
            match (parse(o), parse(c)) {
                (Some(opens), Some(closes)) if closes > opens => {
                    if let Some(s) = slot {
                        if (closes - opens).num_minutes() % s != 0 {
                            p.add(field, format!("{}: the hours must be a whole number of {s}-minute slots", d.label));
                            continue;
                        }
                    }
                    hours.push(Hours { day: d.day, opens, closes })
                }
                (Some(_), Some(_)) => {
                    p.add(field, format!("{}: the closing time must be after the opening time", d.label))
                }
                _ => p.add(field, format!("{}: give both times like 09:00 and 18:00, or leave both empty", d.label)),
            }
        }
        match (slot, max, opens, per_day) {
            (Some(slot), Some(max), Some(opens), Some(per_day)) if p.is_empty() => Ok((
                Rules { slot_minutes: slot, max_minutes: max, opens_days_before: opens, max_per_person_day: per_day },
                hours,
            )),
            _ => Err(p),
        }
    }
}

fn whole(field: &'static str, raw: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, format!("use a whole number from {min} to {max}"))),
    }
}

/// A room as organisers type it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoomInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub bookable: Option<String>,
    #[serde(default)]
    pub position: String,
}

#[derive(Debug, Clone)]
pub struct RoomDraft {
    pub name: String,
    pub capacity: i32,
    pub equipment: String,
    pub location: String,
    pub bookable: bool,
    pub position: i32,
}

impl RoomInput {
    pub fn parse(&self) -> Result<RoomDraft, Problems> {
        use super::text::{multi_line, single_line};
        let mut p = Problems::default();
        let name = p.check(single_line("name", &self.name, 1, 100));
        let capacity = p.check(whole("capacity", &self.capacity, 1, 100_000));
        let equipment = p.check(multi_line("equipment", &self.equipment, 0, 500));
        let location = p.check(single_line("location", &self.location, 0, 200));
        let position = if self.position.trim().is_empty() {
            Some(0)
        } else {
            p.check(whole("position", &self.position, -1000, 1000))
        };
        match (name, capacity, equipment, location, position) {
            (Some(name), Some(capacity), Some(equipment), Some(location), Some(position)) => Ok(RoomDraft {
                name,
                capacity: capacity as i32,
                equipment,
                location,
                bookable: self.bookable.is_some(),
                position: position as i32,
            }),
            _ => Err(p),
        }
    }
}

/// A booking as an attendee types it on the form: the start in the conference's
/// zone and a length in minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BookingInput {
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub proposal: String,
}

#[derive(Debug, Clone)]
pub struct BookingDraft {
    pub room: uuid::Uuid,
    pub span: Span,
    pub title: String,
    pub description: String,
    pub proposal: Option<uuid::Uuid>,
}

/// Title and description, shared by the form and the API.
pub fn parse_text(p: &mut Problems, title: &str, description: &str) -> (Option<String>, Option<String>) {
    use super::text::{multi_line, single_line};
    (p.check(single_line("title", title, 1, 120)), p.check(multi_line("description", description, 0, 1000)))
}

impl BookingInput {
    pub fn parse(&self, tz: Tz) -> Result<BookingDraft, Problems> {
        let mut p = Problems::default();
        let room = uuid::Uuid::parse_str(self.room.trim()).ok();
        if room.is_none() {
            p.add("room", "choose a room");
        }
        let start = p.check(super::time::parse_local("start", &self.start, tz));
        let minutes = p.check(whole("minutes", &self.minutes, 5, 1440));
        let (title, description) = parse_text(&mut p, &self.title, &self.description);
        let proposal = match self.proposal.trim() {
            "" => Some(None),
            raw => match uuid::Uuid::parse_str(raw) {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    p.add("proposal", "choose one of your unconference proposals, or none");
                    None
                }
            },
        };
        match (room, start, minutes, title, description, proposal) {
            (Some(room), Some(start), Some(m), Some(title), Some(description), Some(proposal)) => Ok(BookingDraft {
                room,
                span: Span::new(start, start + Duration::minutes(m)),
                title,
                description,
                proposal,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::{Lisbon, Vienna};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn hm_(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }
    fn rules() -> Rules {
        Rules { slot_minutes: 30, max_minutes: 120, opens_days_before: None, max_per_person_day: 2 }
    }
    fn hours(day: &str, o: &str, c: &str) -> Hours {
        Hours { day: d(day), opens: hm_(o), closes: hm_(c) }
    }

    #[test]
    fn grid_of_an_ordinary_day() {
        let w = window(&hours("2027-11-18", "09:00", "12:00"), Vienna).unwrap();
        assert_eq!(w.start, t("2027-11-18T08:00:00Z"));
        let s = slots(&w, Duration::minutes(30));
        assert_eq!(s.len(), 6);
        assert_eq!(s[5].end, t("2027-11-18T11:00:00Z"));
        assert_eq!(hm(s[0].start, Vienna), "09:00 CET");
    }

    #[test]
    fn grid_on_daylight_saving_days() {
        // 31 Oct 2027, Vienna: 03:00 CEST becomes 02:00 CET, the hour 02:00-03:00 happens twice.
        let w = window(&hours("2027-10-31", "01:00", "04:00"), Vienna).unwrap();
        let s = slots(&w, Duration::minutes(30));
        assert_eq!(s.len(), 8, "four real hours");
        let labels: Vec<String> = s.iter().map(|x| hm(x.start, Vienna)).collect();
        assert_eq!(labels[2], "02:00 CEST");
        assert_eq!(labels[4], "02:00 CET");
        // 28 Mar 2027: 02:00 CET jumps to 03:00 CEST; 01:00-04:00 is two real hours.
        let w = window(&hours("2027-03-28", "01:00", "04:00"), Vienna).unwrap();
        let s = slots(&w, Duration::minutes(30));
        assert_eq!(s.len(), 4);
        assert_eq!(hm(s[2].start, Vienna), "03:00 CEST");
        // Opening inside the skipped hour starts at the jump.
        let w = window(&hours("2027-03-28", "02:30", "04:00"), Vienna).unwrap();
        assert_eq!(hm(w.start, Vienna), "03:00 CEST");
    }

    #[test]
    fn checks_each_rule() {
        let h = [hours("2027-11-18", "09:00", "18:00")];
        let now = t("2027-11-17T12:00:00Z");
        let start = d("2027-11-17");
        let r = rules();
        let ok = Span::new(t("2027-11-18T09:00:00Z"), t("2027-11-18T10:00:00Z"));
        assert!(check(&ok, &h, &r, start, Vienna, now).is_ok());
        let reason = |s: &str, e: &str, now: DateTime<Utc>, r: &Rules| {
            check(&Span::new(t(s), t(e)), &h, r, start, Vienna, now).unwrap_err().reason()
        };
        assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T09:00:00Z", now, &r), "empty_range");
        assert_eq!(reason("2027-11-18T07:00:00Z", "2027-11-18T08:30:00Z", now, &r), "outside_hours");
        assert_eq!(reason("2027-11-18T16:30:00Z", "2027-11-18T17:30:00Z", now, &r), "outside_hours");
        assert_eq!(reason("2027-11-19T09:00:00Z", "2027-11-19T10:00:00Z", now, &r), "outside_hours");
        assert_eq!(reason("2027-11-18T09:10:00Z", "2027-11-18T09:40:00Z", now, &r), "misaligned");
        assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T11:30:00Z", now, &r), "too_long");
        let later = t("2027-11-18T09:31:00Z");
        assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T09:30:00Z", later, &r), "in_the_past");
        // The running slot can still be taken.
        assert!(check(&Span::new(t("2027-11-18T09:30:00Z"), t("2027-11-18T10:00:00Z")), &h, &r, start, Vienna, later)
            .is_ok());
        let day_before = Rules { opens_days_before: Some(0), ..rules() };
        assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T10:00:00Z", now, &day_before), "not_open_yet");
        let msg = check(&ok, &h, &day_before, start, Vienna, now).unwrap_err().message(Vienna);
        assert!(msg.contains("Thu 18 Nov 2027, 00:00 CET"), "{msg}");
    }

    #[test]
    fn nearest_free_ranges() {
        let w = window(&hours("2027-07-01", "09:00", "13:00"), Lisbon).unwrap();
        let at = |h: u32, m: u32| w.start + Duration::minutes(((h - 9) * 60 + m) as i64);
        let taken = [Span::new(at(10, 0), at(11, 0)), Span::new(at(11, 30), at(12, 0))];
        let now = w.start - Duration::hours(1);
        let free = nearest_free(&w, Duration::minutes(30), &taken, Duration::minutes(60), at(10, 0), now, 3);
        assert_eq!(free, vec![Span::new(at(9, 0), at(10, 0)), Span::new(at(12, 0), at(13, 0))]);
        let free = nearest_free(&w, Duration::minutes(30), &taken, Duration::minutes(30), at(10, 30), now, 2);
        assert_eq!(free, vec![Span::new(at(9, 30), at(10, 0)), Span::new(at(11, 0), at(11, 30))]);
        assert_eq!(slot_owner(&Span::new(at(10, 30), at(11, 0)), &taken), Some(0));
    }

    #[test]
    fn labels() {
        assert_eq!(minutes_label(90), "1 hour 30 minutes");
        assert_eq!(minutes_label(120), "2 hours");
        assert_eq!(minutes_label(30), "30 minutes");
        let s = Span::new(t("2027-11-18T09:00:00Z"), t("2027-11-18T10:30:00Z"));
        assert_eq!(span_label(&s, Vienna), "Thu 18 Nov, 10:00–11:30 CET");
    }

    #[test]
    fn settings_form() {
        let mut f = HashMap::new();
        for (k, v) in [("slot_minutes", "30"), ("max_minutes", "120"), ("opens", "1"), ("max_per_day", "2")] {
            f.insert(k.to_string(), v.to_string());
        }
        f.insert("opens-2027-11-18".into(), "09:00".into());
        f.insert("closes-2027-11-18".into(), "18:00".into());
        let input = SettingsInput::from_form(&f, &[d("2027-11-18"), d("2027-11-19")]);
        let (r, h) = input.parse().unwrap();
        assert_eq!(r.opens_days_before, Some(1));
        assert_eq!(h.len(), 1);
        f.insert("closes-2027-11-18".into(), "18:10".into());
        f.insert("max_minutes".into(), "45".into());
        let e = SettingsInput::from_form(&f, &[d("2027-11-18")]).parse().unwrap_err();
        assert_eq!(e.0.len(), 2, "{:?}", e.0);
    }
}
