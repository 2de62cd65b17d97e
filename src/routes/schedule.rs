//! The schedule: the organisers' editor (place items, warnings, publish) and the
//! public pages (by day, room and track; a page per session; stars and "my schedule").

use crate::domain::schedule::{self, DayChoice, Session};
use crate::domain::{markdown, text, time};
use crate::error::AppError;
use crate::routes::conferences::view as conference_view;
use crate::services::conferences::Conference;
use crate::services::schedule as service;
use crate::services::schedule::NewItem;
use crate::services::{cfp, conferences as conf_service};
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render::{self, errors_json};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/schedule", web::get().to(editor))
        .route("/c/{slug}/manage/schedule/import", web::post().to(import))
        .route("/c/{slug}/manage/schedule/items", web::post().to(create_item))
        .route("/c/{slug}/manage/schedule/items/{id}/place", web::post().to(place))
        .route("/c/{slug}/manage/schedule/items/{id}/unplace", web::post().to(unplace))
        .route("/c/{slug}/manage/schedule/items/{id}/delete", web::post().to(delete_item))
        .route("/c/{slug}/manage/schedule/publish", web::post().to(publish))
        .route("/c/{slug}/schedule", web::get().to(public_schedule))
        .route("/c/{slug}/session/{guid}", web::get().to(session_page))
        .route("/c/{slug}/session/{guid}/star", web::post().to(star))
        .route("/c/{slug}/my-schedule", web::get().to(my_schedule))
        .route("/c/{slug}/my-schedule/{user}/{key}", web::get().to(personal_feed))
        .route("/c/{slug}/schedule.xml", web::get().to(export_xml))
        .route("/c/{slug}/schedule.json", web::get().to(export_json))
        .route("/c/{slug}/schedule.ics", web::get().to(export_ics));
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

pub fn session_view(s: &Session, tz: Tz, starred: bool) -> Value {
    json!({
        "guid": s.guid, "kind": s.kind, "kind_label": s.kind_label(), "title": s.title, "room": s.room,
        "start": local(s.starts_at, tz), "end": local(s.ends_at, tz), "when": time::display(s.starts_at, tz),
        "minutes": (s.ends_at - s.starts_at).num_minutes(), "track": s.track,
        "persons": s.persons.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "is_topic": s.kind == "topic", "starred": starred,
    })
}

fn day_of(s: &Session, tz: Tz) -> NaiveDate {
    s.starts_at.with_timezone(&tz).date_naive()
}

#[derive(Deserialize, Default, serde::Serialize, Clone)]
struct ItemForm {
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
struct PlaceForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    minutes: String,
}

async fn editor_page(
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
                    _ => if i.kind == "microconference" { "210".into() } else { "45".into() },
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
            "item_form": item_form, "kinds": service::ITEM_KINDS.iter().take(4).map(|(v, l)| json!({ "value": v, "label": l })).collect::<Vec<_>>(),
            "version": published.as_ref().map(|p| p.version), "published_at": published.as_ref().map(|p| time::display(p.published_at, tz)),
            "zone": conf.time_zone, "has_rooms": !rooms.is_empty(),
        }),
    )
}

