//! Registrations as the JSON API and the public attendee list show them.

use super::money;
use super::notify::ticket_type_name;
use super::register::ticketing;
use super::waitlist::refresh;
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::registrations::{self as repo, Registration};
use crate::repo::users::User;
use crate::services::conferences::require_organiser;
use crate::state::AppState;
use diesel::PgConnection;
use serde_json::{json, Value};

/// Confirmed attendees who agreed to be listed publicly.
pub fn public_attendees(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Value>, AppError> {
    Ok(repo::public_list(conn, conf.id)?
        .into_iter()
        .map(|(badge_name, affiliation)| json!({ "name": badge_name, "affiliation": affiliation }))
        .collect())
}

/// For the JSON API: a registration with its frozen fee.
pub fn api_view(conn: &mut PgConnection, conf: &Conference, r: &Registration) -> Result<Value, AppError> {
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    Ok(api_json(r, &tt))
}

/// `api_view` with the ticket type's name from the remembered ticketing.
pub fn api_view_cached(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<Value, AppError> {
    let ticketing = ticketing(conn, st, conf)?;
    let tt = ticketing.0.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
    Ok(api_json(r, tt))
}

pub(super) fn api_json(r: &Registration, tt: &str) -> Value {
    json!({
        "id": r.public_id, "status": r.status, "ticket_type": tt, "badge_name": r.badge_name,
        "affiliation": r.affiliation, "fee_minor": r.fee_minor, "currency": r.currency,
        "fee": money(r.fee_minor, &r.currency), "tier": r.tier_label,
        "payment_status": r.payment_status, "created_at": r.created_at,
        "offer_expires_at": r.offer_expires_at, "hold_expires_at": r.hold_expires_at,
        "checked_in_at": r.checked_in_at,
    })
}

/// Every registration of the conference for organisers (API).
pub fn api_list(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
) -> Result<Vec<Value>, AppError> {
    require_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let rows = repo::for_conference(conn, conf.id)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, name, email) in rows {
        let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
        let mut v = api_json(&r, tt);
        if let Value::Object(m) = &mut v {
            m.insert("name".into(), json!(name));
            m.insert("email".into(), json!(email));
        }
        out.push(v);
    }
    Ok(out)
}
