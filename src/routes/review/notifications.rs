//! The decision mail templates organisers edit (accepted and rejected).

use crate::domain::review::{self as rules, Decision};
use crate::domain::text;
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::review as service;
use crate::services::views::ConferenceView;
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

async fn notifications_page_with(
    ctx: &Ctx,
    conf: Conference,
    typed: Option<TemplatesForm>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let cid = conf.id;
    let (acc, rej) = ctx
        .state
        .db(move |conn, _| {
            Ok((
                service::notification_template(conn, cid, Decision::Accepted)?,
                service::notification_template(conn, cid, Decision::Rejected)?,
            ))
        })
        .await?;
    let form = typed.unwrap_or(TemplatesForm {
        accepted_subject: acc.0,
        accepted_body: acc.1,
        rejected_subject: rej.0,
        rejected_body: rej.1,
    });
    let data = NotificationsPage {
        conference: ConferenceView::of(&conf),
        form,
        errors: rejected.errors,
        placeholders: rules::PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect(),
    };
    render::page(ctx, rejected.status, "notifications", &format!("Notification mail · {}", conf.name), data)
}

/// The decision mail templates' page: the form and the placeholders they may use.
#[derive(Serialize)]
struct NotificationsPage {
    conference: ConferenceView,
    form: TemplatesForm,
    errors: Value,
    placeholders: Vec<String>,
}

pub(super) async fn notifications_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    notifications_page_with(&ctx, conf, None, Rejected::none()).await
}

#[derive(Deserialize, Serialize)]
pub(super) struct TemplatesForm {
    #[serde(default)]
    accepted_subject: String,
    #[serde(default)]
    accepted_body: String,
    #[serde(default)]
    rejected_subject: String,
    #[serde(default)]
    rejected_body: String,
}

pub(super) async fn save_notifications(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<TemplatesForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let f = form.into_inner();
    let mut p = crate::domain::Problems::default();
    let a_s = p.check(text::single_line("accepted_subject", &f.accepted_subject, 1, 200));
    let a_b = p.check(text::multi_line("accepted_body", &f.accepted_body, 1, 10000));
    let r_s = p.check(text::single_line("rejected_subject", &f.rejected_subject, 1, 200));
    let r_b = p.check(text::multi_line("rejected_body", &f.rejected_body, 1, 10000));
    let (Some(a_s), Some(a_b), Some(r_s), Some(r_b)) = (a_s, a_b, r_s, r_b) else {
        let rejected = Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &p.0);
        return notifications_page_with(&ctx, conf, Some(f), rejected).await;
    };
    ctx.state
        .db(move |conn, _| {
            service::save_notification_template(conn, &user, &conf, Decision::Accepted, &a_s, &a_b)?;
            service::save_notification_template(conn, &user, &conf, Decision::Rejected, &r_s, &r_b)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/notifications"), Some("templates-saved")))
}
