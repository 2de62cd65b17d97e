//! "Copy this conference": the form, and the copy made from it.

use crate::domain::conference::CopyInput;
use crate::error::AppError;
use crate::services::copy as service;
use crate::web::conference_page::{self, Acting};
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/copy", web::get().to(form)).route("/c/{slug}/manage/copy", web::post().to(copy));
}

#[derive(Serialize)]
struct CopyPage {
    form: CopyInput,
    errors: serde_json::Value,
}

fn page(at: &Acting, form: CopyInput, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let title = format!("Copy {} for next year", at.conf.name);
    let data = CopyPage { form, errors: rejected.errors };
    conference_page::page(&at.ctx, rejected.status, "conference_copy", &title, &at.conf, data)
}

async fn form(at: Acting) -> Result<HttpResponse, AppError> {
    at.organising(|_, _, _, _| Ok(())).await?;
    page(&at, service::suggestion(&at.conf), Rejected::none())
}

async fn copy(at: Acting, form: web::Form<CopyInput>) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let typed = input.clone();
    let done = at.db(move |conn, _, actor, conf| Ok(service::copy_conference(conn, actor, conf, &typed))).await?;
    match done {
        Ok(copy) => Ok(render::redirect(&at.ctx, &format!("/c/{}/manage", copy.slug), Some("conference-copied"))),
        Err(crate::services::InputError::Fields(problems)) => {
            page(&at, input, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &problems))
        }
        Err(crate::services::InputError::App(e)) => Err(e),
    }
}
