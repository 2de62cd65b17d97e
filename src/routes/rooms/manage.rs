//! Organisers: `/c/{slug}/manage/rooms` (rooms, hours, rules) and a room's page.

use crate::domain::booking::{RoomInput, SettingsInput};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError};
use crate::web::conference_page::{self, Acting, PathId};
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use uuid::Uuid;

/// Which form on the rooms page is shown again, and what was typed in it.
pub(super) enum Typed {
    Nothing,
    Room(RoomInput),
    Settings(SettingsInput),
}

/// The organisers' rooms page: the service's view with the new-room form, and
/// which of its two forms was refused.
#[derive(Serialize)]
struct RoomsPage {
    #[serde(flatten)]
    view: service::views::ManagePage,
    room_form: RoomInput,
    room_errors: Value,
    settings_errors: Value,
}

pub(super) async fn manage_page(at: &Acting, typed: Typed, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let view = at.db(|conn, _, actor, conf| service::manage_view(conn, actor, conf)).await?;
    let room_form = RoomInput { capacity: "20".into(), bookable: Some("on".into()), ..Default::default() };
    let mut page = RoomsPage {
        view,
        room_form,
        room_errors: conference_page::no_errors(),
        settings_errors: conference_page::no_errors(),
    };
    match typed {
        Typed::Nothing => {}
        Typed::Room(input) => {
            page.room_form = input;
            page.room_errors = rejected.errors;
        }
        Typed::Settings(input) => {
            page.view.settings = input;
            page.settings_errors = rejected.errors;
        }
    }
    let title = format!("Rooms · manage {}", at.conf.name);
    conference_page::page(&at.ctx, rejected.status, "rooms_manage", &title, &at.conf, page)
}

pub(super) async fn manage(at: Acting) -> Result<HttpResponse, AppError> {
    manage_page(&at, Typed::Nothing, Rejected::none()).await
}

pub(super) async fn add_room(at: Acting, form: web::Form<RoomInput>) -> Result<HttpResponse, AppError> {
    form::handle(
        form.into_inner(),
        RoomInput::parse,
        |draft| at.db(move |conn, _, actor, conf| Ok(service::add_room(conn, actor, conf, &draft))),
        room_refusal,
        |input, rejected| manage_page(&at, Typed::Room(input), rejected),
        |_| async { form::see_other(&at.ctx, &rooms_path(&at.conf), "room-added") },
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
    at: Acting,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    form::handle(
        SettingsInput::from_form(&form, &service::conference_days(&at.conf)),
        SettingsInput::parse,
        |(rules, hours)| async {
            let saved = at.db(move |conn, _, actor, conf| service::save_settings(conn, actor, conf, &rules, &hours));
            saved.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |input, rejected| manage_page(&at, Typed::Settings(input), rejected),
        |_| async { form::see_other(&at.ctx, &rooms_path(&at.conf), "room-settings-saved") },
    )
    .await
}

/// A room's edit page beside its form.
#[derive(Serialize)]
struct RoomPage {
    room: service::views::RoomView,
}

pub(super) async fn room_page(
    at: &Acting,
    id: Uuid,
    typed: Option<RoomInput>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let room = at.db(move |conn, _, actor, conf| service::room_for_edit(conn, actor, conf, id)).await?;
    let form = typed.unwrap_or_else(|| RoomInput {
        name: room.name.clone(),
        capacity: room.capacity.to_string(),
        equipment: room.equipment.clone(),
        location: room.location.clone(),
        bookable: room.bookable.then(|| "on".to_string()),
        position: room.position.to_string(),
        open_to_co_located: (room.open_to == "co_located").then(|| "on".to_string()),
    });
    let title = format!("{} · rooms · {}", room.name, at.conf.name);
    let view = RoomPage { room: service::views::RoomView::from(&room) };
    conference_page::form_page(&at.ctx, "room_edit", &title, &at.conf, view, form, rejected)
}

pub(super) async fn edit_room(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    room_page(&at, id, None, Rejected::none()).await
}

pub(super) async fn update_room(
    at: Acting,
    PathId(id): PathId,
    form: web::Form<RoomInput>,
) -> Result<HttpResponse, AppError> {
    form::handle(
        form.into_inner(),
        RoomInput::parse,
        |draft| at.db(move |conn, _, actor, conf| Ok(service::update_room(conn, actor, conf, id, &draft))),
        room_refusal,
        |input, rejected| room_page(&at, id, Some(input), rejected),
        |()| async { form::see_other(&at.ctx, &rooms_path(&at.conf), "room-saved") },
    )
    .await
}

pub(super) async fn delete_room(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    at.db(move |conn, _, actor, conf| service::delete_room(conn, actor, conf, id)).await?;
    Ok(render::redirect(&at.ctx, &rooms_path(&at.conf), Some("room-deleted")))
}
