//! The unconference board: sessions proposed on site, most wanted first, with
//! "I must be there" and "I'm interested" for registered attendees.

use crate::domain::unconference::SessionInput;
use crate::error::AppError;
use crate::services::unconference::{self as service, Board};
use crate::services::views::ConferenceView;
use crate::services::InputError;
use crate::web::conference_page::{self, Acting};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/unconference", web::get().to(board))
        .route("/c/{slug}/unconference/sessions", web::post().to(propose))
        .route("/c/{slug}/unconference/sessions/{id}/interest", web::post().to(mark));
}

#[derive(Serialize)]
struct BoardPage<'a> {
    conference: ConferenceView,
    board: Board,
    form: &'a SessionInput,
    signed_in: bool,
    problem: Option<String>,
    errors: serde_json::Value,
}

async fn board_page(ctx: &Ctx, slug: &str, form: &SessionInput, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let conf = conference_page::find(ctx, slug).await?;
    let (viewer, c) = (ctx.user.clone(), conf.clone());
    let board = ctx.state.db(move |conn, _| service::board(conn, viewer.as_ref(), &c, false)).await?;
    let data = BoardPage {
        conference: ConferenceView::of(&conf),
        board,
        form,
        signed_in: ctx.user.is_some(),
        problem: rejected.problem,
        errors: rejected.errors,
    };
    render::page(ctx, rejected.status, "unconference", &format!("Unconference · {}", conf.name), data)
}

async fn board(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    board_page(&ctx, &slug, &SessionInput { minutes: "60".into(), ..Default::default() }, Rejected::none()).await
}

/// The form's fields, with the equipment checkboxes as repeated keys.
fn session_input(body: &web::Bytes) -> Result<SessionInput, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
    let field = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    Ok(SessionInput {
        title: field("title"),
        description: field("description"),
        minutes: field("minutes"),
        needs: pairs.iter().filter(|(n, _)| n == "needs").map(|(_, v)| v.clone()).collect(),
    })
}

async fn propose(at: Acting, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let input = session_input(&body)?;
    let (at, slug) = (&at, slug.into_inner());
    form::handle(
        input,
        |i| Ok::<_, crate::domain::Problems>(i.clone()),
        |i| async move {
            let done = at.db(move |conn, _, user, conf| {
                Ok(match service::propose(conn, user, conf, &i) {
                    Ok(v) => Ok(v),
                    Err(InputError::Fields(f)) => Err(Ok(f)),
                    Err(InputError::App(AppError::Conflict(m))) => Err(Err(m)),
                    Err(InputError::App(e)) => return Err(e),
                })
            });
            done.await
        },
        |e| match e {
            Ok(fields) => Refusal::Again(Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &fields)),
            Err(m) => Refusal::Again(Rejected::problem(StatusCode::CONFLICT, m)),
        },
        |i, rejected| async move { board_page(&at.ctx, &slug, &i, rejected).await },
        |_| {
            std::future::ready(form::see_other(
                &at.ctx,
                &format!("/c/{}/unconference", at.conf.slug),
                "session-proposed",
            ))
        },
    )
    .await
}

#[derive(Deserialize)]
struct MarkForm {
    #[serde(default)]
    level: String,
}

async fn mark(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<MarkForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    let raw = form.into_inner().level;
    at.db(move |conn, _, user, conf| {
        let level = service::parse_level(&raw).map_err(|e| AppError::BadRequest(e.message))?;
        service::set_interest(conn, user, conf, id, level)
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/unconference#s-{id}"), Some("interest-saved")))
}
