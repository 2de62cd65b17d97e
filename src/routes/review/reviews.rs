//! A proposal's review page: reading it, scoring it, declaring a conflict.

use super::dashboard::fmt_mean;
use crate::domain::review::{self as rules};
use crate::domain::{markdown, text, FieldError};
use crate::error::AppError;
use crate::services::cfp;
use crate::services::policy::{Reviewer, Sight};
use crate::services::review::{self as service, ProposerView, ReviewInput};
use crate::services::views::{self, CallView, ConferenceView, ProposalView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::Rejected;
use crate::web::render;
use crate::web::score_chart::distribution_svg;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The review form as typed, or as last saved.
#[derive(Deserialize, Serialize, Default)]
pub(super) struct ReviewForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    note: String,
    /// Everything else the form sent: `criterion-{id}` scores among it.
    #[serde(flatten, default, skip_serializing)]
    rest: std::collections::HashMap<String, String>,
}

impl ReviewForm {
    /// The criterion scores as typed: (criterion id, raw value).
    fn criteria(&self) -> impl Iterator<Item = (i64, &str)> {
        self.rest.iter().filter_map(|(k, v)| Some((k.strip_prefix("criterion-")?.parse().ok()?, v.as_str())))
    }
}

/// A weighted criterion on the review form, its scale with the typed (or saved) point checked.
#[derive(Serialize)]
struct CriterionView {
    id: i64,
    name: String,
    weight: i32,
    points: Vec<ScalePoint>,
}

/// A proposal's review page.
#[derive(Serialize)]
struct ReviewPage {
    conference: ConferenceView,
    proposal: ProposalView,
    proposer: Option<ProposerView>,
    call: CallView,
    scale: Vec<ScalePoint>,
    criteria: Vec<CriterionView>,
    form: ReviewForm,
    errors: Value,
    has_own: bool,
    others: Vec<OtherReview>,
    see_others: bool,
    mean: Option<String>,
    count: usize,
    chart: Option<String>,
    open: bool,
    is_organiser: bool,
    back: String,
    /// Committee calls only: an MC's topics are reviewed by its leads, unassigned.
    takes_preferences: bool,
    preference: Option<i32>,
    preference_label: Option<&'static str>,
    quick: Vec<QuickChoice>,
    /// Organisers: who is assigned, and whom they may assign.
    manual: Option<ManualView>,
}

#[derive(Serialize)]
pub(super) struct QuickChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub(super) fn quick_choices(current: Option<i32>) -> Vec<QuickChoice> {
    rules::Preference::QUICK
        .iter()
        .map(|&(value, label, v)| QuickChoice { value, label, current: current == Some(v) })
        .collect()
}

#[derive(Serialize)]
struct ManualView {
    assigned: Vec<Person>,
    assignable: Vec<Person>,
}

#[derive(Serialize)]
struct Person {
    email: String,
    name: String,
}

fn people(list: Vec<(String, String)>) -> Vec<Person> {
    list.into_iter().map(|(email, name)| Person { email, name }).collect()
}

/// One point of the call's score scale, checked when it is the form's score.
#[derive(Serialize)]
struct ScalePoint {
    value: String,
    shown: String,
    label: String,
    checked: bool,
}

/// Another reviewer's review, for those who may see it.
#[derive(Serialize)]
struct OtherReview {
    reviewer: String,
    score: String,
    comment_html: String,
    note: String,
    /// "Relevance +2 · Clarity -1" where the call has criteria.
    by_criterion: String,
}

