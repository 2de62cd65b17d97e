//! Accounts: sign-up, email verification, login throttling, sessions, password changes and resets, profiles.

use crate::domain::account::{ApiScope, Email};
use crate::error::AppError;
use crate::security;
use crate::services::repo::conferences as conf_repo;
use crate::services::repo::tokens::{self, ApiToken, RESET_PASSWORD, VERIFY_EMAIL};
pub use crate::services::repo::users::User;
use crate::services::repo::users::{self, NewUser};
use crate::services::Db;
use crate::services::{limits, mail, policy};
use crate::state::AppState;
use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};
use serde_json::json;

pub const SESSION_DAYS: i64 = 30;
pub const VERIFY_HOURS: i64 = 48;
pub const RESET_MINUTES: i64 = 60;

/// Creates an unverified account and mails a verification link. When the address
/// already has an account, that person is told by mail instead, so the page
/// answers the same either way and reveals nothing about who is registered.
pub fn sign_up(
    Db(conn): &mut Db,
    st: &AppState,
    email: &Email,
    name: &str,
    password_hash: &str,
    next: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if let Some(existing) = users::find_by_email(conn, email.as_str())? {
            mail::queue(
                conn,
                st,
                &existing.email,
                "You already have a Plumbline account",
                "account_exists",
                json!({ "name": existing.name, "email": existing.email }),
            )?;
            return Ok(());
        }
        let user = users::insert(
            conn,
            &NewUser { email: email.as_str(), name, password_hash, is_site_admin: false, email_verified_at: None },
        )?;
        send_verification(conn, st, &user, next)
    })
}

/// Queues a fresh verification link (the old ones stop working).
/// `next` is a local path to continue to after logging in (e.g. an invitation).
pub fn send_verification(conn: &mut PgConnection, st: &AppState, user: &User, next: &str) -> Result<(), AppError> {
    let token = security::new_token();
    tokens::retire_user_tokens(conn, user.id, VERIFY_EMAIL)?;
    tokens::create_user_token(
        conn,
        &security::hash_token(&token),
        user.id,
        VERIFY_EMAIL,
        Utc::now() + Duration::hours(VERIFY_HOURS),
    )?;
    mail::queue(
        conn,
        st,
        &user.email,
        "Confirm your email address for Plumbline",
        "verify",
        json!({ "name": user.name, "link": verify_link(&st.config.base_url, &token, next), "hours": VERIFY_HOURS }),
    )?;
    Ok(())
}

pub fn resend_verification(Db(conn): &mut Db, st: &AppState, user_id: i64) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let user = users::find(conn, user_id)?;
        if user.is_verified() {
            return Ok(());
        }
        send_verification(conn, st, &user, "/")
    })
}

fn verify_link(base: &str, token: &str, next: &str) -> String {
    if next == "/" {
        format!("{base}/verify?token={token}")
    } else {
        let q = serde_urlencoded::to_string([("token", token), ("next", next)]).unwrap_or_default();
        format!("{base}/verify?{q}")
    }
}

/// The account a live verification link is for, without using the link (the
/// page it opens asks for a POST: a mail scanner following links verifies nothing).
pub fn verification_target(Db(conn): &mut Db, token: &str) -> Result<Option<User>, AppError> {
    if token.len() > 64 {
        return Ok(None);
    }
    match tokens::live_user_token(conn, &security::hash_token(token), VERIFY_EMAIL)? {
        Some(user_id) => Ok(Some(users::find(conn, user_id)?)),
        None => Ok(None),
    }
}

/// Uses a verification token. The person confirming proved they read the mail;
/// the caller has checked they also hold the password (their logged-in session
/// or the password typed on the page). Every session and API token the account
/// had ends, in case the password was set by someone else, and a fresh session
/// starts for this browser. Pending appointments become roles.
pub fn verify_email(Db(conn): &mut Db, token: &str) -> Result<Option<(User, String)>, AppError> {
    conn.transaction(|conn| {
        let Some(user_id) = tokens::consume_user_token(conn, &security::hash_token(token), VERIFY_EMAIL)? else {
            return Ok(None);
        };
        users::mark_verified(conn, user_id)?;
        end_everything(conn, user_id)?;
        let session = start_session(conn, user_id, None)?;
        let user = users::find(conn, user_id)?;
        conf_repo::redeem_invitations(conn, &user.email, user.id)?;
        Ok(Some((user, session)))
    })
}

