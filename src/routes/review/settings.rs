//! A call's review settings page (organisers).

use crate::domain::review::{scale, ReviewSettingsInput, Visibility};
use crate::domain::time;
use crate::error::AppError;
use crate::services::cfp::{self, Call, CriterionRow};
use crate::services::review as service;
use crate::services::views::{Choice, ConferenceView};
use crate::web::conference_page::Acting;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

#[derive(Serialize)]
struct SettingsPage<'a> {
    conference: ConferenceView,
    call_id: String,
    call_title: String,
    form: &'a ReviewSettingsInput,
    anonymised: bool,
    visibilities: Vec<Choice>,
    zone: String,
    problem: Option<String>,
    errors: serde_json::Value,
}

fn input_of(c: &Call, criteria: &[CriterionRow], tz: chrono_tz::Tz) -> ReviewSettingsInput {
    let labels: Vec<String> = scale(c.score_min, c.score_max, &c.score_labels)
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| !l.is_empty())
        .collect();
    ReviewSettingsInput {
        score_min: c.score_min.to_string(),
        score_max: c.score_max.to_string(),
        score_labels: labels.join("\n"),
        anonymised: c.anonymised.then(|| "on".to_string()),
        reviews_visibility: c.reviews_visibility.to_string(),
        review_opens_at: c.review_opens_at.map(|t| time::input_value(t, tz)).unwrap_or_default(),
        review_closes_at: c.review_closes_at.map(|t| time::input_value(t, tz)).unwrap_or_default(),
        reviews_wanted: c.reviews_wanted.to_string(),
        criteria: criteria.iter().map(|k| format!("{} = {}", k.name, k.weight)).collect::<Vec<_>>().join("\n"),
    }
}

fn settings_page(
    at: &Acting,
    call: &Call,
    f: &ReviewSettingsInput,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let conf = &at.conf;
    let words = [
        (Visibility::Never, "Never: each reviewer sees only their own"),
        (Visibility::AfterOwn, "After they have saved their own review"),
        (Visibility::Always, "Always"),
    ];
    let data = SettingsPage {
        conference: ConferenceView::of(conf),
        call_id: call.public_id.to_string(),
        call_title: call.title.clone(),
        form: f,
        anonymised: f.anonymised.is_some(),
        visibilities: words.iter().map(|(v, l)| Choice::new(v, *l, &f.reviews_visibility)).collect(),
        zone: conf.time_zone.name().to_string(),
        problem: rejected.problem,
        errors: rejected.errors,
    };
    render::page(&at.ctx, rejected.status, "review_settings", &format!("Review settings · {}", call.title), data)
}

pub(super) async fn settings_form(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (_, call_id) = path.into_inner();
    let (call, criteria) = at
        .organising(move |conn, _, _, conf| {
            let call = cfp::find_call(conn, conf, &call_id)?;
            let criteria = service::review_criteria(conn, &call)?;
            Ok((call, criteria))
        })
        .await?;
    settings_page(&at, &call, &input_of(&call, &criteria, at.conf.time_zone), Rejected::none())
}

pub(super) async fn save_settings(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<ReviewSettingsInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    let call = at.organising(move |conn, _, _, conf| cfp::find_call(conn, conf, &call_id)).await?;
    let saved = call.clone();
    form::handle(
        form.into_inner(),
        |input| input.parse(at.conf.time_zone),
        |settings| async {
            let done = at.db(move |conn, _, user, conf| {
                Ok(match service::save_review_settings(conn, user, conf, &saved, &settings) {
                    Err(AppError::Conflict(m)) => Err(m),
                    other => Ok(other?),
                })
            });
            done.await
        },
        |m: String| Refusal::Again(Rejected::problem(StatusCode::CONFLICT, m)),
        |input, rejected| std::future::ready(settings_page(&at, &call, &input, rejected)),
        |()| std::future::ready(form::see_other(&at.ctx, &format!("/c/{slug}/manage/calls"), "review-settings-saved")),
    )
    .await
}
