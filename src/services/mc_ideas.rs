//! The microconference ideas board (it replaces the LPC wiki's "MC ideas"
//! page): anyone with a confirmed address posts an idea for an MC, others
//! support it and volunteer to lead it, everyone comments; organisers merge
//! duplicates and hide abuse; a volunteer (or an organiser) turns an idea into
//! a draft MC proposal with the other volunteers invited as co-leads. One view
//! per idea, shared by the page and the API.

use crate::domain::mc_idea::{self, IdeaDraft, IdeaState, Stance};
use crate::domain::proposal::{CallKind, CallStatus, Limits, ProposalInput};
use crate::domain::{time, FieldError};
use crate::error::AppError;
use crate::services::conferences::organises;
use crate::services::limits;
use crate::services::policy;
use crate::services::repo::calls::{self, Call};
use crate::services::repo::conferences::Conference;
use crate::services::repo::mc_ideas::{self as repo, Idea, IdeaRow};
use crate::services::repo::users::User;
use crate::services::{Db, InputError};
use crate::state::AppState;
use chrono::Utc;
use diesel::{Connection, PgConnection};
use std::collections::HashMap;

/// A volunteer lead as everyone sees them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VolunteerView {
    pub name: String,
    pub note: String,
}

/// The viewer's own support of an idea.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Mine {
    /// Volunteered to lead it.
    pub leads: bool,
    pub supports: bool,
}

/// An idea as the board and the API show it. Fields in alphabetical order
/// (the API's bytes).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct IdeaView {
    /// Who posted it.
    pub author: String,
    /// How many comments the viewer may read.
    pub comments: i64,
    pub description: String,
    /// Hidden by an organiser (only organisers see hidden ideas).
    pub hidden: bool,
    pub id: uuid::Uuid,
    pub me: Mine,
    /// The idea it was merged into, if it is a duplicate.
    pub merged_into: Option<uuid::Uuid>,
    /// The MC proposal made from it (its public id), once proposed.
    pub proposal: Option<uuid::Uuid>,
    pub state: IdeaState,
    /// How many people support it (volunteers included), each once.
    pub supporters: i64,
    pub title: String,
    /// Suggested topics, one line each.
    pub topics: Vec<String>,
    /// Who would lead it, in the order they came forward.
    pub volunteers: Vec<VolunteerView>,
}

/// A comment as the board shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommentView {
    pub id: uuid::Uuid,
    pub author: String,
    pub body: String,
    /// Hidden by an organiser (only organisers see it, marked).
    pub hidden: bool,
    pub when: String,
}

/// Another idea, as the organisers' merge form offers it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IdeaRef {
    pub id: uuid::Uuid,
    pub title: String,
}

/// An idea on the page: the shared view, and what this viewer may follow or do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IdeaCard {
    #[serde(flatten)]
    pub idea: IdeaView,
    /// The title of the idea it was merged into.
    pub merged_title: Option<String>,
    /// Where "proposed" leads this viewer: the MC's page once public, else the
    /// proposal for its own people and the organisers; null for anyone else.
    pub link: Option<String>,
    /// `link` is the public MC page.
    pub public: bool,
    pub comment_list: Vec<CommentView>,
    /// Organisers: the ideas it may be merged into.
    pub targets: Vec<IdeaRef>,
    /// The viewer may turn it into a proposal (a volunteer or an organiser, while open).
    pub may_propose: bool,
}

/// The board of a conference as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Board {
    pub ideas: Vec<IdeaCard>,
    /// Posting, support and comments are taken (until the MC call closes).
    pub open: bool,
    /// Why the board is read-only, when it is.
    pub closed_note: Option<String>,
    pub organiser: bool,
}

