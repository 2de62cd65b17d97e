//! Rate-limit counters: one row per key and fixed window, counted in one statement.

use diesel::prelude::*;
use diesel::sql_types::{Array, Double, Integer, Text};
use diesel::PgConnection;

#[derive(QueryableByName)]
pub struct Hits {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Integer)]
    pub hits: i32,
}

/// Counts one hit on every key (a key whose window has passed starts again at 1)
/// and returns each key's count in this window. Keys are taken in sorted order so
/// two requests sharing keys never deadlock.
pub fn hit(conn: &mut PgConnection, keys: &[String], window_secs: i64) -> QueryResult<Vec<Hits>> {
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    diesel::sql_query(
        "INSERT INTO rate_limits AS r (key, window_start, hits) \
         SELECT k, now(), 1 FROM unnest($1::text[]) AS k ORDER BY k \
         ON CONFLICT (key) DO UPDATE SET \
           hits = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE r.hits + 1 END, \
           window_start = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN now() ELSE r.window_start END \
         RETURNING key, hits",
    )
    .bind::<Array<Text>, _>(&keys)
    .bind::<Double, _>(window_secs as f64)
    .load(conn)
}

/// Takes one hit back from every key (a login that turned out right is not a failure).
pub fn take_back(conn: &mut PgConnection, keys: &[String]) -> QueryResult<()> {
    diesel::sql_query("UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = ANY($1::text[])")
        .bind::<Array<Text>, _>(keys)
        .execute(conn)
        .map(|_| ())
}

/// Forgets windows that ended long ago (run by the worker now and then).
pub fn prune(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'").execute(conn)
}
