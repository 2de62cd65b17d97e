//! Rooms and on-site booking pages. Attendees: the grid `/c/{slug}/rooms`, the
//! booking form, "my bookings"; everyone: the room board `/c/{slug}/board` and the
//! iCalendar feeds; organisers: `/c/{slug}/manage/rooms` (rooms, hours, rules),
//! all bookings with cancel, move and blocks.

use crate::domain::booking::{BookingInput, RoomInput, SettingsInput, Span};
use crate::domain::{booking, text, Problems};
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::conferences::Conference;
use crate::services::rooms::{self as service, BookError, RoomRef};
use crate::web::context::Ctx;
use crate::web::page_cache::Slot;
use crate::web::render::{self, errors_json};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/rooms", web::get().to(grid))
        .route("/c/{slug}/rooms.ics", web::get().to(ical_all))
        .route("/c/{slug}/rooms/book", web::get().to(book_form))
        .route("/c/{slug}/rooms/book", web::post().to(book))
        .route("/c/{slug}/rooms/mine", web::get().to(mine))
        .route("/c/{slug}/rooms/bookings/{id}/cancel", web::post().to(cancel))
        .route("/c/{slug}/rooms/{room}/bookings.ics", web::get().to(ical_room))
        .route("/c/{slug}/board", web::get().to(board))
        .route("/c/{slug}/manage/rooms", web::get().to(manage))
        .route("/c/{slug}/manage/rooms", web::post().to(add_room))
        .route("/c/{slug}/manage/rooms/settings", web::post().to(save_settings))
        .route("/c/{slug}/manage/rooms/bookings", web::get().to(manage_bookings))
        .route("/c/{slug}/manage/rooms/blocks", web::post().to(block))
        .route("/c/{slug}/manage/rooms/bookings/{id}/move", web::get().to(move_form))
        .route("/c/{slug}/manage/rooms/bookings/{id}/move", web::post().to(move_booking))
        .route("/c/{slug}/manage/rooms/{room}", web::get().to(edit_room))
        .route("/c/{slug}/manage/rooms/{room}", web::post().to(update_room))
        .route("/c/{slug}/manage/rooms/{room}/delete", web::post().to(delete_room));
}

fn uuid(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

fn conf_json(c: &Conference) -> Value {
    super::conferences::view(c)
}

async fn find_conf(ctx: &Ctx, slug: &str) -> Result<Conference, AppError> {
    let slug = slug.to_string();
    ctx.state.db(move |conn, _| conf_service::find(conn, &slug)).await
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

/// `?date=YYYY-MM-DD`, or the default day; anything else is a 400 with a message.
fn parse_day(conf: &Conference, raw: Option<&str>) -> Result<NaiveDate, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(service::default_day(conf, Utc::now())),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest("date: use a date like 2027-11-18.".into())),
    }
}

// ---- the grid, the board, the feeds ----

async fn grid(ctx: Ctx, slug: web::Path<String>, q: web::Query<DateQuery>) -> Result<HttpResponse, AppError> {
    let conf = find_conf(&ctx, &slug).await?;
    let day = parse_day(&conf, q.date.as_deref())?;
    let viewer = ctx.user.clone();
    let c = conf.clone();
    let (mut data, can_manage) = ctx
        .state
        .db(move |conn, _| {
            let data = service::grid(conn, &c, day, viewer.as_ref(), Utc::now())?;
            let can_manage = match &viewer {
                Some(u) => conf_service::is_organiser(conn, &c, u)?,
                None => false,
            };
            Ok((data, can_manage))
        })
        .await?;
    data["conference"] = conf_json(&conf);
    data["can_manage"] = json!(can_manage);
    let title = format!("Rooms · {}", conf.name);
    render::ok(&ctx, "rooms_grid", &title, data)
}

async fn board(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    // The screens at the venue all show the same page: render it once a second.
    let slot = Slot::path(format!("/c/{slug}/board"));
    render::shared(&ctx, &req, slot, render_board(ctx.clone(), req.clone(), slug)).await
}

