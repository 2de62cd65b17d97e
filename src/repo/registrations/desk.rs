//! The organisers' desk: cancelling, invoices, check-in (payments are in repo::payments).

use super::Registration;
use crate::db::schema::registrations;
use crate::domain::registration::{PaymentStatus, Status};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

/// Ends an active registration; `None` when it was not active (already cancelled).
pub fn cancel(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(registrations::table.find(id).filter(registrations::status.eq_any(Status::ACTIVE)))
        .set((
            registrations::status.eq(Status::Cancelled),
            registrations::cancelled_at.eq(diesel::dsl::now),
            registrations::offer_expires_at.eq(None::<DateTime<Utc>>),
            registrations::hold_expires_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Registration::as_returning())
        .get_result(conn)
        .optional()
}

/// An organiser sent an invoice for a confirmed unpaid seat: payment is still
/// due, but the seat no longer lapses.
pub fn mark_invoiced(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::status.eq(Status::Confirmed))
            .filter(registrations::payment_status.eq(PaymentStatus::Unpaid)),
    )
    .set((
        registrations::payment_status.eq(PaymentStatus::Invoiced),
        registrations::invoiced_at.eq(diesel::dsl::now),
        registrations::hold_expires_at.eq(None::<DateTime<Utc>>),
    ))
    .returning(Registration::as_returning())
    .get_result(conn)
    .optional()
}

pub fn check_in(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::status.eq(Status::Confirmed))
            .filter(registrations::checked_in_at.is_null()),
    )
    .set(registrations::checked_in_at.eq(diesel::dsl::now))
    .returning(Registration::as_returning())
    .get_result(conn)
    .optional()
}
