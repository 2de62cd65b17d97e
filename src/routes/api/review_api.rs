//! Review preferences and assignments over the JSON API. A committee member
//! states a preference (or a conflict) for a proposal in their scope;
//! organisers run automatic assignment, with `dry_run` for the plan alone.
//! Fields are declared in alphabetical order (see the module comment of `api`).

use super::{in_conference, in_conference_by_id, Slug, SlugAndId};
use crate::domain::review::{AssignmentSource, Preference};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::services::review::{self as service, AssignmentView, AutoPlan, AutoRequest};
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A preference (-100 rather not … 100 eager) or a declared conflict.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct PreferenceBody {
    preference: Option<i64>,
    /// `true`: I have a conflict of interest with this proposal.
    conflict: Option<bool>,
}

/// 422 with the message, for a body the service found wanting.
fn unprocessable(e: AppError) -> Result<HttpResponse, ApiError> {
    match e {
        AppError::BadRequest(m) => Ok(HttpResponse::UnprocessableEntity().json(ErrorBody { error: m })),
        e => Err(ApiError(e)),
    }
}

/// States the token holder's preference for a proposal in their review scope.
#[utoipa::path(put, path = "/api/v1/conferences/{slug}/proposals/{id}/preference", tag = "reviews",
    params(SlugAndId), request_body = PreferenceBody,
    responses((status = 204, description = "saved"), (status = 401, body = ErrorBody),
        (status = 404, description = "not a proposal you review", body = ErrorBody),
        (status = 422, description = "no preference, or one outside -100..100", body = ErrorBody)))]
pub async fn put_preference(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<PreferenceBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let outcome = in_conference_by_id(&state, &req, path.into_inner(), move |conn, _, user, conf, id| {
        let id = id.to_string();
        // Who may state one comes first: out of scope is 404 whatever the body says.
        service::reviewable(conn, user, conf, &id)?;
        let conflict = b.conflict == Some(true);
        let preference = match (conflict, b.preference) {
            (true, _) => None,
            (false, Some(v)) => {
                Some(Preference::new(v).map_err(|e| AppError::BadRequest(format!("preference {}", e.message))))
            }
            (false, None) => {
                Some(Err(AppError::BadRequest("give a preference from -100 to 100, or conflict: true".into())))
            }
        };
        let preference = match preference.transpose() {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        Ok(service::set_preference(conn, user, conf, &id, preference, conflict))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => unprocessable(e),
    }
}

/// An automatic assignment run.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct AutoBody {
    /// The call's id or title; none: every call of the conference.
    call: Option<String>,
    /// `true`: only the plan, nothing saved.
    #[serde(default)]
    dry_run: bool,
    /// K, 1 to 20.
    reviews_per_proposal: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AssignmentPair {
    proposal: Uuid,
    reviewer: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnfilledProposal {
    missing: u32,
    proposal: Uuid,
    reason: String,
}

/// The outcome of a run: every assignment in force after it (old and new),
/// what could not be filled and why, and each eligible member's load.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AutoOutcome {
    /// New assignments the run made (or would make, with `dry_run`).
    added: usize,
    assignments: Vec<AssignmentPair>,
    load: BTreeMap<String, u32>,
    saved: bool,
    unfilled: Vec<UnfilledProposal>,
}

impl From<AutoPlan> for AutoOutcome {
    fn from(p: AutoPlan) -> Self {
        AutoOutcome {
            added: p.new_pairs.len(),
            assignments: p
                .assignments
                .into_iter()
                .map(|a| AssignmentPair { proposal: a.proposal, reviewer: a.reviewer })
                .collect(),
            load: p.load,
            saved: p.saved,
            unfilled: p
                .unfilled
                .into_iter()
                .map(|u| UnfilledProposal { missing: u.missing, proposal: u.proposal, reason: u.reason })
                .collect(),
        }
    }
}

/// Gives every submitted proposal (of one call, or all) K reviews, as the
/// model in `domain::assignment` describes; organisers only.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/assignments/auto", tag = "reviews", params(Slug),
    request_body = AutoBody,
    responses((status = 200, body = AutoOutcome), (status = 401, body = ErrorBody),
        (status = 403, description = "not an organiser", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "no K from 1 to 20, or no such call", body = ErrorBody)))]
pub async fn auto_assign(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<AutoBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let outcome = in_conference(&state, &req, slug.into_inner(), move |conn, _, user, conf| {
        crate::services::conferences::require_organiser(conn, conf, user)?;
        let k = b.reviews_per_proposal.and_then(|k| u32::try_from(k).ok()).unwrap_or(0);
        let request = AutoRequest { reviews_per_proposal: k, call: b.call };
        Ok(if b.dry_run {
            service::preview_auto(conn, user, conf, &request)
        } else {
            service::apply_auto(conn, user, conf, &request, None).map(|r| r.unwrap_or_else(|p| p))
        })
    })
    .await?;
    match outcome {
        Ok(plan) => Ok(HttpResponse::Ok().json(AutoOutcome::from(plan))),
        Err(e) => unprocessable(e),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AssignmentList {
    assignments: Vec<AssignmentListed>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AssignmentListed {
    proposal: Uuid,
    reviewed: bool,
    reviewer: String,
    source: AssignmentSource,
    title: String,
}

impl From<AssignmentView> for AssignmentListed {
    fn from(a: AssignmentView) -> Self {
        AssignmentListed {
            proposal: a.proposal,
            reviewed: a.reviewed,
            reviewer: a.reviewer,
            source: a.source,
            title: a.title,
        }
    }
}

/// Assignments: organisers see every one (but of proposals they have a
/// conflict with), a committee member their own.
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/assignments", tag = "reviews", params(Slug),
    responses((status = 200, body = AssignmentList), (status = 401, body = ErrorBody),
        (status = 403, description = "not on the committee", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn assignments(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let list = in_conference(&state, &req, slug.into_inner(), |conn, _, user, conf| {
        service::assignments_for(conn, user, conf)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AssignmentList { assignments: list.into_iter().map(AssignmentListed::from).collect() }))
}
