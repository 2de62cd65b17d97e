//! Conflicts of interest: declared by a reviewer or set by an organiser, and
//! how someone conflicted is refused.

use super::*;
use crate::services::Db;

/// How someone with a conflict of interest is refused: organisers are told why
/// (they know the proposal exists, and someone else must act on it); anyone
/// else gets 404, as if it did not exist.
pub(super) fn conflict_refusal(conn: &mut PgConnection, conf: &Conference, user: &User) -> Result<AppError, AppError> {
    Ok(policy::conflict_refusal(organises(conn, conf, user)?))
}

/// Refuses anyone with a conflict of interest with the proposal (403 with the
/// reason): a decision, its release or its conflicts are for someone else.
pub fn require_unconflicted(conn: &mut PgConnection, proposal_id: i64, user: &User) -> Result<(), AppError> {
    if reviews::is_conflicted(conn, proposal_id, user.id)? {
        Err(AppError::ForbiddenBecause(policy::CONFLICTED.into()))
    } else {
        Ok(())
    }
}

pub fn is_conflicted(conn: &mut PgConnection, proposal_id: i64, user: &User) -> Result<bool, AppError> {
    Ok(reviews::is_conflicted(conn, proposal_id, user.id)?)
}

pub fn declare_conflict(Db(conn): &mut Db, user: &User, conf: &Conference, public_id: &str) -> Result<(), AppError> {
    let (p, _, _) = reviewable(&mut Db::new(conn), user, conf, public_id)?;
    Ok(reviews::set_conflict(conn, p.id, user.id, "declared")?)
}

/// An organiser marks a committee member as conflicted (e.g. same employer).
pub fn set_conflict(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    public_id: &str,
    reviewer_email: &str,
    conflicted: bool,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let (p, _, _) = cfp::visible_proposal(&mut Db::new(conn), Some(actor), conf, public_id)?;
    // Or they could lift their own conflict, or block every other organiser.
    require_unconflicted(conn, p.id, actor)?;
    let reviewer = users::find_by_email(conn, reviewer_email)?
        .ok_or_else(|| AppError::BadRequest("No account with that address.".into()))?;
    if conflicted {
        reviews::set_conflict(conn, p.id, reviewer.id, "organiser")?;
    } else {
        reviews::remove_conflict(conn, p.id, reviewer.id)?;
    }
    Ok(())
}
