//! Calls for proposals: organisers define calls and tracks; proposers draft,
//! submit, edit and withdraw while a call is open; co-speakers and co-leads are
//! invited by mail; an accepted microconference gets leads and a topic call.

use crate::domain::account::Email;
use crate::domain::proposal::{call_status, CallDraft, CallKind, CallStatus, ProposalDraft, ProposalState};
use crate::domain::time;
use crate::error::AppError;
pub use crate::repo::calls::Call;
pub use crate::repo::calls::Track;
use crate::repo::calls::{self, CallValues};
use crate::repo::conferences::Conference;
pub use crate::repo::microconferences::Microconference;
use crate::repo::microconferences::{self as mcs, NewMc};
use crate::repo::proposals::{self, ProposalContent};
pub use crate::repo::proposals::{Filter, Person, Proposal, ProposalRow};
use crate::repo::users::{self, User};
use crate::security;
use crate::services::conferences::is_organiser;
use crate::services::mail;
use crate::services::policy;
use crate::state::AppState;
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use diesel::{Connection, PgConnection};
use serde_json::json;

pub fn tz(conf: &Conference) -> Tz {
    conf.time_zone
}

fn call_values(d: &CallDraft) -> CallValues<'_> {
    CallValues {
        kind: d.kind.as_str(),
        title: &d.title,
        description_md: &d.description_md,
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        max_per_person: d.max_per_person,
        title_max: d.title_max,
        abstract_max: d.abstract_max,
    }
}

pub fn kind_of(call: &Call) -> CallKind {
    CallKind::parse(&call.kind).unwrap_or(CallKind::RefereedTalk)
}

pub fn state_of(p: &Proposal) -> ProposalState {
    ProposalState::parse(&p.state).unwrap_or(ProposalState::Draft)
}

/// The state as its proposers see it (the `proposals_disclosed` view): an
/// unreleased decision still reads "submitted", and what they may do follows
/// from that, so nothing they can try reveals it.
pub fn proposer_state(conn: &mut PgConnection, proposal_id: i64) -> Result<ProposalState, AppError> {
    Ok(state_of(&proposals::disclosed(conn, proposal_id)?))
}

pub fn status_of(call: &Call) -> CallStatus {
    call_status(call.opens_at, call.closes_at, Utc::now())
}

// --- organisers: calls and tracks ---

pub fn create_call(conn: &mut PgConnection, actor: &User, conf: &Conference, d: &CallDraft) -> Result<Call, AppError> {
    crate::services::conferences::require_organiser(conn, conf, actor)?;
    Ok(calls::insert(conn, conf.id, None, &call_values(d))?)
}

/// A call of this conference by its public id, or 404.
pub fn find_call(conn: &mut PgConnection, conf: &Conference, public_id: &str) -> Result<Call, AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    calls::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)
}

pub fn update_call(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    call: &Call,
    d: &CallDraft,
) -> Result<(), AppError> {
    crate::services::conferences::require_organiser(conn, conf, actor)?;
    if call.microconference_id.is_some() {
        // Topic calls keep their kind; organisers may still move their window.
        let mut v = call_values(d);
        v.kind = "mc_topic";
        return Ok(calls::update(conn, call.id, &v)?);
    }
    Ok(calls::update(conn, call.id, &call_values(d))?)
}

pub fn add_track(conn: &mut PgConnection, actor: &User, conf: &Conference, name: &str) -> Result<bool, AppError> {
    crate::services::conferences::require_organiser(conn, conf, actor)?;
    Ok(calls::add_track(conn, conf.id, name)?)
}

