use crate::db::schema::{conference_roles, conferences, role_invitations, users};
use crate::services::repo::users::User;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

pub const ORGANISER: &str = "organiser";

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = conferences)]
pub struct Conference {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub venue: String,
    /// Parsed once when read (serialised as its IANA name).
    #[diesel(deserialize_as = crate::db::types::ZoneText)]
    pub time_zone: chrono_tz::Tz,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub attendance_cap: i32,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub programme_published: bool,
    pub comp_passes_per_mc: i32,
    /// Same organisation as a proposer counts as a conflict of interest.
    pub conflict_by_affiliation: bool,
    /// The group of co-located conferences it belongs to, if any.
    pub co_location_id: Option<i64>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = conferences)]
pub struct ConferenceValues<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub venue: &'a str,
    pub time_zone: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub attendance_cap: i32,
    pub currency: &'a str,
}

pub fn insert(conn: &mut PgConnection, v: &ConferenceValues) -> QueryResult<Conference> {
    diesel::insert_into(conferences::table).values(v).returning(Conference::as_returning()).get_result(conn)
}

pub fn upsert(conn: &mut PgConnection, v: &ConferenceValues) -> QueryResult<Conference> {
    diesel::insert_into(conferences::table)
        .values(v)
        .on_conflict(conferences::slug)
        .do_update()
        .set(v)
        .returning(Conference::as_returning())
        .get_result(conn)
}

pub fn by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Conference>> {
    conferences::table.filter(conferences::slug.eq(slug)).select(Conference::as_select()).first(conn).optional()
}

pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Conference>> {
    conferences::table
        .order((conferences::starts_on.desc(), conferences::slug))
        .select(Conference::as_select())
        .load(conn)
}

pub fn has_role(conn: &mut PgConnection, conference_id: i64, user_id: i64, role: &str) -> QueryResult<bool> {
    super::exists(conn, conference_roles::table.find((conference_id, user_id, role)))
}

/// Grants a role; returns false when the person already had it.
pub fn grant_role(conn: &mut PgConnection, conference_id: i64, user_id: i64, role: &str) -> QueryResult<bool> {
    diesel::insert_into(conference_roles::table)
        .values((
            conference_roles::conference_id.eq(conference_id),
            conference_roles::user_id.eq(user_id),
            conference_roles::role.eq(role),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

pub fn members_with_role(conn: &mut PgConnection, conference_id: i64, role: &str) -> QueryResult<Vec<User>> {
    conference_roles::table
        .inner_join(users::table)
        .filter(conference_roles::conference_id.eq(conference_id))
        .filter(conference_roles::role.eq(role))
        .order(users::name)
        .select(User::as_select())
        .load(conn)
}

pub fn invite(conn: &mut PgConnection, conference_id: i64, email: &str, role: &str) -> QueryResult<bool> {
    diesel::insert_into(role_invitations::table)
        .values((
            role_invitations::conference_id.eq(conference_id),
            role_invitations::email.eq(email),
            role_invitations::role.eq(role),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

pub fn pending_invitations(conn: &mut PgConnection, conference_id: i64, role: &str) -> QueryResult<Vec<String>> {
    role_invitations::table
        .filter(role_invitations::conference_id.eq(conference_id))
        .filter(role_invitations::role.eq(role))
        .order(role_invitations::email)
        .select(role_invitations::email)
        .load(conn)
}

/// Turns the appointments waiting for this (now verified) address into roles.
pub fn redeem_invitations(conn: &mut PgConnection, email: &str, user_id: i64) -> QueryResult<usize> {
    let pending: Vec<(i64, String)> = diesel::delete(role_invitations::table.filter(role_invitations::email.eq(email)))
        .returning((role_invitations::conference_id, role_invitations::role))
        .get_results(conn)?;
    for (conference_id, role) in &pending {
        grant_role(conn, *conference_id, user_id, role)?;
    }
    Ok(pending.len())
}

pub fn by_id(conn: &mut PgConnection, id: i64) -> QueryResult<Conference> {
    conferences::table.find(id).select(Conference::as_select()).first(conn)
}

/// Locks the conference row for the rest of the transaction (serialises publications).
pub fn lock(conn: &mut PgConnection, id: i64) -> QueryResult<Conference> {
    conferences::table.find(id).select(Conference::as_select()).for_update().first(conn)
}
