//! Releasing decisions to the proposers by mail, with the organisers' templates.

use super::*;
use crate::services::Db;

pub const DEFAULT_ACCEPTED: (&str, &str) = (
    "Your proposal “{title}” was accepted",
    "Dear {name},\n\nwe are happy to tell you that your proposal “{title}” for {conference} was {decision}.\n\n{note}\n\nSee it here: {link}\n\nThe programme committee",
);
pub const DEFAULT_REJECTED: (&str, &str) = (
    "About your proposal “{title}”",
    "Dear {name},\n\nthank you for your proposal “{title}” for {conference}. We could not accept it this time.\n\n{note}\n\nSee it here: {link}\n\nThe programme committee",
);

pub fn notification_template(
    Db(conn): &mut Db,
    conf_id: i64,
    decision: Decision,
) -> Result<(String, String), AppError> {
    let default = match decision {
        Decision::Accepted => DEFAULT_ACCEPTED,
        Decision::Rejected => DEFAULT_REJECTED,
    };
    Ok(reviews::template(conn, conf_id, decision)?.unwrap_or((default.0.to_string(), default.1.to_string())))
}

pub fn save_notification_template(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    decision: Decision,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(reviews::save_template(conn, conf.id, decision, subject, body)?)
}

/// Releases every decided, unreleased proposal in scope: one mail per person on
/// it, through the outbox, in the same transaction that marks it released — so
/// releasing twice sends nothing twice. Accepted MCs become microconferences now.
/// Proposals the actor has a conflict of interest with stay for someone else.
pub fn release(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    mc_public_id: Option<&str>,
) -> Result<Done, AppError> {
    conn.transaction(|conn| {
        let topic_call = match mc_public_id {
            Some(mc) => Some(cfp::led_microconference(&mut Db::new(conn), actor, conf, mc)?.1.id),
            None => {
                check_organiser(conn, conf, actor)?;
                None
            }
        };
        let conflicted = reviews::conflicted_proposals(conn, conf.id, actor.id)?;
        let released = proposals::release_decisions(conn, conf.id, topic_call, &conflicted)?;
        let left_for_others = proposals::unreleased_decisions(conn, conf.id, topic_call, &conflicted)?;
        for p in &released {
            notify(conn, st, conf, p)?;
            let call = calls::find(conn, p.call_id)?;
            if p.state == ProposalState::Accepted && call.kind == CallKind::Microconference {
                let mc = cfp::make_microconference(conn, conf, p)?;
                crate::services::registration::comp_passes_for_microconference(conn, conf, &mc)?;
            }
        }
        Ok(Done { done: released.len(), left_for_others })
    })
}

pub(super) fn notify(conn: &mut PgConnection, st: &AppState, conf: &Conference, p: &Proposal) -> Result<(), AppError> {
    let decision = p
        .state
        .decision()
        .ok_or_else(|| AppError::internal(format!("released proposal {} is {}, not decided", p.id, p.state)))?;
    let (subject, body) = notification_template(&mut Db::new(conn), conf.id, decision)?;
    let mut people: Vec<User> = vec![users::find(conn, p.submitter_id)?];
    for person in proposals::people(conn, p.id)? {
        if let (Some(uid), InvitationStatus::Accepted) = (person.user_id, person.status) {
            people.push(users::find(conn, uid)?);
        }
    }
    let link = format!("{}/c/{}/proposals/{}", st.config.base_url, conf.slug, p.public_id);
    // An acceptance asks every speaker to confirm; the link goes in the mail
    // whether or not the organisers' template names it.
    let accepted = decision == Decision::Accepted;
    let confirm = crate::services::speakers::confirm_link(st, conf, p);
    if accepted {
        let ids: Vec<i64> = people.iter().map(|u| u.id).collect();
        crate::services::speakers::ask_on_release(conn, p, &ids)?;
    }
    for u in people {
        let values = [
            ("name", u.name.as_str()),
            ("title", p.title.as_str()),
            ("decision", p.state.as_str()),
            ("note", p.decision_note.as_str()),
            ("conference", conf.name.as_str()),
            ("link", link.as_str()),
            ("confirm_link", if accepted { confirm.as_str() } else { "" }),
        ];
        // Subjects are one line: placeholders cannot smuggle a header in.
        let subject = rules::fill(&subject, &values).replace(['\r', '\n'], " ");
        let mut text = rules::fill(&body, &values);
        if accepted && !body.contains("{confirm_link}") {
            text.push_str(&format!("\n\nPlease confirm that you will present it (or decline): {confirm}\n"));
        }
        mail::queue(conn, st, &u.email, &subject, "decision", json!({ "text": text }))?;
    }
    Ok(())
}
