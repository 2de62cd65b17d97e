//! Who reviews what: committee members' preferences, assignment by hand and
//! automatic ("give every proposal in this call K reviews"), each member's
//! progress, and reminders to those behind.
//!
//! The automatic run reads the facts (proposals to fill and who they already
//! have, members with their scope and load, conflicts, preferences), lets
//! `domain::assignment::solve` choose (the model is written there), and shows
//! the plan before anything is saved. Saving runs the same plan again inside
//! one transaction, under a per-conference lock, and refuses (showing the new
//! plan) if anything changed since the preview: the fingerprint of the new
//! pairs must match.

use super::*;
use crate::domain::assignment::{self as solver, Candidate, Instance, Need};
use crate::domain::review::{AssignmentSource, Preference};
use crate::services::repo::assignments::{self as repo, AssignmentRow, MemberLoad, ProposalToFill};
use crate::services::Db;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What an automatic run was asked for.
#[derive(Debug, Clone)]
pub struct AutoRequest {
    /// K: reviews every proposal should have (1..20).
    pub reviews_per_proposal: u32,
    /// A call's public id; `None`: every call of the conference.
    pub call: Option<String>,
}

/// An assignment in force, as pages and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AssignmentView {
    pub proposal: uuid::Uuid,
    pub title: String,
    pub reviewer: String,
    pub reviewer_name: String,
    pub source: AssignmentSource,
    pub reviewed: bool,
}

impl From<AssignmentRow> for AssignmentView {
    fn from(r: AssignmentRow) -> Self {
        AssignmentView {
            proposal: r.proposal,
            title: r.title,
            reviewer: r.reviewer,
            reviewer_name: r.reviewer_name,
            source: r.source,
            reviewed: r.reviewed,
        }
    }
}

/// A proposal the run could not give K reviews, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unfilled {
    pub proposal: uuid::Uuid,
    pub title: String,
    pub missing: u32,
    pub reason: String,
}

/// One member in a plan: load before and after, and how much they wanted what they got.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewerPlan {
    pub email: String,
    pub name: String,
    pub before: u32,
    pub added: u32,
    pub after: u32,
    /// Mean preference over the new assignments ("+12.5"), if any.
    pub mean_preference: Option<String>,
    /// New assignments against their stated preference (below 0).
    pub unwanted: u32,
}

/// The plan of an automatic run: what would be added, and what could not be.
#[derive(Debug, Clone)]
pub struct AutoPlan {
    pub call: Option<Call>,
    pub reviews_per_proposal: u32,
    pub proposals: usize,
    /// New (proposal id, user id) pairs.
    pub new_pairs: Vec<(i64, i64)>,
    /// Every assignment in force after the run (old and new), by proposal.
    pub assignments: Vec<AssignmentView>,
    pub unfilled: Vec<Unfilled>,
    pub reviewers: Vec<ReviewerPlan>,
    /// Load after the run, by member address (members who could take part).
    pub load: BTreeMap<String, u32>,
    /// A digest of `new_pairs`: what "save" must find unchanged.
    pub fingerprint: String,
    pub saved: bool,
}

/// The facts of one run, read in a few queries (no per-proposal query).
struct Facts {
    proposals: Vec<ProposalToFill>,
    members: Vec<MemberLoad>,
    conflicts: HashSet<(i64, i64)>,
    preferences: HashMap<(i64, i64), i32>,
}

fn read_facts(conn: &mut PgConnection, conf: &Conference, call_id: i64) -> Result<Facts, AppError> {
    Ok(Facts {
        proposals: repo::proposals_to_fill(conn, conf.id, call_id)?,
        members: repo::member_loads(conn, conf.id)?,
        conflicts: repo::conflicts(conn, conf.id, call_id)?.into_iter().map(|c| (c.proposal_id, c.user_id)).collect(),
        preferences: repo::preferences(conn, conf.id, call_id)?
            .into_iter()
            .map(|p| ((p.proposal_id, p.user_id), p.preference))
            .collect(),
    })
}

