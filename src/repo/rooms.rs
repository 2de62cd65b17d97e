//! Rooms, booking settings and hours, and room bookings. "No double booking" is
//! the `room_bookings_no_overlap` exclusion constraint: an insert or a move that
//! would overlap an active booking of the same room fails in PostgreSQL.

use crate::db::prepared::prepared;
use crate::db::schema::{proposals, room_booking_hours, room_booking_settings, room_bookings, rooms, users};
use crate::domain::booking::{BookingKind, Hours, Rules, Span};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable};
use diesel::PgConnection;
use std::collections::Bound;
use uuid::Uuid;

pub const NO_OVERLAP: &str = "room_bookings_no_overlap";

pub type Range = (Bound<DateTime<Utc>>, Bound<DateTime<Utc>>);

fn range(s: &Span) -> Range {
    (Bound::Included(s.start), Bound::Excluded(s.end))
}

fn bound(b: &Bound<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match b {
        Bound::Included(t) | Bound::Excluded(t) => Some(*t),
        Bound::Unbounded => None,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub name: String,
    pub capacity: i32,
    pub equipment: String,
    pub location: String,
    pub bookable: bool,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    /// "own": its conference's registrants book it; "co_located": also those of the events beside it.
    pub open_to: String,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = rooms)]
pub struct RoomValues<'a> {
    pub name: &'a str,
    pub capacity: i32,
    pub equipment: &'a str,
    pub location: &'a str,
    pub bookable: bool,
    pub position: i32,
    pub open_to: &'a str,
}

