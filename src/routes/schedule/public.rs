//! The public schedule pages: by day, room and track; a page per session; stars and "my schedule".

use crate::domain::schedule::{self, DayChoice, Session};
use crate::domain::{markdown, time};
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::schedule as service;
use crate::services::views::{self, ConferenceView, SessionView};
use crate::services::{cfp, conferences as conf_service};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A session under a heading, with its MC's topics inside it.
#[derive(Serialize)]
pub(super) struct ListedSession {
    #[serde(flatten)]
    session: SessionView,
    topics: Vec<SessionView>,
}

/// Sessions under one heading (a time, a room or a track).
#[derive(Serialize)]
pub(super) struct Group {
    heading: String,
    sessions: Vec<ListedSession>,
}

/// The public schedule, one day in one view; unpublished, only its frame.
#[derive(Serialize)]
struct SchedulePage<'a> {
    conference: ConferenceView,
    published: bool,
    version: Option<i32>,
    published_at: Option<String>,
    groups: Vec<Group>,
    change_count: usize,
    changes: &'a [schedule::Change],
    view: &'static str,
    is_day: bool,
    is_room: bool,
    is_track: bool,
    is_grid: bool,
    /// The grid is the editor's only there (the shared partial asks).
    editable: bool,
    /// The rooms × time table of the day (the grid view).
    table: Option<crate::domain::schedule_grid::DayTable>,
    days: Vec<DayLink>,
    day: String,
}

#[derive(Serialize)]
struct DayLink {
    date: String,
    label: String,
    current: bool,
}

/// A session's own page.
#[derive(Serialize)]
struct SessionPage {
    conference: ConferenceView,
    session: SessionDetail,
    topics: Vec<SessionView>,
    parent: Option<ParentLink>,
}

#[derive(Serialize)]
struct SessionDetail {
    #[serde(flatten)]
    session: SessionView,
    abstract_html: String,
    until: String,
}

/// The microconference a topic is part of.
#[derive(Serialize)]
struct ParentLink {
    guid: uuid::Uuid,
    title: String,
}

#[derive(Serialize)]
struct MySchedule {
    conference: ConferenceView,
    sessions: Vec<SessionView>,
}

#[derive(Deserialize)]
pub(super) struct ViewQuery {
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
            "grid" => "grid",
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

/// A conference, the key its public schedule was built from, and the
/// schedule (if published, shared from the cache).
pub(super) type PublicView = (Conference, String, Option<std::sync::Arc<service::Published>>);

/// The schedule pages as the same for everyone: their stars are the viewer's
/// (see `starring`).
async fn load_shared(ctx: &Ctx, slug: String) -> Result<PublicView, AppError> {
    ctx.state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let (key, data) = service::public_cached(conn, &st.exports, &conf)?;
            Ok((conf, key, data))
        })
        .await
}

/// The viewer of a schedule page: who they are and the sessions they starred
/// (`star:<guid>`), in one trip to the database.
async fn starring(ctx: Ctx, slug: String) -> Result<crate::web::overlay::Viewer, AppError> {
    let (mut viewer, stars) =
        render::viewer_in(&ctx, slug, |conn, conf, user| service::stars(conn, user, conf)).await?;
    for guid in stars.unwrap_or_default() {
        viewer.hold(format!("star:{guid}"));
    }
    Ok(viewer)
}

/// Groups sessions (without MC topics, shown inside their MC) under headings.
pub(super) fn grouped(sessions: &[Session], tz: Tz, key: impl Fn(&Session) -> String) -> Vec<Group> {
    // Topics by their MC, in one pass: the schedule has hundreds of sessions.
    let mut topics: std::collections::HashMap<uuid::Uuid, Vec<SessionView>> = std::collections::HashMap::new();
    for t in sessions.iter().filter(|t| t.parent.is_some()) {
        if let Some(parent) = t.parent {
            topics.entry(parent).or_default().push(views::session(t, tz));
        }
    }
    let mut groups: Vec<(String, Vec<ListedSession>)> = Vec::new();
    for s in sessions.iter().filter(|s| s.kind != "topic") {
        let k = key(s);
        let v = ListedSession { session: views::session(s, tz), topics: topics.remove(&s.guid).unwrap_or_default() };
        match groups.last_mut().filter(|(g, _)| *g == k) {
            Some((_, list)) => list.push(v),
            None => match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, list)) => list.push(v),
                None => groups.push((k, vec![v])),
            },
        }
    }
    groups.into_iter().map(|(heading, sessions)| Group { heading, sessions }).collect()
}

