//! The one way an HTML form is handled: parse what was typed into domain
//! input; on problems show the page again (422) with the person's input and
//! the errors; otherwise call the service; on success answer (usually a 303
//! with a flash); when the service refuses, show the page again with its
//! message or marked fields (409/422/403), or fail with the error page.
//!
//! A route supplies four pieces: `parse`, `save` (the service call, through
//! `state.db`), `refused` (what a service refusal means for this form), and
//! `page` (renders the form page with a status, the input and a `Rejected`).

use crate::domain::{FieldError, Problems};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde_json::{json, Value};
use std::future::Future;

/// Why a form is shown again, for the page to render.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub status: StatusCode,
    /// `render::errors_json`: `{ by_field, list }`, empty when there are none.
    pub errors: Value,
    /// A message for the top of the form (a conflict, not about one field).
    pub problem: Option<String>,
}

impl Rejected {
    /// The form as first shown: nothing wrong yet.
    pub fn none() -> Self {
        Rejected { status: StatusCode::OK, errors: json!({}), problem: None }
    }

    /// Fields to mark.
    pub fn fields(status: StatusCode, errors: &[FieldError]) -> Self {
        Rejected { status, errors: render::errors_json(errors), problem: None }
    }

    /// A message at the top of the form.
    pub fn problem(status: StatusCode, message: impl Into<String>) -> Self {
        Rejected { status, errors: json!({}), problem: Some(message.into()) }
    }

    /// The page again with this status and nothing marked (e.g. 403 with how to verify).
    pub fn status(status: StatusCode) -> Self {
        Rejected { status, errors: json!({}), problem: None }
    }
}

/// What a service's refusal means for the form.
pub enum Refusal {
    /// Show the form again, with the input as typed.
    Again(Rejected),
    /// Not about the form: the error page (`AppError` at the edge).
    Fail(AppError),
}

/// Handles one submitted form (see the module comment). `save` runs only when
/// `parse` accepted the input; `page` is called at most once.
pub async fn handle<I, D, T, E, Save, SaveFut, Page, PageFut, Done, DoneFut>(
    input: I,
    parse: impl FnOnce(&I) -> Result<D, Problems>,
    save: Save,
    refused: impl FnOnce(E) -> Refusal,
    page: Page,
    done: Done,
) -> Result<HttpResponse, AppError>
where
    Save: FnOnce(D) -> SaveFut,
    SaveFut: Future<Output = Result<Result<T, E>, AppError>>,
    Page: FnOnce(I, Rejected) -> PageFut,
    PageFut: Future<Output = Result<HttpResponse, AppError>>,
    Done: FnOnce(T) -> DoneFut,
    DoneFut: Future<Output = Result<HttpResponse, AppError>>,
{
    let draft = match parse(&input) {
        Ok(d) => d,
        Err(p) => return page(input, Rejected::fields(StatusCode::UNPROCESSABLE_ENTITY, &p.0)).await,
    };
    match save(draft).await? {
        Ok(t) => done(t).await,
        Err(e) => match refused(e) {
            Refusal::Again(r) => page(input, r).await,
            Refusal::Fail(e) => Err(e),
        },
    }
}

/// The usual success: 303 to `to` with the flash message `flash`.
pub fn see_other(ctx: &Ctx, to: &str, flash: &str) -> Result<HttpResponse, AppError> {
    Ok(render::redirect(ctx, to, Some(flash)))
}
