//! Decisions: the organisers' decision rows, deciding one proposal or many.

use super::*;
use crate::services::Db;

/// The rows of the organisers' decisions page: every proposal up for a
/// decision, those the organiser has a conflict of interest with marked (and
/// shown without their reviews).
pub fn decision_rows(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<Vec<DashboardRow>, AppError> {
    check_organiser(conn, conf, user)?;
    let scope = Scope {
        conference_id: conf.id,
        viewer_id: user.id,
        topic_call: None,
        call_ids: vec![],
        track_ids: vec![],
        include_conflicted: true,
    };
    Ok(reviews::dashboard(conn, &scope)?)
}

/// The proposal if the actor may decide it: organisers for the conference's
/// calls, an MC's leads (and organisers) for its topics, and never someone
/// with a conflict of interest with it. Others: 404 or 403.
pub fn require_decider(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<Proposal, AppError> {
    let (p, call, _) = cfp::visible_proposal(&mut Db::new(conn), Some(actor), conf, public_id)?;
    let leads_its_mc = match call.microconference_id {
        Some(mc) => mcs::is_lead(conn, mc, actor.id)?,
        None => false,
    };
    if !policy::may_decide(leads_its_mc, organises(conn, conf, actor)?) {
        return Err(AppError::Forbidden);
    }
    require_unconflicted(conn, p.id, actor)?;
    Ok(p)
}

/// Decides one proposal of the conference's own calls (organisers) or of an MC's
/// topic call (its leads). Proposers see nothing until the decision is released.
pub fn decide(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    public_id: &str,
    to: ProposalState,
    note: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let p = require_decider(&mut Db::new(conn), actor, conf, public_id)?;
        record_decision(conn, &p, to, note)
    })
}

/// The one path that decides a proposal, for every page that decides (a
/// proposal's page, bulk decisions, an MC's leads); the caller has settled who
/// may. Locks the call, then the proposal (the order every proposal write
/// takes). An accepted topic goes last in its MC's order, and PostgreSQL
/// refuses it when it does not fit in the MC's time budget.
pub fn record_decision(
    conn: &mut PgConnection,
    p: &Proposal,
    to: ProposalState,
    note: Option<&str>,
) -> Result<(), AppError> {
    let call = calls::lock(conn, p.call_id)?;
    let p = proposals::lock(conn, p.id)?;
    let from = cfp::state_of(&p);
    if !ProposalState::organiser_may_set(from, to) {
        return Err(AppError::Conflict(format!("A proposal that is {} cannot become {}.", p.state, to.as_str())));
    }
    if p.decision_released_at.is_some() && from != to {
        return Err(AppError::Conflict("This decision was already released to the proposer.".into()));
    }
    if call.microconference_id.is_some() {
        let position = match to {
            ProposalState::Accepted if from == ProposalState::Accepted => p.position,
            ProposalState::Accepted => Some(proposals::next_position(conn, call.id)?),
            _ => None,
        };
        proposals::set_position(conn, p.id, position)?;
    }
    proposals::set_decision(conn, p.id, to.as_str(), note)?;
    Ok(())
}

/// What a bulk decision or a release did, and what it left for someone else.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub done: usize,
    /// Left out: the actor has a conflict of interest with them.
    pub left_for_others: usize,
}

/// Decides many proposals at once, leaving out those the actor has a conflict
/// of interest with (another organiser decides them).
pub fn decide_many(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    public_ids: &[String],
    to: ProposalState,
) -> Result<Done, AppError> {
    conn.transaction(|conn| {
        let conflicted = reviews::conflicted_proposals(conn, conf.id, actor.id)?;
        let mut d = Done::default();
        for id in public_ids {
            let (p, _, _) = cfp::visible_proposal(&mut Db::new(conn), Some(actor), conf, id)?;
            if conflicted.contains(&p.id) {
                d.left_for_others += 1;
                continue;
            }
            decide(&mut Db::new(conn), actor, conf, id, to, None)?;
            d.done += 1;
        }
        Ok(d)
    })
}
