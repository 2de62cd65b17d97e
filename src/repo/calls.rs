//! Calls for proposals and the conference's tracks.

use crate::db::schema::{calls, tracks};
use crate::domain::proposal::CallKind;
use crate::domain::review::Visibility;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = calls)]
pub struct Call {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub conference_id: i64,
    pub kind: CallKind,
    pub microconference_id: Option<i64>,
    pub title: String,
    pub description_md: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub max_per_person: i32,
    pub title_max: i32,
    pub abstract_max: i32,
    pub created_at: DateTime<Utc>,
    pub review_opens_at: Option<DateTime<Utc>>,
    pub review_closes_at: Option<DateTime<Utc>>,
    pub score_min: i32,
    pub score_max: i32,
    pub score_labels: String,
    pub anonymised: bool,
    pub reviews_visibility: Visibility,
    /// Reviews wanted per proposal: what automatic assignment fills to.
    pub reviews_wanted: i32,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = calls)]
pub struct CallValues<'a> {
    pub kind: CallKind,
    pub title: &'a str,
    pub description_md: &'a str,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub max_per_person: i32,
    pub title_max: i32,
    pub abstract_max: i32,
}

pub fn insert(conn: &mut PgConnection, conference_id: i64, mc: Option<i64>, v: &CallValues) -> QueryResult<Call> {
    diesel::insert_into(calls::table)
        .values((v, calls::conference_id.eq(conference_id), calls::microconference_id.eq(mc)))
        .returning(Call::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: i64, v: &CallValues) -> QueryResult<()> {
    diesel::update(calls::table.find(id)).set(v).execute(conn).map(|_| ())
}

pub fn set_window(
    conn: &mut PgConnection,
    id: i64,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(calls::table.find(id))
        .set((calls::opens_at.eq(opens_at), calls::closes_at.eq(closes_at)))
        .execute(conn)
        .map(|_| ())
}

pub fn set_review_settings(
    conn: &mut PgConnection,
    id: i64,
    s: &crate::domain::review::ReviewSettings,
) -> QueryResult<()> {
    diesel::update(calls::table.find(id))
        .set((
            calls::score_min.eq(s.score_min),
            calls::score_max.eq(s.score_max),
            calls::score_labels.eq(&s.score_labels),
            calls::anonymised.eq(s.anonymised),
            calls::reviews_visibility.eq(s.reviews_visibility),
            calls::review_opens_at.eq(s.review_opens_at),
            calls::review_closes_at.eq(s.review_closes_at),
            calls::reviews_wanted.eq(s.reviews_wanted),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A call's weighted review criterion, as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = crate::db::schema::review_criteria)]
pub struct CriterionRow {
    pub id: i64,
    pub name: String,
    pub weight: i32,
}

pub fn criteria(conn: &mut PgConnection, call_id: i64) -> QueryResult<Vec<CriterionRow>> {
    use crate::db::schema::review_criteria as rc;
    rc::table.filter(rc::call_id.eq(call_id)).order(rc::position).select(CriterionRow::as_select()).load(conn)
}

/// Replaces a call's criteria (their scores go with them).
pub fn set_criteria(
    conn: &mut PgConnection,
    call_id: i64,
    list: &[crate::domain::review::Criterion],
) -> QueryResult<()> {
    use crate::db::schema::review_criteria as rc;
    diesel::delete(rc::table.filter(rc::call_id.eq(call_id))).execute(conn)?;
    let rows: Vec<_> = list
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (rc::call_id.eq(call_id), rc::position.eq(i as i32 + 1), rc::name.eq(&c.name), rc::weight.eq(c.weight))
        })
        .collect();
    diesel::insert_into(rc::table).values(&rows).execute(conn).map(|_| ())
}

pub fn by_public_id(conn: &mut PgConnection, conference_id: i64, public_id: uuid::Uuid) -> QueryResult<Option<Call>> {
    one_in_conference!(conn, calls, Call, conference_id, calls::public_id.eq(public_id))
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Call> {
    calls::table.find(id).select(Call::as_select()).first(conn)
}

/// Locks the call row for the rest of the transaction, so per-person caps are
/// counted and enforced without a race between two submissions.
pub fn lock(conn: &mut PgConnection, id: i64) -> QueryResult<Call> {
    calls::table.find(id).select(Call::as_select()).for_update().first(conn)
}

/// The conference's own calls (not the topic calls of its MCs), by closing time.
pub fn for_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Call>> {
    calls::table
        .filter(calls::conference_id.eq(conference_id))
        .filter(calls::microconference_id.is_null())
        .order((calls::closes_at, calls::id))
        .select(Call::as_select())
        .load(conn)
}

pub fn topic_call_of(conn: &mut PgConnection, mc_id: i64) -> QueryResult<Option<Call>> {
    calls::table.filter(calls::microconference_id.eq(mc_id)).select(Call::as_select()).first(conn).optional()
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = tracks)]
pub struct Track {
    pub id: i64,
    pub conference_id: i64,
    pub name: String,
    pub position: i32,
    /// The co-located conference the track is held at (its sessions are in
    /// that conference's schedule), or None: held here.
    pub hosted_by: Option<i64>,
    /// "own" (this conference's registrants) or "co_located" (either event's).
    pub open_to: String,
}

pub fn tracks(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Track>> {
    tracks::table
        .filter(tracks::conference_id.eq(conference_id))
        .order((tracks::position, tracks::name))
        .select(Track::as_select())
        .load(conn)
}

pub fn add_track(conn: &mut PgConnection, conference_id: i64, name: &str) -> QueryResult<bool> {
    let next: Option<i32> = tracks::table
        .filter(tracks::conference_id.eq(conference_id))
        .select(diesel::dsl::max(tracks::position))
        .first(conn)?;
    diesel::insert_into(tracks::table)
        .values((
            tracks::conference_id.eq(conference_id),
            tracks::name.eq(name),
            tracks::position.eq(next.unwrap_or(0) + 1),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

pub fn delete_track(conn: &mut PgConnection, conference_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(tracks::table.filter(tracks::conference_id.eq(conference_id)).filter(tracks::id.eq(id)))
        .execute(conn)
}

/// The topic calls of the conference's MCs (one per MC that has one).
pub fn topic_calls(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Call>> {
    calls::table
        .filter(calls::conference_id.eq(conference_id))
        .filter(calls::microconference_id.is_not_null())
        .select(Call::as_select())
        .load(conn)
}
