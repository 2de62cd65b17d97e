//! Rooms and on-site booking: organisers set up rooms, hours and rules, block
//! rooms, cancel and move bookings; attendees with a confirmed registration book
//! free ranges. The rules are checked in `domain::booking`; the overlap is
//! refused by PostgreSQL (`room_bookings_no_overlap`) and turned into a 409 with
//! the nearest free ranges.

use crate::domain::booking::{
    self as rules, check, local_day, nearest_free, span_label, window, Hours, Refusal, Rules, Span, BLOCK, BOOKING,
};
use crate::domain::ical;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::rooms::{self as repo, Booking, BookingView, NewBooking, Room, RoomValues};
use crate::repo::users::User;
use crate::services::conferences::{is_organiser, require_organiser};
use crate::services::registration::is_confirmed_attendee;
use crate::state::AppState;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use diesel::{Connection, PgConnection};
use serde_json::{json, Value};
use uuid::Uuid;

pub const DEFAULT_RULES: Rules =
    Rules { slot_minutes: 30, max_minutes: 120, opens_days_before: None, max_per_person_day: 2 };

pub fn tz(conf: &Conference) -> Tz {
    crate::services::cfp::tz(conf)
}

/// Every day of the conference.
pub fn conference_days(conf: &Conference) -> Vec<NaiveDate> {
    conf.starts_on.iter_days().take_while(|d| *d <= conf.ends_on).take(60).collect()
}

/// The day a page shows by default: today when the conference runs, else its first day.
pub fn default_day(conf: &Conference, now: DateTime<Utc>) -> NaiveDate {
    let today = local_day(now, tz(conf));
    if today >= conf.starts_on && today <= conf.ends_on {
        today
    } else {
        conf.starts_on
    }
}

/// `[00:00, next 00:00)` of a local day, as instants.
pub fn day_bounds(day: NaiveDate, tz: Tz) -> Span {
    let at = |d: NaiveDate| {
        rules::resolve(d.and_time(NaiveTime::MIN), tz, true).unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
    };
    Span::new(at(day), at(day + Duration::days(1)))
}

// ---- why a booking did not happen ----

#[derive(Debug)]
pub enum BookError {
    /// A rule is broken (422).
    Refused(Refusal),
    /// A field names nothing usable (422).
    Field(FieldError),
    /// No confirmed registration (403).
    NotRegistered,
    /// The range is taken (409), with what to try instead.
    Taken {
        message: String,
        nearest: Vec<Span>,
        free_rooms: Vec<(Uuid, String)>,
    },
    /// The database refused an overlap; turned into `Taken` once the transaction is over.
    Clash,
    App(AppError),
}

impl From<AppError> for BookError {
    fn from(e: AppError) -> Self {
        BookError::App(e)
    }
}

impl From<diesel::result::Error> for BookError {
    fn from(e: diesel::result::Error) -> Self {
        if repo::is_clash(&e) {
            BookError::Clash
        } else {
            BookError::App(e.into())
        }
    }
}

impl BookError {
    pub fn reason(&self) -> &'static str {
        match self {
            BookError::Refused(r) => r.reason(),
            BookError::Field(_) => "invalid",
            BookError::NotRegistered => "not_registered",
            BookError::Taken { .. } | BookError::Clash => "taken",
            BookError::App(_) => "error",
        }
    }

    pub fn message(&self, tz: Tz) -> String {
        match self {
            BookError::Refused(r) => r.message(tz),
            BookError::Field(f) => format!("{}: {}", f.field, f.message),
            BookError::NotRegistered => {
                "Only attendees with a confirmed registration for this conference can book rooms.".into()
            }
            BookError::Taken { message, .. } => message.clone(),
            BookError::Clash => "That range is already taken.".into(),
            BookError::App(e) => e.message(),
        }
    }
}

// ---- rooms (organisers) ----

fn room_values(d: &rules::RoomDraft) -> RoomValues<'_> {
    RoomValues {
        name: &d.name,
        capacity: d.capacity,
        equipment: &d.equipment,
        location: &d.location,
        bookable: d.bookable,
        position: d.position,
    }
}

