//! A conference's registration settings row: the lock every seat decision takes first.

use super::SettingsRow;
use crate::db::prepared::prepared;
use crate::db::schema::{conferences, registration_settings};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;

pub fn ensure_settings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<()> {
    // The seat counter starts from the registrations there are (normally none).
    prepared(
        "INSERT INTO registration_settings (conference_id, seats_taken, waiting) \
         SELECT $1, count(*) FILTER (WHERE status IN ('confirmed', 'offered')), \
                count(*) FILTER (WHERE status = 'waitlisted') \
         FROM registrations WHERE conference_id = $1 ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(conference_id)
    .execute(conn)
    .map(|_| ())
}

pub fn settings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Option<SettingsRow>> {
    registration_settings::table.find(conference_id).select(SettingsRow::as_select()).first(conn).optional()
}

/// Locks the conference's settings row until the transaction ends: every seat
/// decision for the conference goes through this lock, in every app instance.
pub fn lock_settings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Option<SettingsRow>> {
    registration_settings::table
        .find(conference_id)
        .select(SettingsRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

pub fn save_settings(
    conn: &mut PgConnection,
    conference_id: i64,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    offer_hours: i32,
    hold_hours: i32,
) -> QueryResult<()> {
    diesel::update(registration_settings::table.find(conference_id))
        .set((
            registration_settings::opens_at.eq(opens_at),
            registration_settings::closes_at.eq(closes_at),
            registration_settings::offer_hours.eq(offer_hours),
            registration_settings::hold_hours.eq(hold_hours),
            registration_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_cap(conn: &mut PgConnection, conference_id: i64, cap: i32) -> QueryResult<()> {
    diesel::update(conferences::table.find(conference_id))
        .set(conferences::attendance_cap.eq(cap))
        .execute(conn)
        .map(|_| ())
}