/// Why a proposal cannot get the reviewers it lacks, in words for organisers.
fn reason(in_scope: usize, conflicted: usize, has: usize, offered: usize) -> String {
    let mut why = format!("only {offered} eligible reviewer{}", if offered == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if has > 0 {
        parts.push(format!("{has} already on it"));
    }
    if conflicted > 0 {
        parts.push(format!("{conflicted} with a conflict of interest"));
    }
    if in_scope == 0 {
        parts.push("no committee member's scope covers it".to_string());
    }
    if !parts.is_empty() {
        why.push_str(&format!(" ({})", parts.join(", ")));
    }
    why
}

/// What the solver chose, in the conference's terms.
struct Solved {
    pairs: Vec<(i64, i64)>,
    unfilled: Vec<Unfilled>,
    reviewers: Vec<ReviewerPlan>,
    load: BTreeMap<String, u32>,
}

/// Builds the instance, solves it and describes the result.
fn plan(facts: &Facts, k: u32) -> Solved {
    let mut inst = Instance {
        needs: Vec::with_capacity(facts.proposals.len()),
        reviewers: facts.members.iter().map(|m| solver::Reviewer { load: m.load.max(0) as u32 }).collect(),
        candidates: Vec::new(),
    };
    // Per proposal: (members in scope, of them conflicted, of them already on it, offered).
    let mut counts = Vec::with_capacity(facts.proposals.len());
    for (pi, p) in facts.proposals.iter().enumerate() {
        let has = p.reviewers.len() as u32;
        inst.needs.push(Need { missing: k.saturating_sub(has) });
        let (mut in_scope, mut conflicted, mut already, mut offered) = (0, 0, 0, 0);
        for (ri, m) in facts.members.iter().enumerate() {
            let covers = crate::domain::review::scope_covers(&m.call_ids, &m.track_ids, p.call_id, p.track_id);
            let is_conflicted = facts.conflicts.contains(&(p.id, m.user_id));
            in_scope += usize::from(covers);
            conflicted += usize::from(covers && is_conflicted);
            if !policy::assignable(covers, is_conflicted) {
                continue;
            }
            if p.reviewers.contains(&m.user_id) {
                already += 1;
                continue;
            }
            offered += 1;
            let preference = facts.preferences.get(&(p.id, m.user_id)).copied().unwrap_or(0);
            inst.candidates.push(Candidate { proposal: pi, reviewer: ri, preference });
        }
        counts.push((in_scope, conflicted, already, offered));
    }
    let solved = solver::solve(&inst);
    let pairs: Vec<(i64, i64)> =
        solved.chosen.iter().map(|&(pi, ri)| (facts.proposals[pi].id, facts.members[ri].user_id)).collect();
    let unfilled = solved
        .unfilled
        .iter()
        .map(|&(pi, missing)| {
            let p = &facts.proposals[pi];
            let (in_scope, conflicted, already, offered) = counts[pi];
            Unfilled {
                proposal: p.public_id,
                title: p.title.clone(),
                missing,
                reason: reason(in_scope, conflicted, already, offered),
            }
        })
        .collect();
    let eligible: HashSet<usize> = inst.candidates.iter().map(|c| c.reviewer).collect();
    let mut reviewers = Vec::new();
    let mut load = BTreeMap::new();
    for (ri, m) in facts.members.iter().enumerate() {
        let mine: Vec<i32> = solved
            .chosen
            .iter()
            .filter(|(_, r)| *r == ri)
            .map(|&(pi, _)| facts.preferences.get(&(facts.proposals[pi].id, m.user_id)).copied().unwrap_or(0))
            .collect();
        let before = m.load.max(0) as u32;
        let added = mine.len() as u32;
        let mean = (!mine.is_empty()).then(|| mine.iter().map(|&v| f64::from(v)).sum::<f64>() / mine.len() as f64);
        if eligible.contains(&ri) || added > 0 {
            load.insert(m.email.clone(), before + added);
        }
        reviewers.push(ReviewerPlan {
            email: m.email.clone(),
            name: m.name.clone(),
            before,
            added,
            after: before + added,
            mean_preference: mean.map(|v| format!("{v:+.1}")),
            unwanted: mine.iter().filter(|&&v| v < 0).count() as u32,
        });
    }
    Solved { pairs, unfilled, reviewers, load }
}

fn fingerprint(pairs: &[(i64, i64)]) -> String {
    let mut h = Sha256::new();
    for (p, r) in pairs {
        h.update(p.to_le_bytes());
        h.update(r.to_le_bytes());
    }
    hex::encode(&h.finalize()[..12])
}

fn chosen_call(conn: &mut PgConnection, conf: &Conference, call: Option<&str>) -> Result<Option<Call>, AppError> {
    let Some(public_id) = call.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    // By id, or (for scripts) by its title.
    let own = calls::for_conference(conn, conf.id)?;
    let found = match uuid::Uuid::parse_str(public_id) {
        Ok(id) => own.into_iter().find(|c| c.public_id == id),
        Err(_) => own.into_iter().find(|c| c.title.eq_ignore_ascii_case(public_id)),
    };
    found.map(Some).ok_or_else(|| AppError::BadRequest("call: no such call in this conference".into()))
}

fn run(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    req: &AutoRequest,
) -> Result<(AutoPlan, Vec<AssignmentView>), AppError> {
    if !(1..=20).contains(&req.reviews_per_proposal) {
        return Err(AppError::BadRequest("reviews_per_proposal: give a whole number from 1 to 20".into()));
    }
    let call = chosen_call(conn, conf, req.call.as_deref())?;
    let facts = read_facts(conn, conf, call.as_ref().map_or(0, |c| c.id))?;
    let Solved { pairs: new_pairs, unfilled, reviewers, load } = plan(&facts, req.reviews_per_proposal);
    let existing: Vec<AssignmentView> =
        repo::assignments(conn, conf.id, 0, actor.id)?.into_iter().map(AssignmentView::from).collect();
    let plan = AutoPlan {
        call,
        reviews_per_proposal: req.reviews_per_proposal,
        proposals: facts.proposals.len(),
        fingerprint: fingerprint(&new_pairs),
        assignments: Vec::new(),
        new_pairs,
        unfilled,
        reviewers,
        load,
        saved: false,
    };
    Ok((plan, existing))
}

/// Every assignment after the run: the existing ones and the plan's, by proposal.
fn in_force(
    conn: &mut PgConnection,
    plan: &AutoPlan,
    mut existing: Vec<AssignmentView>,
) -> Result<Vec<AssignmentView>, AppError> {
    let names = repo::names(conn, &plan.new_pairs)?;
    for &(p, r) in &plan.new_pairs {
        let (Some((proposal, title)), Some((reviewer, reviewer_name))) = (names.proposals.get(&p), names.users.get(&r))
        else {
            continue;
        };
        existing.push(AssignmentView {
            proposal: *proposal,
            title: title.clone(),
            reviewer: reviewer.clone(),
            reviewer_name: reviewer_name.clone(),
            source: AssignmentSource::Auto,
            reviewed: false,
        });
    }
    existing.sort_by(|a, b| (a.proposal, &a.reviewer).cmp(&(b.proposal, &b.reviewer)));
    Ok(existing)
}

/// The plan of an automatic run, nothing saved (organisers only).
pub fn preview_auto(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    req: &AutoRequest,
) -> Result<AutoPlan, AppError> {
    check_organiser(conn, conf, actor)?;
    let (mut plan, existing) = run(conn, actor, conf, req)?;
    plan.assignments = in_force(conn, &plan, existing)?;
    Ok(plan)
}

/// Runs and saves the plan in one transaction. With `expected` (the
/// preview's fingerprint) a plan that differs from the preview is not saved:
/// `Err` carries the new plan to show instead.
pub fn apply_auto(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    req: &AutoRequest,
    expected: Option<&str>,
) -> Result<Result<AutoPlan, AutoPlan>, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        repo::lock_conference(conn, conf.id)?;
        let (mut plan, existing) = run(conn, actor, conf, req)?;
        plan.assignments = in_force(conn, &plan, existing)?;
        if expected.is_some_and(|f| f != plan.fingerprint) {
            return Ok(Err(plan));
        }
        repo::assign(conn, &plan.new_pairs, AssignmentSource::Auto, Some(actor.id))?;
        plan.saved = true;
        Ok(Ok(plan))
    })
}

