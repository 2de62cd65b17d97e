//! Throttles: failed logins, and mail that anyone can make us send (sign-up,
//! "forgot password", confirmation links, invitations), per address and per
//! client address. Counted in PostgreSQL, so every instance sees one count.

use crate::error::AppError;
use crate::services::repo::limits;
use crate::services::Db;
use diesel::PgConnection;

/// A limit on one kind of request: at most `per_address` per address (account
/// or recipient) and `per_client` per client address in `window_secs`.
#[derive(Clone, Copy)]
pub struct Limit {
    name: &'static str,
    per_address: i32,
    per_client: i32,
    window_secs: i64,
}

/// Wrong passwords: the 11th attempt in five minutes is refused, for the account and for the client.
pub const LOGIN: Limit = Limit { name: "login", per_address: 10, per_client: 10, window_secs: 5 * 60 };
/// Mail about one's own account (sign-up, reset, new confirmation link).
pub const ACCOUNT_MAIL: Limit = Limit { name: "account-mail", per_address: 5, per_client: 30, window_secs: 3600 };
/// Invitations to a role or a proposal: an organiser invites many people, but
/// one address is not mailed over and over. The inviter is always logged in
/// (and confirmed), so their account stands in for the client address: it is
/// the sharper key (one office NAT is many organisers), and sign-up itself is
/// limited per client address.
pub const INVITATION_MAIL: Limit =
    Limit { name: "invitation-mail", per_address: 5, per_client: 300, window_secs: 3600 };

/// Group mail: a conference sends at most 10 mailings an hour, an organiser 20.
pub const GROUP_MAIL: Limit = Limit { name: "group-mail", per_address: 10, per_client: 20, window_secs: 3600 };

/// Ideas on a conference's MC ideas board: at most 5 a person a day.
pub const MC_IDEAS: Limit = Limit { name: "mc-ideas", per_address: 5, per_client: 5, window_secs: 24 * 3600 };
/// Comments on MC ideas: at most 30 a person a day.
pub const MC_IDEA_COMMENTS: Limit =
    Limit { name: "mc-idea-comments", per_address: 30, per_client: 30, window_secs: 24 * 3600 };

fn keys(limit: &Limit, addresses: &[&str], client: &str) -> Vec<String> {
    let mut keys: Vec<String> = addresses.iter().map(|a| format!("{}:addr:{}", limit.name, a.to_lowercase())).collect();
    keys.push(format!("{}:client:{client}", limit.name));
    keys
}

/// Counts this attempt (before any slow work) and says whether it is within the limit.
pub fn attempt(conn: &mut PgConnection, limit: &Limit, addresses: &[&str], client: &str) -> Result<bool, AppError> {
    let client_key = format!("{}:client:{client}", limit.name);
    let hits = limits::hit(conn, &keys(limit, addresses, client), limit.window_secs)?;
    Ok(hits.iter().all(|h| h.hits <= if h.key == client_key { limit.per_client } else { limit.per_address }))
}

/// `attempt` as an error: 429 when over the limit.
pub fn require_within(
    conn: &mut PgConnection,
    limit: &Limit,
    addresses: &[&str],
    client: &str,
) -> Result<(), AppError> {
    if attempt(conn, limit, addresses, client)? {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

/// An attempt that succeeded does not count against the limit (a right password).
pub fn take_back(conn: &mut PgConnection, limit: &Limit, addresses: &[&str], client: &str) -> Result<(), AppError> {
    Ok(limits::take_back(conn, &keys(limit, addresses, client))?)
}

/// What the inviter is told when one address had enough invitations.
pub const INVITED_TOO_OFTEN: &str = "was sent several invitations within the hour already: please try again later";

/// Counts an invitation mail to `to` sent by `inviter` (429 past the limit).
pub fn invitation_mail(
    conn: &mut PgConnection,
    to: &str,
    inviter: &crate::services::repo::users::User,
) -> Result<(), AppError> {
    require_within(conn, &INVITATION_MAIL, &[to], &format!("account-{}", inviter.id))
}

/// Counts one of a person's own writes (`what`: "ideas", "comments") against
/// `limit`'s count per address, keyed by the account alone: 429 saying so past
/// it. Called inside the write's transaction, a refused or failed write is not
/// counted.
pub fn per_person(conn: &mut PgConnection, limit: &Limit, user_id: i64, what: &str) -> Result<(), AppError> {
    let hits = limits::hit(conn, &[format!("{}:user:{user_id}", limit.name)], limit.window_secs)?;
    if hits.iter().all(|h| h.hits <= limit.per_address) {
        return Ok(());
    }
    Err(AppError::TooManyBecause(format!(
        "You have posted {} {what} within a day, the most one person may: please try again tomorrow.",
        limit.per_address
    )))
}

/// Forgets counters whose window ended a day ago or more.
pub fn forget_old(Db(conn): &mut Db) -> Result<usize, AppError> {
    Ok(limits::prune(conn)?)
}
