//! The schedule: the organisers' editor (place items, warnings, publish) and the
//! public pages (by day, room and track; a page per session; stars and "my schedule").
//!
//! One file per concern: the editor, the public pages, the exports.

mod editor;
mod exports;
mod public;

pub use public::feed_key;

use crate::domain::schedule::Session;
use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/schedule", web::get().to(editor::editor))
        .route("/c/{slug}/manage/schedule/import", web::post().to(editor::import))
        .route("/c/{slug}/manage/schedule/items", web::post().to(editor::create_item))
        .route("/c/{slug}/manage/schedule/items/{id}/place", web::post().to(editor::place))
        .route("/c/{slug}/manage/schedule/items/{id}/unplace", web::post().to(editor::unplace))
        .route("/c/{slug}/manage/schedule/items/{id}/delete", web::post().to(editor::delete_item))
        .route("/c/{slug}/manage/schedule/publish", web::post().to(editor::publish))
        .route("/c/{slug}/schedule", web::get().to(public::public_schedule))
        .route("/c/{slug}/session/{guid}", web::get().to(public::session_page))
        .route("/c/{slug}/session/{guid}/star", web::post().to(public::star))
        .route("/c/{slug}/my-schedule", web::get().to(public::my_schedule))
        .route("/c/{slug}/my-schedule/{user}/{key}", web::get().to(exports::personal_feed))
        .route("/c/{slug}/schedule.xml", web::get().to(exports::export_xml))
        .route("/c/{slug}/schedule.json", web::get().to(exports::export_json))
        .route("/c/{slug}/schedule.ics", web::get().to(exports::export_ics));
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

fn day_of(s: &Session, tz: Tz) -> NaiveDate {
    s.starts_at.with_timezone(&tz).date_naive()
}
