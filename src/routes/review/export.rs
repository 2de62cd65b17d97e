//! Every review of the conference as a CSV file for the organisers.

use crate::error::AppError;
use crate::services::review as service;
use crate::web::context::Ctx;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub(super) async fn export_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    let user = ctx.user()?.clone();
    let c2 = conf.clone();
    let rows = ctx.state.db(move |conn, _| service::organiser_reviews(conn, &user, &c2)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-reviews.csv\"", conf.slug)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(service::reviews_csv(&rows)))
}
