//! The health check's one question to the database.

use crate::error::AppError;
use diesel::{PgConnection, RunQueryDsl};

/// The database answers a trivial query (for load balancers and monitors).
pub fn database_answers(conn: &mut PgConnection) -> Result<(), AppError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
