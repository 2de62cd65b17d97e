//! Organisers: all bookings of a day, blocks and moves.

use super::*;
use crate::domain::booking::Span;
use crate::domain::{text, Problems};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError};
use crate::web::conference_page::{self, Acting, PathId};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// A block: the room and range (as for a move) and what the block is called.
#[derive(Deserialize, serde::Serialize, Default, Clone)]
pub(super) struct BlockForm {
    #[serde(flatten)]
    range: MoveForm,
    #[serde(default)]
    title: String,
}

/// Bookings of a day on the organisers' list at a time.
const BOOKINGS_PER_PAGE: usize = 100;

/// A day's bookings, a page at a time.
#[derive(serde::Serialize)]
struct PagedBookings {
    #[serde(flatten)]
    view: service::views::BookingsPage,
    pager: crate::web::pager::PagerView,
}

pub(super) async fn bookings_page(
    at: &Acting,
    day: NaiveDate,
    page: &str,
    form: BlockForm,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let mut view =
        at.db(move |conn, _, actor, conf| service::manage_bookings(conn, actor, conf, day, Utc::now())).await?;
    let path = format!("/c/{}/manage/rooms/bookings", at.conf.slug);
    let keep = [("date", day.to_string())];
    let rows = std::mem::take(&mut view.bookings);
    let (rows, pager) = crate::web::pager::page_of(rows, page, BOOKINGS_PER_PAGE, &path, &keep, "Booking pages");
    view.bookings = rows;
    let title = format!("Room bookings · manage {}", at.conf.name);
    let data = PagedBookings { view, pager };
    conference_page::form_page(&at.ctx, "rooms_bookings", &title, &at.conf, data, form, rejected)
}

pub(super) async fn manage_bookings(
    at: Acting,
    q: web::Query<DateQuery>,
    p: web::Query<crate::web::pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    let day = parse_day(&at.conf, q.date.as_deref())?;
    let form = BlockForm { title: "Reserved".into(), ..Default::default() };
    bookings_page(&at, day, &p.page, form, Rejected::none()).await
}

pub(super) fn parse_range(tz: chrono_tz::Tz, p: &mut Problems, start: &str, end: &str) -> Option<Span> {
    let s = p.check(crate::domain::time::parse_local("start", start, tz));
    let e = p.check(crate::domain::time::parse_local("end", end, tz));
    match (s, e) {
        (Some(s), Some(e)) if e > s => Some(Span::new(s, e)),
        (Some(_), Some(_)) => {
            p.add("end", "must be after the start");
            None
        }
        _ => None,
    }
}

/// The room a block or move names; anything else is a problem on the field.
fn parse_room(p: &mut Problems, raw: &str) -> Option<Uuid> {
    let room = Uuid::parse_str(raw.trim()).ok();
    if room.is_none() {
        p.add("room", "choose a room");
    }
    room
}

impl BlockForm {
    /// The room, the range and the title of a block.
    fn parse(&self, tz: chrono_tz::Tz) -> Result<(Uuid, Span, String), Problems> {
        let mut p = Problems::default();
        let place = self.range.read(tz, &mut p);
        let title = p.check(text::single_line("title", &self.title, 1, 120));
        match (place, title) {
            (Some((room, span)), Some(title)) => Ok((room, span, title)),
            _ => Err(p),
        }
    }

    /// The day the form is about: the start's, when the range reads, else the default day.
    fn day(&self, conf: &Conference) -> NaiveDate {
        let tz = service::tz(conf);
        parse_range(tz, &mut Problems::default(), &self.range.start, &self.range.end)
            .map(|s| day_of(s, tz))
            .unwrap_or(service::default_day(conf, Utc::now()))
    }
}

fn day_of(span: Span, tz: chrono_tz::Tz) -> NaiveDate {
    span.start.with_timezone(&tz).date_naive()
}

/// A block or move the service refused: the message at the top of the form
/// (409 when the range is taken); a failure is the error page.
fn range_refusal(tz: chrono_tz::Tz) -> impl FnOnce(BookError) -> Refusal {
    move |e| {
        let status = match e {
            BookError::App(e) => return Refusal::Fail(e),
            BookError::Taken { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Refusal::Again(Rejected::problem(status, e.message(tz)))
    }
}

/// Where the organiser goes after a block or move: the bookings of its day.
fn bookings_of_day(
    ctx: &Ctx,
    slug: &str,
    span: Span,
    tz: chrono_tz::Tz,
    flash: &str,
) -> Result<HttpResponse, AppError> {
    form::see_other(ctx, &format!("/c/{slug}/manage/rooms/bookings?date={}", day_of(span, tz)), flash)
}

pub(super) async fn block(at: Acting, form: web::Form<BlockForm>) -> Result<HttpResponse, AppError> {
    let tz = service::tz(&at.conf);
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |(room, span, title)| {
            at.db(move |conn, _, actor, conf| Ok(service::block(conn, actor, conf, room, span, &title).map(|()| span)))
        },
        range_refusal(tz),
        |input, rejected| bookings_page(&at, input.day(&at.conf), "1", input, rejected),
        |span| std::future::ready(bookings_of_day(&at.ctx, &at.conf.slug, span, tz, "room-blocked")),
    )
    .await
}

#[derive(Deserialize, serde::Serialize, Default, Clone)]
pub(super) struct MoveForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

pub(super) async fn move_page(
    at: &Acting,
    id: Uuid,
    typed: Option<MoveForm>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let view = at.db(move |conn, _, actor, conf| service::booking_for_move(conn, actor, conf, id, Utc::now())).await?;
    let form = typed.unwrap_or_else(|| MoveForm {
        room: view.booking.room.id.to_string(),
        start: view.booking.starts_local.clone(),
        end: view.booking.ends_local.clone(),
    });
    let title = format!("Move a booking · {}", at.conf.name);
    conference_page::form_page(&at.ctx, "room_move", &title, &at.conf, view, form, rejected)
}

pub(super) async fn move_form(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    move_page(&at, id, None, Rejected::none()).await
}

impl MoveForm {
    /// The room and the range the booking moves to.
    fn parse(&self, tz: chrono_tz::Tz) -> Result<(Uuid, Span), Problems> {
        let mut p = Problems::default();
        self.read(tz, &mut p).ok_or(p)
    }

    /// The room and the range, with what is wrong with them added to `p`.
    fn read(&self, tz: chrono_tz::Tz, p: &mut Problems) -> Option<(Uuid, Span)> {
        let room = parse_room(p, &self.room);
        let span = parse_range(tz, p, &self.start, &self.end);
        room.zip(span)
    }
}

pub(super) async fn move_booking(
    at: Acting,
    PathId(id): PathId,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let tz = service::tz(&at.conf);
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |(room, span)| {
            at.db(move |conn, _, actor, conf| {
                Ok(service::move_booking(conn, actor, conf, id, room, span).map(|()| span))
            })
        },
        range_refusal(tz),
        |input, rejected| move_page(&at, id, Some(input), rejected),
        |span| std::future::ready(bookings_of_day(&at.ctx, &at.conf.slug, span, tz, "booking-moved")),
    )
    .await
}
