//! The schedule: the organisers' editor (place items, warnings, publish) and the
//! public pages (by day, room and track; a page per session; stars and "my schedule").
//!
//! One file per concern: the editor, the public pages, the exports.

mod editor;
mod exports;
mod public;

pub use public::feed_key;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/schedule", web::get().to(editor::editor))
        .route("/c/{slug}/manage/schedule/import", web::post().to(editor::import))
        .route("/c/{slug}/manage/schedule/items", web::post().to(editor::create_item))
        .route("/c/{slug}/manage/schedule/items/{id}/place", web::post().to(editor::place))
        .route("/c/{slug}/manage/schedule/items/{id}/unplace", web::post().to(editor::unplace))
        .route("/c/{slug}/manage/schedule/items/{id}/delete", web::post().to(editor::delete_item))
        .route("/c/{slug}/manage/schedule/items/{id}", web::get().to(editor::item))
        .route("/c/{slug}/manage/schedule/undo", web::post().to(editor::undo))
        .route("/c/{slug}/manage/schedule/publish", web::get().to(editor::publish_page))
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
