//! Proposers draft, submit, edit and withdraw while a call is open.

use super::*;
use crate::services::Db;

pub(super) fn require_open(call: &Call) -> Result<(), AppError> {
    match status_of(call) {
        CallStatus::Open => Ok(()),
        CallStatus::NotYetOpen => Err(AppError::Conflict("This call is not open yet.".into())),
        CallStatus::Closed => {
            Err(AppError::Conflict("This call has closed: proposals can no longer be changed.".into()))
        }
    }
}

pub(super) fn content(d: &ProposalDraft) -> ProposalContent<'_> {
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
    Db(conn): &mut Db,
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
            && !crate::services::registration::is_confirmed_attendee(&mut Db::new(conn), conf.id, user.id)?
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

pub(super) fn invite_people(
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

pub(super) fn submit_in_tx(
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
pub(super) fn lock_for_proposer(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Proposal, ProposalState, Call), AppError> {
    let (p, call, a) = visible_proposal(&mut Db::new(conn), Some(user), conf, public_id)?;
    if !a.member {
        return Err(AppError::NotFound);
    }
    let call = calls::lock(conn, call.id)?;
    let p = proposals::lock(conn, p.id)?;
    let shown = proposer_state(&mut Db::new(conn), p.id)?;
    Ok((p, shown, call))
}

/// Replaces the content of a proposal while its call is open. Invitations follow
/// the list: new addresses are invited, removed ones are dropped. Once decided,
/// its title, length and people stay as they are (PostgreSQL refuses the change,
/// with the same words whatever the decision).
pub fn edit(
    Db(conn): &mut Db,
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
    Db(conn): &mut Db,
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
    Db(conn): &mut Db,
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
pub(super) fn tell_of_withdrawal(
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
            crate::services::repo::conferences::members_with_role(
                conn,
                conf.id,
                crate::services::repo::conferences::ORGANISER,
            )?,
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
