//! The on-site unconference: registered attendees propose sessions during the
//! conference and mark themselves essential or interested; everyone sees the
//! list, most wanted first. One view per session, shared by the page and the API.

use crate::domain::unconference::{equipment_words, InterestLevel, SessionInput, SessionRules};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::organises;
use crate::services::policy;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations as registration_repo;
use crate::services::repo::rooms as rooms_repo;
use crate::services::repo::unconference::{self as repo, SessionRow};
use crate::services::repo::users::User;
use crate::services::{Db, InputError};
use diesel::{Connection, PgConnection};
use std::collections::HashMap;

/// Who marked a session: a count for everyone, the people's ids for organisers.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum People {
    Count(i64),
    Ids(Vec<uuid::Uuid>),
}

/// Where a session is planned.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub room: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    /// "Tue 1 Dec, 10:00–11:00 (Europe/Vienna)": for the page.
    pub when: String,
}

/// A session as the board and the API show it. Fields in alphabetical order
/// (the API's bytes).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub description: String,
    pub essential: People,
    pub id: uuid::Uuid,
    pub interested: People,
    /// The viewer's own mark, if any.
    pub me: Option<InterestLevel>,
    pub minutes: i32,
    pub needs: Vec<String>,
    /// Where and when it is planned (a room booking); null until planned.
    pub placement: Option<Placement>,
    pub proposer: String,
    pub title: String,
}

/// Who marked each session (by session id): the essential people's ids, then the interested.
type Marks = HashMap<i64, (Vec<uuid::Uuid>, Vec<uuid::Uuid>)>;

fn view(r: SessionRow, people: Option<&Marks>, tz: chrono_tz::Tz) -> SessionView {
    let (essential, interested) = match people {
        Some(p) => {
            let (e, i) = p.get(&r.id).cloned().unwrap_or_default();
            (People::Ids(e), People::Ids(i))
        }
        None => (People::Count(r.essential), People::Count(r.interested)),
    };
    SessionView {
        description: r.description,
        essential,
        id: r.public_id,
        interested,
        me: r.mine,
        minutes: r.minutes,
        needs: r.needs,
        placement: match (r.room, r.starts_at, r.ends_at) {
            (Some(room), Some(starts_at), Some(ends_at)) => Some(Placement {
                when: crate::domain::time::span_with_zone(starts_at, ends_at, tz),
                room,
                starts_at,
                ends_at,
            }),
            _ => None,
        },
        proposer: r.proposer,
        title: r.title,
    }
}

/// The unconference board of a conference.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Board {
    pub sessions: Vec<SessionView>,
    /// What a new session may ask for: lengths and equipment from the room rules.
    pub lengths: Vec<String>,
    pub equipment: Vec<String>,
    /// The rooms are set up for booking (otherwise nothing can be proposed yet).
    pub open: bool,
}

struct Rules {
    slot: i32,
    max: i32,
    equipment: Vec<String>,
}

fn rules(conn: &mut PgConnection, conf: &Conference) -> Result<Option<Rules>, AppError> {
    let Some(s) = rooms_repo::settings(conn, conf.id)? else {
        return Ok(None);
    };
    let rooms = rooms_repo::rooms_of(conn, conf.id)?;
    let equipment = equipment_words(rooms.iter().filter(|r| r.bookable).map(|r| r.equipment.as_str()));
    Ok(Some(Rules { slot: s.slot_minutes, max: s.max_booking_minutes, equipment }))
}

/// Every session, most wanted first. With `who` (the API), organisers see
/// who marked each; everyone else, and the page, how many.
pub fn board(Db(conn): &mut Db, viewer: Option<&User>, conf: &Conference, who: bool) -> Result<Board, AppError> {
    let viewer_id = viewer.map_or(0, |u| u.id);
    let rows = repo::list(conn, conf.id, viewer_id)?;
    let is_organiser = match viewer {
        Some(u) if who => organises(conn, conf, u)?,
        _ => false,
    };
    let people = if is_organiser {
        let mut by_session = Marks::new();
        for (session, person, level) in repo::people(conn, conf.id)? {
            let entry = by_session.entry(session).or_default();
            match level {
                InterestLevel::Essential => entry.0.push(person),
                InterestLevel::Interested => entry.1.push(person),
            }
        }
        Some(by_session)
    } else {
        None
    };
    let rules = rules(conn, conf)?;
    let lengths = rules
        .as_ref()
        .map_or_else(Vec::new, |r| (1..=r.max / r.slot.max(1)).map(|k| (k * r.slot).to_string()).collect());
    Ok(Board {
        sessions: rows.into_iter().map(|r| view(r, people.as_ref(), conf.time_zone)).collect(),
        lengths,
        equipment: rules.as_ref().map_or_else(Vec::new, |r| r.equipment.clone()),
        open: rules.is_some(),
    })
}

/// A registered attendee proposes a session; they are essential to it.
pub fn propose(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    input: &SessionInput,
) -> Result<SessionView, InputError> {
    policy::require_unconference_attendee(registration_repo::is_confirmed(conn, conf.id, user.id)?)?;
    let Some(r) = rules(conn, conf)? else {
        return Err(AppError::Conflict("The organisers have not set up the rooms yet.".into()).into());
    };
    let draft = input
        .parse(&SessionRules { slot_minutes: r.slot, max_minutes: r.max, equipment: &r.equipment })
        .map_err(|p| InputError::Fields(p.0))?;
    let s = conn.transaction(|conn| repo::insert(conn, conf.id, user.id, &draft))?;
    let row = repo::list(conn, conf.id, user.id)?.into_iter().find(|x| x.id == s.id).ok_or(AppError::NotFound)?;
    Ok(view(row, None, conf.time_zone))
}

/// A registered attendee marks themselves essential, interested, or neither.
/// The proposer stays essential to their own session.
pub fn set_interest(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    session: uuid::Uuid,
    level: Option<InterestLevel>,
) -> Result<(), AppError> {
    let s = markable(conn, user, conf, session)?;
    if s.proposer_id == user.id && level != Some(InterestLevel::Essential) {
        return Err(AppError::Conflict("You proposed this session: it cannot happen without you.".into()));
    }
    Ok(repo::set_interest(conn, s.id, user.id, level)?)
}

fn markable(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    session: uuid::Uuid,
) -> Result<repo::Session, AppError> {
    policy::require_unconference_attendee(registration_repo::is_confirmed(conn, conf.id, user.id)?)?;
    repo::by_public_id(conn, conf.id, session)?.ok_or(AppError::NotFound)
}

/// May this person mark this session? (A registered attendee; an existing session.)
pub fn require_markable(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    session: uuid::Uuid,
) -> Result<(), AppError> {
    markable(conn, user, conf, session).map(|_| ())
}

/// The level a form or the API names: "essential", "interested" or "none".
pub fn parse_level(raw: &str) -> Result<Option<InterestLevel>, FieldError> {
    match raw.trim() {
        "none" | "" => Ok(None),
        w => w
            .parse::<InterestLevel>()
            .map(Some)
            .map_err(|_| FieldError::new("level", "choose essential, interested or none")),
    }
}
