//! Attendees book a room, see their bookings and cancel them.

use super::*;
use crate::domain::booking::{self, BookingInput, Span};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError, RoomRef};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected, Suggestion};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, Default)]
pub(super) struct BookQuery {
    room: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
}

/// The booking form with `form` as typed; `rejected` says why it is shown
/// again (a taken range carries what to try instead).
pub(super) async fn book_page(
    ctx: &Ctx,
    conf: Conference,
    form: BookingInput,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let c = conf.clone();
    let options = ctx.state.db(move |conn, _| service::form_options(conn, &c, &user)).await?;
    let title = format!("Book a room · {}", conf.name);
    render::page(
        ctx,
        rejected.status,
        "room_book",
        &title,
        json!({
            "conference": conf_json(&conf), "options": options, "form": form, "errors": rejected.errors,
            "problem": rejected.problem, "suggestions": rejected.suggestions,
            "back_date": form.start.get(..10).unwrap_or_default(),
        }),
    )
}

pub(super) async fn book_form(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<BookQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let q = q.into_inner();
    if ctx.user.is_none() {
        let next = serde_urlencoded::to_string([
            ("room", q.room.clone().unwrap_or_default()),
            ("start", q.start.clone().unwrap_or_default()),
        ])
        .unwrap_or_default();
        return Ok(ctx.to_login(&format!("/c/{slug}/rooms/book?{next}")));
    }
    let conf = find_conf(&ctx, &slug).await?;
    let form = BookingInput {
        room: q.room.unwrap_or_default(),
        start: q.start.unwrap_or_default(),
        minutes: q.minutes.unwrap_or_default(),
        ..Default::default()
    };
    book_page(&ctx, conf, form, Rejected::none()).await
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
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<BookingInput>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let room = input.room.clone();
    let mine = format!("/c/{}/rooms/mine", conf.slug);
    form::handle(
        input,
        |input| input.parse(tz),
        |draft| {
            let c = conf.clone();
            let span = draft.span;
            let req = service::Request {
                room: RoomRef::Id(draft.room),
                span: draft.span,
                title: draft.title,
                description: draft.description,
                proposal: draft.proposal,
            };
            // The span goes with a refusal: the suggestions are about it.
            ctx.state
                .db(move |conn, st| Ok(service::book(conn, st, &user, &c, &req, Utc::now()).map_err(|e| (e, span))))
        },
        |(e, span)| book_refusal(&conf, &room, e, &span),
        |input, rejected| book_page(&ctx, conf.clone(), input, rejected),
        |_| async { form::see_other(&ctx, &mine, "booking-made") },
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

pub(super) async fn mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/rooms/mine")) {
        return Ok(r);
    }
    let user = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::mine(conn, &user, &c, Utc::now())).await?;
    let data = page_data(&conf, view)?;
    let title = format!("My room bookings · {}", conf.name);
    render::ok(&ctx, "rooms_mine", &title, data)
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    back: String,
}

pub(super) async fn cancel(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let v = ctx.state.db(move |conn, _| service::cancel(conn, &user, &c, id)).await?;
    let to = if form.back == "manage" {
        format!(
            "/c/{slug}/manage/rooms/bookings?date={}",
            v.span().start.with_timezone(&service::tz(&conf)).date_naive()
        )
    } else {
        format!("/c/{slug}/rooms/mine")
    };
    Ok(render::redirect(&ctx, &to, Some("booking-cancelled")))
}