/// Ends every session and revokes every API token of an account.
fn end_everything(conn: &mut PgConnection, user_id: i64) -> Result<(), AppError> {
    users::delete_sessions_except(conn, user_id, None)?;
    tokens::revoke_all_api_tokens(conn, user_id)?;
    Ok(())
}

/// What a login attempt needs before the (slow) password check.
pub enum LoginGate {
    Throttled,
    /// The stored hash to check against; `None` when no such account (check a dummy hash).
    Check(Option<User>),
}

/// Counts the attempt as a failure up front, in one statement, so fifty
/// parallel guesses cannot all pass before the first failure is written;
/// `login_succeeded` takes it back.
pub fn login_gate(Db(conn): &mut Db, email: &str, client: &str) -> Result<LoginGate, AppError> {
    if !limits::attempt(conn, &limits::LOGIN, &[email], client)? {
        return Ok(LoginGate::Throttled);
    }
    Ok(LoginGate::Check(users::find_by_email(conn, email)?))
}

/// A right password: the attempt counted by `login_gate` was not a failure.
pub fn login_attempt_was_right(Db(conn): &mut Db, email: &str, client: &str) -> Result<(), AppError> {
    limits::take_back(conn, &limits::LOGIN, &[email], client)
}

/// Counts a mail that anyone can make us send about an account (sign-up,
/// reset, confirmation link); false when that address or client had enough.
pub fn account_mail_allowed(Db(conn): &mut Db, email: &str, client: &str) -> Result<bool, AppError> {
    limits::attempt(conn, &limits::ACCOUNT_MAIL, &[email], client)
}

/// A right password: the attempt was not a failure. Starts the session.
pub fn login_succeeded(
    Db(conn): &mut Db,
    user_id: i64,
    email: &str,
    client: &str,
    previous: Option<&str>,
) -> Result<String, AppError> {
    login_attempt_was_right(&mut Db::new(conn), email, client)?;
    start_session(conn, user_id, previous)
}

/// Starts a new session (a new id every login) and ends the previous one of this browser.
pub fn start_session(conn: &mut PgConnection, user_id: i64, previous: Option<&str>) -> Result<String, AppError> {
    let token = security::new_token();
    conn.transaction(|conn| {
        if let Some(prev) = previous {
            users::delete_session(conn, &security::hash_token(prev))?;
        }
        users::create_session(conn, &security::hash_token(&token), user_id, Utc::now() + Duration::days(SESSION_DAYS))
    })?;
    Ok(token)
}

pub fn end_session(Db(conn): &mut Db, token: &str) -> Result<(), AppError> {
    Ok(users::delete_session(conn, &security::hash_token(token))?)
}

/// Stores a new password hash, ends every session and API token of the account
/// (a fresh session replaces the one in use) and tells the person by mail.
/// Returns the new session token for this browser.
pub fn change_password(Db(conn): &mut Db, st: &AppState, user: &User, new_hash: &str) -> Result<String, AppError> {
    conn.transaction(|conn| {
        users::set_password(conn, user.id, new_hash)?;
        end_everything(conn, user.id)?;
        let session = start_session(conn, user.id, None)?;
        tell_password_changed(conn, st, user)?;
        Ok(session)
    })
}

/// Tells the owner their password changed (if it was not them, they know to reset it).
fn tell_password_changed(conn: &mut PgConnection, st: &AppState, user: &User) -> Result<(), AppError> {
    mail::queue(
        conn,
        st,
        &user.email,
        "Your Plumbline password was changed",
        "password_changed",
        json!({ "name": user.name }),
    )?;
    Ok(())
}

/// Mails a reset link when the account exists; does nothing visible otherwise.
pub fn request_password_reset(Db(conn): &mut Db, st: &AppState, email: &Email) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let Some(user) = users::find_by_email(conn, email.as_str())? else {
            return Ok(());
        };
        let token = security::new_token();
        tokens::retire_user_tokens(conn, user.id, RESET_PASSWORD)?;
        tokens::create_user_token(conn, &security::hash_token(&token), user.id, RESET_PASSWORD, Utc::now() + Duration::minutes(RESET_MINUTES))?;
        mail::queue(
            conn,
            st,
            &user.email,
            "Reset your Plumbline password",
            "reset",
            json!({ "name": user.name, "link": format!("{}/password/reset?token={}", st.config.base_url, token), "minutes": RESET_MINUTES }),
        )?;
        Ok(())
    })
}

