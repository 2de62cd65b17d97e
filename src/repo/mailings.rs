//! Mail to chosen groups: who is in each group, and the log of what was sent.

use crate::db::schema::{mailing_messages, mailings, outbox};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::PgConnection;
use uuid::Uuid;

/// Someone a group mail goes to, with what its placeholders need.
#[derive(Debug, Clone, QueryableByName)]
pub struct Recipient {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Their registration's status, or "not registered".
    #[diesel(sql_type = Text)]
    pub registration_status: String,
}

/// The people of a group, one row each, by name. `room` narrows the bookers.
pub fn group(
    conn: &mut PgConnection,
    conference_id: i64,
    group: &str,
    room: Option<i64>,
) -> QueryResult<Vec<Recipient>> {
    // Each group is a set of user ids; the registration status comes with it.
    let members = match group {
        "unpaid" => {
            "SELECT user_id FROM registrations WHERE conference_id = $1 AND status = 'confirmed' \
                     AND payment_status IN ('unpaid', 'invoiced')"
        }
        "attendees" => "SELECT user_id FROM registrations WHERE conference_id = $1 AND status = 'confirmed'",
        "waitlisted" => {
            "SELECT user_id FROM registrations WHERE conference_id = $1 AND status IN ('waitlisted', 'offered')"
        }
        "speakers" => {
            "SELECT sc.user_id FROM speaker_confirmations sc JOIN proposals p ON p.id = sc.proposal_id \
                       WHERE p.conference_id = $1 AND sc.state <> 'declined'"
        }
        "speakers_unregistered" => {
            "SELECT sc.user_id FROM speaker_confirmations sc JOIN proposals p ON p.id = sc.proposal_id \
                       WHERE p.conference_id = $1 AND sc.state <> 'declined' AND NOT EXISTS ( \
                         SELECT 1 FROM registrations r WHERE r.conference_id = $1 AND r.user_id = sc.user_id \
                           AND r.status IN ('confirmed', 'waitlisted', 'offered'))"
        }
        "mc_leads" => {
            "SELECT l.user_id FROM microconference_leads l JOIN microconferences m ON m.id = l.microconference_id \
                       WHERE m.conference_id = $1"
        }
        "committee" => {
            "SELECT user_id FROM committee_members WHERE conference_id = $1 AND status = 'accepted' \
                        AND user_id IS NOT NULL"
        }
        "room_bookers" => {
            "SELECT user_id FROM room_bookings WHERE conference_id = $1 AND kind = 'booking' \
                           AND cancelled_at IS NULL AND ($2::bigint IS NULL OR room_id = $2)"
        }
        _ => return Ok(Vec::new()),
    };
    diesel::sql_query(format!(
        "SELECT u.id AS user_id, u.name, u.email, coalesce(( \
            SELECT r.status FROM registrations r WHERE r.conference_id = $1 AND r.user_id = u.id \
            ORDER BY (r.status IN ('confirmed', 'waitlisted', 'offered')) DESC, r.id DESC LIMIT 1), 'not registered') \
            AS registration_status \
         FROM users u WHERE u.id IN ({members}) AND u.email_verified_at IS NOT NULL ORDER BY u.name, u.id"
    ))
    .bind::<BigInt, _>(conference_id)
    .bind::<diesel::sql_types::Nullable<BigInt>, _>(room)
    .load(conn)
}

pub struct NewMailing<'a> {
    pub conference_id: i64,
    pub form_key: Uuid,
    pub audience: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub sent_by: i64,
}

/// Stores a mailing; `None` when its form was sent before (the same key).
pub fn insert(conn: &mut PgConnection, m: &NewMailing) -> QueryResult<Option<(i64, Uuid)>> {
    diesel::insert_into(mailings::table)
        .values((
            mailings::conference_id.eq(m.conference_id),
            mailings::form_key.eq(m.form_key),
            mailings::audience.eq(m.audience),
            mailings::subject.eq(m.subject),
            mailings::body.eq(m.body),
            mailings::sent_by.eq(m.sent_by),
        ))
        .on_conflict_do_nothing()
        .returning((mailings::id, mailings::public_id))
        .get_result(conn)
        .optional()
}

pub fn by_form_key(conn: &mut PgConnection, key: Uuid) -> QueryResult<Option<Uuid>> {
    mailings::table.filter(mailings::form_key.eq(key)).select(mailings::public_id).first(conn).optional()
}

pub fn add_message(conn: &mut PgConnection, mailing_id: i64, outbox_id: i64, user_id: i64) -> QueryResult<()> {
    diesel::insert_into(mailing_messages::table)
        .values((
            mailing_messages::mailing_id.eq(mailing_id),
            mailing_messages::outbox_id.eq(outbox_id),
            mailing_messages::user_id.eq(user_id),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mailings)]
pub struct Mailing {
    pub id: i64,
    pub public_id: Uuid,
    pub audience: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The conference's mailings, newest first, with how many messages each has.
pub fn log(conn: &mut PgConnection, conference_id: i64, limit: i64) -> QueryResult<Vec<(Mailing, i64)>> {
    let count = mailing_messages::table
        .filter(mailing_messages::mailing_id.eq(mailings::id))
        .count()
        .single_value()
        .assume_not_null();
    mailings::table
        .filter(mailings::conference_id.eq(conference_id))
        .order(mailings::created_at.desc())
        .limit(limit)
        .select((Mailing::as_select(), count))
        .load(conn)
}

pub fn find(conn: &mut PgConnection, conference_id: i64, id: Uuid) -> QueryResult<Option<Mailing>> {
    mailings::table
        .filter(mailings::conference_id.eq(conference_id))
        .filter(mailings::public_id.eq(id))
        .select(Mailing::as_select())
        .first(conn)
        .optional()
}

/// One message of a mailing as the outbox has it.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct Delivery {
    pub to: String,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
}

/// Each message of a mailing: recipient, status, tries, last error.
pub fn deliveries(conn: &mut PgConnection, mailing_id: i64) -> QueryResult<Vec<Delivery>> {
    mailing_messages::table
        .inner_join(outbox::table)
        .filter(mailing_messages::mailing_id.eq(mailing_id))
        .order(outbox::recipient)
        .select((outbox::recipient, outbox::status, outbox::attempts, outbox::last_error))
        .load(conn)
}
