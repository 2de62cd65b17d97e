//! Committee review: members and their scope, reviews within the review window,
//! conflicts of interest, anonymised review, decisions and their release by mail.

use crate::domain::account::Email;
use crate::domain::proposal::{CallKind, ProposalState};
use crate::domain::review as rules;
use crate::error::AppError;
use crate::repo::calls::{self, Call};
use crate::repo::conferences::Conference;
use crate::repo::microconferences as mcs;
use crate::repo::proposals::{self, Proposal};
pub use crate::repo::reviews::DashboardRow;
use crate::repo::reviews::{self, Member, Scope};
use crate::repo::users::{self, User};
use crate::security;
use crate::services::cfp;
use crate::services::conferences::{is_organiser, require_organiser};
use crate::services::mail;
use crate::services::policy::{self, hides_proposer, review_sight, Reviewer, ReviewerFacts, Sight};
use crate::state::AppState;
use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde_json::json;

// --- committee ---

pub fn invite_member(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    email: &Email,
    call_ids: &[i64],
    track_ids: &[i64],
) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let own_calls: Vec<i64> = calls::for_conference(conn, conf.id)?.iter().map(|c| c.id).collect();
        let own_tracks: Vec<i64> = calls::tracks(conn, conf.id)?.iter().map(|t| t.id).collect();
        if call_ids.iter().any(|c| !own_calls.contains(c)) || track_ids.iter().any(|t| !own_tracks.contains(t)) {
            return Err(AppError::BadRequest("Choose calls and tracks of this conference.".into()));
        }
        let token = security::new_token();
        let new = reviews::invite_member(conn, conf.id, email.as_str(), &security::hash_token(&token), call_ids, track_ids)?;
        if new {
            crate::services::limits::invitation_mail(conn, email.as_str(), actor)?;
            mail::queue(
                conn,
                st,
                email.as_str(),
                &format!("Join the programme committee of {}", conf.name),
                "committee_invitation",
                json!({ "conference": conf.name, "inviter": actor.name, "link": format!("{}/committee/{}", st.config.base_url, token) }),
            )?;
        }
        Ok(new)
    })
}

pub fn member_invitation(conn: &mut PgConnection, token: &str) -> Result<(Member, Conference), AppError> {
    if token.len() > 64 {
        return Err(AppError::NotFound);
    }
    let m = reviews::member_by_token(conn, &security::hash_token(token))?.ok_or(AppError::NotFound)?;
    let conf = crate::repo::conferences::by_id(conn, m.conference_id)?;
    Ok((m, conf))
}

pub fn respond_membership(
    conn: &mut PgConnection,
    user: &User,
    token: &str,
    accept: bool,
) -> Result<Conference, AppError> {
    conn.transaction(|conn| {
        let (m, conf) = member_invitation(conn, token)?;
        crate::services::policy::require_addressee(user, &m.email)?;
        if m.status != "invited" {
            return Err(AppError::Conflict(format!("This invitation was already {}.", m.status)));
        }
        reviews::respond(conn, m.id, user.id, accept)?;
        Ok(conf)
    })
}

// --- who reviews what ---

/// The scope a user reviews in: the conference's calls (committee) or one MC's topics (leads).
pub fn scope(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    mc_public_id: Option<&str>,
) -> Result<(Scope, Reviewer), AppError> {
    let base = Scope {
        conference_id: conf.id,
        viewer_id: user.id,
        topic_call: None,
        call_ids: vec![],
        track_ids: vec![],
        include_conflicted: false,
    };
    if let Some(mc) = mc_public_id {
        let (mc, call) = cfp::led_microconference(conn, user, conf, mc)?;
        return Ok((Scope { topic_call: Some(call.id), ..base }, Reviewer::Lead(mc.id)));
    }
    if let Some(m) = reviews::membership(conn, conf.id, user.id)? {
        let s = Scope { call_ids: m.call_ids.clone(), track_ids: m.track_ids.clone(), ..base };
        return Ok((s, Reviewer::Member(m)));
    }
    if is_organiser(conn, conf, user)? {
        return Ok((base, Reviewer::Organiser));
    }
    Err(AppError::Forbidden)
}

