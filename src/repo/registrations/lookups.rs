//! Finding registrations: a person's, by public id, the conference's list.

use super::Registration;
use crate::db::schema::{conferences, registrations, users};
use crate::domain::registration::Status;
use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

/// A person's registrations in a conference.
#[diesel::dsl::auto_type]
fn of_person(conference_id: i64, user_id: i64) -> _ {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::user_id.eq(user_id))
}

pub fn active_for_user(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Registration>> {
    of_person(conference_id, user_id)
        .filter(registrations::status.eq_any(Status::ACTIVE))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// The person's active registration, else their latest one.
pub fn latest_for_user(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Registration>> {
    if let Some(r) = active_for_user(conn, conference_id, user_id)? {
        return Ok(Some(r));
    }
    of_person(conference_id, user_id)
        .order(registrations::id.desc())
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

pub fn by_public_id(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<Registration>> {
    one_in_conference!(conn, registrations, Registration, conference_id, registrations::public_id.eq(public_id))
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

/// One page of `for_conference`, after the registration `after`.
pub fn for_conference_page(
    conn: &mut PgConnection,
    conference_id: i64,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(Registration, String, String)>> {
    registrations::table
        .inner_join(users::table)
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::id.gt(after))
        .order(registrations::id)
        .limit(limit)
        .select((Registration::as_select(), users::name, users::email))
        .load(conn)
}

pub fn public_list(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(String, String)>> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq(Status::Confirmed))
        .filter(registrations::public_listing.eq(true))
        .order(registrations::badge_name)
        .select((registrations::badge_name, registrations::affiliation))
        .load(conn)
}

pub fn is_confirmed(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<bool> {
    crate::services::repo::exists(
        conn,
        of_person(conference_id, user_id).filter(registrations::status.eq(Status::Confirmed)),
    )
}

pub fn conference_by_id(
    conn: &mut PgConnection,
    id: i64,
) -> QueryResult<crate::services::repo::conferences::Conference> {
    conferences::table.find(id).select(crate::services::repo::conferences::Conference::as_select()).first(conn)
}

/// Confirmed and offered seats, for display only (seat decisions are made in the guarded statements above).
pub fn seats_taken(conn: &mut PgConnection, conference_id: i64) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq_any([Status::Confirmed, Status::Offered]))
        .count()
        .get_result(conn)
}
