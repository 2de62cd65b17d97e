//! The schedule editor as organisers see it: one day as a rooms × time grid
//! with warnings on the blocks, the sessions not placed yet (filtered), one
//! item's own page, undo of one's last moves, and the changes a publication
//! would make. The public grid is the same day table without the editing.

use crate::domain::schedule::{self as rules, ItemKind, RoomFit, Session, SessionKind, Warning};
use crate::domain::schedule_grid::{day_table, DayTable, Entry, GridRoom};
use crate::domain::time;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::calls;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms;
use crate::services::repo::schedule as repo;
use crate::services::repo::users::User;
use crate::services::schedule::{draft_sessions, public_cached, published, ExportCache};
use crate::services::Db;
use chrono::{Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::{Connection, PgConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How far back "undo" reaches: this working session, not last week's edits.
const UNDO_WINDOW_HOURS: i64 = 12;

/// The side list's filters, as the query string sends them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EditorFilter {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub track: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayLink {
    pub value: String,
    pub label: String,
    pub current: bool,
    pub placed: usize,
}

/// An item not placed yet, in the side list.
#[derive(Debug, Clone, Serialize)]
pub struct UnplacedItem {
    pub id: Uuid,
    pub title: String,
    pub kind: ItemKind,
    pub kind_label: &'static str,
    pub track: Option<String>,
    /// What a drop gives it unless changed: an MC's half day, 45 minutes else.
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Option_ {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditorView {
    pub table: DayTable,
    pub days: Vec<DayLink>,
    pub unplaced: Vec<UnplacedItem>,
    pub unplaced_total: usize,
    pub kinds: Vec<Option_>,
    pub tracks: Vec<Option_>,
    pub filter: EditorFilter,
    pub warnings: Vec<Warning>,
    /// Talks that left the schedule because their speaker declined.
    pub declined: Vec<String>,
    pub version: Option<i32>,
    pub published_at: Option<String>,
    pub has_rooms: bool,
    pub can_undo: bool,
    /// Changes a publication would make now.
    pub pending: usize,
}

fn default_minutes(kind: ItemKind) -> i64 {
    if kind == ItemKind::Microconference {
        210
    } else {
        45
    }
}

/// The grid's rooms, in their order.
fn grid_rooms(conn: &mut PgConnection, conference_id: i64) -> Result<Vec<GridRoom>, AppError> {
    Ok(rooms::rooms_of(conn, conference_id)?
        .into_iter()
        .map(|r| GridRoom { guid: r.public_id, name: r.name, capacity: r.capacity })
        .collect())
}

/// Blocks to lay out: every session with a room except topics, which show
/// inside their microconference's block.
pub fn entries(sessions: &[Session], warnings: &[Warning], tz: Tz) -> Vec<Entry> {
    let hm = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    sessions
        .iter()
        .filter(|s| s.kind != SessionKind::Topic)
        .filter_map(|s| {
            Some(Entry {
                guid: s.guid,
                title: s.title.clone(),
                kind: s.kind.to_string(),
                kind_label: s.kind.label().to_string(),
                track: s.track.clone(),
                people: s.persons.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
                room: s.room_guid?,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                times: format!("{}–{}", hm(s.starts_at), hm(s.ends_at)),
                start_value: time::input_value(s.starts_at, tz),
                minutes: (s.ends_at - s.starts_at).num_minutes(),
                inside: sessions
                    .iter()
                    .filter(|t| t.parent == Some(s.guid))
                    .map(|t| format!("{} {}", hm(t.starts_at), t.title))
                    .collect(),
                warnings: warnings.iter().filter(|w| w.sessions.contains(&s.guid)).map(|w| w.message.clone()).collect(),
                unconfirmed: Vec::new(),
            })
        })
        .collect()
}

/// The day asked for, else the first day with sessions, else the first conference day.
fn pick_day(asked: &str, conf: &Conference, placed_days: &[NaiveDate]) -> Result<NaiveDate, AppError> {
    if !asked.trim().is_empty() {
        return NaiveDate::parse_from_str(asked.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest("The day is not a date like 2027-09-18.".into()));
    }
    Ok(placed_days.first().copied().unwrap_or(conf.starts_on))
}

/// The editor's drafts, kept per conference: building the draft of 500
/// sessions with its warnings is most of an editor request. An entry serves
/// while the items and proposals are as they were (the organiser's own moves
/// show at once) and for at most `DRAFT_TTL`, so what the revision does not
/// see (a renamed room or person, new stars) shows within seconds. Publishing, the
/// publish preview and item pages always build the draft afresh.
#[derive(Default)]
pub struct DraftCache {
    entries: std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<DraftEntry>>>,
}

struct DraftEntry {
    revision: String,
    built: std::time::Instant,
    draft: Vec<Session>,
    warnings: Vec<Warning>,
    /// The grid's blocks of every day, warnings attached.
    blocks: Vec<Entry>,
}

const DRAFT_TTL: std::time::Duration = std::time::Duration::from_secs(10);

fn cached_draft(
    conn: &mut PgConnection,
    cache: &DraftCache,
    conf: &Conference,
) -> Result<std::sync::Arc<DraftEntry>, AppError> {
    let revision = repo::draft_revision(conn, conf.id)?;
    let kept = cache.entries.lock().ok().and_then(|e| e.get(&conf.id).cloned());
    if let Some(e) = kept.filter(|e| e.revision == revision && e.built.elapsed() < DRAFT_TTL) {
        return Ok(e);
    }
    let (draft, warnings) = draft_with_warnings(conn, conf)?;
    let blocks = entries(&draft, &warnings, conf.time_zone);
    let entry = std::sync::Arc::new(DraftEntry { revision, built: std::time::Instant::now(), draft, warnings, blocks });
    if let Ok(mut entries) = cache.entries.lock() {
        entries.insert(conf.id, entry.clone());
    }
    Ok(entry)
}

/// Where the organisers' draft stands, with warnings by block.
fn draft_with_warnings(conn: &mut PgConnection, conf: &Conference) -> Result<(Vec<Session>, Vec<Warning>), AppError> {
    let draft = draft_sessions(&mut Db::new(conn), conf)?;
    let capacity: Vec<(Uuid, i32)> =
        rooms::rooms_of(conn, conf.id)?.iter().map(|r| (r.public_id, r.capacity)).collect();
    let stars = repo::star_counts(conn, conf.id)?;
    let fits: Vec<RoomFit> = draft
        .iter()
        .filter_map(|s| {
            let capacity = capacity.iter().find(|(g, _)| Some(*g) == s.room_guid)?.1;
            let expected = stars.iter().find(|(g, _)| *g == s.guid)?.1;
            Some(RoomFit { session: s.guid, capacity, expected })
        })
        .collect();
    let warnings = rules::warnings(&draft, conf.time_zone, &fits);
    Ok((draft, warnings))
}

pub fn editor(
    Db(conn): &mut Db,
    (exports, drafts): (&ExportCache, &DraftCache),
    actor: &User,
    conf: &Conference,
    filter: EditorFilter,
) -> Result<EditorView, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = conf.time_zone;
    let kept = cached_draft(conn, drafts, conf)?;
    let (draft, warnings) = (&kept.draft, kept.warnings.clone());
    let placed_days = rules::days(draft, tz);
    let day = pick_day(&filter.day, conf, &placed_days)?;
    let rooms = grid_rooms(conn, conf.id)?;
    let items = repo::item_heads(conn, conf.id)?;
    let mut blocks = kept.blocks.clone();
    // Speakers who have not confirmed (or declined) show on their session's block.
    let answers = crate::services::speakers::open_answers(conn, conf.id)?;
    for b in blocks.iter_mut() {
        if let Some(pid) = items.iter().find(|i| i.public_id == b.guid).and_then(|i| i.proposal_id) {
            b.unconfirmed = answers.iter().filter(|(p, _)| *p == pid).map(|(_, who)| who.clone()).collect();
        }
    }
    let table = day_table(day, tz, &rooms, &blocks);
    // A talk its speaker declined left the schedule: said here, not silently.
    let declined = items
        .iter()
        .filter(|i| i.starts_at.is_none())
        .filter_map(|i| {
            let pid = i.proposal_id?;
            let who: Vec<&str> = answers
                .iter()
                .filter(|(p, w)| *p == pid && w.ends_with("(declined)"))
                .map(|(_, w)| w.as_str())
                .collect();
            (!who.is_empty()).then(|| format!("“{}” is out of the schedule: {}.", i.title, who.join(", ")))
        })
        .collect();
    let mut days: Vec<NaiveDate> = conf.starts_on.iter_days().take_while(|d| *d <= conf.ends_on).collect();
    days.extend(placed_days.iter().copied());
    days.push(day);
    days.sort();
    days.dedup();
    let days = days
        .into_iter()
        .map(|d| DayLink {
            value: d.to_string(),
            label: d.format("%a %-d %b").to_string(),
            current: d == day,
            placed: draft
                .iter()
                .filter(|s| s.kind != SessionKind::Topic && s.starts_at.with_timezone(&tz).date_naive() == d)
                .count(),
        })
        .collect();
    let tracks = calls::tracks(conn, conf.id)?;
    let unplaced_all: Vec<&repo::ItemHead> = items.iter().filter(|i| i.starts_at.is_none()).collect();
    let track_id = tracks.iter().find(|t| t.id.to_string() == filter.track).map(|t| t.id);
    let kind = filter.kind.parse::<ItemKind>().ok();
    let unplaced = unplaced_all
        .iter()
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .filter(|i| track_id.is_none_or(|t| i.track_id == Some(t)))
        .map(|i| UnplacedItem {
            id: i.public_id,
            title: i.title.clone(),
            kind: i.kind,
            kind_label: i.kind.label(),
            track: i.track_id.and_then(|id| tracks.iter().find(|t| t.id == id)).map(|t| t.name.clone()),
            minutes: default_minutes(i.kind),
        })
        .collect();
    // The published version as the public pages keep it parsed (with the
    // attendees' bookings, which the draft never has).
    let (_, published) = public_cached(&mut Db::new(conn), exports, conf)?;
    let pending = match &published {
        Some(p) => {
            let before: Vec<Session> =
                p.sessions.iter().filter(|s| s.kind != SessionKind::Unconference).cloned().collect();
            rules::changes(&before, draft, tz).len()
        }
        None => draft.len(),
    };
    Ok(EditorView {
        table,
        days,
        unplaced,
        unplaced_total: unplaced_all.len(),
        kinds: ItemKind::ALL
            .iter()
            .map(|k| Option_ { value: k.to_string(), label: k.label().into(), selected: Some(*k) == kind })
            .collect(),
        tracks: tracks
            .iter()
            .map(|t| Option_ { value: t.id.to_string(), label: t.name.clone(), selected: Some(t.id) == track_id })
            .collect(),
        filter,
        warnings,
        declined,
        version: published.as_ref().map(|p| p.version),
        published_at: published.as_ref().map(|p| time::display(p.published_at, tz)),
        has_rooms: !rooms.is_empty(),
        can_undo: repo::last_move(conn, conf.id, actor.id, Utc::now() - Duration::hours(UNDO_WINDOW_HOURS))?.is_some(),
        pending,
    })
}

/// One item with where it is, for its own page (the no-JavaScript way to place it).
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: Uuid,
    pub title: String,
    pub kind_label: &'static str,
    pub placed: bool,
    pub when: Option<String>,
    pub room: Option<String>,
    /// The place form's values: the item's current place, or a first guess.
    pub room_value: String,
    pub starts_at: String,
    pub minutes: i64,
    pub rooms: Vec<Option_>,
    /// The day to go back to in the grid.
    pub day: String,
    pub warnings: Vec<String>,
}

pub fn item(Db(conn): &mut Db, actor: &User, conf: &Conference, id: Uuid) -> Result<ItemView, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = conf.time_zone;
    let item = repo::item_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    let rooms = rooms::rooms_of(conn, conf.id)?;
    let room = item.room_id.and_then(|r| rooms.iter().find(|x| x.id == r));
    let room_value = room.map(|r| r.public_id.to_string()).unwrap_or_default();
    let first_morning = conf.starts_on.and_hms_opt(9, 0, 0).unwrap_or_default();
    let (_, warnings) = draft_with_warnings(conn, conf)?;
    Ok(ItemView {
        id: item.public_id,
        title: item.title.clone(),
        kind_label: item.kind.label(),
        placed: item.starts_at.is_some(),
        when: item.starts_at.map(|t| time::display(t, tz)),
        room: room.map(|r| r.name.clone()),
        room_value: room_value.clone(),
        starts_at: item
            .starts_at
            .map(|t| time::input_value(t, tz))
            .unwrap_or_else(|| first_morning.format("%Y-%m-%dT%H:%M").to_string()),
        minutes: match (item.starts_at, item.ends_at) {
            (Some(s), Some(e)) => (e - s).num_minutes(),
            _ => default_minutes(item.kind),
        },
        rooms: rooms
            .iter()
            .map(|r| Option_ {
                value: r.public_id.to_string(),
                label: format!("{} ({} seats)", r.name, r.capacity),
                selected: r.public_id.to_string() == room_value,
            })
            .collect(),
        day: item.starts_at.map(|t| t.with_timezone(&tz).date_naive()).unwrap_or(conf.starts_on).to_string(),
        warnings: warnings.into_iter().filter(|w| w.sessions.contains(&item.public_id)).map(|w| w.message).collect(),
    })
}

