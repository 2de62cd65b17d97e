//! Speakers of accepted proposals: asked to confirm when the acceptance is
//! released, reminded after the organisers' number of days, told by mail (with
//! a calendar entry) when a published version adds, moves or removes their
//! session. Organisers see who has not confirmed and who has not registered.

use crate::domain::ical;
use crate::domain::schedule::{self as rules, Session};
use crate::domain::time;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::mail::{self, Attachment};
use crate::services::repo::conferences::Conference;
use crate::services::repo::proposals::{self, Proposal};
use crate::services::repo::registrations as regs;
use crate::services::repo::schedule as schedule_repo;
use crate::services::repo::speakers as repo;
use crate::services::repo::users::{self, User};
use crate::services::Db;
use crate::state::AppState;
use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Where a speaker confirms or declines.
pub fn confirm_link(st: &AppState, conf: &Conference, p: &Proposal) -> String {
    format!("{}/c/{}/proposals/{}/confirm", st.config.base_url, conf.slug, p.public_id)
}

/// Asks every speaker of a just-released, accepted proposal to confirm. Call
/// in the release's transaction.
pub fn ask_on_release(conn: &mut PgConnection, p: &Proposal, speakers: &[i64]) -> Result<(), AppError> {
    repo::ask(conn, p.id, speakers)?;
    Ok(())
}

/// A speaker's confirmation page.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmView {
    pub proposal: Uuid,
    pub title: String,
    /// pending, confirmed or declined.
    pub state: String,
    pub responded_at: Option<String>,
    pub speakers: Vec<SpeakerState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerState {
    pub name: String,
    pub state: String,
}

/// The proposal and the person's answer: only the speakers asked see it (404 for anyone else).
fn asked(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    proposal: Uuid,
) -> Result<(Proposal, Vec<repo::Confirmation>), AppError> {
    let p =
        proposals::by_public_id(conn, proposal)?.filter(|p| p.conference_id == conf.id).ok_or(AppError::NotFound)?;
    let all: Vec<repo::Confirmation> =
        repo::of_conference(conn, conf.id)?.into_iter().filter(|c| c.proposal_id == p.id).collect();
    if !all.iter().any(|c| c.user_id == user.id) {
        return Err(AppError::NotFound);
    }
    Ok((p, all))
}

pub fn confirmation(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    proposal: Uuid,
) -> Result<ConfirmView, AppError> {
    let (p, all) = asked(conn, user, conf, proposal)?;
    let mine = all.iter().find(|c| c.user_id == user.id).ok_or(AppError::NotFound)?;
    Ok(ConfirmView {
        proposal: p.public_id,
        title: p.title.clone(),
        state: mine.state.clone(),
        responded_at: mine.responded_at.map(|t| time::display(t, conf.time_zone)),
        speakers: all.iter().map(|c| SpeakerState { name: c.name.clone(), state: c.state.clone() }).collect(),
    })
}

/// Records the answer. When the submitter declines, the session leaves the
/// draft schedule, and the editor says so (it does not vanish silently).
pub fn respond(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    proposal: Uuid,
    confirm: Option<bool>,
) -> Result<&'static str, AppError> {
    conn.transaction(|conn| {
        let (p, _) = asked(conn, user, conf, proposal)?;
        let confirm = confirm.ok_or_else(|| AppError::BadRequest("Answer confirm or decline.".into()))?;
        let state = if confirm { "confirmed" } else { "declined" };
        repo::respond(conn, p.id, user.id, state)?.ok_or(AppError::NotFound)?;
        if !confirm && p.submitter_id == user.id {
            if let Some(item) = schedule_repo::items(conn, conf.id)?.into_iter().find(|i| i.proposal_id == Some(p.id)) {
                if item.starts_at.is_some() {
                    schedule_repo::unplace(conn, item.id)?;
                }
            }
        }
        Ok(if confirm { "speaker-confirmed" } else { "speaker-declined" })
    })
}

/// The worker's round: reminders to speakers who have not answered.
pub fn send_reminders(Db(conn): &mut Db, st: &AppState) -> Result<usize, AppError> {
    conn.transaction(|conn| {
        let due = repo::claim_due_reminders(conn, 50)?;
        for r in &due {
            let u = users::find(conn, r.user_id)?;
            let conf = regs::conference_by_id(conn, r.conference_id)?;
            let p = proposals::find(conn, r.proposal_id)?;
            let subject = format!("Please confirm “{}” for {}", r.title, conf.name);
            let data = json!({ "name": u.name, "title": r.title, "conference": conf.name,
                               "link": confirm_link(st, &conf, &p) });
            mail::queue(conn, st, &u.email, &subject.replace(['\r', '\n'], " "), "speaker_reminder", data)?;
        }
        Ok(due.len())
    })
}

/// Who has not confirmed and who declined, by proposal: for the editor's blocks.
pub fn open_answers(conn: &mut PgConnection, conference_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(repo::of_conference(conn, conference_id)?
        .into_iter()
        .filter(|c| c.state != "confirmed")
        .map(|c| (c.proposal_id, format!("{} ({})", c.name, c.state)))
        .collect())
}

