//! The organisers' schedule editor: items, placing them in rooms and times, warnings, publishing.

use super::*;
use crate::domain::schedule::{ItemKind, Session};
use crate::domain::{text, time};
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences::Conference;
use crate::services::schedule as service;
use crate::services::schedule::NewItem;
use crate::services::views::{Choice, ConferenceView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use chrono_tz::Tz;
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

/// The schedule editor.
#[derive(Serialize)]
struct EditorPage {
    conference: ConferenceView,
    items: Vec<EditorItem>,
    warnings: Vec<String>,
    grid: Vec<DayGrid>,
    errors: Value,
    item_form: ItemForm,
    kinds: Vec<Kind>,
    version: Option<i32>,
    published_at: Option<String>,
    zone: Tz,
    has_rooms: bool,
}

/// A schedule item with the form that places it.
#[derive(Serialize)]
struct EditorItem {
    id: uuid::Uuid,
    title: String,
    kind: ItemKind,
    placed: bool,
    when: Option<String>,
    room: Option<String>,
    form: PlaceForm,
    rooms: Vec<Choice>,
}

/// A kind of item organisers add by hand.
#[derive(Serialize)]
struct Kind {
    value: ItemKind,
    label: &'static str,
}

/// A rooms × half-hours table for one day.
#[derive(Serialize)]
pub(super) struct DayGrid {
    day: String,
    rooms: Vec<String>,
    rows: Vec<GridRow>,
}

#[derive(Serialize)]
struct GridRow {
    time: String,
    cells: Vec<GridCell>,
}

/// What runs in one room in one half hour.
#[derive(Serialize)]
struct GridCell {
    titles: Vec<String>,
    busy: bool,
}

/// The editor with `item_form` as typed and, when `focus` names an item, its
/// place form as typed; `rejected` says why it is shown again.
pub(super) async fn editor_page(
    ctx: &Ctx,
    conf: Conference,
    rejected: Rejected,
    item_form: ItemForm,
    focus: Option<(String, PlaceForm)>,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let (items, rooms, draft, published) = ctx
        .state
        .db(move |conn, _| {
            let (items, rooms) = service::editor_items(conn, &c2)?;
            Ok((items, rooms, service::draft_sessions(conn, &c2)?, service::published(conn, &c2)?))
        })
        .await?;
    let tz = cfp::tz(&conf);
    let warnings = crate::domain::schedule::warnings(&draft, tz);
    let default_start =
        time::input_value(conf.starts_on.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(), chrono_tz::UTC);
    let items = items
        .iter()
        .map(|i| {
            let typed = focus.as_ref().filter(|(id, _)| *id == i.public_id.to_string()).map(|(_, f)| f.clone());
            let room_guid = i.room_id.and_then(|id| rooms.iter().find(|r| r.id == id)).map(|r| r.public_id.to_string());
            let form = typed.unwrap_or_else(|| PlaceForm {
                room: room_guid.clone().unwrap_or_default(),
                starts_at: i.starts_at.map(|t| time::input_value(t, tz)).unwrap_or_else(|| default_start.clone()),
                minutes: match (i.starts_at, i.ends_at) {
                    (Some(s), Some(e)) => (e - s).num_minutes().to_string(),
                    _ => {
                        if i.kind == "microconference" {
                            "210".into()
                        } else {
                            "45".into()
                        }
                    }
                },
            });
            EditorItem {
                id: i.public_id,
                title: i.title.clone(),
                kind: i.kind,
                placed: i.starts_at.is_some(),
                when: i.starts_at.map(|t| time::display(t, tz)),
                room: room_guid
                    .and_then(|g| rooms.iter().find(|r| r.public_id.to_string() == g))
                    .map(|r| r.name.clone()),
                rooms: rooms.iter().map(|r| Choice::new(r.public_id, r.name.clone(), &form.room)).collect(),
                form,
            }
        })
        .collect();
    // The day grid: rooms as columns, half hours as rows, every placed session in its cells.
    let mut days: Vec<NaiveDate> = draft.iter().map(|s| day_of(s, tz)).collect();
    days.sort();
    days.dedup();
    let grid = days
        .iter()
        .map(|d| day_grid(*d, &draft, &rooms.iter().map(|r| r.name.clone()).collect::<Vec<_>>(), tz))
        .collect();
    let data = EditorPage {
        conference: ConferenceView::of(&conf),
        items,
        warnings,
        grid,
        errors: rejected.errors,
        item_form,
        kinds: ItemKind::BY_HAND.iter().map(|&value| Kind { value, label: value.label() }).collect(),
        version: published.as_ref().map(|p| p.version),
        published_at: published.as_ref().map(|p| time::display(p.published_at, tz)),
        zone: conf.time_zone,
        has_rooms: !rooms.is_empty(),
    };
    render::page(ctx, rejected.status, "schedule_editor", &format!("Schedule · {}", conf.name), data)
}

/// A rooms × half-hours table for one day; each cell lists what runs then.
pub(super) fn day_grid(day: NaiveDate, sessions: &[Session], rooms: &[String], tz: Tz) -> DayGrid {
    let todays: Vec<&Session> = sessions.iter().filter(|s| day_of(s, tz) == day && s.kind != "topic").collect();
    let first = todays.iter().map(|s| s.starts_at).min();
    let last = todays.iter().map(|s| s.ends_at).max();
    let mut rows = Vec::new();
    if let (Some(first), Some(last)) = (first, last) {
        let mut t = first;
        while t < last && rows.len() < 48 {
            let next = t + chrono::Duration::minutes(30);
            let cells = rooms
                .iter()
                .map(|room| {
                    let here: Vec<String> = todays
                        .iter()
                        .filter(|s| s.room.as_deref() == Some(room) && s.starts_at < next && t < s.ends_at)
                        .map(|s| s.title.clone())
                        .collect();
                    GridCell { busy: !here.is_empty(), titles: here }
                })
                .collect();
            rows.push(GridRow { time: local(t, tz), cells });
            t = next;
        }
    }
    DayGrid { day: day.format("%A %-d %B %Y").to_string(), rooms: rooms.to_vec(), rows }
}

pub(super) async fn editor(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let item_form = ItemForm { kind: "keynote".into(), ..Default::default() };
    editor_page(&ctx, conf, Rejected::none(), item_form, None).await
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
        return editor_page(&ctx, conf, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &p.0), f, None).await;
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
    path: web::Path<(String, String)>,
    form: web::Form<PlaceForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let f = form.into_inner();
    let tz = cfp::tz(&conf);
    let parsed = time::parse_local("starts_at", &f.starts_at, tz).and_then(|s| {
        crate::domain::proposal::parse_int("minutes", &f.minutes, 5, 720)
            .map(|m| (s, s + chrono::Duration::minutes(m as i64)))
    });
    let (starts, ends) = match parsed {
        Ok(v) => v,
        Err(e) => {
            let problem = format!("{}: {}", e.field, e.message);
            return place_again(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, problem, (id, f)).await;
        }
    };
    let (c2, i2, room) = (conf.clone(), id.clone(), f.room.clone());
    let (status, m) =
        match ctx.state.db(move |conn, _| service::place(conn, &user, &c2, &i2, &room, starts, ends)).await {
            Ok(()) => {
                return Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-placed")))
            }
            Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, m),
            Err(AppError::BadRequest(m)) => (StatusCode::UNPROCESSABLE_ENTITY, m),
            Err(e) => return Err(e),
        };
    place_again(&ctx, conf, status, m, (id, f)).await
}

/// The editor again with an item's place form as typed and what was wrong with it.
async fn place_again(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    problem: String,
    typed: (String, PlaceForm),
) -> Result<HttpResponse, AppError> {
    let rejected = Rejected::fields(status, &[crate::domain::FieldError::new("place", problem)]);
    editor_page(ctx, conf, rejected, ItemForm::default(), Some(typed)).await
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
    at.organising(|conn, _, user, conf| service::publish(conn, user, conf)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/schedule"), Some("schedule-published")))
}
