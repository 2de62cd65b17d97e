//! Mail to chosen groups: the organisers pick a group (unpaid registrants,
//! speakers who have not registered, MC leads, the committee, the waitlist,
//! bookers of a room, ...), write a subject and body with placeholders, look
//! at it for one recipient, send a test to themselves, then send through the
//! outbox (so it survives restarts and goes once); a log shows each message's state.

use crate::domain::review::fill;
use crate::domain::{text, FieldError, Problems};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::limits;
use crate::services::mail;
use crate::services::repo::conferences::Conference;
use crate::services::repo::mailings::{self as repo, NewMailing, Recipient};
use crate::services::repo::rooms;
use crate::services::repo::users::User;
use crate::services::schedule::published;
use crate::services::{Db, InputError};
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The groups, as the form names them and people read them.
pub const GROUPS: [(&str, &str); 8] = [
    ("attendees", "Confirmed attendees"),
    ("unpaid", "Registered but not paid"),
    ("waitlisted", "On the waitlist or offered a seat"),
    ("speakers", "Speakers of accepted proposals"),
    ("speakers_unregistered", "Speakers who have not registered"),
    ("mc_leads", "Microconference leads"),
    ("committee", "The programme committee"),
    ("room_bookers", "People who booked a room"),
];

/// The placeholders a body may use.
pub const PLACEHOLDERS: [&str; 6] =
    ["name", "conference", "registration_status", "session_title", "session_time", "registration_link"];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ComposeInput {
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    /// Made when the form is shown; a second submission of the same form sends nothing.
    #[serde(default)]
    pub form_key: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupOption {
    pub value: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoomOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A message as one recipient would get it.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    pub id: Uuid,
    pub audience: String,
    pub subject: String,
    pub sent_at: String,
    pub messages: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComposerView {
    pub groups: Vec<GroupOption>,
    pub rooms: Vec<RoomOption>,
    pub form: ComposeInput,
    pub placeholders: Vec<String>,
    pub recipients: usize,
    pub preview: Option<Preview>,
    pub log: Vec<LogRow>,
}

/// A composed mail, checked.
struct Draft {
    audience: &'static str,
    label: &'static str,
    room: Option<i64>,
    subject: String,
    body: String,
}

fn parse(conn: &mut PgConnection, conf: &Conference, f: &ComposeInput) -> Result<Draft, InputError> {
    let mut p = Problems::default();
    let group = GROUPS.iter().find(|(g, _)| *g == f.audience);
    if group.is_none() {
        p.add("audience", "choose who gets it");
    }
    let subject = p.check(text::single_line("subject", &f.subject, 1, 200));
    let body = p.check(text::multi_line("body", &f.body, 1, 20000));
    let room = match f.room.trim() {
        "" => None,
        r => {
            let found = rooms::rooms_of(conn, conf.id)?.into_iter().find(|x| x.public_id.to_string() == r);
            if found.is_none() {
                p.add("room", "choose a room of this conference");
            }
            found.map(|x| x.id)
        }
    };
    match (group, subject, body) {
        (Some((audience, label)), Some(subject), Some(body)) if p.is_empty() => {
            Ok(Draft { audience, label, room, subject, body })
        }
        _ => Err(InputError::Fields(p.0)),
    }
}

/// The values of the placeholders for one recipient.
fn values(
    st: &AppState,
    conf: &Conference,
    r: &Recipient,
    sessions: &[(i64, String, String)],
) -> Vec<(String, String)> {
    let session = sessions.iter().find(|(u, _, _)| *u == r.user_id);
    vec![
        ("name".into(), r.name.clone()),
        ("conference".into(), conf.name.clone()),
        ("registration_status".into(), r.registration_status.clone()),
        ("session_title".into(), session.map(|s| s.1.clone()).unwrap_or_default()),
        ("session_time".into(), session.map(|s| s.2.clone()).unwrap_or_default()),
        ("registration_link".into(), format!("{}/c/{}/registration", st.config.base_url, conf.slug)),
    ]
}

fn filled(template: &str, values: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fill(template, &pairs)
}

/// Each speaker's first session in the published schedule: (user id, title, time).
fn sessions_of_people(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<(i64, String, String)>, AppError> {
    let tz = conf.time_zone;
    let Some(p) = published(&mut Db::new(conn), conf)? else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for s in &p.sessions {
        for u in s.persons.iter().filter_map(|x| x.user_id) {
            if !out.iter().any(|(id, _, _)| *id == u) {
                let when = crate::domain::time::span_with_zone(s.starts_at, s.ends_at, tz);
                out.push((u, s.title.clone(), when));
            }
        }
    }
    Ok(out)
}

/// The composer: groups with their sizes, the form as typed, and (when asked)
/// a preview; a preview of a form with problems returns them instead.
pub fn composer(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    mut form: ComposeInput,
    preview: bool,
) -> Result<(ComposerView, Vec<FieldError>), AppError> {
    check_organiser(conn, conf, actor)?;
    if Uuid::parse_str(&form.form_key).is_err() {
        form.form_key = Uuid::new_v4().to_string();
    }
    let room = rooms::rooms_of(conn, conf.id)?;
    let room_id = room.iter().find(|r| r.public_id.to_string() == form.room).map(|r| r.id);
    let mut groups = Vec::new();
    for (value, label) in GROUPS {
        let n = repo::group(conn, conf.id, value, if value == "room_bookers" { room_id } else { None })?.len();
        groups.push(GroupOption { value, label, count: n, selected: form.audience == value });
    }
    let mut problems = Vec::new();
    let (recipients, preview) = match parse(conn, conf, &form) {
        Ok(d) if preview => {
            let people = repo::group(conn, conf.id, d.audience, d.room)?;
            let sessions = sessions_of_people(conn, conf)?;
            let shown = people.first().map(|r| {
                let v = values(st, conf, r, &sessions);
                Preview {
                    to: format!("{} <{}>", r.name, r.email),
                    subject: filled(&d.subject, &v),
                    text: filled(&d.body, &v),
                }
            });
            (people.len(), shown)
        }
        Ok(d) => (repo::group(conn, conf.id, d.audience, d.room)?.len(), None),
        Err(InputError::Fields(f)) => {
            if preview {
                problems = f;
            }
            (0, None)
        }
        Err(InputError::App(e)) => return Err(e),
    };
    let log = repo::log(conn, conf.id, 50)?
        .into_iter()
        .map(|(m, n)| LogRow {
            id: m.public_id,
            audience: GROUPS.iter().find(|(g, _)| *g == m.audience).map_or(m.audience.clone(), |(_, l)| l.to_string()),
            subject: m.subject,
            sent_at: crate::domain::time::display(m.created_at, conf.time_zone),
            messages: n,
        })
        .collect();
    let view = ComposerView {
        groups,
        rooms: room
            .iter()
            .filter(|r| r.bookable)
            .map(|r| RoomOption {
                value: r.public_id.to_string(),
                label: r.name.clone(),
                selected: form.room == r.public_id.to_string(),
            })
            .collect(),
        form,
        placeholders: PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect(),
        recipients,
        preview,
        log,
    };
    Ok((view, problems))
}

/// A test: the message as the group's first person would get it, sent to the organiser.
pub fn send_test(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    form: &ComposeInput,
) -> Result<(), InputError> {
    check_organiser(conn, conf, actor)?;
    let d = parse(conn, conf, form)?;
    let people = repo::group(conn, conf.id, d.audience, d.room)?;
    let sessions = sessions_of_people(conn, conf)?;
    let me = Recipient {
        user_id: actor.id,
        name: actor.name.clone(),
        email: actor.email.clone(),
        registration_status: "not registered".into(),
    };
    let v = values(st, conf, people.first().unwrap_or(&me), &sessions);
    let subject = format!("[Test] {}", filled(&d.subject, &v)).replace(['\r', '\n'], " ");
    mail::queue(conn, st, &actor.email, &subject, "group_mail", json!({ "text": filled(&d.body, &v) }))?;
    Ok(())
}

/// Sends to everyone in the group: one message each, queued in one
/// transaction with the mailing, so it goes out once, survives a restart, and
/// the outbox's pace limits the rate. A form sent twice sends nothing more.
pub fn send(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    form: &ComposeInput,
) -> Result<Uuid, InputError> {
    check_organiser(conn, conf, actor)?;
    let d = parse(conn, conf, form)?;
    let key = Uuid::parse_str(&form.form_key)
        .map_err(|_| AppError::BadRequest("The form is stale: open the composer again.".into()))?;
    if let Some(existing) = repo::by_form_key(conn, key)? {
        return Ok(existing);
    }
    limits::require_within(conn, &limits::GROUP_MAIL, &[&conf.slug], &actor.public_id.to_string())?;
    conn.transaction(|conn| -> Result<Uuid, InputError> {
        let audience = match d.room {
            Some(_) => format!("{} ({})", d.audience, form.room),
            None => d.audience.to_string(),
        };
        let new = NewMailing {
            conference_id: conf.id,
            form_key: key,
            audience: &audience,
            subject: &d.subject,
            body: &d.body,
            sent_by: actor.id,
        };
        let Some((mailing_id, public_id)) = repo::insert(conn, &new)? else {
            // The same form, sent at the same moment from another tab: that one sends.
            return Ok(repo::by_form_key(conn, key)?.ok_or(AppError::NotFound)?);
        };
        let people = repo::group(conn, conf.id, d.audience, d.room)?;
        let sessions = sessions_of_people(conn, conf)?;
        for r in &people {
            let v = values(st, conf, r, &sessions);
            let subject = filled(&d.subject, &v).replace(['\r', '\n'], " ");
            let id = mail::queue(conn, st, &r.email, &subject, "group_mail", json!({ "text": filled(&d.body, &v) }))?;
            repo::add_message(conn, mailing_id, id, r.user_id)?;
        }
        tracing::info!(mailing = %public_id, group = d.label, recipients = people.len(), "group mail queued");
        Ok(public_id)
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct MailingView {
    pub subject: String,
    pub body: String,
    pub audience: String,
    pub sent_at: String,
    pub deliveries: Vec<repo::Delivery>,
    pub sent: usize,
    pub waiting: usize,
    pub failed: usize,
}

pub fn mailing(Db(conn): &mut Db, actor: &User, conf: &Conference, id: Uuid) -> Result<MailingView, AppError> {
    check_organiser(conn, conf, actor)?;
    let m = repo::find(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    let deliveries = repo::deliveries(conn, m.id)?;
    let count = |s: &str| deliveries.iter().filter(|d| d.status == s).count();
    Ok(MailingView {
        audience: GROUPS
            .iter()
            .find(|(g, _)| m.audience.starts_with(g))
            .map_or(m.audience.clone(), |(_, l)| l.to_string()),
        subject: m.subject,
        body: m.body,
        sent_at: crate::domain::time::display(m.created_at, conf.time_zone),
        sent: count("sent"),
        waiting: count("pending"),
        failed: count("failed"),
        deliveries,
    })
}
