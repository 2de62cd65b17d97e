//! Payment data: who is paid (payment settings), money received with its
//! receipt number, Stripe Checkout Sessions and webhook events, refunds, and
//! imported bank-statement lines.

use super::registrations::Registration;
use crate::db::schema::{
    bank_lines, checkout_sessions, payment_flags, payment_settings, receipts, refunds, registrations, stripe_events,
};
use crate::domain::payment::{PaymentMethod, RefundReason, RefundState};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = payment_settings)]
pub struct PaymentSettings {
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub bank_details: String,
}

/// The conference's payee details (empty until the organisers fill them in).
pub fn settings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<PaymentSettings> {
    Ok(payment_settings::table
        .find(conference_id)
        .select(PaymentSettings::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

pub fn save_settings(conn: &mut PgConnection, conference_id: i64, s: &PaymentSettings) -> QueryResult<()> {
    diesel::insert_into(payment_settings::table)
        .values((payment_settings::conference_id.eq(conference_id), s))
        .on_conflict(payment_settings::conference_id)
        .do_update()
        .set((s, payment_settings::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    Ok(())
}

/// Money received for a registration.
pub struct Received<'a> {
    pub method: PaymentMethod,
    pub amount_minor: i64,
    /// Stripe's payment intent, the bank line's reference, or what the organiser typed.
    pub reference: &'a str,
}

/// Records money received for a registration that still owes its fee: it is
/// paid and its hold ends, and it gets the conference's next receipt number,
/// in one statement. The number comes from the payment settings row, which the
/// statement locks, so concurrent payments get consecutive numbers and a
/// registration no longer due takes none (no gaps). `None`: nothing was due.
pub fn record_payment(conn: &mut PgConnection, id: i64, got: &Received) -> QueryResult<Option<Registration>> {
    diesel::sql_query(
        "WITH paid AS (
           UPDATE registrations SET
             payment_status = 'paid', paid_at = clock_timestamp(), hold_expires_at = NULL,
             payment_method = $2, amount_paid_minor = $3, payment_reference = $4
           WHERE id = $1 AND payment_status IN ('unpaid', 'invoiced')
           RETURNING *),
         n AS (
           INSERT INTO payment_settings (conference_id, last_receipt_number)
           SELECT conference_id, 1 FROM paid
           ON CONFLICT (conference_id) DO UPDATE
             SET last_receipt_number = payment_settings.last_receipt_number + 1
           RETURNING conference_id, last_receipt_number),
         receipt AS (
           INSERT INTO receipts (registration_id, conference_id, number)
           SELECT paid.id, n.conference_id, n.last_receipt_number FROM paid, n
           RETURNING number)
         SELECT paid.* FROM paid, receipt",
    )
    .bind::<BigInt, _>(id)
    .bind::<Text, _>(got.method)
    .bind::<BigInt, _>(got.amount_minor)
    .bind::<Text, _>(got.reference)
    .get_result(conn)
    .optional()
}

/// The receipt number and when it was issued.
pub fn receipt(conn: &mut PgConnection, registration_id: i64) -> QueryResult<Option<(i32, DateTime<Utc>)>> {
    receipts::table.find(registration_id).select((receipts::number, receipts::issued_at)).first(conn).optional()
}

/// Leaves a note on a registration's money for the organisers.
pub fn flag(conn: &mut PgConnection, registration_id: i64, note: &str) -> QueryResult<()> {
    diesel::insert_into(payment_flags::table)
        .values((
            payment_flags::registration_id.eq(registration_id),
            payment_flags::note.eq(note.chars().take(500).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn clear_flags(conn: &mut PgConnection, registration_id: i64, by: i64) -> QueryResult<usize> {
    diesel::update(
        payment_flags::table
            .filter(payment_flags::registration_id.eq(registration_id))
            .filter(payment_flags::cleared_at.is_null()),
    )
    .set((payment_flags::cleared_at.eq(diesel::dsl::now), payment_flags::cleared_by.eq(by)))
    .execute(conn)
}

pub fn by_payment_intent(conn: &mut PgConnection, intent: &str) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::payment_method.eq(PaymentMethod::Card))
        .filter(registrations::payment_reference.eq(intent))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Gives a registration its bank-transfer reference unless it has one;
/// returns the registration as stored (with whichever reference won).
pub fn set_transfer_reference(conn: &mut PgConnection, id: i64, reference: &str) -> QueryResult<Registration> {
    diesel::update(registrations::table.find(id).filter(registrations::transfer_reference.is_null()))
        .set(registrations::transfer_reference.eq(reference))
        .execute(conn)?;
    registrations::table.find(id).select(Registration::as_select()).first(conn)
}

pub fn by_transfer_references(
    conn: &mut PgConnection,
    conference_id: i64,
    references: &[String],
) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::transfer_reference.eq_any(references))
        .select(Registration::as_select())
        .load(conn)
}

/// Counts a refund against the money received: partly or wholly refunded.
pub fn add_refunded(conn: &mut PgConnection, id: i64, amount_minor: i64) -> QueryResult<Option<Registration>> {
    diesel::sql_query(
        "UPDATE registrations SET
           amount_refunded_minor = amount_refunded_minor + $2,
           refunded_at = clock_timestamp(),
           payment_status = CASE WHEN amount_refunded_minor + $2 >= amount_paid_minor
                                 THEN 'refunded' ELSE 'partially_refunded' END
         WHERE id = $1 AND payment_status IN ('paid', 'partially_refunded')
           AND amount_refunded_minor + $2 <= amount_paid_minor
         RETURNING *",
    )
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(amount_minor)
    .get_result(conn)
    .optional()
}

/// Takes back a refund Stripe refused for good.
pub fn undo_refunded(conn: &mut PgConnection, id: i64, amount_minor: i64) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE registrations SET
           amount_refunded_minor = greatest(amount_refunded_minor - $2, 0),
           payment_status = CASE WHEN amount_refunded_minor - $2 <= 0 THEN 'paid' ELSE 'partially_refunded' END
         WHERE id = $1 AND payment_status IN ('refunded', 'partially_refunded')",
    )
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(amount_minor)
    .execute(conn)?;
    Ok(())
}

// ---- Checkout Sessions ----

/// The URL of an open session for this registration and amount that is good for a while yet.
pub fn live_checkout(
    conn: &mut PgConnection,
    registration_id: i64,
    amount_minor: i64,
    good_until: DateTime<Utc>,
) -> QueryResult<Option<String>> {
    checkout_sessions::table
        .filter(checkout_sessions::registration_id.eq(registration_id))
        .filter(checkout_sessions::amount_minor.eq(amount_minor))
        .filter(checkout_sessions::state.eq("open"))
        .filter(checkout_sessions::expires_at.gt(good_until))
        .order(checkout_sessions::created_at.desc())
        .select(checkout_sessions::url)
        .first(conn)
        .optional()
}

pub fn checkout_count(conn: &mut PgConnection, registration_id: i64) -> QueryResult<i64> {
    checkout_sessions::table.filter(checkout_sessions::registration_id.eq(registration_id)).count().get_result(conn)
}

#[derive(Insertable)]
#[diesel(table_name = checkout_sessions)]
pub struct NewCheckout<'a> {
    pub registration_id: i64,
    pub stripe_id: &'a str,
    pub url: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub idempotency_key: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores a session; the same Stripe session stored twice (a retry that got
/// the same answer) is one row.
pub fn insert_checkout(conn: &mut PgConnection, c: &NewCheckout) -> QueryResult<()> {
    diesel::insert_into(checkout_sessions::table).values(c).on_conflict_do_nothing().execute(conn)?;
    Ok(())
}

pub fn set_checkout_state(conn: &mut PgConnection, stripe_id: &str, state: &str) -> QueryResult<usize> {
    diesel::update(checkout_sessions::table.filter(checkout_sessions::stripe_id.eq(stripe_id)))
        .set(checkout_sessions::state.eq(state))
        .execute(conn)
}

/// Notes a webhook event as handled; false when it was handled before (a replay).
pub fn claim_event(conn: &mut PgConnection, event_id: &str, kind: &str) -> QueryResult<bool> {
    let n = diesel::insert_into(stripe_events::table)
        .values((stripe_events::event_id.eq(event_id), stripe_events::kind.eq(kind)))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(n == 1)
}

// ---- refunds ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct Refund {
    pub id: i64,
    pub registration_id: i64,
    pub payment_intent: String,
    pub amount_minor: i64,
    pub currency: String,
    pub reason: RefundReason,
    pub state: RefundState,
    pub idempotency_key: String,
    pub attempts: i32,
}

#[derive(Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    pub registration_id: i64,
    pub payment_intent: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reason: RefundReason,
    pub state: RefundState,
    pub requested_by: Option<i64>,
}

pub fn insert_refund(conn: &mut PgConnection, r: &NewRefund) -> QueryResult<Refund> {
    let key = format!("plumbline-refund-{}", Uuid::new_v4());
    let settled_at = (r.state != RefundState::Pending).then(Utc::now);
    diesel::insert_into(refunds::table)
        .values((r, refunds::idempotency_key.eq(key), refunds::settled_at.eq(settled_at)))
        .returning(Refund::as_returning())
        .get_result(conn)
}

/// Card refunds not yet accepted by Stripe, made before `before`. Two
/// instances sending the same one is harmless: the idempotency key makes
/// Stripe answer the second with the first refund.
pub fn pending_refunds(conn: &mut PgConnection, before: DateTime<Utc>, limit: i64) -> QueryResult<Vec<Refund>> {
    refunds::table
        .filter(refunds::state.eq(RefundState::Pending))
        .filter(refunds::created_at.lt(before))
        .order(refunds::created_at)
        .limit(limit)
        .select(Refund::as_select())
        .load(conn)
}

pub fn refund(conn: &mut PgConnection, id: i64) -> QueryResult<Refund> {
    refunds::table.find(id).select(Refund::as_select()).first(conn)
}

pub fn settle_refund(conn: &mut PgConnection, id: i64, stripe_refund_id: &str) -> QueryResult<usize> {
    diesel::update(refunds::table.find(id).filter(refunds::state.eq(RefundState::Pending)))
        .set((
            refunds::state.eq(RefundState::Succeeded),
            refunds::stripe_refund_id.eq(stripe_refund_id),
            refunds::settled_at.eq(diesel::dsl::now),
            refunds::attempts.eq(refunds::attempts + 1),
        ))
        .execute(conn)
}

/// A failed try: still pending (tried again later) or, when Stripe refused it
/// for good, failed.
pub fn refund_attempt_failed(conn: &mut PgConnection, id: i64, error: &str, for_good: bool) -> QueryResult<usize> {
    let state = if for_good { RefundState::Failed } else { RefundState::Pending };
    diesel::update(refunds::table.find(id).filter(refunds::state.eq(RefundState::Pending)))
        .set((
            refunds::state.eq(state),
            refunds::last_error.eq(error.chars().take(500).collect::<String>()),
            refunds::attempts.eq(refunds::attempts + 1),
            refunds::settled_at.eq(for_good.then(Utc::now)),
        ))
        .execute(conn)
}

// ---- bank statements ----

pub struct NewBankLine<'a> {
    pub line_key: String,
    pub booked_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reference: &'a str,
    pub payer: &'a str,
    pub registration_id: Option<i64>,
}

