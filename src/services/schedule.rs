//! Building and publishing the schedule: import accepted proposals, place items
//! in rooms and times (clashes refused by PostgreSQL), warnings, versions, and
//! the published schedule as the public pages and exports read it.

use crate::domain::proposal::CallKind;
use crate::domain::schedule::{self as rules, Export, ItemKind, Session, SessionKind, SessionPerson};
use crate::domain::time;
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences::check_organiser;
use crate::services::repo::calls;
use crate::services::repo::co_location;
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences as mcs;
use crate::services::repo::proposals;
use crate::services::repo::rooms;
pub use crate::services::repo::rooms::Room;
pub use crate::services::repo::schedule::NewItem;
use crate::services::repo::schedule::{self as repo, Item};
use crate::services::repo::users::{self, User};
use crate::services::Db;
use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};

/// The editor's material: every item of the conference and the rooms it may go in.
pub fn editor_items(Db(conn): &mut Db, conf: &Conference) -> Result<(Vec<Item>, Vec<Room>), AppError> {
    Ok((repo::items(conn, conf.id)?, rooms::rooms_of(conn, conf.id)?))
}

/// The sessions a person starred in this conference's schedule (by GUID).
pub fn stars(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<Vec<uuid::Uuid>, AppError> {
    Ok(repo::stars(conn, user.id, conf.id)?)
}

/// A person's own schedule: what they starred, and the placed unconference
/// sessions they marked themselves essential to or interested in.
pub fn my_sessions(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<Vec<uuid::Uuid>, AppError> {
    let mut guids = repo::stars(conn, user.id, conf.id)?;
    guids.extend(crate::services::repo::unconference::marked_booking_guids(conn, conf.id, user.id)?);
    guids.sort_unstable();
    guids.dedup();
    Ok(guids)
}

/// The sessions behind a personal calendar feed, whose link names the person by public id.
pub fn feed_stars(Db(conn): &mut Db, user: uuid::Uuid, conf: &Conference) -> Result<Vec<uuid::Uuid>, AppError> {
    let user = users::by_public_id(conn, user)?.ok_or(AppError::NotFound)?;
    my_sessions(&mut Db::new(conn), &user, conf)
}

/// Adds an item for every released, accepted MC or refereed talk that has none
/// yet: this conference's own, except those of tracks held at a co-located
/// conference, and those of the tracks it holds for co-located conferences.
pub fn import_accepted(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<usize, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let held_elsewhere: Vec<i64> =
            calls::tracks(conn, conf.id)?.iter().filter(|t| t.hosted_by.is_some()).map(|t| t.id).collect();
        let hosted = co_location::hosted_tracks(conn, conf.id)?;
        let mut rows = proposals::announced(conn, conf.id, None)?;
        let mut selecting: Vec<i64> = hosted.iter().map(|t| t.conference_id).collect();
        selecting.dedup();
        for c in selecting {
            rows.extend(proposals::announced(conn, c, None)?);
        }
        let existing = repo::proposals_with_items(conn, &rows.iter().map(|r| r.id).collect::<Vec<_>>())?;
        let mut n = 0;
        for r in rows.iter().filter(|r| !existing.contains(&r.id)) {
            let p = proposals::find(conn, r.id)?;
            let belongs = match p.track_id {
                _ if p.conference_id != conf.id => hosted.iter().any(|t| Some(t.id) == p.track_id),
                Some(t) => !held_elsewhere.contains(&t),
                None => true,
            };
            if !belongs {
                continue;
            }
            let kind = match r.call_kind {
                CallKind::Microconference => ItemKind::Microconference,
                CallKind::RefereedTalk => ItemKind::Talk,
                CallKind::Unconference | CallKind::McTopic => continue,
            };
            repo::insert_item(
                conn,
                conf.id,
                &NewItem {
                    kind,
                    proposal_id: Some(p.id),
                    title: &p.title,
                    abstract_md: &p.abstract_md,
                    speakers: "",
                    track_id: p.track_id,
                },
            )?;
            n += 1;
        }
        Ok(n)
    })
}

pub fn create_item(Db(conn): &mut Db, actor: &User, conf: &Conference, n: &NewItem) -> Result<Item, AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(repo::insert_item(conn, conf.id, n)?)
}

fn find_item(conn: &mut PgConnection, conf: &Conference, public_id: &str) -> Result<Item, AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    repo::item_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)
}

