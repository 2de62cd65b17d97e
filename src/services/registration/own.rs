//! A registration as its owner sees it: viewing, cancelling, taking an offer.

use super::notify::{notify, ticket_type_name};
use super::views::RegistrationPage;
use super::waitlist::{expire_locked, fill_seats_locked, refresh};
use super::zone;
use crate::domain::registration::{CONFIRMED, OFFERED, WAITLISTED};
use crate::error::AppError;
use crate::services::conferences::organises;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, Registration, SettingsRow};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// A registration as its owner (or an organiser) sees it.
pub fn view(Db(conn): &mut Db, conf: &Conference, r: &Registration) -> Result<RegistrationPage, AppError> {
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    let position = if r.status == WAITLISTED {
        // In order of joining the waitlist, as offers are made.
        let all = repo::for_conference(conn, conf.id)?;
        let key = |x: &Registration| (x.waitlisted_at, x.id);
        Some(all.iter().filter(|(x, _, _)| x.status == WAITLISTED && key(x) <= key(r)).count())
    } else {
        None
    };
    RegistrationPage::new(r, &tt, zone(conf), position)
}

/// The person's registration for the conference (active, else the latest), after lazily ending run-out offers.
pub fn mine(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Option<Registration>, AppError> {
    refresh(conn, st, conf)?;
    Ok(repo::latest_for_user(conn, conf.id, user.id)?)
}

/// One registration by its public id: its owner and the conference's organisers
/// see it; for anyone else it does not exist (404, not 403).
pub fn by_id(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
    id: Uuid,
) -> Result<Registration, AppError> {
    refresh(conn, st, conf)?;
    let r = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if r.user_id == user.id || organises(conn, conf, user)? {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

/// Ends a registration and, in the same transaction, the person's room
/// bookings that have not started (booking needs a confirmed seat); `by` is
/// who cancelled (the person or an organiser).
pub(super) fn cancel_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
    r: &Registration,
    (reason, by): (&str, &User),
) -> Result<Registration, AppError> {
    let cancelled = repo::cancel(conn, r.id)?
        .ok_or_else(|| AppError::Conflict("That registration is already cancelled.".into()))?;
    let bookings = crate::services::rooms::cancel_future_bookings(conn, conf.id, r.user_id, Some(by.id))?;
    let extra = json!({ "reason": reason, "bookings_cancelled": bookings });
    notify(conn, st, conf, &cancelled, "registration_cancelled", extra)?;
    if r.status == CONFIRMED || r.status == OFFERED {
        // The seat goes to the first on the waitlist, in this same transaction.
        fill_seats_locked(conn, st, conf, settings.offer_hours)?;
    }
    Ok(cancelled)
}

/// The person cancels their own active registration (or declines an offer).
pub fn cancel_mine(Db(conn): &mut Db, st: &AppState, user: &User, conf: &Conference) -> Result<Registration, AppError> {
    conn.transaction(|conn| {
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        expire_locked(conn, st, conf, &settings)?;
        let r = repo::active_for_user(conn, conf.id, user.id)?.ok_or(AppError::NotFound)?;
        cancel_locked(conn, st, conf, &settings, &r, ("self", user))
    })
}

/// Takes a live offer: confirmed at the fee fixed when the person joined the waitlist.
pub fn accept_offer(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Registration, AppError> {
    conn.transaction(|conn| {
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        expire_locked(conn, st, conf, &settings)?;
        let r = repo::accept_offer(conn, conf.id, user.id)?
            .ok_or_else(|| AppError::Conflict("There is no open offer for you: it may have expired.".into()))?;
        notify(conn, st, conf, &r, "registration_confirmed", json!({}))?;
        Ok(r)
    })
}