fn name_taken() -> FieldError {
    FieldError::new("name", "this conference already has a room with that name")
}

pub fn add_room(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    d: &rules::RoomDraft,
) -> Result<Room, BookError> {
    require_organiser(conn, conf, actor)?;
    match repo::insert_room(conn, conf.id, &room_values(d)) {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(BookError::Field(name_taken()))
        }
        other => Ok(other?),
    }
}

pub fn room(conn: &mut PgConnection, conf: &Conference, id: Uuid) -> Result<Room, AppError> {
    repo::room_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)
}

pub fn room_for_edit(conn: &mut PgConnection, actor: &User, conf: &Conference, id: Uuid) -> Result<Room, AppError> {
    require_organiser(conn, conf, actor)?;
    room(conn, conf, id)
}

pub fn update_room(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    d: &rules::RoomDraft,
) -> Result<(), BookError> {
    let r = room_for_edit(conn, actor, conf, id)?;
    match repo::update_room(conn, r.id, &room_values(d)) {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(BookError::Field(name_taken()))
        }
        other => Ok(other?),
    }
}

/// Deletes a room without active bookings (cancelled ones go with it).
pub fn delete_room(conn: &mut PgConnection, actor: &User, conf: &Conference, id: Uuid) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let r = room_for_edit(conn, actor, conf, id)?;
        let n = repo::active_in_room(conn, r.id)?;
        if n > 0 {
            return Err(AppError::Conflict(format!(
                "{} still has {n} active booking{}: cancel or move them first, or make the room not bookable.",
                r.name,
                if n == 1 { "" } else { "s" }
            )));
        }
        repo::delete_room(conn, r.id)?;
        Ok(())
    })
}

pub fn room_json(r: &Room) -> Value {
    json!({
        "id": r.public_id, "name": r.name, "capacity": r.capacity, "equipment": r.equipment,
        "location": r.location, "bookable": r.bookable, "position": r.position,
    })
}

// ---- settings (organisers) ----

/// The settings form as stored (or the defaults), for the conference's days.
pub fn settings_form(conn: &mut PgConnection, conf: &Conference) -> Result<(bool, rules::SettingsInput), AppError> {
    let stored = repo::settings(conn, conf.id)?;
    let hours = repo::hours(conn, conf.id)?;
    let r = stored.as_ref().map(|s| s.rules()).unwrap_or(DEFAULT_RULES);
    let days = conference_days(conf)
        .into_iter()
        .map(|d| {
            let h = hours.iter().find(|h| h.day == d);
            let (o, c) = match (h, stored.is_some()) {
                (Some(h), _) => (h.opens.format("%H:%M").to_string(), h.closes.format("%H:%M").to_string()),
                (None, true) => (String::new(), String::new()),
                (None, false) => ("09:00".into(), "18:00".into()),
            };
            rules::DayInput { day: d, label: d.format("%a %-d %b %Y").to_string(), opens: o, closes: c }
        })
        .collect();
    Ok((
        stored.is_some(),
        rules::SettingsInput {
            slot_minutes: r.slot_minutes.to_string(),
            max_minutes: r.max_minutes.to_string(),
            opens: r.opens_days_before.map(|n| n.to_string()).unwrap_or_else(|| "start".into()),
            max_per_day: r.max_per_person_day.to_string(),
            days,
        },
    ))
}

pub fn save_settings(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    r: &Rules,
    hours: &[Hours],
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        repo::save_settings(conn, conf.id, r)?;
        repo::replace_hours(conn, conf.id, hours)?;
        Ok(())
    })
}

/// The organisers' rooms page.
pub fn manage_view(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    let rooms: Vec<Value> = repo::rooms_of(conn, conf.id)?.iter().map(room_json).collect();
    let (configured, form) = settings_form(conn, conf)?;
    Ok(json!({ "rooms": rooms, "configured": configured, "settings": form }))
}

// ---- the grid ----

