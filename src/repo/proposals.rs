//! Proposals with their candidate topics and invited people.

use crate::db::schema::{calls, proposal_people, proposal_topics, proposals, proposals_disclosed, tracks, users};
use crate::domain::proposal::{CallKind, InvitationStatus, ProposalState};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel::PgConnection;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub conference_id: i64,
    pub call_id: i64,
    pub submitter_id: i64,
    pub state: ProposalState,
    pub title: String,
    pub abstract_md: String,
    pub track_id: Option<i64>,
    pub duration_minutes: Option<i32>,
    pub key_people: String,
    pub expected_attendance: Option<i32>,
    pub position: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub decision_released_at: Option<DateTime<Utc>>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = proposals, treat_none_as_null = true)]
pub struct ProposalContent<'a> {
    pub title: &'a str,
    pub abstract_md: &'a str,
    pub track_id: Option<i64>,
    pub duration_minutes: Option<i32>,
    pub key_people: &'a str,
    pub expected_attendance: Option<i32>,
}

pub fn insert(
    conn: &mut PgConnection,
    conference_id: i64,
    call_id: i64,
    submitter_id: i64,
    c: &ProposalContent,
) -> QueryResult<Proposal> {
    diesel::insert_into(proposals::table)
        .values((
            proposals::conference_id.eq(conference_id),
            proposals::call_id.eq(call_id),
            proposals::submitter_id.eq(submitter_id),
            c,
        ))
        .returning(Proposal::as_returning())
        .get_result(conn)
}

pub fn update_content(conn: &mut PgConnection, id: i64, c: &ProposalContent) -> QueryResult<()> {
    diesel::update(proposals::table.find(id)).set((c, proposals::updated_at.eq(Utc::now()))).execute(conn).map(|_| ())
}

/// A proposer's change of state. Submitting (again, after a withdrawal) starts
/// a new candidacy: an earlier decision's release and note go.
pub fn set_state(conn: &mut PgConnection, id: i64, state: ProposalState) -> QueryResult<()> {
    let q = diesel::update(proposals::table.find(id));
    if state == ProposalState::Submitted {
        q.set((
            proposals::state.eq(state),
            proposals::submitted_at.eq(Utc::now()),
            proposals::updated_at.eq(Utc::now()),
            proposals::decision_released_at.eq(None::<DateTime<Utc>>),
            proposals::decision_note.eq(""),
        ))
        .execute(conn)
    } else {
        q.set((proposals::state.eq(state), proposals::updated_at.eq(Utc::now()))).execute(conn)
    }
    .map(|_| ())
}

pub fn set_position(conn: &mut PgConnection, id: i64, position: Option<i32>) -> QueryResult<()> {
    diesel::update(proposals::table.find(id)).set(proposals::position.eq(position)).execute(conn).map(|_| ())
}

pub fn by_public_id(conn: &mut PgConnection, public_id: uuid::Uuid) -> QueryResult<Option<Proposal>> {
    proposals::table.filter(proposals::public_id.eq(public_id)).select(Proposal::as_select()).first(conn).optional()
}