/// Places an item in a room at a time. One transaction: the item and its room
/// occupancy change together or not at all.
pub fn place(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    item_id: &str,
    room: &str,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    if ends <= starts {
        return Err(AppError::BadRequest("The end must be after the start.".into()));
    }
    if ends - starts > chrono::Duration::hours(12) {
        return Err(AppError::BadRequest("A session lasts at most 12 hours.".into()));
    }
    let tz = cfp::tz(conf);
    let result = conn.transaction(|conn| {
        let item = find_item(conn, conf, item_id)?;
        let room_uuid = uuid::Uuid::parse_str(room).map_err(|_| AppError::BadRequest("Choose a room.".into()))?;
        let room = rooms::rooms_of(conn, conf.id)?
            .into_iter()
            .find(|r| r.public_id == room_uuid)
            .ok_or_else(|| AppError::BadRequest("Choose a room of this conference.".into()))?;
        repo::remember_place(conn, &item, actor.id)?;
        match repo::place(conn, &item, room.id, starts, ends, actor.id) {
            Ok(()) => Ok(()),
            Err(diesel::result::Error::DatabaseError(_, info))
                if info.constraint_name() == Some("room_bookings_no_overlap") =>
            {
                Err(AppError::Conflict(format!("{} is already in use then.", room.name)))
            }
            Err(e) => Err(e.into()),
        }
    });
    // Say what is in the way, read after the failed transaction rolled back.
    if let Err(AppError::Conflict(msg)) = &result {
        let item = find_item(conn, conf, item_id)?;
        let room_uuid = uuid::Uuid::parse_str(room).map_err(|_| AppError::NotFound)?;
        if let Some(r) = rooms::rooms_of(conn, conf.id)?.into_iter().find(|r| r.public_id == room_uuid) {
            let busy: Vec<String> = repo::occupants(conn, r.id, starts, ends, item.id)?
                .iter()
                .map(|o| {
                    format!(
                        "“{}” ({}–{})",
                        o.title,
                        time::display(o.starts_at, tz),
                        o.ends_at.with_timezone(&tz).format("%H:%M")
                    )
                })
                .collect();
            return Err(AppError::Conflict(format!("{msg} Taken by {}.", busy.join(", "))));
        }
    }
    result
}

pub fn unplace(Db(conn): &mut Db, actor: &User, conf: &Conference, item_id: &str) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let item = find_item(conn, conf, item_id)?;
        repo::remember_place(conn, &item, actor.id)?;
        Ok(repo::unplace(conn, item.id)?)
    })
}

pub fn delete_item(Db(conn): &mut Db, actor: &User, conf: &Conference, item_id: &str) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let item = find_item(conn, conf, item_id)?;
    repo::delete_item(conn, item.id)?;
    Ok(())
}

/// The speakers of every proposal of the conference, loaded once for a draft.
struct Speakers(std::collections::HashMap<i64, Vec<SessionPerson>>);

impl Speakers {
    /// Each proposal's speakers as sessions name them. The account's random
    /// public id is the GUID: one made from the email address would let
    /// anyone test whether an address belongs to a speaker.
    fn load(conn: &mut PgConnection, conference_id: i64) -> Result<Speakers, AppError> {
        let mut by_proposal: std::collections::HashMap<i64, Vec<SessionPerson>> = Default::default();
        for s in repo::proposal_speakers(conn, conference_id)? {
            let person = SessionPerson { guid: s.public_id, id: s.user_id, name: s.name, user_id: Some(s.user_id) };
            by_proposal.entry(s.proposal_id).or_default().push(person);
        }
        Ok(Speakers(by_proposal))
    }

    fn of(&self, proposal_id: i64) -> Vec<SessionPerson> {
        self.0.get(&proposal_id).cloned().unwrap_or_default()
    }
}

/// Where the export ids of named speakers start, clear of the accounts' ids.
const NAMED_SPEAKER_IDS: i64 = 1_000_000_000;

/// The speakers named on an organisers' item, each with their stored random GUID.
fn named_people(conn: &mut PgConnection, conference_id: i64, speakers: &str) -> Result<Vec<SessionPerson>, AppError> {
    Ok(repo::named_speakers(conn, conference_id, speakers)?
        .into_iter()
        .map(|s| SessionPerson { guid: s.guid, id: NAMED_SPEAKER_IDS + s.id, name: s.name, user_id: None })
        .collect())
}