fn local_input(t: DateTime<Utc>, tz: Tz) -> String {
    crate::domain::time::input_value(t, tz)
}

fn booking_title(b: &Booking) -> String {
    if b.kind == BLOCK {
        format!("Blocked: {}", b.title)
    } else {
        b.title.clone()
    }
}

/// The grid of bookable rooms x slots for a day: free cells link to a
/// prefilled booking form, taken ones show the title (a booking over several
/// slots is one cell spanning rows).
pub fn grid(
    conn: &mut PgConnection,
    conf: &Conference,
    day: NaiveDate,
    viewer: Option<&User>,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let tz = tz(conf);
    let settings = repo::settings(conn, conf.id)?;
    let hours = repo::hours(conn, conf.id)?;
    let rooms: Vec<Room> = repo::rooms_of(conn, conf.id)?.into_iter().filter(|r| r.bookable).collect();
    let days: Vec<Value> = conference_days(conf)
        .iter()
        .map(|d| json!({ "date": d.to_string(), "label": d.format("%a %-d %b").to_string(), "current": *d == day }))
        .collect();
    let base = json!({
        "day": day.to_string(), "day_label": day.format("%A %-d %B %Y").to_string(), "days": days,
        "time_zone": conf.time_zone, "configured": settings.is_some(),
        "rooms": rooms.iter().map(room_json).collect::<Vec<_>>(),
    });
    let (Some(settings), Some(w)) = (settings, hours.iter().find(|h| h.day == day).and_then(|h| window(h, tz))) else {
        let mut v = base;
        v["rows"] = json!([]);
        return Ok(v);
    };
    let r = settings.rules();
    let slots = rules::slots(&w, r.slot());
    let views = repo::bookings_between(conn, conf.id, w.start, w.end)?;
    let viewer_id = viewer.map(|u| u.id);
    // For each room, the slot index where a booking's cell starts, and how many slots it covers.
    let mut rows: Vec<Value> = Vec::new();
    let mut covered = vec![vec![false; rooms.len()]; slots.len()];
    for (i, s) in slots.iter().enumerate() {
        let mut cells = Vec::new();
        for (j, room) in rooms.iter().enumerate() {
            if covered[i][j] {
                continue;
            }
            let booking = views.iter().find(|v| v.booking.room_id == room.id && v.span().overlaps(s));
            match booking {
                Some(v) => {
                    let span = v.span();
                    let n = slots[i..].iter().take_while(|x| x.overlaps(&span)).count().max(1);
                    for row in covered.iter_mut().skip(i).take(n) {
                        row[j] = true;
                    }
                    cells.push(json!({
                        "taken": true, "rowspan": n, "title": booking_title(&v.booking),
                        "block": v.booking.kind == BLOCK, "mine": Some(v.booking.user_id) == viewer_id,
                        "label": span_label(&span, tz), "room": room.name,
                    }));
                }
                None => {
                    let past = s.end <= now;
                    cells.push(json!({
                        "taken": false, "past": past, "room": room.name, "room_id": room.public_id,
                        "start": local_input(s.start, tz), "time": rules::hm(s.start, tz),
                    }));
                }
            }
        }
        rows.push(json!({
            "time": s.start.with_timezone(&tz).format("%H:%M").to_string(),
            "zone": s.start.with_timezone(&tz).format("%Z").to_string(),
            "now": s.contains(now), "cells": cells,
        }));
    }
    let mut v = base;
    v["rows"] = json!(rows);
    v["opens_at"] = json!(rules::opens_at(day, conf.starts_on, &r, tz)
        .with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string());
    v["open"] = json!(now >= rules::opens_at(day, conf.starts_on, &r, tz));
    v["hours_label"] = json!(format!("{}–{}", rules::hm(w.start, tz), rules::hm(w.end, tz)));
    v["slot_minutes"] = json!(r.slot_minutes);
    v["max_label"] = json!(rules::minutes_label(r.max_minutes));
    v["max_per_day"] = json!(r.max_per_person_day);
    Ok(v)
}

// ---- booking ----

