//! What every handler shares: the pool, the configuration and the templates.

use crate::config::Config;
use crate::db::DbPool;
use crate::error::AppError;
use crate::services::Db;
use crate::templates::Templates;
use actix_web::web;
use std::sync::Arc;

/// Cheap to clone (a pool handle and two `Arc`s), so blocking closures can own one.
#[derive(Clone)]
pub struct AppState {
    /// Private: a connection leaves this struct only wrapped in a `Db`.
    pool: DbPool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// Rendered schedule exports, until the next publication or booking change.
    pub exports: Arc<crate::services::schedule::ExportCache>,
    /// The schedule editor's drafts, for a few seconds or until the schedule changes.
    pub drafts: Arc<crate::services::schedule_editor::DraftCache>,
    /// Anonymous visitors' pages and the exports, rendered and gzipped once.
    pub pages: Arc<crate::web::page_cache::PageCache>,
    /// What /metrics reports.
    pub metrics: Arc<crate::web::metrics::Metrics>,
}

pub type State = web::Data<AppState>;

impl AppState {
    pub fn new(pool: DbPool, config: Config, templates: Templates) -> AppState {
        let page_cache_ttl = config.page_cache_ttl;
        AppState {
            pool,
            config: Arc::new(config),
            templates: Arc::new(templates),
            exports: Default::default(),
            drafts: Default::default(),
            pages: Arc::new(crate::web::page_cache::PageCache::new(page_cache_ttl)),
            metrics: Default::default(),
        }
    }

    /// Connections of this instance's pool: (in use, idle, most).
    pub fn pool_usage(&self) -> (u32, u32, u32) {
        let s = self.pool.state();
        (s.connections - s.idle_connections, s.idle_connections, self.pool.max_size())
    }

    /// The same as `db`, on the calling thread: for the CLI, before the server runs.
    pub fn db_now<T>(&self, f: impl FnOnce(&mut Db) -> Result<T, AppError>) -> Result<T, AppError> {
        let mut conn = self.pool.get()?;
        f(&mut Db::new(&mut conn))
    }

    /// The pool itself, for tests that drive the repo layer from several threads.
    #[cfg(feature = "test-support")]
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs blocking database work on the blocking pool with a pooled connection.
    /// The connection is returned when `f` ends, so it is never held across
    /// password hashing or SMTP.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &AppState) -> Result<T, AppError> + Send + 'static,
    {
        let st = self.clone();
        web::block(move || {
            let mut conn = st.pool.get()?;
            f(&mut Db::new(&mut conn), &st)
        })
        .await?
    }
}

/// Runs CPU-heavy work (password hashing) off the async threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    Ok(web::block(f).await?)
}