/// The schedule as it stands in the editor: every placed item, and the accepted,
/// released topics of each placed MC timed one after another in the leads' order.
pub fn draft_sessions(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<Session>, AppError> {
    let rooms = rooms::rooms_of(conn, conf.id)?;
    let mut tracks = calls::tracks(conn, conf.id)?;
    // Tracks a co-located conference selects and this one holds: their
    // sessions are placed here and say who selected them.
    let hosted = co_location::hosted_tracks(conn, conf.id)?;
    let selectors = co_location::partners(conn, conf)?;
    let selected_by = |id: Option<i64>| {
        let t = hosted.iter().find(|t| Some(t.id) == id)?;
        selectors.iter().find(|c| c.id == t.conference_id).map(|c| c.name.clone())
    };
    tracks.extend(hosted.iter().cloned());
    let track_name = |id: Option<i64>| id.and_then(|id| tracks.iter().find(|t| t.id == id)).map(|t| t.name.clone());
    // Loaded once, not per session: a draft of 500 sessions was 2,000 queries.
    let speakers = Speakers::load(conn, conf.id)?;
    let microconferences = mcs::for_conference(conn, conf.id)?;
    let all_calls = calls::topic_calls(conn, conf.id)?;
    let topics = proposals::announced_topics(conn, conf.id)?;
    let abstracts: std::collections::HashMap<i64, String> =
        repo::abstracts(conn, &topics.iter().map(|t| t.id).collect::<Vec<_>>())?.into_iter().collect();
    let mut out = Vec::new();
    for item in repo::items(conn, conf.id)? {
        let (Some(starts_at), Some(ends_at)) = (item.starts_at, item.ends_at) else { continue };
        let room = item.room_id.and_then(|id| rooms.iter().find(|r| r.id == id));
        let persons = match item.proposal_id {
            Some(p) => speakers.of(p),
            None => named_people(conn, conf.id, &item.speakers)?,
        };
        let session = Session {
            guid: item.public_id,
            id: item.id,
            kind: item.kind.into(),
            title: item.title.clone(),
            abstract_md: item.abstract_md.clone(),
            room: room.map(|r| r.name.clone()),
            room_guid: room.map(|r| r.public_id),
            starts_at,
            ends_at,
            track: track_name(item.track_id),
            persons,
            parent: None,
            sequence: 0,
            selected_by: selected_by(item.track_id),
            held_at: None,
        };
        if item.kind == ItemKind::Microconference {
            let sources = TopicSources {
                speakers: &speakers,
                microconferences: &microconferences,
                calls: &all_calls,
                topics: &topics,
                abstracts: &abstracts,
            };
            out.extend(topics_of(&item, &session, &sources));
        }
        out.push(session);
    }
    out.sort_by_key(|s| (s.starts_at, s.room.clone(), s.kind == SessionKind::Microconference));
    Ok(out)
}

/// What the topics of every MC block are read from, loaded once per draft.
struct TopicSources<'a> {
    speakers: &'a Speakers,
    microconferences: &'a [mcs::Microconference],
    calls: &'a [calls::Call],
    /// Every MC's accepted, released topics, by call and in the leads' order.
    topics: &'a [proposals::ProposalRow],
    abstracts: &'a std::collections::HashMap<i64, String>,
}

/// An MC block's topics, timed one after another from its start.
fn topics_of(item: &Item, block: &Session, src: &TopicSources) -> Vec<Session> {
    let Some(pid) = item.proposal_id else { return Vec::new() };
    let Some(mc) = src.microconferences.iter().find(|m| m.proposal_id == pid) else { return Vec::new() };
    let Some(call) = src.calls.iter().find(|c| c.microconference_id == Some(mc.id)) else { return Vec::new() };
    let accepted: Vec<&proposals::ProposalRow> = src.topics.iter().filter(|t| t.call_id == call.id).collect();
    let durations: Vec<i32> = accepted.iter().map(|r| r.duration_minutes.unwrap_or(25)).collect();
    let times = rules::time_topics(block.starts_at, &durations);
    accepted
        .iter()
        .zip(times)
        .map(|(r, (starts_at, ends_at))| Session {
            guid: r.public_id,
            id: 1_000_000_000 + r.id,
            kind: SessionKind::Topic,
            title: r.title.clone(),
            abstract_md: src.abstracts.get(&r.id).cloned().unwrap_or_default(),
            room: block.room.clone(),
            room_guid: block.room_guid,
            starts_at,
            ends_at,
            track: block.track.clone(),
            persons: src.speakers.of(r.id),
            parent: Some(block.guid),
            sequence: 0,
            selected_by: block.selected_by.clone(),
            held_at: block.held_at.clone(),
        })
        .collect()
}

