//! Taking, offering and ending seats: the statements that decide in SQL under the settings lock.

use super::{Registration, SettingsRow};
use crate::db::prepared::{prepared, Prepared};
use crate::db::schema::{registration_settings, registrations};
use crate::domain::registration::OFFERED;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use std::sync::LazyLock;

pub struct NewRegistration<'a> {
    pub conference_id: i64,
    pub user_id: i64,
    pub ticket_type_id: i64,
    pub fee_tier_id: Option<i64>,
    pub tier_label: &'a str,
    pub fee_minor: i64,
    pub currency: &'a str,
    pub comp_code_id: Option<i64>,
    pub badge_name: &'a str,
    pub affiliation: &'a str,
    pub dietary: &'a str,
    pub accessibility: &'a str,
    pub public_listing: bool,
    pub payment_status: &'a str,
    /// The deadline to pay if the seat is confirmed (None when nothing is due).
    pub hold_expires_at: Option<DateTime<Utc>>,
}

/// Locks the settings row while registration is open (nothing is inserted
/// otherwise), decides the status from the seat counters (kept by a trigger)
/// and inserts the registration as `ins`: `confirmed` while seats
/// taken are below the cap and nobody waits, `waitlisted` otherwise. A
/// confirmed seat with something to pay gets the hold deadline $15, which the
/// service computed and already put in the mail.
pub(super) const TAKE_SEAT: &str = "settings AS ( \
       SELECT rs.seats_taken, rs.waiting FROM registration_settings rs WHERE rs.conference_id = $1 \
         AND (rs.opens_at IS NULL OR rs.opens_at <= clock_timestamp()) \
         AND (rs.closes_at IS NULL OR clock_timestamp() < rs.closes_at) FOR UPDATE), \
     s AS ( \
       SELECT CASE WHEN settings.seats_taken < c.attendance_cap AND settings.waiting = 0 \
              THEN 'confirmed' ELSE 'waitlisted' END AS status \
       FROM settings JOIN conferences c ON c.id = $1), \
     ins AS ( \
       INSERT INTO registrations (conference_id, user_id, ticket_type_id, fee_tier_id, tier_label, \
         fee_minor, currency, comp_code_id, status, badge_name, affiliation, dietary, accessibility, \
         public_listing, payment_status, waitlisted_at, confirmed_at, hold_expires_at) \
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, s.status, $9, $10, $11, $12, $13, $14, \
         CASE WHEN s.status = 'waitlisted' THEN clock_timestamp() END, \
         CASE WHEN s.status = 'confirmed' THEN clock_timestamp() END, \
         CASE WHEN s.status = 'confirmed' AND $14 = 'unpaid' THEN $15 END \
       FROM s RETURNING *)";

/// `sql` (built on `TAKE_SEAT`) with the registration bound as $1..$15.
pub(super) fn take_seat<'a>(sql: &'static str, r: &'a NewRegistration) -> Prepared<'a> {
    prepared(sql)
        .bind::<BigInt, _>(r.conference_id)
        .bind::<BigInt, _>(r.user_id)
        .bind::<BigInt, _>(r.ticket_type_id)
        .bind::<Nullable<BigInt>, _>(r.fee_tier_id)
        .bind::<Text, _>(r.tier_label)
        .bind::<BigInt, _>(r.fee_minor)
        .bind::<Text, _>(r.currency)
        .bind::<Nullable<BigInt>, _>(r.comp_code_id)
        .bind::<Text, _>(r.badge_name)
        .bind::<Text, _>(r.affiliation)
        .bind::<Text, _>(r.dietary)
        .bind::<Text, _>(r.accessibility)
        .bind::<Bool, _>(r.public_listing)
        .bind::<Text, _>(r.payment_status)
        .bind::<Nullable<Timestamptz>, _>(r.hold_expires_at)
}

/// Inserts a registration whose status PostgreSQL decides in the same
/// statement (see `TAKE_SEAT`), inside the caller's transaction.
pub fn insert_taking_seat(conn: &mut PgConnection, r: &NewRegistration) -> QueryResult<Registration> {
    static SQL: LazyLock<String> = LazyLock::new(|| format!("WITH {TAKE_SEAT} SELECT * FROM ins"));
    take_seat(&SQL, r).get_result(conn)
}

/// Registers for a paid (or free) ticket in one statement, which is its own
/// transaction: take the seat as `insert_taking_seat` does and queue the
/// matching mail (`confirmed` or `waitlisted`, both composed beforehand). The
/// conference-wide lock is held for this statement and its commit only, with
/// no round trip to the app in between.
pub fn register_in_one_statement(
    conn: &mut PgConnection,
    r: &NewRegistration,
    confirmed: &crate::services::repo::outbox::NewMail,
    waitlisted: &crate::services::repo::outbox::NewMail,
) -> QueryResult<Option<Registration>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "WITH {TAKE_SEAT}, mail AS ( \
           INSERT INTO outbox (recipient, subject, body_text, body_html) \
           SELECT CASE WHEN ins.status = 'confirmed' THEN $16 ELSE $19 END, \
                  CASE WHEN ins.status = 'confirmed' THEN $17 ELSE $20 END, \
                  CASE WHEN ins.status = 'confirmed' THEN $18 ELSE $21 END, \
                  CASE WHEN ins.status = 'confirmed' THEN $22 ELSE $23 END \
           FROM ins) \
         SELECT * FROM ins"
        )
    });
    take_seat(&SQL, r)
        .bind::<Text, _>(confirmed.recipient)
        .bind::<Text, _>(confirmed.subject)
        .bind::<Text, _>(confirmed.body_text)
        .bind::<Text, _>(waitlisted.recipient)
        .bind::<Text, _>(waitlisted.subject)
        .bind::<Text, _>(waitlisted.body_text)
        .bind::<Text, _>(confirmed.body_html)
        .bind::<Text, _>(waitlisted.body_html)
        .get_result(conn)
        .optional()
}