/// May this user review this proposal? Everything that is not explicitly in
/// their scope, or is conflicted, answers 404 (its existence is not revealed).
pub fn reviewable(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Proposal, Call, Reviewer), AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    let p = proposals::by_public_id(conn, id)?.filter(|p| p.conference_id == conf.id).ok_or(AppError::NotFound)?;
    if !matches!(
        cfp::state_of(&p),
        ProposalState::Submitted | ProposalState::Accepted | ProposalState::Rejected | ProposalState::Maybe
    ) {
        return Err(AppError::NotFound);
    }
    let call = calls::find(conn, p.call_id)?;
    let facts = match call.microconference_id {
        Some(mc) => ReviewerFacts::Topic { mc, leads_it: mcs::is_lead(conn, mc, user.id)? },
        None => ReviewerFacts::Committee {
            membership: reviews::membership(conn, conf.id, user.id)?,
            organises: is_organiser(conn, conf, user)?,
        },
    };
    let role = policy::reviewer_role(facts, call.id, p.track_id).ok_or(AppError::NotFound)?;
    let conflicted = reviews::is_conflicted(conn, p.id, user.id)?;
    if review_sight(&role, conflicted, &call.reviews_visibility, false) == Sight::Nothing {
        return Err(conflict_refusal(conn, conf, user)?);
    }
    Ok((p, call, role))
}