/// The assignments a person may list: organisers every one (but those of
/// proposals they have a conflict with), a committee member their own.
pub fn assignments_for(Db(conn): &mut Db, user: &User, conf: &Conference) -> Result<Vec<AssignmentView>, AppError> {
    let organises = organises(conn, conf, user)?;
    let membership = reviews::membership(conn, conf.id, user.id)?;
    let whose = match policy::committee_reviewer(membership, organises)? {
        Reviewer::Organiser => 0,
        _ => user.id,
    };
    Ok(repo::assignments(conn, conf.id, whose, user.id)?.into_iter().map(AssignmentView::from).collect())
}

/// A committee member's preference for a proposal in their scope; a
/// conflict instead when `conflict` is set. Out of scope: 404.
pub fn set_preference(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    public_id: &str,
    preference: Option<Preference>,
    conflict: bool,
) -> Result<(), AppError> {
    let (p, call, _) = reviewable(&mut Db::new(conn), user, conf, public_id)?;
    if call.microconference_id.is_some() {
        // An MC's leads review its topics; nobody is assigned to them.
        return Err(AppError::NotFound);
    }
    if conflict {
        return Ok(reviews::set_conflict(conn, p.id, user.id, ConflictSource::Declared)?);
    }
    match preference {
        Some(v) => Ok(repo::set_preference(conn, p.id, user.id, v.value())?),
        None => Err(AppError::BadRequest("Give a preference from -100 to 100, or a conflict.".into())),
    }
}

