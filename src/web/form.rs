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
    /// What to try instead, shown under the message (e.g. other free ranges or rooms).
    pub suggestions: Vec<Suggestion>,
}

/// A link to something the person can try instead of what was refused.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub href: String,
    pub label: String,
}

impl Rejected {
    /// The form as first shown: nothing wrong yet.
    pub fn none() -> Self {
        Rejected::status(StatusCode::OK)
    }

    /// Fields to mark.
    pub fn fields(status: StatusCode, errors: &[FieldError]) -> Self {
        Rejected { errors: render::errors_json(errors), ..Rejected::status(status) }
    }

    /// A message at the top of the form.
    pub fn problem(status: StatusCode, message: impl Into<String>) -> Self {
        Rejected { problem: Some(message.into()), ..Rejected::status(status) }
    }

    /// The page again with this status and nothing marked (e.g. 403 with how to verify).
    pub fn status(status: StatusCode) -> Self {
        Rejected { status, errors: json!({}), problem: None, suggestions: Vec::new() }
    }

    /// The same, with links to what to try instead.
    pub fn suggesting(self, suggestions: Vec<Suggestion>) -> Self {
        Rejected { suggestions, ..self }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `handle` for a form whose input is a number: negative numbers are a
    /// parse problem, 13 is refused by the "service" as a field, 7 as a conflict.
    fn run(input: i64) -> (StatusCode, String) {
        let parse = |i: &i64| {
            let mut p = Problems::default();
            if *i < 0 {
                p.add("n", "must not be negative");
                return Err(p);
            }
            Ok(*i as u64)
        };
        let save = |n: u64| async move {
            Ok(match n {
                13 => Err(Err(FieldError::new("n", "unlucky"))),
                7 => Err(Ok("taken".to_string())),
                _ => Ok(n * 2),
            })
        };
        let refused = |e: Result<String, FieldError>| match e {
            Err(f) => Refusal::Again(Rejected::fields(StatusCode::CONFLICT, &[f])),
            Ok(m) => Refusal::Again(Rejected::problem(StatusCode::CONFLICT, m)),
        };
        let page = |i: i64, r: Rejected| async move {
            let body = format!("{i} {} {}", r.errors["by_field"]["n"], r.problem.unwrap_or_default());
            Ok(HttpResponse::build(r.status).body(body))
        };
        let done = |n: u64| async move { Ok(HttpResponse::SeeOther().body(n.to_string())) };
        actix_web::rt::System::new().block_on(async {
            let resp = handle(input, parse, save, refused, page, done).await.expect("a page");
            let status = resp.status();
            let body = actix_web::body::to_bytes(resp.into_body()).await.expect("a body");
            (status, String::from_utf8_lossy(&body).into_owned())
        })
    }

    #[test]
    fn problems_show_the_page_again_with_the_input() {
        assert_eq!(run(-1), (StatusCode::UNPROCESSABLE_ENTITY, "-1 \"must not be negative\" ".into()));
    }

    #[test]
    fn refusals_show_the_page_again_with_the_field_or_the_message() {
        assert_eq!(run(13), (StatusCode::CONFLICT, "13 \"unlucky\" ".into()));
        assert_eq!(run(7), (StatusCode::CONFLICT, "7 null taken".into()));
    }

    #[test]
    fn success_answers_with_what_the_service_returned() {
        assert_eq!(run(21), (StatusCode::SEE_OTHER, "42".into()));
    }
}

/// The answer to an invitation (to a proposal, to the committee).
#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

impl AnswerForm {
    /// Whether the invitation is accepted; anything but accept or decline is a 400.
    pub fn accepts(&self) -> Result<bool, AppError> {
        match self.answer.as_str() {
            "accept" => Ok(true),
            "decline" => Ok(false),
            _ => Err(AppError::BadRequest("Choose accept or decline.".into())),
        }
    }
}
