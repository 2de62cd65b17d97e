//! Registrations per day (the sales chart) and demo back-dating.

use crate::db::prepared::prepared;
use crate::db::schema::registrations;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::PgConnection;

#[derive(QueryableByName)]
pub struct DayCount {
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// New registrations per day in the conference's calendar.
pub fn per_day(conn: &mut PgConnection, conference_id: i64, time_zone: &str) -> QueryResult<Vec<DayCount>> {
    prepared(
        "SELECT (created_at AT TIME ZONE $2)::date AS day, count(*) AS n \
         FROM registrations WHERE conference_id = $1 GROUP BY 1 ORDER BY 1",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<Text, _>(time_zone)
    .load(conn)
}

/// Sets when a registration was made (demo data spread over past days).
pub fn backdate(conn: &mut PgConnection, id: i64, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::created_at.eq(at),
            registrations::confirmed_at.eq(diesel::dsl::sql::<Nullable<diesel::sql_types::Timestamptz>>(
                "CASE WHEN confirmed_at IS NULL THEN NULL ELSE ",
            )
            .bind::<diesel::sql_types::Timestamptz, _>(at)
            .sql(" END")),
        ))
        .execute(conn)
        .map(|_| ())
}