/// Which room a request names: its id, or (over the API) its name.
pub enum RoomRef {
    Id(Uuid),
    Name(String),
}

pub struct Request {
    pub room: RoomRef,
    pub span: Span,
    pub title: String,
    pub description: String,
    pub proposal: Option<Uuid>,
}

/// The person's unconference proposals in this conference a booking may link to.
pub fn own_unconference_proposals(
    conn: &mut PgConnection,
    conf: &Conference,
    user: &User,
) -> Result<Vec<(Uuid, String, i64)>, AppError> {
    Ok(crate::repo::proposals::of_person(conn, user.id)?
        .into_iter()
        .filter(|(r, c)| {
            *c == conf.id && r.call_kind == "unconference" && !matches!(r.state.as_str(), "withdrawn" | "rejected")
        })
        .map(|(r, _)| (r.public_id, r.title, r.id))
        .collect())
}

/// Books a range for a confirmed attendee. Rules first (nothing stored when one
/// is broken), then in one transaction: the person's lock, the per-day limit,
/// and the insert the exclusion constraint may refuse.
pub fn book(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    req: &Request,
    now: DateTime<Utc>,
) -> Result<BookingView, BookError> {
    let tz = tz(conf);
    crate::services::policy::require_verified(user)?;
    if !is_confirmed_attendee(conn, conf.id, user.id)? {
        return Err(BookError::NotRegistered);
    }
    let setup = setup(conn, st, conf)?;
    let settings = setup.settings.clone().ok_or_else(|| {
        BookError::Field(FieldError::new("room", "room booking is not set up for this conference yet"))
    })?;
    let room = setup
        .room(&req.room)
        .cloned()
        .ok_or_else(|| BookError::Field(FieldError::new("room", "there is no such room in this conference")))?;
    if !room.bookable {
        return Err(BookError::Field(FieldError::new("room", format!("{} cannot be booked by attendees", room.name))));
    }
    let proposal = match req.proposal {
        None => None,
        Some(pid) => {
            Some(own_unconference_proposals(conn, conf, user)?.into_iter().find(|(id, _, _)| *id == pid).ok_or_else(
                || BookError::Field(FieldError::new("proposal", "choose one of your own unconference proposals")),
            )?)
        }
    };
    let proposal_id = proposal.as_ref().map(|(_, _, id)| *id);
    let r = settings.rules();
    let w = check(&req.span, &setup.hours, &r, conf.starts_on, tz, now).map_err(BookError::Refused)?;
    let result = conn.transaction(|conn| -> Result<Booking, BookError> {
        repo::lock_person(conn, conf.id, user.id)?;
        let day = day_bounds(w.day, tz);
        if repo::active_count(conn, conf.id, user.id, day.start, day.end, now)? >= r.max_per_person_day {
            return Err(BookError::Refused(Refusal::OverLimit { max: r.max_per_person_day }));
        }
        Ok(repo::insert_booking(
            conn,
            &NewBooking {
                conference_id: conf.id,
                room_id: room.id,
                user_id: user.id,
                kind: BOOKING,
                title: &req.title,
                description: &req.description,
                proposal_id,
                span: req.span,
            },
        )?)
    });
    match result {
        // Everything the view shows is at hand: no query to read it back.
        Ok(booking) => Ok(BookingView {
            booking,
            room_public_id: room.public_id,
            room_name: room.name.clone(),
            room_location: room.location.clone(),
            booker_name: user.name.clone(),
            proposal_public_id: proposal.as_ref().map(|(id, _, _)| *id),
            proposal_title: proposal.map(|(_, title, _)| title),
        }),
        Err(BookError::Clash) => Err(taken_with(conn, conf, &setup, &room, &req.span, None, now)?),
        Err(e) => Err(e),
    }
}

/// A conference's room-booking setup: the rules, the bookable hours and the
/// rooms. Read on every booking and changed rarely, so it is remembered for
/// the page cache's TTL (an organiser's change through this instance shows at
/// once; the database still refuses any clash).
pub struct Setup {
    pub settings: Option<repo::SettingsRow>,
    pub hours: Vec<Hours>,
    pub rooms: Vec<Room>,
}

