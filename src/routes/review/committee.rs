//! The programme committee: organisers invite members (scoped to calls and
//! tracks), invitees answer by their link.

use super::{ids, pairs};
use crate::domain::account::Email;
use crate::domain::proposal::InvitationStatus;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::Conference;
use crate::services::review as service;
use crate::services::views::ConferenceView;
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::AnswerForm;
use crate::web::form::Rejected;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::Value;

pub(super) async fn committee_invitation(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let (m, conf) = ctx.state.db(move |conn, _| service::member_invitation(conn, &t)).await?;
    let here = format!("/committee/{token}");
    let q = serde_urlencoded::to_string([("next", here.as_str())]).unwrap_or_default();
    let data = CommitteeInvitation {
        token,
        conference: conf.name,
        pending: m.status == InvitationStatus::Invited,
        email: m.email,
        status: m.status,
        login: format!("/login?{q}"),
        signup: format!("/signup?{q}"),
        review: format!("/c/{}/review", conf.slug),
    };
    render::ok(&ctx, "committee_invitation", "Programme committee", data)
}

/// An invitation to the programme committee, as its addressee reads it.
#[derive(Serialize)]
struct CommitteeInvitation {
    token: String,
    conference: String,
    email: String,
    status: InvitationStatus,
    pending: bool,
    login: String,
    signup: String,
    review: String,
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
    let accept = form.accepts()?;
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
    email: &str,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let (members, all_calls, tracks) = ctx.state.db(move |conn, _| service::committee(conn, &c2)).await?;
    let name_of_call = |id: &i64| all_calls.iter().find(|c| c.id == *id).map(|c| c.title.clone()).unwrap_or_default();
    let name_of_track = |id: &i64| tracks.iter().find(|t| t.id == *id).map(|t| t.name.clone()).unwrap_or_default();
    let data = CommitteePage {
        conference: ConferenceView::of(&conf),
        members: members
            .iter()
            .map(|(m, name)| MemberView {
                email: &m.email,
                name: name.as_deref(),
                status: m.status,
                calls: m.call_ids.iter().map(name_of_call).collect(),
                tracks: m.track_ids.iter().map(name_of_track).collect(),
            })
            .collect(),
        form: EmailForm { email },
        errors: rejected.errors,
        calls: all_calls.iter().map(|c| CallScope { id: c.id.to_string(), title: &c.title }).collect(),
        tracks: tracks.iter().map(|t| TrackScope { id: t.id.to_string(), name: &t.name }).collect(),
    };
    render::page(ctx, rejected.status, "committee", &format!("Committee · {}", conf.name), data)
}

/// The committee page: its members and the form to invite one.
#[derive(Serialize)]
struct CommitteePage<'a> {
    conference: ConferenceView,
    members: Vec<MemberView<'a>>,
    form: EmailForm<'a>,
    errors: Value,
    calls: Vec<CallScope<'a>>,
    tracks: Vec<TrackScope<'a>>,
}

/// A committee member, with the calls and tracks they review (none: all).
#[derive(Serialize)]
struct MemberView<'a> {
    email: &'a str,
    name: Option<&'a str>,
    status: InvitationStatus,
    calls: Vec<String>,
    tracks: Vec<String>,
}

#[derive(Serialize)]
struct EmailForm<'a> {
    email: &'a str,
}

/// A call a member may be limited to.
#[derive(Serialize)]
struct CallScope<'a> {
    id: String,
    title: &'a str,
}

/// A track a member may be limited to.
#[derive(Serialize)]
struct TrackScope<'a> {
    id: String,
    name: &'a str,
}

pub(super) async fn committee_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    committee_page_with(&ctx, conf, "", Rejected::none()).await
}

pub(super) async fn invite(ctx: Ctx, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, user, conf } = Acting::organiser(ctx, &slug).await?;
    let form = pairs(&body)?;
    let raw_email = form.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()).unwrap_or_default();
    let email = match Email::parse(&raw_email) {
        Ok(e) => e,
        Err(e) => {
            let rejected = Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &[e]);
            return committee_page_with(&ctx, conf, &raw_email, rejected).await;
        }
    };
    let (call_ids, track_ids) = (ids(&form, "call")?, ids(&form, "track")?);
    let c2 = conf.clone();
    let new =
        ctx.state.db(move |conn, st| service::invite_member(conn, st, &user, &c2, &email, &call_ids, &track_ids)).await;
    let new = match new {
        Err(AppError::TooManyRequests) => {
            let too_often = FieldError::new("email", crate::services::limits::INVITED_TOO_OFTEN);
            let rejected = Rejected::fields(StatusCode::TOO_MANY_REQUESTS, &[too_often]);
            return committee_page_with(&ctx, conf, &raw_email, rejected).await;
        }
        other => other?,
    };
    Ok(render::redirect(
        &ctx,
        &format!("/c/{slug}/manage/committee"),
        Some(if new { "member-invited" } else { "member-updated" }),
    ))
}
