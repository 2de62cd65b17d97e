//! CSV exports streamed a page at a time: each page is one trip to the
//! database on the blocking pool, so memory stays flat however many rows there
//! are, and the first bytes leave at once.

use crate::error::AppError;
use crate::services::Db;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures_util::StreamExt;

/// Rows per trip to the database.
pub const PAGE_ROWS: i64 = 500;

/// A page of CSV text and where the next page starts (`None`: the last).
pub type Page = (String, Option<i64>);

/// Answers with the pages `page` reads (`None` for the first, which carries
/// the header). The first page is read before answering, so a refusal is a
/// proper 403 or 404, not a download that breaks off.
pub async fn respond<F>(state: &AppState, filename: &str, page: F) -> Result<HttpResponse, AppError>
where
    F: Fn(&mut Db, Option<i64>) -> Result<Page, AppError> + Clone + Send + 'static,
{
    let first_page = page.clone();
    let (first, next) = state.db(move |db, _| first_page(db, None)).await?;
    let st = state.clone();
    let rest = futures_util::stream::unfold(next, move |cursor| {
        let (st, page) = (st.clone(), page.clone());
        async move {
            let after = cursor?;
            match st.db(move |db, _| page(db, Some(after))).await {
                Ok((text, next)) => Some((Ok(Bytes::from(text)), next)),
                Err(e) => {
                    // The status line went out already: the download ends short, and the log says why.
                    tracing::warn!(error = %e, "a CSV export stopped part-way");
                    Some((Err(actix_web::error::ErrorServiceUnavailable("the export stopped")), None))
                }
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(Bytes::from(first)) }).chain(rest);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .streaming(body))
}
