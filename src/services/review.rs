//! Committee review: members and their scope, reviews within the review window,
//! conflicts of interest, anonymised review, decisions and their release by mail.

use crate::domain::account::Email;
use crate::domain::proposal::{CallKind, ProposalState};
use crate::domain::review::{self as rules, Visibility};
use crate::error::AppError;
use crate::repo::calls::{self, Call};
use crate::repo::conferences::Conference;
use crate::repo::microconferences as mcs;
use crate::repo::proposals::{self, Proposal};
use crate::repo::reviews::{self, DashboardRow, Member, Scope};
use crate::repo::users::{self, User};
use crate::security;
use crate::services::cfp;
use crate::services::conferences::{is_organiser, require_organiser};
use crate::services::mail;
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

/// The reviewing role of a person for one set of proposals.
#[derive(Clone)]
pub enum Reviewer {
    /// A committee member, limited to their calls/tracks.
    Member(Member),
    /// An organiser (sees every proposal of the conference's own calls).
    Organiser,
    /// A lead of the MC whose topic call is being reviewed.
    Lead(i64),
}

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
    if reviews::is_conflicted(conn, p.id, user.id)? {
        return Err(AppError::NotFound);
    }
    let call = calls::find(conn, p.call_id)?;
    let role = match call.microconference_id {
        Some(mc) if mcs::is_lead(conn, mc, user.id)? => Reviewer::Lead(mc),
        Some(_) => return Err(AppError::NotFound),
        None => match reviews::membership(conn, conf.id, user.id)? {
            Some(m) if m.covers(call.id, p.track_id) => Reviewer::Member(m),
            _ if is_organiser(conn, conf, user)? => Reviewer::Organiser,
            _ => return Err(AppError::NotFound),
        },
    };
    Ok((p, call, role))
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

/// Whether the viewer may see others' scores on this row.
pub fn may_see_others(row: &DashboardRow, role: &Reviewer) -> bool {
    match role {
        Reviewer::Organiser => true,
        _ => Visibility::parse(&row.reviews_visibility)
            .unwrap_or(Visibility::AfterOwn)
            .may_see_others(row.own_score.is_some()),
    }
}

/// Proposer identities are hidden from reviewers in anonymised calls (organisers always see them).
pub fn hides_proposer(call: &Call, role: &Reviewer) -> bool {
    call.anonymised && !matches!(role, Reviewer::Organiser)
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

/// Decides one proposal of the conference's own calls (organisers) or of an MC's
/// topic call (its leads). Proposers see nothing until the decision is released.
/// The proposal if the actor may decide it: organisers for the conference's
/// calls, an MC's leads (and organisers) for its topics. Others: 404 or 403.
pub fn require_decider(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<Proposal, AppError> {
    let (p, call, _) = cfp::visible_proposal(conn, Some(actor), conf, public_id)?;
    let allowed = match call.microconference_id {
        Some(mc) => mcs::is_lead(conn, mc, actor.id)? || is_organiser(conn, conf, actor)?,
        None => is_organiser(conn, conf, actor)?,
    };
    if allowed {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}

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

/// Decides many proposals at once; returns how many changed.
pub fn decide_many(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    public_ids: &[String],
    to: ProposalState,
) -> Result<usize, AppError> {
    conn.transaction(|conn| {
        let mut n = 0;
        for id in public_ids {
            decide(conn, actor, conf, id, to, None)?;
            n += 1;
        }
        Ok(n)
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
pub fn release(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    mc_public_id: Option<&str>,
) -> Result<usize, AppError> {
    conn.transaction(|conn| {
        let topic_call = match mc_public_id {
            Some(mc) => Some(cfp::led_microconference(conn, actor, conf, mc)?.1.id),
            None => {
                require_organiser(conn, conf, actor)?;
                None
            }
        };
        let released = proposals::release_decisions(conn, conf.id, topic_call)?;
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
        Ok(released.len())
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
