//! The unconference board: sessions proposed on site, most wanted first, with
//! "I must be there" and "I'm interested" for registered attendees.

use crate::domain::time;
use crate::domain::unconference::SessionInput;
use crate::error::AppError;
use crate::services::unconference::{self as service, Board};
use crate::services::unconference_planner::{self as planner, AutoplanInput, AutoplanView, PlanOutcome};
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
        .route("/c/{slug}/unconference/sessions/{id}/interest", web::post().to(mark))
        .route("/c/{slug}/unconference/plan", web::post().to(apply_plan))
        .route("/c/{slug}/unconference/autoplan", web::post().to(save_autoplan));
}

#[derive(Serialize)]
struct BoardPage<'a> {
    conference: ConferenceView,
    board: Board,
    form: &'a SessionInput,
    signed_in: bool,
    /// Organisers: the planning form, and a preview when asked.
    organiser: bool,
    window: &'a Window,
    preview: Option<PlanOutcome>,
    autoplan: AutoplanView,
    /// Why the daily plan's form came back (with what was typed in it).
    autoplan_problem: Option<String>,
    to_place: usize,
    left_out: usize,
    zone: String,
    problem: Option<String>,
    errors: serde_json::Value,
}

/// The planning window as typed (local times in the conference's zone).
#[derive(Deserialize, Serialize, Default, Clone)]
struct Window {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// "on": placed sessions starting later than the notice may move.
    #[serde(default)]
    moving: String,
    #[serde(default)]
    notice_hours: String,
}

impl Window {
    fn request(&self, tz: chrono_tz::Tz, dry_run: bool) -> Result<planner::PlanRequest, AppError> {
        let at = |f, raw: &str| {
            time::parse_local(f, raw, tz).map_err(|e| AppError::BadRequest(format!("{f}: {}", e.message)))
        };
        let move_notice = match (self.moving.is_empty(), self.notice_hours.trim().parse::<i64>()) {
            (true, _) => None,
            (false, Ok(h)) if (0..=168).contains(&h) => Some(chrono::Duration::hours(h)),
            (false, _) => return Err(AppError::BadRequest("Notice: whole hours from 0 to 168.".into())),
        };
        Ok(planner::PlanRequest { from: at("from", &self.from)?, to: at("to", &self.to)?, dry_run, move_notice })
    }
}

async fn board_page(
    ctx: &Ctx,
    slug: &str,
    form: &SessionInput,
    window: &Window,
    rejected: Rejected,
    typed: Option<(AutoplanInput, String)>,
) -> Result<HttpResponse, AppError> {
    let conf = conference_page::find(ctx, slug).await?;
    let (viewer, c) = (ctx.user.clone(), conf.clone());
    let asked = (!window.from.is_empty()).then(|| window.request(conf.time_zone, true)).transpose()?;
    let (board, organiser, preview, autoplan) = ctx
        .state
        .db(move |conn, st| {
            let board = service::board(conn, viewer.as_ref(), &c, false)?;
            let organiser = match viewer.as_ref() {
                Some(u) => crate::services::conferences::is_organiser(conn, &c, u)?,
                None => false,
            };
            let (preview, autoplan) = match (organiser, viewer.as_ref()) {
                (true, Some(u)) => (
                    asked.map(|req| planner::plan(conn, st, u, &c, &req)).transpose()?,
                    planner::autoplan(conn, u, &c)?,
                ),
                _ => (None, AutoplanView::default()),
            };
            Ok((board, organiser, preview, autoplan))
        })
        .await?;
    let (autoplan, autoplan_problem) = match typed {
        Some((form, why)) => (AutoplanView { form, ..autoplan }, Some(why)),
        None => (autoplan, None),
    };
    let data = BoardPage {
        conference: ConferenceView::of(&conf),
        board,
        form,
        signed_in: ctx.user.is_some(),
        organiser,
        window,
        to_place: preview.as_ref().map_or(0, |p| p.placed.len()),
        left_out: preview.as_ref().map_or(0, |p| p.unplaced.len()),
        preview,
        autoplan,
        autoplan_problem,
        zone: conf.time_zone.name().to_string(),
        problem: rejected.problem,
        errors: rejected.errors,
    };
    render::page(ctx, rejected.status, "unconference", &format!("Unconference · {}", conf.name), data)
}

async fn board(ctx: Ctx, slug: web::Path<String>, q: web::Query<Window>) -> Result<HttpResponse, AppError> {
    let fresh = SessionInput { minutes: "60".into(), ..Default::default() };
    board_page(&ctx, &slug, &fresh, &q.into_inner(), Rejected::none(), None).await
}

/// Plans the window and books the rooms (organisers), then back to the board.
async fn apply_plan(at: Acting, slug: web::Path<String>, form: web::Form<Window>) -> Result<HttpResponse, AppError> {
    let w = form.into_inner();
    let outcome = at
        .organising(move |conn, st, user, conf| {
            let req = w.request(conf.time_zone, false)?;
            planner::plan(conn, st, user, conf, &req)
        })
        .await?;
    let flash = if outcome.placed.is_empty() { "plan-nothing-new" } else { "plan-applied" };
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/unconference"), Some(flash)))
}

/// Saves the organisers' standing order ("every day at 20:00, plan tomorrow").
async fn save_autoplan(
    at: Acting,
    slug: web::Path<String>,
    form: web::Form<AutoplanInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let typed = input.clone();
    match at.organising(move |conn, _, user, conf| planner::save_autoplan(conn, user, conf, &input)).await {
        Ok(()) => Ok(render::redirect(&at.ctx, &format!("/c/{slug}/unconference#autoplan-h"), Some("autoplan-saved"))),
        // The board again, with the reason and what was typed.
        Err(AppError::BadRequest(why)) => {
            let (fresh, status) =
                (SessionInput { minutes: "60".into(), ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY);
            board_page(&at.ctx, &slug, &fresh, &Window::default(), Rejected::status(status), Some((typed, why))).await
        }
        Err(e) => Err(e),
    }
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
        |i, rejected| async move { board_page(&at.ctx, &slug, &i, &Window::default(), rejected, None).await },
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