/// The latest published version of a conference's schedule.
#[derive(Debug, Clone)]
pub struct Published {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub sessions: Vec<Session>,
    /// What changed since the previous version.
    pub changes: Vec<rules::Change>,
}

pub fn published(Db(conn): &mut Db, conf: &Conference) -> Result<Option<Published>, AppError> {
    let Some(v) = repo::latest_version(conn, conf.id)? else { return Ok(None) };
    let sessions: Vec<Session> = serde_json::from_value(v.snapshot).map_err(AppError::internal)?;
    let changes: Vec<rules::Change> = serde_json::from_value(v.changes).map_err(AppError::internal)?;
    Ok(Some(Published { version: v.version, published_at: v.published_at, sessions, changes }))
}

/// Publishes the draft as the next version: SEQUENCE carried or raised per
/// session, what changed since the previous version recorded, and the
/// speakers whose session is new, moved or removed told by mail.
pub fn publish(
    Db(conn): &mut Db,
    st: &crate::state::AppState,
    actor: &User,
    conf: &Conference,
) -> Result<i32, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let (next, before, now) = publish_locked(conn, actor, conf)?;
        crate::services::speakers::tell_speakers(conn, st, conf, &before, &now)?;
        Ok(next)
    })
}

/// `publish` for demo and benchmark data: nobody is mailed.
pub fn publish_without_mail(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<i32, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| Ok(publish_locked(conn, actor, conf)?.0))
}

/// The new version stored; returns it with the sessions before and after.
fn publish_locked(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
) -> Result<(i32, Vec<Session>, Vec<Session>), AppError> {
    // Serialise publications of one conference.
    crate::services::repo::conferences::lock(conn, conf.id)?;
    let previous = published(&mut Db::new(conn), conf)?;
    let (before, next) = match &previous {
        Some(p) => (p.sessions.clone(), p.version + 1),
        None => (Vec::new(), 1),
    };
    let mut now = draft_sessions(&mut Db::new(conn), conf)?;
    for s in now.iter_mut() {
        s.sequence = rules::sequence(before.iter().find(|b| b.guid == s.guid), s);
    }
    let changes = if previous.is_some() { rules::changes(&before, &now, cfp::tz(conf)) } else { Vec::new() };
    let snapshot = serde_json::to_value(&now).map_err(AppError::internal)?;
    let changes = serde_json::to_value(&changes).map_err(AppError::internal)?;
    repo::insert_version(conn, conf.id, next, actor.id, &snapshot, &changes)?;
    Ok((next, before, now))
}

/// The public schedule: the published sessions plus attendees' room bookings
/// (unconference sessions), which go live as soon as they are booked.
pub fn public_sessions(Db(conn): &mut Db, conf: &Conference) -> Result<Option<Published>, AppError> {
    let Some(Published { version, published_at, mut sessions, changes }) = published(&mut Db::new(conn), conf)? else {
        return Ok(None);
    };
    for b in repo::attendee_bookings(conn, conf.id)? {
        sessions.push(Session {
            guid: b.public_id,
            id: 2_000_000_000 + b.id,
            kind: SessionKind::Unconference,
            title: b.title,
            abstract_md: b.description,
            room: Some(b.room),
            room_guid: Some(b.room_guid),
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            track: None,
            // Like the room grid and board: the public never learns who booked.
            persons: Vec::new(),
            parent: None,
            sequence: 0,
            selected_by: None,
            held_at: None,
        });
    }
    sessions.extend(shared_from_partners(conn, conf)?);
    sessions.sort_by_key(|s| (s.starts_at, s.room.clone(), s.kind == SessionKind::Microconference));
    for s in sessions.iter_mut() {
        for p in s.persons.iter_mut() {
            p.user_id = None;
        }
    }
    Ok(Some(Published { version, published_at, sessions, changes }))
}

