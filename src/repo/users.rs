use crate::db::schema::{sessions, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub email: String,
    pub name: String,
    pub affiliation: String,
    pub bio: String,
    #[serde(skip)]
    pub password_hash: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub is_site_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_site_admin: bool,
    pub email_verified_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, new: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table).values(new).returning(User::as_returning()).get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// Several users in one query (any order).
pub fn find_many(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<User>> {
    users::table.filter(users::id.eq_any(ids)).select(User::as_select()).load(conn)
}

pub fn by_public_id(conn: &mut PgConnection, public_id: uuid::Uuid) -> QueryResult<Option<User>> {
    users::table.filter(users::public_id.eq(public_id)).select(User::as_select()).first(conn).optional()
}

pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()
}

pub fn set_password(conn: &mut PgConnection, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id)).set(users::password_hash.eq(hash)).execute(conn).map(|_| ())
}

pub fn mark_verified(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id).filter(users::email_verified_at.is_null()))
        .set(users::email_verified_at.eq(diesel::dsl::now))
        .execute(conn)
        .map(|_| ())
}

pub fn update_profile(conn: &mut PgConnection, id: i64, name: &str, affiliation: &str, bio: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::name.eq(name), users::affiliation.eq(affiliation), users::bio.eq(bio)))
        .execute(conn)
        .map(|_| ())
}

/// Creates or updates a user by email (used by the CLI and the demo loader).
pub fn upsert(conn: &mut PgConnection, email: &str, name: &str, hash: &str, site_admin: bool) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(&NewUser {
            email,
            name,
            password_hash: hash,
            is_site_admin: site_admin,
            email_verified_at: Some(Utc::now()),
        })
        .on_conflict(users::email)
        .do_update()
        .set((
            users::name.eq(name),
            users::password_hash.eq(hash),
            users::is_site_admin.eq(site_admin),
            users::email_verified_at.eq(Some(Utc::now())),
        ))
        .returning(User::as_returning())
        .get_result(conn)
}

// --- sessions ---

pub fn create_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: i64,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn user_for_session(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<Option<User>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn delete_session(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<()> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn).map(|_| ())
}

/// Ends every session of a user except, optionally, the one in use.
pub fn delete_sessions_except(conn: &mut PgConnection, user_id: i64, keep: Option<&[u8]>) -> QueryResult<()> {
    let q = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(k) => diesel::delete(q.filter(sessions::token_hash.ne(k))).execute(conn),
        None => diesel::delete(q).execute(conn),
    }
    .map(|_| ())
}
