//! Demo rooms, booking hours and bookings.

use crate::error::AppError;
use crate::services::repo::users;
use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};

/// (name, seats, equipment, where, attendees book it)
const DEMO_ROOMS: &[(&str, i32, &str, &str, bool)] = &[
    ("Hall A", 600, "stage, projector, microphones, streaming", "Ground floor", false),
    ("Room 1.61", 20, "projector, whiteboard", "First floor, east wing", true),
    ("Room 1.62", 12, "whiteboard", "First floor, east wing", true),
    ("Room 1.85", 30, "projector, video call kit", "First floor, west wing", true),
    ("Room 2.15", 10, "whiteboard, round table", "Second floor", true),
];

/// (room, local start "HH:MM", minutes, title)
const DEMO_BOOKINGS: &[(&str, &str, i64, &str)] = &[
    ("Room 1.61", "09:00", 60, "BoF: kernel CI results nobody reads"),
    ("Room 1.62", "10:30", 60, "Rust for Linux: reviewing the block abstractions"),
    ("Room 1.85", "13:00", 90, "sched_ext hacking session"),
    ("Room 2.15", "14:00", 60, "io_uring and containers: planning"),
    ("Room 1.61", "16:00", 60, "Tracing tools users meet-up"),
    ("Room 1.62", "19:00", 60, "Kernel documentation sprint"),
];

/// Rooms (four small ones and a hall attendees cannot book) and booking rules
/// for a conference; for the running one, bookings today by confirmed
/// attendees, one happening now, and the hall blocked for the microconferences.
/// Rooms are created once; hours follow the conference's moving dates, and
/// today's bookings are added when today has none, so every run stays live.
pub(super) fn rooms_demo(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    attendee: i64,
    running: bool,
) -> Result<(), AppError> {
    use crate::domain::booking::{resolve, BookingKind, Hours, Rules, Span};
    use crate::services::repo::rooms::{self as rr, NewBooking, RoomValues};
    use chrono::NaiveTime;
    if rr::rooms_of(conn, conf.id)?.is_empty() {
        for (i, (name, capacity, equipment, location, bookable)) in DEMO_ROOMS.iter().enumerate() {
            rr::insert_room(
                conn,
                conf.id,
                &RoomValues {
                    name,
                    capacity: *capacity,
                    equipment,
                    location,
                    bookable: *bookable,
                    position: i as i32,
                    open_to: "own",
                },
            )?;
        }
        let opens_days_before = if running { None } else { Some(1) };
        rr::save_settings(
            conn,
            conf.id,
            &Rules { slot_minutes: 30, max_minutes: 120, opens_days_before, max_per_person_day: 2 },
        )?;
    }
    let days = crate::services::rooms::conference_days(conf);
    let (open_h, close_h) = if running { (8, 22) } else { (9, 18) };
    let hm = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
    if !rr::hours(conn, conf.id)?.iter().any(|h| days.contains(&h.day)) {
        let hours: Vec<Hours> =
            days.iter().map(|d| Hours { day: *d, opens: hm(open_h), closes: hm(close_h) }).collect();
        rr::replace_hours(conn, conf.id, &hours)?;
    }
    if !running {
        return Ok(());
    }
    let tz = crate::services::rooms::tz(conf);
    let now = Utc::now();
    let today = crate::domain::booking::local_day(now, tz);
    let bounds = crate::services::rooms::day_bounds(today, tz);
    if !rr::bookings_between(conn, conf.id, bounds.start, bounds.end)?.is_empty() {
        return Ok(());
    }
    let rooms = rr::rooms_of(conn, conf.id)?;
    let room = |name: &str| rooms.iter().find(|r| r.name == name).map(|r| r.id);
    // Bookers: confirmed attendees, the demo attendee first.
    let mut people = vec![attendee];
    for i in 1..=22 {
        if let Some(u) = users::find_by_email(conn, &format!("person{i:02}@example.org"))? {
            people.push(u.id);
        }
    }
    let mut bookers = Vec::new();
    for id in people {
        if crate::services::repo::registrations::is_confirmed(conn, conf.id, id)? {
            bookers.push(id);
        }
    }
    let bof = crate::services::repo::proposals::of_person(conn, attendee)?
        .into_iter()
        .find(|(r, c)| *c == conf.id && r.call_kind == crate::domain::proposal::CallKind::Unconference)
        .map(|(r, _)| r.id);
    let at = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").ok().and_then(|t| resolve(today.and_time(t), tz, true));
    // (room, range, title, kind, booker, linked proposal)
    type Wanted<'a> = (i64, Span, &'a str, BookingKind, i64, Option<i64>);
    let mut wanted: Vec<Wanted> = Vec::new();
    for (i, (name, start, minutes, title)) in DEMO_BOOKINGS.iter().enumerate() {
        let (Some(room_id), Some(start), Some(user)) = (room(name), at(start), bookers.get(i % bookers.len().max(1)))
        else {
            continue;
        };
        let proposal = if i == 0 { bof } else { None };
        wanted.push((
            room_id,
            Span::new(start, start + Duration::minutes(*minutes)),
            title,
            BookingKind::Booking,
            *user,
            proposal,
        ));
    }
    // Something on now, on the half hour, when the rooms are open.
    let local = now.with_timezone(&tz).time();
    if local >= hm(open_h) && local < hm(close_h - 1) {
        let minute = chrono::Timelike::minute(&local);
        let slot =
            now - Duration::minutes((minute % 30) as i64) - Duration::seconds(chrono::Timelike::second(&local) as i64);
        if let (Some(room_id), Some(user)) = (room("Room 2.15"), bookers.get(6 % bookers.len().max(1))) {
            wanted.push((
                room_id,
                Span::new(slot, slot + Duration::minutes(60)),
                "Hallway track overflow: BPF questions",
                BookingKind::Booking,
                *user,
                None,
            ));
        }
    }
    for (room_id, span, title, kind, user_id, proposal_id) in wanted {
        let nb = NewBooking {
            conference_id: conf.id,
            room_id,
            user_id,
            kind,
            title,
            description: "Demo booking: all welcome.",
            proposal_id,
            span,
        };
        // Each in its own savepoint: a clash with a real booking skips the demo one.
        match conn.transaction(|c| rr::insert_booking(c, &nb)) {
            Err(e) if rr::is_clash(&e) => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}
