//! Booking a range, cancelling it; organisers block rooms and move bookings.

use super::*;
use crate::domain::booking::{check, local_day, nearest_free, span_label, window, BookingKind, Hours, Refusal, Span};
use crate::domain::proposal::{CallKind, ProposalState};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::{check_organiser, organises};
use crate::services::policy;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms::{self as repo, Booking, BookingView, NewBooking, Room};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

// ---- booking ----

/// Which room a request names: its id, or (over the API) its name.
pub enum RoomRef {
    Id(Uuid),
    Name(String),
}

pub struct Request {
    pub room: RoomRef,
    pub span: Span,
    pub title: String,
    pub description: String,
    pub proposal: Option<Uuid>,
}

/// The person's unconference proposals in this conference a booking may link to.
pub fn own_unconference_proposals(
    conn: &mut PgConnection,
    conf: &Conference,
    user: &User,
) -> Result<Vec<(Uuid, String, i64)>, AppError> {
    Ok(crate::services::repo::proposals::of_person(conn, user.id)?
        .into_iter()
        .filter(|(r, c)| {
            *c == conf.id
                && r.call_kind == CallKind::Unconference
                && !matches!(r.state, ProposalState::Withdrawn | ProposalState::Rejected)
        })
        .map(|(r, _)| (r.public_id, r.title, r.id))
        .collect())
}

/// Books a range for a confirmed attendee. Rules first (nothing stored when one
/// is broken), then in one transaction: the person's lock, the per-day limit,
/// and the insert the exclusion constraint may refuse.
pub fn book(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
    req: &Request,
    now: DateTime<Utc>,
) -> Result<BookingView, BookError> {
    let tz = tz(conf);
    crate::services::policy::require_verified(user)?;
    // Registered nowhere that could let them book here: refused before reading the request.
    let registered = crate::services::co_location::registered(&mut Db::new(conn), conf, user.id)?;
    if !registered.here && !registered.beside {
        return Err(BookError::NotRegistered);
    }
    let setup = setup(conn, st, conf)?;
    let settings = setup.settings.clone().ok_or_else(|| {
        BookError::Field(FieldError::new("room", "room booking is not set up for this conference yet"))
    })?;
    let room = setup
        .room(&req.room)
        .cloned()
        .ok_or_else(|| BookError::Field(FieldError::new("room", "there is no such room in this conference")))?;
    // Its own registrants, or for a room open to them, those of an event beside it.
    if !registered.may_use_room(&room.open_to) {
        return Err(BookError::NotRegistered);
    }
    if !room.bookable {
        return Err(BookError::Field(FieldError::new("room", format!("{} cannot be booked by attendees", room.name))));
    }
    let proposal = match req.proposal {
        None => None,
        Some(pid) => {
            Some(own_unconference_proposals(conn, conf, user)?.into_iter().find(|(id, _, _)| *id == pid).ok_or_else(
                || BookError::Field(FieldError::new("proposal", "choose one of your own unconference proposals")),
            )?)
        }
    };
    let proposal_id = proposal.as_ref().map(|(_, _, id)| *id);
    let r = settings.rules();
    let w = check(&req.span, &setup.hours, &r, conf.starts_on, tz, now).map_err(BookError::Refused)?;
    let result = conn.transaction(|conn| -> Result<Booking, BookError> {
        repo::lock_person(conn, conf.id, user.id)?;
        let day = day_bounds(w.day, tz);
        if repo::active_count(conn, conf.id, user.id, day.start, day.end, now)? >= r.max_per_person_day {
            return Err(BookError::Refused(Refusal::OverLimit { max: r.max_per_person_day }));
        }
        Ok(repo::insert_booking(
            conn,
            &NewBooking {
                conference_id: conf.id,
                room_id: room.id,
                user_id: user.id,
                kind: BookingKind::Booking,
                title: &req.title,
                description: &req.description,
                proposal_id,
                span: req.span,
            },
        )?)
    });
    match result {
        // Everything the view shows is at hand: no query to read it back.
        Ok(booking) => Ok(BookingView {
            booking,
            room_public_id: room.public_id,
            room_name: room.name.clone(),
            room_location: room.location.clone(),
            booker_name: user.name.clone(),
            proposal_public_id: proposal.as_ref().map(|(id, _, _)| *id),
            proposal_title: proposal.map(|(_, title, _)| title),
        }),
        Err(BookError::Clash) => Err(taken_with(conn, conf, &setup, &room, &req.span, None, now)?),
        Err(e) => Err(e),
    }
}

