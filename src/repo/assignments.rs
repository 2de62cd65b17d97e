//! Review preferences, assignments and the facts automatic assignment reads.
//!
//! A proposal "has" a reviewer when they are assigned to it or have reviewed
//! it (a review written without an assignment counts towards the reviews it
//! wants); a reviewer's load is the number of the conference's proposals they
//! have in that sense. Only the conference's own calls take part: an MC's
//! topics are reviewed by its leads, who are not assigned.

use super::reviews::conflict_sql;
use crate::db::schema::{review_assignments, review_preferences};
use crate::domain::review::AssignmentSource;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::PgConnection;
use std::collections::HashMap;

// --- preferences ---

pub fn set_preference(conn: &mut PgConnection, proposal_id: i64, user_id: i64, preference: i32) -> QueryResult<()> {
    diesel::insert_into(review_preferences::table)
        .values((
            review_preferences::proposal_id.eq(proposal_id),
            review_preferences::user_id.eq(user_id),
            review_preferences::preference.eq(preference),
        ))
        .on_conflict((review_preferences::proposal_id, review_preferences::user_id))
        .do_update()
        .set((review_preferences::preference.eq(preference), review_preferences::updated_at.eq(Utc::now())))
        .execute(conn)
        .map(|_| ())
}

pub fn preference(conn: &mut PgConnection, proposal_id: i64, user_id: i64) -> QueryResult<Option<i32>> {
    review_preferences::table.find((proposal_id, user_id)).select(review_preferences::preference).first(conn).optional()
}

/// Whether the same organisation as a proposer counts as a conflict of interest.
pub fn set_conflict_by_affiliation(conn: &mut PgConnection, conference_id: i64, on: bool) -> QueryResult<()> {
    use crate::db::schema::conferences;
    diesel::update(conferences::table.find(conference_id))
        .set(conferences::conflict_by_affiliation.eq(on))
        .execute(conn)
        .map(|_| ())
}

// --- assignments ---

/// Adds assignments; pairs that exist already stay as they are. Returns how many were new.
pub fn assign(
    conn: &mut PgConnection,
    pairs: &[(i64, i64)],
    source: AssignmentSource,
    by: Option<i64>,
) -> QueryResult<usize> {
    let rows: Vec<_> = pairs
        .iter()
        .map(|&(p, r)| {
            (
                review_assignments::proposal_id.eq(p),
                review_assignments::reviewer_id.eq(r),
                review_assignments::source.eq(source),
                review_assignments::assigned_by.eq(by),
            )
        })
        .collect();
    let mut added = 0;
    // 4 parameters a row: stay well under PostgreSQL's 65,535 per statement.
    for chunk in rows.chunks(5_000) {
        added += diesel::insert_into(review_assignments::table).values(chunk).on_conflict_do_nothing().execute(conn)?;
    }
    Ok(added)
}

pub fn unassign(conn: &mut PgConnection, proposal_id: i64, reviewer_id: i64) -> QueryResult<usize> {
    diesel::delete(review_assignments::table.find((proposal_id, reviewer_id))).execute(conn)
}

/// Serialises automatic assignment runs of one conference (two organisers
/// pressing "save" at once would each fill the same gaps).
pub fn lock_conference(conn: &mut PgConnection, conference_id: i64) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('review-assignment'), $1::int)")
        .bind::<Int4, _>((conference_id % i64::from(i32::MAX)) as i32)
        .execute(conn)
        .map(|_| ())
}

/// The proposals an assignment run fills: submitted (or "maybe") proposals of
/// the conference's own calls, or of one call (`call_id` 0: all).
const TO_FILL: &str = "FROM proposals p JOIN calls c ON c.id = p.call_id \
     WHERE p.conference_id = $1 AND c.microconference_id IS NULL AND p.state IN ('submitted', 'maybe') \
       AND ($2 = 0 OR p.call_id = $2)";

#[derive(Debug, Clone, QueryableByName)]
pub struct ProposalToFill {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = BigInt)]
    pub call_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub track_id: Option<i64>,
    /// Users it has: assigned, or who reviewed it.
    #[diesel(sql_type = Array<BigInt>)]
    pub reviewers: Vec<i64>,
}

pub fn proposals_to_fill(
    conn: &mut PgConnection,
    conference_id: i64,
    call_id: i64,
) -> QueryResult<Vec<ProposalToFill>> {
    let sql = format!(
        "SELECT p.id, p.public_id, p.title, p.call_id, p.track_id, \
                ARRAY(SELECT a.reviewer_id FROM review_assignments a WHERE a.proposal_id = p.id \
                      UNION SELECT r.reviewer_id FROM reviews r WHERE r.proposal_id = p.id) AS reviewers \
         {TO_FILL} ORDER BY p.id"
    );
    diesel::sql_query(sql).bind::<BigInt, _>(conference_id).bind::<BigInt, _>(call_id).load(conn)
}

