//! Who may do what, for the rules that do not depend on one conference's roles.
//! Deny by default: a caller asks here and gets `Ok` only when the rule allows.
//!
//! An account whose address nobody has confirmed is, for everything outside its
//! own account page, treated like a visitor: it may confirm, ask for another
//! link, edit its profile, change its password and log out, and nothing that
//! reaches other people or outlives it (no API token, registration, proposal,
//! booking, review or role). PostgreSQL holds the same rule in triggers
//! (migration `account_trust`), so a path that forgets to ask still cannot write.

use crate::domain::account::ApiScope;
use crate::error::AppError;
use crate::repo::users::User;

/// Site administration (the outbox, creating conferences) is for site admins:
/// nobody logged in is asked to log in, anyone else is refused.
pub fn require_site_admin(user: Option<&User>) -> Result<(), AppError> {
    match user {
        Some(u) if u.is_site_admin => Ok(()),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    }
}

/// Runs a microconference: leads it, or organises its conference.
pub fn runs_microconference(is_lead: bool, is_organiser: bool) -> bool {
    is_lead || is_organiser
}

/// An MC's page is public once the programme is published; before that only
/// those who run it see it (everyone else gets 404, not a hint that it exists).
pub fn may_see_microconference(programme_published: bool, runs_it: bool) -> bool {
    programme_published || runs_it
}

/// The account may act beyond its own account page.
pub fn require_verified(user: &User) -> Result<(), AppError> {
    if user.is_verified() {
        Ok(())
    } else {
        Err(AppError::Unverified)
    }
}

/// The verified user, or `None` for nobody and for an unconfirmed account.
pub fn acting(account: Option<&User>) -> Option<&User> {
    account.filter(|u| u.is_verified())
}

/// A token's scope covers the request's method: read-only tokens only read.
pub fn require_token_scope(scope: ApiScope, method: &str) -> Result<(), AppError> {
    if scope.allows_method(method) {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause("This API token is read-only; issue a read-write token to make changes.".into()))
    }
}

/// An invitation (co-speaker, co-lead, committee) is for the account with the
/// address it was sent to; holding the link is not enough.
pub fn require_addressee(user: &User, invited_email: &str) -> Result<(), AppError> {
    require_verified(user)?;
    if user.email.eq_ignore_ascii_case(invited_email) {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause(format!(
            "This invitation was sent to {invited_email}. Log in with that address to answer it."
        )))
    }
}
