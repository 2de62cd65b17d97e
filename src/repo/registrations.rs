//! Registration data: settings, ticket types, fee tiers, comp codes, registrations.
//!
//! Seat-taking statements decide in SQL (under the settings row lock the service
//! takes first), never from a count read into Rust.

use crate::db::prepared::{prepared, Prepared};
use crate::db::schema::{
    comp_codes, conferences, fee_tiers, registration_settings, registrations, ticket_types, users,
};
use crate::domain::registration::{CANCELLED, CONFIRMED, INVOICED, OFFERED, PAID, UNPAID, WAITLISTED};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use std::collections::Bound;
use std::sync::LazyLock;
use uuid::Uuid;

pub const ACTIVE: [&str; 3] = [CONFIRMED, WAITLISTED, OFFERED];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registration_settings)]
pub struct SettingsRow {
    pub conference_id: i64,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub offer_hours: i32,
    pub updated_at: DateTime<Utc>,
    /// Confirmed registrations and live offers (kept by a trigger).
    pub seats_taken: i32,
    /// People on the waitlist (kept by a trigger).
    pub waiting: i32,
    /// How long an unpaid seat is held before it lapses to the waitlist.
    pub hold_hours: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_types)]
pub struct TicketType {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub name: String,
    pub description: String,
    pub requires_code: bool,
    pub created_at: DateTime<Utc>,
}

pub type Range = (Bound<DateTime<Utc>>, Bound<DateTime<Utc>>);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fee_tiers)]
pub struct TierRow {
    pub id: i64,
    pub public_id: Uuid,
    pub ticket_type_id: i64,
    pub label: String,
    pub amount_minor: i64,
    pub currency: String,
    pub valid: Range,
    pub created_at: DateTime<Utc>,
}

fn bound(b: &Bound<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match b {
        Bound::Included(t) | Bound::Excluded(t) => Some(*t),
        Bound::Unbounded => None,
    }
}

