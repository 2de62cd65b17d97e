//! The totals `/metrics` reports, in one round trip.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(QueryableByName, Debug)]
pub struct Totals {
    #[diesel(sql_type = BigInt)]
    pub outbox_pending: i64,
    #[diesel(sql_type = BigInt)]
    pub outbox_oldest_pending_seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub outbox_failed: i64,
    #[diesel(sql_type = BigInt)]
    pub registrations: i64,
    #[diesel(sql_type = BigInt)]
    pub bookings: i64,
}

pub fn totals(conn: &mut PgConnection) -> QueryResult<Totals> {
    diesel::sql_query(
        "SELECT \
           (SELECT count(*) FROM outbox WHERE status = 'pending') AS outbox_pending, \
           (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at))::bigint, 0) \
              FROM outbox WHERE status = 'pending') AS outbox_oldest_pending_seconds, \
           (SELECT count(*) FROM outbox WHERE status = 'failed') AS outbox_failed, \
           (SELECT count(*) FROM registrations) AS registrations, \
           (SELECT count(*) FROM room_bookings WHERE cancelled_at IS NULL) AS bookings",
    )
    .get_result(conn)
}
