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

/// Mails on the outbox page at a time.
const MAILS_PER_PAGE: usize = 100;

/// The outbox, a page at a time.
#[derive(serde::Serialize)]
struct OutboxPaged {
    #[serde(flatten)]
    outbox: mail::OutboxPage,
    pager: crate::web::pager::PagerView,
}

async fn outbox_page(
    ctx: Ctx,
    q: web::Query<OutboxQuery>,
    p: web::Query<crate::web::pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let status = q.status.parse::<MailStatus>().ok();
    let user = ctx.user()?.clone();
    let requested = p.page.trim().parse::<usize>().unwrap_or(1);
    let outbox = ctx.state.db(move |conn, _| mail::outbox_view(conn, &user, status, requested, MAILS_PER_PAGE)).await?;
    let kept = status.map(|s| format!("status={s}"));
    let kept: Vec<&str> = kept.iter().map(String::as_str).collect();
    let pager = crate::web::pager::Pager::new(&outbox.page.to_string(), outbox.matching, MAILS_PER_PAGE)
        .view("Outbox pages", |n| crate::web::pager::link("/admin/outbox", &kept, n));
    render::ok(&ctx, "admin_outbox", "Mail outbox", OutboxPaged { outbox, pager })
}

async fn resend(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    site_admin(&ctx)?;
    let id = id.into_inner();
    let user = ctx.user()?.clone();
    ctx.state.db(move |conn, _| mail::resend_failed(conn, &user, id)).await?;
    Ok(render::redirect(&ctx, "/admin/outbox?status=failed", Some("mail-requeued")))
}