/// The conference's own calls for microconferences.
fn mc_calls(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Call>, AppError> {
    Ok(calls::for_conference(conn, conf.id)?.into_iter().filter(|c| c.kind == CallKind::Microconference).collect())
}

/// Whether the board takes ideas, support and comments; and if not, why.
fn openness(conn: &mut PgConnection, conf: &Conference) -> Result<(bool, Option<String>), AppError> {
    let closes: Vec<_> = mc_calls(conn, conf)?.iter().map(|c| c.closes_at).collect();
    if mc_idea::board_open(&closes, Utc::now()) {
        return Ok((true, None));
    }
    let last = closes.iter().max().copied().unwrap_or_else(Utc::now);
    Ok((
        false,
        Some(format!(
            "The call for microconferences closed on {}: the board is read-only now.",
            time::display(last, conf.time_zone)
        )),
    ))
}

/// The volunteers of every idea, by idea id.
fn volunteers_by_idea(
    conn: &mut PgConnection,
    conf: &Conference,
) -> Result<HashMap<i64, Vec<VolunteerView>>, AppError> {
    let mut by_idea: HashMap<i64, Vec<VolunteerView>> = HashMap::new();
    for v in repo::volunteers(conn, conf.id, None)? {
        by_idea.entry(v.idea_id).or_default().push(VolunteerView { name: v.name, note: v.note });
    }
    Ok(by_idea)
}

fn view(r: &IdeaRow, volunteers: &mut HashMap<i64, Vec<VolunteerView>>) -> IdeaView {
    IdeaView {
        author: r.author.clone(),
        comments: r.comments,
        description: r.description.clone(),
        hidden: r.hidden,
        id: r.public_id,
        me: Mine { leads: r.leads, supports: r.supports },
        merged_into: r.merged_into,
        proposal: r.proposal,
        state: IdeaState::of(r.merged_into.is_some(), r.proposal.is_some()),
        supporters: r.supporters,
        title: r.title.clone(),
        topics: r.topics.clone(),
        volunteers: volunteers.remove(&r.id).unwrap_or_default(),
    }
}

/// Who the board is read by: their id (0 for nobody) and whether they organise.
fn reader(conn: &mut PgConnection, viewer: Option<&User>, conf: &Conference) -> Result<(i64, bool), AppError> {
    match policy::acting(viewer) {
        Some(u) => Ok((u.id, organises(conn, conf, u)?)),
        None => Ok((0, false)),
    }
}

/// Every idea the viewer may see, most supported first (merged ones last).
pub fn ideas(Db(conn): &mut Db, viewer: Option<&User>, conf: &Conference) -> Result<Vec<IdeaView>, AppError> {
    let (viewer_id, organiser) = reader(conn, viewer, conf)?;
    let rows = repo::list(conn, conf.id, viewer_id, organiser)?;
    let mut volunteers = volunteers_by_idea(conn, conf)?;
    Ok(rows.iter().map(|r| view(r, &mut volunteers)).collect())
}

/// Where a proposed idea leads this viewer, and whether that is the public MC page.
fn link(conf: &Conference, r: &IdeaRow, organiser: bool) -> Option<(String, bool)> {
    let proposal = r.proposal?;
    if let Some(mc) = r.microconference.filter(|_| policy::may_see_microconference(conf.programme_published, false)) {
        return Some((format!("/c/{}/mc/{mc}", conf.slug), true));
    }
    let access = policy::Access { organiser, member: r.on_proposal, lead: false };
    access.can_view().then(|| (format!("/c/{}/proposals/{proposal}", conf.slug), false))
}

/// The board as its page shows it to `viewer`.
pub fn board(Db(conn): &mut Db, viewer: Option<&User>, conf: &Conference) -> Result<Board, AppError> {
    let (viewer_id, organiser) = reader(conn, viewer, conf)?;
    let rows = repo::list(conn, conf.id, viewer_id, organiser)?;
    let mut volunteers = volunteers_by_idea(conn, conf)?;
    let mut comments: HashMap<i64, Vec<CommentView>> = HashMap::new();
    for c in repo::comments(conn, conf.id, organiser)? {
        comments.entry(c.idea_id).or_default().push(CommentView {
            id: c.public_id,
            author: c.author,
            body: c.body,
            hidden: c.hidden,
            when: time::display(c.created_at, conf.time_zone),
        });
    }
    let (open, closed_note) = openness(conn, conf)?;
    let open_ideas: Vec<IdeaRef> = rows
        .iter()
        .filter(|r| r.merged_into.is_none())
        .map(|r| IdeaRef { id: r.public_id, title: r.title.clone() })
        .collect();
    let ideas = rows
        .iter()
        .map(|r| {
            let idea = view(r, &mut volunteers);
            let (link, public) = link(conf, r, organiser).map_or((None, false), |(l, p)| (Some(l), p));
            let targets = if organiser && idea.state == IdeaState::Open {
                open_ideas.iter().filter(|t| t.id != r.public_id).cloned().collect()
            } else {
                Vec::new()
            };
            let may_propose = open && idea.state == IdeaState::Open && policy::may_propose_idea(r.leads, organiser);
            IdeaCard {
                merged_title: r.merged_title.clone(),
                link,
                public,
                comment_list: comments.remove(&r.id).unwrap_or_default(),
                targets,
                may_propose,
                idea,
            }
        })
        .collect();
    Ok(Board { ideas, open, closed_note, organiser })
}

/// May this person write on the board now? (A confirmed address; the board open.)
pub fn require_may_post(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<(), AppError> {
    policy::require_verified(user)?;
    policy::require_board_open(openness(conn, conf)?.0)
}

/// Posts an idea; its poster supports it (and leads it, if they said so).
/// At most `limits::MC_IDEAS` a person a day.
pub fn post(Db(conn): &mut Db, user: &User, conf: &Conference, d: &IdeaDraft) -> Result<IdeaView, AppError> {
    policy::require_verified(user)?;
    let idea = conn.transaction(|conn| {
        policy::require_board_open(openness(conn, conf)?.0)?;
        limits::per_person(conn, &limits::MC_IDEAS, user.id, "ideas")?;
        let idea = repo::insert(conn, conf.id, user.id, &d.title, &d.description, &d.topics)?;
        match &d.lead {
            Some(note) => repo::support(conn, idea.id, user.id, Some(true), note)?,
            None => repo::support(conn, idea.id, user.id, None, "")?,
        }
        Ok::<_, AppError>(idea)
    })?;
    one(conn, user, conf, idea.public_id)
}

/// One idea as `viewer` sees it.
fn one(conn: &mut PgConnection, viewer: &User, conf: &Conference, id: uuid::Uuid) -> Result<IdeaView, AppError> {
    let all = ideas(&mut Db::new(conn), Some(viewer), conf)?;
    all.into_iter().find(|i| i.id == id).ok_or(AppError::NotFound)
}

/// The idea someone acts on (support, comment): theirs to see, on an open
/// board, not merged away.
fn open_idea(conn: &mut PgConnection, user: &User, conf: &Conference, id: uuid::Uuid) -> Result<Idea, AppError> {
    policy::require_verified(user)?;
    let organiser = organises(conn, conf, user)?;
    let idea = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    policy::require_idea_visible(idea.hidden_at.is_some(), organiser)?;
    policy::require_board_open(openness(conn, conf)?.0)?;
    if let Some(into) = idea.merged_into {
        let target = repo::find(conn, into)?;
        return Err(AppError::Conflict(format!(
            "This idea was merged into “{}”: support it and comment there.",
            target.title
        )));
    }
    Ok(idea)
}

/// May this person support or comment on this idea now? (Asked before the
/// request's body is read, so refusals come before complaints about it.)
pub fn require_may_act(Db(conn): &mut Db, user: &User, conf: &Conference, id: uuid::Uuid) -> Result<(), AppError> {
    open_idea(conn, user, conf, id).map(|_| ())
}

/// Supports an idea, volunteers to lead it, or stops volunteering (still supporting).
pub fn support(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    id: uuid::Uuid,
    stance: &Stance,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let idea = open_idea(conn, user, conf, id)?;
        let (leading, note) = match stance {
            Stance::Supports => (None, ""),
            Stance::Leads(note) => (Some(true), note.as_str()),
            Stance::NoLonger => (Some(false), ""),
        };
        Ok(repo::support(conn, idea.id, user.id, leading, note)?)
    })
}