impl Setup {
    /// A room by its id, or by its name in any case.
    fn room(&self, r: &RoomRef) -> Option<&Room> {
        let id = match r {
            RoomRef::Id(id) => Some(*id),
            RoomRef::Name(n) => Uuid::parse_str(n.trim()).ok(),
        };
        match (id, r) {
            (Some(id), _) => self.rooms.iter().find(|room| room.public_id == id),
            (None, RoomRef::Name(n)) => {
                self.rooms.iter().find(|room| room.name.to_lowercase() == n.trim().to_lowercase())
            }
            (None, RoomRef::Id(_)) => None,
        }
    }
}

fn setup(conn: &mut PgConnection, st: &AppState, conf: &Conference) -> Result<std::sync::Arc<Setup>, AppError> {
    st.pages.memo(format!("room-setup:{}", conf.id), || -> Result<Setup, AppError> {
        Ok(Setup {
            settings: repo::settings(conn, conf.id)?,
            hours: repo::hours(conn, conf.id)?,
            rooms: repo::rooms_of(conn, conf.id)?,
        })
    })
}

fn view_of(conn: &mut PgConnection, conf: &Conference, b: &Booking) -> Result<BookingView, BookError> {
    let span = b.span();
    repo::bookings_between(conn, conf.id, span.start, span.end)?
        .into_iter()
        .find(|v| v.booking.id == b.id)
        .ok_or(BookError::App(AppError::NotFound))
}

/// What a person reads when a range is taken: who holds it, the nearest free
/// ranges of the same length in that room, and other rooms free then.
fn taken(
    conn: &mut PgConnection,
    conf: &Conference,
    room: &Room,
    want: &Span,
    except: Option<i64>,
    now: DateTime<Utc>,
) -> Result<BookError, AppError> {
    let setup =
        Setup { settings: repo::settings(conn, conf.id)?, hours: repo::hours(conn, conf.id)?, rooms: Vec::new() };
    taken_with(conn, conf, &setup, room, want, except, now)
}

