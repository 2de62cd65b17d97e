//! Microconference ideas, their supporters (volunteer leads among them) and comments.

use crate::db::schema::{mc_idea_comments, mc_idea_supporters, mc_ideas, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;

/// An idea as the use cases check it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mc_ideas)]
pub struct Idea {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub title: String,
    pub description: String,
    pub topics: Vec<String>,
    pub merged_into: Option<i64>,
    pub proposal_id: Option<i64>,
    pub hidden_at: Option<DateTime<Utc>>,
}

/// A new idea, in the caller's transaction.
pub fn insert(
    conn: &mut PgConnection,
    conference_id: i64,
    author_id: i64,
    title: &str,
    description: &str,
    topics: &[String],
) -> QueryResult<Idea> {
    diesel::insert_into(mc_ideas::table)
        .values((
            mc_ideas::conference_id.eq(conference_id),
            mc_ideas::author_id.eq(author_id),
            mc_ideas::title.eq(title),
            mc_ideas::description.eq(description),
            mc_ideas::topics.eq(topics),
        ))
        .returning(Idea::as_returning())
        .get_result(conn)
}

pub fn by_public_id(conn: &mut PgConnection, conference_id: i64, id: uuid::Uuid) -> QueryResult<Option<Idea>> {
    one_in_conference!(conn, mc_ideas, Idea, conference_id, mc_ideas::public_id.eq(id))
}

/// The ideas of a conference with these public ids, locked in id order (so
/// two merges over the same ideas never deadlock).
pub fn lock_all(conn: &mut PgConnection, conference_id: i64, ids: &[uuid::Uuid]) -> QueryResult<Vec<Idea>> {
    mc_ideas::table
        .filter(mc_ideas::conference_id.eq(conference_id))
        .filter(mc_ideas::public_id.eq_any(ids))
        .order(mc_ideas::id)
        .select(Idea::as_select())
        .for_update()
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Idea> {
    mc_ideas::table.find(id).select(Idea::as_select()).first(conn)
}

// --- supporters and volunteers ---

/// Whether the person volunteered to lead the idea.
pub fn leads(conn: &mut PgConnection, idea_id: i64, user_id: i64) -> QueryResult<bool> {
    super::exists(
        conn,
        mc_idea_supporters::table
            .filter(mc_idea_supporters::idea_id.eq(idea_id))
            .filter(mc_idea_supporters::user_id.eq(user_id))
            .filter(mc_idea_supporters::leads),
    )
}

/// Supports an idea; `lead`: `None` keeps whether they lead as it was,
/// `Some(note)` volunteers with a note, and `leading == false` withdraws.
pub fn support(
    conn: &mut PgConnection,
    idea_id: i64,
    user_id: i64,
    leading: Option<bool>,
    note: &str,
) -> QueryResult<()> {
    let row = (
        mc_idea_supporters::idea_id.eq(idea_id),
        mc_idea_supporters::user_id.eq(user_id),
        mc_idea_supporters::leads.eq(leading.unwrap_or(false)),
        mc_idea_supporters::note.eq(if leading == Some(true) { note } else { "" }),
    );
    let insert = diesel::insert_into(mc_idea_supporters::table)
        .values(row)
        .on_conflict((mc_idea_supporters::idea_id, mc_idea_supporters::user_id));
    match leading {
        None => insert.do_nothing().execute(conn),
        Some(leads) => insert
            .do_update()
            .set((mc_idea_supporters::leads.eq(leads), mc_idea_supporters::note.eq(if leads { note } else { "" })))
            .execute(conn),
    }
    .map(|_| ())
}

/// Withdraws a person's support (and with it, their offer to lead).
pub fn unsupport(conn: &mut PgConnection, idea_id: i64, user_id: i64) -> QueryResult<()> {
    diesel::delete(mc_idea_supporters::table.find((idea_id, user_id))).execute(conn).map(|_| ())
}

/// A volunteer lead of an idea.
#[derive(Debug, Clone, Queryable)]
pub struct Volunteer {
    pub idea_id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub note: String,
}

/// The volunteers of the conference's ideas (or of one idea), in the order they came forward.
pub fn volunteers(conn: &mut PgConnection, conference_id: i64, idea: Option<i64>) -> QueryResult<Vec<Volunteer>> {
    let mut q = mc_idea_supporters::table
        .inner_join(mc_ideas::table)
        .inner_join(users::table)
        .filter(mc_ideas::conference_id.eq(conference_id))
        .filter(mc_idea_supporters::leads)
        .into_boxed();
    if let Some(id) = idea {
        q = q.filter(mc_idea_supporters::idea_id.eq(id));
    }
    q.order((mc_idea_supporters::idea_id, mc_idea_supporters::created_at, users::id))
        .select((mc_idea_supporters::idea_id, users::id, users::name, users::email, mc_idea_supporters::note))
        .load(conn)
}

// --- merging ---

/// Merges `from` into `into`: its supporters join `into` (someone on both
/// counts once; a volunteer on both keeps the note they left on `into`, and
/// someone who volunteered only on `from` leads `into` with that note), ideas
/// merged into `from` before now point at `into`, and `from` points at `into`.
/// Its comments stay where they are. Both rows are locked by the caller.
pub fn merge(conn: &mut PgConnection, from: i64, into: i64) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO mc_idea_supporters AS s (idea_id, user_id, leads, note, created_at) \
         SELECT $2, user_id, leads, note, created_at FROM mc_idea_supporters WHERE idea_id = $1 \
         ON CONFLICT (idea_id, user_id) DO UPDATE SET \
           leads = s.leads OR EXCLUDED.leads, \
           note = CASE WHEN s.leads THEN s.note ELSE EXCLUDED.note END, \
           created_at = least(s.created_at, EXCLUDED.created_at)",
    )
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(into)
    .execute(conn)?;
    diesel::delete(mc_idea_supporters::table.filter(mc_idea_supporters::idea_id.eq(from))).execute(conn)?;
    diesel::update(mc_ideas::table.filter(mc_ideas::merged_into.eq(from)))
        .set(mc_ideas::merged_into.eq(into))
        .execute(conn)?;
    diesel::update(mc_ideas::table.find(from))
        .set((mc_ideas::merged_into.eq(into), mc_ideas::merged_at.eq(Utc::now())))
        .execute(conn)
        .map(|_| ())
}

