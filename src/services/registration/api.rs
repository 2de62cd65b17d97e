//! Registrations as the JSON API and the public attendee list show them.

use super::notify::ticket_type_name;
use super::register::ticketing;
use super::views::{PublicAttendee, RegistrationApi, RegistrationListed};
use super::waitlist::refresh;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, Registration};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;

/// Confirmed attendees who agreed to be listed publicly.
pub fn public_attendees(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<PublicAttendee>, AppError> {
    Ok(repo::public_list(conn, conf.id)?
        .into_iter()
        .map(|(name, affiliation)| PublicAttendee { name, affiliation })
        .collect())
}

/// For the JSON API: a registration with its frozen fee.
pub fn api_view(
    Db(conn): &mut Db,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<RegistrationApi, AppError> {
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    RegistrationApi::new(r, &tt, payment_url(st, conf, r))
}

/// The page where the holder pays by card, while that is possible.
pub fn payment_url(st: &AppState, conf: &Conference, r: &Registration) -> Option<String> {
    let can_pay = st.config.stripe.is_some() && r.payment_status.is_due() && r.status.is_active();
    can_pay.then(|| format!("{}/c/{}/registration/pay", st.config.base_url, conf.slug))
}

/// `api_view` with the ticket type's name from the remembered ticketing.
pub fn api_view_cached(
    Db(conn): &mut Db,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<RegistrationApi, AppError> {
    let ticketing = ticketing(conn, st, conf)?;
    let tt = ticketing.0.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
    RegistrationApi::new(r, tt, payment_url(st, conf, r))
}

/// Every registration of the conference for organisers (API).
pub fn api_list(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
) -> Result<Vec<RegistrationListed>, AppError> {
    check_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let rows = repo::for_conference(conn, conf.id)?;
    let types = repo::ticket_types(conn, conf.id)?;
    rows.into_iter()
        .map(|(r, name, email)| {
            let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
            let registration = RegistrationApi::new(&r, tt, payment_url(st, conf, &r))?;
            Ok(RegistrationListed { registration, name, email })
        })
        .collect()
}
