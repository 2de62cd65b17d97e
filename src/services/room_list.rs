//! The public list of a conference's rooms, as the JSON API shows it.
//! (Kept apart from `services::rooms` while that module is being split; it
//! belongs there once the split lands.)

use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::rooms;
use crate::services::rooms::room_json;
use diesel::PgConnection;
use serde_json::Value;

/// Every room of the conference (bookable or not), in the board's order.
pub fn public_rooms(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Value>, AppError> {
    Ok(rooms::rooms_of(conn, conf.id)?.iter().map(room_json).collect())
}
