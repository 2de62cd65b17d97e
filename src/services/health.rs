//! The health check's one question to the database.

use crate::error::AppError;
use crate::services::Db;
use diesel::RunQueryDsl;

/// The database answers a trivial query (for load balancers and monitors).
pub fn database_answers(Db(conn): &mut Db) -> Result<(), AppError> {
    diesel::sql_query("SELECT 1").execute(&mut **conn)?;
    Ok(())
}