/// A person's own preference for a proposal, if they gave one.
pub fn own_preference(Db(conn): &mut Db, user: &User, p: &Proposal) -> Result<Option<i32>, AppError> {
    Ok(repo::preference(conn, p.id, user.id)?)
}

/// The reviewers an organiser may assign to a proposal by hand (members whose
/// scope covers it, without a conflict), and those assigned now.
pub struct ManualChoice {
    pub assigned: Vec<(String, String)>,
    pub assignable: Vec<(String, String)>,
}

pub fn manual_choice(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    p: &Proposal,
) -> Result<ManualChoice, AppError> {
    check_organiser(conn, conf, actor)?;
    let assigned_rows = repo::of_proposal(conn, p.id)?;
    let taken: HashSet<i64> = assigned_rows.iter().map(|(id, _, _)| *id).collect();
    // Every member's conflict with this proposal in one query, not one per member.
    let conflicted_members: HashSet<i64> = repo::conflicted_members(conn, p.id)?.into_iter().collect();
    let mut assignable = Vec::new();
    for m in repo::member_loads(conn, conf.id)? {
        let covers = crate::domain::review::scope_covers(&m.call_ids, &m.track_ids, p.call_id, p.track_id);
        let conflicted = conflicted_members.contains(&m.user_id);
        if policy::assignable(covers, conflicted) && !taken.contains(&m.user_id) {
            assignable.push((m.email, m.name));
        }
    }
    Ok(ManualChoice { assigned: assigned_rows.into_iter().map(|(_, e, n)| (e, n)).collect(), assignable })
}

/// Assigns (or unassigns) one reviewer to one proposal by hand. The organiser
/// must be free of conflict with it; the reviewer must be assignable.
pub fn assign_by_hand(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    public_id: &str,
    reviewer_email: &str,
    assign: bool,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let (p, _, _) = cfp::visible_proposal(&mut Db::new(conn), Some(actor), conf, public_id)?;
    require_unconflicted(conn, p.id, actor)?;
    let reviewer = users::find_by_email(conn, reviewer_email.trim())?
        .ok_or_else(|| AppError::BadRequest("No account with that address.".into()))?;
    if !assign {
        repo::unassign(conn, p.id, reviewer.id)?;
        return Ok(());
    }
    let member = reviews::membership(conn, conf.id, reviewer.id)?
        .ok_or_else(|| AppError::BadRequest(format!("{} is not on the programme committee.", reviewer.email)))?;
    let conflicted = reviews::is_conflicted(conn, p.id, reviewer.id)?;
    if !policy::assignable(member.covers(p.call_id, p.track_id), conflicted) {
        return Err(AppError::Conflict(format!(
            "{} cannot review this proposal: {}.",
            reviewer.email,
            if conflicted { "a conflict of interest" } else { "it is outside their calls or tracks" }
        )));
    }
    repo::assign(conn, &[(p.id, reviewer.id)], AssignmentSource::Manual, Some(actor.id))?;
    Ok(())
}

/// Switches conflicts by affiliation on or off for the conference (organisers).
pub fn set_conflict_by_affiliation(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    on: bool,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(repo::set_conflict_by_affiliation(conn, conf.id, on)?)
}

/// Each committee member's progress on their assignments (organisers).
pub fn progress(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<Vec<repo::Progress>, AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(repo::progress(conn, conf.id)?)
}

/// Mails every member with assigned proposals left to review (through the
/// outbox, in the same transaction), at most once in 20 hours each. Returns
/// how many were mailed.
pub fn remind_behind(Db(conn): &mut Db, st: &AppState, actor: &User, conf: &Conference) -> Result<usize, AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let behind: Vec<repo::Progress> =
            repo::progress(conn, conf.id)?.into_iter().filter(|p| p.done < p.assigned).collect();
        let ids: Vec<i64> = behind.iter().map(|p| p.user_id).collect();
        let claimed: HashSet<i64> = repo::claim_reminders(conn, conf.id, &ids)?.into_iter().collect();
        let link = format!("{}/c/{}/review?assigned=1", st.config.base_url, conf.slug);
        let closes = calls::for_conference(conn, conf.id)?.iter().filter_map(|c| c.review_closes_at).min();
        let closes = closes.map(|t| crate::domain::time::display(t, conf.time_zone)).unwrap_or_default();
        for p in behind.iter().filter(|p| claimed.contains(&p.user_id)) {
            mail::queue(
                conn,
                st,
                &p.email,
                &format!("{} proposals wait for your review · {}", p.assigned - p.done, conf.name),
                "review_reminder",
                json!({
                    "name": p.name, "conference": conf.name, "left": p.assigned - p.done,
                    "assigned": p.assigned, "link": link, "closes": closes, "zone": conf.time_zone.name(),
                }),
            )?;
        }
        Ok(claimed.len())
    })
}

