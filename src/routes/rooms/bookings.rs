//! Organisers: all bookings of a day, blocks and moves.

use super::*;
use crate::domain::booking::Span;
use crate::domain::{text, Problems};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError};
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

#[derive(Deserialize, serde::Serialize, Default, Clone)]
pub(super) struct BlockForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    title: String,
}

pub(super) async fn bookings_page(
    ctx: &Ctx,
    conf: Conference,
    day: NaiveDate,
    status: StatusCode,
    form: BlockForm,
    errors: Value,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::manage_bookings(conn, &actor, &c, day, Utc::now())).await?;
    let mut data = page_data(&conf, view)?;
    data["form"] = json!(form);
    data["errors"] = errors;
    data["problem"] = json!(problem);
    let title = format!("Room bookings · manage {}", conf.name);
    render::page(ctx, status, "rooms_bookings", &title, data)
}

pub(super) async fn manage_bookings(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/bookings")) {
        return Ok(r);
    }
    let conf = find_conf(&ctx, &slug).await?;
    let day = parse_day(&conf, q.date.as_deref())?;
    let form = BlockForm { title: "Reserved".into(), ..Default::default() };
    bookings_page(&ctx, conf, day, StatusCode::OK, form, json!({}), None).await
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

pub(super) async fn block(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<BlockForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let mut p = Problems::default();
    let room = Uuid::parse_str(input.room.trim()).ok();
    if room.is_none() {
        p.add("room", "choose a room");
    }
    let span = parse_range(tz, &mut p, &input.start, &input.end);
    let title = p.check(text::single_line("title", &input.title, 1, 120));
    let day = span.map(|s| s.start.with_timezone(&tz).date_naive()).unwrap_or(service::default_day(&conf, Utc::now()));
    let (Some(room), Some(span), Some(title)) = (room, span, title) else {
        return bookings_page(&ctx, conf, day, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&p.0), None).await;
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::block(conn, &actor, &c, room, span, &title))).await?;
    match r {
        Ok(()) => Ok(render::redirect(
            &ctx,
            &format!("/c/{}/manage/rooms/bookings?date={day}", conf.slug),
            Some("room-blocked"),
        )),
        Err(BookError::App(e)) => Err(e),
        Err(e) => {
            let status = if matches!(e, BookError::Taken { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let msg = e.message(tz);
            bookings_page(&ctx, conf, day, status, input, json!({}), Some(msg)).await
        }
    }
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
    ctx: &Ctx,
    conf: Conference,
    id: Uuid,
    status: StatusCode,
    typed: Option<(MoveForm, Value)>,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let (v, rooms) = ctx.state.db(move |conn, _| service::booking_for_move(conn, &actor, &c, id)).await?;
    let tz = service::tz(&conf);
    let booking = service::booking_json(&v, tz, Utc::now());
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            MoveForm {
                room: v.room_public_id.to_string(),
                start: booking.starts_local.clone(),
                end: booking.ends_local.clone(),
            },
            json!({}),
        )
    });
    let title = format!("Move a booking · {}", conf.name);
    render::page(
        ctx,
        status,
        "room_move",
        &title,
        json!({
            "conference": conf_json(&conf), "booking": booking, "booker": v.booker_name,
            "rooms": rooms.iter().map(service::room_json).collect::<Vec<_>>(),
            "form": form, "errors": errors, "problem": problem,
        }),
    )
}

pub(super) async fn move_form(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/bookings/{id}/move")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    move_page(&ctx, conf, id, StatusCode::OK, None, None).await
}

pub(super) async fn move_booking(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let mut p = Problems::default();
    let room = Uuid::parse_str(input.room.trim()).ok();
    if room.is_none() {
        p.add("room", "choose a room");
    }
    let span = parse_range(tz, &mut p, &input.start, &input.end);
    let (Some(room), Some(span)) = (room, span) else {
        let errors = errors_json(&p.0);
        return move_page(&ctx, conf, id, StatusCode::UNPROCESSABLE_ENTITY, Some((input, errors)), None).await;
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::move_booking(conn, &actor, &c, id, room, span))).await?;
    match r {
        Ok(()) => {
            let day = span.start.with_timezone(&tz).date_naive();
            Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms/bookings?date={day}"), Some("booking-moved")))
        }
        Err(BookError::App(e)) => Err(e),
        Err(e) => {
            let status = if matches!(e, BookError::Taken { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let msg = e.message(tz);
            move_page(&ctx, conf, id, status, Some((input, json!({}))), Some(msg)).await
        }
    }
}