/// Puts back this organiser's latest change (within the undo window): the
/// old place goes through the same room constraint as any other. Returns the
/// item's title.
pub fn undo_last_move(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<String, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let since = Utc::now() - Duration::hours(UNDO_WINDOW_HOURS);
        let m = repo::last_move(conn, conf.id, actor.id, since)?
            .ok_or_else(|| AppError::Conflict("There is nothing of yours to undo.".into()))?;
        let item = repo::item(conn, m.item_id)?;
        match (m.room_id, m.starts_at, m.ends_at) {
            (Some(room), Some(s), Some(e)) => match repo::place(conn, &item, room, s, e, actor.id) {
                Ok(()) => {}
                Err(diesel::result::Error::DatabaseError(_, info))
                    if info.constraint_name() == Some("room_bookings_no_overlap") =>
                {
                    return Err(AppError::Conflict(format!(
                        "“{}” cannot go back: its old place is taken now.",
                        item.title
                    )))
                }
                Err(e) => return Err(e.into()),
            },
            _ => repo::unplace(conn, item.id)?,
        }
        repo::forget_move(conn, m.id)?;
        Ok(item.title)
    })
}

/// What publishing now would change, against the last published version.
#[derive(Debug, Clone, Serialize)]
pub struct PublishPreview {
    pub next_version: i32,
    pub changes: Vec<rules::Change>,
    pub warnings: Vec<Warning>,
    pub sessions: usize,
}

pub fn publish_preview(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<PublishPreview, AppError> {
    check_organiser(conn, conf, actor)?;
    let (draft, warnings) = draft_with_warnings(conn, conf)?;
    let published = published(&mut Db::new(conn), conf)?;
    let before = published.as_ref().map(|p| p.sessions.clone()).unwrap_or_default();
    Ok(PublishPreview {
        next_version: published.map_or(1, |p| p.version + 1),
        changes: rules::changes(&before, &draft, conf.time_zone),
        warnings,
        sessions: draft.len(),
    })
}

/// The public grid of one published day (sessions and attendees' bookings).
pub fn public_table(
    Db(conn): &mut Db,
    conf: &Conference,
    sessions: &[Session],
    day: NaiveDate,
) -> Result<DayTable, AppError> {
    let rooms = grid_rooms(conn, conf.id)?;
    Ok(day_table(day, conf.time_zone, &rooms, &entries(sessions, &[], conf.time_zone)))
}