pub fn delete_track(conn: &mut PgConnection, actor: &User, conf: &Conference, id: i64) -> Result<(), AppError> {
    crate::services::conferences::require_organiser(conn, conf, actor)?;
    match calls::delete_track(conn, conf.id, id)? {
        0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

// --- who may see what ---

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
    let organiser = is_organiser(conn, conf, u)?;
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
    conn: &mut PgConnection,
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
pub fn proposals_seen_by(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
) -> Result<Vec<ProposalRow>, AppError> {
    if is_organiser(conn, conf, user)? {
        return Ok(proposals::list(conn, conf.id, &Default::default())?
            .into_iter()
            .filter(|r| r.state != "draft" || r.call_kind != "mc_topic")
            .collect());
    }
    Ok(proposals::of_person(conn, user.id)?.into_iter().filter(|(_, c)| *c == conf.id).map(|(r, _)| r).collect())
}

/// The conference's calls, in their order.
pub fn calls_of(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Call>, AppError> {
    Ok(calls::for_conference(conn, conf.id)?)
}

/// The conference's tracks.
pub fn tracks_of(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Track>, AppError> {
    Ok(calls::tracks(conn, conf.id)?)
}

/// The calls, the proposals and the microconferences of `organiser_overview`.
pub type Overview = (Vec<Call>, Vec<ProposalRow>, Vec<Microconference>);

/// The organisers' overview: the calls, every proposal outside the MC topic
/// calls (to count them by state), and the microconferences.
pub fn organiser_overview(conn: &mut PgConnection, conf: &Conference) -> Result<Overview, AppError> {
    let all = proposals::list(conn, conf.id, &Filter { exclude_topic_calls: true, ..Default::default() })?;
    Ok((calls_of(conn, conf)?, all, mcs::for_conference(conn, conf.id)?))
}

/// The conference's proposals that pass the organisers' filter.
pub fn proposal_list(conn: &mut PgConnection, conf: &Conference, f: &Filter) -> Result<Vec<ProposalRow>, AppError> {
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
pub fn proposal_page(
    conn: &mut PgConnection,
    viewer: &User,
    p: &Proposal,
    released: bool,
) -> Result<ProposalPage, AppError> {
    let notes = if released { crate::repo::reviews::notes_for_proposer(conn, p.id)? } else { Vec::new() };
    Ok(ProposalPage {
        topics: proposals::topics(conn, p.id)?,
        people: proposals::people(conn, p.id)?,
        submitter: users::find(conn, p.submitter_id)?.name,
        notes,
        state: proposer_state(conn, p.id)?,
        viewer_conflicted: crate::services::review::is_conflicted(conn, p.id, viewer)?,
    })
}

/// A proposal's topics and people, for its edit form.
pub fn content_of(conn: &mut PgConnection, proposal_id: i64) -> Result<Content, AppError> {
    Ok((proposals::topics(conn, proposal_id)?, proposals::people(conn, proposal_id)?))
}

/// The proposals a person is on, across conferences, each with its conference.
pub fn my_proposals(conn: &mut PgConnection, user: &User) -> Result<Vec<(ProposalRow, Conference)>, AppError> {
    let mut out = Vec::new();
    for (r, conf_id) in proposals::of_person(conn, user.id)? {
        out.push((r, crate::repo::conferences::by_id(conn, conf_id)?));
    }
    Ok(out)
}

// --- proposers ---

fn require_open(call: &Call) -> Result<(), AppError> {
    match status_of(call) {
        CallStatus::Open => Ok(()),
        CallStatus::NotYetOpen => Err(AppError::Conflict("This call is not open yet.".into())),
        CallStatus::Closed => {
            Err(AppError::Conflict("This call has closed: proposals can no longer be changed.".into()))
        }
    }
}

fn content(d: &ProposalDraft) -> ProposalContent<'_> {
    ProposalContent {
        title: &d.title,
        abstract_md: &d.abstract_md,
        track_id: d.track_id,
        duration_minutes: d.duration_minutes,
        key_people: &d.key_people,
        expected_attendance: d.expected_attendance,
    }
}

/// Creates a proposal (a draft, or submitted at once). One transaction: the call
/// row is locked so the per-person cap holds under concurrent submissions.
pub fn propose(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    call: &Call,
    d: &ProposalDraft,
    submit: bool,
) -> Result<Proposal, AppError> {
    policy::require_verified(user)?;
    conn.transaction(|conn| {
        let call = calls::lock(conn, call.id)?;
        require_open(&call)?;
        // Once a conference has registration, unconference sessions are for its attendees.
        if kind_of(&call) == CallKind::Unconference
            && crate::services::registration::registration_configured(conn, conf.id)?
            && !crate::services::registration::is_confirmed_attendee(conn, conf.id, user.id)?
        {
            return Err(AppError::BadRequest(
                "Only attendees with a confirmed registration may propose unconference sessions. Please register first.".into(),
            ));
        }
        if proposals::count_for_cap(conn, call.id, user.id)? >= call.max_per_person as i64 {
            return Err(AppError::Conflict(format!(
                "You already have {} proposals in this call, its limit per person.",
                call.max_per_person
            )));
        }
        let p = proposals::insert(conn, conf.id, call.id, user.id, &content(d))?;
        if !d.topics.is_empty() {
            proposals::replace_topics(conn, p.id, &d.topics)?;
        }
        invite_people(conn, st, user, conf, &call, &p, &d.people)?;
        if submit {
            submit_in_tx(conn, st, user, conf, &call, &p)?;
        }
        Ok(proposals::find(conn, p.id)?)
    })
}

fn invite_people(
    conn: &mut PgConnection,
    st: &AppState,
    inviter: &User,
    conf: &Conference,
    call: &Call,
    p: &Proposal,
    people: &[Email],
) -> Result<(), AppError> {
    let kind = kind_of(call);
    for email in people {
        let token = security::new_token();
        if proposals::invite(conn, p.id, email.as_str(), &security::hash_token(&token))? {
            crate::services::limits::invitation_mail(conn, email.as_str(), inviter)?;
            let role = if kind == CallKind::Microconference { "co-lead" } else { "co-speaker" };
            mail::queue(
                conn,
                st,
                email.as_str(),
                &format!("{} invites you to a proposal for {}", inviter.name, conf.name),
                "proposal_invitation",
                json!({
                    "inviter": inviter.name, "conference": conf.name, "title": p.title, "role": role,
                    "kind": kind.label(), "link": format!("{}/invitations/{}", st.config.base_url, token),
                }),
            )?;
        }
    }
    Ok(())
}

fn submit_in_tx(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    call: &Call,
    p: &Proposal,
) -> Result<(), AppError> {
    proposals::set_state(conn, p.id, ProposalState::Submitted.as_str())?;
    let tz = tz(conf);
    mail::queue(
        conn,
        st,
        &user.email,
        &format!("Proposal received: {}", p.title),
        "proposal_submitted",
        json!({
            "name": user.name, "title": p.title, "conference": conf.name, "call": call.title,
            "closes": time::display(call.closes_at, tz),
            "link": format!("{}/c/{}/proposals/{}", st.config.base_url, conf.slug, p.public_id),
        }),
    )?;
    Ok(())
}

/// Locks a proposal the user may change as a proposer, and its call (in that
/// order, as every proposal write does), with the state its proposers see.
fn lock_for_proposer(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Proposal, ProposalState, Call), AppError> {
    let (p, call, a) = visible_proposal(conn, Some(user), conf, public_id)?;
    if !a.member {
        return Err(AppError::NotFound);
    }
    let call = calls::lock(conn, call.id)?;
    let p = proposals::lock(conn, p.id)?;
    let shown = proposer_state(conn, p.id)?;
    Ok((p, shown, call))
}

/// Replaces the content of a proposal while its call is open. Invitations follow
/// the list: new addresses are invited, removed ones are dropped. Once decided,
/// its title, length and people stay as they are (PostgreSQL refuses the change,
/// with the same words whatever the decision).
pub fn edit(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    public_id: &str,
    d: &ProposalDraft,
    submit: bool,
) -> Result<Proposal, AppError> {
    conn.transaction(|conn| {
        let (p, shown, call) = lock_for_proposer(conn, user, conf, public_id)?;
        require_open(&call)?;
        if !(shown.proposer_may_edit() || submit && shown.proposer_may_submit()) {
            return Err(AppError::Conflict(format!("A proposal that is {} can no longer be edited.", shown.as_str())));
        }
        proposals::update_content(conn, p.id, &content(d))?;
        if kind_of(&call) == CallKind::Microconference {
            proposals::replace_topics(conn, p.id, &d.topics)?;
        }
        // The submitter manages the list; a co-speaker editing keeps it as it is.
        if p.submitter_id == user.id {
            let keep: Vec<String> = d.people.iter().map(|e| e.as_str().to_string()).collect();
            proposals::remove_invitees_not_in(conn, p.id, &keep)?;
            invite_people(conn, st, user, conf, &call, &p, &d.people)?;
        }
        if submit && shown != ProposalState::Submitted {
            submit_in_tx(conn, st, user, conf, &call, &p)?;
        }
        Ok(proposals::find(conn, p.id)?)
    })
}

pub fn submit(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (p, shown, call) = lock_for_proposer(conn, user, conf, public_id)?;
        require_open(&call)?;
        if !shown.proposer_may_submit() {
            return Err(AppError::Conflict(format!("A proposal that is {} cannot be submitted.", shown.as_str())));
        }
        if state_of(&p) == ProposalState::Withdrawn
            && proposals::count_for_cap(conn, call.id, p.submitter_id)? >= call.max_per_person as i64
        {
            return Err(AppError::Conflict(format!(
                "The submitter already has {} proposals in this call, its limit per person.",
                call.max_per_person
            )));
        }
        submit_in_tx(conn, st, user, conf, &call, &p)
    })
}

/// Withdraws a proposal. An accepted one (released or not) leaves a gap in the
/// programme: the organisers, or the MC's leads for a topic, are told by mail in
/// the same transaction. The proposer is told nothing they did not know.
pub fn withdraw(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (p, shown, call) = lock_for_proposer(conn, user, conf, public_id)?;
        if !shown.proposer_may_withdraw(status_of(&call) == CallStatus::Open) {
            // The same answers as before: closed call first, then the state.
            require_open(&call)?;
            return Err(AppError::Conflict(format!("A proposal that is {} cannot be withdrawn.", shown.as_str())));
        }
        proposals::set_state(conn, p.id, ProposalState::Withdrawn.as_str())?;
        if state_of(&p) == ProposalState::Accepted {
            tell_of_withdrawal(conn, st, user, conf, &call, &p)?;
        }
        Ok(())
    })
}

