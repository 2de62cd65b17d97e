//! The programme committee, reviews, conflicts of interest and notification templates.

use crate::db::schema::{committee_members, notification_templates, review_conflicts, reviews, users};
use crate::domain::proposal::{InvitationStatus, ProposalState};
use crate::domain::review::{ConflictSource, Decision, Visibility};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = committee_members)]
pub struct Member {
    pub id: i64,
    pub conference_id: i64,
    pub email: String,
    pub user_id: Option<i64>,
    pub status: InvitationStatus,
    #[serde(skip)]
    pub invite_token_hash: Vec<u8>,
    pub call_ids: Vec<i64>,
    pub track_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

impl Member {
    /// Whether this member's scope covers a proposal in `call_id` / `track_id`.
    pub fn covers(&self, call_id: i64, track_id: Option<i64>) -> bool {
        crate::domain::review::scope_covers(&self.call_ids, &self.track_ids, call_id, track_id)
    }
}

/// Invites (or re-scopes) a member; returns true when the row is new.
pub fn invite_member(
    conn: &mut PgConnection,
    conference_id: i64,
    email: &str,
    token_hash: &[u8],
    call_ids: &[i64],
    track_ids: &[i64],
) -> QueryResult<bool> {
    let updated = diesel::update(
        committee_members::table
            .filter(committee_members::conference_id.eq(conference_id))
            .filter(committee_members::email.eq(email)),
    )
    .set((committee_members::call_ids.eq(call_ids), committee_members::track_ids.eq(track_ids)))
    .execute(conn)?;
    if updated > 0 {
        return Ok(false);
    }
    diesel::insert_into(committee_members::table)
        .values((
            committee_members::conference_id.eq(conference_id),
            committee_members::email.eq(email),
            committee_members::invite_token_hash.eq(token_hash),
            committee_members::call_ids.eq(call_ids),
            committee_members::track_ids.eq(track_ids),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn members(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<(Member, Option<String>)>> {
    committee_members::table
        .left_join(users::table)
        .filter(committee_members::conference_id.eq(conference_id))
        .order(committee_members::email)
        .select((Member::as_select(), users::name.nullable()))
        .load(conn)
}

pub fn member_by_token(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<Option<Member>> {
    committee_members::table
        .filter(committee_members::invite_token_hash.eq(token_hash))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

pub fn respond(conn: &mut PgConnection, id: i64, user_id: i64, accept: bool) -> QueryResult<()> {
    diesel::update(committee_members::table.find(id))
        .set((
            committee_members::status.eq(InvitationStatus::answer(accept)),
            committee_members::user_id.eq(Some(user_id)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The accepted membership of a user in a conference's committee.
pub fn membership(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Option<Member>> {
    committee_members::table
        .filter(committee_members::conference_id.eq(conference_id))
        .filter(committee_members::user_id.eq(user_id))
        .filter(committee_members::status.eq(InvitationStatus::Accepted))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

/// Adds an accepted member directly (demo data and the CLI).
pub fn add_accepted(
    conn: &mut PgConnection,
    conference_id: i64,
    user_id: i64,
    email: &str,
    token_hash: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(committee_members::table)
        .values((
            committee_members::conference_id.eq(conference_id),
            committee_members::email.eq(email),
            committee_members::user_id.eq(Some(user_id)),
            committee_members::status.eq(InvitationStatus::Accepted),
            committee_members::invite_token_hash.eq(token_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|_| ())
}

// --- reviews ---

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = reviews)]
pub struct Review {
    pub id: i64,
    pub proposal_id: i64,
    pub reviewer_id: i64,
    pub score: i32,
    pub comment: String,
    pub note_to_proposer: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn upsert_review(
    conn: &mut PgConnection,
    proposal_id: i64,
    reviewer_id: i64,
    score: i32,
    comment: &str,
    note: &str,
) -> QueryResult<()> {
    let review = (reviews::score.eq(score), reviews::comment.eq(comment), reviews::note_to_proposer.eq(note));
    diesel::insert_into(reviews::table)
        .values((reviews::proposal_id.eq(proposal_id), reviews::reviewer_id.eq(reviewer_id), review))
        .on_conflict((reviews::proposal_id, reviews::reviewer_id))
        .do_update()
        .set((review, reviews::updated_at.eq(Utc::now())))
        .execute(conn)
        .map(|_| ())
}

/// Stores the criterion scores of `reviewer`'s review of a proposal (replacing earlier ones).
pub fn set_criterion_scores(
    conn: &mut PgConnection,
    proposal_id: i64,
    reviewer_id: i64,
    scores: &[(i64, i32)],
) -> QueryResult<()> {
    use crate::db::schema::review_criterion_scores as cs;
    let review_id: i64 = reviews::table
        .filter(reviews::proposal_id.eq(proposal_id))
        .filter(reviews::reviewer_id.eq(reviewer_id))
        .select(reviews::id)
        .first(conn)?;
    diesel::delete(cs::table.filter(cs::review_id.eq(review_id))).execute(conn)?;
    let rows: Vec<_> =
        scores.iter().map(|&(c, s)| (cs::review_id.eq(review_id), cs::criterion_id.eq(c), cs::score.eq(s))).collect();
    diesel::insert_into(cs::table).values(&rows).execute(conn).map(|_| ())
}

/// Criterion scores of a proposal's reviews: (review id, criterion id, score).
pub fn criterion_scores(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<(i64, i64, i32)>> {
    use crate::db::schema::review_criterion_scores as cs;
    cs::table
        .inner_join(reviews::table)
        .filter(reviews::proposal_id.eq(proposal_id))
        .select((cs::review_id, cs::criterion_id, cs::score))
        .load(conn)
}

pub fn reviews_of(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<(Review, String)>> {
    reviews::table
        .inner_join(users::table)
        .filter(reviews::proposal_id.eq(proposal_id))
        .order(reviews::created_at)
        .select((Review::as_select(), users::name))
        .load(conn)
}

/// How many reviews were written for proposals of a call.
pub fn count_for_call(conn: &mut PgConnection, call_id: i64) -> QueryResult<i64> {
    use crate::db::schema::proposals;
    reviews::table.inner_join(proposals::table).filter(proposals::call_id.eq(call_id)).count().get_result(conn)
}

/// Notes to the proposer, without who wrote them or their scores.
pub fn notes_for_proposer(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<String>> {
    reviews::table
        .filter(reviews::proposal_id.eq(proposal_id))
        .filter(reviews::note_to_proposer.ne(""))
        .order(reviews::created_at)
        .select(reviews::note_to_proposer)
        .load(conn)
}

// --- conflicts ---

pub fn set_conflict(
    conn: &mut PgConnection,
    proposal_id: i64,
    user_id: i64,
    source: ConflictSource,
) -> QueryResult<()> {
    diesel::insert_into(review_conflicts::table)
        .values((
            review_conflicts::proposal_id.eq(proposal_id),
            review_conflicts::user_id.eq(user_id),
            review_conflicts::source.eq(source),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|_| ())
}

pub fn remove_conflict(conn: &mut PgConnection, proposal_id: i64, user_id: i64) -> QueryResult<usize> {
    diesel::delete(
        review_conflicts::table
            .filter(review_conflicts::proposal_id.eq(proposal_id))
            .filter(review_conflicts::user_id.eq(user_id)),
    )
    .execute(conn)
}

/// The one definition of a conflict of interest, used by every page, export and API:
/// the reviewer is on the proposal (submitter, co-speaker or co-lead, invited or
/// accepted), or a conflict was declared or set for them, or (where the
/// conference counts it) they share an organisation with its proposer or an
/// accepted co-speaker.
const CONFLICT_SQL: &str = "(p.submitter_id = $REV \
    OR EXISTS (SELECT 1 FROM proposal_people pp WHERE pp.proposal_id = p.id AND pp.status <> 'declined' \
               AND (pp.user_id = $REV OR pp.email = (SELECT email FROM users WHERE id = $REV))) \
    OR EXISTS (SELECT 1 FROM review_conflicts rc WHERE rc.proposal_id = p.id AND rc.user_id = $REV) \
    OR EXISTS (SELECT 1 FROM conferences cf JOIN users ru ON ru.id = $REV \
               WHERE cf.id = p.conference_id AND cf.conflict_by_affiliation AND btrim(ru.affiliation) <> '' \
                 AND EXISTS (SELECT 1 FROM users pu WHERE lower(btrim(pu.affiliation)) = lower(btrim(ru.affiliation)) \
                             AND (pu.id = p.submitter_id OR pu.id IN (SELECT pp.user_id FROM proposal_people pp \
                                  WHERE pp.proposal_id = p.id AND pp.status = 'accepted')))))";

pub(super) fn conflict_sql(param: &str) -> String {
    CONFLICT_SQL.replace("$REV", param)
}

pub fn is_conflicted(conn: &mut PgConnection, proposal_id: i64, user_id: i64) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Bool)]
        conflicted: bool,
    }
    let sql = format!("SELECT {} AS conflicted FROM proposals p WHERE p.id = $1", conflict_sql("$2"));
    let rows: Vec<Row> = diesel::sql_query(sql).bind::<BigInt, _>(proposal_id).bind::<BigInt, _>(user_id).load(conn)?;
    Ok(rows.first().is_some_and(|r| r.conflicted))
}

/// The proposals of a conference `user_id` has a conflict of interest with.
pub fn conflicted_proposals(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let sql = format!("SELECT p.id FROM proposals p WHERE p.conference_id = $1 AND {}", conflict_sql("$2"));
    let rows: Vec<Row> =
        diesel::sql_query(sql).bind::<BigInt, _>(conference_id).bind::<BigInt, _>(user_id).load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// One row of a reviewer's (or organiser's) dashboard.
#[derive(Debug, Clone, QueryableByName, serde::Serialize)]
pub struct DashboardRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub state: ProposalState,
    #[diesel(sql_type = BigInt)]
    pub call_id: i64,
    #[diesel(sql_type = Text)]
    pub call_title: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub track_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub track: Option<String>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub own_score: Option<i32>,
    #[diesel(sql_type = Array<Int4>)]
    pub scores: Vec<i32>,
    #[diesel(sql_type = Int4)]
    pub score_min: i32,
    #[diesel(sql_type = Int4)]
    pub score_max: i32,
    #[diesel(sql_type = Text)]
    pub reviews_visibility: Visibility,
    #[diesel(sql_type = Text)]
    pub submitter_name: String,
    #[diesel(sql_type = Bool)]
    pub anonymised: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub decision_released_at: Option<DateTime<Utc>>,
    /// The viewer has a conflict of interest with it (only ever true when the
    /// scope includes conflicted proposals).
    #[diesel(sql_type = Bool)]
    pub conflicted: bool,
    /// The viewer is assigned to review it.
    #[diesel(sql_type = Bool)]
    pub assigned: bool,
    /// The viewer's review preference (-100..100), if they gave one.
    #[diesel(sql_type = Nullable<Int4>)]
    pub preference: Option<i32>,
}

pub struct Scope {
    pub conference_id: i64,
    /// The viewer; conflicted proposals are left out for them.
    pub viewer_id: i64,
    /// `Some(call)` for an MC's topic call (its leads review it); `None` for the conference's own calls.
    pub topic_call: Option<i64>,
    /// Limits of a committee member; empty means everything.
    pub call_ids: Vec<i64>,
    pub track_ids: Vec<i64>,
    /// Conflicted proposals listed too, marked `conflicted` (the organisers'
    /// decisions page: they see them, not their reviews); otherwise left out.
    pub include_conflicted: bool,
}

/// The proposals in scope that are up for review (submitted or decided), with
/// every score in one query (no N+1; the scores are kept on the proposal by a
/// trigger), conflicts already removed for reviewers.
pub fn dashboard(conn: &mut PgConnection, s: &Scope) -> QueryResult<Vec<DashboardRow>> {
    // Left out, every row is unconflicted: no need to ask twice.
    let (conflicted, conflict_filter) = if s.include_conflicted {
        (conflict_sql("$2"), String::new())
    } else {
        ("false".to_string(), format!("AND NOT {}", conflict_sql("$2")))
    };
    let call_filter = if s.topic_call.is_some() { "c.id = $5" } else { "c.microconference_id IS NULL" };
    let sql = format!(
        "SELECT p.id, p.public_id, p.title, p.state, c.id AS call_id, c.title AS call_title, p.track_id, t.name AS track, \
                own.score AS own_score, p.review_scores AS scores, \
                c.score_min, c.score_max, c.reviews_visibility, u.name AS submitter_name, c.anonymised, p.decision_released_at, \
                {conflicted} AS conflicted, (asg.proposal_id IS NOT NULL) AS assigned, pref.preference \
         FROM proposals p \
         JOIN calls c ON c.id = p.call_id \
         JOIN users u ON u.id = p.submitter_id \
         LEFT JOIN tracks t ON t.id = p.track_id \
         LEFT JOIN reviews own ON own.proposal_id = p.id AND own.reviewer_id = $2 \
         LEFT JOIN review_assignments asg ON asg.proposal_id = p.id AND asg.reviewer_id = $2 \
         LEFT JOIN review_preferences pref ON pref.proposal_id = p.id AND pref.user_id = $2 \
         WHERE p.conference_id = $1 AND p.state IN ('submitted', 'accepted', 'rejected', 'maybe') AND {call_filter} \
           AND (cardinality($3::bigint[]) = 0 OR p.call_id = ANY($3)) \
           AND (cardinality($4::bigint[]) = 0 OR p.track_id = ANY($4)) \
           {conflict_filter} \
         ORDER BY p.created_at"
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(s.conference_id)
        .bind::<BigInt, _>(s.viewer_id)
        .bind::<Array<BigInt>, _>(&s.call_ids)
        .bind::<Array<BigInt>, _>(&s.track_ids)
        .bind::<BigInt, _>(s.topic_call.unwrap_or(0))
        .load(conn)
}

/// Every review in a conference's calls with who wrote it (organisers' export).
#[derive(Debug, Clone, QueryableByName, serde::Serialize)]
pub struct ExportRow {
    /// The review's own id: where a page of the export ends.
    #[diesel(sql_type = BigInt)]
    pub review_id: i64,
    #[diesel(sql_type = BigInt)]
    pub proposal_db_id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub proposal_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub call: String,
    #[diesel(sql_type = Text)]
    pub state: ProposalState,
    #[diesel(sql_type = Text)]
    pub proposer: String,
    #[diesel(sql_type = Text)]
    pub proposer_email: String,
    #[diesel(sql_type = BigInt)]
    pub reviewer_id: i64,
    #[diesel(sql_type = Text)]
    pub reviewer: String,
    #[diesel(sql_type = Int4)]
    pub score: i32,
    #[diesel(sql_type = Text)]
    pub comment: String,
    #[diesel(sql_type = Text)]
    pub note_to_proposer: String,
    #[diesel(sql_type = Bool)]
    pub anonymised: bool,
    #[diesel(sql_type = Text)]
    pub reviews_visibility: Visibility,
    /// The viewer has a conflict of interest with the proposal.
    #[diesel(sql_type = Bool)]
    pub conflicted: bool,
    /// The viewer has reviewed the proposal (others' reviews may depend on it).
    #[diesel(sql_type = Bool)]
    pub viewer_reviewed: bool,
}

/// Every review of a conference, with what `viewer` is to each proposal; the
/// service decides which of them the viewer may read.
pub fn export(conn: &mut PgConnection, conference_id: i64, viewer_id: i64) -> QueryResult<Vec<ExportRow>> {
    let sql = format!("{} WHERE p.conference_id = $1 ORDER BY p.created_at, r.id", export_select());
    diesel::sql_query(sql).bind::<BigInt, _>(conference_id).bind::<BigInt, _>(viewer_id).load(conn)
}

/// One page of the export, in review order after the review `after`: what
/// the streamed CSV reads, a page at a time.
pub fn export_page(
    conn: &mut PgConnection,
    conference_id: i64,
    viewer_id: i64,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let sql = format!("{} WHERE p.conference_id = $1 AND r.id > $3 ORDER BY r.id LIMIT $4", export_select());
    diesel::sql_query(sql)
        .bind::<BigInt, _>(conference_id)
        .bind::<BigInt, _>(viewer_id)
        .bind::<BigInt, _>(after)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

fn export_select() -> String {
    format!(
        "SELECT r.id AS review_id, p.id AS proposal_db_id, p.public_id AS proposal_id, p.title, c.title AS call, p.state, \
                su.name AS proposer, su.email AS proposer_email, r.reviewer_id, ru.name AS reviewer, r.score, r.comment, \
                r.note_to_proposer, c.anonymised, c.reviews_visibility, {} AS conflicted, \
                EXISTS (SELECT 1 FROM reviews own WHERE own.proposal_id = p.id AND own.reviewer_id = $2) AS viewer_reviewed \
         FROM reviews r JOIN proposals p ON p.id = r.proposal_id JOIN calls c ON c.id = p.call_id \
         JOIN users su ON su.id = p.submitter_id JOIN users ru ON ru.id = r.reviewer_id",
        conflict_sql("$2")
    )
}

// --- notification templates ---

pub fn template(
    conn: &mut PgConnection,
    conference_id: i64,
    decision: Decision,
) -> QueryResult<Option<(String, String)>> {
    notification_templates::table
        .filter(notification_templates::conference_id.eq(conference_id))
        .filter(notification_templates::decision.eq(decision))
        .select((notification_templates::subject, notification_templates::body))
        .first(conn)
        .optional()
}

pub fn save_template(
    conn: &mut PgConnection,
    conference_id: i64,
    decision: Decision,
    subject: &str,
    body: &str,
) -> QueryResult<()> {
    let text = (notification_templates::subject.eq(subject), notification_templates::body.eq(body));
    diesel::insert_into(notification_templates::table)
        .values((
            notification_templates::conference_id.eq(conference_id),
            notification_templates::decision.eq(decision),
            text,
        ))
        .on_conflict((notification_templates::conference_id, notification_templates::decision))
        .do_update()
        .set(text)
        .execute(conn)
        .map(|_| ())
}
