//! What every handler shares: the pool, the configuration and the templates.

use crate::config::Config;
use crate::db::DbPool;
use crate::error::AppError;
use crate::templates::Templates;
use actix_web::web;
use diesel::PgConnection;
use std::sync::Arc;

/// Cheap to clone (a pool handle and two `Arc`s), so blocking closures can own one.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// Rendered schedule exports, until the next publication or booking change.
    pub exports: Arc<crate::services::schedule::ExportCache>,
    /// Anonymous visitors' pages and the exports, rendered and gzipped once.
    pub pages: Arc<crate::web::page_cache::PageCache>,
}

pub type State = web::Data<AppState>;

impl AppState {
    /// Runs blocking database work on the blocking pool with a pooled connection.
    /// The connection is returned when `f` ends, so it is never held across
    /// password hashing or SMTP.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PgConnection, &AppState) -> Result<T, AppError> + Send + 'static,
    {
        let st = self.clone();
        web::block(move || {
            let mut conn = st.pool.get()?;
            f(&mut conn, &st)
        })
        .await?
    }
}

/// Runs CPU-heavy work (password hashing) off the async threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    Ok(web::block(f).await?)
}