/// Links the idea to the proposal made from it; false when it was proposed
/// (or merged) meanwhile.
pub fn set_proposal(conn: &mut PgConnection, idea_id: i64, proposal_id: i64) -> QueryResult<bool> {
    diesel::update(
        mc_ideas::table.find(idea_id).filter(mc_ideas::proposal_id.is_null()).filter(mc_ideas::merged_into.is_null()),
    )
    .set(mc_ideas::proposal_id.eq(proposal_id))
    .execute(conn)
    .map(|n| n == 1)
}

// --- hiding ---

pub fn set_hidden(conn: &mut PgConnection, idea_id: i64, by: Option<i64>) -> QueryResult<()> {
    diesel::update(mc_ideas::table.find(idea_id))
        .set((mc_ideas::hidden_at.eq(by.map(|_| Utc::now())), mc_ideas::hidden_by.eq(by)))
        .execute(conn)
        .map(|_| ())
}

/// Hides (`by` an organiser) or shows again a comment of the idea; false when it has no such comment.
pub fn set_comment_hidden(
    conn: &mut PgConnection,
    idea_id: i64,
    comment: uuid::Uuid,
    by: Option<i64>,
) -> QueryResult<bool> {
    diesel::update(
        mc_idea_comments::table
            .filter(mc_idea_comments::idea_id.eq(idea_id))
            .filter(mc_idea_comments::public_id.eq(comment)),
    )
    .set((mc_idea_comments::hidden_at.eq(by.map(|_| Utc::now())), mc_idea_comments::hidden_by.eq(by)))
    .execute(conn)
    .map(|n| n == 1)
}

// --- comments ---

pub fn add_comment(conn: &mut PgConnection, idea_id: i64, author_id: i64, body: &str) -> QueryResult<uuid::Uuid> {
    diesel::insert_into(mc_idea_comments::table)
        .values((
            mc_idea_comments::idea_id.eq(idea_id),
            mc_idea_comments::author_id.eq(author_id),
            mc_idea_comments::body.eq(body),
        ))
        .returning(mc_idea_comments::public_id)
        .get_result(conn)
}

