//! Rooms and bookings over the JSON API. Reading is public (like the room
//! board); booking needs a bearer token and a confirmed registration.
//! Refusals carry a stable `reason` next to the `error` message: 403
//! `not_registered`, 409 `taken` (with `nearest_free` and `free_rooms`), 422 for
//! a broken rule (`outside_hours`, `too_long`, `misaligned`, `in_the_past`,
//! `not_open_yet`, `over_limit`, `empty_range`, `invalid`).

use super::{as_bearer, in_conference_by_id, in_words, Slug, SlugAndId};
use crate::domain::booking::{parse_text, Span};
use crate::domain::Problems;
use crate::error::ErrorBody;
use crate::error::{ApiError, AppError};
use crate::services::conferences as conf_service;
use crate::services::rooms::views::{BookingDetail, Refused, TakenRefusal};
use crate::services::rooms::views::{RoomDay, RoomList};
use crate::services::rooms::{self as service, BookError, RoomRef};
use crate::state::State;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

/// The conference's rooms.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/rooms", tag = "rooms", security(()), params(Slug),
    responses((status = 200, body = RoomList), (status = 404, body = ErrorBody)))]
pub async fn rooms(state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let v = state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            service::public_rooms(conn, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// A day like 2027-11-18 (default: today while the conference runs, else its first day).
    date: Option<String>,
}

/// A room and a booking or room id.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SlugAndRoom {
    /// The conference's slug.
    #[allow(dead_code)]
    slug: String,
    /// The room's id.
    #[allow(dead_code)]
    room: uuid::Uuid,
}

/// The bookings of one room on one day (nothing personal: no booker).
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/rooms/{room}/bookings", tag = "rooms", security(()),
    params(SlugAndRoom, DateQuery),
    responses((status = 200, body = RoomDay), (status = 400, description = "`date` is not a date", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn room_bookings(
    state: State,
    path: web::Path<(String, String)>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (slug, room) = path.into_inner();
    let room = crate::web::conference_page::path_id(&room)?;
    let raw = q.into_inner().date;
    let v = state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let day = match raw.as_deref().map(str::trim) {
                None | Some("") => service::default_day(&conf, Utc::now()),
                Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| AppError::BadRequest("date: use a date like 2027-11-18".into()))?,
            };
            service::room_day(conn, &conf, room, day)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// A booking asked for.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct BookingBody {
    /// The room's id or name.
    #[serde(default)]
    room: String,
    /// An RFC 3339 instant like 2027-11-18T10:00:00+01:00.
    #[serde(default)]
    starts_at: String,
    /// An RFC 3339 instant, after `starts_at`.
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// The id of one of your unconference proposals, to hold it in this room.
    #[serde(default)]
    proposal: Option<String>,
}

fn refusal(status: StatusCode, reason: &'static str, error: String) -> HttpResponse {
    HttpResponse::build(status).json(Refused { error, reason })
}

fn instant(p: &mut Problems, field: &'static str, raw: &str) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            p.add(field, "use an RFC 3339 instant like 2027-11-18T10:00:00+01:00");
            None
        }
    }
}

/// Books a room for the token's holder, who must hold a confirmed registration.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/bookings", tag = "rooms", params(Slug),
    request_body = BookingBody,
    responses((status = 201, body = BookingDetail),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`not_registered`", body = Refused),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`taken`, with free ranges nearby and free rooms", body = TakenRefusal),
        (status = 422, description = "a rule is broken: `outside_hours`, `too_long`, `misaligned`, `in_the_past`, `not_open_yet`, `over_limit`, `empty_range`, `invalid`", body = Refused)))]
pub async fn book(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<BookingBody>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let b = body.into_inner();
    crate::web::page_cache::attendee_write(&req);
    let mut p = Problems::default();
    if b.room.trim().is_empty() {
        p.add("room", "name a room by its id or name");
    }
    let start = instant(&mut p, "starts_at", &b.starts_at);
    let end = instant(&mut p, "ends_at", &b.ends_at);
    let (title, description) = parse_text(&mut p, &b.title, &b.description);
    let proposal = match b.proposal.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => match uuid::Uuid::parse_str(raw) {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                p.add("proposal", "use the id of one of your unconference proposals");
                None
            }
        },
    };
    let parsed = match (start, end, title, description, proposal) {
        (Some(s), Some(e), Some(t), Some(d), Some(pr)) if p.is_empty() => Some((s, e, t, d, pr)),
        _ => None,
    };
    let result = as_bearer(&state, &req, move |conn, st, user| {
        let conf = conf_service::find_cached(conn, st, &slug)?;
        let tz = service::tz(&conf);
        let Some((start, end, title, description, proposal)) = parsed else {
            // Who may book comes before what was asked: 403 for anyone not
            // registered (`book` checks it first too).
            if !crate::services::registration::is_confirmed_attendee(conn, conf.id, user.id)? {
                return Ok((tz, Err(BookError::NotRegistered)));
            }
            return Ok((tz, Err(BookError::Field(crate::domain::FieldError::new("body", in_words(&p))))));
        };
        let request =
            service::Request { room: RoomRef::Name(b.room), span: Span::new(start, end), title, description, proposal };
        let r =
            service::book(conn, st, &user, &conf, &request, Utc::now()).map(|v| BookingDetail::new(&v, tz, Utc::now()));
        Ok((tz, r))
    })
    .await?;
    let (tz, r) = result;
    Ok(match r {
        Ok(v) => HttpResponse::Created().json(v),
        Err(BookError::App(e)) => return Err(ApiError(e)),
        Err(BookError::NotRegistered) => {
            refusal(StatusCode::FORBIDDEN, "not_registered", BookError::NotRegistered.message(tz))
        }
        Err(BookError::Field(f)) => {
            let msg = if f.field == "body" { f.message } else { format!("{}: {}", f.field, f.message) };
            refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalid", msg)
        }
        Err(BookError::Taken { message, nearest, free_rooms }) => {
            HttpResponse::Conflict().json(TakenRefusal::new(&message, &nearest, &free_rooms, tz))
        }
        Err(e) => {
            let status =
                if matches!(e, BookError::Clash) { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            refusal(status, e.reason(), e.message(tz))
        }
    })
}

/// Cancels one of the token holder's bookings (organisers: anyone's).
#[utoipa::path(delete, path = "/api/v1/conferences/{slug}/bookings/{id}", tag = "rooms", params(SlugAndId),
    responses((status = 200, description = "the booking, now cancelled", body = BookingDetail),
        (status = 401, body = ErrorBody), (status = 403, description = "a read-only token", body = ErrorBody),
        (status = 404, description = "no such booking, or not yours", body = ErrorBody)))]
pub async fn cancel(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let v = in_conference_by_id(&state, &req, path.into_inner(), |conn, _, user, conf, id| {
        let v = service::cancel(conn, user, conf, id)?;
        // Read before it was cancelled: say what it is now.
        let mut b = BookingDetail::new(&v, service::tz(conf), Utc::now());
        b.cancelled = true;
        Ok(b)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}
