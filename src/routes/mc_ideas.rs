//! The microconference ideas board: ideas for MCs, most supported first, with
//! support, "I'd lead this", comments, and a volunteer's "turn it into a
//! proposal"; organisers hide, show again and merge duplicates. Every action
//! is a plain form (no script needed).

use crate::domain::mc_idea::{self, IdeaInput, Stance};
use crate::error::AppError;
use crate::services::mc_ideas::{self as service, IdeaCard};
use crate::services::InputError;
use crate::web::conference_page::{self, Acting};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/mc-ideas", web::get().to(board))
        .route("/c/{slug}/mc-ideas", web::post().to(post))
        .route("/c/{slug}/mc-ideas/{id}/support", web::post().to(support))
        .route("/c/{slug}/mc-ideas/{id}/unsupport", web::post().to(unsupport))
        .route("/c/{slug}/mc-ideas/{id}/comments", web::post().to(comment))
        .route("/c/{slug}/mc-ideas/{id}/propose", web::post().to(propose))
        .route("/c/{slug}/mc-ideas/{id}/hide", web::post().to(hide))
        .route("/c/{slug}/mc-ideas/{id}/unhide", web::post().to(unhide))
        .route("/c/{slug}/mc-ideas/{id}/comments/{comment}/hide", web::post().to(hide_comment))
        .route("/c/{slug}/mc-ideas/{id}/comments/{comment}/unhide", web::post().to(unhide_comment))
        .route("/c/{slug}/mc-ideas/{id}/merge", web::post().to(merge));
}

#[derive(Serialize)]
struct IdeasPage {
    board: BoardView,
    /// Someone who may write (a confirmed address) is looking.
    signed_in: bool,
    /// Logged in, with an address nobody confirmed yet.
    unverified: bool,
    /// The form to post an idea: while the board is open, and when a refused
    /// one comes back (the board closed meanwhile), so nothing typed is lost.
    show_form: bool,
}

#[derive(Serialize)]
struct BoardView {
    ideas: Vec<Card>,
    open: bool,
    closed_note: Option<String>,
    organiser: bool,
}

/// An idea, and what was typed in its forms when one of them came back.
#[derive(Serialize)]
struct Card {
    #[serde(flatten)]
    card: IdeaCard,
    typed: Typed,
}

#[derive(Serialize, Default)]
struct Typed {
    note: String,
    note_error: Option<String>,
    comment: String,
    comment_error: Option<String>,
    merge_error: Option<String>,
}

/// Which form of which idea comes back, with what was typed and why.
enum Again {
    Nothing,
    Note { idea: Uuid, note: String, error: String },
    Comment { idea: Uuid, body: String, error: String },
    Merge { idea: Uuid, error: String },
}

impl Again {
    fn typed_for(&self, idea: Uuid) -> Typed {
        match self {
            Again::Note { idea: i, note, error } if *i == idea => {
                Typed { note: note.clone(), note_error: Some(error.clone()), ..Typed::default() }
            }
            Again::Comment { idea: i, body, error } if *i == idea => {
                Typed { comment: body.clone(), comment_error: Some(error.clone()), ..Typed::default() }
            }
            Again::Merge { idea: i, error } if *i == idea => {
                Typed { merge_error: Some(error.clone()), ..Typed::default() }
            }
            _ => Typed::default(),
        }
    }
}

async fn board_page(
    ctx: &Ctx,
    slug: &str,
    form: &IdeaInput,
    rejected: Rejected,
    again: Again,
) -> Result<HttpResponse, AppError> {
    let conf = conference_page::find(ctx, slug).await?;
    let (viewer, c) = (ctx.user.clone(), conf.clone());
    let board = ctx.state.db(move |conn, _| service::board(conn, viewer.as_ref(), &c)).await?;
    let ideas = board
        .ideas
        .into_iter()
        .map(|card| {
            let typed = again.typed_for(card.idea.id);
            Card { card, typed }
        })
        .collect();
    let view = IdeasPage {
        show_form: ctx.user.is_some() && (board.open || rejected.problem.is_some()),
        board: BoardView { ideas, open: board.open, closed_note: board.closed_note, organiser: board.organiser },
        signed_in: ctx.user.is_some(),
        unverified: ctx.user.is_none() && ctx.account.is_some(),
    };
    let title = format!("Microconference ideas · {}", conf.name);
    conference_page::form_page(ctx, "mc_ideas", &title, &conf, view, form, rejected)
}

async fn board(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    board_page(&ctx, &slug, &IdeaInput::default(), Rejected::none(), Again::Nothing).await
}

fn to_idea(ctx: &Ctx, slug: &str, idea: Uuid, flash: &str) -> HttpResponse {
    render::redirect(ctx, &format!("/c/{slug}/mc-ideas#idea-{idea}"), Some(flash))
}

/// Posts an idea; bad input comes back (422) with what was typed, and so
/// does a refusal (the board closed: 409; too many today: 429).
async fn post(at: Acting, slug: web::Path<String>, form: web::Form<IdeaInput>) -> Result<HttpResponse, AppError> {
    let (at, slug) = (&at, slug.into_inner());
    form::handle(
        form.into_inner(),
        IdeaInput::parse,
        |d| async move { at.db(move |conn, _, user, conf| Ok(service::post(conn, user, conf, &d))).await },
        |e| match e {
            AppError::Conflict(m) => Refusal::Again(Rejected::problem(StatusCode::CONFLICT, m)),
            AppError::TooManyBecause(m) => Refusal::Again(Rejected::problem(StatusCode::TOO_MANY_REQUESTS, m)),
            e => Refusal::Fail(e),
        },
        |i, rejected| async move { board_page(&at.ctx, &slug, &i, rejected, Again::Nothing).await },
        |v| std::future::ready(Ok(to_idea(&at.ctx, &at.conf.slug, v.id, "idea-posted"))),
    )
    .await
}

