//! Ticket types and their fee tiers.

use super::{TicketType, TierRow};
use crate::db::schema::{fee_tiers, ticket_types};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use std::collections::Bound;
use uuid::Uuid;

pub fn ticket_types(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<TicketType>> {
    ticket_types::table
        .filter(ticket_types::conference_id.eq(conference_id))
        .order((ticket_types::requires_code, ticket_types::created_at, ticket_types::id))
        .select(TicketType::as_select())
        .load(conn)
}

pub fn has_ticket_types(conn: &mut PgConnection, conference_id: i64) -> QueryResult<bool> {
    crate::services::repo::exists(conn, ticket_types::table.filter(ticket_types::conference_id.eq(conference_id)))
}

pub fn ticket_type(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<TicketType>> {
    one_in_conference!(conn, ticket_types, TicketType, conference_id, ticket_types::public_id.eq(public_id))
}

pub fn insert_ticket_type(
    conn: &mut PgConnection,
    conference_id: i64,
    name: &str,
    description: &str,
    requires_code: bool,
) -> QueryResult<TicketType> {
    diesel::insert_into(ticket_types::table)
        .values((
            ticket_types::conference_id.eq(conference_id),
            ticket_types::name.eq(name),
            ticket_types::description.eq(description),
            ticket_types::requires_code.eq(requires_code),
        ))
        .returning(TicketType::as_returning())
        .get_result(conn)
}

/// Makes a ticket type a bundle price for registrants of another conference (or not).
pub fn set_bundle(conn: &mut PgConnection, id: i64, for_registrants_of: Option<i64>) -> QueryResult<()> {
    diesel::update(ticket_types::table.find(id))
        .set(ticket_types::for_registrants_of.eq(for_registrants_of))
        .execute(conn)
        .map(|_| ())
}

pub fn tiers_for_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<TierRow>> {
    fee_tiers::table
        .inner_join(ticket_types::table)
        .filter(ticket_types::conference_id.eq(conference_id))
        .order((fee_tiers::ticket_type_id, fee_tiers::valid))
        .select(TierRow::as_select())
        .load(conn)
}

pub fn tiers_for_type(conn: &mut PgConnection, ticket_type_id: i64) -> QueryResult<Vec<TierRow>> {
    fee_tiers::table
        .filter(fee_tiers::ticket_type_id.eq(ticket_type_id))
        .order(fee_tiers::valid)
        .select(TierRow::as_select())
        .load(conn)
}

pub fn tier(conn: &mut PgConnection, conference_id: i64, public_id: Uuid) -> QueryResult<Option<TierRow>> {
    fee_tiers::table
        .inner_join(ticket_types::table)
        .filter(ticket_types::conference_id.eq(conference_id))
        .filter(fee_tiers::public_id.eq(public_id))
        .select(TierRow::as_select())
        .first(conn)
        .optional()
}

pub struct TierValues<'a> {
    pub label: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

pub fn insert_tier(conn: &mut PgConnection, ticket_type_id: i64, v: &TierValues) -> QueryResult<TierRow> {
    diesel::insert_into(fee_tiers::table)
        .values((
            fee_tiers::ticket_type_id.eq(ticket_type_id),
            fee_tiers::label.eq(v.label),
            fee_tiers::amount_minor.eq(v.amount_minor),
            fee_tiers::currency.eq(v.currency),
            fee_tiers::valid.eq((Bound::Included(v.from), Bound::Excluded(v.until))),
        ))
        .returning(TierRow::as_returning())
        .get_result(conn)
}

pub fn update_tier(conn: &mut PgConnection, id: i64, v: &TierValues) -> QueryResult<()> {
    diesel::update(fee_tiers::table.find(id))
        .set((
            fee_tiers::label.eq(v.label),
            fee_tiers::amount_minor.eq(v.amount_minor),
            fee_tiers::currency.eq(v.currency),
            fee_tiers::valid.eq((Bound::Included(v.from), Bound::Excluded(v.until))),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_tier(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(fee_tiers::table.find(id)).execute(conn).map(|_| ())
}