/// Stores the lines not imported before; returns how many were new.
pub fn insert_bank_lines(conn: &mut PgConnection, conference_id: i64, lines: &[NewBankLine]) -> QueryResult<usize> {
    let rows: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                bank_lines::conference_id.eq(conference_id),
                bank_lines::line_key.eq(&l.line_key),
                bank_lines::booked_on.eq(l.booked_on),
                bank_lines::amount_minor.eq(l.amount_minor),
                bank_lines::currency.eq(l.currency),
                bank_lines::reference.eq(l.reference),
                bank_lines::payer.eq(l.payer),
                bank_lines::registration_id.eq(l.registration_id),
            )
        })
        .collect();
    diesel::insert_into(bank_lines::table).values(rows).on_conflict_do_nothing().execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bank_lines)]
pub struct BankLine {
    pub id: i64,
    pub public_id: Uuid,
    pub booked_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub reference: String,
    pub payer: String,
    pub registration_id: Option<i64>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// The conference's imported lines, newest first, each with its registration.
pub fn bank_lines(
    conn: &mut PgConnection,
    conference_id: i64,
    limit: i64,
) -> QueryResult<Vec<(BankLine, Option<Registration>)>> {
    bank_lines::table
        .left_join(registrations::table)
        .filter(bank_lines::conference_id.eq(conference_id))
        .order((bank_lines::confirmed_at.is_not_null(), bank_lines::booked_on.desc(), bank_lines::id.desc()))
        .limit(limit)
        .select((BankLine::as_select(), Option::<Registration>::as_select()))
        .load(conn)
}

pub fn bank_line(conn: &mut PgConnection, conference_id: i64, id: Uuid) -> QueryResult<Option<BankLine>> {
    bank_lines::table
        .filter(bank_lines::conference_id.eq(conference_id))
        .filter(bank_lines::public_id.eq(id))
        .select(BankLine::as_select())
        .for_update()
        .first(conn)
        .optional()
}

pub fn confirm_bank_line(conn: &mut PgConnection, id: i64, by: i64) -> QueryResult<usize> {
    diesel::update(bank_lines::table.find(id).filter(bank_lines::confirmed_at.is_null()))
        .set((bank_lines::confirmed_at.eq(diesel::dsl::now), bank_lines::confirmed_by.eq(by)))
        .execute(conn)
}

/// A paid registration waiting for a seat (or offered one) takes it. Call after
/// recording the payment (a confirmed seat that is paid holds no deadline) and
/// with the conference's settings row locked, having checked a seat is free.
pub fn take_seat_for_payment(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Registration>> {
    diesel::sql_query(
        "UPDATE registrations SET status = 'confirmed', confirmed_at = clock_timestamp(), offer_expires_at = NULL
         WHERE id = $1 AND status IN ('waitlisted', 'offered') AND payment_status = 'paid'
         RETURNING *",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .optional()
}

pub fn by_public_id(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::public_id.eq(id))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Re-reads a registration and locks its row for the rest of the transaction.
pub fn lock_registration(conn: &mut PgConnection, id: i64) -> QueryResult<Registration> {
    registrations::table.find(id).select(Registration::as_select()).for_update().first(conn)
}

/// Whether a ticket type may be paid by bank transfer.
pub fn allow_bank_transfer(conn: &mut PgConnection, ticket_type_id: i64, allowed: bool) -> QueryResult<usize> {
    use crate::db::schema::ticket_types;
    diesel::update(ticket_types::table.find(ticket_type_id)).set(ticket_types::bank_transfer.eq(allowed)).execute(conn)
}

/// The open notes of some registrations, as (registration id, note).
pub fn open_flags_of(conn: &mut PgConnection, registration_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    payment_flags::table
        .filter(payment_flags::registration_id.eq_any(registration_ids))
        .filter(payment_flags::cleared_at.is_null())
        .order(payment_flags::id)
        .select((payment_flags::registration_id, payment_flags::note))
        .load(conn)
}
