//! Who reviews what, and reviewing: a reviewer's scope, the proposals they may
//! review, what they see of others' reviews, and saving their own.

use super::*;
use crate::services::Db;

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
        let (mc, call) = cfp::led_microconference(&mut Db::new(conn), user, conf, mc)?;
        return Ok((Scope { topic_call: Some(call.id), ..base }, Reviewer::Lead(mc.id)));
    }
    let membership = reviews::membership(conn, conf.id, user.id)?;
    let organises = organises(conn, conf, user)?;
    match policy::committee_reviewer(membership, organises)? {
        Reviewer::Member(m) => {
            let s = Scope { call_ids: m.call_ids.clone(), track_ids: m.track_ids.clone(), ..base };
            Ok((s, Reviewer::Member(m)))
        }
        role => Ok((base, role)),
    }
}

/// May this user review this proposal? Everything that is not explicitly in
/// their scope, or is conflicted, answers 404 (its existence is not revealed).
pub fn reviewable(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Proposal, Call, Reviewer), AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    let p = proposals::by_public_id(conn, id)?.filter(|p| p.conference_id == conf.id).ok_or(AppError::NotFound)?;
    if !matches!(
        p.state,
        ProposalState::Submitted | ProposalState::Accepted | ProposalState::Rejected | ProposalState::Maybe
    ) {
        return Err(AppError::NotFound);
    }
    let call = calls::find(conn, p.call_id)?;
    let facts = match call.microconference_id {
        Some(mc) => ReviewerFacts::Topic { mc, leads_it: mcs::is_lead(conn, mc, user.id)? },
        None => ReviewerFacts::Committee {
            membership: reviews::membership(conn, conf.id, user.id)?,
            organises: organises(conn, conf, user)?,
        },
    };
    let role = policy::reviewer_role(facts, call.id, p.track_id).ok_or(AppError::NotFound)?;
    let conflicted = reviews::is_conflicted(conn, p.id, user.id)?;
    if review_sight(&role, conflicted, call.reviews_visibility, false) == Sight::Nothing {
        return Err(conflict_refusal(conn, conf, user)?);
    }
    Ok((p, call, role))
}

/// The reviews of one proposal as a reviewer may read them on its review page.
pub struct ReviewsSeen {
    pub own: Option<reviews::Review>,
    /// The call's weighted criteria (empty: one overall score).
    pub criteria: Vec<calls::CriterionRow>,
    /// Criterion scores of the reviews shown (own and others'), by review id.
    pub criterion_scores: std::collections::HashMap<i64, Vec<(i64, i32)>>,
    /// Others' reviews with their reviewers' names (empty unless `sight` is `All`).
    pub others: Vec<(reviews::Review, String)>,
    /// Every score (empty unless `sight` is `All`).
    pub scores: Vec<i32>,
    pub sight: Sight,
}

pub fn reviews_seen(
    Db(conn): &mut Db,
    user: &User,
    p: &Proposal,
    call: &Call,
    role: &Reviewer,
) -> Result<ReviewsSeen, AppError> {
    let all = reviews::reviews_of(conn, p.id)?;
    let own = all.iter().find(|(r, _)| r.reviewer_id == user.id).map(|(r, _)| r.clone());
    let conflicted = reviews::is_conflicted(conn, p.id, user.id)?;
    let sight = review_sight(role, conflicted, call.reviews_visibility, own.is_some());
    let (others, scores) = match sight {
        Sight::All => (
            all.iter().filter(|(r, _)| r.reviewer_id != user.id).cloned().collect(),
            all.iter().map(|(r, _)| r.score).collect(),
        ),
        Sight::Own | Sight::Nothing => (Vec::new(), Vec::new()),
    };
    let own = if sight == Sight::Nothing { None } else { own };
    let criteria = calls::criteria(conn, call.id)?;
    let shown: Vec<i64> = own.iter().map(|r| r.id).chain(others.iter().map(|(r, _)| r.id)).collect();
    let mut criterion_scores: std::collections::HashMap<i64, Vec<(i64, i32)>> = std::collections::HashMap::new();
    if !criteria.is_empty() {
        for (review, criterion, score) in reviews::criterion_scores(conn, p.id)? {
            if shown.contains(&review) {
                criterion_scores.entry(review).or_default().push((criterion, score));
            }
        }
    }
    Ok(ReviewsSeen { own, criteria, criterion_scores, others, scores, sight })
}