/// One proposal on a reviewer's assignment sheet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetRow {
    pub proposal: uuid::Uuid,
    pub title: String,
    pub assigned: bool,
    pub reviewed: bool,
    /// Their preference as shown ("+50", "0", or "–" for none).
    pub preference: String,
    /// Reviewers it has now (assigned or reviewed).
    pub has: usize,
}

/// A committee member and the proposals an organiser may assign them: those
/// up for review in their scope, without a conflict of theirs or the organiser's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewerSheet {
    pub email: String,
    pub name: String,
    pub rows: Vec<SheetRow>,
}

fn sheet(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    email: &str,
) -> Result<(i64, ReviewerSheet, Vec<i64>), AppError> {
    check_organiser(conn, conf, actor)?;
    if email.trim().is_empty() {
        return Err(AppError::BadRequest("Choose a committee member.".into()));
    }
    let member = repo::member_loads(conn, conf.id)?
        .into_iter()
        .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
        .ok_or(AppError::NotFound)?;
    let theirs: HashSet<i64> = reviews::conflicted_proposals(conn, conf.id, member.user_id)?.into_iter().collect();
    let mine: HashSet<i64> = reviews::conflicted_proposals(conn, conf.id, actor.id)?.into_iter().collect();
    let prefs: HashMap<i64, i32> = repo::preferences(conn, conf.id, 0)?
        .into_iter()
        .filter(|p| p.user_id == member.user_id)
        .map(|p| (p.proposal_id, p.preference))
        .collect();
    let assigned: HashMap<i64, bool> = repo::assignments(conn, conf.id, member.user_id, actor.id)?
        .into_iter()
        .map(|a| (a.proposal_db_id, a.reviewed))
        .collect();
    let mut ids = Vec::new();
    let rows = repo::proposals_to_fill(conn, conf.id, 0)?
        .into_iter()
        .filter(|p| {
            let covers =
                crate::domain::review::scope_covers(&member.call_ids, &member.track_ids, p.call_id, p.track_id);
            policy::assignable(covers, theirs.contains(&p.id)) && !mine.contains(&p.id)
        })
        .map(|p| {
            ids.push(p.id);
            SheetRow {
                proposal: p.public_id,
                assigned: assigned.contains_key(&p.id),
                // Assigned: as the assignment says; otherwise, being on it means they reviewed it.
                reviewed: assigned.get(&p.id).copied().unwrap_or_else(|| p.reviewers.contains(&member.user_id)),
                preference: prefs.get(&p.id).map_or_else(|| "–".to_string(), |v| format!("{v:+}").replace("+0", "0")),
                has: p.reviewers.len(),
                title: p.title,
            }
        })
        .collect();
    Ok((member.user_id, ReviewerSheet { email: member.email, name: member.name, rows }, ids))
}

/// A member's assignment sheet (organisers; 404 for an address not on the committee).
pub fn reviewer_sheet(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    email: &str,
) -> Result<ReviewerSheet, AppError> {
    Ok(sheet(conn, actor, conf, email)?.1)
}

/// Makes the member's assignments among the sheet's proposals exactly
/// `chosen` (public ids); returns (added, removed). Proposals not on the
/// sheet are left alone.
pub fn set_reviewer_assignments(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    email: &str,
    chosen: &[uuid::Uuid],
) -> Result<(usize, usize), AppError> {
    conn.transaction(|conn| {
        let (user_id, s, ids) = sheet(conn, actor, conf, email)?;
        let want: HashSet<&uuid::Uuid> = chosen.iter().collect();
        let (mut add, mut removed) = (Vec::new(), 0);
        for (row, id) in s.rows.iter().zip(ids) {
            match (row.assigned, want.contains(&row.proposal)) {
                (false, true) => add.push((id, user_id)),
                (true, false) => removed += repo::unassign(conn, id, user_id)?,
                _ => {}
            }
        }
        let added = repo::assign(conn, &add, AssignmentSource::Manual, Some(actor.id))?;
        Ok((added, removed))
    })
}