/// An accepted committee member, their scope and their load.
#[derive(Debug, Clone, QueryableByName)]
pub struct MemberLoad {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Array<BigInt>)]
    pub call_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    pub track_ids: Vec<i64>,
    /// Proposals of the conference's calls they are assigned to or reviewed.
    #[diesel(sql_type = BigInt)]
    pub load: i64,
}

pub fn member_loads(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<MemberLoad>> {
    diesel::sql_query(
        "SELECT m.user_id, u.email, u.name, m.call_ids, m.track_ids, \
                (SELECT count(*) FROM (SELECT a.proposal_id FROM review_assignments a WHERE a.reviewer_id = m.user_id \
                                       UNION SELECT r.proposal_id FROM reviews r WHERE r.reviewer_id = m.user_id) x \
                 JOIN proposals p ON p.id = x.proposal_id JOIN calls c ON c.id = p.call_id \
                 WHERE p.conference_id = m.conference_id AND c.microconference_id IS NULL) AS load \
         FROM committee_members m JOIN users u ON u.id = m.user_id \
         WHERE m.conference_id = $1 AND m.status = 'accepted' ORDER BY u.email",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Pair {
    #[diesel(sql_type = BigInt)]
    pub proposal_id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
}

/// The accepted members with a conflict of interest with one proposal (user ids).
pub fn conflicted_members(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<i64>> {
    let sql = format!(
        "SELECT p.id AS proposal_id, m.user_id FROM proposals p \
         JOIN committee_members m ON m.conference_id = p.conference_id AND m.status = 'accepted' AND m.user_id IS NOT NULL \
         WHERE p.id = $1 AND {}",
        conflict_sql("m.user_id")
    );
    let rows: Vec<Pair> = diesel::sql_query(sql).bind::<BigInt, _>(proposal_id).load(conn)?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

/// Every (proposal to fill, accepted member) pair with a conflict of interest,
/// by the one definition of a conflict.
pub fn conflicts(conn: &mut PgConnection, conference_id: i64, call_id: i64) -> QueryResult<Vec<Pair>> {
    let sql = format!(
        "SELECT p.id AS proposal_id, m.user_id \
         FROM committee_members m, LATERAL (SELECT p.* {TO_FILL}) p \
         WHERE m.conference_id = $1 AND m.status = 'accepted' AND m.user_id IS NOT NULL AND {}",
        conflict_sql("m.user_id")
    );
    diesel::sql_query(sql).bind::<BigInt, _>(conference_id).bind::<BigInt, _>(call_id).load(conn)
}

#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct PreferenceRow {
    #[diesel(sql_type = BigInt)]
    pub proposal_id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Int4)]
    pub preference: i32,
}

pub fn preferences(conn: &mut PgConnection, conference_id: i64, call_id: i64) -> QueryResult<Vec<PreferenceRow>> {
    let sql = format!(
        "SELECT rp.proposal_id, rp.user_id, rp.preference FROM review_preferences rp \
         WHERE rp.proposal_id IN (SELECT p.id {TO_FILL})"
    );
    diesel::sql_query(sql).bind::<BigInt, _>(conference_id).bind::<BigInt, _>(call_id).load(conn)
}

/// An assignment in force, as the API and the pages list it.
#[derive(Debug, Clone, QueryableByName)]
pub struct AssignmentRow {
    #[diesel(sql_type = BigInt)]
    pub proposal_db_id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub proposal: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = BigInt)]
    pub reviewer_id: i64,
    #[diesel(sql_type = Text)]
    pub reviewer: String,
    #[diesel(sql_type = Text)]
    pub reviewer_name: String,
    #[diesel(sql_type = Text)]
    pub source: AssignmentSource,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub reviewed: bool,
}

