//! Review assignment pages: a member's preference for a proposal, and the
//! organisers' assignments page (progress, reminders, automatic assignment
//! with its preview) and assignment by hand.

use crate::domain::review::Preference;
use crate::error::AppError;
use crate::services::cfp;
use crate::services::review::{self as service, AutoPlan, AutoRequest, ReviewerPlan, Unfilled};
use crate::services::views::{call_choices, Choice, ConferenceView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub(super) struct PreferenceForm {
    #[serde(default)]
    preference: String,
    #[serde(default)]
    conflict: String,
    /// Where to go back to: the dashboard page the buttons were on, or the review page.
    #[serde(default)]
    back: String,
}

/// Saves a member's preference (a quick word or a number) or their conflict.
pub(super) async fn save_preference(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<PreferenceForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let f = form.into_inner();
    let conflict = !f.conflict.is_empty();
    let raw = f.preference.clone();
    at.db(move |conn, _, user, conf| {
        // Who may state one comes before what they typed: out of scope is 404.
        service::reviewable(conn, user, conf, &id)?;
        let preference = match conflict {
            true => None,
            false => {
                Some(Preference::parse(&raw).map_err(|e| AppError::BadRequest(format!("Preference {}.", e.message)))?)
            }
        };
        service::set_preference(conn, user, conf, &id, preference, conflict)
    })
    .await?;
    // Only back to this conference's review pages: never an open redirect.
    let home = format!("/c/{slug}/review");
    let back = if f.back.starts_with(&home) && !f.back.contains("//") { f.back } else { home };
    let flash = if conflict { "conflict-declared" } else { "preference-saved" };
    Ok(render::redirect(&at.ctx, &back, Some(flash)))
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct AutoQuery {
    #[serde(default)]
    call: String,
    #[serde(default)]
    k: String,
    #[serde(default)]
    preview: String,
}

#[derive(Deserialize)]
pub(super) struct AutoForm {
    #[serde(default)]
    call: String,
    #[serde(default)]
    k: String,
    #[serde(default)]
    fingerprint: String,
}

/// A member's row in the progress table.
#[derive(Serialize)]
struct ProgressRow {
    name: String,
    email: String,
    assigned: i64,
    done: i64,
    reviews: i64,
    preferences: i64,
    behind: bool,
    reminded: Option<String>,
}

/// A plan as the page shows it before (or after) it is saved.
#[derive(Serialize)]
struct PlanView {
    call: String,
    call_title: String,
    k: u32,
    proposals: usize,
    added: usize,
    reviewers: Vec<ReviewerPlan>,
    unfilled: Vec<Unfilled>,
    fingerprint: String,
    /// "12 to 13 assignments each": the spread among members who could take part.
    load_range: Option<String>,
    unwanted: u32,
}

impl PlanView {
    fn of(p: &AutoPlan) -> PlanView {
        let (lo, hi) = (p.load.values().min(), p.load.values().max());
        PlanView {
            call: p.call.as_ref().map(|c| c.public_id.to_string()).unwrap_or_default(),
            call_title: p.call.as_ref().map(|c| c.title.clone()).unwrap_or_else(|| "every call".into()),
            k: p.reviews_per_proposal,
            proposals: p.proposals,
            added: p.new_pairs.len(),
            reviewers: p.reviewers.clone(),
            unfilled: p.unfilled.clone(),
            fingerprint: p.fingerprint.clone(),
            load_range: lo
                .zip(hi)
                .map(|(lo, hi)| if lo == hi { format!("{lo} each") } else { format!("{lo} to {hi}") }),
            unwanted: p.reviewers.iter().map(|r| r.unwanted).sum(),
        }
    }
}

#[derive(Serialize)]
struct AssignmentsPage {
    conference: ConferenceView,
    calls: Vec<Choice>,
    k: String,
    progress: Vec<ProgressRow>,
    behind: usize,
    plan: Option<PlanView>,
    conflict_by_affiliation: bool,
    problem: Option<String>,
    errors: serde_json::Value,
}

fn parse_k(raw: &str) -> Result<u32, crate::domain::FieldError> {
    match raw.trim().parse::<u32>() {
        Ok(k) if (1..=20).contains(&k) => Ok(k),
        _ => Err(crate::domain::FieldError::new("k", "must be a whole number from 1 to 20")),
    }
}

async fn page_with(
    at: &Acting,
    q: AutoQuery,
    plan: Option<AutoPlan>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let (progress, all_calls) = at
        .organising(|conn, _, user, conf| Ok((service::progress(conn, user, conf)?, cfp::calls_of(conn, conf)?)))
        .await?;
    let conf = &at.conf;
    let committee_calls: Vec<_> = all_calls.into_iter().filter(|c| c.microconference_id.is_none()).collect();
    let k = if q.k.is_empty() {
        let chosen = committee_calls.iter().find(|c| c.public_id.to_string() == q.call);
        chosen.or(committee_calls.first()).map_or(3, |c| c.reviews_wanted).to_string()
    } else {
        q.k.clone()
    };
    let rows: Vec<ProgressRow> = progress
        .into_iter()
        .map(|p| ProgressRow {
            behind: p.done < p.assigned,
            reminded: p.reminded_at.map(|t| crate::domain::time::display(t, conf.time_zone)),
            name: p.name,
            email: p.email,
            assigned: p.assigned,
            done: p.done,
            reviews: p.reviews,
            preferences: p.preferences,
        })
        .collect();
    let data = AssignmentsPage {
        conference: ConferenceView::of(conf),
        calls: call_choices(&committee_calls, &q.call),
        k,
        behind: rows.iter().filter(|r| r.behind).count(),
        progress: rows,
        plan: plan.as_ref().map(PlanView::of),
        conflict_by_affiliation: conf.conflict_by_affiliation,
        problem: rejected.problem,
        errors: rejected.errors,
    };
    render::page(&at.ctx, rejected.status, "review_assignments", &format!("Review assignments · {}", conf.name), data)
}

/// The assignments page; with `?preview=1` the plan of an automatic run.
pub(super) async fn assignments_page(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<AutoQuery>,
) -> Result<HttpResponse, AppError> {
    let at = Acting::organiser(ctx, &slug).await?;
    let q = q.into_inner();
    if q.preview.is_empty() {
        return page_with(&at, q, None, Rejected::none()).await;
    }
    let k = match parse_k(&q.k) {
        Ok(k) => k,
        Err(e) => return page_with(&at, q, None, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &[e])).await,
    };
    let req = AutoRequest { reviews_per_proposal: k, call: Some(q.call.clone()) };
    let plan = at.db(move |conn, _, user, conf| service::preview_auto(conn, user, conf, &req)).await?;
    page_with(&at, q, Some(plan), Rejected::none()).await
}

/// Saves the previewed plan, unless something changed since (then the new plan, 409).
pub(super) async fn save_auto(
    at: Acting,
    slug: web::Path<String>,
    form: web::Form<AutoForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let q = AutoQuery { call: f.call.clone(), k: f.k.clone(), preview: "1".into() };
    let k = match parse_k(&f.k) {
        Ok(k) => k,
        Err(e) => return page_with(&at, q, None, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &[e])).await,
    };
    let req = AutoRequest { reviews_per_proposal: k, call: Some(f.call.clone()) };
    let fingerprint = f.fingerprint.clone();
    let outcome = at
        .db(move |conn, _, user, conf| {
            service::apply_auto(conn, user, conf, &req, Some(fingerprint.as_str()).filter(|s| !s.is_empty()))
        })
        .await?;
    match outcome {
        Ok(_) => Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/assignments"), Some("assignments-saved"))),
        Err(plan) => {
            let why = "Preferences, conflicts or assignments changed since the preview, so nothing was saved. \
                       This is the plan as things stand now: save again to use it.";
            page_with(&at, q, Some(plan), Rejected::problem(StatusCode::CONFLICT, why)).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ManualForm {
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    action: String,
}

/// Assigns or unassigns one reviewer by hand, from the proposal's review page.
pub(super) async fn assign_by_hand(
    at: Acting,
    slug: web::Path<String>,
    form: web::Form<ManualForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let (id, reviewer, action) = (f.proposal.clone(), f.reviewer.clone(), f.action.clone());
    at.organising(move |conn, _, user, conf| {
        let assign = match action.as_str() {
            "assign" => true,
            "unassign" => false,
            _ => return Err(AppError::BadRequest("Choose assign or unassign.".into())),
        };
        service::assign_by_hand(conn, user, conf, &id, &reviewer, assign)
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/review/{}", f.proposal), Some("assignment-saved")))
}

/// Mails the members who are behind on their assigned reviews.
pub(super) async fn remind(at: Acting, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    at.db(service::remind_behind).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/assignments"), Some("reminders-sent")))
}

#[derive(Deserialize)]
pub(super) struct AffiliationForm {
    /// A checkbox: present when ticked.
    #[serde(default)]
    conflict_by_affiliation: Option<String>,
}

/// Counts (or stops counting) the same organisation as a conflict of interest.
pub(super) async fn save_affiliation_rule(
    at: Acting,
    slug: web::Path<String>,
    form: web::Form<AffiliationForm>,
) -> Result<HttpResponse, AppError> {
    let on = form.into_inner().conflict_by_affiliation.is_some();
    at.db(move |conn, _, user, conf| service::set_conflict_by_affiliation(conn, user, conf, on)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/assignments"), Some("review-settings-saved")))
}

#[derive(Deserialize)]
pub(super) struct SheetQuery {
    #[serde(default)]
    email: String,
}

#[derive(Serialize)]
struct SheetPage {
    conference: ConferenceView,
    sheet: service::ReviewerSheet,
    assigned: usize,
}

/// One member's assignment sheet: tick the proposals they should review.
pub(super) async fn reviewer_sheet(at: Acting, q: web::Query<SheetQuery>) -> Result<HttpResponse, AppError> {
    let email = q.into_inner().email;
    let sheet = at.organising(move |conn, _, user, conf| service::reviewer_sheet(conn, user, conf, &email)).await?;
    let data = SheetPage {
        conference: ConferenceView::of(&at.conf),
        assigned: sheet.rows.iter().filter(|r| r.assigned).count(),
        sheet,
    };
    render::ok(
        &at.ctx,
        "review_reviewer_sheet",
        &format!("Assignments of {} · {}", data.sheet.name, at.conf.name),
        data,
    )
}

/// Saves a member's sheet: exactly the ticked proposals are assigned to them.
pub(super) async fn save_reviewer_sheet(
    at: Acting,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let pairs = super::pairs(&body)?;
    let email = pairs.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()).unwrap_or_default();
    let chosen: Vec<uuid::Uuid> = pairs
        .iter()
        .filter(|(k, _)| k == "proposal")
        .map(|(_, v)| uuid::Uuid::parse_str(v).map_err(|_| AppError::BadRequest("Unknown proposal.".into())))
        .collect::<Result<_, _>>()?;
    let who = email.clone();
    at.organising(move |conn, _, user, conf| service::set_reviewer_assignments(conn, user, conf, &who, &chosen))
        .await?;
    let back = format!(
        "/c/{slug}/manage/assignments/reviewer?{}",
        serde_urlencoded::to_string([("email", &email)]).unwrap_or_default()
    );
    Ok(render::redirect(&at.ctx, &back, Some("assignments-saved")))
}
