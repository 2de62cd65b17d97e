//! Every review of the conference as a CSV file for the organisers, streamed a page at a time.

use crate::error::AppError;
use crate::services::review as service;
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::csv_stream;
use actix_web::{web, HttpResponse};

pub(super) async fn export_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let at = Acting::refusing(ctx, &slug).await?;
    let (user, conf) = (at.user.clone(), at.conf.clone());
    // The slug `refusing` found is the one in the path: only a canonical slug names a conference.
    csv_stream::respond(&at.ctx.state, &format!("{slug}-reviews.csv"), move |db, after| {
        service::reviews_csv_page(db, &user, &conf, after, csv_stream::PAGE_ROWS)
    })
    .await
}