/// Withdraws support (and any offer to lead). Merged ideas have no supporters
/// left to withdraw, so this asks only that the idea is there for them.
pub fn unsupport(Db(conn): &mut Db, user: &User, conf: &Conference, id: uuid::Uuid) -> Result<(), AppError> {
    policy::require_verified(user)?;
    let organiser = organises(conn, conf, user)?;
    let idea = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    policy::require_idea_visible(idea.hidden_at.is_some(), organiser)?;
    policy::require_board_open(openness(conn, conf)?.0)?;
    Ok(repo::unsupport(conn, idea.id, user.id)?)
}

/// Comments on an idea. At most `limits::MC_IDEA_COMMENTS` a person a day.
pub fn comment(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    id: uuid::Uuid,
    body: &str,
) -> Result<uuid::Uuid, AppError> {
    conn.transaction(|conn| {
        let idea = open_idea(conn, user, conf, id)?;
        limits::per_person(conn, &limits::MC_IDEA_COMMENTS, user.id, "comments")?;
        Ok(repo::add_comment(conn, idea.id, user.id, body)?)
    })
}

// --- organisers ---

/// An idea of the conference for its organisers (hidden ones included).
fn organised_idea(conn: &mut PgConnection, user: &User, conf: &Conference, id: uuid::Uuid) -> Result<Idea, AppError> {
    crate::services::conferences::check_organiser(conn, conf, user)?;
    repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)
}

/// Hides an idea from everyone but the organisers, or shows it again.
pub fn set_hidden(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    id: uuid::Uuid,
    hidden: bool,
) -> Result<(), AppError> {
    let idea = organised_idea(conn, user, conf, id)?;
    Ok(repo::set_hidden(conn, idea.id, hidden.then_some(user.id))?)
}

