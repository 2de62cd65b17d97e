//! Organisers set up the rooms and the booking settings (hours and rules).

use super::views::{ManagePage, RoomList, RoomView};
use super::*;
use crate::domain::booking::{self as rules, Hours, Rules};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms::{self as repo, Room, RoomValues};
use crate::services::repo::users::User;
use crate::services::Db;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

// ---- rooms (organisers) ----

pub(super) fn room_values(d: &rules::RoomDraft) -> RoomValues<'_> {
    RoomValues {
        name: &d.name,
        capacity: d.capacity,
        equipment: &d.equipment,
        location: &d.location,
        bookable: d.bookable,
        position: d.position,
        open_to: d.open_to,
    }
}

pub(super) fn name_taken() -> FieldError {
    FieldError::new("name", "this conference already has a room with that name")
}

pub fn add_room(Db(conn): &mut Db, actor: &User, conf: &Conference, d: &rules::RoomDraft) -> Result<Room, BookError> {
    check_organiser(conn, conf, actor)?;
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

pub fn room_for_edit(Db(conn): &mut Db, actor: &User, conf: &Conference, id: Uuid) -> Result<Room, AppError> {
    check_organiser(conn, conf, actor)?;
    room(conn, conf, id)
}

pub fn update_room(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    d: &rules::RoomDraft,
) -> Result<(), BookError> {
    let r = room_for_edit(&mut Db::new(conn), actor, conf, id)?;
    match repo::update_room(conn, r.id, &room_values(d)) {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(BookError::Field(name_taken()))
        }
        other => Ok(other?),
    }
}

/// Deletes a room without active bookings (cancelled ones go with it).
pub fn delete_room(Db(conn): &mut Db, actor: &User, conf: &Conference, id: Uuid) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let r = room_for_edit(&mut Db::new(conn), actor, conf, id)?;
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

/// A room as the pages and the API show it.
/// Every room of the conference (bookable or not), in the board's order, as the API lists them.
/// The API's rooms of the conference.
pub fn public_rooms(Db(conn): &mut Db, conf: &Conference) -> Result<RoomList, AppError> {
    let rooms = repo::rooms_of(conn, conf.id)?.iter().map(RoomView::from).collect();
    Ok(RoomList { rooms, time_zone: conf.time_zone })
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
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    r: &Rules,
    hours: &[Hours],
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        repo::save_settings(conn, conf.id, r)?;
        repo::replace_hours(conn, conf.id, hours)?;
        Ok(())
    })
}

/// The organisers' rooms page.
pub fn manage_view(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<ManagePage, AppError> {
    check_organiser(conn, conf, actor)?;
    let rooms = repo::rooms_of(conn, conf.id)?.iter().map(RoomView::from).collect();
    let (configured, settings) = settings_form(conn, conf)?;
    Ok(ManagePage { rooms, configured, settings })
}