/// "1 of 2 confirmed" (with any declines) for each proposal whose speakers were asked.
pub fn answer_summary(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<(Uuid, String)>, AppError> {
    let all = repo::of_conference(conn, conf.id)?;
    let mut out: Vec<(Uuid, String)> = Vec::new();
    for c in &all {
        if out.iter().any(|(p, _)| *p == c.proposal) {
            continue;
        }
        let of: Vec<&repo::Confirmation> = all.iter().filter(|x| x.proposal == c.proposal).collect();
        let yes = of.iter().filter(|x| x.state == "confirmed").count();
        let no = of.iter().filter(|x| x.state == "declined").count();
        let mut said = format!("{yes} of {} confirmed", of.len());
        if no > 0 {
            said.push_str(&format!(", {no} declined"));
        }
        out.push((c.proposal, said));
    }
    Ok(out)
}

/// The organisers' speakers page: every asked speaker, their answer and registration.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakersView {
    pub rows: Vec<SpeakerRow>,
    pub pending: usize,
    pub declined: usize,
    pub unregistered: usize,
    pub reminder_days: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerRow {
    pub name: String,
    pub email: String,
    pub title: String,
    pub proposal: Uuid,
    pub state: String,
    /// "Not registered", "Confirmed, comp pass", "Waitlisted", ...
    pub registration: String,
    pub registered: bool,
}

pub fn speakers_page(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<SpeakersView, AppError> {
    check_organiser(conn, conf, actor)?;
    let answers = repo::of_conference(conn, conf.id)?;
    let ids: Vec<i64> = answers.iter().map(|a| a.user_id).collect();
    let regs = repo::registration_states(conn, conf.id, &ids)?;
    let mut rows = Vec::new();
    for a in &answers {
        // Their latest registration (the query orders newest first per person).
        let reg = regs.iter().find(|r| r.0 == a.user_id);
        let (registration, registered) = match reg {
            None => ("Not registered".to_string(), false),
            Some((_, status, payment, comp)) => {
                let active = matches!(status.as_str(), "confirmed" | "waitlisted" | "offered");
                let how = if *comp {
                    ", comp pass"
                } else if payment == "paid" {
                    ", paid"
                } else {
                    ""
                };
                (format!("{}{how}", capitalise(status)), active)
            }
        };
        rows.push(SpeakerRow {
            name: a.name.clone(),
            email: a.email.clone(),
            title: a.title.clone(),
            proposal: a.proposal,
            state: a.state.clone(),
            registration,
            registered,
        });
    }
    Ok(SpeakersView {
        pending: rows.iter().filter(|r| r.state == "pending").count(),
        declined: rows.iter().filter(|r| r.state == "declined").count(),
        unregistered: rows.iter().filter(|r| !r.registered && r.state != "declined").count(),
        reminder_days: repo::reminder_days(conn, conf.id)?,
        rows,
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

pub fn set_reminder_days(Db(conn): &mut Db, actor: &User, conf: &Conference, raw: &str) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let days = raw
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (1..=60).contains(d))
        .ok_or_else(|| AppError::BadRequest("Remind after a whole number of days from 1 to 60.".into()))?;
    repo::set_reminder_days(conn, conf.id, days)?;
    Ok(())
}

/// Tells each speaker whose session the new version adds, moves or removes,
/// with the time in the conference's zone and a calendar entry; speakers
/// whose sessions did not change get nothing. Call in the publication's transaction.
pub fn tell_speakers(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    before: &[Session],
    after: &[Session],
) -> Result<usize, AppError> {
    let tz = conf.time_zone;
    let mut sent = 0;
    for change in rules::changes(before, after, tz).iter().filter(|c| c.what != "renamed") {
        let removed = change.what == "removed";
        let list = if removed { before } else { after };
        let Some(s) = list.iter().find(|s| s.guid == change.guid) else { continue };
        let when = crate::domain::time::span_with_zone(s.starts_at, s.ends_at, tz);
        let link = format!("{}/c/{}/session/{}", st.config.base_url, conf.slug, s.guid);
        let room = s.room.clone().unwrap_or_default();
        let event = ical::Event {
            // The same UID as the schedule's own calendar, so clients update that entry.
            uid: format!("{}@plumbline", s.guid),
            stamp: Utc::now(),
            start: s.starts_at,
            end: s.ends_at,
            summary: &s.title,
            description: "",
            location: &room,
            url: Some(link.clone()),
            sequence: s.sequence,
            cancelled: removed,
        };
        let ics = ical::calendar(&conf.name, &[event]);
        for person in s.persons.iter().filter_map(|p| p.user_id) {
            let u = users::find(conn, person)?;
            let subject = match change.what.as_str() {
                "added" => format!("Your session is scheduled: {}", s.title),
                "moved" => format!("Your session moved: {}", s.title),
                _ => format!("Your session was taken out of the schedule: {}", s.title),
            };
            let data = json!({
                "name": u.name, "title": s.title, "conference": conf.name, "what": change.what,
                "removed": removed, "moved": change.what == "moved", "when": when, "room": room,
                "detail": change.detail, "link": link,
            });
            let attachment = Attachment {
                name: "session.ics".into(),
                content_type: "text/calendar; charset=utf-8".into(),
                body: ics.clone(),
            };
            let subject = subject.replace(['\r', '\n'], " ");
            mail::queue_with_attachment(conn, st, (&u.email, &subject), "session_scheduled", data, attachment)?;
            sent += 1;
        }
    }
    Ok(sent)
}