pub(super) async fn public_schedule(
    ctx: Ctx,
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, AppError> {
    let slot = q.slot(&slug);
    let viewer = starring(ctx.clone(), slug.to_string());
    let page = render_public_schedule(ctx.clone(), slot.clone(), slug, q);
    render::overlaid(&ctx, &req, slot, viewer, page).await
}

type Rendered = Result<(String, std::sync::Arc<crate::web::overlay::Overlay>), AppError>;

pub(super) async fn render_public_schedule(
    ctx: Ctx,
    slot: Slot,
    slug: web::Path<String>,
    q: web::Query<ViewQuery>,
) -> Rendered {
    let (conf, key, data) = load_shared(&ctx, slug.into_inner()).await?;
    let tz = cfp::tz(&conf);
    let today = Utc::now().with_timezone(&tz).date_naive();
    // The default page shows today while the conference runs: it changes at midnight.
    let key = if q.day.is_empty() { format!("{key}:{today}") } else { key };
    if let Some(kept) = render::kept_overlay(&ctx, &slot, &key) {
        return Ok((key, kept));
    }
    let view = q.view();
    let title = format!("Schedule · {}", conf.name);
    let Some(published) = data else {
        let data = SchedulePage {
            conference: ConferenceView::of(&conf),
            published: false,
            version: None,
            published_at: None,
            groups: Vec::new(),
            change_count: 0,
            changes: &[],
            view,
            is_day: false,
            is_room: false,
            is_track: false,
            is_grid: false,
            editable: false,
            table: None,
            days: Vec::new(),
            day: String::new(),
        };
        return Ok((key.clone(), render::overlay_of(&ctx, "schedule", &title, data)?));
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
    let table = match (view, day) {
        ("grid", Some(d)) => {
            let (c, list) = (conf.clone(), on_day.clone());
            Some(ctx.state.db(move |db, _| crate::services::schedule_editor::public_table(db, &c, &list, d)).await?)
        }
        _ => None,
    };
    let groups = match view {
        "grid" => Vec::new(),
        "room" => {
            let mut sorted = on_day;
            sorted.sort_by(|a, b| (&a.room, a.starts_at).cmp(&(&b.room, b.starts_at)));
            grouped(&sorted, tz, |s| s.room.clone().unwrap_or_else(|| "Everywhere".into()))
        }
        "track" => {
            let mut sorted = on_day;
            sorted.sort_by(|a, b| (&a.track, a.starts_at).cmp(&(&b.track, b.starts_at)));
            grouped(&sorted, tz, |s| s.track.clone().unwrap_or_else(|| "Other sessions".into()))
        }
        _ => grouped(&on_day, tz, |s| s.starts_at.with_timezone(&tz).format("%A %-d %B").to_string()),
    };
    let days = days
        .iter()
        .map(|d| DayLink { date: d.to_string(), label: d.format("%a %-d %b").to_string(), current: Some(*d) == day })
        .collect();
    let data = SchedulePage {
        conference: ConferenceView::of(&conf),
        published: true,
        version: Some(version),
        published_at: Some(time::display(at, tz)),
        groups,
        change_count: changes.len(),
        changes,
        view,
        is_day: view == "day",
        is_room: view == "room",
        is_track: view == "track",
        is_grid: view == "grid",
        editable: false,
        table,
        days,
        day: day.map(|d| d.to_string()).unwrap_or_default(),
    };
    Ok((key.clone(), render::overlay_of(&ctx, "schedule", &title, data)?))
}

pub(super) async fn session_page(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, guid) = path.into_inner();
    // The GUID as written canonically: its other spellings are the same page.
    let guid = uuid::Uuid::parse_str(&guid).map_err(|_| AppError::NotFound)?;
    let slot = Slot::path(format!("/c/{slug}/session/{guid}"));
    let viewer = starring(ctx.clone(), slug.clone());
    let page = render_session_page(ctx.clone(), slot.clone(), slug, guid);
    render::overlaid(&ctx, &req, slot, viewer, page).await
}

pub(super) async fn render_session_page(ctx: Ctx, slot: Slot, slug: String, guid: uuid::Uuid) -> Rendered {
    let (conf, key, data) = load_shared(&ctx, slug).await?;
    if let Some(kept) = render::kept_overlay(&ctx, &slot, &key) {
        return Ok((key, kept));
    }
    let tz = cfp::tz(&conf);
    let sessions: &[Session] = data.as_deref().map(|d| d.sessions.as_slice()).unwrap_or_default();
    let s = sessions.iter().find(|s| s.guid == guid).ok_or(AppError::NotFound)?;
    let data = SessionPage {
        conference: ConferenceView::of(&conf),
        session: SessionDetail {
            session: views::session(s, tz),
            abstract_html: markdown::to_html(&s.abstract_md),
            until: time::display(s.ends_at, tz),
        },
        topics: sessions.iter().filter(|t| t.parent == Some(s.guid)).map(|t| views::session(t, tz)).collect(),
        parent: s
            .parent
            .and_then(|p| sessions.iter().find(|x| x.guid == p))
            .map(|p| ParentLink { guid: p.guid, title: p.title.clone() }),
    };
    Ok((key.clone(), render::overlay_of(&ctx, "session", &s.title, data)?))
}

pub(super) async fn star(
    at: Acting,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    // A star changes no kept page: only the starrer's viewer keys.
    crate::web::page_cache::attendee_write(&req);
    let (slug, guid) = path.into_inner();
    let g2 = guid.clone();
    at.db(move |conn, _, user, conf| service::toggle_star(conn, user, conf, &g2)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/session/{guid}"), None))
}

/// The unguessable path of a person's feed: an HMAC of who and which conference.
pub fn feed_key(secret: &[u8], user_public_id: uuid::Uuid, conference_id: i64) -> String {
    crate::security::csrf_token(secret, &format!("feed:{user_public_id}:{conference_id}"))[..32].to_string()
}

/// "My schedule": every session of the published schedule, kept once, each
/// shown only to those who starred it (or marked it, for unconference
/// sessions); the feed address is the viewer's own.
pub(super) async fn my_schedule(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Some(user) = ctx.user.clone() else {
        return Ok(ctx.to_login(&format!("/c/{slug}/my-schedule")));
    };
    let slot = Slot::path(format!("/c/{slug}/my-schedule"));
    let viewer = {
        let (ctx, slug) = (ctx.clone(), slug.clone());
        async move {
            let person = user.public_id;
            let (mut viewer, found) = render::viewer_in(&ctx, slug, |conn, conf, user| {
                Ok((conf.id, conf.slug.clone(), service::my_sessions(conn, user, conf)?))
            })
            .await?;
            let (conf_id, slug, stars) = found.ok_or(AppError::Unauthorized)?;
            if !stars.is_empty() {
                viewer.hold("viewer:has_stars");
            }
            for guid in stars {
                viewer.hold(format!("star:{guid}"));
            }
            let key = feed_key(&ctx.state.config.secret_key, person, conf_id);
            let feed = format!("{}/c/{slug}/my-schedule/{person}/{key}.ics", ctx.state.config.base_url);
            viewer.value("feed", feed);
            Ok(viewer)
        }
    };
    let page = {
        let (ctx, slot) = (ctx.clone(), slot.clone());
        async move {
            let (conf, key, data) = load_shared(&ctx, slug).await?;
            if let Some(kept) = render::kept_overlay(&ctx, &slot, &key) {
                return Ok((key, kept));
            }
            let tz = cfp::tz(&conf);
            let sessions =
                data.as_deref().map(|d| d.sessions.iter().map(|s| views::session(s, tz)).collect()).unwrap_or_default();
            let data = MySchedule { conference: ConferenceView::of(&conf), sessions };
            Ok((key, render::overlay_of(&ctx, "my_schedule", &format!("My schedule · {}", conf.name), data)?))
        }
    };
    render::overlaid(&ctx, &req, slot, viewer, page).await
}
