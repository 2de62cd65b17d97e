//! Mailed single-use tokens and personal API tokens (both stored as SHA-256 hashes).

use crate::db::schema::{api_tokens, user_tokens, users};
use crate::repo::users::User;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

pub const VERIFY_EMAIL: &str = "verify_email";
pub const RESET_PASSWORD: &str = "reset_password";

pub fn create_user_token(
    conn: &mut PgConnection,
    hash: &[u8],
    user_id: i64,
    purpose: &str,
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
pub fn consume_user_token(conn: &mut PgConnection, hash: &[u8], purpose: &str) -> QueryResult<Option<i64>> {
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

/// Whether a token is live, without using it (to show the reset form).
pub fn user_token_live(conn: &mut PgConnection, hash: &[u8], purpose: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        user_tokens::table
            .filter(user_tokens::token_hash.eq(hash))
            .filter(user_tokens::purpose.eq(purpose))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(diesel::dsl::now)),
    ))
    .get_result(conn)
}

/// Retires a user's other live tokens of one purpose (a new reset link replaces the old).
pub fn retire_user_tokens(conn: &mut PgConnection, user_id: i64, purpose: &str) -> QueryResult<()> {
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

pub fn create_api_token(conn: &mut PgConnection, hash: &[u8], user_id: i64) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((api_tokens::token_hash.eq(hash), api_tokens::user_id.eq(user_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn user_for_api_token(conn: &mut PgConnection, hash: &[u8]) -> QueryResult<Option<User>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash))
        .select(User::as_select())
        .first(conn)
        .optional()
}
