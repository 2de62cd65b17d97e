//! The waitlist: offers of freed seats, offers and unpaid holds that run out.

use super::notify::notify;
use super::zone;
use crate::domain::fees::format_local;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, SettingsRow};
use crate::services::Db;
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde_json::json;

/// Offers free seats to the waitlist, in order, each offer by mail. Call with the
/// settings row locked.
pub(crate) fn fill_seats_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    offer_hours: i32,
) -> Result<usize, AppError> {
    let mut n = 0;
    while let Some(offer) = repo::offer_next(conn, conf.id, offer_hours)? {
        notify(conn, st, conf, &offer, "registration_offer", json!({ "hours": offer_hours }))?;
        n += 1;
    }
    Ok(n)
}

/// Ends offers that ran out, moves unpaid seats whose hold ran out to the back
/// of the waitlist, and passes the freed seats on. Call with the settings row
/// locked. Returns how many offers and holds ended.
pub(crate) fn expire_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
) -> Result<usize, AppError> {
    let expired = repo::expire_due_offers(conn, conf.id)?;
    for r in &expired {
        notify(conn, st, conf, r, "registration_cancelled", json!({ "reason": "expired", "bookings_cancelled": 0 }))?;
    }
    let lapsed = lapse_locked(conn, st, conf, settings)?;
    fill_seats_locked(conn, st, conf, settings.offer_hours)?;
    Ok(expired.len() + lapsed)
}

/// Unpaid seats past their hold go to the back of the waitlist rather than
/// being cancelled: the person keeps their fee and a place in the queue
/// without registering again, while those who waited longer get the seat
/// first. Their bookings that have not started end with the seat.
pub(super) fn lapse_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
) -> Result<usize, AppError> {
    let lapsed = repo::lapse_due_holds(conn, conf.id)?;
    let tz = zone(conf);
    for l in &lapsed {
        let r = &l.registration;
        let bookings = crate::services::rooms::cancel_future_bookings(conn, conf.id, r.user_id, None)?;
        let extra = json!({
            "held_until": format_local(l.held_until, tz), "hold_hours": settings.hold_hours,
            "bookings_cancelled": bookings,
        });
        notify(conn, st, conf, r, "registration_lapsed", extra)?;
    }
    Ok(lapsed.len())
}

/// Lazily ends the conference's run-out offers and holds (cheap when there are none).
pub fn refresh(conn: &mut PgConnection, st: &AppState, conf: &Conference) -> Result<(), AppError> {
    if !repo::has_due_deadlines(conn, conf.id)? {
        return Ok(());
    }
    conn.transaction(|conn| {
        if let Some(s) = repo::lock_settings(conn, conf.id)? {
            expire_locked(conn, st, conf, &s)?;
        }
        Ok(())
    })
}

/// The periodic sweep (the worker calls it), so run-out offers and unpaid
/// holds pass on without traffic. Safe with any number of app instances: each
/// conference is settled under its settings row lock, and the statements that
/// end offers and holds only touch rows still due, so a second run (here or in
/// another instance) finds nothing and mails nobody twice.
pub fn expire_deadlines(Db(conn): &mut Db, st: &AppState) -> Result<usize, AppError> {
    let mut n = 0;
    for conference_id in repo::conferences_with_due_deadlines(conn)? {
        n += conn.transaction(|conn| -> Result<usize, AppError> {
            let conf = repo::conference_by_id(conn, conference_id)?;
            match repo::lock_settings(conn, conference_id)? {
                Some(s) => expire_locked(conn, st, &conf, &s),
                None => Ok(0),
            }
        })?;
    }
    if n > 0 {
        // Seats changed without a request: cached pages ("full", the room board) are stale.
        st.pages.written();
    }
    Ok(n)
}