/// The sessions of this conference's tracks that co-located conferences hold:
/// from their published schedules, once each, saying where they are held.
fn shared_from_partners(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Session>, AppError> {
    let mut out = Vec::new();
    for host in co_location::partners(conn, conf)? {
        let Some(p) = published(&mut Db::new(conn), &host)? else { continue };
        for mut s in p.sessions.into_iter().filter(|s| s.selected_by.as_deref() == Some(conf.name.as_str())) {
            s.room = s.room.map(|r| format!("{r} · {}", host.name));
            s.selected_by = None;
            s.held_at = Some(host.name.clone());
            out.push(s);
        }
    }
    Ok(out)
}

/// The export model of the public schedule.
pub fn export(
    conf: &Conference,
    base_url: &str,
    version: i32,
    published_at: DateTime<Utc>,
    sessions: &[Session],
) -> Export {
    use crate::domain::schedule::{ConferenceInfo, Event, Person, RoomInfo};
    let mut rooms: Vec<RoomInfo> = Vec::new();
    for s in sessions {
        if let (Some(name), Some(guid)) = (&s.room, s.room_guid) {
            if !rooms.iter().any(|r| r.guid == guid) {
                rooms.push(RoomInfo { guid, name: name.clone() });
            }
        }
    }
    let mut tracks: Vec<String> = Vec::new();
    for t in sessions.iter().filter_map(|s| s.track.clone()) {
        if !tracks.contains(&t) {
            tracks.push(t);
        }
    }
    Export {
        conference: ConferenceInfo {
            slug: conf.slug.clone(),
            title: conf.name.clone(),
            time_zone: cfp::tz(conf),
            starts_on: conf.starts_on,
            ends_on: conf.ends_on,
            base_url: base_url.to_string(),
        },
        version: version.to_string(),
        published_at,
        rooms,
        tracks,
        events: sessions
            .iter()
            .map(|s| Event {
                guid: s.guid,
                id: s.id,
                room: s.room.clone().unwrap_or_else(|| "Everywhere".into()),
                title: s.title.clone(),
                subtitle: String::new(),
                kind: s.kind_label().to_string(),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                abstract_text: s.abstract_md.clone(),
                track: s.track.clone(),
                persons: s.persons.iter().map(|p| Person { guid: p.guid, id: p.id, name: p.name.clone() }).collect(),
                url: format!("{base_url}/c/{}/session/{}", conf.slug, s.guid),
                sequence: s.sequence,
            })
            .collect(),
    }
}

pub fn toggle_star(Db(conn): &mut Db, user: &User, conf: &Conference, guid: &str) -> Result<bool, AppError> {
    let guid = uuid::Uuid::parse_str(guid).map_err(|_| AppError::NotFound)?;
    let known = public_sessions(&mut Db::new(conn), conf)?.is_some_and(|p| p.sessions.iter().any(|s| s.guid == guid));
    if !known {
        return Err(AppError::NotFound);
    }
    Ok(repo::toggle_star(conn, user.id, conf.id, guid)?)
}

/// The rendered exports of one conference's public schedule.
/// Shared, not copied: the page cache serves these very bytes.
pub struct Rendered {
    pub xml: std::sync::Arc<str>,
    pub json: std::sync::Arc<str>,
    pub ics: std::sync::Arc<str>,
    pub api: std::sync::Arc<str>,
}

/// The public schedule and its rendered exports, kept until the schedule is
/// published again or a booking changes: the key says which, and costs one
/// small query to read.
#[derive(Default)]
pub struct ExportCache {
    entries: std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<CacheEntry>>>,
}

struct CacheEntry {
    key: String,
    published: Option<std::sync::Arc<Published>>,
    rendered: std::sync::OnceLock<Option<std::sync::Arc<Rendered>>>,
}

impl ExportCache {
    fn entry(&self, conference_id: i64, key: &str) -> Option<std::sync::Arc<CacheEntry>> {
        self.entries.lock().ok()?.get(&conference_id).filter(|e| e.key == key).cloned()
    }
}

/// The public schedule (published sessions and bookings) with the key it was
/// built from; parsed once per publication or booking change, not per request.
pub fn public_cached(
    Db(conn): &mut Db,
    cache: &ExportCache,
    conf: &Conference,
) -> Result<(String, Option<std::sync::Arc<Published>>), AppError> {
    cached_entry(conn, cache, conf).map(|e| (e.key.clone(), e.published.clone()))
}

fn cached_entry(
    conn: &mut PgConnection,
    cache: &ExportCache,
    conf: &Conference,
) -> Result<std::sync::Arc<CacheEntry>, AppError> {
    let key = cache_key(conn, conf.id)?;
    if let Some(e) = cache.entry(conf.id, &key) {
        return Ok(e);
    }
    let entry = std::sync::Arc::new(CacheEntry {
        key,
        published: public_sessions(&mut Db::new(conn), conf)?.map(std::sync::Arc::new),
        rendered: std::sync::OnceLock::new(),
    });
    if let Ok(mut entries) = cache.entries.lock() {
        entries.insert(conf.id, entry.clone());
    }
    Ok(entry)
}

#[derive(diesel::QueryableByName)]
struct CacheKey {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Int4>)]
    version: Option<i32>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bookings: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    changed: Option<DateTime<Utc>>,
    /// The published versions of the co-located conferences (their shared sessions show here).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    partners: Option<String>,
}

