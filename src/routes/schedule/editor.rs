//! The organisers' schedule editor: items, placing them in rooms and times, warnings, publishing.

use crate::domain::schedule::ItemKind;
use crate::domain::{text, time};
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences::Conference;
use crate::services::schedule as service;
use crate::services::schedule::NewItem;
use crate::services::schedule_editor::{self as service_editor, EditorFilter};
use crate::services::views::ConferenceView;
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize, Default, serde::Serialize, Clone)]
pub(super) struct ItemForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    speakers: String,
    #[serde(default)]
    r#abstract: String,
}

#[derive(Deserialize, Default, serde::Serialize, Clone)]
pub(super) struct PlaceForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    minutes: String,
}

/// The schedule editor: the service's view (grid, side list, warnings) and the new-item form.
#[derive(Serialize)]
struct EditorPage {
    conference: ConferenceView,
    view: service_editor::EditorView,
    /// The shared grid partial asks whether it is the editor's.
    editable: bool,
    errors: Value,
    item_form: ItemForm,
    kinds: Vec<Kind>,
}

/// A kind of item organisers add by hand.
#[derive(Serialize)]
struct Kind {
    value: ItemKind,
    label: &'static str,
}

/// The editor with `item_form` as typed; `rejected` says why it is shown again.
pub(super) async fn editor_page(
    ctx: &Ctx,
    conf: Conference,
    rejected: Rejected,
    item_form: ItemForm,
    filter: EditorFilter,
) -> Result<HttpResponse, AppError> {
    let (c, user) = (conf.clone(), ctx.user()?.clone());
    let view = ctx
        .state
        .db(move |conn, st| service_editor::editor(conn, (&st.exports, &st.drafts), &user, &c, filter))
        .await?;
    let data = EditorPage {
        conference: ConferenceView::of(&conf),
        view,
        editable: true,
        errors: rejected.errors,
        item_form,
        kinds: ItemKind::BY_HAND.iter().map(|&value| Kind { value, label: value.label() }).collect(),
    };
    render::page(ctx, rejected.status, "schedule_editor", &format!("Schedule · {}", conf.name), data)
}

pub(super) async fn editor(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<EditorFilter>,
) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let item_form = ItemForm { kind: "keynote".into(), ..Default::default() };
    editor_page(&ctx, conf, Rejected::none(), item_form, q.into_inner()).await
}

/// One item's page: where it is, and the form that places it (the way to do
/// everything the grid's dragging does, without JavaScript).
#[derive(Serialize)]
struct ItemPage {
    conference: ConferenceView,
    item: service_editor::ItemView,
    form: PlaceForm,
    errors: Value,
}

async fn item_page(
    ctx: &Ctx,
    conf: Conference,
    id: uuid::Uuid,
    typed: Option<PlaceForm>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let (c, user) = (conf.clone(), ctx.user()?.clone());
    let item = ctx.state.db(move |conn, _| service_editor::item(conn, &user, &c, id)).await?;
    let form = typed.unwrap_or_else(|| PlaceForm {
        room: item.room_value.clone(),
        starts_at: item.starts_at.clone(),
        minutes: item.minutes.to_string(),
    });
    let title = format!("{} · Schedule · {}", item.title, conf.name);
    let data = ItemPage { conference: ConferenceView::of(&conf), item, form, errors: rejected.errors };
    render::page(ctx, rejected.status, "schedule_item", &title, data)
}

pub(super) async fn item(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    item_page(&ctx, conf, id, None, Rejected::none()).await
}

