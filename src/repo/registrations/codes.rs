//! Comp codes: organisers' batches and microconferences' speaker passes.

use super::CompCode;
use crate::db::schema::{comp_codes, ticket_types, users};
use diesel::prelude::*;
use diesel::PgConnection;

/// A batch of comp codes: an organisers' batch, or (with `mc_id`) one
/// microconference's speaker passes.
pub fn insert_codes(
    conn: &mut PgConnection,
    conference_id: i64,
    ticket_type_id: i64,
    label: Option<&str>,
    mc_id: Option<i64>,
    codes: &[String],
) -> QueryResult<usize> {
    let rows: Vec<_> = codes
        .iter()
        .map(|c| {
            (
                comp_codes::conference_id.eq(conference_id),
                comp_codes::ticket_type_id.eq(ticket_type_id),
                comp_codes::code.eq(c.as_str()),
                comp_codes::label.eq(label),
                comp_codes::microconference_id.eq(mc_id),
            )
        })
        .collect();
    diesel::insert_into(comp_codes::table).values(&rows).execute(conn)
}

pub fn count_mc_codes(conn: &mut PgConnection, mc_id: i64) -> QueryResult<i64> {
    comp_codes::table.filter(comp_codes::microconference_id.eq(mc_id)).count().get_result(conn)
}

/// An MC's codes with who used each (shown to its leads).
pub fn mc_codes(conn: &mut PgConnection, mc_id: i64) -> QueryResult<Vec<(String, Option<String>)>> {
    comp_codes::table
        .left_join(users::table.on(comp_codes::used_by.eq(users::id.nullable())))
        .filter(comp_codes::microconference_id.eq(mc_id))
        .order(comp_codes::id)
        .select((comp_codes::code, users::name.nullable()))
        .load(conn)
}

/// Marks a code used by `user_id`, only if nobody used it yet (a guarded update:
/// two people racing for one code cannot both win).
pub fn claim_code(
    conn: &mut PgConnection,
    conference_id: i64,
    code: &str,
    user_id: i64,
) -> QueryResult<Option<CompCode>> {
    diesel::update(
        comp_codes::table
            .filter(comp_codes::conference_id.eq(conference_id))
            .filter(comp_codes::code.eq(code))
            .filter(comp_codes::used_by.is_null())
            .filter(comp_codes::used_at.is_null()),
    )
    .set((comp_codes::used_by.eq(user_id), comp_codes::used_at.eq(diesel::dsl::now)))
    .returning(CompCode::as_returning())
    .get_result(conn)
    .optional()
}

pub fn code(conn: &mut PgConnection, conference_id: i64, code: &str) -> QueryResult<Option<CompCode>> {
    one_in_conference!(conn, comp_codes, CompCode, conference_id, comp_codes::code.eq(code))
}

/// Codes of a conference with the ticket type name and who used each.
pub fn codes(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(CompCode, String, Option<String>)>> {
    comp_codes::table
        .inner_join(ticket_types::table)
        .left_join(users::table.on(comp_codes::used_by.eq(users::id.nullable())))
        .filter(comp_codes::conference_id.eq(conference_id))
        .order((comp_codes::created_at.desc(), comp_codes::id))
        .select((CompCode::as_select(), ticket_types::name, users::email.nullable()))
        .load(conn)
}