pub fn reset_token_live(Db(conn): &mut Db, token: &str) -> Result<bool, AppError> {
    Ok(tokens::user_token_live(conn, &security::hash_token(token), RESET_PASSWORD)?)
}

/// Uses a reset token: new password, every session and API token ended. Following the mailed
/// link proves the address, so it also counts as verification.
pub fn reset_password(Db(conn): &mut Db, st: &AppState, token: &str, new_hash: &str) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        let Some(user_id) = tokens::consume_user_token(conn, &security::hash_token(token), RESET_PASSWORD)? else {
            return Ok(false);
        };
        users::set_password(conn, user_id, new_hash)?;
        end_everything(conn, user_id)?;
        users::mark_verified(conn, user_id)?;
        // The address is proven now: older confirmation links have nothing left to do.
        tokens::retire_user_tokens(conn, user_id, VERIFY_EMAIL)?;
        let user = users::find(conn, user_id)?;
        conf_repo::redeem_invitations(conn, &user.email, user.id)?;
        tell_password_changed(conn, st, &user)?;
        Ok(true)
    })
}

pub fn update_profile(
    Db(conn): &mut Db,
    user_id: i64,
    name: &str,
    affiliation: &str,
    bio: &str,
) -> Result<(), AppError> {
    Ok(users::update_profile(conn, user_id, name, affiliation, bio)?)
}

/// What the person asks for when issuing an API token.
pub struct TokenRequest {
    pub name: String,
    pub scope: ApiScope,
    pub lifetime: Option<Duration>,
}

/// Issues a personal API token; only its hash is stored, so it is shown once.
/// Only a confirmed account holds tokens (the database refuses the others too).
pub fn issue_api_token(Db(conn): &mut Db, user: &User, req: &TokenRequest) -> Result<String, AppError> {
    policy::require_verified(user)?;
    let token = format!("plb_{}", security::new_token());
    tokens::create_api_token(
        conn,
        &tokens::NewApiToken {
            hash: &security::hash_token(&token),
            user_id: user.id,
            name: &req.name,
            scope: req.scope.as_str(),
            expires_at: req.lifetime.map(|d| Utc::now() + d),
        },
    )?;
    Ok(token)
}

pub fn api_tokens(Db(conn): &mut Db, user: &User) -> Result<Vec<ApiToken>, AppError> {
    Ok(tokens::api_tokens_of(conn, user.id)?)
}

/// Revokes one of the person's own tokens (404 for anyone else's).
pub fn revoke_api_token(Db(conn): &mut Db, user: &User, public_id: uuid::Uuid) -> Result<(), AppError> {
    if tokens::revoke_api_token(conn, user.id, public_id)? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The verified owner of a live token and the token's scope. Its last use is
/// written at most once a minute, so a busy script does not write every request.
pub fn user_for_api_token(Db(conn): &mut Db, token: &str) -> Result<Option<(User, ApiScope)>, AppError> {
    let Some((user, t)) = tokens::user_for_api_token(conn, &security::hash_token(token))? else {
        return Ok(None);
    };
    if t.last_used_at.is_none_or(|at| at < Utc::now() - Duration::minutes(1)) {
        tokens::touch_api_token(conn, t.id)?;
    }
    Ok(Some((user, ApiScope::from_stored(&t.scope))))
}

pub fn user_for_session(Db(conn): &mut Db, token: &str) -> Result<Option<User>, AppError> {
    Ok(users::user_for_session(conn, &security::hash_token(token))?)
}

/// An account made by an operator on the command line (`plumbline user add`):
/// the operator vouches for the address, so it is confirmed at once.
pub fn add_confirmed(
    Db(conn): &mut Db,
    email: &Email,
    name: &str,
    password_hash: &str,
    site_admin: bool,
) -> Result<User, AppError> {
    Ok(users::upsert(conn, email.as_str(), name, password_hash, site_admin)?)
}

/// The account with this address, if any (the CLI issues tokens to it).
pub fn by_email(Db(conn): &mut Db, email: &Email) -> Result<Option<User>, AppError> {
    Ok(users::find_by_email(conn, email.as_str())?)
}