/// How someone with a conflict of interest is refused: organisers are told why
/// (they know the proposal exists, and someone else must act on it); anyone
/// else gets 404, as if it did not exist.
fn conflict_refusal(conn: &mut PgConnection, conf: &Conference, user: &User) -> Result<AppError, AppError> {
    Ok(policy::conflict_refusal(is_organiser(conn, conf, user)?))
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

/// The reviews of one proposal as a reviewer may read them on its review page.
pub struct ReviewsSeen {
    pub own: Option<reviews::Review>,
    /// Others' reviews with their reviewers' names (empty unless `sight` is `All`).
    pub others: Vec<(reviews::Review, String)>,
    /// Every score (empty unless `sight` is `All`).
    pub scores: Vec<i32>,
    pub sight: Sight,
}

pub fn reviews_seen(
    conn: &mut PgConnection,
    user: &User,
    p: &Proposal,
    call: &Call,
    role: &Reviewer,
) -> Result<ReviewsSeen, AppError> {
    let all = reviews::reviews_of(conn, p.id)?;
    let own = all.iter().find(|(r, _)| r.reviewer_id == user.id).map(|(r, _)| r.clone());
    let conflicted = reviews::is_conflicted(conn, p.id, user.id)?;
    let sight = review_sight(role, conflicted, &call.reviews_visibility, own.is_some());
    let (others, scores) = match sight {
        Sight::All => (
            all.iter().filter(|(r, _)| r.reviewer_id != user.id).cloned().collect(),
            all.iter().map(|(r, _)| r.score).collect(),
        ),
        Sight::Own | Sight::Nothing => (Vec::new(), Vec::new()),
    };
    let own = if sight == Sight::Nothing { None } else { own };
    Ok(ReviewsSeen { own, others, scores, sight })
}

/// Every review `user` may read in the conference as their review role allows
/// (the API's JSON and CSV).
pub fn readable_reviews(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
) -> Result<Vec<reviews::ExportRow>, AppError> {
    let (scope, role) = scope(conn, user, conf, None)?;
    let in_scope: Option<Vec<i64>> = match role {
        Reviewer::Organiser => None,
        _ => Some(reviews::dashboard(conn, &scope)?.iter().map(|r| r.id).collect()),
    };
    readable(conn, user, conf, &role, in_scope.as_deref())
}

/// The organisers' download of every review, less those of proposals the
/// organiser downloading it has a conflict of interest with.
pub fn organiser_reviews(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
) -> Result<Vec<reviews::ExportRow>, AppError> {
    require_organiser(conn, conf, user)?;
    readable(conn, user, conf, &Reviewer::Organiser, None)
}

/// The reviews of the proposals in scope (`None`: all of the conference) that
/// `review_sight` lets `user` read, proposers blanked where hidden.
fn readable(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    role: &Reviewer,
    in_scope: Option<&[i64]>,
) -> Result<Vec<reviews::ExportRow>, AppError> {
    let rows = reviews::export(conn, conf.id, user.id)?;
    Ok(rows
        .into_iter()
        .filter(|r| in_scope.is_none_or(|ids| ids.contains(&r.proposal_db_id)))
        .filter(|r| match review_sight(role, r.conflicted, &r.reviews_visibility, r.viewer_reviewed) {
            Sight::All => true,
            Sight::Own => r.reviewer_id == user.id,
            Sight::Nothing => false,
        })
        .map(|mut r| {
            if hides_proposer(r.anonymised, role) {
                r.proposer = String::new();
                r.proposer_email = String::new();
            }
            r
        })
        .collect())
}

/// The CSV of reviews (formula cells neutralised), for the organisers'
/// download and the API alike.
pub fn reviews_csv(rows: &[reviews::ExportRow]) -> String {
    let mut out = crate::domain::csv::row(
        &[
            "proposal",
            "title",
            "call",
            "state",
            "proposer",
            "proposer_email",
            "reviewer",
            "score",
            "comment",
            "note_to_proposer",
        ]
        .map(String::from),
    );
    for r in rows {
        out.push_str(&crate::domain::csv::row(&[
            r.proposal_id.to_string(),
            r.title.clone(),
            r.call.clone(),
            r.state.clone(),
            r.proposer.clone(),
            r.proposer_email.clone(),
            r.reviewer.clone(),
            r.score.to_string(),
            r.comment.clone(),
            r.note_to_proposer.clone(),
        ]));
    }
    out
}

pub fn dashboard(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    mc: Option<&str>,
) -> Result<(Vec<DashboardRow>, Reviewer), AppError> {
    let (scope, role) = scope(conn, user, conf, mc)?;
    Ok((reviews::dashboard(conn, &scope)?, role))
}

/// A proposal's topics, and its proposer as `review_subject` shows them.
pub type Subject = (Vec<(String, String)>, Option<serde_json::Value>);

/// A proposal as its review page shows it: topics, and its proposer (name,
/// affiliation, address and accepted co-speakers) unless the call hides them from this reviewer.
pub fn review_subject(
    conn: &mut PgConnection,
    p: &Proposal,
    call: &Call,
    role: &Reviewer,
) -> Result<Subject, AppError> {
    let topics = proposals::topics(conn, p.id)?;
    if hides_proposer(call.anonymised, role) {
        return Ok((topics, None));
    }
    let u = users::find(conn, p.submitter_id)?;
    let people: Vec<String> =
        proposals::people(conn, p.id)?.into_iter().filter(|x| x.status == "accepted").map(|x| x.email).collect();
    Ok((topics, Some(json!({ "name": u.name, "affiliation": u.affiliation, "email": u.email, "people": people }))))
}

/// Where a reviewer goes back to from a proposal: its MC's review page, or the conference's.
pub fn review_home(conn: &mut PgConnection, conf: &Conference, call: &Call) -> Result<String, AppError> {
    Ok(match call.microconference_id {
        Some(mc) => format!("/c/{}/mc/{}/review", conf.slug, mcs::find(conn, mc)?.public_id),
        None => format!("/c/{}/review", conf.slug),
    })
}

/// Members (with pending invitation addresses), calls and tracks, as `committee` gives them.
pub type Committee = (Vec<(Member, Option<String>)>, Vec<Call>, Vec<calls::Track>);

/// The committee as organisers manage it: members (with their pending
/// invitation address, if any) and the calls and tracks they may be limited to.
pub fn committee(conn: &mut PgConnection, conf: &Conference) -> Result<Committee, AppError> {
    Ok((reviews::members(conn, conf.id)?, calls::for_conference(conn, conf.id)?, calls::tracks(conn, conf.id)?))
}

pub struct ReviewInput {
    pub score: i32,
    pub comment: String,
    pub note: String,
}

pub fn save_review(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
    input: &ReviewInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (p, call, _) = reviewable(conn, user, conf, public_id)?;
        if !rules::review_open(call.review_opens_at, call.review_closes_at, Utc::now()) {
            return Err(AppError::Conflict("Review is closed for this call.".into()));
        }
        if !(call.score_min..=call.score_max).contains(&input.score) {
            return Err(AppError::BadRequest(format!("Choose a score from {} to {}.", call.score_min, call.score_max)));
        }
        Ok(reviews::upsert_review(conn, p.id, user.id, input.score, &input.comment, &input.note)?)
    })
}

