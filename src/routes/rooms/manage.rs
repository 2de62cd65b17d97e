//! Organisers: `/c/{slug}/manage/rooms` (rooms, hours, rules) and a room's page.

use super::*;
use crate::domain::booking::{RoomInput, SettingsInput};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::collections::HashMap;
use std::convert::Infallible;
use uuid::Uuid;

/// Which form on the rooms page is shown again, and what was typed in it.
pub(super) enum Typed {
    Nothing,
    Room(RoomInput),
    Settings(SettingsInput),
}

pub(super) async fn manage_page(
    ctx: &Ctx,
    conf: Conference,
    typed: Typed,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let mut view = ctx.state.db(move |conn, _| service::manage_view(conn, &actor, &c)).await?;
    let mut room_form = RoomInput { capacity: "20".into(), bookable: Some("on".into()), ..Default::default() };
    let (mut room_errors, mut settings_errors) = (json!({}), json!({}));
    match typed {
        Typed::Nothing => {}
        Typed::Room(input) => {
            room_form = input;
            room_errors = rejected.errors;
        }
        Typed::Settings(input) => {
            view.settings = input;
            settings_errors = rejected.errors;
        }
    }
    let mut data = page_data(&conf, view)?;
    data["room_form"] = json!(room_form);
    data["room_errors"] = room_errors;
    data["settings_errors"] = settings_errors;
    let title = format!("Rooms · manage {}", conf.name);
    render::page(ctx, rejected.status, "rooms_manage", &title, data)
}

pub(super) async fn manage(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms")) {
        return Ok(r);
    }
    let conf = find_conf(&ctx, &slug).await?;
    manage_page(&ctx, conf, Typed::Nothing, Rejected::none()).await
}

pub(super) async fn add_room(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<RoomInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    form::handle(
        form.into_inner(),
        RoomInput::parse,
        |draft| ctx.state.db(move |conn, _| Ok(service::add_room(conn, &actor, &c, &draft))),
        room_refusal,
        |input, rejected| manage_page(&ctx, conf.clone(), Typed::Room(input), rejected),
        |_| async { form::see_other(&ctx, &rooms_path(&conf), "room-added") },
    )
    .await
}

fn rooms_path(conf: &Conference) -> String {
    format!("/c/{}/manage/rooms", conf.slug)
}

/// A room form the service refused: a field it marks (a name already used) is
/// shown on the form; anything else is the error page.
fn room_refusal(e: BookError) -> Refusal {
    match e {
        BookError::Field(f) => Refusal::Again(Rejected::fields(StatusCode::CONFLICT, &[f])),
        e => Refusal::Fail(into_app(e)),
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
    let c = conf.clone();
    form::handle(
        SettingsInput::from_form(&form, &service::conference_days(&conf)),
        SettingsInput::parse,
        |(rules, hours)| async {
            let saved = ctx.state.db(move |conn, _| service::save_settings(conn, &actor, &c, &rules, &hours));
            saved.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |input, rejected| manage_page(&ctx, conf.clone(), Typed::Settings(input), rejected),
        |_| async { form::see_other(&ctx, &rooms_path(&conf), "room-settings-saved") },
    )
    .await
}

pub(super) async fn room_page(
    ctx: &Ctx,
    conf: Conference,
    id: Uuid,
    typed: Option<RoomInput>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let room = ctx.state.db(move |conn, _| service::room_for_edit(conn, &actor, &c, id)).await?;
    let form = typed.unwrap_or_else(|| RoomInput {
        name: room.name.clone(),
        capacity: room.capacity.to_string(),
        equipment: room.equipment.clone(),
        location: room.location.clone(),
        bookable: room.bookable.then(|| "on".to_string()),
        position: room.position.to_string(),
    });
    let title = format!("{} · rooms · {}", room.name, conf.name);
    render::page(
        ctx,
        rejected.status,
        "room_edit",
        &title,
        json!({
            "conference": conf_json(&conf), "room": service::room_json(&room), "form": form,
            "errors": rejected.errors,
        }),
    )
}

pub(super) async fn edit_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/{id}")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    room_page(&ctx, conf, id, None, Rejected::none()).await
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
    let c = conf.clone();
    form::handle(
        form.into_inner(),
        RoomInput::parse,
        |draft| ctx.state.db(move |conn, _| Ok(service::update_room(conn, &actor, &c, id, &draft))),
        room_refusal,
        |input, rejected| room_page(&ctx, conf.clone(), id, Some(input), rejected),
        |()| async { form::see_other(&ctx, &format!("/c/{slug}/manage/rooms"), "room-saved") },
    )
    .await
}

pub(super) async fn delete_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    ctx.state.db(move |conn, _| service::delete_room(conn, &actor, &conf, id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms"), Some("room-deleted")))
}
