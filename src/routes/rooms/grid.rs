//! The grid `/c/{slug}/rooms`, the room board `/c/{slug}/board` and the iCalendar feeds.

use super::*;
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::rooms as service;
use crate::web::conference_page::{self, find, path_id};
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};

/// The grid is the same for everyone but the viewer's own bookings ("yours")
/// and the organisers' links: it is rendered once a second per day and filled
/// in for each viewer (see `render::overlaid`), since at the start of the
/// conference everyone opens it at once.
pub(super) async fn grid(
    ctx: Ctx,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let raw = q.into_inner().date;
    let asked = raw.as_deref().map(str::trim).unwrap_or("");
    let day = NaiveDate::parse_from_str(asked, "%Y-%m-%d").map(|d| d.to_string()).unwrap_or_else(|_| asked.into());
    let slot = Slot::path(format!("/c/{slug}/rooms")).param("date", &day);
    let viewer = {
        let (ctx, slug, raw) = (ctx.clone(), slug.clone(), raw.clone());
        async move {
            let (mut viewer, own) = render::viewer_in(&ctx, slug, move |conn, conf, user| {
                service::grid_viewer(conn, conf, parse_day(conf, raw.as_deref())?, user)
            })
            .await?;
            let Some(own) = own else {
                return Ok(viewer);
            };
            if own.organiser {
                viewer.hold("viewer:organiser");
            }
            for id in own.mine {
                viewer.need(format!("mine:{id}"));
            }
            Ok(viewer)
        }
    };
    let page = {
        let ctx = ctx.clone();
        async move {
            let (conf, view) = ctx
                .state
                .db(move |conn, _| {
                    let conf = conf_service::find(conn, &slug)?;
                    let day = parse_day(&conf, raw.as_deref())?;
                    let view = service::grid(conn, &conf, day, Utc::now())?;
                    Ok((conf, view))
                })
                .await?;
            let title = format!("Rooms · {}", conf.name);
            let overlay =
                render::overlay_of(&ctx, "rooms_grid", &title, conference_page::with_conference(&conf, view))?;
            Ok((String::new(), overlay))
        }
    };
    render::overlaid(&ctx, &req, slot, viewer, page).await
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
