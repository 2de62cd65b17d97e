//! The organisers' mail to chosen groups: the composer (preview, test, send)
//! and each mailing's delivery log.

use crate::error::AppError;
use crate::services::group_mail::{self as service, ComposeInput};
use crate::web::conference_page::{self, Acting, PathId};
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/mail", web::get().to(composer))
        .route("/c/{slug}/manage/mail", web::post().to(act))
        .route("/c/{slug}/manage/mail/{id}", web::get().to(mailing));
}

#[derive(Serialize)]
struct ComposerPage {
    #[serde(flatten)]
    view: service::ComposerView,
    errors: serde_json::Value,
    /// Said above the form (a test went out).
    notice: Option<&'static str>,
}

async fn page(at: &Acting, form: ComposeInput, preview: bool, rejected: Rejected) -> Result<HttpResponse, AppError> {
    page_with(at, form, preview, rejected, None).await
}

async fn page_with(
    at: &Acting,
    form: ComposeInput,
    preview: bool,
    rejected: Rejected,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let (view, problems) =
        at.db(move |conn, st, actor, conf| service::composer(conn, st, actor, conf, form, preview)).await?;
    let rejected =
        if problems.is_empty() { rejected } else { Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &problems) };
    let title = format!("Mail to a group · {}", at.conf.name);
    let data = ComposerPage { view, errors: rejected.errors, notice };
    conference_page::page(&at.ctx, rejected.status, "group_mail", &title, &at.conf, data)
}

async fn composer(at: Acting, q: web::Query<ComposeInput>) -> Result<HttpResponse, AppError> {
    page(&at, q.into_inner(), false, Rejected::none()).await
}

#[derive(Deserialize)]
struct Action {
    #[serde(flatten)]
    form: ComposeInput,
    #[serde(default)]
    action: String,
}

async fn act(at: Acting, form: web::Form<Action>) -> Result<HttpResponse, AppError> {
    let Action { form, action } = form.into_inner();
    let f = form.clone();
    let done = match action.as_str() {
        "test" => {
            at.db(move |conn, st, actor, conf| Ok(service::send_test(conn, st, actor, conf, &f).map(|()| None))).await?
        }
        "send" => at.db(move |conn, st, actor, conf| Ok(service::send(conn, st, actor, conf, &f).map(Some))).await?,
        // "preview", and any other button: look before sending.
        _ => return page(&at, form, true, Rejected::none()).await,
    };
    match done {
        Ok(None) => {
            let said = "A test went to your own address, filled in as for the first person of the group.";
            page_with(&at, form, true, Rejected::none(), Some(said)).await
        }
        Ok(Some(id)) => {
            Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/mail/{id}", at.conf.slug), Some("group-mail-sent")))
        }
        Err(crate::services::InputError::Fields(problems)) => {
            page(&at, form, false, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &problems)).await
        }
        Err(crate::services::InputError::App(e)) => Err(e),
    }
}

async fn mailing(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    let view = at.db(move |conn, _, actor, conf| service::mailing(conn, actor, conf, id)).await?;
    let title = format!("{} · Mail · {}", view.subject, at.conf.name);
    conference_page::page(&at.ctx, StatusCode::OK, "group_mailing", &title, &at.conf, view)
}
