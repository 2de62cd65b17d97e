//! Microconferences: accepted MC proposals, their leads, and their topics.

use crate::db::schema::{microconference_leads, microconferences, users};
use crate::services::repo::users::User;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = microconferences)]
pub struct Microconference {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub conference_id: i64,
    pub proposal_id: i64,
    pub title: String,
    pub description_md: String,
    pub track_id: Option<i64>,
    pub budget_minutes: i32,
    pub latest_topic_close: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Comp passes this MC gives its speakers (fixed at acceptance).
    pub comp_passes: i32,
}

#[derive(Insertable)]
#[diesel(table_name = microconferences)]
pub struct NewMc<'a> {
    pub conference_id: i64,
    pub proposal_id: i64,
    pub title: &'a str,
    pub description_md: &'a str,
    pub track_id: Option<i64>,
    pub latest_topic_close: DateTime<Utc>,
}

/// Creates the MC of an accepted proposal, or returns the existing one (accepting twice changes nothing).
pub fn upsert_for_proposal(conn: &mut PgConnection, n: &NewMc) -> QueryResult<(Microconference, bool)> {
    if let Some(existing) = microconferences::table
        .filter(microconferences::proposal_id.eq(n.proposal_id))
        .select(Microconference::as_select())
        .first(conn)
        .optional()?
    {
        return Ok((existing, false));
    }
    let mc = diesel::insert_into(microconferences::table)
        .values(n)
        .returning(Microconference::as_returning())
        .get_result(conn)?;
    Ok((mc, true))
}

pub fn by_public_id(
    conn: &mut PgConnection,
    conference_id: i64,
    public_id: uuid::Uuid,
) -> QueryResult<Option<Microconference>> {
    one_in_conference!(
        conn,
        microconferences,
        Microconference,
        conference_id,
        microconferences::public_id.eq(public_id)
    )
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Microconference> {
    microconferences::table.find(id).select(Microconference::as_select()).first(conn)
}

pub fn for_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Microconference>> {
    microconferences::table
        .filter(microconferences::conference_id.eq(conference_id))
        .order(microconferences::title)
        .select(Microconference::as_select())
        .load(conn)
}

/// The conference's MCs whose proposal is, as disclosed, accepted (not one
/// withdrawn since): the ones the public programme lists.
pub fn announced(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Microconference>> {
    use crate::db::schema::proposals_disclosed as d;
    let accepted = d::table
        .filter(d::conference_id.eq(conference_id))
        .filter(d::state.eq(crate::domain::proposal::ProposalState::Accepted))
        .select(d::id);
    microconferences::table
        .filter(microconferences::conference_id.eq(conference_id))
        .filter(microconferences::proposal_id.eq_any(accepted))
        .order(microconferences::title)
        .select(Microconference::as_select())
        .load(conn)
}

pub fn add_lead(conn: &mut PgConnection, mc_id: i64, user_id: i64) -> QueryResult<()> {
    diesel::insert_into(microconference_leads::table)
        .values((microconference_leads::microconference_id.eq(mc_id), microconference_leads::user_id.eq(user_id)))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|_| ())
}

pub fn is_lead(conn: &mut PgConnection, mc_id: i64, user_id: i64) -> QueryResult<bool> {
    super::exists(conn, microconference_leads::table.find((mc_id, user_id)))
}

pub fn leads(conn: &mut PgConnection, mc_id: i64) -> QueryResult<Vec<User>> {
    microconference_leads::table
        .inner_join(users::table)
        .filter(microconference_leads::microconference_id.eq(mc_id))
        .order(users::name)
        .select(User::as_select())
        .load(conn)
}

#[cfg(feature = "test-support")]
pub fn set_budget(conn: &mut PgConnection, id: i64, minutes: i32, latest_close: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(microconferences::table.find(id))
        .set((microconferences::budget_minutes.eq(minutes), microconferences::latest_topic_close.eq(latest_close)))
        .execute(conn)
        .map(|_| ())
}

pub fn set_published(conn: &mut PgConnection, conference_id: i64, published: bool) -> QueryResult<()> {
    use crate::db::schema::conferences;
    diesel::update(conferences::table.find(conference_id))
        .set(conferences::programme_published.eq(published))
        .execute(conn)
        .map(|_| ())
}

pub fn set_comp_passes(conn: &mut PgConnection, id: i64, n: i32) -> QueryResult<()> {
    diesel::update(microconferences::table.find(id)).set(microconferences::comp_passes.eq(n)).execute(conn).map(|_| ())
}
