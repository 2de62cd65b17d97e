//! Who may see which proposal, and the lists and pages built from what they may see.

use super::*;
use crate::services::Db;

pub use crate::services::policy::Access;

pub fn access(
    conn: &mut PgConnection,
    user: Option<&User>,
    conf: &Conference,
    call: &Call,
    p: &Proposal,
) -> Result<Access, AppError> {
    let Some(u) = user else { return Ok(Access::default()) };
    let member = p.submitter_id == u.id || proposals::is_accepted_person(conn, p.id, u.id)?;
    let organiser = organises(conn, conf, u)?;
    let lead = match call.microconference_id {
        Some(mc) => mcs::is_lead(conn, mc, u.id)?,
        None => false,
    };
    Ok(Access { organiser, member, lead })
}

/// A proposal of this conference that the user may see, with its call, or 404
/// (never 403: the existence of someone else's proposal is not revealed). Its
/// proposers get it as disclosed: an unreleased decision is not in it.
pub fn visible_proposal(
    Db(conn): &mut Db,
    user: Option<&User>,
    conf: &Conference,
    public_id: &str,
) -> Result<(Proposal, Call, Access), AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    let p = proposals::by_public_id(conn, id)?.filter(|p| p.conference_id == conf.id).ok_or(AppError::NotFound)?;
    let call = calls::find(conn, p.call_id)?;
    let a = access(conn, user, conf, &call, &p)?;
    if !a.can_view() {
        return Err(AppError::NotFound);
    }
    let p = if a.sees_decisions() { p } else { proposals::disclosed(conn, p.id)? };
    Ok((p, call, a))
}

/// The proposals of this conference a person may list: organisers every one
/// (not the MC topic calls' drafts, which are their proposers' business);
/// everyone else the ones they are on, as disclosed (decisions once released).
pub fn proposals_seen_by(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<Vec<ProposalRow>, AppError> {
    if organises(conn, conf, user)? {
        return Ok(proposals::list(conn, conf.id, &Default::default())?
            .into_iter()
            .filter(|r| r.state != "draft" || r.call_kind != "mc_topic")
            .collect());
    }
    Ok(proposals::of_person(conn, user.id)?.into_iter().filter(|(_, c)| *c == conf.id).map(|(r, _)| r).collect())
}

/// The conference's calls, in their order.
pub fn calls_of(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<Call>, AppError> {
    Ok(calls::for_conference(conn, conf.id)?)
}

/// The conference's tracks.
pub fn tracks_of(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<Track>, AppError> {
    Ok(calls::tracks(conn, conf.id)?)
}

/// The calls, the proposals and the microconferences of `organiser_overview`.
pub type Overview = (Vec<Call>, Vec<ProposalRow>, Vec<Microconference>);

/// The organisers' overview: the calls, every proposal outside the MC topic
/// calls (to count them by state), and the microconferences.
pub fn organiser_overview(Db(conn): &mut Db, conf: &Conference) -> Result<Overview, AppError> {
    let all = proposals::list(conn, conf.id, &Filter { exclude_topic_calls: true, ..Default::default() })?;
    Ok((calls_of(&mut Db::new(conn), conf)?, all, mcs::for_conference(conn, conf.id)?))
}

/// The conference's proposals that pass the organisers' filter.
pub fn proposal_list(Db(conn): &mut Db, conf: &Conference, f: &Filter) -> Result<Vec<ProposalRow>, AppError> {
    Ok(proposals::list(conn, conf.id, f)?)
}

/// A proposal's topics (title, body) and its invited people.
pub type Content = (Vec<(String, String)>, Vec<Person>);

/// What a proposal's page shows beyond the proposal itself.
pub struct ProposalPage {
    pub topics: Vec<(String, String)>,
    pub people: Vec<Person>,
    pub submitter: String,
    /// The reviewers' notes to the proposer, once the decision is released.
    pub notes: Vec<String>,
    /// What a proposer may do follows the disclosed state only.
    pub state: ProposalState,
    pub viewer_conflicted: bool,
}

/// The rest of a proposal's page, for a viewer `visible_proposal` let in.
pub fn proposal_page(Db(conn): &mut Db, viewer: &User, p: &Proposal, released: bool) -> Result<ProposalPage, AppError> {
    let notes = if released { crate::services::repo::reviews::notes_for_proposer(conn, p.id)? } else { Vec::new() };
    Ok(ProposalPage {
        topics: proposals::topics(conn, p.id)?,
        people: proposals::people(conn, p.id)?,
        submitter: users::find(conn, p.submitter_id)?.name,
        notes,
        state: proposer_state(&mut Db::new(conn), p.id)?,
        viewer_conflicted: crate::services::review::is_conflicted(conn, p.id, viewer)?,
    })
}

/// A proposal's topics and people, for its edit form.
pub fn content_of(Db(conn): &mut Db, proposal_id: i64) -> Result<Content, AppError> {
    Ok((proposals::topics(conn, proposal_id)?, proposals::people(conn, proposal_id)?))
}

/// The proposals a person is on, across conferences, each with its conference.
pub fn my_proposals(Db(conn): &mut Db, user: &User) -> Result<Vec<(ProposalRow, Conference)>, AppError> {
    let mut out = Vec::new();
    for (r, conf_id) in proposals::of_person(conn, user.id)? {
        out.push((r, crate::services::repo::conferences::by_id(conn, conf_id)?));
    }
    Ok(out)
}