/// Mails the people who run the programme that an accepted proposal was withdrawn.
fn tell_of_withdrawal(
    conn: &mut PgConnection,
    st: &AppState,
    by: &User,
    conf: &Conference,
    call: &Call,
    p: &Proposal,
) -> Result<(), AppError> {
    let (to, role) = match call.microconference_id {
        Some(mc) => (mcs::leads(conn, mc)?, "lead of this microconference"),
        None => (
            crate::repo::conferences::members_with_role(conn, conf.id, crate::repo::conferences::ORGANISER)?,
            "organiser",
        ),
    };
    let data = json!({
        "who": by.name, "title": p.title, "kind": kind_of(call).label(), "conference": conf.name,
        "released": p.decision_released_at.is_some(), "role": role,
        "link": format!("{}/c/{}/proposals/{}", st.config.base_url, conf.slug, p.public_id),
    });
    for person in to {
        let mut data = data.clone();
        data["name"] = json!(person.name);
        mail::queue(conn, st, &person.email, &format!("Withdrawn: {}", p.title), "proposal_withdrawn", data)?;
    }
    Ok(())
}

// --- invitations ---

pub struct InvitationView {
    pub person: proposals::Person,
    pub proposal: Proposal,
    pub conference: Conference,
    pub call: Call,
    pub inviter: User,
}

