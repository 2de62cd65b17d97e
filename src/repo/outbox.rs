//! The mail outbox: rows written with the change that causes them, sent by the worker.

use crate::db::prepared::prepared;
use crate::db::schema::outbox;
use crate::domain::mail::MailStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, serde::Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// One attached file (a session's .ics): name, media type, text.
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub holds_secret: bool,
    pub attachment_name: Option<&'a str>,
    pub attachment_type: Option<&'a str>,
    pub attachment_body: Option<&'a str>,
}

pub fn insert(conn: &mut PgConnection, mail: &NewMail) -> QueryResult<i64> {
    diesel::insert_into(outbox::table).values(mail).returning(outbox::id).get_result(conn)
}

/// Claims up to `limit` due mails for `lease_secs`. `FOR UPDATE SKIP LOCKED` lets
/// several app instances claim side by side without ever taking the same row;
/// the lease makes a row claimable again if its claimer dies.
pub fn claim_due(conn: &mut PgConnection, limit: i64, lease_secs: i32) -> QueryResult<Vec<OutboxMail>> {
    prepared(
        "UPDATE outbox SET locked_until = now() + make_interval(secs => $2), attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= now() \
                      AND (locked_until IS NULL OR locked_until < now()) \
                      ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $1) \
         RETURNING id, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, \
                   locked_until, last_error, created_at, sent_at, attachment_name, attachment_type, attachment_body",
    )
    .bind::<diesel::sql_types::Int8, _>(limit)
    .bind::<diesel::sql_types::Int4, _>(lease_secs)
    .load::<OutboxMail>(conn)
}

/// What a sent mail that held a secret link keeps of its body.
pub const SECRET_REMOVED: &str = "(The text of this mail was removed after sending: it held a single-use link.)";

pub fn mark_sent(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // A sent mail's single-use link has done its job: it is not kept in the database.
    prepared(
        "UPDATE outbox SET status = 'sent', sent_at = now(), locked_until = NULL, \
           body_text = CASE WHEN holds_secret THEN $2 ELSE body_text END, \
           body_html = CASE WHEN holds_secret THEN $2 ELSE body_html END \
         WHERE id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Int8>, _>(ids)
    .bind::<diesel::sql_types::Text, _>(SECRET_REMOVED)
    .execute(conn)
    .map(|_| ())
}

/// Schedules another try after `retry_in_secs`, or marks the mail failed when out of tries.
pub fn mark_attempt_failed(
    conn: &mut PgConnection,
    id: i64,
    error: &str,
    give_up: bool,
    retry_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(if give_up { MailStatus::Failed } else { MailStatus::Pending }),
            outbox::last_error.eq(Some(error)),
            outbox::next_attempt_at.eq(retry_at),
            outbox::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Puts a failed mail back in the queue with fresh tries (an organiser's "resend").
pub fn requeue(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq(MailStatus::Failed)))
        .set((
            outbox::status.eq(MailStatus::Pending),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

#[cfg(feature = "test-support")]
pub fn to_recipient(conn: &mut PgConnection, recipient: &str) -> QueryResult<Vec<OutboxMail>> {
    outbox::table.filter(outbox::recipient.eq(recipient)).order(outbox::id).select(OutboxMail::as_select()).load(conn)
}

/// Mails newest first, `limit` from `offset`, of one status or all.
pub fn recent(
    conn: &mut PgConnection,
    status: Option<MailStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    let mut q =
        outbox::table.select(OutboxMail::as_select()).order(outbox::id.desc()).offset(offset).limit(limit).into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s));
    }
    q.load(conn)
}

/// How many mails have `status` (or all).
pub fn count(conn: &mut PgConnection, status: Option<MailStatus>) -> QueryResult<i64> {
    let mut q = outbox::table.count().into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s));
    }
    q.get_result(conn)
}
