//! Every review of the conference as a CSV file for the organisers.

use crate::error::AppError;
use crate::services::review as service;
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub(super) async fn export_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let at = Acting::refusing(ctx, &slug).await?;
    let rows = at.organising(|conn, _, user, conf| service::organiser_reviews(conn, user, conf)).await?;
    // The slug `organising` found is the one in the path: only a canonical slug names a conference.
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{slug}-reviews.csv\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(service::reviews_csv(&rows)))
}