/// A comment as the board shows it.
#[derive(Debug, Clone, Queryable)]
pub struct Comment {
    pub idea_id: i64,
    pub public_id: uuid::Uuid,
    pub author: String,
    pub body: String,
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
}

/// The comments on the conference's ideas, oldest first; hidden ones only with `with_hidden`.
pub fn comments(conn: &mut PgConnection, conference_id: i64, with_hidden: bool) -> QueryResult<Vec<Comment>> {
    let mut q = mc_idea_comments::table
        .inner_join(mc_ideas::table)
        .inner_join(users::table)
        .filter(mc_ideas::conference_id.eq(conference_id))
        .into_boxed();
    if !with_hidden {
        q = q.filter(mc_idea_comments::hidden_at.is_null());
    }
    q.order((mc_idea_comments::created_at, mc_idea_comments::id))
        .select((
            mc_idea_comments::idea_id,
            mc_idea_comments::public_id,
            users::name,
            mc_idea_comments::body,
            mc_idea_comments::hidden_at.is_not_null(),
            mc_idea_comments::created_at,
        ))
        .load(conn)
}

// --- the board ---

/// An idea as the board lists it: counts, the viewer's own support, where it
/// went (merged into, proposal) and what decides who may follow the proposal's link.
#[derive(Debug, Clone, QueryableByName)]
pub struct IdeaRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub public_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Array<Text>)]
    pub topics: Vec<String>,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub merged_into: Option<uuid::Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub merged_title: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub supporters: i64,
    #[diesel(sql_type = BigInt)]
    pub comments: i64,
    #[diesel(sql_type = Bool)]
    pub supports: bool,
    #[diesel(sql_type = Bool)]
    pub leads: bool,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub proposal: Option<uuid::Uuid>,
    /// The viewer is on the proposal (its submitter, or an invited person who accepted).
    #[diesel(sql_type = Bool)]
    pub on_proposal: bool,
    /// The MC the proposal became, once its acceptance is released (public id).
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub microconference: Option<uuid::Uuid>,
}

/// Every idea of a conference, most supported first (merged ones last);
/// hidden ones and hidden comments are counted only `with_hidden` (organisers).
/// `viewer` is 0 for nobody.
pub fn list(conn: &mut PgConnection, conference_id: i64, viewer: i64, with_hidden: bool) -> QueryResult<Vec<IdeaRow>> {
    diesel::sql_query(
        "SELECT i.id, i.public_id, i.title, i.description, i.topics, u.name AS author, \
                i.hidden_at IS NOT NULL AS hidden, m.public_id AS merged_into, m.title AS merged_title, \
                (SELECT count(*) FROM mc_idea_supporters s WHERE s.idea_id = i.id) AS supporters, \
                (SELECT count(*) FROM mc_idea_comments c WHERE c.idea_id = i.id AND (c.hidden_at IS NULL OR $3)) \
                  AS comments, \
                EXISTS (SELECT 1 FROM mc_idea_supporters s WHERE s.idea_id = i.id AND s.user_id = $2) AS supports, \
                EXISTS (SELECT 1 FROM mc_idea_supporters s WHERE s.idea_id = i.id AND s.user_id = $2 AND s.leads) \
                  AS leads, \
                p.public_id AS proposal, \
                coalesce(p.submitter_id = $2 OR EXISTS (SELECT 1 FROM proposal_people pp \
                  WHERE pp.proposal_id = p.id AND pp.user_id = $2 AND pp.status = 'accepted'), false) AS on_proposal, \
                (SELECT mc.public_id FROM microconferences mc JOIN proposals_disclosed d ON d.id = mc.proposal_id \
                  WHERE mc.proposal_id = p.id AND d.state = 'accepted') AS microconference \
         FROM mc_ideas i JOIN users u ON u.id = i.author_id \
         LEFT JOIN mc_ideas m ON m.id = i.merged_into \
         LEFT JOIN proposals p ON p.id = i.proposal_id \
         WHERE i.conference_id = $1 AND (i.hidden_at IS NULL OR $3) \
         ORDER BY i.merged_into IS NOT NULL, supporters DESC, i.created_at, i.id",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<BigInt, _>(viewer)
    .bind::<Bool, _>(with_hidden)
    .load(conn)
}
