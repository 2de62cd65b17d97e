//! Rooms and on-site booking pages. Attendees: the grid `/c/{slug}/rooms`, the
//! booking form, "my bookings"; everyone: the room board `/c/{slug}/board` and the
//! iCalendar feeds; organisers: `/c/{slug}/manage/rooms` (rooms, hours, rules),
//! all bookings with cancel, move and blocks.
//!
//! One file per concern: the grid, board and feeds; booking (`book`); the organisers'
//! rooms and settings; the organisers' bookings, blocks and moves.

mod book;
mod bookings;
mod grid;
mod manage;

use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::rooms as service;
use actix_web::web;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/rooms", web::get().to(grid::grid))
        .route("/c/{slug}/rooms.ics", web::get().to(grid::ical_all))
        .route("/c/{slug}/rooms/book", web::get().to(book::book_form))
        .route("/c/{slug}/rooms/book", web::post().to(book::book))
        .route("/c/{slug}/rooms/mine", web::get().to(book::mine))
        .route("/c/{slug}/rooms/bookings/{id}/cancel", web::post().to(book::cancel))
        .route("/c/{slug}/rooms/{room}/bookings.ics", web::get().to(grid::ical_room))
        .route("/c/{slug}/board", web::get().to(grid::board))
        .route("/c/{slug}/manage/rooms", web::get().to(manage::manage))
        .route("/c/{slug}/manage/rooms", web::post().to(manage::add_room))
        .route("/c/{slug}/manage/rooms/settings", web::post().to(manage::save_settings))
        .route("/c/{slug}/manage/rooms/bookings", web::get().to(bookings::manage_bookings))
        .route("/c/{slug}/manage/rooms/blocks", web::post().to(bookings::block))
        .route("/c/{slug}/manage/rooms/bookings/{id}/move", web::get().to(bookings::move_form))
        .route("/c/{slug}/manage/rooms/bookings/{id}/move", web::post().to(bookings::move_booking))
        .route("/c/{slug}/manage/rooms/{room}", web::get().to(manage::edit_room))
        .route("/c/{slug}/manage/rooms/{room}", web::post().to(manage::update_room))
        .route("/c/{slug}/manage/rooms/{room}/delete", web::post().to(manage::delete_room));
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
