//! The organisers' decisions: deciding many at once, releasing them to the
//! proposers (the whole conference, or an MC lead's own topics), and conflicts
//! an organiser records for a proposal.

use super::dashboard::{row_view, ReviewRowView};
use super::pairs;
use crate::domain::account::Email;
use crate::domain::proposal::ProposalState;
use crate::error::AppError;
use crate::services::policy::Reviewer;
use crate::services::review as service;
use crate::services::views::{Choice, ConferenceView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

/// Proposals on the decisions page at a time: 900 with their score charts were
/// a 1 MB page.
const DECISIONS_PER_PAGE: usize = 50;

/// The decisions page's filter: a state, and words of the title.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct DecisionFilter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    q: String,
}

pub(super) async fn decisions_page(
    ctx: Ctx,
    slug: web::Path<String>,
    f: web::Query<DecisionFilter>,
    p: web::Query<crate::web::pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let c2 = conf.clone();
    let rows = ctx.state.db(move |conn, _| service::decision_rows(conn, &user, &c2)).await?;
    let unreleased = |conflicted: bool| {
        rows.iter()
            .filter(|r| r.conflicted == conflicted)
            .filter(|r| r.state.decision().is_some() && r.decision_released_at.is_none())
            .count()
    };
    let (unreleased, left_for_others) = (unreleased(false), unreleased(true));
    let filter = f.into_inner();
    let state = filter.state.parse::<ProposalState>().ok();
    let words = filter.q.trim().to_lowercase();
    let matching: Vec<_> = rows
        .iter()
        .filter(|r| state.is_none_or(|s| r.state == s))
        .filter(|r| words.is_empty() || r.title.to_lowercase().contains(&words))
        .collect();
    let path = format!("/c/{}/manage/decisions", conf.slug);
    let (page, pager) =
        crate::web::pager::page_of(matching, &p.page, DECISIONS_PER_PAGE, &path, &filter, "Decision pages");
    let list = page
        .into_iter()
        .map(|r| DecisionRow { row: row_view(r, &Reviewer::Organiser), released: r.decision_released_at.is_some() })
        .collect();
    let states = ProposalState::ALL.iter().map(|s| Choice::new(s.as_str(), s.as_str(), &filter.state)).collect();
    let data = DecisionsPage {
        conference: ConferenceView::of(&conf),
        rows: list,
        unreleased,
        left_for_others,
        pager,
        states,
        filter,
    };
    render::ok(&ctx, "decisions", &format!("Decisions · {}", conf.name), data)
}

#[derive(Serialize)]
struct DecisionsPage {
    conference: ConferenceView,
    rows: Vec<DecisionRow>,
    unreleased: usize,
    left_for_others: usize,
    pager: crate::web::pager::PagerView,
    states: Vec<Choice>,
    filter: DecisionFilter,
}

/// A proposal on the decisions page: its review row, and whether its decision is out.
#[derive(Serialize)]
struct DecisionRow {
    #[serde(flatten)]
    row: ReviewRowView,
    released: bool,
}

pub(super) async fn bulk_decide(ctx: Ctx, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let form = pairs(&body)?;
    let state = form
        .iter()
        .find(|(k, _)| k == "state")
        .and_then(|(_, v)| v.parse::<ProposalState>().ok())
        .ok_or_else(|| AppError::BadRequest("Choose a decision.".into()))?;
    let chosen: Vec<String> = form.iter().filter(|(k, _)| k == "proposal").map(|(_, v)| v.clone()).collect();
    if chosen.is_empty() {
        return Err(AppError::BadRequest("Tick at least one proposal.".into()));
    }
    let d = ctx.state.db(move |conn, _| service::decide_many(conn, &user, &conf, &chosen, state)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/decisions"), Some(&flash_left("decision-saved", d))))
}

/// The flash key of a bulk action, saying how many were left for another organiser.
fn flash_left(key: &str, d: service::Done) -> String {
    if d.left_for_others == 0 {
        key.to_string()
    } else {
        format!("{key}-left:{}", d.left_for_others)
    }
}

pub(super) async fn release(at: Acting, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let d = at.organising(|conn, st, user, conf| service::release(conn, st, user, conf, None)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/decisions"), Some(&flash_left("decisions-released", d))))
}

pub(super) async fn mc_release(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, mc) = path.into_inner();
    let m2 = mc.clone();
    let d = at.db(move |conn, st, user, conf| service::release(conn, st, user, conf, Some(&m2))).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/mc/{mc}/manage"), Some(&flash_left("decisions-released", d))))
}

#[derive(Deserialize)]
pub(super) struct ConflictForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    conflicted: String,
}

pub(super) async fn organiser_conflict(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<ConflictForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let on = form.conflicted != "0";
    let raw_email = form.email.clone();
    let i2 = id.clone();
    // Who may do this is settled (`organising`) before what they typed is looked at.
    at.organising(move |conn, _, user, conf| {
        let email = Email::parse(&raw_email).map_err(|e| AppError::BadRequest(format!("Email {}.", e.message)))?;
        service::set_conflict(conn, user, conf, &i2, email.as_str(), on)
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/proposals/{id}"), Some("conflict-set")))
}