/// The rows of the organisers' decisions page: every proposal up for a
/// decision, those the organiser has a conflict of interest with marked (and
/// shown without their reviews).
pub fn decision_rows(conn: &mut PgConnection, user: &User, conf: &Conference) -> Result<Vec<DashboardRow>, AppError> {
    require_organiser(conn, conf, user)?;
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

pub fn declare_conflict(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(), AppError> {
    let (p, _, _) = reviewable(conn, user, conf, public_id)?;
    Ok(reviews::set_conflict(conn, p.id, user.id, "declared")?)
}

/// An organiser marks a committee member as conflicted (e.g. same employer).
pub fn set_conflict(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_id: &str,
    reviewer_email: &str,
    conflicted: bool,
) -> Result<(), AppError> {
    require_organiser(conn, conf, actor)?;
    let (p, _, _) = cfp::visible_proposal(conn, Some(actor), conf, public_id)?;
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

// --- decisions ---

/// The proposal if the actor may decide it: organisers for the conference's
/// calls, an MC's leads (and organisers) for its topics, and never someone
/// with a conflict of interest with it. Others: 404 or 403.
pub fn require_decider(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<Proposal, AppError> {
    let (p, call, _) = cfp::visible_proposal(conn, Some(actor), conf, public_id)?;
    let leads_its_mc = match call.microconference_id {
        Some(mc) => mcs::is_lead(conn, mc, actor.id)?,
        None => false,
    };
    if !policy::may_decide(leads_its_mc, is_organiser(conn, conf, actor)?) {
        return Err(AppError::Forbidden);
    }
    require_unconflicted(conn, p.id, actor)?;
    Ok(p)
}

/// Decides one proposal of the conference's own calls (organisers) or of an MC's
/// topic call (its leads). Proposers see nothing until the decision is released.
pub fn decide(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_id: &str,
    to: ProposalState,
    note: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let p = require_decider(conn, actor, conf, public_id)?;
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
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_ids: &[String],
    to: ProposalState,
) -> Result<Done, AppError> {
    conn.transaction(|conn| {
        let conflicted = reviews::conflicted_proposals(conn, conf.id, actor.id)?;
        let mut d = Done::default();
        for id in public_ids {
            let (p, _, _) = cfp::visible_proposal(conn, Some(actor), conf, id)?;
            if conflicted.contains(&p.id) {
                d.left_for_others += 1;
                continue;
            }
            decide(conn, actor, conf, id, to, None)?;
            d.done += 1;
        }
        Ok(d)
    })
}

pub const DEFAULT_ACCEPTED: (&str, &str) = (
    "Your proposal “{title}” was accepted",
    "Dear {name},\n\nwe are happy to tell you that your proposal “{title}” for {conference} was {decision}.\n\n{note}\n\nSee it here: {link}\n\nThe programme committee",
);
pub const DEFAULT_REJECTED: (&str, &str) = (
    "About your proposal “{title}”",
    "Dear {name},\n\nthank you for your proposal “{title}” for {conference}. We could not accept it this time.\n\n{note}\n\nSee it here: {link}\n\nThe programme committee",
);

pub fn notification_template(
    conn: &mut PgConnection,
    conf_id: i64,
    decision: &str,
) -> Result<(String, String), AppError> {
    let default = if decision == "accepted" { DEFAULT_ACCEPTED } else { DEFAULT_REJECTED };
    Ok(reviews::template(conn, conf_id, decision)?.unwrap_or((default.0.to_string(), default.1.to_string())))
}

pub fn save_notification_template(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    decision: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    require_organiser(conn, conf, actor)?;
    if decision != "accepted" && decision != "rejected" {
        return Err(AppError::BadRequest("Choose accepted or rejected.".into()));
    }
    Ok(reviews::save_template(conn, conf.id, decision, subject, body)?)
}

/// Releases every decided, unreleased proposal in scope: one mail per person on
/// it, through the outbox, in the same transaction that marks it released — so
/// releasing twice sends nothing twice. Accepted MCs become microconferences now.
/// Proposals the actor has a conflict of interest with stay for someone else.
pub fn release(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    mc_public_id: Option<&str>,
) -> Result<Done, AppError> {
    conn.transaction(|conn| {
        let topic_call = match mc_public_id {
            Some(mc) => Some(cfp::led_microconference(conn, actor, conf, mc)?.1.id),
            None => {
                require_organiser(conn, conf, actor)?;
                None
            }
        };
        let conflicted = reviews::conflicted_proposals(conn, conf.id, actor.id)?;
        let released = proposals::release_decisions(conn, conf.id, topic_call, &conflicted)?;
        let left_for_others = proposals::unreleased_decisions(conn, conf.id, topic_call, &conflicted)?;
        for p in &released {
            notify(conn, st, conf, p)?;
            let call = calls::find(conn, p.call_id)?;
            if p.state == "accepted" && cfp::kind_of(&call) == CallKind::Microconference {
                let mc = cfp::make_microconference(conn, conf, p)?;
                mcs::set_comp_passes(conn, mc.id, conf.comp_passes_per_mc)?;
                crate::services::registration::comp_codes_for_microconference(
                    conn,
                    conf,
                    mc.id,
                    &mc.title,
                    conf.comp_passes_per_mc,
                )?;
            }
        }
        Ok(Done { done: released.len(), left_for_others })
    })
}

fn notify(conn: &mut PgConnection, st: &AppState, conf: &Conference, p: &Proposal) -> Result<(), AppError> {
    let (subject, body) = notification_template(conn, conf.id, &p.state)?;
    let mut people: Vec<User> = vec![users::find(conn, p.submitter_id)?];
    for person in proposals::people(conn, p.id)? {
        if let (Some(uid), "accepted") = (person.user_id, person.status.as_str()) {
            people.push(users::find(conn, uid)?);
        }
    }
    let link = format!("{}/c/{}/proposals/{}", st.config.base_url, conf.slug, p.public_id);
    for u in people {
        let values = [
            ("name", u.name.as_str()),
            ("title", p.title.as_str()),
            ("decision", p.state.as_str()),
            ("note", p.decision_note.as_str()),
            ("conference", conf.name.as_str()),
            ("link", link.as_str()),
        ];
        // Subjects are one line: placeholders cannot smuggle a header in.
        let subject = rules::fill(&subject, &values).replace(['\r', '\n'], " ");
        let text = rules::fill(&body, &values);
        mail::queue(conn, st, &u.email, &subject, "decision", json!({ "text": text }))?;
    }
    Ok(())
}
