//! Site administration: the mail outbox (failed mail, with resend).

use crate::domain::mail::MailStatus;
use crate::error::AppError;
use crate::services::{mail, policy};
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/outbox", web::get().to(outbox_page)).route("/admin/outbox/{id}/resend", web::post().to(resend));
}

fn site_admin(ctx: &Ctx) -> Result<(), AppError> {
    policy::require_site_admin(ctx.user.as_ref())
}

#[derive(Deserialize)]
struct OutboxQuery {
    #[serde(default)]
    status: String,
}

async fn outbox_page(ctx: Ctx, q: web::Query<OutboxQuery>) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let status = q.status.parse::<MailStatus>().ok();
    let user = ctx.user()?.clone();
    let page = ctx.state.db(move |conn, _| mail::outbox_view(conn, &user, status)).await?;
    render::ok(&ctx, "admin_outbox", "Mail outbox", page)
}

async fn resend(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let id = id.into_inner();
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| mail::resend_failed(conn, &user, id)).await?;
    Ok(render::redirect(&ctx, "/admin/outbox?status=failed", Some("mail-requeued")))
}
