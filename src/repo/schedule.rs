//! Schedule items, their room occupancy, published versions and stars.

use crate::db::schema::{room_bookings, schedule_items, schedule_moves, schedule_stars, schedule_versions};
use crate::domain::schedule::ItemKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = schedule_items)]
pub struct Item {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub conference_id: i64,
    pub kind: ItemKind,
    pub proposal_id: Option<i64>,
    pub title: String,
    pub abstract_md: String,
    pub speakers: String,
    pub track_id: Option<i64>,
    pub room_id: Option<i64>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A speaker named on an organisers' item (no account), with their stored random GUID.
#[derive(Debug, Clone, QueryableByName)]
pub struct NamedSpeaker {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub guid: uuid::Uuid,
}

/// The speakers of a `speakers` list, in its order. Each has a row from the
/// moment the list was written (a trigger keeps `named_speakers` complete),
/// and the list is read by the same `speaker_names` function.
pub fn named_speakers(conn: &mut PgConnection, conference_id: i64, speakers: &str) -> QueryResult<Vec<NamedSpeaker>> {
    diesel::sql_query(
        "SELECT g.id, g.name, g.guid FROM speaker_names($2) s \
         JOIN named_speakers g ON g.conference_id = $1 AND g.name = s.name ORDER BY s.ord",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<Text, _>(speakers)
    .load(conn)
}

pub fn items(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Item>> {
    schedule_items::table
        .filter(schedule_items::conference_id.eq(conference_id))
        .order((schedule_items::starts_at.asc().nulls_last(), schedule_items::title))
        .select(Item::as_select())
        .load(conn)
}

/// Which of these proposals are an item already, in any conference (a shared
/// track's talk is an item of the conference that holds it).
pub fn proposals_with_items(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<i64>> {
    schedule_items::table
        .filter(schedule_items::proposal_id.eq_any(ids))
        .select(schedule_items::proposal_id.assume_not_null())
        .load(conn)
}

pub fn item_by_public_id(
    conn: &mut PgConnection,
    conference_id: i64,
    public_id: uuid::Uuid,
) -> QueryResult<Option<Item>> {
    one_in_conference!(conn, schedule_items, Item, conference_id, schedule_items::public_id.eq(public_id))
}

#[derive(Insertable)]
#[diesel(table_name = schedule_items)]
pub struct NewItem<'a> {
    pub kind: ItemKind,
    pub proposal_id: Option<i64>,
    pub title: &'a str,
    pub abstract_md: &'a str,
    pub speakers: &'a str,
    pub track_id: Option<i64>,
}

pub fn insert_item(conn: &mut PgConnection, conference_id: i64, n: &NewItem) -> QueryResult<Item> {
    diesel::insert_into(schedule_items::table)
        .values((schedule_items::conference_id.eq(conference_id), n))
        .on_conflict_do_nothing()
        .returning(Item::as_returning())
        .get_result(conn)
}

pub fn delete_item(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(schedule_items::table.find(id)).execute(conn)
}

/// Places an item: its row and its room occupancy change together. A clash with
/// anything else in the room (a session, a booking, a block) is refused by the
/// exclusion constraint on room_bookings.
pub fn place(
    conn: &mut PgConnection,
    item: &Item,
    room_id: i64,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    by: i64,
) -> QueryResult<()> {
    unplace_occupancy(conn, item.id)?;
    diesel::update(schedule_items::table.find(item.id))
        .set((
            schedule_items::room_id.eq(Some(room_id)),
            schedule_items::starts_at.eq(Some(starts)),
            schedule_items::ends_at.eq(Some(ends)),
            schedule_items::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, kind, title, during, schedule_item_id) \
         VALUES ($1, $2, $3, 'block', $4, tstzrange($5, $6, '[)'), $7)",
    )
    .bind::<BigInt, _>(item.conference_id)
    .bind::<BigInt, _>(room_id)
    .bind::<BigInt, _>(by)
    .bind::<Text, _>(item.title.chars().take(120).collect::<String>())
    .bind::<Timestamptz, _>(starts)
    .bind::<Timestamptz, _>(ends)
    .bind::<BigInt, _>(item.id)
    .execute(conn)
    .map(|_| ())
}

fn unplace_occupancy(conn: &mut PgConnection, item_id: i64) -> QueryResult<()> {
    diesel::delete(room_bookings::table.filter(room_bookings::schedule_item_id.eq(item_id))).execute(conn).map(|_| ())
}

pub fn unplace(conn: &mut PgConnection, item_id: i64) -> QueryResult<()> {
    unplace_occupancy(conn, item_id)?;
    diesel::update(schedule_items::table.find(item_id))
        .set((
            schedule_items::room_id.eq(None::<i64>),
            schedule_items::starts_at.eq(None::<DateTime<Utc>>),
            schedule_items::ends_at.eq(None::<DateTime<Utc>>),
            schedule_items::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What already occupies a room in a range (to explain a refused placement).
#[derive(QueryableByName, Debug)]
pub struct Occupant {
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Timestamptz)]
    pub starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub ends_at: DateTime<Utc>,
}

pub fn occupants(
    conn: &mut PgConnection,
    room_id: i64,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    except_item: i64,
) -> QueryResult<Vec<Occupant>> {
    diesel::sql_query(
        "SELECT title, lower(during) AS starts_at, upper(during) AS ends_at FROM room_bookings \
         WHERE room_id = $1 AND cancelled_at IS NULL AND during && tstzrange($2, $3, '[)') \
           AND schedule_item_id IS DISTINCT FROM $4 ORDER BY lower(during)",
    )
    .bind::<BigInt, _>(room_id)
    .bind::<Timestamptz, _>(starts)
    .bind::<Timestamptz, _>(ends)
    .bind::<BigInt, _>(except_item)
    .load(conn)
}

/// Attendees' live bookings in a conference (not the schedule's own occupancy rows).
// Loaded as the whole row; some columns only the tests read.
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[derive(QueryableByName, Debug, Clone)]
pub struct BookingRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Text)]
    pub room: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub room_guid: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub booker: String,
    #[diesel(sql_type = Text)]
    pub booker_email: String,
    #[diesel(sql_type = BigInt)]
    pub booker_id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub ends_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}

pub fn attendee_bookings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<BookingRow>> {
    diesel::sql_query(
        "SELECT b.public_id, b.title, b.description, r.name AS room, r.public_id AS room_guid, u.name AS booker, \
                u.email AS booker_email, u.id AS booker_id, lower(b.during) AS starts_at, upper(b.during) AS ends_at, b.id \
         FROM room_bookings b JOIN rooms r ON r.id = b.room_id JOIN users u ON u.id = b.user_id \
         WHERE b.conference_id = $1 AND b.cancelled_at IS NULL AND b.kind = 'booking' AND b.schedule_item_id IS NULL \
         ORDER BY lower(b.during), r.position",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

// --- versions ---

// Loaded as the whole row; some columns only the tests read.
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schedule_versions)]
pub struct Version {
    pub id: i64,
    pub conference_id: i64,
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<i64>,
    pub snapshot: serde_json::Value,
    pub changes: serde_json::Value,
}

pub fn latest_version(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Option<Version>> {
    schedule_versions::table
        .filter(schedule_versions::conference_id.eq(conference_id))
        .order(schedule_versions::version.desc())
        .select(Version::as_select())
        .first(conn)
        .optional()
}

pub fn insert_version(
    conn: &mut PgConnection,
    conference_id: i64,
    version: i32,
    by: i64,
    snapshot: &serde_json::Value,
    changes: &serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(schedule_versions::table)
        .values((
            schedule_versions::conference_id.eq(conference_id),
            schedule_versions::version.eq(version),
            schedule_versions::published_by.eq(Some(by)),
            schedule_versions::snapshot.eq(snapshot),
            schedule_versions::changes.eq(changes),
        ))
        .execute(conn)
        .map(|_| ())
}

// --- stars ---

pub fn toggle_star(conn: &mut PgConnection, user_id: i64, conference_id: i64, guid: uuid::Uuid) -> QueryResult<bool> {
    let removed = diesel::delete(
        schedule_stars::table.filter(schedule_stars::user_id.eq(user_id)).filter(schedule_stars::session_guid.eq(guid)),
    )
    .execute(conn)?;
    if removed > 0 {
        return Ok(false);
    }
    diesel::insert_into(schedule_stars::table)
        .values((
            schedule_stars::user_id.eq(user_id),
            schedule_stars::conference_id.eq(conference_id),
            schedule_stars::session_guid.eq(guid),
        ))
        .execute(conn)
        .map(|_| true)
}

pub fn stars(conn: &mut PgConnection, user_id: i64, conference_id: i64) -> QueryResult<Vec<uuid::Uuid>> {
    schedule_stars::table
        .filter(schedule_stars::user_id.eq(user_id))
        .filter(schedule_stars::conference_id.eq(conference_id))
        .select(schedule_stars::session_guid)
        .load(conn)
}

/// Where an item was before a change, for the editor's undo.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schedule_moves)]
pub struct Move {
    pub id: i64,
    pub item_id: i64,
    pub room_id: Option<i64>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// Remembers where `item` is now, before it changes.
pub fn remember_place(conn: &mut PgConnection, item: &Item, by: i64) -> QueryResult<()> {
    diesel::insert_into(schedule_moves::table)
        .values((
            schedule_moves::conference_id.eq(item.conference_id),
            schedule_moves::item_id.eq(item.id),
            schedule_moves::user_id.eq(by),
            schedule_moves::room_id.eq(item.room_id),
            schedule_moves::starts_at.eq(item.starts_at),
            schedule_moves::ends_at.eq(item.ends_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// This organiser's latest change in the conference since `since`, locked.
pub fn last_move(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<Option<Move>> {
    schedule_moves::table
        .filter(schedule_moves::conference_id.eq(conference_id))
        .filter(schedule_moves::user_id.eq(user_id))
        .filter(schedule_moves::created_at.gt(since))
        .order(schedule_moves::id.desc())
        .select(Move::as_select())
        .for_update()
        .first(conn)
        .optional()
}

pub fn forget_move(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(schedule_moves::table.find(id)).execute(conn).map(|_| ())
}

pub fn item(conn: &mut PgConnection, id: i64) -> QueryResult<Item> {
    schedule_items::table.find(id).select(Item::as_select()).first(conn)
}

/// How many people starred each session of the conference: the audience to expect.
pub fn star_counts(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(uuid::Uuid, i64)>> {
    schedule_stars::table
        .filter(schedule_stars::conference_id.eq(conference_id))
        .group_by(schedule_stars::session_guid)
        .select((schedule_stars::session_guid, diesel::dsl::count_star()))
        .load(conn)
}

/// A speaker of a proposal: its submitter, or an invited co-speaker who accepted.
#[derive(Debug, Clone, QueryableByName)]
pub struct ProposalSpeaker {
    #[diesel(sql_type = BigInt)]
    pub proposal_id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
}

/// Every proposal's speakers in the conference in one query (submitter first,
/// then co-speakers in the order they were invited): what the draft schedule
/// names, without a query per session.
pub fn proposal_speakers(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<ProposalSpeaker>> {
    diesel::sql_query(
        "SELECT proposal_id, user_id, public_id, name FROM ( \
           SELECT p.id AS proposal_id, u.id AS user_id, u.public_id, u.name, 0::bigint AS ord \
           FROM proposals p JOIN users u ON u.id = p.submitter_id \
           WHERE p.conference_id = $1 OR p.track_id IN (SELECT id FROM tracks WHERE hosted_by = $1) \
           UNION ALL \
           SELECT pp.proposal_id, u.id, u.public_id, u.name, pp.id \
           FROM proposal_people pp JOIN proposals p ON p.id = pp.proposal_id JOIN users u ON u.id = pp.user_id \
           WHERE (p.conference_id = $1 OR p.track_id IN (SELECT id FROM tracks WHERE hosted_by = $1)) \
             AND pp.status = 'accepted') s \
         ORDER BY proposal_id, ord",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

/// The abstracts of some proposals, by id.
pub fn abstracts(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    use crate::db::schema::proposals;
    proposals::table.filter(proposals::id.eq_any(ids)).select((proposals::id, proposals::abstract_md)).load(conn)
}

/// What the draft schedule is built from, as one string that changes when the
/// items or the proposals do (count and latest change of each).
pub fn draft_revision(conn: &mut PgConnection, conference_id: i64) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Revision {
        #[diesel(sql_type = Text)]
        revision: String,
    }
    let r: Revision = diesel::sql_query(
        "SELECT concat_ws('|', \
           (SELECT count(*) || ',' || coalesce(max(updated_at)::text, '') FROM schedule_items WHERE conference_id = $1), \
           (SELECT count(*) || ',' || coalesce(max(updated_at)::text, '') FROM proposals WHERE conference_id = $1)) \
           AS revision",
    )
    .bind::<BigInt, _>(conference_id)
    .get_result(conn)?;
    Ok(r.revision)
}

/// An item without its abstract: what the editor's list and badges need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schedule_items)]
pub struct ItemHead {
    pub public_id: uuid::Uuid,
    pub kind: ItemKind,
    pub proposal_id: Option<i64>,
    pub title: String,
    pub track_id: Option<i64>,
    pub starts_at: Option<DateTime<Utc>>,
}

pub fn item_heads(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<ItemHead>> {
    schedule_items::table
        .filter(schedule_items::conference_id.eq(conference_id))
        .order((schedule_items::starts_at.asc().nulls_last(), schedule_items::title))
        .select(ItemHead::as_select())
        .load(conn)
}
