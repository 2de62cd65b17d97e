//! What the pages of one conference share, whichever area they belong to: the
//! conference as pages show it beside the page's own view, a form as typed with
//! why it is shown again, and `Acting`, the confirmed person acting in the
//! conference that a path's `{slug}` names.

use crate::error::AppError;
use crate::services::accounts::User;
use crate::services::conferences::{self, Conference};
use crate::services::Db;
use crate::state::AppState;
use crate::web::context::Ctx;
use crate::web::form::{Rejected, Suggestion};
use crate::web::render;
use actix_web::error::InternalError;
use actix_web::http::{Method, StatusCode};
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// A page of one conference: the conference, and the page's own view beside it.
#[derive(Serialize)]
pub struct ConferencePage<V> {
    conference: Value,
    #[serde(flatten)]
    view: V,
}

/// The data of a page of `conf` whose own view is `view`.
pub fn with_conference<V: Serialize>(conf: &Conference, view: V) -> ConferencePage<V> {
    ConferencePage { conference: crate::services::views::conference(conf), view }
}

/// Renders `template` for `conf` with the page's `view` (a struct of its own fields).
pub fn page(
    ctx: &Ctx,
    status: StatusCode,
    template: &str,
    title: &str,
    conf: &Conference,
    view: impl Serialize,
) -> Result<HttpResponse, AppError> {
    render::page(ctx, status, template, title, with_conference(conf, view))
}

/// A form as typed, and why it is shown again (nothing, when first shown).
#[derive(Serialize)]
struct Typed<F> {
    form: F,
    errors: Value,
    problem: Option<String>,
    suggestions: Vec<Suggestion>,
}

impl<F> Typed<F> {
    fn new(form: F, rejected: Rejected) -> Self {
        Typed { form, errors: rejected.errors, problem: rejected.problem, suggestions: rejected.suggestions }
    }
}

#[derive(Serialize)]
struct WithForm<V, F> {
    #[serde(flatten)]
    view: V,
    #[serde(flatten)]
    typed: Typed<F>,
}

/// The field errors of a form nothing was refused on.
pub fn no_errors() -> Value {
    Rejected::none().errors
}

/// A conference page with one form (`form`, `errors`, `problem`, `suggestions`),
/// answered with the status `rejected` gives.
pub fn form_page(
    ctx: &Ctx,
    template: &str,
    title: &str,
    conf: &Conference,
    view: impl Serialize,
    form: impl Serialize,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let status = rejected.status;
    page(ctx, status, template, title, conf, WithForm { view, typed: Typed::new(form, rejected) })
}

/// The conference named by `slug` (404 when there is none).
pub async fn find(ctx: &Ctx, slug: &str) -> Result<Conference, AppError> {
    let slug = slug.to_string();
    ctx.state.db(move |conn, _| conferences::find(conn, &slug)).await
}

/// A path segment that must be an id; anything else names nothing (404).
pub fn path_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// The id a path names in its `{id}` or `{room}` segment (404 when it is not one).
pub struct PathId(pub Uuid);

impl FromRequest for PathId {
    type Error = AppError;
    type Future = std::future::Ready<Result<PathId, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = req.match_info().get("id").or_else(|| req.match_info().get("room")).unwrap_or_default();
        std::future::ready(path_id(raw).map(PathId))
    }
}

/// The confirmed person acting in the conference the path's `{slug}` names.
/// A page (GET) sends whoever may not act to the login page, coming back to it
/// as asked for, query included (an unconfirmed account goes to its account
/// page); any other request is refused
/// (401, or 403 "confirm first"). An unknown conference is a 404.
pub struct Acting {
    pub ctx: Ctx,
    pub user: User,
    pub conf: Conference,
}

impl FromRequest for Acting {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Acting, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let ctx = Ctx::from_request(req, payload);
        let slug = req.match_info().get("slug").unwrap_or_default().to_string();
        let uri = req.uri();
        let page =
            (req.method() == Method::GET).then(|| uri.path_and_query().map_or(uri.path(), |p| p.as_str()).to_string());
        Box::pin(async move {
            let ctx = ctx.await?;
            if let Some(here) = page.filter(|_| ctx.user.is_none()) {
                return Err(InternalError::from_response("log in first", ctx.to_login(&here)).into());
            }
            Ok(Acting::refusing(ctx, &slug).await?)
        })
    }
}

impl Acting {
    /// The acting person in the conference `slug` names, refused (401, or 403
    /// "confirm first") rather than sent to log in, even for a page: the pages
    /// whose anonymous visitor has always had a 401 take it by hand.
    pub async fn refusing(ctx: Ctx, slug: &str) -> Result<Acting, AppError> {
        let user = ctx.user()?.clone();
        let conf = find(&ctx, slug).await?;
        Ok(Acting { ctx, user, conf })
    }

    /// The acting person in the conference `slug` names, who must organise it:
    /// refused like `refusing` (401, or 403 "confirm first"), 404 for an unknown
    /// conference, 403 for anyone else. The conference is found and the
    /// organiser checked in one trip, before the page reads any form.
    pub async fn organiser(ctx: Ctx, slug: &str) -> Result<Acting, AppError> {
        let user = ctx.user()?.clone();
        let (slug, who) = (slug.to_string(), user.clone());
        let conf = ctx
            .state
            .db(move |conn, _| {
                let conf = conferences::find(conn, &slug)?;
                conferences::require_organiser(conn, &conf, &who)?;
                Ok(conf)
            })
            .await?;
        Ok(Acting { ctx, user, conf })
    }

    /// Runs `f` (a service call) on a pooled connection, as the acting person
    /// in the conference.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError> + Send + 'static,
    {
        let (user, conf) = (self.user.clone(), self.conf.clone());
        self.ctx.state.db(move |conn, st| f(conn, st, &user, &conf)).await
    }

    /// `db` for the conference's organisers only: 403 for anyone else, in the
    /// same trip as `f`.
    pub async fn organising<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError> + Send + 'static,
    {
        self.db(move |conn, st, user, conf| {
            conferences::require_organiser(conn, conf, user)?;
            f(conn, st, user, conf)
        })
        .await
    }
}