/// Offers a seat to the first person on the waitlist (in order of joining it)
/// when a seat is free (in the same statement). Call with the settings row
/// locked; repeat until `None`.
pub fn offer_next(conn: &mut PgConnection, conference_id: i64, hours: i32) -> QueryResult<Option<Registration>> {
    prepared(
        "UPDATE registrations SET status = 'offered', \
           offer_expires_at = clock_timestamp() + make_interval(hours => $2) \
         WHERE id = (SELECT id FROM registrations WHERE conference_id = $1 AND status = 'waitlisted' \
                     ORDER BY waitlisted_at, id LIMIT 1) \
           AND (SELECT rs.seats_taken FROM registration_settings rs WHERE rs.conference_id = $1) \
               < (SELECT c.attendance_cap FROM conferences c WHERE c.id = $1) \
         RETURNING *",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<Int4, _>(hours)
    .get_result(conn)
    .optional()
}

/// Ends the offers of a conference that ran out.
pub fn expire_due_offers(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Registration>> {
    prepared(
        "UPDATE registrations SET status = 'expired', offer_expires_at = NULL, cancelled_at = clock_timestamp() \
         WHERE conference_id = $1 AND status = 'offered' AND offer_expires_at <= clock_timestamp() \
         RETURNING *",
    )
    .bind::<BigInt, _>(conference_id)
    .get_results(conn)
}

/// A seat whose hold ran out, with the deadline it had.
#[derive(QueryableByName)]
pub struct Lapsed {
    #[diesel(embed)]
    pub registration: Registration,
    #[diesel(sql_type = Timestamptz)]
    pub held_until: DateTime<Utc>,
}

/// Moves the conference's unpaid seats whose hold ran out to the back of the
/// waitlist. Call with the settings row locked. The guard in the WHERE makes it
/// idempotent: a seat paid, invoiced, checked in or lapsed meanwhile is left alone.
pub fn lapse_due_holds(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Lapsed>> {
    prepared(
        "WITH due AS ( \
           SELECT id, hold_expires_at FROM registrations \
           WHERE conference_id = $1 AND status = 'confirmed' AND payment_status = 'unpaid' \
             AND checked_in_at IS NULL AND hold_expires_at <= clock_timestamp() \
           ORDER BY id FOR UPDATE) \
         UPDATE registrations r SET status = 'waitlisted', waitlisted_at = clock_timestamp(), \
           hold_expires_at = NULL, confirmed_at = NULL \
         FROM due WHERE r.id = due.id \
         RETURNING r.*, due.hold_expires_at AS held_until",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

/// Waitlist offers and unpaid holds that ran out (a checked-in person is here: never lapsed).
pub(super) const DUE: &str = "((status = 'offered' AND offer_expires_at <= clock_timestamp()) \
     OR (hold_expires_at <= clock_timestamp() AND checked_in_at IS NULL))";

/// Conferences with an offer or a hold that ran out, for the periodic sweep.
pub fn conferences_with_due_deadlines(conn: &mut PgConnection) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        conference_id: i64,
    }
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT DISTINCT conference_id FROM registrations WHERE {DUE}"));
    Ok(prepared(&SQL).load::<Id>(conn)?.into_iter().map(|r| r.conference_id).collect())
}

pub fn has_due_deadlines(conn: &mut PgConnection, conference_id: i64) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = Bool)]
        due: bool,
    }
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT EXISTS (SELECT 1 FROM registrations WHERE conference_id = $1 AND {DUE}) AS due")
    });
    Ok(prepared(&SQL).bind::<BigInt, _>(conference_id).get_result::<Due>(conn)?.due)
}

/// Takes a live offer: the seat was held for this person, the fee was fixed
/// when they joined the waitlist. With something to pay, the seat is held for
/// the conference's `hold_hours` from now.
pub fn accept_offer(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Registration>> {
    prepared(
        "UPDATE registrations SET status = 'confirmed', confirmed_at = clock_timestamp(), offer_expires_at = NULL, \
           hold_expires_at = CASE WHEN payment_status = 'unpaid' THEN clock_timestamp() + make_interval(hours => \
             (SELECT hold_hours FROM registration_settings WHERE conference_id = $1)) END \
         WHERE conference_id = $1 AND user_id = $2 AND status = 'offered' AND offer_expires_at > clock_timestamp() \
         RETURNING *",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<BigInt, _>(user_id)
    .get_result(conn)
    .optional()
}

/// The settings and when the first live waitlist offer or unpaid hold runs
/// out: what registering checks before the statement that decides.
pub fn registration_window(
    conn: &mut PgConnection,
    conference_id: i64,
) -> QueryResult<Option<(SettingsRow, Option<DateTime<Utc>>)>> {
    let first_offer_ends = registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq(OFFERED))
        .select(diesel::dsl::min(registrations::offer_expires_at))
        .single_value();
    let first_hold_ends = registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::hold_expires_at.is_not_null())
        .filter(registrations::checked_in_at.is_null())
        .select(diesel::dsl::min(registrations::hold_expires_at))
        .single_value();
    // The settings, the first offer's end and the first hold's end.
    type Row = (SettingsRow, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let row: Option<Row> = registration_settings::table
        .find(conference_id)
        .select((
            SettingsRow::as_select(),
            first_offer_ends.assume_not_null().nullable(),
            first_hold_ends.assume_not_null().nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(s, offer, hold)| (s, offer.into_iter().chain(hold).min())))
}