/// A rooms × half-hours table for one day; each cell lists what runs then.
fn day_grid(day: NaiveDate, sessions: &[Session], rooms: &[String], tz: Tz) -> Value {
    let todays: Vec<&Session> = sessions.iter().filter(|s| day_of(s, tz) == day && s.kind != "topic").collect();
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

async fn editor(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    editor_page(&ctx, conf, StatusCode::OK, json!({}), ItemForm { kind: "keynote".into(), ..Default::default() }, None)
        .await
}

async fn import(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::import_accepted(conn, &user, &conf)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-imported")))
}

async fn create_item(ctx: Ctx, slug: web::Path<String>, form: web::Form<ItemForm>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let f = form.into_inner();
    let mut p = crate::domain::Problems::default();
    let kind = service::ITEM_KINDS.iter().take(4).find(|(v, _)| *v == f.kind).map(|(v, _)| *v);
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

async fn place(
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

async fn unplace(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::unplace(conn, &user, &conf, &id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-unplaced")))
}

async fn delete_item(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::delete_item(conn, &user, &conf, &id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/schedule"), Some("schedule-item-deleted")))
}

async fn publish(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| service::publish(conn, &user, &conf)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/schedule"), Some("schedule-published")))
}

#[derive(Deserialize)]
struct ViewQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    day: String,
}

impl ViewQuery {
    /// The view the page shows: anything but rooms or tracks is the day view.
    fn view(&self) -> &'static str {
        match self.view.as_str() {
            "room" => "room",
            "track" => "track",
            _ => "day",
        }
    }

    /// Where the page is cached: the path and these two parameters as the page
    /// reads them (the view it shows; the day as a date, however it was
    /// written), so any other query string is the same page. A day that is not
    /// a date is kept as typed: its page is an error, never stored.
    fn slot(&self, slug: &str) -> Slot {
        let view = match self.view() {
            "day" => "",
            other => other,
        };
        let asked = self.day.trim();
        let day =
            NaiveDate::parse_from_str(asked, "%Y-%m-%d").map(|d| d.to_string()).unwrap_or_else(|_| asked.to_string());
        Slot::path(format!("/c/{slug}/schedule")).param("view", view).param("day", &day)
    }
}

/// A conference, the key its public schedule was built from, the schedule (if
/// published, shared from the cache) and the viewer's stars.
type PublicView = (Conference, String, Option<std::sync::Arc<service::Published>>, Vec<uuid::Uuid>);

async fn load_public(ctx: &Ctx, slug: String) -> Result<PublicView, AppError> {
    let user = ctx.user.clone();
    ctx.state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let (key, data) = service::public_cached(conn, &st.exports, &conf)?;
            let stars = match &user {
                Some(u) => service::stars(conn, u, &conf)?,
                None => Vec::new(),
            };
            Ok((conf, key, data, stars))
        })
        .await
}

/// Groups sessions (without MC topics, shown inside their MC) under headings.
fn grouped(sessions: &[Session], tz: Tz, stars: &[uuid::Uuid], key: impl Fn(&Session) -> String) -> Vec<Value> {
    // Topics by their MC, in one pass: the schedule has hundreds of sessions.
    let mut topics: std::collections::HashMap<uuid::Uuid, Vec<Value>> = std::collections::HashMap::new();
    for t in sessions.iter().filter(|t| t.parent.is_some()) {
        if let Some(parent) = t.parent {
            topics.entry(parent).or_default().push(session_view(t, tz, stars.contains(&t.guid)));
        }
    }
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for s in sessions.iter().filter(|s| s.kind != "topic") {
        let k = key(s);
        let mut v = session_view(s, tz, stars.contains(&s.guid));
        v["topics"] = json!(topics.remove(&s.guid).unwrap_or_default());
        match groups.last_mut().filter(|(g, _)| *g == k) {
            Some((_, list)) => list.push(v),
            None => match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, list)) => list.push(v),
                None => groups.push((k, vec![v])),
            },
        }
    }
    groups.into_iter().map(|(heading, sessions)| json!({ "heading": heading, "sessions": sessions })).collect()
}