async fn review_page_with(
    at: &Acting,
    id: String,
    typed: Option<ReviewForm>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let data = at
        .db(move |conn, _, user, conf| {
            let (p, call, role) = service::reviewable(conn, user, conf, &id)?;
            let seen = service::reviews_seen(conn, user, &p, &call, &role)?;
            let tracks = cfp::tracks_of(conn, conf)?;
            let (topics, proposer) = service::review_subject(conn, &p, &call, &role)?;
            let back = service::review_home(conn, conf, &call)?;
            let preference = service::own_preference(conn, user, &p)?;
            let manual = match (&role, call.microconference_id) {
                (Reviewer::Organiser, None) => Some(service::manual_choice(conn, user, conf, &p)?),
                _ => None,
            };
            Ok((p, call, tracks, topics, proposer, seen, role, back, preference, manual))
        })
        .await?;
    let (p, call, tracks, topics, proposer, seen, role, back, preference, manual) = data;
    let conf = &at.conf;
    let tz = cfp::tz(conf);
    let see = seen.sight == Sight::All;
    let st = rules::stats(&seen.scores, call.score_min, call.score_max);
    let form = typed.unwrap_or_else(|| match &seen.own {
        Some(r) => {
            let rest = seen
                .criterion_scores
                .get(&r.id)
                .map(|list| list.iter().map(|(c, s)| (format!("criterion-{c}"), s.to_string())).collect())
                .unwrap_or_default();
            ReviewForm {
                score: r.score.to_string(),
                comment: r.comment.clone(),
                note: r.note_to_proposer.clone(),
                rest,
            }
        }
        None => ReviewForm::default(),
    });
    let points = rules::scale(call.score_min, call.score_max, &call.score_labels);
    let scale_with = |chosen: &str| -> Vec<ScalePoint> {
        points
            .iter()
            .map(|(v, label)| ScalePoint {
                value: v.to_string(),
                shown: format!("{v:+}"),
                label: label.to_string(),
                checked: v.to_string() == chosen,
            })
            .collect()
    };
    let scale = scale_with(&form.score);
    let typed_criteria: std::collections::HashMap<i64, &str> = form.criteria().collect();
    let criteria = seen
        .criteria
        .iter()
        .map(|c| CriterionView {
            id: c.id,
            name: c.name.clone(),
            weight: c.weight,
            points: scale_with(typed_criteria.get(&c.id).copied().unwrap_or("")),
        })
        .collect();
    let names: std::collections::HashMap<i64, &str> = seen.criteria.iter().map(|c| (c.id, c.name.as_str())).collect();
    let breakdown = |review_id: i64| -> String {
        let list = seen.criterion_scores.get(&review_id).map(Vec::as_slice).unwrap_or_default();
        list.iter()
            .map(|(c, s)| format!("{} {s:+}", names.get(c).copied().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let others = seen
        .others
        .iter()
        .map(|(r, name)| OtherReview {
            reviewer: name.clone(),
            score: format!("{:+}", r.score),
            comment_html: markdown::to_html(&r.comment),
            note: r.note_to_proposer.clone(),
            by_criterion: breakdown(r.id),
        })
        .collect();
    let page = ReviewPage {
        conference: ConferenceView::of(conf),
        proposal: views::proposal(&p, &call, &tracks, &topics, None, tz),
        proposer,
        call: views::call(&call, tz),
        scale,
        criteria,
        form,
        errors: rejected.errors,
        has_own: seen.own.is_some(),
        others,
        see_others: see,
        mean: fmt_mean(st.mean),
        count: st.count,
        chart: (see && st.count > 0).then(|| distribution_svg(&st, call.score_min)),
        open: rules::review_open(call.review_opens_at, call.review_closes_at, chrono::Utc::now()),
        is_organiser: matches!(role, Reviewer::Organiser),
        back,
        takes_preferences: call.microconference_id.is_none(),
        preference,
        preference_label: preference.map(rules::Preference::label),
        quick: quick_choices(preference),
        manual: manual.map(|m| ManualView { assigned: people(m.assigned), assignable: people(m.assignable) }),
    };
    render::page(&at.ctx, rejected.status, "review", &format!("Review: {}", p.title), page)
}

pub(super) async fn review_page(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let at = Acting::refusing(ctx, &slug).await?;
    review_page_with(&at, id, None, Rejected::none()).await
}

pub(super) async fn save_review(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let f = form.into_inner();
    let mut problems = crate::domain::Problems::default();
    // The scale is checked against the call by the service; here only that they are numbers.
    // With criteria the overall score is theirs (the service computes it).
    let typed: Vec<(i64, &str)> = f.criteria().collect();
    let mut criteria = Vec::with_capacity(typed.len());
    for (id, raw) in &typed {
        if let Some(v) = problems.check(rules::parse_score(raw, -10, 10)) {
            criteria.push((*id, v));
        }
    }
    let score = if typed.is_empty() { problems.check(rules::parse_score(&f.score, -10, 10)) } else { Some(0) };
    let comment = problems.check(text::multi_line("comment", &f.comment, 0, 10000));
    let note = problems.check(text::multi_line("note", &f.note, 0, 5000));
    let (Some(score), Some(comment), Some(note)) = (score, comment, note) else {
        let rejected = Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &problems.0);
        return review_page_with(&at, id, Some(f), rejected).await;
    };
    let i2 = id.clone();
    let input = ReviewInput { score, criteria, comment, note };
    let result = at.db(move |conn, _, user, conf| service::save_review(conn, user, conf, &i2, &input));
    let (status, field, m) = match result.await {
        Ok(()) => return Ok(render::redirect(&at.ctx, &format!("/c/{slug}/review/{id}"), Some("review-saved"))),
        Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, "form", m),
        Err(AppError::BadRequest(m)) => (StatusCode::UNPROCESSABLE_ENTITY, "score", m),
        Err(e) => return Err(e),
    };
    review_page_with(&at, id, Some(f), Rejected::fields(status, &[FieldError::new(field, m)])).await
}

pub(super) async fn declare_conflict(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    at.db(move |conn, _, user, conf| service::declare_conflict(conn, user, conf, &id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/review"), Some("conflict-declared")))
}