async fn render_board(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let mut data = ctx.state.db(move |conn, _| service::board(conn, &c, Utc::now())).await?;
    data["conference"] = conf_json(&conf);
    let title = format!("Room board · {}", conf.name);
    render::ok_shared(&ctx, &req, String::new(), "room_board", &title, data)
}

fn calendar(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}.ics\"")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(body)
}

async fn ical_all(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, None)).await?;
    Ok(calendar(body, &format!("{}-rooms", conf.slug)))
}

async fn ical_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, room) = path.into_inner();
    let room = uuid(&room)?;
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let body = ctx.state.db(move |conn, st| service::ical_feed(conn, st, &c, Some(room))).await?;
    Ok(calendar(body, &format!("{}-room", conf.slug)))
}

// ---- booking ----

#[derive(Deserialize, Default)]
struct BookQuery {
    room: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
}

/// Something the person must read on the form: a taken range with what to try, or a broken rule.
struct Problem {
    message: String,
    suggestions: Vec<Value>,
}

async fn book_page(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    form: BookingInput,
    errors: Value,
    problem: Option<Problem>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let c = conf.clone();
    let options = ctx.state.db(move |conn, _| service::form_options(conn, &c, &user)).await?;
    let title = format!("Book a room · {}", conf.name);
    let (problem, suggestions) = match problem {
        Some(p) => (Some(p.message), p.suggestions),
        None => (None, vec![]),
    };
    render::page(
        ctx,
        status,
        "room_book",
        &title,
        json!({
            "conference": conf_json(&conf), "options": options, "form": form, "errors": errors,
            "problem": problem, "suggestions": suggestions,
            "back_date": form.start.get(..10).unwrap_or_default(),
        }),
    )
}

async fn book_form(ctx: Ctx, slug: web::Path<String>, q: web::Query<BookQuery>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let q = q.into_inner();
    if ctx.user.is_none() {
        let next = serde_urlencoded::to_string([
            ("room", q.room.clone().unwrap_or_default()),
            ("start", q.start.clone().unwrap_or_default()),
        ])
        .unwrap_or_default();
        return Ok(ctx.to_login(&format!("/c/{slug}/rooms/book?{next}")));
    }
    let conf = find_conf(&ctx, &slug).await?;
    let form = BookingInput {
        room: q.room.unwrap_or_default(),
        start: q.start.unwrap_or_default(),
        minutes: q.minutes.unwrap_or_default(),
        ..Default::default()
    };
    book_page(&ctx, conf, StatusCode::OK, form, json!({}), None).await
}

/// Links to the booking form, prefilled with each suggested range or room.
fn suggestion_links(conf: &Conference, room: &str, e: &BookError, want: &Span) -> Vec<Value> {
    let tz = service::tz(conf);
    let link = |room: &str, start: chrono::DateTime<Utc>| {
        let q = serde_urlencoded::to_string([
            ("room", room.to_string()),
            ("start", crate::domain::time::input_value(start, tz)),
            ("minutes", want.minutes().to_string()),
        ])
        .unwrap_or_default();
        format!("/c/{}/rooms/book?{q}", conf.slug)
    };
    let mut out = Vec::new();
    if let BookError::Taken { nearest, free_rooms, .. } = e {
        for s in nearest {
            out.push(json!({ "href": link(room, s.start), "label": booking::span_label(s, tz) }));
        }
        for (id, name) in free_rooms {
            out.push(json!({ "href": link(&id.to_string(), want.start), "label": format!("{name}, same time") }));
        }
    }
    out
}

