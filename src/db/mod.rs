//! Connection pool, database creation and embedded migrations.

pub mod prepared;
pub mod schema;
pub mod types;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// What went wrong while preparing the database, phrased for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot reach PostgreSQL at {url}: {reason}. Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or set DATABASE_URL")]
    Unreachable { url: String, reason: String },
    #[error("database setup failed: {0}")]
    Other(String),
}

/// Hides the password part of a connection URL before it reaches a log or message.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Splits `postgres://host/dbname?opts` into (URL of the `postgres` maintenance db, dbname).
fn maintenance_url(url: &str) -> Option<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let slash = base.rfind('/')?;
    if slash < base.find("://")? + 3 {
        return None;
    }
    let name = base[slash + 1..].to_string();
    if name.is_empty() {
        return None;
    }
    let mut admin = format!("{}/postgres", &base[..slash]);
    if let Some(q) = query {
        admin.push('?');
        admin.push_str(q);
    }
    Some((admin, name))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the database named in `url` when it does not exist yet.
pub fn ensure_database(url: &str) -> Result<(), SetupError> {
    if PgConnection::establish(url).is_ok() {
        return Ok(());
    }
    let (admin_url, name) = maintenance_url(url)
        .ok_or_else(|| SetupError::Other(format!("cannot read a database name from {}", redact_url(url))))?;
    let mut admin = PgConnection::establish(&admin_url)
        .map_err(|e| SetupError::Unreachable { url: redact_url(url), reason: e.to_string() })?;
    let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{}')",
        name.replace('\'', "''")
    )))
    .get_result(&mut admin)
    .map_err(|e| SetupError::Other(e.to_string()))?;
    if !exists {
        match diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&name))).execute(&mut admin) {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another instance starting at the same moment created it first.
            Err(_) if PgConnection::establish(url).is_ok() => {}
            Err(e) => return Err(SetupError::Other(format!("cannot create database {name}: {e}"))),
        }
    }
    Ok(())
}

/// The advisory lock key the migrating instance holds ("plmbln" in ASCII).
const MIGRATION_LOCK: i64 = 0x706c_6d62_6c6e;

/// Several instances started at once against one database migrate it exactly
/// once: the first takes a session advisory lock and migrates, the others wait
/// on the lock and then find nothing pending.
pub fn run_migrations(conn: &mut PgConnection) -> Result<(), SetupError> {
    let lock = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
            .execute(conn)
            .map_err(|e| SetupError::Other(format!("migration lock: {e}")))
    };
    lock(conn, "SELECT pg_advisory_lock($1)")?;
    let migrated = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|done| done.len())
        .map_err(|e| SetupError::Other(format!("migrations failed: {e}")));
    lock(conn, "SELECT pg_advisory_unlock($1)")?;
    if let Ok(n @ 1..) = migrated {
        tracing::info!(migrations = n, "migrated the database");
    }
    migrated.map(|_| ())
}

pub fn build_pool(url: &str, size: u32) -> Result<DbPool, SetupError> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        // Fail a request quickly (503) instead of hanging when PostgreSQL is away.
        .connection_timeout(Duration::from_secs(3))
        .build(manager)
        .map_err(|e| SetupError::Unreachable { url: redact_url(url), reason: e.to_string() })
}

/// Creates the database if needed, migrates it and returns a pool.
pub fn prepare(url: &str, pool_size: u32) -> Result<DbPool, SetupError> {
    ensure_database(url)?;
    let mut conn = PgConnection::establish(url)
        .map_err(|e| SetupError::Unreachable { url: redact_url(url), reason: e.to_string() })?;
    run_migrations(&mut conn)?;
    build_pool(url, pool_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_url_keeps_host_and_options() {
        let (admin, name) = maintenance_url("postgres://u:p@h:5432/plumbline?sslmode=disable").unwrap();
        assert_eq!(admin, "postgres://u:p@h:5432/postgres?sslmode=disable");
        assert_eq!(name, "plumbline");
        assert!(maintenance_url("postgres://h:5432").is_none());
    }

    #[test]
    fn redacts_password() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
