//! The programme committee: organisers invite members (scoped to calls and
//! tracks), invitees answer by their link.

use super::{ids, pairs};
use crate::domain::account::Email;
use crate::domain::proposal::InvitationStatus;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::review as service;
use crate::services::views::conference as conference_view;
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) async fn committee_invitation(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let (m, conf) = ctx.state.db(move |conn, _| service::member_invitation(conn, &t)).await?;
    let here = format!("/committee/{token}");
    let q = serde_urlencoded::to_string([("next", here.as_str())]).unwrap_or_default();
    render::ok(
        &ctx,
        "committee_invitation",
        "Programme committee",
        json!({
            "token": token, "conference": conf.name, "email": m.email, "status": m.status, "pending": m.status == InvitationStatus::Invited,
            "login": format!("/login?{q}"), "signup": format!("/signup?{q}"), "review": format!("/c/{}/review", conf.slug),
        }),
    )
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub(super) async fn committee_respond(
    ctx: Ctx,
    token: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    // An unknown invitation is 404 whatever the form says.
    let t = token.to_string();
    ctx.state.db(move |conn, _| service::member_invitation(conn, &t).map(|_| ())).await?;
    let accept = match form.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("Choose accept or decline.".into())),
    };
    let token = token.into_inner();
    let conf = ctx.state.db(move |conn, _| service::respond_membership(conn, &user, &token, accept)).await?;
    if accept {
        Ok(render::redirect(&ctx, &format!("/c/{}/review", conf.slug), Some("committee-joined")))
    } else {
        Ok(render::redirect(&ctx, "/", Some("invitation-declined")))
    }
}

async fn committee_page_with(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    email: &str,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let (members, all_calls, tracks) = ctx.state.db(move |conn, _| service::committee(conn, &c2)).await?;
    let name_of_call = |id: &i64| all_calls.iter().find(|c| c.id == *id).map(|c| c.title.clone()).unwrap_or_default();
    let name_of_track = |id: &i64| tracks.iter().find(|t| t.id == *id).map(|t| t.name.clone()).unwrap_or_default();
    let list: Vec<Value> = members
        .iter()
        .map(|(m, name)| json!({
            "email": m.email, "name": name, "status": m.status,
            "calls": m.call_ids.iter().map(name_of_call).collect::<Vec<_>>(), "tracks": m.track_ids.iter().map(name_of_track).collect::<Vec<_>>(),
        }))
        .collect();
    render::page(
        ctx,
        status,
        "committee",
        &format!("Committee · {}", conf.name),
        json!({
            "conference": conference_view(&conf), "members": list, "form": { "email": email }, "errors": errors,
            "calls": all_calls.iter().map(|c| json!({ "id": c.id.to_string(), "title": c.title })).collect::<Vec<_>>(),
            "tracks": tracks.iter().map(|t| json!({ "id": t.id.to_string(), "name": t.name })).collect::<Vec<_>>(),
        }),
    )
}

pub(super) async fn committee_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    committee_page_with(&ctx, conf, StatusCode::OK, "", json!({})).await
}

pub(super) async fn invite(ctx: Ctx, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let form = pairs(&body)?;
    let raw_email = form.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()).unwrap_or_default();
    let email = match Email::parse(&raw_email) {
        Ok(e) => e,
        Err(e) => {
            return committee_page_with(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, &raw_email, errors_json(&[e]))
                .await
        }
    };
    let (call_ids, track_ids) = (ids(&form, "call")?, ids(&form, "track")?);
    let user = ctx.user()?.clone();
    let c2 = conf.clone();
    let new =
        ctx.state.db(move |conn, st| service::invite_member(conn, st, &user, &c2, &email, &call_ids, &track_ids)).await;
    let new = match new {
        Err(AppError::TooManyRequests) => {
            let errors = errors_json(&[FieldError::new("email", crate::services::limits::INVITED_TOO_OFTEN)]);
            return committee_page_with(&ctx, conf, StatusCode::TOO_MANY_REQUESTS, &raw_email, errors).await;
        }
        other => other?,
    };
    Ok(render::redirect(
        &ctx,
        &format!("/c/{slug}/manage/committee"),
        Some(if new { "member-invited" } else { "member-updated" }),
    ))
}
