//! On-site unconference sessions and who is essential to or interested in them.

use crate::db::schema::{unconference_interest, unconference_sessions};
use crate::domain::unconference::{InterestLevel, SessionDraft};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = unconference_sessions)]
pub struct Session {
    pub id: i64,
    pub proposer_id: i64,
}

/// Stores a session with its proposer marked essential, in the caller's transaction.
pub fn insert(conn: &mut PgConnection, conference_id: i64, proposer: i64, d: &SessionDraft) -> QueryResult<Session> {
    let s: Session = diesel::insert_into(unconference_sessions::table)
        .values((
            unconference_sessions::conference_id.eq(conference_id),
            unconference_sessions::proposer_id.eq(proposer),
            unconference_sessions::title.eq(&d.title),
            unconference_sessions::description.eq(&d.description),
            unconference_sessions::minutes.eq(d.minutes),
            unconference_sessions::needs.eq(&d.needs),
        ))
        .returning(Session::as_returning())
        .get_result(conn)?;
    set_interest(conn, s.id, proposer, Some(InterestLevel::Essential))?;
    Ok(s)
}

pub fn by_public_id(conn: &mut PgConnection, conference_id: i64, id: uuid::Uuid) -> QueryResult<Option<Session>> {
    unconference_sessions::table
        .filter(unconference_sessions::conference_id.eq(conference_id))
        .filter(unconference_sessions::public_id.eq(id))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

/// Sets (or, with `None`, clears) a person's interest in a session.
pub fn set_interest(conn: &mut PgConnection, session: i64, user: i64, level: Option<InterestLevel>) -> QueryResult<()> {
    let Some(level) = level else {
        return diesel::delete(unconference_interest::table.find((session, user))).execute(conn).map(|_| ());
    };
    diesel::insert_into(unconference_interest::table)
        .values((
            unconference_interest::session_id.eq(session),
            unconference_interest::user_id.eq(user),
            unconference_interest::level.eq(level),
        ))
        .on_conflict((unconference_interest::session_id, unconference_interest::user_id))
        .do_update()
        .set(unconference_interest::level.eq(level))
        .execute(conn)
        .map(|_| ())
}

/// A session as lists show it: counts, the viewer's own level, the proposer.
#[derive(Debug, Clone, QueryableByName)]
pub struct SessionRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Int4)]
    pub minutes: i32,
    #[diesel(sql_type = Array<Text>)]
    pub needs: Vec<String>,
    #[diesel(sql_type = Text)]
    pub proposer: String,
    #[diesel(sql_type = BigInt)]
    pub essential: i64,
    #[diesel(sql_type = BigInt)]
    pub interested: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub mine: Option<InterestLevel>,
    /// Where it is planned: an active booking's room and times.
    #[diesel(sql_type = Nullable<Text>)]
    pub room: Option<String>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub ends_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every session of a conference, most wanted first (essential and
/// interested together), then oldest first.
pub fn list(conn: &mut PgConnection, conference_id: i64, viewer: i64) -> QueryResult<Vec<SessionRow>> {
    diesel::sql_query(
        "SELECT s.id, s.public_id, s.title, s.description, s.minutes, s.needs, u.name AS proposer, \
                count(i.user_id) FILTER (WHERE i.level = 'essential') AS essential, \
                count(i.user_id) FILTER (WHERE i.level = 'interested') AS interested, \
                (SELECT m.level FROM unconference_interest m WHERE m.session_id = s.id AND m.user_id = $2) AS mine, \
                r.name AS room, lower(b.during) AS starts_at, upper(b.during) AS ends_at \
         FROM unconference_sessions s JOIN users u ON u.id = s.proposer_id \
         LEFT JOIN room_bookings b ON b.id = s.booking_id AND b.cancelled_at IS NULL \
         LEFT JOIN rooms r ON r.id = b.room_id \
         LEFT JOIN unconference_interest i ON i.session_id = s.id \
         WHERE s.conference_id = $1 \
         GROUP BY s.id, u.name, r.name, b.during ORDER BY count(i.user_id) DESC, s.created_at, s.id",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<BigInt, _>(viewer)
    .load(conn)
}

/// Who marked what, for organisers: (session id, person's public id, level).
pub fn people(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(i64, uuid::Uuid, InterestLevel)>> {
    use crate::db::schema::users;
    unconference_interest::table
        .inner_join(unconference_sessions::table)
        .inner_join(users::table)
        .filter(unconference_sessions::conference_id.eq(conference_id))
        .order((unconference_interest::session_id, unconference_interest::created_at))
        .select((unconference_interest::session_id, users::public_id, unconference_interest::level))
        .load(conn)
}

/// A session as the planner reads it, with where it is now (an active booking).
#[derive(Debug, Clone, QueryableByName)]
pub struct PlannerSession {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = BigInt)]
    pub proposer_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Int4)]
    pub minutes: i32,
    #[diesel(sql_type = Array<Text>)]
    pub needs: Vec<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub booking_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub room_id: Option<i64>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn planner_sessions(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<PlannerSession>> {
    diesel::sql_query(
        "SELECT s.id, s.public_id, s.proposer_id, s.title, s.description, s.minutes, s.needs, \
                b.id AS booking_id, b.room_id, lower(b.during) AS starts_at \
         FROM unconference_sessions s \
         LEFT JOIN room_bookings b ON b.id = s.booking_id AND b.cancelled_at IS NULL \
         WHERE s.conference_id = $1 ORDER BY s.id",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

/// Every mark in a conference: (session id, user id, level).
pub fn marks(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(i64, i64, InterestLevel)>> {
    unconference_interest::table
        .inner_join(unconference_sessions::table)
        .filter(unconference_sessions::conference_id.eq(conference_id))
        .select((unconference_interest::session_id, unconference_interest::user_id, unconference_interest::level))
        .load(conn)
}

pub fn set_booking(conn: &mut PgConnection, session_id: i64, booking_id: i64) -> QueryResult<()> {
    diesel::update(unconference_sessions::table.find(session_id))
        .set(unconference_sessions::booking_id.eq(Some(booking_id)))
        .execute(conn)
        .map(|_| ())
}

/// When a person is busy elsewhere in `[from, to)`: (user id, start, end).
/// Busy are the speakers, accepted co-speakers and MC leads of every placed
/// schedule item (with the speakers of an MC's accepted topics, who are in its
/// block), and whoever holds a room booking that is not an unconference
/// session's (the person who books a room is taken to be in it).
#[derive(Debug, Clone, QueryableByName)]
pub struct BusyRow {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub starts_at: chrono::DateTime<chrono::Utc>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

pub fn busy_between(
    conn: &mut PgConnection,
    conference_id: i64,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> QueryResult<Vec<BusyRow>> {
    diesel::sql_query(
        "SELECT DISTINCT x.user_id, lower(b.during) AS starts_at, upper(b.during) AS ends_at \
         FROM room_bookings b \
         LEFT JOIN schedule_items i ON i.id = b.schedule_item_id \
         CROSS JOIN LATERAL ( \
             SELECT b.user_id WHERE b.schedule_item_id IS NULL AND b.kind = 'booking' \
                 AND NOT EXISTS (SELECT 1 FROM unconference_sessions s WHERE s.booking_id = b.id) \
             UNION SELECT p.submitter_id FROM proposals p WHERE p.id = i.proposal_id \
             UNION SELECT pp.user_id FROM proposal_people pp \
                 WHERE pp.proposal_id = i.proposal_id AND pp.status = 'accepted' AND pp.user_id IS NOT NULL \
             UNION SELECT l.user_id FROM microconferences m \
                 JOIN microconference_leads l ON l.microconference_id = m.id WHERE m.proposal_id = i.proposal_id \
             UNION SELECT t.submitter_id FROM microconferences m JOIN calls c ON c.microconference_id = m.id \
                 JOIN proposals t ON t.call_id = c.id AND t.state = 'accepted' WHERE m.proposal_id = i.proposal_id \
         ) x \
         WHERE b.conference_id = $1 AND b.cancelled_at IS NULL AND b.during && tstzrange($2, $3)",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .load(conn)
}

/// The public ids of the placed sessions (their bookings, as the schedule
/// names them) a person is essential to or interested in: "my schedule".
pub fn marked_booking_guids(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Vec<uuid::Uuid>> {
    use crate::db::schema::room_bookings;
    unconference_interest::table
        .inner_join(unconference_sessions::table)
        .inner_join(room_bookings::table.on(unconference_sessions::booking_id.eq(room_bookings::id.nullable())))
        .filter(unconference_sessions::conference_id.eq(conference_id))
        .filter(unconference_interest::user_id.eq(user_id))
        .filter(room_bookings::cancelled_at.is_null())
        .select(room_bookings::public_id)
        .load(conn)
}

/// The organisers' standing order: plan the next day every day at a local time.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::unconference_autoplan)]
pub struct Autoplan {
    pub conference_id: i64,
    pub enabled: bool,
    pub run_at: chrono::NaiveTime,
    pub move_notice_minutes: Option<i32>,
    pub last_run_on: Option<chrono::NaiveDate>,
    pub last_summary: String,
}

pub fn autoplan(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Option<Autoplan>> {
    use crate::db::schema::unconference_autoplan as a;
    a::table.find(conference_id).select(Autoplan::as_select()).first(conn).optional()
}

pub fn save_autoplan(
    conn: &mut PgConnection,
    conference_id: i64,
    enabled: bool,
    run_at: chrono::NaiveTime,
    move_notice_minutes: Option<i32>,
    by: i64,
) -> QueryResult<()> {
    use crate::db::schema::unconference_autoplan as a;
    let values = (
        a::enabled.eq(enabled),
        a::run_at.eq(run_at),
        a::move_notice_minutes.eq(move_notice_minutes),
        a::updated_by.eq(Some(by)),
        a::updated_at.eq(diesel::dsl::now),
    );
    diesel::insert_into(a::table)
        .values((a::conference_id.eq(conference_id), values))
        .on_conflict(a::conference_id)
        .do_update()
        .set(values)
        .execute(conn)
        .map(|_| ())
}

/// Every standing order that is switched on, with its conference's zone name.
pub fn enabled_autoplans(conn: &mut PgConnection) -> QueryResult<Vec<(Autoplan, String)>> {
    use crate::db::schema::{conferences, unconference_autoplan as a};
    a::table
        .inner_join(conferences::table)
        .filter(a::enabled)
        .select((Autoplan::as_select(), conferences::time_zone))
        .load(conn)
}

/// Claims the run of `day` (a local date): true for exactly one caller, however
/// many instances ask, because the row changes only if it was not run that day.
pub fn claim_autoplan_day(conn: &mut PgConnection, conference_id: i64, day: chrono::NaiveDate) -> QueryResult<bool> {
    use crate::db::schema::unconference_autoplan as a;
    diesel::update(a::table.find(conference_id))
        .filter(a::enabled)
        .filter(a::last_run_on.is_null().or(a::last_run_on.lt(day)))
        .set(a::last_run_on.eq(Some(day)))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn record_autoplan(conn: &mut PgConnection, conference_id: i64, summary: &str) -> QueryResult<()> {
    use crate::db::schema::unconference_autoplan as a;
    diesel::update(a::table.find(conference_id)).set(a::last_summary.eq(summary)).execute(conn).map(|_| ())
}
