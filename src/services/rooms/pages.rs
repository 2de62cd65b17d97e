//! What the pages and the API show: the grid of a day, the room board, a person's
//! bookings, a day's bookings for organisers, the booking form's options. Each
//! returns its typed view from `views`.

use super::views::{
    BoardItem, BoardPage, BoardRoom, BookingDetail, BookingsPage, DayShown, FormOptions, FreeCell, GridCell, GridPage,
    GridRow, GridRules, LengthOption, MinePage, OrganiserBooking, ProposalOption, PublicBooking, RoomDay, RoomView,
    TakenCell,
};
use super::*;
use crate::domain::booking::{self as rules, local_day, span_label, BookingKind};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::registration::is_confirmed_attendee;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms::{self as repo, BookingView};
use crate::services::repo::users::User;
use crate::services::Db;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

/// What only its viewer sees on the grid of a day: whether they organise the
/// conference (links to managing the rooms) and their own bookings that day.
pub struct GridViewer {
    pub organiser: bool,
    pub mine: Vec<Uuid>,
}

pub fn grid_viewer(Db(conn): &mut Db, conf: &Conference, day: NaiveDate, user: &User) -> Result<GridViewer, AppError> {
    let organiser = crate::services::conferences::organises(conn, conf, user)?;
    let span = day_bounds(day, tz(conf));
    Ok(GridViewer { organiser, mine: repo::own_bookings_between(conn, conf.id, user.id, span.start, span.end)? })
}

/// The grid of bookable rooms x slots for a day, the same for everyone (what
/// is personal, `grid_viewer` says): free cells link to a prefilled booking
/// form, taken ones show the title (a booking over several slots is one cell
/// spanning rows).
pub fn grid(Db(conn): &mut Db, conf: &Conference, day: NaiveDate, now: DateTime<Utc>) -> Result<GridPage, AppError> {
    let tz = tz(conf);
    let settings = repo::settings(conn, conf.id)?;
    let hours = repo::hours(conn, conf.id)?;
    let rooms: Vec<Room> = repo::rooms_of(conn, conf.id)?.into_iter().filter(|r| r.bookable).collect();
    let mut page = GridPage {
        shown: DayShown::new(conf, day),
        configured: settings.is_some(),
        rooms: rooms.iter().map(RoomView::from).collect(),
        rows: Vec::new(),
        rules: None,
    };
    let (Some(settings), Some(w)) = (settings, hours.iter().find(|h| h.day == day).and_then(|h| window(h, tz))) else {
        return Ok(page);
    };
    let r = settings.rules();
    let slots = rules::slots(&w, r.slot());
    let views = repo::bookings_between(conn, conf.id, w.start, w.end)?;
    // For each room, the slot index where a booking's cell starts, and how many slots it covers.
    let mut covered = vec![vec![false; rooms.len()]; slots.len()];
    for (i, s) in slots.iter().enumerate() {
        let mut cells = Vec::new();
        for (j, room) in rooms.iter().enumerate() {
            if covered[i][j] {
                continue;
            }
            let booking = views.iter().find(|v| v.booking.room_id == room.id && v.span().overlaps(s));
            match booking {
                Some(v) => {
                    let span = v.span();
                    let n = slots[i..].iter().take_while(|x| x.overlaps(&span)).count().max(1);
                    for row in covered.iter_mut().skip(i).take(n) {
                        row[j] = true;
                    }
                    cells.push(GridCell::Taken(TakenCell {
                        taken: true,
                        rowspan: n,
                        title: booking_title(&v.booking),
                        block: v.booking.kind == BookingKind::Block,
                        id: v.booking.public_id,
                        label: span_label(&span, tz),
                        room: room.name.clone(),
                    }));
                }
                None => cells.push(GridCell::Free(FreeCell {
                    taken: false,
                    past: s.end <= now,
                    room: room.name.clone(),
                    room_id: room.public_id,
                    start: local_input(s.start, tz),
                    time: rules::hm(s.start, tz),
                })),
            }
        }
        page.rows.push(GridRow {
            time: s.start.with_timezone(&tz).format("%H:%M").to_string(),
            zone: s.start.with_timezone(&tz).format("%Z").to_string(),
            now: s.contains(now),
            cells,
        });
    }
    let opens_at = rules::opens_at(day, conf.starts_on, &r, tz);
    page.rules = Some(GridRules {
        opens_at: opens_at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M %Z").to_string(),
        open: now >= opens_at,
        hours_label: format!("{}–{}", rules::hm(w.start, tz), rules::hm(w.end, tz)),
        slot_minutes: r.slot_minutes,
        max_label: rules::minutes_label(r.max_minutes),
        max_per_day: r.max_per_person_day,
    });
    Ok(page)
}

// ---- lists ----