pub fn dashboard(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    mc: Option<&str>,
) -> Result<(Vec<DashboardRow>, Reviewer), AppError> {
    let (scope, role) = scope(conn, user, conf, mc)?;
    Ok((reviews::dashboard(conn, &scope)?, role))
}

/// A proposal's topics, and its proposer as `review_subject` shows them.
pub type Subject = (Vec<(String, String)>, Option<ProposerView>);

/// Who proposed a proposal, as reviewers allowed to know it see them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProposerView {
    pub name: String,
    pub affiliation: String,
    pub email: String,
    /// The co-speakers who accepted.
    pub people: Vec<String>,
}

/// A proposal as its review page shows it: topics, and its proposer (name,
/// affiliation, address and accepted co-speakers) unless the call hides them from this reviewer.
pub fn review_subject(Db(conn): &mut Db, p: &Proposal, call: &Call, role: &Reviewer) -> Result<Subject, AppError> {
    let topics = proposals::topics(conn, p.id)?;
    if hides_proposer(call.anonymised, role) {
        return Ok((topics, None));
    }
    let u = users::find(conn, p.submitter_id)?;
    let people: Vec<String> = proposals::people(conn, p.id)?
        .into_iter()
        .filter(|x| x.status == InvitationStatus::Accepted)
        .map(|x| x.email)
        .collect();
    Ok((topics, Some(ProposerView { name: u.name, affiliation: u.affiliation, email: u.email, people })))
}

/// Where a reviewer goes back to from a proposal: its MC's review page, or the conference's.
pub fn review_home(Db(conn): &mut Db, conf: &Conference, call: &Call) -> Result<String, AppError> {
    Ok(match call.microconference_id {
        Some(mc) => format!("/c/{}/mc/{}/review", conf.slug, mcs::find(conn, mc)?.public_id),
        None => format!("/c/{}/review", conf.slug),
    })
}

pub struct ReviewInput {
    /// The overall score; ignored when the call has criteria (then it is their weighted mean).
    pub score: i32,
    /// (criterion id, score) for a call with weighted criteria.
    pub criteria: Vec<(i64, i32)>,
    pub comment: String,
    pub note: String,
}

pub fn save_review(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    public_id: &str,
    input: &ReviewInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (p, call, _) = reviewable(&mut Db::new(conn), user, conf, public_id)?;
        if !rules::review_open(call.review_opens_at, call.review_closes_at, Utc::now()) {
            return Err(AppError::Conflict("Review is closed for this call.".into()));
        }
        let in_scale = |s: i32| (call.score_min..=call.score_max).contains(&s);
        let criteria = calls::criteria(conn, call.id)?;
        if criteria.is_empty() {
            if !in_scale(input.score) {
                return Err(AppError::BadRequest(format!(
                    "Choose a score from {} to {}.",
                    call.score_min, call.score_max
                )));
            }
            return Ok(reviews::upsert_review(conn, p.id, user.id, input.score, &input.comment, &input.note)?);
        }
        let mut scored = Vec::with_capacity(criteria.len());
        for c in &criteria {
            match input.criteria.iter().find(|(id, _)| *id == c.id) {
                Some(&(_, s)) if in_scale(s) => scored.push((c.id, s, c.weight)),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "Score {} from {} to {}.",
                        c.name, call.score_min, call.score_max
                    )))
                }
            }
        }
        let weighted: Vec<(i32, i32)> = scored.iter().map(|&(_, s, w)| (s, w)).collect();
        let score = rules::weighted_score(&weighted).unwrap_or(call.score_min);
        reviews::upsert_review(conn, p.id, user.id, score, &input.comment, &input.note)?;
        let by_criterion: Vec<(i64, i32)> = scored.iter().map(|&(id, s, _)| (id, s)).collect();
        Ok(reviews::set_criterion_scores(conn, p.id, user.id, &by_criterion)?)
    })
}
