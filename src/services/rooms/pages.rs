//! What the pages and the API show: the grid of a day, the room board, a person's
//! bookings, a day's bookings for organisers, the booking form's options.

use super::*;
use crate::domain::booking::{self as rules, local_day, span_label, BLOCK};
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::rooms::{self as repo, BookingView};
use crate::repo::users::User;
use crate::services::conferences::require_organiser;
use crate::services::registration::is_confirmed_attendee;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::PgConnection;
use serde_json::{json, Value};
use uuid::Uuid;

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
