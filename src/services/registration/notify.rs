//! The mails a registration sends (queued through the outbox in the same transaction).

use super::{link, local, money, zone};
use crate::error::AppError;
use crate::services::mail;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, NewRegistration, Registration};
use crate::services::repo::users::{self, User};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde_json::{json, Value};

/// What registration mails say about a registration (stored or about to be).
pub(super) struct MailFacts<'a> {
    fee_minor: i64,
    currency: &'a str,
    tier_label: &'a str,
    badge_name: &'a str,
    offer_expires_at: Option<DateTime<Utc>>,
    hold_expires_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a Registration> for MailFacts<'a> {
    fn from(r: &'a Registration) -> Self {
        MailFacts {
            fee_minor: r.fee_minor,
            currency: &r.currency,
            tier_label: &r.tier_label,
            badge_name: &r.badge_name,
            offer_expires_at: r.offer_expires_at,
            hold_expires_at: r.hold_expires_at,
        }
    }
}

impl<'a> From<&'a NewRegistration<'a>> for MailFacts<'a> {
    fn from(r: &'a NewRegistration<'a>) -> Self {
        MailFacts {
            fee_minor: r.fee_minor,
            currency: r.currency,
            tier_label: r.tier_label,
            badge_name: r.badge_name,
            offer_expires_at: None,
            hold_expires_at: r.hold_expires_at,
        }
    }
}

pub(super) fn mail_data(conf: &Conference, st: &AppState, r: MailFacts, ticket_type: &str, name: &str) -> Value {
    let tz = zone(conf);
    json!({
        "name": name, "conference": conf.name, "ticket_type": ticket_type,
        "fee": money(r.fee_minor, r.currency), "tier": r.tier_label, "badge_name": r.badge_name,
        "link": link(st, conf), "offer_expires_at": local(r.offer_expires_at, tz),
        "hold_expires_at": local(r.hold_expires_at, tz),
        "free": r.fee_minor == 0,
    })
}

pub(crate) fn ticket_type_name(conn: &mut PgConnection, conf: &Conference, id: i64) -> Result<String, AppError> {
    Ok(repo::ticket_types(conn, conf.id)?.into_iter().find(|t| t.id == id).map(|t| t.name).unwrap_or_default())
}

pub(crate) fn notify(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
    what: &str,
    extra: Value,
) -> Result<(), AppError> {
    let user = users::find(conn, r.user_id)?;
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    notify_person(conn, st, conf, r, (&user, &tt), what, extra)
}

/// `notify` for a caller that has the person and the ticket type's name at
/// hand (registering, inside the seat lock: two queries fewer there).
pub(super) fn notify_person(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
    (user, tt): (&User, &str),
    what: &str,
    extra: Value,
) -> Result<(), AppError> {
    let mut data = mail_data(conf, st, r.into(), tt, &user.name);
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    mail::queue(conn, st, &user.email, &subject(conf, what), what, data)?;
    Ok(())
}

pub(super) fn subject(conf: &Conference, what: &str) -> String {
    match what {
        "registration_confirmed" => format!("Registration confirmed: {}", conf.name),
        "registration_waitlisted" => format!("You are on the waitlist for {}", conf.name),
        "registration_offer" => format!("A seat is free for you at {}", conf.name),
        "registration_lapsed" => format!("Your unpaid seat has lapsed: {}", conf.name),
        "registration_paid" => format!("Payment received: {}", conf.name),
        "registration_refunded" => format!("Refund of your registration: {}", conf.name),
        "registration_payment_returned" => format!("Your payment is being returned: {}", conf.name),
        "registration_bank_transfer" => format!("How to pay by bank transfer: {}", conf.name),
        _ => format!("Registration cancelled: {}", conf.name),
    }
}
