//! Speakers' confirmations of accepted proposals, and their reminders.

use crate::db::schema::{conferences, proposals, registrations, speaker_confirmations, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::PgConnection;

/// Asks these people to confirm the proposal (again asking nobody twice).
pub fn ask(conn: &mut PgConnection, proposal_id: i64, user_ids: &[i64]) -> QueryResult<usize> {
    let rows: Vec<_> = user_ids
        .iter()
        .map(|u| (speaker_confirmations::proposal_id.eq(proposal_id), speaker_confirmations::user_id.eq(*u)))
        .collect();
    diesel::insert_into(speaker_confirmations::table).values(rows).on_conflict_do_nothing().execute(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Confirmation {
    pub proposal_id: i64,
    pub proposal: uuid::Uuid,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub title: String,
    pub state: String,
    pub responded_at: Option<DateTime<Utc>>,
}

/// Every confirmation in the conference, with the speaker and the proposal's title.
pub fn of_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Confirmation>> {
    speaker_confirmations::table
        .inner_join(users::table)
        .inner_join(proposals::table)
        .filter(proposals::conference_id.eq(conference_id))
        .order((speaker_confirmations::proposal_id, users::name))
        .select((
            speaker_confirmations::proposal_id,
            proposals::public_id,
            speaker_confirmations::user_id,
            users::name,
            users::email,
            proposals::title,
            speaker_confirmations::state,
            speaker_confirmations::responded_at,
        ))
        .load(conn)
}

/// Records a speaker's answer; `None` when they were not asked.
pub fn respond(conn: &mut PgConnection, proposal_id: i64, user_id: i64, state: &str) -> QueryResult<Option<i64>> {
    diesel::update(
        speaker_confirmations::table
            .filter(speaker_confirmations::proposal_id.eq(proposal_id))
            .filter(speaker_confirmations::user_id.eq(user_id)),
    )
    .set((speaker_confirmations::state.eq(state), speaker_confirmations::responded_at.eq(diesel::dsl::now)))
    .returning(speaker_confirmations::id)
    .get_result(conn)
    .optional()
}

/// A reminder due, claimed: the row is marked reminded in the same statement,
/// so two workers never send the same reminder.
#[derive(Debug, QueryableByName)]
pub struct DueReminder {
    #[diesel(sql_type = BigInt)]
    pub proposal_id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = BigInt)]
    pub conference_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
}

/// Pending confirmations last asked longer ago than their conference's
/// reminder days (at most three reminders), claimed and marked reminded.
pub fn claim_due_reminders(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<DueReminder>> {
    diesel::sql_query(
        "WITH due AS (
           SELECT sc.id FROM speaker_confirmations sc
           JOIN proposals p ON p.id = sc.proposal_id JOIN conferences c ON c.id = p.conference_id
           WHERE sc.state = 'pending' AND sc.reminders < 3
             AND coalesce(sc.reminded_at, sc.asked_at) <= now() - make_interval(days => c.speaker_reminder_days)
           ORDER BY sc.id LIMIT $1 FOR UPDATE OF sc SKIP LOCKED)
         UPDATE speaker_confirmations sc SET reminded_at = now(), reminders = sc.reminders + 1
         FROM due, proposals p WHERE sc.id = due.id AND p.id = sc.proposal_id
         RETURNING sc.proposal_id, sc.user_id, p.conference_id, p.title",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
}

pub fn reminder_days(conn: &mut PgConnection, conference_id: i64) -> QueryResult<i32> {
    conferences::table.find(conference_id).select(conferences::speaker_reminder_days).first(conn)
}

pub fn set_reminder_days(conn: &mut PgConnection, conference_id: i64, days: i32) -> QueryResult<usize> {
    diesel::update(conferences::table.find(conference_id))
        .set(conferences::speaker_reminder_days.eq(days))
        .execute(conn)
}

/// The registration status of each of these people in the conference (active first).
pub fn registration_states(
    conn: &mut PgConnection,
    conference_id: i64,
    user_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String, bool)>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::user_id.eq_any(user_ids))
        .order((registrations::user_id, registrations::id.desc()))
        .select((
            registrations::user_id,
            registrations::status,
            registrations::payment_status,
            registrations::comp_code_id.is_not_null(),
        ))
        .load(conn)
}
