//! The grid `/c/{slug}/rooms`, the room board `/c/{slug}/board` and the iCalendar feeds.

use super::*;
use crate::error::AppError;
use crate::services::rooms as service;
use crate::web::conference_page::{self, find, path_id};
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

pub(super) async fn grid(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let conf = find(&ctx, &slug).await?;
    let day = parse_day(&conf, q.date.as_deref())?;
    let viewer = ctx.user.clone();
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::grid(conn, &c, day, viewer.as_ref(), Utc::now())).await?;
    let title = format!("Rooms · {}", conf.name);
    conference_page::page(&ctx, StatusCode::OK, "rooms_grid", &title, &conf, view)
}

pub(super) async fn board(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    // The screens at the venue all show the same page: render it once a second.
    let slot = Slot::path(format!("/c/{slug}/board"));
    render::shared(&ctx, &req, slot, render_board(ctx.clone(), req.clone(), slug)).await
}

pub(super) async fn render_board(
    ctx: Ctx,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let conf = find(&ctx, &slug).await?;
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::board(conn, &c, Utc::now())).await?;
    let title = format!("Room board · {}", conf.name);
    let data = conference_page::with_conference(&conf, view);
    render::ok_shared(&ctx, &req, String::new(), "room_board", &title, data)
}

pub(super) fn calendar(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}.ics\"")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(body)
}

pub(super) async fn ical_all(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = find(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, None)).await?;
    Ok(calendar(body, &format!("{}-rooms", conf.slug)))
}

pub(super) async fn ical_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, room) = path.into_inner();
    let room = path_id(&room)?;
    let conf = find(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, Some(room))).await?;
    Ok(calendar(body, &format!("{}-room", conf.slug)))
}