fn taken_with(
    conn: &mut PgConnection,
    conf: &Conference,
    setup: &Setup,
    room: &Room,
    want: &Span,
    except: Option<i64>,
    now: DateTime<Utc>,
) -> Result<BookError, AppError> {
    let tz = tz(conf);
    let day = local_day(want.start, tz);
    let bounds = day_bounds(day, tz);
    let clashing: Vec<Booking> = repo::taken_in_room(conn, room.id, want.start, want.end)?
        .into_iter()
        .filter(|b| Some(b.id) != except)
        .collect();
    let held = clashing
        .iter()
        .map(|b| format!("“{}” ({})", booking_title(b), span_label(&b.span(), tz)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut nearest = Vec::new();
    if let (Some(settings), Some(w)) =
        (&setup.settings, setup.hours.iter().find(|h| h.day == day).and_then(|h| window(h, tz)))
    {
        let taken: Vec<Span> = repo::taken_in_room(conn, room.id, bounds.start, bounds.end)?
            .iter()
            .filter(|b| Some(b.id) != except)
            .map(Booking::span)
            .collect();
        let len = want.end - want.start;
        nearest = nearest_free(&w, settings.rules().slot(), &taken, len, want.start, now, 3);
    }
    let free_rooms = repo::free_rooms(conn, conf.id, room.id, want.start, want.end)?;
    let mut message = if held.is_empty() {
        format!("{} is already booked then.", room.name)
    } else {
        format!("{} is already booked then: {held}.", room.name)
    };
    if nearest.is_empty() {
        message.push_str(" There is no free range of that length in this room that day.");
    } else {
        let list = nearest.iter().map(|s| span_label(s, tz)).collect::<Vec<_>>().join("; ");
        message.push_str(&format!(" Nearest free in {}: {list}.", room.name));
    }
    if !free_rooms.is_empty() {
        let names = free_rooms.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
        message.push_str(&format!(" Free at that time: {names}."));
    }
    Ok(BookError::Taken { message, nearest, free_rooms })
}

/// Cancels a booking: its owner or an organiser. Anyone else gets 404, as if it
/// did not exist.
pub fn cancel(conn: &mut PgConnection, actor: &User, conf: &Conference, id: Uuid) -> Result<BookingView, AppError> {
    conn.transaction(|conn| {
        let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
        let own = b.user_id == actor.id && b.kind == BOOKING;
        if !own && !is_organiser(conn, conf, actor)? {
            return Err(AppError::NotFound);
        }
        if b.cancelled_at.is_some() {
            return Err(AppError::Conflict("That booking was cancelled already.".into()));
        }
        let view = view_of(conn, conf, &b).map_err(|e| match e {
            BookError::App(a) => a,
            other => AppError::internal(other.message(Tz::UTC)),
        })?;
        repo::cancel(conn, b.id, actor.id)?;
        Ok(view)
    })
}

/// Ends a person's room bookings that have not started, inside the caller's
/// transaction: called when their registration ends (cancelled by them or an
/// organiser, or a seat that lapsed), since booking needs a confirmed seat.
/// Returns how many were cancelled.
pub fn cancel_future_bookings(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    by: Option<i64>,
) -> Result<usize, AppError> {
    Ok(repo::cancel_future_of_person(conn, conference_id, user_id, by)?)
}

// ---- organisers: blocks and moves ----

fn clash_list(
    conn: &mut PgConnection,
    conf: &Conference,
    room: &Room,
    span: &Span,
    except: Option<i64>,
) -> Result<BookError, AppError> {
    taken(conn, conf, room, span, except, Utc::now())
}

/// Blocks a room for a period (any length, outside the hours too); it may not
/// overlap active bookings: those are cancelled or moved first.
pub fn block(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    room: Uuid,
    span: Span,
    title: &str,
) -> Result<(), BookError> {
    require_organiser(conn, conf, actor)?;
    let room = self::room(conn, conf, room)?;
    if span.end <= span.start {
        return Err(BookError::Refused(Refusal::Empty));
    }
    let r = conn.transaction(|conn| -> Result<Booking, BookError> {
        Ok(repo::insert_booking(
            conn,
            &NewBooking {
                conference_id: conf.id,
                room_id: room.id,
                user_id: actor.id,
                kind: BLOCK,
                title,
                description: "",
                proposal_id: None,
                span,
            },
        )?)
    });
    match r {
        Ok(_) => Ok(()),
        Err(BookError::Clash) => Err(clash_list(conn, conf, &room, &span, None)?),
        Err(e) => Err(e),
    }
}

/// Moves any booking to a room and range (organisers; the rules for attendees do
/// not bind them, the no-overlap constraint does).
pub fn move_booking(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    room: Uuid,
    span: Span,
) -> Result<(), BookError> {
    require_organiser(conn, conf, actor)?;
    let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if b.cancelled_at.is_some() {
        return Err(BookError::App(AppError::Conflict("That booking is cancelled.".into())));
    }
    let room = self::room(conn, conf, room)?;
    if span.end <= span.start {
        return Err(BookError::Refused(Refusal::Empty));
    }
    let r = conn.transaction(|conn| -> Result<(), BookError> { Ok(repo::move_to(conn, b.id, room.id, &span)?) });
    match r {
        Err(BookError::Clash) => Err(clash_list(conn, conf, &room, &span, Some(b.id))?),
        other => other,
    }
}

pub fn booking_for_move(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    id: Uuid,
) -> Result<(BookingView, Vec<Room>), AppError> {
    require_organiser(conn, conf, actor)?;
    let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    let v = view_of(conn, conf, &b).map_err(|e| match e {
        BookError::App(a) => a,
        _ => AppError::NotFound,
    })?;
    Ok((v, repo::rooms_of(conn, conf.id)?))
}

// ---- lists ----

pub fn booking_json(v: &BookingView, tz: Tz, now: DateTime<Utc>) -> Value {
    let s = v.span();
    json!({
        "id": v.booking.public_id, "kind": v.booking.kind, "title": v.booking.title,
        "display_title": booking_title(&v.booking),
        "description": v.booking.description,
        "room": { "id": v.room_public_id, "name": v.room_name },
        "starts_at": s.start.to_rfc3339(), "ends_at": s.end.to_rfc3339(),
        "starts_local": local_input(s.start, tz), "ends_local": local_input(s.end, tz),
        "minutes": s.minutes(),
        "label": span_label(&s, tz), "time_zone": tz.name(),
        "proposal": v.proposal_public_id, "proposal_title": v.proposal_title,
        "cancelled": v.booking.cancelled_at.is_some(), "past": s.end <= now,
    })
}

/// The public fields only (no booker), for the API and feeds.
pub fn public_json(v: &BookingView, tz: Tz) -> Value {
    let s = v.span();
    json!({
        "id": v.booking.public_id, "kind": v.booking.kind, "title": v.booking.title,
        "description": v.booking.description,
        "room": { "id": v.room_public_id, "name": v.room_name },
        "starts_at": s.start.to_rfc3339(), "ends_at": s.end.to_rfc3339(),
        "label": span_label(&s, tz), "time_zone": tz.name(),
        "proposal": v.proposal_public_id,
    })
}

pub fn mine(conn: &mut PgConnection, user: &User, conf: &Conference, now: DateTime<Utc>) -> Result<Value, AppError> {
    let tz = tz(conf);
    let list: Vec<Value> = repo::of_user(conn, conf.id, user.id)?.iter().map(|v| booking_json(v, tz, now)).collect();
    let registered = is_confirmed_attendee(conn, conf.id, user.id)?;
    Ok(json!({ "bookings": list, "registered": registered }))
}

/// All bookings of a day for organisers, with who booked.
pub fn manage_bookings(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = tz(conf);
    let d = day_bounds(day, tz);
    let list: Vec<Value> = repo::bookings_between(conn, conf.id, d.start, d.end)?
        .iter()
        .map(|v| {
            let mut j = booking_json(v, tz, now);
            j["booker"] = json!(v.booker_name);
            j
        })
        .collect();
    let rooms: Vec<Value> = repo::rooms_of(conn, conf.id)?.iter().map(room_json).collect();
    let days: Vec<Value> = conference_days(conf)
        .iter()
        .map(|x| json!({ "date": x.to_string(), "label": x.format("%a %-d %b").to_string(), "current": *x == day }))
        .collect();
    Ok(json!({
        "bookings": list, "rooms": rooms, "days": days, "day": day.to_string(),
        "day_label": day.format("%A %-d %B %Y").to_string(), "time_zone": conf.time_zone,
    }))
}

/// The room board: for each room what is on now and what comes next (within a
/// week; the day is named when it is not today), in large type.
pub fn board(conn: &mut PgConnection, conf: &Conference, now: DateTime<Utc>) -> Result<Value, AppError> {
    let tz = tz(conf);
    let today = local_day(now, tz);
    let views = repo::now_and_next(conn, conf.id, now, now + Duration::days(7))?;
    let rooms: Vec<Value> = repo::rooms_of(conn, conf.id)?
        .iter()
        .map(|r| {
            let mine: Vec<&BookingView> = views.iter().filter(|v| v.booking.room_id == r.id).collect();
            let current = mine.iter().find(|v| v.span().contains(now));
            let next = mine.iter().find(|v| v.span().start > now);
            let item = |v: &BookingView| {
                let s = v.span();
                let start = s.start.with_timezone(&tz);
                let day =
                    if start.date_naive() == today { String::new() } else { start.format("%a %-d %b").to_string() };
                json!({
                    "title": booking_title(&v.booking), "day": day,
                    "from": start.format("%H:%M").to_string(),
                    "until": s.end.with_timezone(&tz).format("%H:%M").to_string(),
                    "block": v.booking.kind == BLOCK,
                })
            };
            json!({
                "name": r.name, "location": r.location, "capacity": r.capacity, "bookable": r.bookable,
                "now": current.map(|v| item(v)), "next": next.map(|v| item(v)),
            })
        })
        .collect();
    Ok(json!({
        "rooms": rooms,
        "clock": now.with_timezone(&tz).format("%H:%M").to_string(),
        "zone": now.with_timezone(&tz).format("%Z").to_string(),
        "date": now.with_timezone(&tz).format("%A %-d %B %Y").to_string(),
        "time_zone": conf.time_zone,
    }))
}

/// The iCalendar feed of all bookings, or of one room.
pub fn ical_feed(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    room: Option<Uuid>,
) -> Result<String, AppError> {
    let room = match room {
        Some(id) => Some(self::room(conn, conf, id)?),
        None => None,
    };
    let list = repo::all_active(conn, conf.id, room.as_ref().map(|r| r.id))?;
    let host = st.config.base_url.split("://").nth(1).unwrap_or("plumbline").split('/').next().unwrap_or("plumbline");
    let link = format!("{}/c/{}/rooms", st.config.base_url, conf.slug);
    let summaries: Vec<String> = list.iter().map(|v| booking_title(&v.booking)).collect();
    let locations: Vec<String> = list
        .iter()
        .map(|v| {
            if v.room_location.is_empty() {
                v.room_name.clone()
            } else {
                format!("{}, {}", v.room_name, v.room_location)
            }
        })
        .collect();
    let events: Vec<ical::Event> = list
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let s = v.span();
            ical::Event {
                uid: format!("booking-{}@{host}", v.booking.public_id),
                stamp: v.booking.updated_at,
                start: s.start,
                end: s.end,
                summary: &summaries[i],
                description: &v.booking.description,
                location: &locations[i],
                url: Some(format!("{link}?date={}", local_day(s.start, tz(conf)))),
            }
        })
        .collect();
    let name = match &room {
        Some(r) => format!("{} · {}", r.name, conf.name),
        None => format!("Room bookings · {}", conf.name),
    };
    Ok(ical::calendar(&name, &events))
}

