//! Planning the unconference into the small rooms: the organisers choose a
//! window; the sessions not yet placed go into free bookable time of the
//! bookable rooms (within the booking hours, around every booking and block),
//! by `domain::unconference_plan` (its model and search are written there).
//! A placement is a room booking held by the session's proposer, so the
//! room's exclusion constraint has the last word: a slot taken by a
//! self-booking while the planner ran leaves that session unplaced, with the
//! reason, for the next run. Placed sessions stay where they are, so running
//! it again without new sessions or freed rooms changes nothing.

use crate::domain::booking::{BookingKind, Span};
use crate::domain::unconference::{equipment_words, InterestLevel};
use crate::domain::unconference_plan::{self as planner, Instance, Unplaced};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::mail;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms::{self as rooms_repo, NewBooking};
use crate::services::repo::unconference as repo;
use crate::services::repo::users;
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use chrono::{DateTime, Duration, Timelike, Utc};
use diesel::Connection;
use std::collections::HashMap;

/// What the organisers asked for.
pub struct PlanRequest {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacedSession {
    pub ends_at: DateTime<Utc>,
    pub room: String,
    pub session: uuid::Uuid,
    pub starts_at: DateTime<Utc>,
    pub title: String,
    /// The times in the conference's zone, saying which.
    pub when: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UnplacedSession {
    pub reason: String,
    pub session: uuid::Uuid,
    pub title: String,
}

/// The outcome of a run (fields in alphabetical order: the API's bytes).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanOutcome {
    pub essential_clashes: u32,
    pub interested_clashes: u64,
    /// Sessions this run placed (or would place, with `dry_run`).
    pub placed: Vec<PlacedSession>,
    pub saved: bool,
    pub unplaced: Vec<UnplacedSession>,
}

/// The first slot boundary at or after `t`, counting slots from local midnight.
fn align(t: DateTime<Utc>, slot: i64, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let local = t.with_timezone(&tz);
    let minutes = i64::from(local.hour() * 60 + local.minute());
    let rest = minutes % slot;
    let t = t - Duration::seconds(i64::from(local.second())) - Duration::nanoseconds(i64::from(local.nanosecond()));
    if rest == 0 && local.second() == 0 && local.nanosecond() == 0 {
        t
    } else {
        t + Duration::minutes(slot - rest)
    }
}

fn words(u: &[String]) -> Vec<String> {
    u.iter().map(|w| w.to_lowercase()).collect()
}

fn placed(s: &repo::PlannerSession, room: &str, span: Span, tz: chrono_tz::Tz) -> PlacedSession {
    PlacedSession {
        session: s.public_id,
        room: room.to_string(),
        starts_at: span.start,
        ends_at: span.end,
        title: s.title.clone(),
        when: crate::domain::time::span_with_zone(span.start, span.end, tz),
    }
}

/// Plans the unplaced sessions into the window; saves (and tells the people
/// on them, one mail each) unless `dry_run`.
pub fn plan(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    req: &PlanRequest,
) -> Result<PlanOutcome, AppError> {
    check_organiser(conn, conf, actor)?;
    let settings = rooms_repo::settings(conn, conf.id)?
        .ok_or_else(|| AppError::Conflict("Set up room booking first: the planner uses its rooms and hours.".into()))?;
    let slot = i64::from(settings.slot_minutes.max(5));
    let tz = conf.time_zone;
    let from = align(req.from, slot, tz);
    if req.to <= from || req.to - from > Duration::days(7) {
        return Err(AppError::BadRequest("from and to: a window of up to 7 days, from before to".into()));
    }
    let horizon = ((req.to - from).num_minutes() / slot) as u32;
    let at = |t: u32| from + Duration::minutes(i64::from(t) * slot);
    let hours = rooms_repo::hours(conn, conf.id)?;
    let open = |start: DateTime<Utc>| {
        let (s, e) = (start.with_timezone(&tz), (start + Duration::minutes(slot)).with_timezone(&tz));
        hours
            .iter()
            .any(|h| h.day == s.date_naive() && h.opens <= s.time() && e.date_naive() == h.day && e.time() <= h.closes)
    };
    let rooms: Vec<_> = rooms_repo::rooms_of(conn, conf.id)?.into_iter().filter(|r| r.bookable).collect();
    let taken = rooms_repo::bookings_between(conn, conf.id, from, req.to)?;
    let room_index: HashMap<i64, usize> = rooms.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut inst = Instance { horizon, rooms: Vec::new(), sessions: Vec::new(), busy: Vec::new() };
    for r in &rooms {
        let free = (0..horizon)
            .map(|t| {
                let span = Span::new(at(t), at(t + 1));
                open(at(t)) && !taken.iter().any(|b| b.booking.room_id == r.id && b.span().overlaps(&span))
            })
            .collect();
        inst.rooms.push(planner::Room {
            capacity: r.capacity.max(0) as u32,
            equipment: equipment_words([r.equipment.as_str()]),
            free,
        });
    }
    let mut people: HashMap<i64, (Vec<u64>, Vec<u64>)> = HashMap::new();
    for (session, user, level) in repo::marks(conn, conf.id)? {
        let e = people.entry(session).or_default();
        match level {
            InterestLevel::Essential => e.0.push(user as u64),
            InterestLevel::Interested => e.1.push(user as u64),
        }
    }
    let sessions = repo::planner_sessions(conn, conf.id)?;
    // In the plan: unplaced sessions, and placed ones inside the window (fixed,
    // so nobody essential to them is planned elsewhere at that time).
    let mut in_plan = Vec::new();
    for s in &sessions {
        let placed = match (s.room_id.and_then(|r| room_index.get(&r)), s.starts_at) {
            (Some(&room), Some(start)) if start >= from && start < req.to => {
                Some((room, ((start - from).num_minutes() / slot) as u32))
            }
            (_, Some(_)) => continue,
            _ => None,
        };
        let (essential, interested) = people.get(&s.id).cloned().unwrap_or_default();
        inst.sessions.push(planner::Session {
            slots: ((i64::from(s.minutes) + slot - 1) / slot) as u32,
            needs: words(&s.needs),
            essential,
            interested,
            placed,
            movable: false,
        });
        in_plan.push(s);
    }
    let solved = planner::plan(&inst, conf.id as u64, std::time::Duration::from_secs(4));
    let mut outcome = PlanOutcome {
        essential_clashes: solved.essential_clashes,
        interested_clashes: solved.interested_clashes,
        placed: Vec::new(),
        saved: !req.dry_run,
        unplaced: Vec::new(),
    };
    let mut new = Vec::new();
    for (i, s) in in_plan.iter().enumerate() {
        if inst.sessions[i].placed.is_some() {
            continue;
        }
        match solved.placements.get(i).copied().flatten() {
            Some(p) => new.push((s, p)),
            None => outcome.unplaced.push(UnplacedSession {
                session: s.public_id,
                title: s.title.clone(),
                reason: match solved.reasons.get(i).cloned().flatten() {
                    Some(Unplaced::EssentialClash) => "every free time clashes for someone essential to it".into(),
                    _ => "no free room with what it needs, for its length, in this window".into(),
                },
            }),
        }
    }
    let save = |conn: &mut diesel::PgConnection, s: &repo::PlannerSession, span: &Span, room: i64| {
        conn.transaction(|conn| -> diesel::QueryResult<()> {
            let b = rooms_repo::insert_booking(
                conn,
                &NewBooking {
                    conference_id: conf.id,
                    room_id: room,
                    user_id: s.proposer_id,
                    kind: BookingKind::Booking,
                    title: &s.title,
                    description: &s.description,
                    proposal_id: None,
                    span: *span,
                },
            )?;
            repo::set_booking(conn, s.id, b.id)
        })
    };
    if req.dry_run {
        for (s, p) in new {
            let span = Span::new(at(p.start), at(p.start) + Duration::minutes(i64::from(s.minutes)));
            outcome.placed.push(placed(s, &rooms[p.room].name, span, tz));
        }
        return Ok(outcome);
    }
    // Saved in one transaction with the mail; each booking in its own
    // savepoint, so a slot taken meanwhile refuses that session alone.
    conn.transaction(|conn| -> Result<(), AppError> {
        let mut told: HashMap<i64, Vec<PlacedSession>> = HashMap::new();
        for (s, p) in new {
            let span = Span::new(at(p.start), at(p.start) + Duration::minutes(i64::from(s.minutes)));
            let room = &rooms[p.room];
            if let Err(e) = save(conn, s, &span, room.id) {
                if !rooms_repo::is_clash(&e) {
                    return Err(e.into());
                }
                outcome.unplaced.push(UnplacedSession {
                    session: s.public_id,
                    title: s.title.clone(),
                    reason: "its room was booked meanwhile: plan again to place it elsewhere".into(),
                });
                continue;
            }
            let done = placed(s, &room.name, span, tz);
            let (essential, interested) = people.get(&s.id).cloned().unwrap_or_default();
            for person in essential.iter().chain(interested.iter()) {
                told.entry(*person as i64).or_default().push(done.clone());
            }
            outcome.placed.push(done);
        }
        // One mail per person whose day this plan changed, listing what it placed for them.
        let ids: Vec<i64> = told.keys().copied().collect();
        for u in users::find_many(conn, &ids)? {
            let Some(list) = told.get(&u.id) else { continue };
            let sessions: Vec<_> =
                list.iter().map(|p| serde_json::json!({ "title": p.title, "room": p.room, "when": p.when })).collect();
            mail::queue(
                conn,
                st,
                &u.email,
                &format!("Unconference sessions planned · {}", conf.name),
                "unconference_planned",
                serde_json::json!({
                    "name": u.name, "conference": conf.name, "sessions": sessions,
                    "link": format!("{}/c/{}/unconference", st.config.base_url, conf.slug),
                }),
            )?;
        }
        Ok(())
    })?;
    Ok(outcome)
}
