//! Planning the unconference into the small rooms: the organisers choose a
//! window; the sessions not yet placed go into free bookable time of the
//! bookable rooms (within the booking hours, around every booking and block),
//! by `domain::unconference_plan` (its model and search are written there).
//! Placed sessions stay where they are unless moving is allowed, so running
//! it again without new sessions or freed rooms changes nothing.
//!
//! A placement is a room booking held by the session's proposer, so the
//! room's exclusion constraint has the last word: a slot self-booked while
//! the planner ran refuses that one booking (in its own savepoint), and the
//! planner plans again around it, up to three rounds in one transaction.
//! Organisers may let placed sessions that start later than a notice move
//! (e.g. someone essential now gives a talk then); the others are fixed.
//! People are busy in their talks, their MCs and the rooms they booked
//! themselves, and nobody essential is planned into those.

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
    /// Placed sessions that start at least this long after now may move;
    /// `None` keeps every placed session where it is.
    pub move_notice: Option<Duration>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacedSession {
    pub ends_at: DateTime<Utc>,
    /// Where a session that moved was before ("Room 1.6, Tue …"), else null.
    pub moved_from: Option<String>,
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

/// Clashes of the sessions placed in the window as they stand before the run.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Clashes {
    pub essential_clashes: u32,
    pub interested_clashes: u64,
}

/// The outcome of a run (fields in alphabetical order: the API's bytes).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanOutcome {
    /// The window's clashes before the run, to compare with those after.
    pub before: Clashes,
    pub essential_clashes: u32,
    pub interested_clashes: u64,
    /// Sessions this run placed or moved (or would, with `dry_run`).
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

/// The window in whole slots from its (aligned) start.
#[derive(Clone, Copy)]
struct Window {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    slot: i64,
    horizon: u32,
}

impl Window {
    fn at(&self, t: u32) -> DateTime<Utc> {
        self.from + Duration::minutes(i64::from(t) * self.slot)
    }

    fn slot_of(&self, t: DateTime<Utc>) -> i64 {
        (t - self.from).num_minutes().div_euclid(self.slot)
    }