pub fn invitation(conn: &mut PgConnection, token: &str) -> Result<InvitationView, AppError> {
    if token.len() > 64 {
        return Err(AppError::NotFound);
    }
    let person = proposals::person_by_token(conn, &security::hash_token(token))?.ok_or(AppError::NotFound)?;
    let proposal = proposals::find(conn, person.proposal_id)?;
    let call = calls::find(conn, proposal.call_id)?;
    let conference = crate::repo::conferences::by_id(conn, proposal.conference_id)?;
    let inviter = users::find(conn, proposal.submitter_id)?;
    Ok(InvitationView { person, proposal, conference, call, inviter })
}

/// Accepts or declines an invitation; the token is the proof, and the answer is
/// final (a declined invitation cannot be accepted later with the same link).
pub fn respond(conn: &mut PgConnection, user: &User, token: &str, accept: bool) -> Result<InvitationView, AppError> {
    conn.transaction(|conn| {
        let inv = invitation(conn, token)?;
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
        invitation(conn, token)
    })
}

fn microconference_of(conn: &mut PgConnection, proposal_id: i64) -> Result<Option<Microconference>, AppError> {
    use crate::db::schema::microconferences;
    use diesel::prelude::*;
    Ok(microconferences::table
        .filter(microconferences::proposal_id.eq(proposal_id))
        .select(Microconference::as_select())
        .first(conn)
        .optional()?)
}

// --- microconferences ---

/// Makes an accepted microconference proposal a microconference: its submitter
/// and accepted co-leads become its leads and it gets a topic call of its own.
/// Called when the acceptance is released; doing it twice changes nothing.
pub fn make_microconference(
    conn: &mut PgConnection,
    conf: &Conference,
    p: &Proposal,
) -> Result<Microconference, AppError> {
    let tz = tz(conf);
    // By default the topic call may stay open until the conference starts.
    let start = conf.starts_on.and_hms_opt(0, 0, 0).unwrap_or_default();
    let latest = tz.from_local_datetime(&start).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(Utc::now);
    let (mc, created) = mcs::upsert_for_proposal(
        conn,
        &NewMc {
            conference_id: conf.id,
            proposal_id: p.id,
            title: &p.title,
            description_md: &p.abstract_md,
            track_id: p.track_id,
            latest_topic_close: latest,
        },
    )?;
    for uid in proposals::member_ids(conn, p)? {
        mcs::add_lead(conn, mc.id, uid)?;
    }
    if created {
        let now = Utc::now();
        let closes = if latest > now + chrono::Duration::hours(1) { latest } else { now + chrono::Duration::days(14) };
        calls::insert(
            conn,
            conf.id,
            Some(mc.id),
            &CallValues {
                kind: CallKind::McTopic.as_str(),
                title: &format!("Topics for the {} microconference", p.title),
                description_md: &format!("Propose a topic for the **{}** microconference: a problem to discuss, a proposal, proof-of-concept or unfinished work.", p.title),
                opens_at: now,
                closes_at: closes,
                max_per_person: 3,
                title_max: 120,
                abstract_max: 3000,
            },
        )?;
    }
    Ok(mc)
}