#[derive(Deserialize)]
struct SupportForm {
    /// "on": volunteer to lead; "off": no longer; anything else: support only.
    #[serde(default)]
    lead: String,
    #[serde(default)]
    note: String,
}

/// Supports an idea, volunteers to lead it (with a note), or stops volunteering.
async fn support(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<SupportForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    at.db(move |conn, _, user, conf| service::require_may_act(conn, user, conf, id)).await?;
    let f = form.into_inner();
    let lead = match f.lead.as_str() {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    };
    let stance = match mc_idea::parse_stance(lead, &f.note) {
        Ok(s) => s,
        Err(e) => {
            let again = Again::Note { idea: id, note: f.note, error: e.message };
            let rejected = Rejected::status(StatusCode::UNPROCESSABLE_ENTITY);
            return board_page(&at.ctx, &slug, &IdeaInput::default(), rejected, again).await;
        }
    };
    let flash = match stance {
        Stance::Supports => "idea-supported",
        Stance::Leads(_) => "idea-volunteered",
        Stance::NoLonger => "lead-withdrawn",
    };
    at.db(move |conn, _, user, conf| service::support(conn, user, conf, id, &stance)).await?;
    Ok(to_idea(&at.ctx, &slug, id, flash))
}

async fn unsupport(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    at.db(move |conn, _, user, conf| service::unsupport(conn, user, conf, id)).await?;
    Ok(to_idea(&at.ctx, &slug, id, "support-withdrawn"))
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    comment: String,
}

/// Comments on an idea; an empty or too long comment comes back (422), and so
/// does the 31st of the day (429), with what was typed.
async fn comment(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    at.db(move |conn, _, user, conf| service::require_may_act(conn, user, conf, id)).await?;
    let typed = form.into_inner().comment;
    let blank = IdeaInput::default();
    let again = |error: String, status: StatusCode| {
        let again = Again::Comment { idea: id, body: typed.clone(), error };
        board_page(&at.ctx, &slug, &blank, Rejected::status(status), again)
    };
    let body = match mc_idea::parse_comment(&typed) {
        Ok(b) => b,
        Err(e) => return again(e.message, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match at.db(move |conn, _, user, conf| Ok(service::comment(conn, user, conf, id, &body))).await? {
        Ok(_) => Ok(to_idea(&at.ctx, &slug, id, "comment-posted")),
        Err(AppError::TooManyBecause(m)) => again(m, StatusCode::TOO_MANY_REQUESTS).await,
        Err(e) => Err(e),
    }
}

/// Turns the idea into a draft proposal, then shows it to the person who did.
async fn propose(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    let proposal = at.db(move |conn, st, user, conf| service::propose(conn, st, user, conf, id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/proposals/{proposal}"), Some("idea-proposed")))
}

async fn set_hidden(at: Acting, path: (String, String), hidden: bool) -> Result<HttpResponse, AppError> {
    let (slug, id) = path;
    let id = conference_page::path_id(&id)?;
    at.organising(move |conn, _, user, conf| service::set_hidden(conn, user, conf, id, hidden)).await?;
    Ok(to_idea(&at.ctx, &slug, id, if hidden { "idea-hidden" } else { "idea-shown" }))
}

async fn hide(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    set_hidden(at, path.into_inner(), true).await
}

async fn unhide(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    set_hidden(at, path.into_inner(), false).await
}

async fn set_comment_hidden(
    at: Acting,
    path: (String, String, String),
    hidden: bool,
) -> Result<HttpResponse, AppError> {
    let (slug, id, comment) = path;
    let (id, comment) = (conference_page::path_id(&id)?, conference_page::path_id(&comment)?);
    at.organising(move |conn, _, user, conf| service::set_comment_hidden(conn, user, conf, id, comment, hidden))
        .await?;
    Ok(to_idea(&at.ctx, &slug, id, if hidden { "comment-hidden" } else { "comment-shown" }))
}

async fn hide_comment(at: Acting, path: web::Path<(String, String, String)>) -> Result<HttpResponse, AppError> {
    set_comment_hidden(at, path.into_inner(), true).await
}

async fn unhide_comment(at: Acting, path: web::Path<(String, String, String)>) -> Result<HttpResponse, AppError> {
    set_comment_hidden(at, path.into_inner(), false).await
}

#[derive(Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

/// Merges the idea into the one chosen (organisers); a missing or wrong
/// choice comes back (422) on the idea's merge form.
async fn merge(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = conference_page::path_id(&id)?;
    at.db(move |conn, _, user, conf| service::require_moderator(conn, user, conf)).await?;
    let blank = IdeaInput::default();
    let again = |error: String| {
        let rejected = Rejected::status(StatusCode::UNPROCESSABLE_ENTITY);
        board_page(&at.ctx, &slug, &blank, rejected, Again::Merge { idea: id, error })
    };
    let into = match mc_idea::parse_merge_target(&form.into_inner().into) {
        Ok(into) => into,
        Err(e) => return again(e.message).await,
    };
    match at.db(move |conn, _, user, conf| Ok(service::merge(conn, user, conf, id, into))).await? {
        Ok(()) => Ok(to_idea(&at.ctx, &slug, into, "idea-merged")),
        Err(InputError::Fields(f)) => again(f.into_iter().next().map(|e| e.message).unwrap_or_default()).await,
        Err(InputError::App(e)) => Err(e),
    }
}