async fn public_schedule(
    ctx: Ctx,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, AppError> {
    let slot = q.slot(&slug);
    render::shared(&ctx, &req, slot, render_public_schedule(ctx.clone(), req.clone(), slug, q)).await
}

async fn render_public_schedule(
    ctx: Ctx,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, AppError> {
    let (conf, key, data, stars) = load_public(&ctx, slug.into_inner()).await?;
    let tz = cfp::tz(&conf);
    let today = Utc::now().with_timezone(&tz).date_naive();
    // The default page shows today while the conference runs: it changes at midnight.
    let key = if q.day.is_empty() { format!("{key}:{today}") } else { key };
    if let Some(hit) = render::revalidated(&ctx, &req, &key) {
        return Ok(hit);
    }
    let view = q.view().to_string();
    let title = format!("Schedule · {}", conf.name);
    let Some(published) = data else {
        return render::ok_shared(
            &ctx,
            &req,
            key,
            "schedule",
            &title,
            json!({ "conference": conference_view(&conf), "published": false, "groups": [], "changes": [], "view": view, "days": [] }),
        );
    };
    let service::Published { version, published_at: at, sessions, changes } = &*published;
    let (version, at) = (*version, *at);
    // One day at a time: what people look for on the day, and a page that
    // stays small however big the conference.
    let days = schedule::days(sessions, tz);
    let day = match schedule::choose_day(&days, &q.day, today) {
        DayChoice::Day(d) => Some(d),
        DayChoice::NoDays => None,
        DayChoice::Malformed => {
            return Err(AppError::BadRequest(format!(
                "“{}” is not a day: use a date like {}.",
                q.day.trim(),
                days.first().copied().unwrap_or(today)
            )))
        }
        DayChoice::NotScheduled => return Err(AppError::NotFound),
    };
    let on_day: Vec<Session> =
        sessions.iter().filter(|s| Some(s.starts_at.with_timezone(&tz).date_naive()) == day).cloned().collect();
    let groups = match view.as_str() {
        "room" => {
            let mut sorted = on_day;
            sorted.sort_by(|a, b| (&a.room, a.starts_at).cmp(&(&b.room, b.starts_at)));
            grouped(&sorted, tz, &stars, |s| s.room.clone().unwrap_or_else(|| "Everywhere".into()))
        }
        "track" => {
            let mut sorted = on_day;
            sorted.sort_by(|a, b| (&a.track, a.starts_at).cmp(&(&b.track, b.starts_at)));
            grouped(&sorted, tz, &stars, |s| s.track.clone().unwrap_or_else(|| "Other sessions".into()))
        }
        _ => grouped(&on_day, tz, &stars, |s| s.starts_at.with_timezone(&tz).format("%A %-d %B").to_string()),
    };
    let day_links: Vec<Value> = days
        .iter()
        .map(|d| json!({ "date": d.to_string(), "label": d.format("%a %-d %b").to_string(), "current": Some(*d) == day }))
        .collect();
    render::ok_shared(
        &ctx,
        &req,
        key,
        "schedule",
        &title,
        json!({
            "conference": conference_view(&conf), "published": true, "version": version, "published_at": time::display(at, tz),
            "groups": groups, "change_count": changes.len(), "changes": changes, "view": view, "is_day": view == "day", "is_room": view == "room", "is_track": view == "track",
            "days": day_links, "day": day.map(|d| d.to_string()).unwrap_or_default(),
        }),
    )
}

async fn session_page(ctx: Ctx, req: HttpRequest, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, guid) = path.into_inner();
    // The GUID as written canonically: its other spellings are the same page.
    let guid = uuid::Uuid::parse_str(&guid).map_err(|_| AppError::NotFound)?;
    let slot = Slot::path(format!("/c/{slug}/session/{guid}"));
    render::shared(&ctx, &req, slot, render_session_page(ctx.clone(), req.clone(), slug, guid)).await
}

async fn render_session_page(
    ctx: Ctx,
    req: HttpRequest,
    slug: String,
    guid: uuid::Uuid,
) -> Result<HttpResponse, AppError> {
    let (conf, key, data, stars) = load_public(&ctx, slug).await?;
    if let Some(hit) = render::revalidated(&ctx, &req, &key) {
        return Ok(hit);
    }
    let tz = cfp::tz(&conf);
    let sessions: &[Session] = data.as_deref().map(|d| d.sessions.as_slice()).unwrap_or_default();
    let s = sessions.iter().find(|s| s.guid == guid).ok_or(AppError::NotFound)?;
    let mut v = session_view(s, tz, stars.contains(&s.guid));
    v["abstract_html"] = json!(markdown::to_html(&s.abstract_md));
    v["until"] = json!(time::display(s.ends_at, tz));
    let topics: Vec<Value> = sessions
        .iter()
        .filter(|t| t.parent == Some(s.guid))
        .map(|t| session_view(t, tz, stars.contains(&t.guid)))
        .collect();
    let parent = s
        .parent
        .and_then(|p| sessions.iter().find(|x| x.guid == p))
        .map(|p| json!({ "guid": p.guid, "title": p.title }));
    let title = s.title.clone();
    render::ok_shared(
        &ctx,
        &req,
        key,
        "session",
        &title,
        json!({ "conference": conference_view(&conf), "session": v, "topics": topics, "parent": parent }),
    )
}

async fn star(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, guid) = path.into_inner();
    let user = ctx.user()?.clone();
    let (s2, g2) = (slug.clone(), guid.clone());
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            service::toggle_star(conn, &user, &conf, &g2)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/session/{guid}"), None))
}

/// The unguessable path of a person's feed: an HMAC of who and which conference.
pub fn feed_key(secret: &[u8], user_public_id: uuid::Uuid, conference_id: i64) -> String {
    crate::security::csrf_token(secret, &format!("feed:{user_public_id}:{conference_id}"))[..32].to_string()
}