async fn book(ctx: Ctx, slug: web::Path<String>, form: web::Form<BookingInput>) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let draft = match input.parse(tz) {
        Ok(d) => d,
        Err(p) => return book_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&p.0), None).await,
    };
    let req = service::Request {
        room: RoomRef::Id(draft.room),
        span: draft.span,
        title: draft.title,
        description: draft.description,
        proposal: draft.proposal,
    };
    let c = conf.clone();
    let result = ctx.state.db(move |conn, st| Ok(service::book(conn, st, &user, &c, &req, Utc::now()))).await?;
    match result {
        Ok(_) => Ok(render::redirect(&ctx, &format!("/c/{}/rooms/mine", conf.slug), Some("booking-made"))),
        Err(BookError::App(e)) => Err(e),
        Err(BookError::Field(f)) => {
            book_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&[f]), None).await
        }
        Err(e) => {
            let status = match e {
                BookError::NotRegistered => StatusCode::FORBIDDEN,
                BookError::Taken { .. } | BookError::Clash => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let suggestions = suggestion_links(&conf, &input.room, &e, &draft.span);
            let problem = Problem { message: e.message(tz), suggestions };
            book_page(&ctx, conf, status, input, json!({}), Some(problem)).await
        }
    }
}

async fn mine(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/rooms/mine")) {
        return Ok(r);
    }
    let user = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let mut data = ctx.state.db(move |conn, _| service::mine(conn, &user, &c, Utc::now())).await?;
    data["conference"] = conf_json(&conf);
    let title = format!("My room bookings · {}", conf.name);
    render::ok(&ctx, "rooms_mine", &title, data)
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    back: String,
}

async fn cancel(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let c = conf.clone();
    let v = ctx.state.db(move |conn, _| service::cancel(conn, &user, &c, id)).await?;
    let to = if form.back == "manage" {
        format!(
            "/c/{slug}/manage/rooms/bookings?date={}",
            v.span().start.with_timezone(&service::tz(&conf)).date_naive()
        )
    } else {
        format!("/c/{slug}/rooms/mine")
    };
    Ok(render::redirect(&ctx, &to, Some("booking-cancelled")))
}

// ---- organisers: rooms and settings ----

enum Rejected {
    None,
    Room(RoomInput, Value),
    Settings(SettingsInput, Value),
}

async fn manage_page(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let mut data = ctx.state.db(move |conn, _| service::manage_view(conn, &actor, &c)).await?;
    data["room_form"] = json!(RoomInput { capacity: "20".into(), bookable: Some("on".into()), ..Default::default() });
    data["room_errors"] = json!({});
    data["settings_errors"] = json!({});
    match rejected {
        Rejected::None => {}
        Rejected::Room(input, errors) => {
            data["room_form"] = json!(input);
            data["room_errors"] = errors;
        }
        Rejected::Settings(input, errors) => {
            data["settings"] = json!(input);
            data["settings_errors"] = errors;
        }
    }
    data["conference"] = conf_json(&conf);
    let title = format!("Rooms · manage {}", conf.name);
    render::page(ctx, status, "rooms_manage", &title, data)
}

async fn manage(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms")) {
        return Ok(r);
    }
    let conf = find_conf(&ctx, &slug).await?;
    manage_page(&ctx, conf, StatusCode::OK, Rejected::None).await
}

async fn add_room(ctx: Ctx, slug: web::Path<String>, form: web::Form<RoomInput>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return manage_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Room(input, errors)).await;
        }
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::add_room(conn, &actor, &c, &draft))).await?;
    match r {
        Ok(_) => Ok(render::redirect(&ctx, &format!("/c/{}/manage/rooms", conf.slug), Some("room-added"))),
        Err(BookError::Field(f)) => {
            manage_page(&ctx, conf, StatusCode::CONFLICT, Rejected::Room(input, errors_json(&[f]))).await
        }
        Err(e) => Err(into_app(e)),
    }
}

fn into_app(e: BookError) -> AppError {
    match e {
        BookError::App(a) => a,
        BookError::NotRegistered => AppError::Forbidden,
        BookError::Taken { message, .. } => AppError::Conflict(message),
        other => AppError::BadRequest(other.message(chrono_tz::Tz::UTC)),
    }
}