pub fn rooms_of(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Room>> {
    rooms::table
        .filter(rooms::conference_id.eq(conference_id))
        .order((rooms::position, rooms::name))
        .select(Room::as_select())
        .load(conn)
}

pub fn room_by_public_id(conn: &mut PgConnection, conference_id: i64, id: Uuid) -> QueryResult<Option<Room>> {
    one_in_conference!(conn, rooms, Room, conference_id, rooms::public_id.eq(id))
}

pub fn insert_room(conn: &mut PgConnection, conference_id: i64, v: &RoomValues) -> QueryResult<Room> {
    diesel::insert_into(rooms::table)
        .values((rooms::conference_id.eq(conference_id), v))
        .returning(Room::as_returning())
        .get_result(conn)
}

pub fn update_room(conn: &mut PgConnection, id: i64, v: &RoomValues) -> QueryResult<()> {
    diesel::update(rooms::table.find(id)).set(v).execute(conn).map(|_| ())
}

pub fn delete_room(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(rooms::table.find(id)).execute(conn).map(|_| ())
}

// ---- settings and hours ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = room_booking_settings)]
pub struct SettingsRow {
    pub conference_id: i64,
    pub slot_minutes: i32,
    pub max_booking_minutes: i32,
    pub opens_days_before: Option<i32>,
    pub max_per_person_day: i32,
    pub updated_at: DateTime<Utc>,
}

impl SettingsRow {
    pub fn rules(&self) -> Rules {
        Rules {
            slot_minutes: self.slot_minutes as i64,
            max_minutes: self.max_booking_minutes as i64,
            opens_days_before: self.opens_days_before,
            max_per_person_day: self.max_per_person_day as i64,
        }
    }
}

pub fn settings(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Option<SettingsRow>> {
    room_booking_settings::table.find(conference_id).select(SettingsRow::as_select()).first(conn).optional()
}

pub fn save_settings(conn: &mut PgConnection, conference_id: i64, r: &Rules) -> QueryResult<()> {
    let values = (
        room_booking_settings::slot_minutes.eq(r.slot_minutes as i32),
        room_booking_settings::max_booking_minutes.eq(r.max_minutes as i32),
        room_booking_settings::opens_days_before.eq(r.opens_days_before),
        room_booking_settings::max_per_person_day.eq(r.max_per_person_day as i32),
        room_booking_settings::updated_at.eq(diesel::dsl::now),
    );
    diesel::insert_into(room_booking_settings::table)
        .values((room_booking_settings::conference_id.eq(conference_id), values))
        .on_conflict(room_booking_settings::conference_id)
        .do_update()
        .set(values)
        .execute(conn)
        .map(|_| ())
}

pub fn hours(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Hours>> {
    let rows: Vec<(NaiveDate, NaiveTime, NaiveTime)> = room_booking_hours::table
        .filter(room_booking_hours::conference_id.eq(conference_id))
        .order(room_booking_hours::day)
        .select((room_booking_hours::day, room_booking_hours::opens, room_booking_hours::closes))
        .load(conn)?;
    Ok(rows.into_iter().map(|(day, opens, closes)| Hours { day, opens, closes }).collect())
}

pub fn replace_hours(conn: &mut PgConnection, conference_id: i64, hours: &[Hours]) -> QueryResult<()> {
    diesel::delete(room_booking_hours::table.filter(room_booking_hours::conference_id.eq(conference_id)))
        .execute(conn)?;
    let rows: Vec<_> = hours
        .iter()
        .map(|h| {
            (
                room_booking_hours::conference_id.eq(conference_id),
                room_booking_hours::day.eq(h.day),
                room_booking_hours::opens.eq(h.opens),
                room_booking_hours::closes.eq(h.closes),
            )
        })
        .collect();
    diesel::insert_into(room_booking_hours::table).values(rows).execute(conn).map(|_| ())
}

// ---- bookings ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = room_bookings)]
pub struct Booking {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub room_id: i64,
    pub user_id: i64,
    pub kind: BookingKind,
    pub title: String,
    pub description: String,
    pub proposal_id: Option<i64>,
    pub during: Range,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<i64>,
}

impl Booking {
    /// The booked range (the table refuses unbounded ranges).
    pub fn span(&self) -> Span {
        let start = bound(&self.during.0).unwrap_or(self.created_at);
        Span::new(start, bound(&self.during.1).unwrap_or(start))
    }
}

/// A booking with the names pages need: room, booker, linked proposal.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking: Booking,
    pub room_public_id: Uuid,
    pub room_name: String,
    pub room_location: String,
    pub booker_name: String,
    pub proposal_public_id: Option<Uuid>,
    pub proposal_title: Option<String>,
}

impl BookingView {
    pub fn span(&self) -> Span {
        self.booking.span()
    }
}

pub struct NewBooking<'a> {
    pub conference_id: i64,
    pub room_id: i64,
    pub user_id: i64,
    pub kind: BookingKind,
    pub title: &'a str,
    pub description: &'a str,
    pub proposal_id: Option<i64>,
    pub span: Span,
}

pub fn insert_booking(conn: &mut PgConnection, b: &NewBooking) -> QueryResult<Booking> {
    diesel::insert_into(room_bookings::table)
        .values((
            room_bookings::conference_id.eq(b.conference_id),
            room_bookings::room_id.eq(b.room_id),
            room_bookings::user_id.eq(b.user_id),
            room_bookings::kind.eq(b.kind),
            room_bookings::title.eq(b.title),
            room_bookings::description.eq(b.description),
            room_bookings::proposal_id.eq(b.proposal_id),
            room_bookings::during.eq(range(&b.span)),
        ))
        .returning(Booking::as_returning())
        .get_result(conn)
}

pub fn booking_by_public_id(conn: &mut PgConnection, conference_id: i64, id: Uuid) -> QueryResult<Option<Booking>> {
    one_in_conference!(conn, room_bookings, Booking, conference_id, room_bookings::public_id.eq(id))
}

/// Cancels an active booking; false when it was cancelled already.
pub fn cancel(conn: &mut PgConnection, id: i64, by: i64) -> QueryResult<bool> {
    diesel::update(room_bookings::table.find(id).filter(room_bookings::cancelled_at.is_null()))
        .set((
            room_bookings::cancelled_at.eq(diesel::dsl::now),
            room_bookings::cancelled_by.eq(by),
            room_bookings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Cancels a person's own bookings (not organiser blocks) in a conference that
/// have not started yet; `by` is who ended them (None: the system, when a seat
/// lapsed). Bookings under way or over stay as they were: they happened.
pub fn cancel_future_of_person(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    by: Option<i64>,
) -> QueryResult<usize> {
    prepared(
        "UPDATE room_bookings SET cancelled_at = now(), cancelled_by = $3, updated_at = now() \
         WHERE conference_id = $1 AND user_id = $2 AND kind = 'booking' AND cancelled_at IS NULL \
           AND lower(during) > now()",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<BigInt, _>(user_id)
    .bind::<Nullable<BigInt>, _>(by)
    .execute(conn)
}

/// Moves a booking to another room and/or time; the exclusion constraint decides.
pub fn move_to(conn: &mut PgConnection, id: i64, room_id: i64, span: &Span) -> QueryResult<()> {
    diesel::update(room_bookings::table.find(id))
        .set((
            room_bookings::room_id.eq(room_id),
            room_bookings::during.eq(range(span)),
            room_bookings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Active bookings of one room overlapping `[from, to)`.
pub fn taken_in_room(
    conn: &mut PgConnection,
    room_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<Booking>> {
    room_bookings::table
        .filter(room_bookings::room_id.eq(room_id))
        .filter(room_bookings::cancelled_at.is_null())
        .filter(room_bookings::during.overlaps_with(range(&Span::new(from, to))))
        .order(room_bookings::during)
        .select(Booking::as_select())
        .load(conn)
}

/// Bookable rooms of a conference (but `except`) with nothing in them during
/// `[from, to)`, in display order: one query, whatever the number of rooms.
pub fn free_rooms(
    conn: &mut PgConnection,
    conference_id: i64,
    except: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<(Uuid, String)>> {
    let busy = room_bookings::table
        .filter(room_bookings::room_id.eq(rooms::id))
        .filter(room_bookings::cancelled_at.is_null())
        .filter(room_bookings::during.overlaps_with(range(&Span::new(from, to))));
    rooms::table
        .filter(rooms::conference_id.eq(conference_id))
        .filter(rooms::bookable)
        .filter(rooms::id.ne(except))
        .filter(diesel::dsl::not(diesel::dsl::exists(busy)))
        .order((rooms::position, rooms::name))
        .select((rooms::public_id, rooms::name))
        .load(conn)
}

/// The columns of a `BookingView`: the booking, its room, who booked it and
/// the proposal it is linked to (one definition for every booking list).
type ViewColumns = (
    diesel::dsl::AsSelect<Booking, diesel::pg::Pg>,
    rooms::public_id,
    rooms::name,
    rooms::location,
    users::name,
    diesel::dsl::Nullable<proposals::public_id>,
    diesel::dsl::Nullable<proposals::title>,
);

fn view_columns() -> ViewColumns {
    (
        Booking::as_select(),
        rooms::public_id,
        rooms::name,
        rooms::location,
        users::name,
        proposals::public_id.nullable(),
        proposals::title.nullable(),
    )
}

type ViewRow = (Booking, Uuid, String, String, String, Option<Uuid>, Option<String>);

fn views(rows: Vec<ViewRow>) -> Vec<BookingView> {
    rows.into_iter()
        .map(|(booking, room_public_id, room_name, room_location, booker_name, proposal_public_id, proposal_title)| {
            BookingView {
                booking,
                room_public_id,
                room_name,
                room_location,
                booker_name,
                proposal_public_id,
                proposal_title,
            }
        })
        .collect()
}

/// Active bookings and blocks of a conference overlapping `[from, to)`, in time
/// order, with room and booker names. The schedule shows these too.
pub fn bookings_between(
    conn: &mut PgConnection,
    conference_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<BookingView>> {
    let rows = room_bookings::table
        .inner_join(rooms::table)
        .inner_join(users::table)
        .left_join(proposals::table)
        .filter(room_bookings::conference_id.eq(conference_id))
        .filter(room_bookings::cancelled_at.is_null())
        .filter(room_bookings::during.overlaps_with(range(&Span::new(from, to))))
        .order((room_bookings::during, rooms::position, rooms::name))
        .select(view_columns())
        .load::<ViewRow>(conn)?;
    Ok(views(rows))
}

/// The public ids of `user`'s active bookings in bookable rooms between two instants.
pub fn own_bookings_between(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<Uuid>> {
    room_bookings::table
        .inner_join(rooms::table)
        .filter(room_bookings::conference_id.eq(conference_id))
        .filter(room_bookings::user_id.eq(user_id))
        .filter(room_bookings::cancelled_at.is_null())
        .filter(rooms::bookable)
        .filter(room_bookings::during.overlaps_with(range(&Span::new(from, to))))
        .select(room_bookings::public_id)
        .load(conn)
}

/// For the room board: in each room of the conference, what is on at `now`
/// and what comes next before `until`; two index probes per room instead of
/// reading every booking of the week.
pub fn now_and_next(
    conn: &mut PgConnection,
    conference_id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> QueryResult<Vec<BookingView>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = prepared(
        "SELECT b.id FROM rooms r CROSS JOIN LATERAL ( \
           (SELECT id FROM room_bookings WHERE room_id = r.id AND cancelled_at IS NULL AND during @> $2 LIMIT 1) \
           UNION ALL \
           (SELECT id FROM room_bookings WHERE room_id = r.id AND cancelled_at IS NULL \
              AND during && tstzrange($2, $3, '()') AND lower(during) > $2 ORDER BY lower(during) LIMIT 1)) b \
         WHERE r.conference_id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(conference_id)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::Timestamptz, _>(until)
    .load(conn)?;
    let ids: Vec<i64> = ids.into_iter().map(|i| i.id).collect();
    let rows = room_bookings::table
        .inner_join(rooms::table)
        .inner_join(users::table)
        .left_join(proposals::table)
        .filter(room_bookings::id.eq_any(ids))
        .order((room_bookings::during, rooms::position, rooms::name))
        .select(view_columns())
        .load::<ViewRow>(conn)?;
    Ok(views(rows))
}

/// Every active booking and block of a conference (the feeds).
pub fn all_active(conn: &mut PgConnection, conference_id: i64, room_id: Option<i64>) -> QueryResult<Vec<BookingView>> {
    let mut q = room_bookings::table
        .inner_join(rooms::table)
        .inner_join(users::table)
        .left_join(proposals::table)
        .filter(room_bookings::conference_id.eq(conference_id))
        .filter(room_bookings::cancelled_at.is_null())
        .into_boxed();
    if let Some(r) = room_id {
        q = q.filter(room_bookings::room_id.eq(r));
    }
    let rows = q.order((room_bookings::during, rooms::position)).select(view_columns()).load::<ViewRow>(conn)?;
    Ok(views(rows))
}

/// A person's bookings in a conference (cancelled ones too), latest first.
pub fn of_user(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Vec<BookingView>> {
    let rows = room_bookings::table
        .inner_join(rooms::table)
        .inner_join(users::table)
        .left_join(proposals::table)
        .filter(room_bookings::conference_id.eq(conference_id))
        .filter(room_bookings::user_id.eq(user_id))
        .filter(room_bookings::kind.eq(BookingKind::Booking))
        .order(room_bookings::during.desc())
        .select(view_columns())
        .load::<ViewRow>(conn)?;
    Ok(views(rows))
}

/// Serialises one person's bookings in a conference until the transaction ends
/// (the per-person limit is counted, then a row inserted), in every app instance.
pub fn lock_person(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<()> {
    prepared("SELECT pg_advisory_xact_lock($1::int, $2::int)")
        .bind::<Integer, _>((conference_id % i32::MAX as i64) as i32)
        .bind::<Integer, _>((user_id % i32::MAX as i64) as i32)
        .execute(conn)
        .map(|_| ())
}

/// Active bookings (not blocks) of a person that start in `[from, to)` and have not ended at `now`.
pub fn active_count(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    let list: Vec<Booking> = room_bookings::table
        .filter(room_bookings::conference_id.eq(conference_id))
        .filter(room_bookings::user_id.eq(user_id))
        .filter(room_bookings::kind.eq(BookingKind::Booking))
        .filter(room_bookings::cancelled_at.is_null())
        .filter(room_bookings::during.overlaps_with(range(&Span::new(from, to))))
        .select(Booking::as_select())
        .load(conn)?;
    Ok(list.iter().map(Booking::span).filter(|s| s.start >= from && s.start < to && s.end > now).count() as i64)
}

pub fn active_in_room(conn: &mut PgConnection, room_id: i64) -> QueryResult<i64> {
    room_bookings::table
        .filter(room_bookings::room_id.eq(room_id))
        .filter(room_bookings::cancelled_at.is_null())
        .count()
        .get_result(conn)
}

/// True when the error is the no-overlap constraint refusing a clash. diesel
/// reports it as `ExclusionViolation`; older clients said `Unknown`, so the
/// constraint's name decides either way.
pub fn is_clash(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, _) => true,
        Error::DatabaseError(_, info) => {
            info.constraint_name() == Some(NO_OVERLAP) || info.message().contains(NO_OVERLAP)
        }
        _ => false,
    }
}
