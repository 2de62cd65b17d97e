//! Accounts: sign-up, email verification, login throttling, sessions, password changes and resets, profiles.

use crate::domain::account::Email;
use crate::error::AppError;
use crate::repo::conferences as conf_repo;
use crate::repo::tokens::{self, RESET_PASSWORD, VERIFY_EMAIL};
use crate::repo::users::{self, NewUser, User};
use crate::security;
use crate::services::mail;
use crate::state::AppState;
use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};
use serde_json::json;

pub const SESSION_DAYS: i64 = 30;
pub const VERIFY_HOURS: i64 = 48;
pub const RESET_MINUTES: i64 = 60;
/// The 11th failure in the window is refused with 429.
pub const MAX_LOGIN_FAILURES: i64 = 10;
pub const LOGIN_WINDOW_MINUTES: i64 = 5;

/// Creates an unverified account and mails a verification link. When the address
/// already has an account, that person is told by mail instead, so the page
/// answers the same either way and reveals nothing about who is registered.
pub fn sign_up(
    conn: &mut PgConnection,
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

pub fn resend_verification(conn: &mut PgConnection, st: &AppState, user_id: i64) -> Result<(), AppError> {
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

/// Uses a verification token; the person's pending appointments become roles.
pub fn verify_email(conn: &mut PgConnection, token: &str) -> Result<Option<User>, AppError> {
    conn.transaction(|conn| {
        let Some(user_id) = tokens::consume_user_token(conn, &security::hash_token(token), VERIFY_EMAIL)? else {
            return Ok(None);
        };
        users::mark_verified(conn, user_id)?;
        let user = users::find(conn, user_id)?;
        conf_repo::redeem_invitations(conn, &user.email, user.id)?;
        Ok(Some(user))
    })
}

/// What a login attempt needs before the (slow) password check.
pub enum LoginGate {
    Throttled,
    /// The stored hash to check against; `None` when no such account (check a dummy hash).
    Check(Option<User>),
}

pub fn login_gate(conn: &mut PgConnection, email: &str, client: &str) -> Result<LoginGate, AppError> {
    let since = Utc::now() - Duration::minutes(LOGIN_WINDOW_MINUTES);
    if users::recent_login_failures(conn, email, client, since)? >= MAX_LOGIN_FAILURES {
        return Ok(LoginGate::Throttled);
    }
    Ok(LoginGate::Check(users::find_by_email(conn, email)?))
}

pub fn record_login_failure(conn: &mut PgConnection, email: &str, client: &str) -> Result<(), AppError> {
    Ok(users::record_login_failure(conn, email, client)?)
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

pub fn end_session(conn: &mut PgConnection, token: &str) -> Result<(), AppError> {
    Ok(users::delete_session(conn, &security::hash_token(token))?)
}

/// Stores a new password hash, ends the person's other sessions and tells them by mail.
pub fn change_password(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    new_hash: &str,
    current_session: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        users::set_password(conn, user.id, new_hash)?;
        users::delete_sessions_except(conn, user.id, Some(&security::hash_token(current_session)))?;
        mail::queue(
            conn,
            st,
            &user.email,
            "Your Plumbline password was changed",
            "password_changed",
            json!({ "name": user.name }),
        )?;
        Ok(())
    })
}

/// Mails a reset link when the account exists; does nothing visible otherwise.
pub fn request_password_reset(conn: &mut PgConnection, st: &AppState, email: &Email) -> Result<(), AppError> {
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

pub fn reset_token_live(conn: &mut PgConnection, token: &str) -> Result<bool, AppError> {
    Ok(tokens::user_token_live(conn, &security::hash_token(token), RESET_PASSWORD)?)
}

/// Uses a reset token: new password, every session ended. Following the mailed
/// link proves the address, so it also counts as verification.
pub fn reset_password(conn: &mut PgConnection, st: &AppState, token: &str, new_hash: &str) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        let Some(user_id) = tokens::consume_user_token(conn, &security::hash_token(token), RESET_PASSWORD)? else {
            return Ok(false);
        };
        users::set_password(conn, user_id, new_hash)?;
        users::delete_sessions_except(conn, user_id, None)?;
        users::mark_verified(conn, user_id)?;
        let user = users::find(conn, user_id)?;
        conf_repo::redeem_invitations(conn, &user.email, user.id)?;
        mail::queue(
            conn,
            st,
            &user.email,
            "Your Plumbline password was changed",
            "password_changed",
            json!({ "name": user.name }),
        )?;
        Ok(true)
    })
}

pub fn update_profile(
    conn: &mut PgConnection,
    user_id: i64,
    name: &str,
    affiliation: &str,
    bio: &str,
) -> Result<(), AppError> {
    Ok(users::update_profile(conn, user_id, name, affiliation, bio)?)
}

/// Issues a personal API token; only its hash is stored, so it is shown once.
pub fn issue_api_token(conn: &mut PgConnection, user_id: i64) -> Result<String, AppError> {
    let token = format!("plb_{}", security::new_token());
    tokens::create_api_token(conn, &security::hash_token(&token), user_id)?;
    Ok(token)
}

pub fn user_for_api_token(conn: &mut PgConnection, token: &str) -> Result<Option<User>, AppError> {
    Ok(tokens::user_for_api_token(conn, &security::hash_token(token))?)
}

pub fn user_for_session(conn: &mut PgConnection, token: &str) -> Result<Option<User>, AppError> {
    Ok(users::user_for_session(conn, &security::hash_token(token))?)
}