/// Hides a comment from everyone but the organisers, or shows it again.
pub fn set_comment_hidden(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    id: uuid::Uuid,
    comment: uuid::Uuid,
    hidden: bool,
) -> Result<(), AppError> {
    let idea = organised_idea(conn, user, conf, id)?;
    if repo::set_comment_hidden(conn, idea.id, comment, hidden.then_some(user.id))? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the person organises the conference (the merge form is theirs).
pub fn require_moderator(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<(), AppError> {
    crate::services::conferences::check_organiser(conn, conf, user)
}

/// Merges the duplicate `from` into `into` (organisers): its supporters and
/// volunteers move over, each person once; its comments stay readable on it.
/// A merged or proposed idea is not merged again (409); the target must be
/// another idea of the conference that is not merged itself (422 on `into`).
pub fn merge(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    from: uuid::Uuid,
    into: uuid::Uuid,
) -> Result<(), InputError> {
    conn.transaction(|conn| {
        organised_idea(conn, user, conf, from)?;
        let locked = repo::lock_all(conn, conf.id, &[from, into])?;
        let source = locked.iter().find(|i| i.public_id == from).ok_or(AppError::NotFound)?;
        match (source.merged_into, source.proposal_id) {
            (Some(_), _) => return Err(AppError::Conflict("This idea is merged already.".into()).into()),
            (_, Some(_)) => {
                return Err(AppError::Conflict("This idea is a proposal already: it is not merged away.".into()).into())
            }
            _ => {}
        }
        let target = match locked.iter().find(|i| i.public_id == into) {
            Some(t) if t.id == source.id => {
                return Err(InputError::Fields(vec![FieldError::new("into", "choose another idea than this one")]))
            }
            Some(t) if t.merged_into.is_some() => {
                return Err(InputError::Fields(vec![FieldError::new("into", "that idea is merged itself")]))
            }
            Some(t) => t,
            None => return Err(InputError::Fields(vec![FieldError::new("into", "choose one of the listed ideas")])),
        };
        repo::merge(conn, source.id, target.id)?;
        Ok(())
    })
}

// --- from idea to proposal ---

/// The call for microconferences a proposal goes into: the open one closing
/// last; 409 saying when, if none is open.
fn open_mc_call(conn: &mut PgConnection, conf: &Conference) -> Result<Call, AppError> {
    let all = mc_calls(conn, conf)?;
    let status = crate::services::cfp::status_of;
    if let Some(c) = all.iter().filter(|c| status(c) == CallStatus::Open).max_by_key(|c| c.closes_at) {
        return Ok(c.clone());
    }
    Err(AppError::Conflict(
        match all.iter().filter(|c| status(c) == CallStatus::NotYetOpen).min_by_key(|c| c.opens_at) {
            Some(c) => format!(
                "The call for microconferences opens on {}: turn the idea into a proposal then.",
                time::display(c.opens_at, conf.time_zone)
            ),
            None => "There is no open call for microconferences to propose in.".into(),
        },
    ))
}

/// Turns an idea into a draft proposal in the open call for microconferences:
/// its title, description and topics, owned by `user` (one of its volunteers,
/// or an organiser), with the other volunteers invited as co-leads through the
/// usual invitation (one mail each). The call's limits apply (per person,
/// title and abstract length). An idea is proposed once (409 after).
pub fn propose(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
    id: uuid::Uuid,
) -> Result<uuid::Uuid, AppError> {
    policy::require_verified(user)?;
    conn.transaction(|conn| {
        let organiser = organises(conn, conf, user)?;
        let idea = repo::lock_all(conn, conf.id, &[id])?.into_iter().next().ok_or(AppError::NotFound)?;
        policy::require_idea_visible(idea.hidden_at.is_some(), organiser)?;
        policy::require_idea_proposer(repo::leads(conn, idea.id, user.id)?, organiser)?;
        if idea.proposal_id.is_some() {
            return Err(AppError::Conflict("This idea is a proposal already.".into()));
        }
        if idea.merged_into.is_some() {
            return Err(AppError::Conflict("This idea was merged into another: propose that one.".into()));
        }
        let call = open_mc_call(conn, conf)?;
        let volunteers = repo::volunteers(conn, conf.id, Some(idea.id))?;
        let others: Vec<&str> = volunteers.iter().filter(|v| v.user_id != user.id).map(|v| v.email.as_str()).collect();
        let input = ProposalInput {
            title: idea.title.clone(),
            abstract_md: idea.description.clone(),
            topics: idea.topics.join("\n"),
            key_people: volunteers.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "),
            people: others.join("\n"),
            ..Default::default()
        };
        let limits = Limits {
            kind: call.kind,
            title_max: call.title_max,
            abstract_max: call.abstract_max,
            track_ids: &[],
            own_email: &user.email,
        };
        let draft = input.parse(&limits).map_err(|p| {
            let why: Vec<String> = p.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            AppError::Conflict(format!("The idea does not fit the call for microconferences ({}).", why.join("; ")))
        })?;
        let p = crate::services::cfp::propose(&mut Db::new(conn), st, user, conf, &call, &draft, false)?;
        if !repo::set_proposal(conn, idea.id, p.id)? {
            return Err(AppError::Conflict("This idea is a proposal already.".into()));
        }
        Ok(p.public_id)
    })
}
