//! Speakers: confirming or declining an accepted proposal, and the
//! organisers' list of speakers with their answers and registrations.

use crate::error::AppError;
use crate::services::speakers as service;
use crate::web::conference_page::{self, Acting, PathId};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/proposals/{id}/confirm", web::get().to(confirm_page))
        .route("/c/{slug}/proposals/{id}/confirm", web::post().to(respond))
        .route("/c/{slug}/manage/speakers", web::get().to(speakers))
        .route("/c/{slug}/manage/speakers/reminders", web::post().to(reminder_days));
}

async fn confirm_page(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    let view = at.db(move |conn, _, user, conf| service::confirmation(conn, user, conf, id)).await?;
    let title = format!("Confirm “{}” · {}", view.title, at.conf.name);
    conference_page::page(&at.ctx, StatusCode::OK, "speaker_confirm", &title, &at.conf, view)
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    answer: String,
}

async fn respond(at: Acting, PathId(id): PathId, form: web::Form<Answer>) -> Result<HttpResponse, AppError> {
    // Checked by the service after who may answer: a stranger learns nothing from a 400.
    let confirm = match form.answer.as_str() {
        "confirm" => Some(true),
        "decline" => Some(false),
        _ => None,
    };
    let flash = at.db(move |conn, _, user, conf| service::respond(conn, user, conf, id, confirm)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/proposals/{id}/confirm", at.conf.slug), Some(flash)))
}

async fn speakers(at: Acting) -> Result<HttpResponse, AppError> {
    let view = at.db(|conn, _, actor, conf| service::speakers_page(conn, actor, conf)).await?;
    let title = format!("Speakers · {}", at.conf.name);
    conference_page::page(&at.ctx, StatusCode::OK, "manage_speakers", &title, &at.conf, view)
}

#[derive(Deserialize)]
struct Days {
    #[serde(default)]
    days: String,
}

async fn reminder_days(at: Acting, form: web::Form<Days>) -> Result<HttpResponse, AppError> {
    let days = form.into_inner().days;
    at.db(move |conn, _, actor, conf| service::set_reminder_days(conn, actor, conf, &days)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/speakers", at.conf.slug), Some("reminder-days-saved")))
}
