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

/// A confirmation link alone does not confirm an address (someone may have
/// signed up with another person's): whoever follows it is logged in as that
/// very account here, or else proves it with the account's password.
pub fn confirms_without_password(session_account: Option<&User>, target: &User) -> bool {
    session_account.is_some_and(|a| a.id == target.id)
}

/// A personal calendar feed's link is its own credential: its key must be the
/// one made for that person and conference, else the feed does not exist (404).
/// Compared without stopping at the first differing byte, so timing tells nothing.
pub fn require_feed_key(expected: &str, given: &str) -> Result<(), AppError> {
    let differ = expected.bytes().zip(given.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b));
    if expected.len() == given.len() && differ == 0 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
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

/// Whether a committee member may be assigned a proposal: it is in their
/// scope and they have no conflict of interest with it. Automatic and manual
/// assignment both ask this.
pub fn assignable(in_scope: bool, conflicted: bool) -> bool {
    in_scope && !conflicted
}

/// Unconference sessions are for the conference's registered attendees only
/// (proposing one, saying you must or want to be there).
pub fn require_unconference_attendee(confirmed_registration: bool) -> Result<(), AppError> {
    if confirmed_registration {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause(
            "Unconference sessions are for registered attendees: register (and be confirmed) first.".into(),
        ))
    }
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
    state: ProposalState,
) -> ProposalActions {
    ProposalActions {
        can_edit: access.member && call_open && disclosed.proposer_may_edit(),
        can_submit: access.member && call_open && disclosed.proposer_may_submit(),
        can_withdraw: access.member && disclosed.proposer_may_withdraw(call_open),
        can_decide: access.organiser && !conflicted && !in_mc && state.is_decidable(),
        conflicted_organiser: access.organiser && conflicted,
    }
}

/// Decides a proposal: organisers, and for an MC's topics also its leads;
/// never someone with a conflict of interest with it (told why).
pub fn require_decider(leads_its_mc: bool, organises: bool, conflicted: bool) -> Result<(), AppError> {
    if !(leads_its_mc || organises) {
        return Err(AppError::Forbidden);
    }
    require_unconflicted(conflicted)
}

// --- what is someone's own ---

