//! Attendees book a room, see their bookings and cancel them.

use crate::domain::booking::{self, BookingInput, Span};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError, RoomRef};
use crate::web::conference_page::{self, Acting, PathId};
use crate::web::form::{self, Refusal, Rejected, Suggestion};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub(super) struct BookQuery {
    room: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
}

/// The booking page beside its form: what the form offers, and the day to go back to.
#[derive(Serialize)]
struct BookPage {
    options: service::views::FormOptions,
    back_date: String,
}

/// The booking form with `form` as typed; `rejected` says why it is shown
/// again (a taken range carries what to try instead).
pub(super) async fn book_page(at: &Acting, form: BookingInput, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let options = at.db(|conn, _, user, conf| service::form_options(conn, conf, user)).await?;
    let title = format!("Book a room · {}", at.conf.name);
    let view = BookPage { options, back_date: form.start.get(..10).unwrap_or_default().to_string() };
    conference_page::form_page(&at.ctx, "room_book", &title, &at.conf, view, form, rejected)
}

/// The booking form, prefilled from a free cell of the grid or a suggestion.
pub(super) async fn book_form(at: Acting, q: web::Query<BookQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let form = BookingInput {
        room: q.room.unwrap_or_default(),
        start: q.start.unwrap_or_default(),
        minutes: q.minutes.unwrap_or_default(),
        ..Default::default()
    };
    book_page(&at, form, Rejected::none()).await
}

/// Links to the booking form, prefilled with each suggested range or room.
pub(super) fn suggestion_links(conf: &Conference, room: &str, e: &BookError, want: &Span) -> Vec<Suggestion> {
    let tz = service::tz(conf);
    let link = |room: &str, start: chrono::DateTime<Utc>| {
        let q = serde_urlencoded::to_string([
            ("room", room.to_string()),
            ("start", crate::domain::time::input_value(start, tz)),
            ("minutes", want.minutes().to_string()),
        ])
        .unwrap_or_default();
        format!("/c/{}/rooms/book?{q}", conf.slug)
    };
    let mut out = Vec::new();
    if let BookError::Taken { nearest, free_rooms, .. } = e {
        for s in nearest {
            out.push(Suggestion { href: link(room, s.start), label: booking::span_label(s, tz) });
        }
        for (id, name) in free_rooms {
            out.push(Suggestion { href: link(&id.to_string(), want.start), label: format!("{name}, same time") });
        }
    }
    out
}

pub(super) async fn book(
    at: Acting,
    req: actix_web::HttpRequest,
    form: web::Form<BookingInput>,
) -> Result<HttpResponse, AppError> {
    // Adds the attendee's own booking: kept pages are renewed in the background
    // (the booker sees it at once through their viewer's keys).
    crate::web::page_cache::attendee_write(&req);
    let input = form.into_inner();
    let tz = service::tz(&at.conf);
    let room = input.room.clone();
    let mine = format!("/c/{}/rooms/mine", at.conf.slug);
    form::handle(
        input,
        |input| input.parse(tz),
        |draft| {
            let span = draft.span;
            let req = service::Request {
                room: RoomRef::Id(draft.room),
                span: draft.span,
                title: draft.title,
                description: draft.description,
                proposal: draft.proposal,
            };
            // The span goes with a refusal: the suggestions are about it.
            at.db(move |conn, st, user, conf| {
                Ok(service::book(conn, st, user, conf, &req, Utc::now()).map_err(|e| (e, span)))
            })
        },
        |(e, span)| book_refusal(&at.conf, &room, e, &span),
        |input, rejected| book_page(&at, input, rejected),
        |_| async { form::see_other(&at.ctx, &mine, "booking-made") },
    )
    .await
}

/// A refused booking: a field to mark, or a message with what to try instead.
fn book_refusal(conf: &Conference, room: &str, e: BookError, want: &Span) -> Refusal {
    let status = match e {
        BookError::App(e) => return Refusal::Fail(e),
        BookError::Field(f) => return Refusal::Again(Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &[f])),
        BookError::NotRegistered => StatusCode::FORBIDDEN,
        BookError::Taken { .. } | BookError::Clash => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let suggestions = suggestion_links(conf, room, &e, want);
    Refusal::Again(Rejected::problem(status, e.message(service::tz(conf))).suggesting(suggestions))
}

pub(super) async fn mine(at: Acting) -> Result<HttpResponse, AppError> {
    let Acting { ctx, user, conf } = at;
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::mine(conn, &user, &c, Utc::now())).await?;
    let title = format!("My room bookings · {}", conf.name);
    conference_page::page(&ctx, StatusCode::OK, "rooms_mine", &title, &conf, view)
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    back: String,
}

pub(super) async fn cancel(
    at: Acting,
    PathId(id): PathId,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let v = at.db(move |conn, _, user, conf| service::cancel(conn, user, conf, id)).await?;
    let slug = &at.conf.slug;
    let to = if form.back == "manage" {
        format!(
            "/c/{slug}/manage/rooms/bookings?date={}",
            v.span().start.with_timezone(&service::tz(&at.conf)).date_naive()
        )
    } else {
        format!("/c/{slug}/rooms/mine")
    };
    Ok(render::redirect(&at.ctx, &to, Some("booking-cancelled")))
}