/// Bookings of one room on one day, for the API.
pub fn room_day(conn: &mut PgConnection, conf: &Conference, room: Uuid, day: NaiveDate) -> Result<Value, AppError> {
    let tz = tz(conf);
    let r = self::room(conn, conf, room)?;
    let d = day_bounds(day, tz);
    let list: Vec<Value> = repo::bookings_between(conn, conf.id, d.start, d.end)?
        .iter()
        .filter(|v| v.booking.room_id == r.id)
        .map(|v| public_json(v, tz))
        .collect();
    Ok(json!({ "room": room_json(&r), "date": day.to_string(), "time_zone": tz.name(), "bookings": list }))
}

/// What the booking form offers: bookable rooms, lengths on the slot grid,
/// the person's unconference proposals.
pub fn form_options(conn: &mut PgConnection, conf: &Conference, user: &User) -> Result<Value, AppError> {
    let settings = repo::settings(conn, conf.id)?;
    let r = settings.as_ref().map(|s| s.rules()).unwrap_or(DEFAULT_RULES);
    let lengths: Vec<Value> = (1..=(r.max_minutes / r.slot_minutes.max(1)))
        .map(|n| n * r.slot_minutes)
        .map(|m| json!({ "minutes": m.to_string(), "label": rules::minutes_label(m) }))
        .collect();
    let rooms: Vec<Value> = repo::rooms_of(conn, conf.id)?.iter().filter(|r| r.bookable).map(room_json).collect();
    let proposals: Vec<Value> = own_unconference_proposals(conn, conf, user)?
        .into_iter()
        .map(|(id, title, _)| json!({ "id": id.to_string(), "title": title }))
        .collect();
    Ok(json!({
        "configured": settings.is_some(), "rooms": rooms, "lengths": lengths, "proposals": proposals,
        "registered": is_confirmed_attendee(conn, conf.id, user.id)?,
        "slot_minutes": r.slot_minutes, "time_zone": conf.time_zone,
    }))
}