    /// The slots `[start, end)` covers, clipped to the window.
    fn slots(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> std::ops::Range<u32> {
        let first = self.slot_of(start).clamp(0, i64::from(self.horizon)) as u32;
        let past = (end - self.from).num_minutes();
        let last = ((past + self.slot - 1).div_euclid(self.slot)).clamp(0, i64::from(self.horizon)) as u32;
        first..last.max(first)
    }
}

/// One planning instance as read from the database, with what maps it back.
struct Built {
    inst: Instance,
    sessions: Vec<repo::PlannerSession>,
    /// Each session's booking when it has one (for moves).
    bookings: Vec<Option<i64>>,
    rooms: Vec<rooms_repo::Room>,
    people: HashMap<i64, (Vec<u64>, Vec<u64>)>,
}

fn build(
    conn: &mut diesel::PgConnection,
    conf: &Conference,
    w: &Window,
    movable_after: Option<DateTime<Utc>>,
) -> Result<Built, AppError> {
    let tz = conf.time_zone;
    let hours = rooms_repo::hours(conn, conf.id)?;
    let open = |start: DateTime<Utc>| {
        let (s, e) = (start.with_timezone(&tz), (start + Duration::minutes(w.slot)).with_timezone(&tz));
        hours
            .iter()
            .any(|h| h.day == s.date_naive() && h.opens <= s.time() && e.date_naive() == h.day && e.time() <= h.closes)
    };
    let rooms: Vec<_> = rooms_repo::rooms_of(conn, conf.id)?.into_iter().filter(|r| r.bookable).collect();
    let room_index: HashMap<i64, usize> = rooms.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let all = repo::planner_sessions(conn, conf.id)?;
    // A session placed in the window is in the plan, fixed unless it may move;
    // one placed elsewhere is left alone; unplaced ones are what to plan.
    let mut sessions = Vec::new();
    let mut spots = Vec::new();
    for s in all {
        let spot = match (s.room_id.and_then(|r| room_index.get(&r)), s.starts_at) {
            (Some(&room), Some(start)) if start >= w.from && start < w.to => {
                let movable = movable_after.is_some_and(|t| start >= t);
                Some((room, w.slot_of(start) as u32, movable))
            }
            (_, Some(_)) => continue,
            _ => None,
        };
        spots.push(spot);
        sessions.push(s);
    }
    let moving: Vec<i64> = sessions
        .iter()
        .zip(&spots)
        .filter(|(_, p)| matches!(p, Some((_, _, true))))
        .filter_map(|(s, _)| s.booking_id)
        .collect();
    let taken = rooms_repo::bookings_between(conn, conf.id, w.from, w.to)?;
    let mut inst = Instance { horizon: w.horizon, rooms: Vec::new(), sessions: Vec::new(), busy: Vec::new() };
    for r in &rooms {
        let free = (0..w.horizon)
            .map(|t| {
                let span = Span::new(w.at(t), w.at(t + 1));
                open(w.at(t))
                    && !taken.iter().any(|b| {
                        b.booking.room_id == r.id && !moving.contains(&b.booking.id) && b.span().overlaps(&span)
                    })
            })
            .collect();
        inst.rooms.push(planner::Room {
            capacity: r.capacity.max(0) as u32,
            equipment: equipment_words([r.equipment.as_str()]),
            free,
        });
    }
    for b in repo::busy_between(conn, conf.id, w.from, w.to)? {
        inst.busy.extend(w.slots(b.starts_at, b.ends_at).map(|t| (b.user_id as u64, t)));
    }
    let mut people: HashMap<i64, (Vec<u64>, Vec<u64>)> = HashMap::new();
    for (session, user, level) in repo::marks(conn, conf.id)? {
        let e = people.entry(session).or_default();
        match level {
            InterestLevel::Essential => e.0.push(user as u64),
            InterestLevel::Interested => e.1.push(user as u64),
        }
    }
    for (s, spot) in sessions.iter().zip(&spots) {
        let (essential, interested) = people.get(&s.id).cloned().unwrap_or_default();
        inst.sessions.push(planner::Session {
            slots: ((i64::from(s.minutes) + w.slot - 1) / w.slot) as u32,
            needs: words(&s.needs),
            essential,
            interested,
            placed: spot.map(|(room, start, _)| (room, start)),
            movable: spot.is_some_and(|(_, _, m)| m),
        });
    }
    let bookings = sessions.iter().map(|s| s.booking_id).collect();
    Ok(Built { inst, sessions, bookings, rooms, people })
}

/// The clashes of the placements as they stand (nothing new placed).
fn clashes_now(inst: &Instance) -> Clashes {
    let now: Vec<_> =
        inst.sessions.iter().map(|s| s.placed.map(|(room, start)| planner::Placement { room, start })).collect();
    let (essential, interested, _) = planner::score(inst, &now);
    Clashes { essential_clashes: essential, interested_clashes: interested }
}

/// What a plan changes: sessions to book (or move), and those left out.
enum Change {
    Book { session: usize, room: usize, span: Span },
    Move { session: usize, booking: i64, room: usize, span: Span, from: String },
}

fn changes(b: &Built, w: &Window, solved: &planner::Plan, tz: chrono_tz::Tz) -> (Vec<Change>, Vec<UnplacedSession>) {
    let (mut todo, mut left) = (Vec::new(), Vec::new());
    for (i, s) in b.sessions.iter().enumerate() {
        let now = &b.inst.sessions[i];
        if now.placed.is_some() && !now.movable {
            continue;
        }
        let span_at =
            |p: planner::Placement| Span::new(w.at(p.start), w.at(p.start) + Duration::minutes(i64::from(s.minutes)));
        match (solved.placements.get(i).copied().flatten(), now.placed, b.bookings[i]) {
            (Some(p), Some((room, start)), _) if p.room == room && p.start == start => {}
            (Some(p), Some((room, start)), Some(booking)) => {
                let was = Span::new(w.at(start), w.at(start) + Duration::minutes(i64::from(s.minutes)));
                let from =
                    format!("{}, {}", b.rooms[room].name, crate::domain::time::span_with_zone(was.start, was.end, tz));
                todo.push(Change::Move { session: i, booking, room: p.room, span: span_at(p), from });
            }
            (Some(p), _, _) => todo.push(Change::Book { session: i, room: p.room, span: span_at(p) }),
            // A movable session the plan could not keep anywhere stays where it was.
            (None, Some(_), _) => {}
            (None, None, _) => left.push(UnplacedSession {
                session: s.public_id,
                title: s.title.clone(),
                reason: match solved.reasons.get(i).cloned().flatten() {
                    Some(Unplaced::EssentialClash) => "every free time clashes for someone essential to it".into(),
                    _ => "no free room with what it needs, for its length, in this window".into(),
                },
            }),
        }
    }
    (todo, left)
}

fn shown(b: &Built, c: &Change, tz: chrono_tz::Tz) -> (usize, PlacedSession) {
    let (i, room, span, moved_from) = match c {
        Change::Book { session, room, span } => (*session, *room, *span, None),
        Change::Move { session, room, span, from, .. } => (*session, *room, *span, Some(from.clone())),
    };
    let s = &b.sessions[i];
    let p = PlacedSession {
        session: s.public_id,
        room: b.rooms[room].name.clone(),
        starts_at: span.start,
        ends_at: span.end,
        moved_from,
        title: s.title.clone(),
        when: crate::domain::time::span_with_zone(span.start, span.end, tz),
    };
    (i, p)
}

/// Books (or moves) one session in its own savepoint; false when the room
/// was taken meanwhile (the exclusion constraint said no).
fn save(conn: &mut diesel::PgConnection, conf: &Conference, b: &Built, c: &Change) -> Result<bool, AppError> {
    let done = conn.transaction(|conn| -> diesel::QueryResult<()> {
        match c {
            Change::Book { session, room, span } => {
                let s = &b.sessions[*session];
                let booking = rooms_repo::insert_booking(
                    conn,
                    &NewBooking {
                        conference_id: conf.id,
                        room_id: b.rooms[*room].id,
                        user_id: s.proposer_id,
                        kind: BookingKind::Booking,
                        title: &s.title,
                        description: &s.description,
                        proposal_id: None,
                        span: *span,
                    },
                )?;
                repo::set_booking(conn, s.id, booking.id)
            }
            Change::Move { booking, room, span, .. } => rooms_repo::move_to(conn, *booking, b.rooms[*room].id, span),
        }
    });
    match done {
        Ok(()) => Ok(true),
        Err(e) if rooms_repo::is_clash(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Plans the unplaced sessions into the window; saves (and tells the people
/// on them, one mail each) unless `dry_run`. Organisers only.
pub fn plan(
    db: &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    req: &PlanRequest,
) -> Result<PlanOutcome, AppError> {
    check_organiser(db.0, conf, actor)?;
    run(db, st, conf, req, Utc::now())
}

/// How many times a run plans again around rooms booked while it ran.
const ROUNDS: usize = 3;

fn run(
    Db(conn): &mut Db,
    st: &AppState,
    conf: &Conference,
    req: &PlanRequest,
    now: DateTime<Utc>,
) -> Result<PlanOutcome, AppError> {
    let settings = rooms_repo::settings(conn, conf.id)?
        .ok_or_else(|| AppError::Conflict("Set up room booking first: the planner uses its rooms and hours.".into()))?;
    let slot = i64::from(settings.slot_minutes.max(5));
    let tz = conf.time_zone;
    let from = align(req.from, slot, tz);
    if req.to <= from || req.to - from > Duration::days(7) {
        return Err(AppError::BadRequest("from and to: a window of up to 7 days, from before to".into()));
    }
    let w = Window { from, to: req.to, slot, horizon: ((req.to - from).num_minutes() / slot) as u32 };
    let movable_after = req.move_notice.map(|n| now + n);
    let budget = std::time::Duration::from_secs(4);
    if req.dry_run {
        let built = build(conn, conf, &w, movable_after)?;
        let solved = planner::plan(&built.inst, conf.id as u64, budget);
        let (todo, unplaced) = changes(&built, &w, &solved, tz);
        let placed = todo.iter().map(|c| shown(&built, c, tz).1).collect();
        return Ok(PlanOutcome {
            before: clashes_now(&built.inst),
            essential_clashes: solved.essential_clashes,
            interested_clashes: solved.interested_clashes,
            placed,
            saved: false,
            unplaced,
        });
    }
    // One transaction with the mail; a booking refused because its room was
    // taken meanwhile sends the plan round again around it (moves only in the
    // first round, so a retry never undoes what the last one did).
    conn.transaction(|conn| {
        let mut done: Vec<(i64, PlacedSession)> = Vec::new();
        let mut outcome = PlanOutcome {
            before: Clashes { essential_clashes: 0, interested_clashes: 0 },
            essential_clashes: 0,
            interested_clashes: 0,
            placed: Vec::new(),
            saved: true,
            unplaced: Vec::new(),
        };
        let mut people = HashMap::new();
        for round in 0..ROUNDS {
            let built = build(conn, conf, &w, movable_after.filter(|_| round == 0))?;
            let solved = planner::plan(&built.inst, conf.id as u64, budget);
            let (todo, unplaced) = changes(&built, &w, &solved, tz);
            if round == 0 {
                outcome.before = clashes_now(&built.inst);
            }
            outcome.essential_clashes = solved.essential_clashes;
            outcome.interested_clashes = solved.interested_clashes;
            outcome.unplaced = unplaced;
            let mut refused = Vec::new();
            for c in &todo {
                let (i, p) = shown(&built, c, tz);
                if save(conn, conf, &built, c)? {
                    done.push((built.sessions[i].id, p));
                } else if matches!(c, Change::Book { .. }) {
                    refused.push(UnplacedSession {
                        session: p.session,
                        title: p.title,
                        reason: "its room was booked meanwhile and no other place was found: plan again".into(),
                    });
                }
            }
            people = built.people;
            if refused.is_empty() {
                break;
            }
            tracing::info!(
                conference = conf.id,
                round,
                refused = refused.len(),
                "rooms booked while planning; planning again"
            );
            if round + 1 == ROUNDS {
                outcome.unplaced.extend(refused);
            }
        }
        tell(conn, st, conf, &people, &done)?;
        outcome.placed = done.into_iter().map(|(_, p)| p).collect();
        Ok(outcome)
    })
}

/// One mail per person whose day this plan changed, listing what it placed or moved for them.
fn tell(
    conn: &mut diesel::PgConnection,
    st: &AppState,
    conf: &Conference,
    people: &HashMap<i64, (Vec<u64>, Vec<u64>)>,
    done: &[(i64, PlacedSession)],
) -> Result<(), AppError> {
    let mut told: HashMap<i64, Vec<&PlacedSession>> = HashMap::new();
    for (session, p) in done {
        let (essential, interested) = people.get(session).cloned().unwrap_or_default();
        for person in essential.iter().chain(interested.iter()) {
            told.entry(*person as i64).or_default().push(p);
        }
    }
    let ids: Vec<i64> = told.keys().copied().collect();
    for u in users::find_many(conn, &ids)? {
        let Some(list) = told.get(&u.id) else { continue };
        let sessions: Vec<_> = list
            .iter()
            .map(
                |p| serde_json::json!({ "title": p.title, "room": p.room, "when": p.when, "moved_from": p.moved_from }),
            )
            .collect();
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
}

/// The standing order as the board shows it and its form takes it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AutoplanInput {
    #[serde(default)]
    pub enabled: String,
    /// Local wall-clock time, "20:00".
    #[serde(default)]
    pub run_at: String,
    /// Hours of notice before a placed session may move; empty keeps them all.
    #[serde(default)]
    pub notice_hours: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AutoplanView {
    pub form: AutoplanInput,
    pub last_run_on: Option<String>,
    pub last_summary: String,
}

/// The standing order, or the form's suggestion when there is none yet.
pub fn autoplan(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<AutoplanView, AppError> {
    check_organiser(conn, conf, actor)?;
    let suggested = || AutoplanView {
        form: AutoplanInput { enabled: "on".into(), run_at: "20:00".into(), notice_hours: String::new() },
        ..Default::default()
    };
    Ok(repo::autoplan(conn, conf.id)?.map_or_else(suggested, |a| AutoplanView {
        form: AutoplanInput {
            enabled: if a.enabled { "on".into() } else { String::new() },
            run_at: a.run_at.format("%H:%M").to_string(),
            notice_hours: a.move_notice_minutes.map(|m| (m / 60).to_string()).unwrap_or_default(),
        },
        last_run_on: a.last_run_on.map(|d| d.format("%a %-d %b %Y").to_string()),
        last_summary: a.last_summary,
    }))
}

/// Checks and saves the standing order as the board's form types it (notice
/// in hours); bad input is a 400 saying which field.
pub fn save_autoplan(db: &mut Db, actor: &User, conf: &Conference, i: &AutoplanInput) -> Result<(), AppError> {
    let notice = match i.notice_hours.trim() {
        "" => None,
        h => match h.parse::<i32>() {
            Ok(h) if (0..=168).contains(&h) => Some(h * 60),
            _ => return Err(AppError::BadRequest("Notice: whole hours from 0 to 168, or empty.".into())),
        },
    };
    save_standing_order(db, actor, conf, !i.enabled.is_empty(), &i.run_at, notice)
}

/// The standing order as the API reads and writes it (fields in alphabetical order).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StandingOrder {
    #[serde(default)]
    pub enabled: bool,
    /// The local date of the last run, in the conference's zone (read only).
    #[serde(default)]
    pub last_run_on: Option<chrono::NaiveDate>,
    /// What the last run did (read only).
    #[serde(default)]
    pub last_summary: String,
    /// Placed sessions starting at least this many minutes after the run may move; null: none move.
    #[serde(default)]
    pub move_notice_minutes: Option<i32>,
    /// Local wall-clock time in the conference's zone, "20:00".
    #[serde(default)]
    pub run_at: String,
}

/// The standing order (organisers); switched off at 20:00 when there is none yet.
pub fn standing_order(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<StandingOrder, AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(match repo::autoplan(conn, conf.id)? {
        Some(a) => StandingOrder {
            enabled: a.enabled,
            last_run_on: a.last_run_on,
            last_summary: a.last_summary,
            move_notice_minutes: a.move_notice_minutes,
            run_at: a.run_at.format("%H:%M").to_string(),
        },
        None => StandingOrder {
            enabled: false,
            last_run_on: None,
            last_summary: String::new(),
            move_notice_minutes: None,
            run_at: "20:00".into(),
        },
    })
}

/// Checks and saves the standing order (organisers): the time as "HH:MM", the
/// notice in minutes (0 to a week); bad input is a 400 saying which field.
pub fn save_standing_order(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    enabled: bool,
    run_at: &str,
    notice_minutes: Option<i32>,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let run_at = chrono::NaiveTime::parse_from_str(run_at.trim(), "%H:%M")
        .map_err(|_| AppError::BadRequest("Time of the daily run: a time such as 20:00.".into()))?;
    if notice_minutes.is_some_and(|m| !(0..=10_080).contains(&m)) {
        return Err(AppError::BadRequest("Notice: from 0 minutes to a week.".into()));
    }
    Ok(repo::save_autoplan(conn, conf.id, enabled, run_at, notice_minutes, actor.id)?)
}

/// The worker's part: every conference whose daily time has come (in its own
/// zone) and which has not run today plans the next local day. A day is
/// claimed before it runs, so with several instances it runs once; a run that
/// fails is recorded on the board and not retried until the next day.
pub fn run_scheduled(Db(conn): &mut Db, st: &AppState) -> Result<usize, AppError> {
    run_scheduled_at(&mut Db::new(conn), st, Utc::now())
}

pub fn run_scheduled_at(Db(conn): &mut Db, st: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut ran = 0;
    for (order, zone) in repo::enabled_autoplans(conn)? {
        let Ok(tz) = zone.parse::<chrono_tz::Tz>() else { continue };
        let local = now.with_timezone(&tz);
        let today = local.date_naive();
        if local.time() < order.run_at || order.last_run_on.is_some_and(|d| d >= today) {
            continue;
        }
        if !repo::claim_autoplan_day(conn, order.conference_id, today)? {
            continue;
        }
        let conf = crate::services::repo::conferences::by_id(conn, order.conference_id)?;
        let next = today.succ_opt().unwrap_or(today);
        let midnight = |d: chrono::NaiveDate| crate::domain::time::local_midnight(d, tz);
        let req = PlanRequest {
            from: midnight(next),
            to: midnight(next.succ_opt().unwrap_or(next)),
            dry_run: false,
            move_notice: order.move_notice_minutes.map(|m| Duration::minutes(i64::from(m))),
        };
        let summary = match run(&mut Db::new(conn), st, &conf, &req, now) {
            Ok(o) => format!(
                "{}: planned {} for {}; {} placed or moved, {} left out.",
                crate::domain::time::display(now, tz),
                conf.name,
                next.format("%a %-d %b"),
                o.placed.len(),
                o.unplaced.len()
            ),
            Err(e) => format!("{}: the run failed: {e}", crate::domain::time::display(now, tz)),
        };
        tracing::info!(conference = conf.id, %summary, "scheduled unconference plan");
        repo::record_autoplan(conn, conf.id, &summary)?;
        ran += 1;
    }
    Ok(ran)
}
