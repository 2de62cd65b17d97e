//! A proposal's review page: reading it, scoring it, declaring a conflict.

use super::dashboard::fmt_mean;
use crate::domain::review::{self as rules};
use crate::domain::{markdown, text, FieldError};
use crate::error::AppError;
use crate::services::cfp;
use crate::services::conferences as conf_service;
use crate::services::policy::{Reviewer, Sight};
use crate::services::review::{self as service, ReviewInput};
use crate::services::views::{self, conference as conference_view};
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use crate::web::score_chart::distribution_svg;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) struct ReviewForm {
    score: String,
    comment: String,
    note: String,
}

async fn review_page_with(
    ctx: &Ctx,
    slug: String,
    id: String,
    status: StatusCode,
    typed: Option<ReviewForm>,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let data = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let (p, call, role) = service::reviewable(conn, &user, &conf, &id)?;
            let seen = service::reviews_seen(conn, &user, &p, &call, &role)?;
            let (own, see) = (seen.own, seen.sight == Sight::All);
            let tracks = cfp::tracks_of(conn, &conf)?;
            let (topics, proposer) = service::review_subject(conn, &p, &call, &role)?;
            let st = rules::stats(&seen.scores, call.score_min, call.score_max);
            let others: Vec<Value> = seen
                .others
                .iter()
                .map(|(r, name)| json!({ "reviewer": name, "score": format!("{:+}", r.score), "comment_html": markdown::to_html(&r.comment), "note": r.note_to_proposer }))
                .collect();
            let open = rules::review_open(call.review_opens_at, call.review_closes_at, chrono::Utc::now());
            let back = service::review_home(conn, &conf, &call)?;
            Ok((conf, p, call, tracks, topics, proposer, own, others, see, st, open, role, back))
        })
        .await?;
    let (conf, p, call, tracks, topics, proposer, own, others, see, st, open, role, back) = data;
    let tz = cfp::tz(&conf);
    let form = match typed {
        Some(f) => json!({ "score": f.score, "comment": f.comment, "note": f.note }),
        None => match &own {
            Some(r) => json!({ "score": r.score.to_string(), "comment": r.comment, "note": r.note_to_proposer }),
            None => json!({ "score": "", "comment": "", "note": "" }),
        },
    };
    let selected = form["score"].as_str().unwrap_or_default().to_string();
    let scale: Vec<Value> = rules::scale(call.score_min, call.score_max, &call.score_labels)
        .into_iter()
        .map(|(v, label)| json!({ "value": v.to_string(), "shown": format!("{v:+}"), "label": label, "checked": v.to_string() == selected }))
        .collect();
    let mut proposal = views::proposal(&p, &call, &tracks, &topics, "", tz);
    proposal["submitter"] = Value::Null;
    render::page(
        ctx,
        status,
        "review",
        &format!("Review: {}", p.title),
        json!({
            "conference": conference_view(&conf), "proposal": proposal, "proposer": proposer, "call": views::call(&call, tz),
            "scale": scale, "form": form, "errors": errors, "has_own": own.is_some(), "others": others, "see_others": see,
            "mean": fmt_mean(st.mean), "count": st.count, "chart": if see && st.count > 0 { Some(distribution_svg(&st, call.score_min)) } else { None },
            "open": open, "is_organiser": matches!(role, Reviewer::Organiser),
            "back": back,
        }),
    )
}

pub(super) async fn review_page(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    review_page_with(&ctx, slug, id, StatusCode::OK, None, json!({})).await
}

#[derive(Deserialize)]
pub(super) struct ReviewPost {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn save_review(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ReviewPost>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let f = form.into_inner();
    let mut problems = crate::domain::Problems::default();
    // The scale is checked against the call by the service; here only that it is a number.
    let score = problems.check(rules::parse_score(&f.score, -10, 10));
    let comment = problems.check(text::multi_line("comment", &f.comment, 0, 10000));
    let note = problems.check(text::multi_line("note", &f.note, 0, 5000));
    let typed = ReviewForm { score: f.score.clone(), comment: f.comment.clone(), note: f.note.clone() };
    let (Some(score), Some(comment), Some(note)) = (score, comment, note) else {
        return review_page_with(
            &ctx,
            slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(typed),
            errors_json(&problems.0),
        )
        .await;
    };
    let (s2, i2) = (slug.clone(), id.clone());
    let result = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            service::save_review(conn, &user, &conf, &i2, &ReviewInput { score, comment, note })
        })
        .await;
    match result {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/review/{id}"), Some("review-saved"))),
        Err(AppError::Conflict(m)) => {
            review_page_with(
                &ctx,
                slug,
                id,
                StatusCode::CONFLICT,
                Some(typed),
                errors_json(&[FieldError::new("form", m)]),
            )
            .await
        }
        Err(AppError::BadRequest(m)) => {
            review_page_with(
                &ctx,
                slug,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(typed),
                errors_json(&[FieldError::new("score", m)]),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn declare_conflict(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let s2 = slug.clone();
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            service::declare_conflict(conn, &user, &conf, &id)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/review"), Some("conflict-declared")))
}
