//! A registration as its owner sees it: viewing, cancelling, taking an offer.

use super::notify::{notify, ticket_type_name};
use super::views::{PaymentPart, RegistrationPage};
use super::waitlist::{expire_locked, fill_seats_locked, refresh};
use super::zone;
use crate::domain::registration::Status;
use crate::error::AppError;
use crate::services::conferences::organises;
use crate::services::policy;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, Registration, SettingsRow};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// A registration as its owner (or an organiser) sees it.
pub fn view(
    Db(conn): &mut Db,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<RegistrationPage, AppError> {
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    let position = if r.status == Status::Waitlisted {
        // In order of joining the waitlist, as offers are made.
        let all = repo::for_conference(conn, conf.id)?;
        let key = |x: &Registration| (x.waitlisted_at, x.id);
        Some(all.iter().filter(|(x, _, _)| x.status == Status::Waitlisted && key(x) <= key(r)).count())
    } else {
        None
    };
    let mut page = RegistrationPage::new(r, &tt, zone(conf), position)?;
    page.payment = payment_part(conn, st, conf, r)?;
    Ok(page)
}

/// How the person can pay, and what they paid.
fn payment_part(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<PaymentPart, AppError> {
    let due = r.payment_status.is_due() && r.is_active() && r.fee_minor > 0;
    let types = repo::ticket_types(conn, conf.id)?;
    let payee = crate::services::repo::payments::settings(conn, conf.id)?;
    let bank_transfer = due
        && !payee.bank_details.trim().is_empty()
        && types.iter().any(|t| t.id == r.ticket_type_id && t.bank_transfer);
    let receipt = crate::services::repo::payments::receipt(conn, r.id)?;
    Ok(PaymentPart {
        due,
        card: due && st.config.stripe.is_some(),
        bank_transfer,
        payee: if payee.legal_name.is_empty() { conf.name.clone() } else { payee.legal_name },
        payee_address: payee.address,
        payee_tax_id: payee.tax_id,
        bank_details: payee.bank_details,
        receipt_number: receipt.map(|(n, _)| crate::domain::payment::receipt_label(&conf.slug, n)),
        amount_paid: (r.amount_paid_minor > 0).then(|| super::money(r.amount_paid_minor, &r.currency)),
        amount_refunded: (r.amount_refunded_minor > 0).then(|| super::money(r.amount_refunded_minor, &r.currency)),
        method: crate::services::payments::method_label(r.payment_method),
    })
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
    policy::require_owner_or_organiser(r.user_id == user.id, organises(conn, conf, user)?)?;
    Ok(r)
}

/// The person's latest registration, as "your registration" shows it.
pub fn my_page(
    db: &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Option<RegistrationPage>, AppError> {
    mine(db, st, user, conf)?.map(|r| view(db, st, conf, &r)).transpose()
}

/// A registration by id, as its receipt shows it (its owner or an organiser).
pub fn receipt(
    db: &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
    id: Uuid,
) -> Result<Option<RegistrationPage>, AppError> {
    let r = by_id(db, st, user, conf, id)?;
    view(db, st, conf, &r).map(Some)
}

/// Ends a registration and, in the same transaction, the person's room
/// bookings that have not started (booking needs a confirmed seat); `by` is
/// who cancelled (the person or an organiser).
pub(crate) fn cancel_locked(
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
    if r.status == Status::Confirmed || r.status == Status::Offered {
        // The seat goes to the first on the waitlist, in this same transaction.
        fill_seats_locked(conn, st, conf, settings.offer_hours)?;
    }
    Ok(cancelled)
}

/// The person cancels their own active registration (or declines an offer).
pub fn cancel_mine(Db(conn): &mut Db, st: &AppState, user: &User, conf: &Conference) -> Result<Registration, AppError> {
    seats_locked(conn, st, conf, |conn, settings| {
        let r = repo::active_for_user(conn, conf.id, user.id)?.ok_or(AppError::NotFound)?;
        cancel_locked(conn, st, conf, settings, &r, ("self", user))
    })
}

/// Runs `f` in one transaction with the conference's seats locked (its
/// registration settings row) and lapsed offers and holds expired first.
fn seats_locked<T>(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    f: impl FnOnce(&mut PgConnection, &SettingsRow) -> Result<T, AppError>,
) -> Result<T, AppError> {
    conn.transaction(|conn| {
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        expire_locked(conn, st, conf, &settings)?;
        f(conn, &settings)
    })
}

/// Takes a live offer: confirmed at the fee fixed when the person joined the waitlist.
pub fn accept_offer(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Registration, AppError> {
    seats_locked(conn, st, conf, |conn, _| {
        let r = repo::accept_offer(conn, conf.id, user.id)?
            .ok_or_else(|| AppError::Conflict("There is no open offer for you: it may have expired.".into()))?;
        notify(conn, st, conf, &r, "registration_confirmed", json!({}))?;
        Ok(r)
    })
}
