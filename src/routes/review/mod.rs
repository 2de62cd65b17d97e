//! Reviewing: the committee's dashboard and review pages, MC leads' topic review,
//! committee invitations, and the organisers' decisions, release, templates and export.
//!
//! One file per concern; the score chart and the pager are drawn by src/web.

mod assignments;
mod committee;
mod dashboard;
mod decisions;
mod export;
mod notifications;
mod reviews;
mod settings;

pub use crate::web::score_chart::distribution_svg;

use crate::error::AppError;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/review", web::get().to(dashboard::dashboard))
        .route("/c/{slug}/review/next", web::get().to(dashboard::next_unreviewed))
        .route("/c/{slug}/review/{id}", web::get().to(reviews::review_page))
        .route("/c/{slug}/review/{id}", web::post().to(reviews::save_review))
        .route("/c/{slug}/review/{id}/conflict", web::post().to(reviews::declare_conflict))
        .route("/c/{slug}/review/{id}/preference", web::post().to(assignments::save_preference))
        .route("/c/{slug}/manage/assignments", web::get().to(assignments::assignments_page))
        .route("/c/{slug}/manage/assignments", web::post().to(assignments::assign_by_hand))
        .route("/c/{slug}/manage/assignments/auto", web::post().to(assignments::save_auto))
        .route("/c/{slug}/manage/assignments/remind", web::post().to(assignments::remind))
        .route("/c/{slug}/manage/assignments/reviewer", web::get().to(assignments::reviewer_sheet))
        .route("/c/{slug}/manage/assignments/reviewer", web::post().to(assignments::save_reviewer_sheet))
        .route("/c/{slug}/manage/assignments/conflicts", web::post().to(assignments::save_affiliation_rule))
        .route("/c/{slug}/manage/calls/{call}/review", web::get().to(settings::settings_form))
        .route("/c/{slug}/manage/calls/{call}/review", web::post().to(settings::save_settings))
        .route("/c/{slug}/mc/{mc}/review", web::get().to(dashboard::mc_dashboard))
        .route("/c/{slug}/mc/{mc}/release", web::post().to(decisions::mc_release))
        .route("/committee/{token}", web::get().to(committee::committee_invitation))
        .route("/committee/{token}", web::post().to(committee::committee_respond))
        .route("/c/{slug}/manage/committee", web::get().to(committee::committee_page))
        .route("/c/{slug}/manage/committee", web::post().to(committee::invite))
        .route("/c/{slug}/manage/decisions", web::get().to(decisions::decisions_page))
        .route("/c/{slug}/manage/decisions", web::post().to(decisions::bulk_decide))
        .route("/c/{slug}/manage/release", web::post().to(decisions::release))
        .route("/c/{slug}/manage/notifications", web::get().to(notifications::notifications_page))
        .route("/c/{slug}/manage/notifications", web::post().to(notifications::save_notifications))
        .route("/c/{slug}/manage/reviews.csv", web::get().to(export::export_csv))
        .route("/c/{slug}/proposals/{id}/conflicts", web::post().to(decisions::organiser_conflict));
}

/// Forms with repeated keys (checkboxes) as a list of pairs.
fn pairs(body: &web::Bytes) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))
}

fn ids(pairs: &[(String, String)], key: &str) -> Result<Vec<i64>, AppError> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.parse::<i64>().map_err(|_| AppError::BadRequest(format!("Unknown {key}."))))
        .collect()
}
