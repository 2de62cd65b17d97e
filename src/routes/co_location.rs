//! Site admins group conferences as co-located (same venue, overlapping dates).

use crate::error::AppError;
use crate::services::co_location as service;
use crate::services::views::ConferenceView;
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/co-location", web::get().to(page))
        .route("/admin/co-location", web::post().to(co_locate))
        .route("/admin/co-location/{slug}/separate", web::post().to(separate));
}

#[derive(Serialize)]
struct Group {
    conference: ConferenceView,
    partners: Vec<String>,
}

#[derive(Serialize)]
struct Page<'a> {
    conferences: Vec<Group>,
    form: &'a PairForm,
    problem: Option<String>,
}

#[derive(Deserialize, Serialize, Default)]
struct PairForm {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

async fn render_page(ctx: &Ctx, form: &PairForm, problem: Option<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let groups = ctx.state.db(move |conn, _| service::groups(conn, &actor)).await?;
    let conferences = groups
        .iter()
        .map(|(c, p)| Group { conference: ConferenceView::of(c), partners: p.iter().map(|x| x.name.clone()).collect() })
        .collect();
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render::page(ctx, status, "admin_co_location", "Co-located conferences", Page { conferences, form, problem })
}

async fn page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    crate::services::policy::require_site_admin(ctx.user.as_ref())?;
    render_page(&ctx, &PairForm::default(), None).await
}

async fn co_locate(ctx: Ctx, form: web::Form<PairForm>) -> Result<HttpResponse, AppError> {
    crate::services::policy::require_site_admin(ctx.user.as_ref())?;
    let actor = ctx.user()?.clone();
    let f = form.into_inner();
    let (a, b) = (f.a.clone(), f.b.clone());
    match ctx.state.db(move |conn, _| service::co_locate(conn, &actor, &a, &b)).await {
        Ok(()) => Ok(render::redirect(&ctx, "/admin/co-location", Some("co-located"))),
        // The page again, with the reason and the choice made.
        Err(AppError::BadRequest(why)) => render_page(&ctx, &f, Some(why)).await,
        Err(e) => Err(e),
    }
}

async fn separate(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    crate::services::policy::require_site_admin(ctx.user.as_ref())?;
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    ctx.state.db(move |conn, _| service::separate(conn, &actor, &slug)).await?;
    Ok(render::redirect(&ctx, "/admin/co-location", Some("separated")))
}