/// A conference's room-booking setup: the rules, the bookable hours and the
/// rooms. Read on every booking and changed rarely, so it is remembered for
/// the page cache's TTL (an organiser's change through this instance shows at
/// once; the database still refuses any clash).
pub struct Setup {
    pub settings: Option<repo::SettingsRow>,
    pub hours: Vec<Hours>,
    pub rooms: Vec<Room>,
}

impl Setup {
    /// A room by its id, or by its name in any case.
    fn room(&self, r: &RoomRef) -> Option<&Room> {
        let id = match r {
            RoomRef::Id(id) => Some(*id),
            RoomRef::Name(n) => Uuid::parse_str(n.trim()).ok(),
        };
        match (id, r) {
            (Some(id), _) => self.rooms.iter().find(|room| room.public_id == id),
            (None, RoomRef::Name(n)) => {
                self.rooms.iter().find(|room| room.name.to_lowercase() == n.trim().to_lowercase())
            }
            (None, RoomRef::Id(_)) => None,
        }
    }
}

pub(super) fn setup(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
) -> Result<std::sync::Arc<Setup>, AppError> {
    st.pages.memo(format!("room-setup:{}", conf.id), || -> Result<Setup, AppError> {
        Ok(Setup {
            settings: repo::settings(conn, conf.id)?,
            hours: repo::hours(conn, conf.id)?,
            rooms: repo::rooms_of(conn, conf.id)?,
        })
    })
}

pub(super) fn view_of(conn: &mut PgConnection, conf: &Conference, b: &Booking) -> Result<BookingView, BookError> {
    let span = b.span();
    repo::bookings_between(conn, conf.id, span.start, span.end)?
        .into_iter()
        .find(|v| v.booking.id == b.id)
        .ok_or(BookError::App(AppError::NotFound))
}

/// What a person reads when a range is taken: who holds it, the nearest free
/// ranges of the same length in that room, and other rooms free then.
pub(super) fn taken(
    conn: &mut PgConnection,
    conf: &Conference,
    room: &Room,
    want: &Span,
    except: Option<i64>,
    now: DateTime<Utc>,
) -> Result<BookError, AppError> {
    let setup =
        Setup { settings: repo::settings(conn, conf.id)?, hours: repo::hours(conn, conf.id)?, rooms: Vec::new() };
    taken_with(conn, conf, &setup, room, want, except, now)
}