async fn save_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = SettingsInput::from_form(&form, &service::conference_days(&conf));
    let (rules, hours) = match input.parse() {
        Ok(x) => x,
        Err(p) => {
            let errors = errors_json(&p.0);
            return manage_page(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, Rejected::Settings(input, errors)).await;
        }
    };
    let c = conf.clone();
    ctx.state.db(move |conn, _| service::save_settings(conn, &actor, &c, &rules, &hours)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{}/manage/rooms", conf.slug), Some("room-settings-saved")))
}

async fn room_page(
    ctx: &Ctx,
    conf: Conference,
    id: Uuid,
    status: StatusCode,
    typed: Option<(RoomInput, Value)>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let room = ctx.state.db(move |conn, _| service::room_for_edit(conn, &actor, &c, id)).await?;
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            RoomInput {
                name: room.name.clone(),
                capacity: room.capacity.to_string(),
                equipment: room.equipment.clone(),
                location: room.location.clone(),
                bookable: room.bookable.then(|| "on".to_string()),
                position: room.position.to_string(),
            },
            json!({}),
        )
    });
    let title = format!("{} · rooms · {}", room.name, conf.name);
    render::page(
        ctx,
        status,
        "room_edit",
        &title,
        json!({ "conference": conf_json(&conf), "room": service::room_json(&room), "form": form, "errors": errors }),
    )
}

async fn edit_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/{id}")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    room_page(&ctx, conf, id, StatusCode::OK, None).await
}

async fn update_room(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<RoomInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let draft = match input.parse() {
        Ok(d) => d,
        Err(p) => {
            let errors = errors_json(&p.0);
            return room_page(&ctx, conf, id, StatusCode::UNPROCESSABLE_ENTITY, Some((input, errors))).await;
        }
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::update_room(conn, &actor, &c, id, &draft))).await?;
    match r {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms"), Some("room-saved"))),
        Err(BookError::Field(f)) => {
            room_page(&ctx, conf, id, StatusCode::CONFLICT, Some((input, errors_json(&[f])))).await
        }
        Err(e) => Err(into_app(e)),
    }
}

async fn delete_room(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    ctx.state.db(move |conn, _| service::delete_room(conn, &actor, &conf, id)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms"), Some("room-deleted")))
}

// ---- organisers: bookings, blocks, moves ----

#[derive(Deserialize, serde::Serialize, Default, Clone)]
struct BlockForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    title: String,
}

async fn bookings_page(
    ctx: &Ctx,
    conf: Conference,
    day: NaiveDate,
    status: StatusCode,
    form: BlockForm,
    errors: Value,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let mut data = ctx.state.db(move |conn, _| service::manage_bookings(conn, &actor, &c, day, Utc::now())).await?;
    data["conference"] = conf_json(&conf);
    data["form"] = json!(form);
    data["errors"] = errors;
    data["problem"] = json!(problem);
    let title = format!("Room bookings · manage {}", conf.name);
    render::page(ctx, status, "rooms_bookings", &title, data)
}

async fn manage_bookings(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/bookings")) {
        return Ok(r);
    }
    let conf = find_conf(&ctx, &slug).await?;
    let day = parse_day(&conf, q.date.as_deref())?;
    let form = BlockForm { title: "Reserved".into(), ..Default::default() };
    bookings_page(&ctx, conf, day, StatusCode::OK, form, json!({}), None).await
}

fn parse_range(tz: chrono_tz::Tz, p: &mut Problems, start: &str, end: &str) -> Option<Span> {
    let s = p.check(crate::domain::time::parse_local("start", start, tz));
    let e = p.check(crate::domain::time::parse_local("end", end, tz));
    match (s, e) {
        (Some(s), Some(e)) if e > s => Some(Span::new(s, e)),
        (Some(_), Some(_)) => {
            p.add("end", "must be after the start");
            None
        }
        _ => None,
    }
}

