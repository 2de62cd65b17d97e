//! Who may do what: the one place that decides access. Deny by default: a
//! caller asks here and gets `Ok` (or `true`) only when the rule allows.
//!
//! The conference-level rules (organisers, MC leads, reviewers, conflicts of
//! interest) take facts the caller looked up (a role, "conflicted?", a call's
//! visibility) and answer without I/O, so each is unit-tested below.
//!
//! An account whose address nobody has confirmed is, for everything outside its
//! own account page, treated like a visitor: it may confirm, ask for another
//! link, edit its profile, change its password and log out, and nothing that
//! reaches other people or outlives it (no API token, registration, proposal,
//! booking, review or role). PostgreSQL holds the same rule in triggers
//! (migration `account_trust`), so a path that forgets to ask still cannot write.

use crate::domain::account::ApiScope;
use crate::domain::proposal::ProposalState;
use crate::domain::review::Visibility;
use crate::error::AppError;
use crate::services::repo::reviews::{DashboardRow, Member};
use crate::services::repo::users::User;

/// Site administration (the outbox, creating conferences) is for site admins:
/// nobody logged in is asked to log in, anyone else is refused.
pub fn require_site_admin(user: Option<&User>) -> Result<(), AppError> {
    match user {
        Some(u) if u.is_site_admin => Ok(()),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    }
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

// --- organisers ---

/// Organises the conference: holds its organiser role, or is a site admin.
pub fn organises(is_site_admin: bool, has_organiser_role: bool) -> bool {
    is_site_admin || has_organiser_role
}

/// Refuses anyone who does not organise the conference.
pub fn require_organising(organises: bool) -> Result<(), AppError> {
    if organises {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

// --- proposals ---

/// What a person may do with one proposal. Deny by default.
#[derive(Debug, Default, Clone, Copy)]
pub struct Access {
    pub organiser: bool,
    /// The submitter, or a co-speaker/co-lead who accepted.
    pub member: bool,
    /// A lead of the MC whose topic call this proposal is in.
    pub lead: bool,
}

impl Access {
    pub fn can_view(&self) -> bool {
        self.organiser || self.member || self.lead
    }
    /// Those who make the decision see it before it is released.
    pub fn sees_decisions(&self) -> bool {
        self.organiser || self.lead
    }
}

/// Editing, submitting or withdrawing is for the proposal's own people; anyone
/// else gets 404 (someone else's proposal is not revealed).
pub fn require_proposer(access: &Access) -> Result<(), AppError> {
    if access.member {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// What a proposal's page offers the viewer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProposalActions {
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_withdraw: bool,
    /// Organisers decide proposals of the conference's own calls (MC leads decide
    /// their topics on their MC's pages); not drafts, not withdrawn ones.
    pub can_decide: bool,
    /// An organiser with a conflict of interest: told someone else must decide.
    pub conflicted_organiser: bool,
}

/// The facts a proposal's page is offered on: who looks (`access`, `conflicted`),
/// whether its call is open, in an MC, and its state (disclosed, and as decided).
pub fn proposal_actions(
    access: &Access,
    conflicted: bool,
    call_open: bool,
    in_mc: bool,
    disclosed: ProposalState,
    state: &str,
) -> ProposalActions {
    ProposalActions {
        can_edit: access.member && call_open && disclosed.proposer_may_edit(),
        can_submit: access.member && call_open && disclosed.proposer_may_submit(),
        can_withdraw: access.member && disclosed.proposer_may_withdraw(call_open),
        can_decide: access.organiser && !conflicted && !in_mc && state != "draft" && state != "withdrawn",
        conflicted_organiser: access.organiser && conflicted,
    }
}

/// Decides a proposal: organisers, and for an MC's topics also its leads
/// (conflicts of interest are refused separately, with the reason).
pub fn may_decide(leads_its_mc: bool, organises: bool) -> bool {
    leads_its_mc || organises
}

// --- microconferences ---

/// Runs a microconference: leads it, or organises its conference.
pub fn runs_microconference(is_lead: bool, is_organiser: bool) -> bool {
    is_lead || is_organiser
}

/// An MC's page is public once the programme is published; before that only
/// those who run it see it (everyone else gets 404, not a hint that it exists).
pub fn may_see_microconference(programme_published: bool, runs_it: bool) -> bool {
    programme_published || runs_it
}

// --- reviews ---

/// What is known about a person and one proposal's call before deciding
/// whether (and as what) they review it.
pub enum ReviewerFacts {
    /// The proposal is a topic of MC `mc`.
    Topic { mc: i64, leads_it: bool },
    /// The proposal is in one of the conference's own calls.
    Committee { membership: Option<Member>, organises: bool },
}

/// Who reviews a proposal, and as what: an MC's topics only its leads; the
/// conference's own calls a committee member whose calls and tracks cover it,
/// else an organiser. `None`: not theirs to review (answered 404).
pub fn reviewer_role(facts: ReviewerFacts, call_id: i64, track_id: Option<i64>) -> Option<Reviewer> {
    match facts {
        ReviewerFacts::Topic { mc, leads_it: true } => Some(Reviewer::Lead(mc)),
        ReviewerFacts::Topic { .. } => None,
        ReviewerFacts::Committee { membership: Some(m), .. } if m.covers(call_id, track_id) => {
            Some(Reviewer::Member(m))
        }
        ReviewerFacts::Committee { organises: true, .. } => Some(Reviewer::Organiser),
        ReviewerFacts::Committee { .. } => None,
    }
}

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

/// What a person may read of the reviews of one proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Nothing, not even how many there are or their mean.
    Nothing,
    /// Their own review only.
    Own,
    /// Every review, with scores, comments and reviewers.
    All,
}

/// The one rule for "who may see the reviews of proposal P". The review page,
/// the dashboards, the decisions page, the organisers' CSV and the API all ask
/// it, and nothing else decides it:
/// - whoever has a conflict of interest with P (on it as proposer, co-speaker or
///   lead, declared it, or had it set by an organiser) sees nothing of them,
///   organisers included: P's reviews and decision are for another organiser;
/// - otherwise organisers see every review;
/// - reviewers and MC leads see their own, and the others' as P's call allows.
pub fn review_sight(role: &Reviewer, conflicted: bool, visibility: &str, has_own: bool) -> Sight {
    if conflicted {
        return Sight::Nothing;
    }
    let others = match role {
        Reviewer::Organiser => true,
        _ => Visibility::parse(visibility).unwrap_or(Visibility::AfterOwn).may_see_others(has_own),
    };
    if others {
        Sight::All
    } else {
        Sight::Own
    }
}

/// `review_sight` for a row of a dashboard or of the decisions page.
pub fn row_sight(row: &DashboardRow, role: &Reviewer) -> Sight {
    review_sight(role, row.conflicted, &row.reviews_visibility, row.own_score.is_some())
}

/// Proposer identities are hidden from reviewers in anonymised calls (organisers always see them).
pub fn hides_proposer(anonymised: bool, role: &Reviewer) -> bool {
    anonymised && !matches!(role, Reviewer::Organiser)
}

pub const CONFLICTED: &str =
    "You have a conflict of interest with this proposal: another organiser must handle its reviews and its decision.";

/// How someone with a conflict of interest is refused: organisers are told why
/// (they know the proposal exists, and someone else must act on it); anyone
/// else gets 404, as if it did not exist.
pub fn conflict_refusal(organises: bool) -> AppError {
    if organises {
        AppError::ForbiddenBecause(CONFLICTED.into())
    } else {
        AppError::NotFound
    }
}

/// `/metrics` tells how busy the site is and how much mail waits: it is for the
/// operator's own machine (a scraper on loopback) or whoever holds
/// `PLUMBLINE_METRICS_TOKEN`; anyone else is refused.
pub fn require_metrics_reader(from_loopback: bool, token_matches: bool) -> Result<(), AppError> {
    if from_loopback || token_matches {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_hides_every_review_from_everyone() {
        for role in [Reviewer::Organiser, Reviewer::Lead(1)] {
            for visibility in ["always", "after_own", "never"] {
                assert_eq!(review_sight(&role, true, visibility, true), Sight::Nothing, "{visibility}");
            }
        }
    }

    #[test]
    fn without_a_conflict_organisers_see_all_and_others_what_the_call_allows() {
        assert_eq!(review_sight(&Reviewer::Organiser, false, "never", false), Sight::All);
        let lead = Reviewer::Lead(1);
        assert_eq!(review_sight(&lead, false, "never", true), Sight::Own);
        assert_eq!(review_sight(&lead, false, "after_own", false), Sight::Own);
        assert_eq!(review_sight(&lead, false, "after_own", true), Sight::All);
        assert_eq!(review_sight(&lead, false, "always", false), Sight::All);
    }

    #[test]
    fn site_admins_and_organisers_organise() {
        assert!(organises(true, false));
        assert!(organises(false, true));
        assert!(!organises(false, false));
        assert!(require_organising(false).is_err());
    }

    #[test]
    fn an_mc_page_is_for_those_who_run_it_until_the_programme_is_out() {
        assert!(!may_see_microconference(false, false));
        assert!(may_see_microconference(false, runs_microconference(true, false)));
        assert!(may_see_microconference(false, runs_microconference(false, true)));
        assert!(may_see_microconference(true, false));
    }

    #[test]
    fn leads_and_organisers_decide() {
        assert!(may_decide(true, false));
        assert!(may_decide(false, true));
        assert!(!may_decide(false, false));
    }

    #[test]
    fn conflicted_organisers_are_told_others_get_not_found() {
        assert!(matches!(conflict_refusal(true), AppError::ForbiddenBecause(_)));
        assert!(matches!(conflict_refusal(false), AppError::NotFound));
    }

    #[test]
    fn only_the_proposals_people_edit_and_only_organisers_without_a_conflict_decide() {
        let member = Access { member: true, ..Default::default() };
        let organiser = Access { organiser: true, ..Default::default() };
        let a = proposal_actions(&member, false, true, false, ProposalState::Draft, "draft");
        assert!(a.can_edit && a.can_submit && !a.can_decide);
        assert!(require_proposer(&member).is_ok());
        assert!(matches!(require_proposer(&organiser), Err(AppError::NotFound)));
        let closed = proposal_actions(&member, false, false, false, ProposalState::Draft, "draft");
        assert!(!closed.can_edit && !closed.can_submit);
        let o = proposal_actions(&organiser, false, true, false, ProposalState::Submitted, "submitted");
        assert!(o.can_decide && !o.can_edit && !o.conflicted_organiser);
        let c = proposal_actions(&organiser, true, true, false, ProposalState::Submitted, "submitted");
        assert!(!c.can_decide && c.conflicted_organiser);
        assert!(!proposal_actions(&organiser, false, true, true, ProposalState::Submitted, "submitted").can_decide);
        assert!(!proposal_actions(&organiser, false, true, false, ProposalState::Draft, "draft").can_decide);
    }

    #[test]
    fn anonymised_calls_hide_proposers_from_all_but_organisers() {
        assert!(hides_proposer(true, &Reviewer::Lead(1)));
        assert!(!hides_proposer(true, &Reviewer::Organiser));
        assert!(!hides_proposer(false, &Reviewer::Lead(1)));
    }

    fn member(call_ids: Vec<i64>, track_ids: Vec<i64>) -> Member {
        Member {
            id: 1,
            conference_id: 1,
            email: "m@example.org".into(),
            user_id: Some(1),
            status: "accepted".into(),
            invite_token_hash: Vec::new(),
            call_ids,
            track_ids,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn mc_topics_are_reviewed_by_their_leads_only() {
        assert!(matches!(
            reviewer_role(ReviewerFacts::Topic { mc: 7, leads_it: true }, 1, None),
            Some(Reviewer::Lead(7))
        ));
        assert!(reviewer_role(ReviewerFacts::Topic { mc: 7, leads_it: false }, 1, None).is_none());
    }

    #[test]
    fn committee_members_review_their_scope_and_organisers_the_rest() {
        let covered = ReviewerFacts::Committee { membership: Some(member(vec![1], vec![])), organises: false };
        assert!(matches!(reviewer_role(covered, 1, None), Some(Reviewer::Member(_))));
        let outside = ReviewerFacts::Committee { membership: Some(member(vec![2], vec![])), organises: false };
        assert!(reviewer_role(outside, 1, None).is_none());
        let organiser = ReviewerFacts::Committee { membership: Some(member(vec![2], vec![])), organises: true };
        assert!(matches!(reviewer_role(organiser, 1, None), Some(Reviewer::Organiser)));
        assert!(reviewer_role(ReviewerFacts::Committee { membership: None, organises: false }, 1, None).is_none());
    }
}