pub fn lock(conn: &mut PgConnection, id: i64) -> QueryResult<Proposal> {
    proposals::table.find(id).select(Proposal::as_select()).for_update().first(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Proposal> {
    proposals::table.find(id).select(Proposal::as_select()).first(conn)
}

/// A proposal as the public and its proposers may see it (the `proposals_disclosed`
/// view): an unreleased decision reads "submitted", without note or position.
pub fn disclosed(conn: &mut PgConnection, id: i64) -> QueryResult<Proposal> {
    proposals_disclosed::table.find(id).first(conn)
}

/// How many proposals of a person count against a call's cap.
pub fn count_for_cap(conn: &mut PgConnection, call_id: i64, submitter_id: i64) -> QueryResult<i64> {
    proposals::table
        .filter(proposals::call_id.eq(call_id))
        .filter(proposals::submitter_id.eq(submitter_id))
        .filter(proposals::state.ne(ProposalState::Withdrawn))
        .count()
        .get_result(conn)
}

/// A proposal in a listing, with the names people need to read it.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct ProposalRow {
    pub id: i64,
    pub public_id: uuid::Uuid,
    pub state: ProposalState,
    pub title: String,
    pub call_id: i64,
    pub call_title: String,
    pub call_kind: CallKind,
    pub track: Option<String>,
    pub submitter_name: String,
    pub duration_minutes: Option<i32>,
    pub updated_at: DateTime<Utc>,
    pub position: Option<i32>,
    pub decision_released_at: Option<DateTime<Utc>>,
}

/// The columns of a `ProposalRow`, from `proposals` (what insiders see) or from
/// the `proposals_disclosed` view (what the public and proposers see).
macro_rules! row_of {
    ($p:ident) => {
        (
            $p::id,
            $p::public_id,
            $p::state,
            $p::title,
            $p::call_id,
            calls::title,
            calls::kind,
            tracks::name.nullable(),
            users::name,
            $p::duration_minutes,
            $p::updated_at,
            $p::position,
            $p::decision_released_at,
        )
    };
}

/// Where a listing reads from: the proposals (or the disclosed view) joined to
/// what `row_of!` names.
macro_rules! listing_of {
    ($p:ident) => {
        $p::table.inner_join(calls::table).inner_join(users::table).left_join(tracks::table)
    };
}

#[derive(Default)]
pub struct Filter {
    pub call_id: Option<i64>,
    pub track_id: Option<i64>,
    pub state: Option<ProposalState>,
    /// Only the conference's own calls (the MC topic calls belong to their leads).
    pub exclude_topic_calls: bool,
}

pub fn list(conn: &mut PgConnection, conference_id: i64, f: &Filter) -> QueryResult<Vec<ProposalRow>> {
    let mut q = listing_of!(proposals).filter(proposals::conference_id.eq(conference_id)).into_boxed();
    if let Some(c) = f.call_id {
        q = q.filter(proposals::call_id.eq(c));
    }
    if let Some(t) = f.track_id {
        q = q.filter(proposals::track_id.eq(t));
    }
    if let Some(s) = f.state {
        q = q.filter(proposals::state.eq(s));
    }
    if f.exclude_topic_calls {
        q = q.filter(calls::microconference_id.is_null());
    }
    q.order((proposals::position.asc().nulls_last(), proposals::created_at.desc()))
        .select(row_of!(proposals))
        .load(conn)
}

/// Every proposal a person submitted or accepted an invitation to, across
/// conferences, as its proposers may see it (decisions only once released).
pub fn of_person(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<(ProposalRow, i64)>> {
    let invited = proposal_people::table
        .filter(proposal_people::user_id.eq(user_id))
        .filter(proposal_people::status.eq(InvitationStatus::Accepted))
        .select(proposal_people::proposal_id);
    listing_of!(proposals_disclosed)
        .filter(proposals_disclosed::submitter_id.eq(user_id).or(proposals_disclosed::id.eq_any(invited)))
        .order(proposals_disclosed::created_at.desc())
        .select((row_of!(proposals_disclosed), proposals_disclosed::conference_id))
        .load(conn)
}

/// The accepted proposals whose acceptance is released, from the disclosed view:
/// of the conference's own calls, or of one MC's topic call (in the leads'
/// order). The programme, the MC pages and the schedule read these, nothing else.
pub fn announced(
    conn: &mut PgConnection,
    conference_id: i64,
    topic_call: Option<i64>,
) -> QueryResult<Vec<ProposalRow>> {
    let mut q = listing_of!(proposals_disclosed)
        .filter(proposals_disclosed::conference_id.eq(conference_id))
        .filter(proposals_disclosed::state.eq(ProposalState::Accepted))
        .into_boxed();
    q = match topic_call {
        Some(c) => q.filter(proposals_disclosed::call_id.eq(c)),
        None => q.filter(calls::microconference_id.is_null()),
    };
    q.order((proposals_disclosed::position.asc().nulls_last(), proposals_disclosed::created_at))
        .select(row_of!(proposals_disclosed))
        .load(conn)
}

/// `announced` for the topic calls of every MC at once, by call and then in
/// the leads' order: what the draft schedule times inside the MC blocks.
pub fn announced_topics(conn: &mut PgConnection, conference_id: i64) -> QueryResult<Vec<ProposalRow>> {
    listing_of!(proposals_disclosed)
        .filter(proposals_disclosed::conference_id.eq(conference_id))
        .filter(proposals_disclosed::state.eq(ProposalState::Accepted))
        .filter(calls::microconference_id.is_not_null())
        .order((
            proposals_disclosed::call_id,
            proposals_disclosed::position.asc().nulls_last(),
            proposals_disclosed::created_at,
        ))
        .select(row_of!(proposals_disclosed))
        .load(conn)
}

pub fn of_call(conn: &mut PgConnection, call_id: i64, state: Option<ProposalState>) -> QueryResult<Vec<ProposalRow>> {
    let mut q = listing_of!(proposals).filter(proposals::call_id.eq(call_id)).into_boxed();
    if let Some(s) = state {
        q = q.filter(proposals::state.eq(s));
    }
    q.order((proposals::position.asc().nulls_last(), proposals::created_at)).select(row_of!(proposals)).load(conn)
}

// --- candidate topics of an MC proposal ---

pub fn topics(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<(String, String)>> {
    proposal_topics::table
        .filter(proposal_topics::proposal_id.eq(proposal_id))
        .order(proposal_topics::position)
        .select((proposal_topics::title, proposal_topics::description))
        .load(conn)
}

pub fn replace_topics(conn: &mut PgConnection, proposal_id: i64, topics: &[(String, String)]) -> QueryResult<()> {
    diesel::delete(proposal_topics::table.filter(proposal_topics::proposal_id.eq(proposal_id))).execute(conn)?;
    let rows: Vec<_> = topics
        .iter()
        .enumerate()
        .map(|(i, (t, d))| {
            (
                proposal_topics::proposal_id.eq(proposal_id),
                proposal_topics::position.eq(i as i32 + 1),
                proposal_topics::title.eq(t),
                proposal_topics::description.eq(d),
            )
        })
        .collect();
    diesel::insert_into(proposal_topics::table).values(rows).execute(conn).map(|_| ())
}

// --- invited people ---

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = proposal_people)]
pub struct Person {
    pub id: i64,
    pub proposal_id: i64,
    pub email: String,
    pub user_id: Option<i64>,
    pub status: InvitationStatus,
    #[serde(skip)]
    pub invite_token_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

pub fn people(conn: &mut PgConnection, proposal_id: i64) -> QueryResult<Vec<Person>> {
    proposal_people::table
        .filter(proposal_people::proposal_id.eq(proposal_id))
        .order(proposal_people::id)
        .select(Person::as_select())
        .load(conn)
}

/// Invites an address; returns false when it was already invited.
pub fn invite(conn: &mut PgConnection, proposal_id: i64, email: &str, token_hash: &[u8]) -> QueryResult<bool> {
    diesel::insert_into(proposal_people::table)
        .values((
            proposal_people::proposal_id.eq(proposal_id),
            proposal_people::email.eq(email),
            proposal_people::invite_token_hash.eq(token_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

pub fn remove_invitees_not_in(conn: &mut PgConnection, proposal_id: i64, keep: &[String]) -> QueryResult<usize> {
    diesel::delete(
        proposal_people::table
            .filter(proposal_people::proposal_id.eq(proposal_id))
            .filter(proposal_people::email.ne_all(keep)),
    )
    .execute(conn)
}

pub fn person_by_token(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<Option<Person>> {
    proposal_people::table
        .filter(proposal_people::invite_token_hash.eq(token_hash))
        .select(Person::as_select())
        .first(conn)
        .optional()
}

pub fn respond(conn: &mut PgConnection, id: i64, user_id: i64, accepted: bool) -> QueryResult<()> {
    diesel::update(proposal_people::table.find(id))
        .set((
            proposal_people::status.eq(InvitationStatus::answer(accepted)),
            proposal_people::user_id.eq(Some(user_id)),
            proposal_people::responded_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Whether a user accepted an invitation to this proposal (and so may see and edit it).
pub fn is_accepted_person(conn: &mut PgConnection, proposal_id: i64, user_id: i64) -> QueryResult<bool> {
    let person = proposal_people::table.filter(proposal_people::proposal_id.eq(proposal_id));
    super::exists(
        conn,
        person
            .filter(proposal_people::user_id.eq(user_id))
            .filter(proposal_people::status.eq(InvitationStatus::Accepted)),
    )
}

/// The user ids of everyone on a proposal: submitter and accepted people.
pub fn member_ids(conn: &mut PgConnection, p: &Proposal) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> = proposal_people::table
        .filter(proposal_people::proposal_id.eq(p.id))
        .filter(proposal_people::status.eq(InvitationStatus::Accepted))
        .select(proposal_people::user_id.assume_not_null())
        .load(conn)?;
    ids.insert(0, p.submitter_id);
    ids.dedup();
    Ok(ids)
}

/// Sets a decision (and optionally its note to the proposer), not yet released.
/// The proposers' last-change time stays (a trigger makes sure of it too).
pub fn set_decision(conn: &mut PgConnection, id: i64, state: ProposalState, note: Option<&str>) -> QueryResult<()> {
    let q = diesel::update(proposals::table.find(id));
    match note {
        Some(n) => q.set((proposals::state.eq(state), proposals::decision_note.eq(n))).execute(conn),
        None => q.set(proposals::state.eq(state)).execute(conn),
    }
    .map(|_| ())
}

/// The next place in an MC's order, after its accepted topics.
pub fn next_position(conn: &mut PgConnection, call_id: i64) -> QueryResult<i32> {
    let max: Option<i32> = proposals::table
        .filter(proposals::call_id.eq(call_id))
        .filter(proposals::state.eq(ProposalState::Accepted))
        .select(diesel::dsl::max(proposals::position))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// The accepted or rejected, unreleased proposals of the conference's own
/// calls (or of one topic call): what a release covers.
fn unreleased_in(
    conference_id: i64,
    topic_call: Option<i64>,
) -> Box<dyn BoxableExpression<proposals::table, Pg, SqlType = Bool>> {
    let decided = proposals::conference_id
        .eq(conference_id)
        .and(proposals::state.eq_any([ProposalState::Accepted, ProposalState::Rejected]))
        .and(proposals::decision_released_at.is_null());
    match topic_call {
        Some(c) => Box::new(decided.and(proposals::call_id.eq(c))),
        None => {
            let own_calls = calls::table
                .filter(calls::conference_id.eq(conference_id))
                .filter(calls::microconference_id.is_null())
                .select(calls::id);
            Box::new(decided.and(proposals::call_id.eq_any(own_calls)))
        }
    }
}

/// Marks every proposal a release covers released, and returns them. One
/// UPDATE: a proposal is returned by exactly one release, however many run at
/// once. Those in `skip` stay unreleased (left for someone else to release).
pub fn release_decisions(
    conn: &mut PgConnection,
    conference_id: i64,
    topic_call: Option<i64>,
    skip: &[i64],
) -> QueryResult<Vec<Proposal>> {
    diesel::update(proposals::table.filter(unreleased_in(conference_id, topic_call)).filter(proposals::id.ne_all(skip)))
        .set(proposals::decision_released_at.eq(Some(Utc::now())))
        .returning(Proposal::as_returning())
        .get_results(conn)
}

/// How many of `among` are decided and unreleased in the same calls as
/// `release_decisions` covers (what a release left for someone else).
pub fn unreleased_decisions(
    conn: &mut PgConnection,
    conference_id: i64,
    topic_call: Option<i64>,
    among: &[i64],
) -> QueryResult<usize> {
    let n: i64 = proposals::table
        .filter(unreleased_in(conference_id, topic_call))
        .filter(proposals::id.eq_any(among))
        .count()
        .get_result(conn)?;
    Ok(n as usize)
}