pub(super) fn taken_with(
    conn: &mut PgConnection,
    conf: &Conference,
    setup: &Setup,
    room: &Room,
    want: &Span,
    except: Option<i64>,
    now: DateTime<Utc>,
) -> Result<BookError, AppError> {
    let tz = tz(conf);
    let day = local_day(want.start, tz);
    let bounds = day_bounds(day, tz);
    let clashing: Vec<Booking> = repo::taken_in_room(conn, room.id, want.start, want.end)?
        .into_iter()
        .filter(|b| Some(b.id) != except)
        .collect();
    let held = clashing
        .iter()
        .map(|b| format!("“{}” ({})", booking_title(b), span_label(&b.span(), tz)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut nearest = Vec::new();
    if let (Some(settings), Some(w)) =
        (&setup.settings, setup.hours.iter().find(|h| h.day == day).and_then(|h| window(h, tz)))
    {
        let taken: Vec<Span> = repo::taken_in_room(conn, room.id, bounds.start, bounds.end)?
            .iter()
            .filter(|b| Some(b.id) != except)
            .map(Booking::span)
            .collect();
        let len = want.end - want.start;
        nearest = nearest_free(&w, settings.rules().slot(), &taken, len, want.start, now, 3);
    }
    let free_rooms = repo::free_rooms(conn, conf.id, room.id, want.start, want.end)?;
    let mut message = if held.is_empty() {
        format!("{} is already booked then.", room.name)
    } else {
        format!("{} is already booked then: {held}.", room.name)
    };
    if nearest.is_empty() {
        message.push_str(" There is no free range of that length in this room that day.");
    } else {
        let list = nearest.iter().map(|s| span_label(s, tz)).collect::<Vec<_>>().join("; ");
        message.push_str(&format!(" Nearest free in {}: {list}.", room.name));
    }
    if !free_rooms.is_empty() {
        let names = free_rooms.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
        message.push_str(&format!(" Free at that time: {names}."));
    }
    Ok(BookError::Taken { message, nearest, free_rooms })
}

/// Cancels a booking: its owner or an organiser. Anyone else gets 404, as if it
/// did not exist.
pub fn cancel(Db(conn): &mut Db, actor: &User, conf: &Conference, id: Uuid) -> Result<BookingView, AppError> {
    conn.transaction(|conn| {
        let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
        // A block (an organiser's hold on a room) is nobody's own booking.
        let own = b.user_id == actor.id && b.kind == BookingKind::Booking;
        policy::require_owner_or_organiser(own, organises(conn, conf, actor)?)?;
        if b.cancelled_at.is_some() {
            return Err(AppError::Conflict("That booking was cancelled already.".into()));
        }
        let view = view_of(conn, conf, &b).map_err(|e| match e {
            BookError::App(a) => a,
            other => AppError::internal(other.message(Tz::UTC)),
        })?;
        repo::cancel(conn, b.id, actor.id)?;
        Ok(view)
    })
}

/// Ends a person's room bookings that have not started, inside the caller's
/// transaction: called when their registration ends (cancelled by them or an
/// organiser, or a seat that lapsed), since booking needs a confirmed seat.
/// Returns how many were cancelled.
pub fn cancel_future_bookings(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    by: Option<i64>,
) -> Result<usize, AppError> {
    Ok(repo::cancel_future_of_person(conn, conference_id, user_id, by)?)
}

// ---- organisers: blocks and moves ----

pub(super) fn clash_list(
    conn: &mut PgConnection,
    conf: &Conference,
    room: &Room,
    span: &Span,
    except: Option<i64>,
) -> Result<BookError, AppError> {
    taken(conn, conf, room, span, except, Utc::now())
}

/// Blocks a room for a period (any length, outside the hours too); it may not
/// overlap active bookings: those are cancelled or moved first.
pub fn block(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    room: Uuid,
    span: Span,
    title: &str,
) -> Result<(), BookError> {
    check_organiser(conn, conf, actor)?;
    let room = self::room(conn, conf, room)?;
    if span.end <= span.start {
        return Err(BookError::Refused(Refusal::Empty));
    }
    let r = conn.transaction(|conn| -> Result<Booking, BookError> {
        Ok(repo::insert_booking(
            conn,
            &NewBooking {
                conference_id: conf.id,
                room_id: room.id,
                user_id: actor.id,
                kind: BookingKind::Block,
                title,
                description: "",
                proposal_id: None,
                span,
            },
        )?)
    });
    match r {
        Ok(_) => Ok(()),
        Err(BookError::Clash) => Err(clash_list(conn, conf, &room, &span, None)?),
        Err(e) => Err(e),
    }
}

/// Moves any booking to a room and range (organisers; the rules for attendees do
/// not bind them, the no-overlap constraint does).
pub fn move_booking(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    room: Uuid,
    span: Span,
) -> Result<(), BookError> {
    check_organiser(conn, conf, actor)?;
    let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if b.cancelled_at.is_some() {
        return Err(BookError::App(AppError::Conflict("That booking is cancelled.".into())));
    }
    let room = self::room(conn, conf, room)?;
    if span.end <= span.start {
        return Err(BookError::Refused(Refusal::Empty));
    }
    let r = conn.transaction(|conn| -> Result<(), BookError> { Ok(repo::move_to(conn, b.id, room.id, &span)?) });
    match r {
        Err(BookError::Clash) => Err(clash_list(conn, conf, &room, &span, Some(b.id))?),
        other => other,
    }
}

/// The organisers' move form of a booking.
pub fn booking_for_move(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<super::views::MovePage, AppError> {
    check_organiser(conn, conf, actor)?;
    let b = repo::booking_by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    let v = view_of(conn, conf, &b).map_err(|e| match e {
        BookError::App(a) => a,
        _ => AppError::NotFound,
    })?;
    Ok(super::views::MovePage {
        booking: super::views::BookingDetail::new(&v, tz(conf), now),
        booker: v.booker_name,
        rooms: repo::rooms_of(conn, conf.id)?.iter().map(super::views::RoomView::from).collect(),
    })
}