async fn my_schedule(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if ctx.user.is_none() {
        return Ok(ctx.to_login(&format!("/c/{slug}/my-schedule")));
    }
    let user = ctx.user()?.clone();
    let (conf, _, data, stars) = load_public(&ctx, slug).await?;
    let tz = cfp::tz(&conf);
    let mine: Vec<&Session> =
        data.as_deref().map(|d| d.sessions.iter().filter(|s| stars.contains(&s.guid)).collect()).unwrap_or_default();
    let list: Vec<Value> = mine.iter().map(|s| session_view(s, tz, true)).collect();
    let feed = format!(
        "{}/c/{}/my-schedule/{}/{}.ics",
        ctx.state.config.base_url,
        conf.slug,
        user.public_id,
        feed_key(&ctx.state.config.secret_key, user.public_id, conf.id)
    );
    render::ok(
        &ctx,
        "my_schedule",
        &format!("My schedule · {}", conf.name),
        json!({ "conference": conference_view(&conf), "sessions": list, "feed": feed }),
    )
}

/// Which export a request wants.
#[derive(Clone, Copy)]
pub enum Format {
    Xml,
    Json,
    Ics,
    Api,
}

/// An export of the published schedule (404 until something is published),
/// rendered and gzipped once per publication or booking change.
pub async fn export_response(
    state: &crate::state::State,
    req: &HttpRequest,
    slug: String,
    format: Format,
) -> Result<HttpResponse, AppError> {
    // Exports read no query parameters.
    let slot = Slot::path(match format {
        Format::Xml => format!("/c/{slug}/schedule.xml"),
        Format::Json => format!("/c/{slug}/schedule.json"),
        Format::Ics => format!("/c/{slug}/schedule.ics"),
        Format::Api => format!("/api/v1/conferences/{slug}/schedule"),
    });
    let render = render_export(state.clone(), req.clone(), slot.clone(), slug, format);
    let mut resp = render::shared_at(&state.pages, req, &slot, render).await?;
    resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    Ok(resp)
}

async fn render_export(
    state: crate::state::State,
    req: HttpRequest,
    slot: Slot,
    slug: String,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let base = state.config.base_url.clone();
    let (key, rendered) = state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            service::rendered(conn, &st.exports, &conf, &base)
        })
        .await?;
    if let Some(page) = state.pages.revalidate(&slot, &key) {
        return Ok(page.respond(&req));
    }
    let r = rendered.ok_or(AppError::NotFound)?;
    let (ct, body) = match format {
        Format::Xml => ("application/xml; charset=utf-8", r.xml.clone()),
        Format::Json => ("application/json", r.json.clone()),
        Format::Ics => ("text/calendar; charset=utf-8", r.ics.clone()),
        Format::Api => ("application/json", r.api.clone()),
    };
    let body = crate::web::page_cache::SharedText(body);
    Ok(state.pages.store(&slot, key, ct, "public, max-age=60", body).respond(&req))
}

async fn export_xml(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Xml).await
}

async fn export_json(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Json).await
}

async fn export_ics(
    state: crate::state::State,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    export_response(&state, &req, slug.into_inner(), Format::Ics).await
}

/// A person's starred sessions as a calendar; the URL is the credential.
async fn personal_feed(
    state: crate::state::State,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, user, key) = path.into_inner();
    let user_id = uuid::Uuid::parse_str(&user).map_err(|_| AppError::NotFound)?;
    let key = key.strip_suffix(".ics").ok_or(AppError::NotFound)?.to_string();
    let secret = state.config.secret_key.clone();
    let base = state.config.base_url.clone();
    let body = state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            // Constant-time enough: both sides are HMAC outputs of equal length.
            if feed_key(&secret, user_id, conf.id) != key {
                return Err(AppError::NotFound);
            }
            let stars = service::feed_stars(conn, user_id, &conf)?;
            let p = service::public_sessions(conn, &conf)?.ok_or(AppError::NotFound)?;
            let mine: Vec<Session> = p.sessions.into_iter().filter(|s| stars.contains(&s.guid)).collect();
            let e = service::export(&conf, &base, p.version, p.published_at, &mine);
            Ok(crate::domain::schedule_export::icalendar(&e, &format!("{} — my schedule", conf.name)))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, max-age=60"))
        .body(body))
}