impl TierRow {
    /// As the pure fee rules see it (the table refuses unbounded ranges).
    pub fn tier(&self) -> Option<crate::domain::fees::Tier> {
        Some(crate::domain::fees::Tier {
            id: self.id,
            label: self.label.clone(),
            amount: crate::domain::money::Money::new(self.amount_minor, &self.currency),
            from: bound(&self.valid.0)?,
            until: bound(&self.valid.1)?,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comp_codes)]
pub struct CompCode {
    pub id: i64,
    pub conference_id: i64,
    pub ticket_type_id: i64,
    pub code: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub user_id: i64,
    pub ticket_type_id: i64,
    pub fee_tier_id: Option<i64>,
    pub tier_label: String,
    pub fee_minor: i64,
    pub currency: String,
    pub comp_code_id: Option<i64>,
    pub status: String,
    pub badge_name: String,
    pub affiliation: String,
    pub dietary: String,
    pub accessibility: String,
    pub public_listing: bool,
    pub payment_status: String,
    pub payment_reference: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub waitlisted_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Until when an unpaid confirmed seat is held (set exactly then; see the migration).
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub invoiced_at: Option<DateTime<Utc>>,
}

impl Registration {
    pub fn is_active(&self) -> bool {
        ACTIVE.contains(&self.status.as_str())
    }
}

// ---- settings ----

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

// ---- ticket types and tiers ----

pub fn ticket_types(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<TicketType>> {
    ticket_types::table
        .filter(ticket_types::conference_id.eq(conference_id))
        .order((ticket_types::requires_code, ticket_types::created_at, ticket_types::id))
        .select(TicketType::as_select())
        .load(conn)
}

pub fn has_ticket_types(conn: &mut PgConnection, conference_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(ticket_types::table.filter(ticket_types::conference_id.eq(conference_id))))
        .get_result(conn)
}

pub fn ticket_type(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<TicketType>> {
    ticket_types::table
        .filter(ticket_types::conference_id.eq(conference_id))
        .filter(ticket_types::public_id.eq(public_id))
        .select(TicketType::as_select())
        .first(conn)
        .optional()
}

pub fn ticket_type_by_name(conn: &mut PgConnection, conference_id: i64, name: &str) -> QueryResult<Option<TicketType>> {
    // A conference has a handful of ticket types: comparing here keeps the
    // query a cached prepared statement.
    let wanted = name.to_lowercase();
    Ok(ticket_types(conn, conference_id)?.into_iter().find(|t| t.name.to_lowercase() == wanted))
}

pub fn insert_ticket_type(
    conn: &mut PgConnection,
    conference_id: i64,
    name: &str,
    description: &str,
    requires_code: bool,
) -> QueryResult<TicketType> {
    diesel::insert_into(ticket_types::table)
        .values((
            ticket_types::conference_id.eq(conference_id),
            ticket_types::name.eq(name),
            ticket_types::description.eq(description),
            ticket_types::requires_code.eq(requires_code),
        ))
        .returning(TicketType::as_returning())
        .get_result(conn)
}

pub fn tiers_for_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<TierRow>> {
    fee_tiers::table
        .inner_join(ticket_types::table)
        .filter(ticket_types::conference_id.eq(conference_id))
        .order((fee_tiers::ticket_type_id, fee_tiers::valid))
        .select(TierRow::as_select())
        .load(conn)
}

pub fn tiers_for_type(conn: &mut PgConnection, ticket_type_id: i64) -> QueryResult<Vec<TierRow>> {
    fee_tiers::table
        .filter(fee_tiers::ticket_type_id.eq(ticket_type_id))
        .order(fee_tiers::valid)
        .select(TierRow::as_select())
        .load(conn)
}

pub fn tier(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<TierRow>> {
    fee_tiers::table
        .inner_join(ticket_types::table)
        .filter(ticket_types::conference_id.eq(conference_id))
        .filter(fee_tiers::public_id.eq(public_id))
        .select(TierRow::as_select())
        .first(conn)
        .optional()
}

pub struct TierValues<'a> {
    pub label: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

pub fn insert_tier(conn: &mut PgConnection, ticket_type_id: i64, v: &TierValues) -> QueryResult<TierRow> {
    diesel::insert_into(fee_tiers::table)
        .values((
            fee_tiers::ticket_type_id.eq(ticket_type_id),
            fee_tiers::label.eq(v.label),
            fee_tiers::amount_minor.eq(v.amount_minor),
            fee_tiers::currency.eq(v.currency),
            fee_tiers::valid.eq((Bound::Included(v.from), Bound::Excluded(v.until))),
        ))
        .returning(TierRow::as_returning())
        .get_result(conn)
}

pub fn update_tier(conn: &mut PgConnection, id: i64, v: &TierValues) -> QueryResult<()> {
    diesel::update(fee_tiers::table.find(id))
        .set((
            fee_tiers::label.eq(v.label),
            fee_tiers::amount_minor.eq(v.amount_minor),
            fee_tiers::currency.eq(v.currency),
            fee_tiers::valid.eq((Bound::Included(v.from), Bound::Excluded(v.until))),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_tier(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(fee_tiers::table.find(id)).execute(conn).map(|_| ())
}

// ---- comp codes ----

pub fn insert_codes(
    conn: &mut PgConnection,
    conference_id: i64,
    ticket_type_id: i64,
    label: Option<&str>,
    codes: &[String],
) -> QueryResult<usize> {
    let rows: Vec<_> = codes
        .iter()
        .map(|c| {
            (
                comp_codes::conference_id.eq(conference_id),
                comp_codes::ticket_type_id.eq(ticket_type_id),
                comp_codes::code.eq(c.as_str()),
                comp_codes::label.eq(label),
            )
        })
        .collect();
    diesel::insert_into(comp_codes::table).values(&rows).execute(conn)
}

/// Comp codes for one microconference's speakers.
pub fn insert_mc_codes(
    conn: &mut PgConnection,
    conference_id: i64,
    ticket_type_id: i64,
    mc_id: i64,
    label: &str,
    codes: &[String],
) -> QueryResult<usize> {
    let rows: Vec<_> = codes
        .iter()
        .map(|c| {
            (
                comp_codes::conference_id.eq(conference_id),
                comp_codes::ticket_type_id.eq(ticket_type_id),
                comp_codes::code.eq(c.as_str()),
                comp_codes::label.eq(Some(label)),
                comp_codes::microconference_id.eq(Some(mc_id)),
            )
        })
        .collect();
    diesel::insert_into(comp_codes::table).values(&rows).execute(conn)
}

pub fn count_mc_codes(conn: &mut PgConnection, mc_id: i64) -> QueryResult<i64> {
    comp_codes::table.filter(comp_codes::microconference_id.eq(mc_id)).count().get_result(conn)
}

/// An MC's codes with who used each (shown to its leads).
pub fn mc_codes(conn: &mut PgConnection, mc_id: i64) -> QueryResult<Vec<(String, Option<String>)>> {
    comp_codes::table
        .left_join(users::table.on(comp_codes::used_by.eq(users::id.nullable())))
        .filter(comp_codes::microconference_id.eq(mc_id))
        .order(comp_codes::id)
        .select((comp_codes::code, users::name.nullable()))
        .load(conn)
}

/// Marks a code used by `user_id`, only if nobody used it yet (a guarded update:
/// two people racing for one code cannot both win).
pub fn claim_code(
    conn: &mut PgConnection,
    conference_id: i64,
    code: &str,
    user_id: i64,
) -> QueryResult<Option<CompCode>> {
    diesel::update(
        comp_codes::table
            .filter(comp_codes::conference_id.eq(conference_id))
            .filter(comp_codes::code.eq(code))
            .filter(comp_codes::used_by.is_null())
            .filter(comp_codes::used_at.is_null()),
    )
    .set((comp_codes::used_by.eq(user_id), comp_codes::used_at.eq(diesel::dsl::now)))
    .returning(CompCode::as_returning())
    .get_result(conn)
    .optional()
}

pub fn code(conn: &mut PgConnection, conference_id: i64, code: &str) -> QueryResult<Option<CompCode>> {
    comp_codes::table
        .filter(comp_codes::conference_id.eq(conference_id))
        .filter(comp_codes::code.eq(code))
        .select(CompCode::as_select())
        .first(conn)
        .optional()
}

/// Codes of a conference with the ticket type name and who used each.
pub fn codes(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(CompCode, String, Option<String>)>> {
    comp_codes::table
        .inner_join(ticket_types::table)
        .left_join(users::table.on(comp_codes::used_by.eq(users::id.nullable())))
        .filter(comp_codes::conference_id.eq(conference_id))
        .order((comp_codes::created_at.desc(), comp_codes::id))
        .select((CompCode::as_select(), ticket_types::name, users::email.nullable()))
        .load(conn)
}

// ---- registrations ----

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
const TAKE_SEAT: &str = "settings AS ( \
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
fn take_seat<'a>(sql: &'static str, r: &'a NewRegistration) -> Prepared<'a> {
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
    confirmed: &crate::repo::outbox::NewMail,
    waitlisted: &crate::repo::outbox::NewMail,
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
const DUE: &str = "((status = 'offered' AND offer_expires_at <= clock_timestamp()) \
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

pub fn active_for_user(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::user_id.eq(user_id))
        .filter(registrations::status.eq_any(ACTIVE))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// The person's active registration, else their latest one.
pub fn latest_for_user(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Registration>> {
    if let Some(r) = active_for_user(conn, conference_id, user_id)? {
        return Ok(Some(r));
    }
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::user_id.eq(user_id))
        .order(registrations::id.desc())
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

pub fn by_public_id(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::public_id.eq(public_id))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Every registration of a conference with the person's name and email, in order of arrival.
pub fn for_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(Registration, String, String)>> {
    registrations::table
        .inner_join(users::table)
        .filter(registrations::conference_id.eq(conference_id))
        .order(registrations::id)
        .select((Registration::as_select(), users::name, users::email))
        .load(conn)
}

pub fn public_list(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(String, String)>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq(CONFIRMED))
        .filter(registrations::public_listing.eq(true))
        .order(registrations::badge_name)
        .select((registrations::badge_name, registrations::affiliation))
        .load(conn)
}

pub fn is_confirmed(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        registrations::table
            .filter(registrations::conference_id.eq(conference_id))
            .filter(registrations::user_id.eq(user_id))
            .filter(registrations::status.eq(CONFIRMED)),
    ))
    .get_result(conn)
}

/// Ends an active registration; `None` when it was not active (already cancelled).
pub fn cancel(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(registrations::table.find(id).filter(registrations::status.eq_any(ACTIVE)))
        .set((
            registrations::status.eq(CANCELLED),
            registrations::cancelled_at.eq(diesel::dsl::now),
            registrations::offer_expires_at.eq(None::<DateTime<Utc>>),
            registrations::hold_expires_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Registration::as_returning())
        .get_result(conn)
        .optional()
}

/// Records a payment of an unpaid or invoiced registration; paying ends the hold.
pub fn mark_paid(conn: &mut PgConnection, id: i64, reference: &str) -> QueryResult<Option<Registration>> {
    diesel::update(registrations::table.find(id).filter(registrations::payment_status.eq_any([UNPAID, INVOICED])))
        .set((
            registrations::payment_status.eq(PAID),
            registrations::payment_reference.eq(reference),
            registrations::paid_at.eq(diesel::dsl::now),
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
            .filter(registrations::status.eq(CONFIRMED))
            .filter(registrations::payment_status.eq(UNPAID)),
    )
    .set((
        registrations::payment_status.eq(INVOICED),
        registrations::invoiced_at.eq(diesel::dsl::now),
        registrations::hold_expires_at.eq(None::<DateTime<Utc>>),
    ))
    .returning(Registration::as_returning())
    .get_result(conn)
    .optional()
}

pub fn mark_refunded(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(
        registrations::table.find(id).filter(registrations::payment_status.eq(crate::domain::registration::PAID)),
    )
    .set((
        registrations::payment_status.eq(crate::domain::registration::REFUNDED),
        registrations::refunded_at.eq(diesel::dsl::now),
    ))
    .returning(Registration::as_returning())
    .get_result(conn)
    .optional()
}

pub fn check_in(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::status.eq(CONFIRMED))
            .filter(registrations::checked_in_at.is_null()),
    )
    .set(registrations::checked_in_at.eq(diesel::dsl::now))
    .returning(Registration::as_returning())
    .get_result(conn)
    .optional()
}

#[derive(QueryableByName)]
pub struct DayCount {
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// New registrations per day in the conference's calendar.
pub fn per_day(conn: &mut PgConnection, conference_id: i64, time_zone: &str) -> QueryResult<Vec<DayCount>> {
    prepared(
        "SELECT (created_at AT TIME ZONE $2)::date AS day, count(*) AS n \
         FROM registrations WHERE conference_id = $1 GROUP BY 1 ORDER BY 1",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<Text, _>(time_zone)
    .load(conn)
}

/// Sets when a registration was made (demo data spread over past days).
pub fn backdate(conn: &mut PgConnection, id: i64, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::created_at.eq(at),
            registrations::confirmed_at.eq(diesel::dsl::sql::<Nullable<diesel::sql_types::Timestamptz>>(
                "CASE WHEN confirmed_at IS NULL THEN NULL ELSE ",
            )
            .bind::<diesel::sql_types::Timestamptz, _>(at)
            .sql(" END")),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn conference_by_id(conn: &mut PgConnection, id: i64) -> QueryResult<crate::repo::conferences::Conference> {
    conferences::table.find(id).select(crate::repo::conferences::Conference::as_select()).first(conn)
}

/// Confirmed and offered seats, for display only (seat decisions are made in the guarded statements above).
pub fn seats_taken(conn: &mut PgConnection, conference_id: i64) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq_any([CONFIRMED, OFFERED]))
        .count()
        .get_result(conn)
}