/// A registration or a room booking is for its owner and the conference's
/// organisers; for anyone else it does not exist (404, not 403).
pub fn require_owner_or_organiser(owns: bool, organises: bool) -> Result<(), AppError> {
    if owns || organises {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

// --- microconferences ---

/// Runs a microconference: leads it, or organises its conference.
pub fn runs_microconference(is_lead: bool, is_organiser: bool) -> bool {
    is_lead || is_organiser
}

/// Running an MC (its topic call, window, order, release, reviews) is for those
/// who run it; to anyone else the MC's pages do not exist (404).
pub fn require_runs_microconference(runs_it: bool) -> Result<(), AppError> {
    if runs_it {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// An MC's page is public once the programme is published; before that only
/// those who run it see it (everyone else gets 404, not a hint that it exists).
pub fn may_see_microconference(programme_published: bool, runs_it: bool) -> bool {
    programme_published || runs_it
}

// --- microconference ideas ---

/// A hidden idea or comment is for the organisers (who see it marked hidden
/// and may show it again); for anyone else it is not there.
pub fn may_see_hidden(hidden: bool, organises: bool) -> bool {
    !hidden || organises
}

/// `may_see_hidden` as a refusal: 404 for what someone may not see.
pub fn require_idea_visible(hidden: bool, organises: bool) -> Result<(), AppError> {
    if may_see_hidden(hidden, organises) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Turning an idea into an MC proposal is for someone who volunteered to lead
/// it, or an organiser.
pub fn may_propose_idea(leads_it: bool, organises: bool) -> bool {
    leads_it || organises
}

/// `may_propose_idea` as a refusal (403, saying who may).
pub fn require_idea_proposer(leads_it: bool, organises: bool) -> Result<(), AppError> {
    if may_propose_idea(leads_it, organises) {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause(
            "Only someone who volunteered to lead this idea, or an organiser, may turn it into a proposal.".into(),
        ))
    }
}

/// Posting, supporting and commenting end when the call for microconferences
/// closes (`domain::mc_idea::board_open`); after that the board is read-only.
pub fn require_board_open(open: bool) -> Result<(), AppError> {
    if open {
        Ok(())
    } else {
        Err(AppError::Conflict("The call for microconferences has closed: the ideas board is read-only now.".into()))
    }
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

/// As what someone reviews on the committee's pages (the dashboard, the next
/// proposal, the reviews in the API): an accepted committee member within their
/// calls and tracks, else an organiser over all of them; anyone else is refused.
pub fn committee_reviewer(membership: Option<Member>, organises: bool) -> Result<Reviewer, AppError> {
    match membership {
        Some(m) => Ok(Reviewer::Member(m)),
        None if organises => Ok(Reviewer::Organiser),
        None => Err(AppError::Forbidden),
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
pub fn review_sight(role: &Reviewer, conflicted: bool, visibility: Visibility, has_own: bool) -> Sight {
    if conflicted {
        return Sight::Nothing;
    }
    let others = match role {
        Reviewer::Organiser => true,
        _ => visibility.may_see_others(has_own),
    };
    if others {
        Sight::All
    } else {
        Sight::Own
    }
}

/// `review_sight` for a row of a dashboard or of the decisions page.
pub fn row_sight(row: &DashboardRow, role: &Reviewer) -> Sight {
    review_sight(role, row.conflicted, row.reviews_visibility, row.own_score.is_some())
}

/// Proposer identities are hidden from reviewers in anonymised calls (organisers always see them).
pub fn hides_proposer(anonymised: bool, role: &Reviewer) -> bool {
    anonymised && !matches!(role, Reviewer::Organiser)
}

pub const CONFLICTED: &str =
    "You have a conflict of interest with this proposal: another organiser must handle its reviews and its decision.";

/// Refuses anyone with a conflict of interest with a proposal (403 with the
/// reason): its decision, their release and its conflicts are for someone else.
pub fn require_unconflicted(conflicted: bool) -> Result<(), AppError> {
    if conflicted {
        Err(AppError::ForbiddenBecause(CONFLICTED.into()))
    } else {
        Ok(())
    }
}

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
            for &visibility in Visibility::ALL {
                assert_eq!(review_sight(&role, true, visibility, true), Sight::Nothing, "{visibility}");
            }
        }
    }

    #[test]
    fn without_a_conflict_organisers_see_all_and_others_what_the_call_allows() {
        use Visibility::{AfterOwn, Always, Never};
        assert_eq!(review_sight(&Reviewer::Organiser, false, Never, false), Sight::All);
        let lead = Reviewer::Lead(1);
        assert_eq!(review_sight(&lead, false, Never, true), Sight::Own);
        assert_eq!(review_sight(&lead, false, AfterOwn, false), Sight::Own);
        assert_eq!(review_sight(&lead, false, AfterOwn, true), Sight::All);
        assert_eq!(review_sight(&lead, false, Always, false), Sight::All);
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
    fn leads_and_organisers_decide_unless_conflicted() {
        assert!(require_decider(true, false, false).is_ok());
        assert!(require_decider(false, true, false).is_ok());
        assert!(matches!(require_decider(false, false, false), Err(AppError::Forbidden)));
        assert!(matches!(require_decider(false, true, true), Err(AppError::ForbiddenBecause(_))));
        assert!(matches!(require_unconflicted(true), Err(AppError::ForbiddenBecause(_))));
    }

    #[test]
    fn hidden_ideas_are_for_organisers_and_volunteers_or_organisers_propose() {
        assert!(may_see_hidden(false, false));
        assert!(may_see_hidden(true, true));
        assert!(matches!(require_idea_visible(true, false), Err(AppError::NotFound)));
        assert!(require_idea_proposer(true, false).is_ok());
        assert!(require_idea_proposer(false, true).is_ok());
        assert!(matches!(require_idea_proposer(false, false), Err(AppError::ForbiddenBecause(_))));
        assert!(matches!(require_board_open(false), Err(AppError::Conflict(_))));
    }

    #[test]
    fn registrations_and_bookings_are_for_their_owner_and_organisers() {
        assert!(require_owner_or_organiser(true, false).is_ok());
        assert!(require_owner_or_organiser(false, true).is_ok());
        assert!(matches!(require_owner_or_organiser(false, false), Err(AppError::NotFound)));
    }

    #[test]
    fn only_those_who_run_an_mc_reach_its_running_pages() {
        assert!(require_runs_microconference(runs_microconference(true, false)).is_ok());
        assert!(matches!(require_runs_microconference(false), Err(AppError::NotFound)));
    }

    #[test]
    fn committee_pages_are_for_members_then_organisers() {
        assert!(matches!(committee_reviewer(Some(member(vec![2], vec![])), true), Ok(Reviewer::Member(_))));
        assert!(matches!(committee_reviewer(None, true), Ok(Reviewer::Organiser)));
        assert!(matches!(committee_reviewer(None, false), Err(AppError::Forbidden)));
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
        let a = proposal_actions(&member, false, true, false, ProposalState::Draft, ProposalState::Draft);
        assert!(a.can_edit && a.can_submit && !a.can_decide);
        assert!(require_proposer(&member).is_ok());
        assert!(matches!(require_proposer(&organiser), Err(AppError::NotFound)));
        let closed = proposal_actions(&member, false, false, false, ProposalState::Draft, ProposalState::Draft);
        assert!(!closed.can_edit && !closed.can_submit);
        let o = proposal_actions(&organiser, false, true, false, ProposalState::Submitted, ProposalState::Submitted);
        assert!(o.can_decide && !o.can_edit && !o.conflicted_organiser);
        let c = proposal_actions(&organiser, true, true, false, ProposalState::Submitted, ProposalState::Submitted);
        assert!(!c.can_decide && c.conflicted_organiser);
        assert!(
            !proposal_actions(&organiser, false, true, true, ProposalState::Submitted, ProposalState::Submitted)
                .can_decide
        );
        assert!(
            !proposal_actions(&organiser, false, true, false, ProposalState::Draft, ProposalState::Draft).can_decide
        );
    }

    #[test]
    fn anonymised_calls_hide_proposers_from_all_but_organisers() {
        assert!(hides_proposer(true, &Reviewer::Lead(1)));
        assert!(!hides_proposer(true, &Reviewer::Organiser));
        assert!(!hides_proposer(false, &Reviewer::Lead(1)));
    }

    fn account(id: i64, verified: bool) -> User {
        User {
            id,
            public_id: uuid::Uuid::nil(),
            email: format!("{id}@example.org"),
            name: String::new(),
            affiliation: String::new(),
            bio: String::new(),
            password_hash: String::new(),
            email_verified_at: verified.then(chrono::Utc::now),
            is_site_admin: false,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_confirmation_link_needs_the_password_unless_followed_in_that_accounts_session() {
        let target = account(1, false);
        assert!(confirms_without_password(Some(&target), &target));
        assert!(!confirms_without_password(Some(&account(2, true)), &target));
        assert!(!confirms_without_password(None, &target));
    }

    #[test]
    fn a_feed_link_needs_its_exact_key() {
        assert!(require_feed_key("abc123", "abc123").is_ok());
        for wrong in ["abc124", "abc12", "abc1234", ""] {
            assert!(matches!(require_feed_key("abc123", wrong), Err(AppError::NotFound)), "{wrong}");
        }
    }

    #[test]
    fn unconfirmed_accounts_act_as_visitors() {
        assert!(acting(Some(&account(1, false))).is_none());
        assert!(acting(Some(&account(1, true))).is_some());
        assert!(matches!(require_site_admin(None), Err(AppError::Unauthorized)));
        assert!(matches!(require_site_admin(Some(&account(1, true))), Err(AppError::Forbidden)));
    }

    fn member(call_ids: Vec<i64>, track_ids: Vec<i64>) -> Member {
        Member {
            id: 1,
            conference_id: 1,
            email: "m@example.org".into(),
            user_id: Some(1),
            status: crate::domain::proposal::InvitationStatus::Accepted,
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
