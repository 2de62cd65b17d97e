//! Mailed single-use tokens and personal API tokens (both stored as SHA-256 hashes).

use crate::db::schema::{api_tokens, user_tokens, users};
use crate::domain::account::TokenPurpose;
use crate::services::repo::users::User;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

pub fn create_user_token(
    conn: &mut PgConnection,
    hash: &[u8],
    user_id: i64,
    purpose: TokenPurpose,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(user_tokens::table)
        .values((
            user_tokens::token_hash.eq(hash),
            user_tokens::user_id.eq(user_id),
            user_tokens::purpose.eq(purpose),
            user_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks a live token used and returns its user; `None` when unknown, used or expired.
/// One UPDATE, so two clicks racing cannot both use it.
pub fn consume_user_token(conn: &mut PgConnection, hash: &[u8], purpose: TokenPurpose) -> QueryResult<Option<i64>> {
    diesel::update(
        user_tokens::table
            .filter(user_tokens::token_hash.eq(hash))
            .filter(user_tokens::purpose.eq(purpose))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(diesel::dsl::now)),
    )
    .set(user_tokens::used_at.eq(Some(Utc::now())))
    .returning(user_tokens::user_id)
    .get_result(conn)
    .optional()
}

/// The user of a live token, without using it (to show the page the link opens).
pub fn live_user_token(conn: &mut PgConnection, hash: &[u8], purpose: TokenPurpose) -> QueryResult<Option<i64>> {
    user_tokens::table
        .filter(user_tokens::token_hash.eq(hash))
        .filter(user_tokens::purpose.eq(purpose))
        .filter(user_tokens::used_at.is_null())
        .filter(user_tokens::expires_at.gt(diesel::dsl::now))
        .select(user_tokens::user_id)
        .first(conn)
        .optional()
}

/// Whether a token is live, without using it (to show the reset form).
pub fn user_token_live(conn: &mut PgConnection, hash: &[u8], purpose: TokenPurpose) -> QueryResult<bool> {
    Ok(live_user_token(conn, hash, purpose)?.is_some())
}

/// Retires a user's other live tokens of one purpose (a new reset link replaces the old).
pub fn retire_user_tokens(conn: &mut PgConnection, user_id: i64, purpose: TokenPurpose) -> QueryResult<()> {
    diesel::update(
        user_tokens::table
            .filter(user_tokens::user_id.eq(user_id))
            .filter(user_tokens::purpose.eq(purpose))
            .filter(user_tokens::used_at.is_null()),
    )
    .set(user_tokens::used_at.eq(Some(Utc::now())))
    .execute(conn)
    .map(|_| ())
}

/// A personal API token as its owner sees it (never the secret itself).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub name: String,
    pub scope: crate::domain::account::ApiScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    #[diesel(column_name = token_hash)]
    pub hash: &'a [u8],
    pub user_id: i64,
    pub name: &'a str,
    pub scope: crate::domain::account::ApiScope,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn create_api_token(conn: &mut PgConnection, t: &NewApiToken) -> QueryResult<ApiToken> {
    diesel::insert_into(api_tokens::table).values(t).returning(ApiToken::as_returning()).get_result(conn)
}

/// A user's tokens, live ones first, newest first.
pub fn api_tokens_of(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order((api_tokens::revoked_at.is_not_null(), api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiToken::as_select())
        .load(conn)
}

/// Revokes one of the user's own tokens; false when there is no such live token of theirs.
pub fn revoke_api_token(conn: &mut PgConnection, user_id: i64, public_id: uuid::Uuid) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::public_id.eq(public_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .map(|n| n > 0)
}

pub fn revoke_all_api_tokens(conn: &mut PgConnection, user_id: i64) -> QueryResult<usize> {
    diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user_id)).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
}

/// The live token behind a hash, with its verified owner: not revoked, not
/// expired, and only while the owner's address is confirmed.
pub fn user_for_api_token(conn: &mut PgConnection, hash: &[u8]) -> QueryResult<Option<(User, ApiToken)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(diesel::dsl::now)))
        .filter(users::email_verified_at.is_not_null())
        .select((User::as_select(), ApiToken::as_select()))
        .first(conn)
        .optional()
}

/// Records a use; the caller calls it at most once a minute per token, and the
/// guard keeps two instances from both writing in the same minute.
pub fn touch_api_token(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    let a_minute_ago = Utc::now() - chrono::Duration::minutes(1);
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::last_used_at.is_null().or(api_tokens::last_used_at.lt(a_minute_ago))),
    )
    .set(api_tokens::last_used_at.eq(diesel::dsl::now))
    .execute(conn)
    .map(|_| ())
}
