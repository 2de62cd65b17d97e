//! Co-speakers and co-leads answer the invitation mailed to them.

use super::*;
use crate::services::Db;

pub struct InvitationView {
    pub person: proposals::Person,
    pub proposal: Proposal,
    pub conference: Conference,
    pub call: Call,
    pub inviter: User,
}

pub fn invitation(Db(conn): &mut Db, token: &str) -> Result<InvitationView, AppError> {
    if token.len() > 64 {
        return Err(AppError::NotFound);
    }
    let person = proposals::person_by_token(conn, &security::hash_token(token))?.ok_or(AppError::NotFound)?;
    let proposal = proposals::find(conn, person.proposal_id)?;
    let call = calls::find(conn, proposal.call_id)?;
    let conference = crate::services::repo::conferences::by_id(conn, proposal.conference_id)?;
    let inviter = users::find(conn, proposal.submitter_id)?;
    Ok(InvitationView { person, proposal, conference, call, inviter })
}

/// Accepts or declines an invitation; the token is the proof, and the answer is
/// final (a declined invitation cannot be accepted later with the same link).
pub fn respond(Db(conn): &mut Db, user: &User, token: &str, accept: bool) -> Result<InvitationView, AppError> {
    conn.transaction(|conn| {
        let inv = invitation(&mut Db::new(conn), token)?;
        policy::require_addressee(user, &inv.person.email)?;
        if inv.person.status != "invited" {
            return Err(AppError::Conflict(format!("This invitation was already {}.", inv.person.status)));
        }
        if inv.proposal.submitter_id == user.id {
            return Err(AppError::Conflict("You are the submitter of this proposal already.".into()));
        }
        proposals::respond(conn, inv.person.id, user.id, accept)?;
        if accept && state_of(&inv.proposal) == ProposalState::Accepted {
            if let Some(mc) = microconference_of(conn, inv.proposal.id)? {
                mcs::add_lead(conn, mc.id, user.id)?;
            }
        }
        invitation(&mut Db::new(conn), token)
    })
}

pub(super) fn microconference_of(
    conn: &mut PgConnection,
    proposal_id: i64,
) -> Result<Option<Microconference>, AppError> {
    use crate::db::schema::microconferences;
    use diesel::prelude::*;
    Ok(microconferences::table
        .filter(microconferences::proposal_id.eq(proposal_id))
        .select(Microconference::as_select())
        .first(conn)
        .optional()?)
}