/// The editor's script asks for JSON; forms get pages and redirects.
fn wants_json(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

fn json_answer(status: StatusCode, body: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

pub(super) async fn import(at: Acting, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    at.organising(|conn, _, user, conf| service::import_accepted(conn, user, conf)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-imported")))
}

pub(super) async fn create_item(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let f = form.into_inner();
    let mut p = crate::domain::Problems::default();
    let kind = f.kind.parse::<ItemKind>().ok().filter(|k| ItemKind::BY_HAND.contains(k));
    if kind.is_none() {
        p.add("kind", "choose keynote, tutorial, break or other");
    }
    let title = p.check(text::single_line("title", &f.title, 1, 200));
    let speakers = p.check(text::single_line("speakers", &f.speakers, 0, 500));
    let abstract_md = p.check(text::multi_line("abstract", &f.r#abstract, 0, 20000));
    let (Some(kind), Some(title), Some(speakers), Some(abstract_md)) = (kind, title, speakers, abstract_md) else {
        let rejected = Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &p.0);
        return editor_page(&ctx, conf, rejected, f, EditorFilter::default()).await;
    };
    ctx.state
        .db(move |conn, _| {
            service::create_item(
                conn,
                &user,
                &conf,
                &NewItem {
                    kind,
                    proposal_id: None,
                    title: &title,
                    abstract_md: &abstract_md,
                    speakers: &speakers,
                    track_id: None,
                },
            )
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-item-added")))
}

pub(super) async fn place(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<PlaceForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let json = wants_json(&req);
    let f = form.into_inner();
    let tz = cfp::tz(&conf);
    let parsed = time::parse_local("starts_at", &f.starts_at, tz).and_then(|s| {
        crate::domain::proposal::parse_int("minutes", &f.minutes, 5, 720)
            .map(|m| (s, s + chrono::Duration::minutes(m as i64)))
    });
    let outcome = match parsed {
        Err(e) => Err((StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {}", e.field, e.message))),
        Ok((starts, ends)) => {
            let (c2, i2, room) = (conf.clone(), id.clone(), f.room.clone());
            match ctx.state.db(move |conn, _| service::place(conn, &user, &c2, &i2, &room, starts, ends)).await {
                Ok(()) => Ok(starts.with_timezone(&tz).date_naive()),
                Err(AppError::Conflict(m)) => Err((StatusCode::CONFLICT, m)),
                Err(AppError::BadRequest(m)) => Err((StatusCode::UNPROCESSABLE_ENTITY, m)),
                Err(e) => return Err(e),
            }
        }
    };
    match (outcome, json) {
        (Ok(_), true) => Ok(json_answer(StatusCode::OK, serde_json::json!({ "placed": true }))),
        (Ok(day), false) => {
            Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule?day={day}"), Some("schedule-placed")))
        }
        (Err((status, m)), true) => Ok(json_answer(status, serde_json::json!({ "error": m }))),
        (Err((status, m)), false) => {
            let item = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
            let rejected = Rejected::fields(status, &[crate::domain::FieldError::new("place", m)]);
            item_page(&ctx, conf, item, Some(f), rejected).await
        }
    }
}

/// Puts back the organiser's last move.
pub(super) async fn undo(at: Acting, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let result = at.organising(|conn, _, user, conf| service_editor::undo_last_move(conn, user, conf)).await;
    let back = format!("/c/{}/manage/schedule", at.conf.slug);
    match (result, wants_json(&req)) {
        (Ok(title), true) => Ok(json_answer(StatusCode::OK, serde_json::json!({ "undone": title }))),
        (Ok(_), false) => Ok(render::redirect(&at.ctx, &back, Some("schedule-undone"))),
        (Err(AppError::Conflict(m)), true) => Ok(json_answer(StatusCode::CONFLICT, serde_json::json!({ "error": m }))),
        (Err(e), _) => Err(e),
    }
}

/// What publishing would change, with the button that does it.
#[derive(Serialize)]
struct PublishPage {
    conference: ConferenceView,
    preview: service_editor::PublishPreview,
}

pub(super) async fn publish_page(at: Acting) -> Result<HttpResponse, AppError> {
    let preview = at.organising(|conn, _, user, conf| service_editor::publish_preview(conn, user, conf)).await?;
    let title = format!("Publish the schedule · {}", at.conf.name);
    let data = PublishPage { conference: ConferenceView::of(&at.conf), preview };
    render::page(&at.ctx, StatusCode::OK, "schedule_publish", &title, data)
}

pub(super) async fn unplace(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    at.organising(move |conn, _, user, conf| service::unplace(conn, user, conf, &id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-unplaced")))
}

pub(super) async fn delete_item(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    at.organising(move |conn, _, user, conf| service::delete_item(conn, user, conf, &id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-item-deleted")))
}

pub(super) async fn publish(at: Acting, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    at.organising(service::publish).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/schedule"), Some("schedule-published")))
}
