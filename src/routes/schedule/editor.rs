//! The organisers' schedule editor: items, placing them in rooms and times, warnings, publishing.

use super::*;
use crate::domain::schedule::{ItemKind, Session, SessionKind};
use crate::domain::{text, time};
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences::Conference;
use crate::services::schedule as service;
use crate::services::schedule::NewItem;
use crate::services::views::conference as conference_view;
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{json, Value};

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

pub(super) async fn editor_page(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    errors: Value,
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
    let items: Vec<Value> = items
        .iter()
        .map(|i| {
            let typed = focus.as_ref().filter(|(id, _)| *id == i.public_id.to_string()).map(|(_, f)| f.clone());
            let room_guid = i.room_id.and_then(|id| rooms.iter().find(|r| r.id == id)).map(|r| r.public_id.to_string());
            let form = typed.unwrap_or_else(|| PlaceForm {
                room: room_guid.clone().unwrap_or_default(),
                starts_at: i.starts_at.map(|t| time::input_value(t, tz)).unwrap_or_else(|| default_start.clone()),
                minutes: match (i.starts_at, i.ends_at) {
                    (Some(s), Some(e)) => (e - s).num_minutes().to_string(),
                    _ => if i.kind == ItemKind::Microconference { "210".into() } else { "45".into() },
                },
            });
            json!({
                "id": i.public_id, "title": i.title, "kind": i.kind, "placed": i.starts_at.is_some(),
                "when": i.starts_at.map(|t| time::display(t, tz)), "room": room_guid.and_then(|g| rooms.iter().find(|r| r.public_id.to_string() == g)).map(|r| r.name.clone()),
                "form": form,
                "rooms": rooms.iter().map(|r| json!({ "value": r.public_id, "label": r.name, "selected": r.public_id.to_string() == form.room })).collect::<Vec<_>>(),
            })
        })
        .collect();
    // The day grid: rooms as columns, half hours as rows, every placed session in its cells.
    let mut days: Vec<NaiveDate> = draft.iter().map(|s| day_of(s, tz)).collect();
    days.sort();
    days.dedup();
    let grid: Vec<Value> = days
        .iter()
        .map(|d| day_grid(*d, &draft, &rooms.iter().map(|r| r.name.clone()).collect::<Vec<_>>(), tz))
        .collect();
    render::page(
        ctx,
        status,
        "schedule_editor",
        &format!("Schedule · {}", conf.name),
        json!({
            "conference": conference_view(&conf), "items": items, "warnings": warnings, "grid": grid, "errors": errors,
            "item_form": item_form, "kinds": ItemKind::BY_HAND.iter().map(|k| json!({ "value": k, "label": k.label() })).collect::<Vec<_>>(),
            "version": published.as_ref().map(|p| p.version), "published_at": published.as_ref().map(|p| time::display(p.published_at, tz)),
            "zone": conf.time_zone, "has_rooms": !rooms.is_empty(),
        }),
    )
}

/// A rooms × half-hours table for one day; each cell lists what runs then.
pub(super) fn day_grid(day: NaiveDate, sessions: &[Session], rooms: &[String], tz: Tz) -> Value {
    let todays: Vec<&Session> =
        sessions.iter().filter(|s| day_of(s, tz) == day && s.kind != SessionKind::Topic).collect();
    let first = todays.iter().map(|s| s.starts_at).min();
    let last = todays.iter().map(|s| s.ends_at).max();
    let mut rows = Vec::new();
    if let (Some(first), Some(last)) = (first, last) {
        let mut t = first;
        while t < last && rows.len() < 48 {
            let next = t + chrono::Duration::minutes(30);
            let cells: Vec<Value> = rooms
                .iter()
                .map(|room| {
                    let here: Vec<String> = todays
                        .iter()
                        .filter(|s| s.room.as_deref() == Some(room) && s.starts_at < next && t < s.ends_at)
                        .map(|s| s.title.clone())
                        .collect();
                    json!({ "titles": here, "busy": !here.is_empty() })
                })
                .collect();
            rows.push(json!({ "time": local(t, tz), "cells": cells }));
            t = next;
        }
    }
    json!({ "day": day.format("%A %-d %B %Y").to_string(), "rooms": rooms, "rows": rows })
}

pub(super) async fn editor(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    editor_page(&ctx, conf, StatusCode::OK, json!({}), ItemForm { kind: "keynote".into(), ..Default::default() }, None)
        .await
}

pub(super) async fn import(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::import_accepted(conn, &user, &conf)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-imported")))
}

pub(super) async fn create_item(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
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
        return editor_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, errors_json(&p.0), f, None).await;
    };
    let user = ctx.user()?.clone();
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
    let conf = ctx.organised(slug.clone()).await?;
    let f = form.into_inner();
    let tz = cfp::tz(&conf);
    let parsed = time::parse_local("starts_at", &f.starts_at, tz).and_then(|s| {
        crate::domain::proposal::parse_int("minutes", &f.minutes, 5, 720)
            .map(|m| (s, s + chrono::Duration::minutes(m as i64)))
    });
    let (starts, ends) = match parsed {
        Ok(v) => v,
        Err(e) => {
            let errors = errors_json(&[crate::domain::FieldError::new("place", format!("{}: {}", e.field, e.message))]);
            return editor_page(
                &ctx,
                conf,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                ItemForm::default(),
                Some((id, f)),
            )
            .await;
        }
    };
    let user = ctx.user()?.clone();
    let (c2, i2, room) = (conf.clone(), id.clone(), f.room.clone());
    match ctx.state.db(move |conn, _| service::place(conn, &user, &c2, &i2, &room, starts, ends)).await {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-placed"))),
        Err(AppError::Conflict(m)) => {
            editor_page(
                &ctx,
                conf,
                StatusCode::CONFLICT,
                errors_json(&[crate::domain::FieldError::new("place", m)]),
                ItemForm::default(),
                Some((id, f)),
            )
            .await
        }
        Err(AppError::BadRequest(m)) => {
            editor_page(
                &ctx,
                conf,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors_json(&[crate::domain::FieldError::new("place", m)]),
                ItemForm::default(),
                Some((id, f)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn unplace(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::unplace(conn, &user, &conf, &id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-unplaced")))
}

pub(super) async fn delete_item(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::delete_item(conn, &user, &conf, &id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-item-deleted")))
}

pub(super) async fn publish(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::publish(conn, &user, &conf)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/schedule"), Some("schedule-published")))
}
