//! The health check's one question to the database.

use crate::error::AppError;
use crate::services::Db;
use diesel::RunQueryDsl;

/// The database answers a trivial query (for load balancers and monitors).
pub fn database_answers(Db(conn): &mut Db) -> Result<(), AppError> {
    diesel::sql_query("SELECT 1").execute(&mut **conn)?;
    Ok(())
}

/// The figures `/metrics` reads from the database (the same on every instance).
pub fn totals(Db(conn): &mut Db) -> Result<crate::services::repo::metrics::Totals, AppError> {
    Ok(crate::services::repo::metrics::totals(conn)?)
}