async fn block(ctx: Ctx, slug: web::Path<String>, form: web::Form<BlockForm>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let mut p = Problems::default();
    let room = Uuid::parse_str(input.room.trim()).ok();
    if room.is_none() {
        p.add("room", "choose a room");
    }
    let span = parse_range(tz, &mut p, &input.start, &input.end);
    let title = p.check(text::single_line("title", &input.title, 1, 120));
    let day = span.map(|s| s.start.with_timezone(&tz).date_naive()).unwrap_or(service::default_day(&conf, Utc::now()));
    let (Some(room), Some(span), Some(title)) = (room, span, title) else {
        return bookings_page(&ctx, conf, day, StatusCode::UNPROCESSABLE_ENTITY, input, errors_json(&p.0), None).await;
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::block(conn, &actor, &c, room, span, &title))).await?;
    match r {
        Ok(()) => Ok(render::redirect(
            &ctx,
            &format!("/c/{}/manage/rooms/bookings?date={day}", conf.slug),
            Some("room-blocked"),
        )),
        Err(BookError::App(e)) => Err(e),
        Err(e) => {
            let status = if matches!(e, BookError::Taken { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let msg = e.message(tz);
            bookings_page(&ctx, conf, day, status, input, json!({}), Some(msg)).await
        }
    }
}

#[derive(Deserialize, serde::Serialize, Default, Clone)]
struct MoveForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

async fn move_page(
    ctx: &Ctx,
    conf: Conference,
    id: Uuid,
    status: StatusCode,
    typed: Option<(MoveForm, Value)>,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let c = conf.clone();
    let (v, rooms) = ctx.state.db(move |conn, _| service::booking_for_move(conn, &actor, &c, id)).await?;
    let tz = service::tz(&conf);
    let booking = service::booking_json(&v, tz, Utc::now());
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            MoveForm {
                room: v.room_public_id.to_string(),
                start: booking["starts_local"].as_str().unwrap_or_default().to_string(),
                end: booking["ends_local"].as_str().unwrap_or_default().to_string(),
            },
            json!({}),
        )
    });
    let title = format!("Move a booking · {}", conf.name);
    render::page(
        ctx,
        status,
        "room_move",
        &title,
        json!({
            "conference": conf_json(&conf), "booking": booking, "booker": v.booker_name,
            "rooms": rooms.iter().map(service::room_json).collect::<Vec<_>>(),
            "form": form, "errors": errors, "problem": problem,
        }),
    )
}

async fn move_form(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/rooms/bookings/{id}/move")) {
        return Ok(r);
    }
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    move_page(&ctx, conf, id, StatusCode::OK, None, None).await
}

async fn move_booking(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let input = form.into_inner();
    let tz = service::tz(&conf);
    let mut p = Problems::default();
    let room = Uuid::parse_str(input.room.trim()).ok();
    if room.is_none() {
        p.add("room", "choose a room");
    }
    let span = parse_range(tz, &mut p, &input.start, &input.end);
    let (Some(room), Some(span)) = (room, span) else {
        let errors = errors_json(&p.0);
        return move_page(&ctx, conf, id, StatusCode::UNPROCESSABLE_ENTITY, Some((input, errors)), None).await;
    };
    let c = conf.clone();
    let r = ctx.state.db(move |conn, _| Ok(service::move_booking(conn, &actor, &c, id, room, span))).await?;
    match r {
        Ok(()) => {
            let day = span.start.with_timezone(&tz).date_naive();
            Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/rooms/bookings?date={day}"), Some("booking-moved")))
        }
        Err(BookError::App(e)) => Err(e),
        Err(e) => {
            let status = if matches!(e, BookError::Taken { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let msg = e.message(tz);
            move_page(&ctx, conf, id, status, Some((input, json!({}))), Some(msg)).await
        }
    }
}