// --- microconference leads ---

/// An MC of this conference that the user leads (or organises), or 404.
pub fn led_microconference(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Microconference, Call), AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    let mc = mcs::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if !policy::runs_microconference(mcs::is_lead(conn, mc.id, user.id)?, is_organiser(conn, conf, user)?) {
        return Err(AppError::NotFound);
    }
    let call = calls::topic_call_of(conn, mc.id)?.ok_or(AppError::NotFound)?;
    Ok((mc, call))
}

/// A lead (or an organiser) decides a topic of their MC, through the one decision
/// path; PostgreSQL refuses an acceptance that would not fit in the MC's budget.
pub fn decide_topic(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    topic_public_id: &str,
    to: ProposalState,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (_, call) = led_microconference(conn, user, conf, mc_public_id)?;
        let id = uuid::Uuid::parse_str(topic_public_id).map_err(|_| AppError::NotFound)?;
        let p = proposals::by_public_id(conn, id)?.filter(|p| p.call_id == call.id).ok_or(AppError::NotFound)?;
        // A lead's own topic is decided by another lead or an organiser.
        crate::services::review::require_unconflicted(conn, p.id, user)?;
        crate::services::review::record_decision(conn, &p, to, None)
    })
}

/// Moves an accepted topic one place earlier (`up`) or later in the MC's order.
pub fn move_topic(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    topic_public_id: &str,
    up: bool,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (_, call) = led_microconference(conn, user, conf, mc_public_id)?;
        calls::lock(conn, call.id)?;
        let mut order = proposals::of_call(conn, call.id, Some("accepted"))?;
        let id = uuid::Uuid::parse_str(topic_public_id).map_err(|_| AppError::NotFound)?;
        let i = order.iter().position(|r| r.public_id == id).ok_or(AppError::NotFound)?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
        if let Some(j) = j {
            order.swap(i, j);
        }
        for (n, r) in order.iter().enumerate() {
            proposals::set_position(conn, r.id, Some(n as i32 + 1))?;
        }
        Ok(())
    })
}

// --- the public programme ---

/// The MCs the public programme lists: those whose proposal is accepted as
/// disclosed (not withdrawn since).
pub fn announced_microconferences(
    conn: &mut PgConnection,
    conf: &Conference,
) -> Result<Vec<Microconference>, AppError> {
    Ok(mcs::announced(conn, conf.id)?)
}

/// Accepted proposals whose acceptance is released, of the conference's own
/// calls or of one MC's topic call (in the leads' order). Whether a decision is
/// public is answered once, by the database's `proposals_disclosed` view.
pub fn announced(
    conn: &mut PgConnection,
    conf: &Conference,
    topic_call: Option<i64>,
) -> Result<Vec<proposals::ProposalRow>, AppError> {
    Ok(proposals::announced(conn, conf.id, topic_call)?)
}

/// Leads set their topic call's window, within the organisers' latest close.
pub fn set_topic_window(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    opens: chrono::DateTime<Utc>,
    closes: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (mc, call) = led_microconference(conn, user, conf, mc_public_id)?;
        if closes <= opens {
            return Err(AppError::BadRequest("The call must close after it opens.".into()));
        }
        if closes > mc.latest_topic_close {
            return Err(AppError::BadRequest(format!(
                "The organisers set the latest close of topic calls to {}.",
                time::display(mc.latest_topic_close, tz(conf))
            )));
        }
        Ok(calls::set_window(conn, call.id, opens, closes)?)
    })
}

pub fn set_programme_published(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    published: bool,
) -> Result<(), AppError> {
    crate::services::conferences::require_organiser(conn, conf, actor)?;
    Ok(mcs::set_published(conn, conf.id, published)?)
}
