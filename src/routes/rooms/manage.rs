//! Organisers: `/c/{slug}/manage/rooms` (rooms, hours, rules) and a room's page.

use super::*;
use crate::domain::booking::{RoomInput, SettingsInput};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError};
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

pub(super) enum Rejected {
    None,
    Room(RoomInput, Value),
    Settings(SettingsInput, Value),
}

pub(super) async fn manage_page(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let mut view = ctx.state.db(move |conn, _| service::manage_view(conn, &actor, &c)).await?;
    let mut room_form = RoomInput { capacity: "20".into(), bookable: Some("on".into()), ..Default::default() };
    let (mut room_errors, mut settings_errors) = (json!({}), json!({}));
    match rejected {
        Rejected::None => {}
        Rejected::Room(input, errors) => {
            room_form = input;
            room_errors = errors;
        }
        Rejected::Settings(input, errors) => {
            view.settings = input;
            settings_errors = errors;
        }
    }
    let mut data = page_data(&conf, view)?;
    data["room_form"] = json!(room_form);
    data["room_errors"] = room_errors;
    data["settings_errors"] = settings_errors;
    let title = format!("Rooms · manage {}", conf.name);
    render::page(ctx, status, "rooms_manage", &title, data)
}

pub(super) async fn manage(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms")) {
        return Ok(r);
    }
    let conf = find_conf(&ctx, &slug).await?;
    manage_page(&ctx, conf, StatusCode::OK, Rejected::None).await
}

pub(super) async fn add_room(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<RoomInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return manage_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Room(input, errors)).await;
        }
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::add_room(conn, &actor, &c, &draft))).await?;
    match r {
        Ok(_) => Ok(render::redirect(&ctx, &format!("/c/{}/manage/rooms", conf.slug), Some("room-added"))),
        Err(BookError::Field(f)) => {
            manage_page(&ctx, conf, StatusCode::CONFLICT, Rejected::Room(input, errors_json(&[f]))).await
        }
        Err(e) => Err(into_app(e)),
    }
}

pub(super) fn into_app(e: BookError) -> AppError {
    match e {
        BookError::App(a) => a,
        BookError::NotRegistered => AppError::Forbidden,
        BookError::Taken { message, .. } => AppError::Conflict(message),
        other => AppError::BadRequest(other.message(chrono_tz::Tz::UTC)),
    }
}

pub(super) async fn save_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = SettingsInput::from_form(&form, &service::conference_days(&conf));
    let (rules, hours) = match input.parse() {
        Ok(x) => x,
        Err(p) => {
            let errors = errors_json(&p.0);
            return manage_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Settings(input, errors)).await;
        }
    };
    let c = conf.clone();
    ctx.state.db(move |conn, _| service::save_settings(conn, &actor, &c, &rules, &hours)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{}/manage/rooms", conf.slug), Some("room-settings-saved")))
}

pub(super) async fn room_page(
    ctx: &Ctx,
    conf: Conference,
    id: Uuid,
    status: StatusCode,
    typed: Option<(RoomInput, Value)>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let room = ctx.state.db(move |conn, _| service::room_for_edit(conn, &actor, &c, id)).await?;
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            RoomInput {
                name: room.name.clone(),
                capacity: room.capacity.to_string(),
                equipment: room.equipment.clone(),
                location: room.location.clone(),
                bookable: room.bookable.then(|| "on".to_string()),
                position: room.position.to_string(),
            },
            json!({}),
        )
    });
    let title = format!("{} · rooms · {}", room.name, conf.name);
    render::page(
        ctx,
        status,
        "room_edit",
        &title,
        json!({ "conference": conf_json(&conf), "room": service::room_json(&room), "form": form, "errors": errors }),
    )
}

pub(super) async fn edit_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/{id}")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    room_page(&ctx, conf, id, StatusCode::OK, None).await
}

pub(super) async fn update_room(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<RoomInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return room_page(&ctx, conf, id, StatusCode::UNPROCESSABLE_ENTITY, Some((input, errors))).await;
        }
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::update_room(conn, &actor, &c, id, &draft))).await?;
    match r {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms"), Some("room-saved"))),
        Err(BookError::Field(f)) => {
            room_page(&ctx, conf, id, StatusCode::CONFLICT, Some((input, errors_json(&[f])))).await
        }
        Err(e) => Err(into_app(e)),
    }
}

pub(super) async fn delete_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    ctx.state.db(move |conn, _| service::delete_room(conn, &actor, &conf, id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms"), Some("room-deleted")))
}
