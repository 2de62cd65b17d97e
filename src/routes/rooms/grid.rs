//! The grid `/c/{slug}/rooms`, the room board `/c/{slug}/board` and the iCalendar feeds.

use super::*;
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::rooms as service;
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde_json::json;

pub(super) async fn grid(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let conf = find_conf(&ctx, &slug).await?;
    let day = parse_day(&conf, q.date.as_deref())?;
    let viewer = ctx.user.clone();
    let c = conf.clone();
    let (view, can_manage) = ctx
        .state
        .db(move |conn, _| {
            let view = service::grid(conn, &c, day, viewer.as_ref(), Utc::now())?;
            let can_manage = match &viewer {
                Some(u) => conf_service::is_organiser(conn, &c, u)?,
                None => false,
            };
            Ok((view, can_manage))
        })
        .await?;
    let mut data = page_data(&conf, view)?;
    data["can_manage"] = json!(can_manage);
    let title = format!("Rooms · {}", conf.name);
    render::ok(&ctx, "rooms_grid", &title, data)
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
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let view = ctx.state.db(move |conn, _| service::board(conn, &c, Utc::now())).await?;
    let data = page_data(&conf, view)?;
    let title = format!("Room board · {}", conf.name);
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
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, None)).await?;
    Ok(calendar(body, &format!("{}-rooms", conf.slug)))
}

pub(super) async fn ical_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, room) = path.into_inner();
    let room = uuid(&room)?;
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, Some(room))).await?;
    Ok(calendar(body, &format!("{}-room", conf.slug)))
}