fn cache_key(conn: &mut PgConnection, conference_id: i64) -> Result<String, AppError> {
    use diesel::RunQueryDsl;
    let k: CacheKey = diesel::sql_query(
        "SELECT (SELECT max(version) FROM schedule_versions WHERE conference_id = $1) AS version, \
                count(*) AS bookings, max(GREATEST(updated_at, COALESCE(cancelled_at, updated_at))) AS changed, \
                (SELECT string_agg(c.id || ':' || c.name || ':' || COALESCE((SELECT max(v.version) \
                        FROM schedule_versions v WHERE v.conference_id = c.id), 0), ',' ORDER BY c.id) \
                 FROM conferences c WHERE c.id <> $1 AND c.co_location_id = \
                     (SELECT co_location_id FROM conferences WHERE id = $1)) AS partners \
         FROM room_bookings WHERE conference_id = $1 AND kind = 'booking' AND schedule_item_id IS NULL",
    )
    .bind::<diesel::sql_types::BigInt, _>(conference_id)
    .get_result(conn)?;
    Ok(format!("{:?}:{}:{:?}:{:?}", k.version, k.bookings, k.changed, k.partners))
}

/// The exports of the published schedule, from the cache when nothing changed,
/// with the key they were built from.
pub fn rendered(
    Db(conn): &mut Db,
    cache: &ExportCache,
    conf: &Conference,
    base_url: &str,
) -> Result<(String, Option<std::sync::Arc<Rendered>>), AppError> {
    let entry = cached_entry(conn, cache, conf)?;
    let rendered = entry.rendered.get_or_init(|| entry.published.as_ref().map(|p| render_exports(conf, base_url, p)));
    Ok((entry.key.clone(), rendered.clone()))
}

/// The API's view of the published schedule, written straight out (no
/// `serde_json::Value` tree in between).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiSchedule<'a> {
    conference: &'a str,
    version: i32,
    published_at: DateTime<Utc>,
    /// The conference's IANA time zone, in which `local_start` and `local_end` are given.
    time_zone: &'a str,
    #[schema(value_type = Vec<ApiSession>)]
    sessions: ApiSessions<'a>,
}

pub struct ApiSessions<'a> {
    sessions: &'a [Session],
    tz: chrono_tz::Tz,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiSession<'a> {
    guid: uuid::Uuid,
    kind: SessionKind,
    title: &'a str,
    room: Option<&'a str>,
    track: Option<&'a str>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    local_start: String,
    local_end: String,
    persons: Vec<&'a str>,
    parent: Option<uuid::Uuid>,
    sequence: i32,
    #[serde(rename = "abstract")]
    abstract_md: &'a str,
}

impl serde::Serialize for ApiSessions<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tz = self.tz;
        s.collect_seq(self.sessions.iter().map(|x| ApiSession {
            guid: x.guid,
            kind: x.kind,
            title: &x.title,
            room: x.room.as_deref(),
            track: x.track.as_deref(),
            starts_at: x.starts_at,
            ends_at: x.ends_at,
            local_start: x.starts_at.with_timezone(&tz).to_rfc3339(),
            local_end: x.ends_at.with_timezone(&tz).to_rfc3339(),
            persons: x.persons.iter().map(|p| p.name.as_str()).collect(),
            parent: x.parent,
            sequence: x.sequence,
            abstract_md: &x.abstract_md,
        }))
    }
}

fn render_exports(conf: &Conference, base_url: &str, p: &Published) -> std::sync::Arc<Rendered> {
    let (version, at, sessions) = (p.version, p.published_at, &p.sessions);
    let e = export(conf, base_url, version, at, sessions);
    let tz = cfp::tz(conf);
    let api = ApiSchedule {
        conference: &conf.slug,
        version,
        published_at: at,
        time_zone: conf.time_zone.name(),
        sessions: ApiSessions { sessions, tz },
    };
    std::sync::Arc::new(Rendered {
        xml: crate::domain::schedule_export::frab_xml(&e).into(),
        json: crate::domain::schedule_export::frab_json(&e).into(),
        ics: crate::domain::schedule_export::icalendar(&e, &conf.name).into(),
        // Plain data (strings, numbers, times): serialising cannot fail.
        api: serde_json::to_string(&api).unwrap_or_default().into(),
    })
}