/// The assignments of a conference (`reviewer` 0: everyone's), without the
/// proposals `viewer` has a conflict of interest with.
pub fn assignments(
    conn: &mut PgConnection,
    conference_id: i64,
    reviewer: i64,
    viewer: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    let sql = format!(
        "SELECT p.id AS proposal_db_id, p.public_id AS proposal, p.title, a.reviewer_id, u.email AS reviewer, \
                u.name AS reviewer_name, a.source, \
                EXISTS (SELECT 1 FROM reviews r WHERE r.proposal_id = a.proposal_id AND r.reviewer_id = a.reviewer_id) AS reviewed \
         FROM review_assignments a JOIN proposals p ON p.id = a.proposal_id JOIN users u ON u.id = a.reviewer_id \
         WHERE p.conference_id = $1 AND ($2 = 0 OR a.reviewer_id = $2) AND NOT {} \
         ORDER BY p.id, u.email",
        conflict_sql("$3")
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(conference_id)
        .bind::<BigInt, _>(reviewer)
        .bind::<BigInt, _>(viewer)
        .load(conn)
}

/// Titles and addresses for a plan's pairs, in two queries.
pub struct Names {
    pub proposals: HashMap<i64, (uuid::Uuid, String)>,
    pub users: HashMap<i64, (String, String)>,
}

pub fn names(conn: &mut PgConnection, pairs: &[(i64, i64)]) -> QueryResult<Names> {
    use crate::db::schema::{proposals, users};
    let pids: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    let uids: Vec<i64> = pairs.iter().map(|p| p.1).collect();
    let ps: Vec<(i64, uuid::Uuid, String)> = proposals::table
        .filter(proposals::id.eq_any(&pids))
        .select((proposals::id, proposals::public_id, proposals::title))
        .load(conn)?;
    let us: Vec<(i64, String, String)> =
        users::table.filter(users::id.eq_any(&uids)).select((users::id, users::email, users::name)).load(conn)?;
    Ok(Names {
        proposals: ps.into_iter().map(|(id, p, t)| (id, (p, t))).collect(),
        users: us.into_iter().map(|(id, e, n)| (id, (e, n))).collect(),
    })
}

/// The assignments of one proposal, with each reviewer's address.
pub fn of_proposal(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<(i64, String, String)>> {
    use crate::db::schema::users;
    review_assignments::table
        .inner_join(users::table)
        .filter(review_assignments::proposal_id.eq(proposal_id))
        .order(users::email)
        .select((users::id, users::email, users::name))
        .load(conn)
}

/// A committee member's progress on what they were asked to review.
#[derive(Debug, Clone, QueryableByName)]
pub struct Progress {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub assigned: i64,
    /// Assigned proposals they have reviewed.
    #[diesel(sql_type = BigInt)]
    pub done: i64,
    /// Every review they wrote in the conference's calls.
    #[diesel(sql_type = BigInt)]
    pub reviews: i64,
    #[diesel(sql_type = BigInt)]
    pub preferences: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub reminded_at: Option<DateTime<Utc>>,
}

pub fn progress(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<Progress>> {
    diesel::sql_query(
        "SELECT m.user_id, u.email, u.name, \
                (SELECT count(*) FROM review_assignments a JOIN proposals p ON p.id = a.proposal_id \
                 WHERE a.reviewer_id = m.user_id AND p.conference_id = m.conference_id) AS assigned, \
                (SELECT count(*) FROM review_assignments a JOIN proposals p ON p.id = a.proposal_id \
                 JOIN reviews r ON r.proposal_id = a.proposal_id AND r.reviewer_id = a.reviewer_id \
                 WHERE a.reviewer_id = m.user_id AND p.conference_id = m.conference_id) AS done, \
                (SELECT count(*) FROM reviews r JOIN proposals p ON p.id = r.proposal_id \
                 JOIN calls c ON c.id = p.call_id \
                 WHERE r.reviewer_id = m.user_id AND p.conference_id = m.conference_id \
                   AND c.microconference_id IS NULL) AS reviews, \
                (SELECT count(*) FROM review_preferences rp JOIN proposals p ON p.id = rp.proposal_id \
                 WHERE rp.user_id = m.user_id AND p.conference_id = m.conference_id) AS preferences, \
                m.reminded_at \
         FROM committee_members m JOIN users u ON u.id = m.user_id \
         WHERE m.conference_id = $1 AND m.status = 'accepted' ORDER BY u.email",
    )
    .bind::<BigInt, _>(conference_id)
    .load(conn)
}

/// Marks these members reminded now, except those reminded in the last 20
/// hours; returns the users it marked (the ones to mail).
pub fn claim_reminders(conn: &mut PgConnection, conference_id: i64, user_ids: &[i64]) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        user_id: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "UPDATE committee_members SET reminded_at = now() \
         WHERE conference_id = $1 AND status = 'accepted' AND user_id = ANY($2) \
           AND (reminded_at IS NULL OR reminded_at < now() - interval '20 hours') \
         RETURNING user_id",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<Array<BigInt>, _>(user_ids)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}