pub fn mine(Db(conn): &mut Db, user: &User, conf: &Conference, now: DateTime<Utc>) -> Result<MinePage, AppError> {
    let tz = tz(conf);
    let bookings = repo::of_user(conn, conf.id, user.id)?.iter().map(|v| BookingDetail::new(v, tz, now)).collect();
    let registered = is_confirmed_attendee(&mut Db::new(conn), conf.id, user.id)?;
    Ok(MinePage { bookings, registered })
}

/// All bookings of a day for organisers, with who booked.
pub fn manage_bookings(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<BookingsPage, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = tz(conf);
    let d = day_bounds(day, tz);
    let bookings = repo::bookings_between(conn, conf.id, d.start, d.end)?
        .iter()
        .map(|v| OrganiserBooking { booking: BookingDetail::new(v, tz, now), booker: v.booker_name.clone() })
        .collect();
    Ok(BookingsPage {
        shown: DayShown::new(conf, day),
        bookings,
        rooms: repo::rooms_of(conn, conf.id)?.iter().map(RoomView::from).collect(),
    })
}

/// The room board: for each room what is on now and what comes next (within a
/// week; the day is named when it is not today), in large type.
pub fn board(Db(conn): &mut Db, conf: &Conference, now: DateTime<Utc>) -> Result<BoardPage, AppError> {
    let tz = tz(conf);
    let today = local_day(now, tz);
    let views = repo::now_and_next(conn, conf.id, now, now + Duration::days(7))?;
    let item = |v: &BookingView| {
        let s = v.span();
        let start = s.start.with_timezone(&tz);
        BoardItem {
            title: booking_title(&v.booking),
            day: if start.date_naive() == today { String::new() } else { start.format("%a %-d %b").to_string() },
            from: start.format("%H:%M").to_string(),
            until: s.end.with_timezone(&tz).format("%H:%M").to_string(),
            block: v.booking.kind == BookingKind::Block,
        }
    };
    let rooms = repo::rooms_of(conn, conf.id)?
        .iter()
        .map(|r| {
            let mine: Vec<&BookingView> = views.iter().filter(|v| v.booking.room_id == r.id).collect();
            let current = mine.iter().find(|v| v.span().contains(now));
            let next = mine.iter().find(|v| v.span().start > now);
            BoardRoom {
                name: r.name.clone(),
                location: r.location.clone(),
                capacity: r.capacity,
                bookable: r.bookable,
                now: current.map(|v| item(v)),
                next: next.map(|v| item(v)),
            }
        })
        .collect();
    Ok(BoardPage {
        rooms,
        clock: now.with_timezone(&tz).format("%H:%M").to_string(),
        zone: now.with_timezone(&tz).format("%Z").to_string(),
        date: now.with_timezone(&tz).format("%A %-d %B %Y").to_string(),
        time_zone: conf.time_zone,
    })
}

/// Bookings of one room on one day, for the API.
pub fn room_day(Db(conn): &mut Db, conf: &Conference, room: Uuid, day: NaiveDate) -> Result<RoomDay, AppError> {
    let tz = tz(conf);
    let r = self::room(conn, conf, room)?;
    let d = day_bounds(day, tz);
    let bookings = repo::bookings_between(conn, conf.id, d.start, d.end)?
        .iter()
        .filter(|v| v.booking.room_id == r.id)
        .map(|v| PublicBooking::new(v, tz))
        .collect();
    Ok(RoomDay { bookings, date: day.to_string(), room: RoomView::from(&r), time_zone: tz.name() })
}

/// What the booking form offers: bookable rooms, lengths on the slot grid,
/// the person's unconference proposals.
pub fn form_options(Db(conn): &mut Db, conf: &Conference, user: &User) -> Result<FormOptions, AppError> {
    let settings = repo::settings(conn, conf.id)?;
    let r = settings.as_ref().map(|s| s.rules()).unwrap_or(DEFAULT_RULES);
    let lengths = (1..=(r.max_minutes / r.slot_minutes.max(1)))
        .map(|n| n * r.slot_minutes)
        .map(|m| LengthOption { minutes: m.to_string(), label: rules::minutes_label(m) })
        .collect();
    let rooms = repo::rooms_of(conn, conf.id)?.iter().filter(|r| r.bookable).map(RoomView::from).collect();
    let proposals = own_unconference_proposals(conn, conf, user)?
        .into_iter()
        .map(|(id, title, _)| ProposalOption { id: id.to_string(), title })
        .collect();
    Ok(FormOptions {
        configured: settings.is_some(),
        rooms,
        lengths,
        proposals,
        registered: is_confirmed_attendee(&mut Db::new(conn), conf.id, user.id)?,
        slot_minutes: r.slot_minutes,
        time_zone: conf.time_zone,
    })
}
