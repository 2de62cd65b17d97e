//! Paying: "Pay now" (to Stripe Checkout and back), bank transfer, the receipt
//! PDF, the Stripe webhook, and the organisers' refunds, payee details and
//! bank-statement import.

use super::*;
use crate::services::payments::{self as payments, PayeeInput, RefundOutcome};
use actix_web::HttpRequest;

/// What `payment_url` in the API points at: the registration page's payment part.
pub(super) async fn pay_page(slug: web::Path<String>) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/c/{slug}/registration#pay"))).finish()
}

/// "Pay now": off to Stripe's payment page for the frozen fee.
pub(super) async fn pay(at: Acting) -> Result<HttpResponse, AppError> {
    let url = payments::pay_by_card(&at.ctx.state, &at.user, &at.conf).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

pub(super) async fn bank_transfer(at: Acting) -> Result<HttpResponse, AppError> {
    at.db(payments::choose_bank_transfer).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/registration#bank", at.conf.slug), Some("bank-transfer-chosen")))
}

pub(super) async fn receipt_pdf(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    let receipt = at.db(move |conn, st, user, conf| payments::receipt(conn, st, user, conf, id)).await?;
    let pdf = crate::web::receipt_pdf::render(&receipt);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"receipt-{}.pdf\"", receipt.number)))
        .body(pdf))
}

/// Stripe's webhook: 400 for a bad signature or body; 200 with what was done.
pub(super) async fn stripe_webhook(
    state: crate::state::State,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let signature = req.headers().get("stripe-signature").and_then(|v| v.to_str().ok());
    let outcome = payments::stripe_webhook(&state, signature, &body).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "received": true, "outcome": outcome })))
}

pub(super) async fn refund(at: Acting, id: Uuid, amount: String) -> Result<HttpResponse, AppError> {
    let outcome = payments::refund(&at.ctx.state, &at.user, &at.conf, id, amount).await?;
    let flash = match outcome {
        RefundOutcome::Sent => "registration-refunded",
        RefundOutcome::Queued => "registration-refund-queued",
        RefundOutcome::Manual => "registration-refund-manual",
    };
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/registration/attendees", at.conf.slug), Some(flash)))
}

pub(super) async fn save_payee(at: Acting, form: web::Form<PayeeInput>) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    at.db(move |conn, _, actor, conf| payments::save_payee(conn, actor, conf, &input)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/registration#payee-h", at.conf.slug), Some("payee-saved")))
}

#[derive(Deserialize)]
pub(super) struct Allowed {
    #[serde(default)]
    allowed: String,
}

pub(super) async fn toggle_bank_transfer(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<Allowed>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&path.1)?;
    let allowed = form.allowed == "on";
    at.db(move |conn, _, actor, conf| service::set_bank_transfer(conn, actor, conf, id, allowed)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/registration", at.conf.slug), Some("bank-transfer-toggled")))
}

/// The bank page: the import form and the imported lines.
#[derive(Serialize)]
struct BankView {
    #[serde(flatten)]
    page: payments::BankPage,
    statement: String,
    problem: Option<String>,
}

async fn bank_view(
    at: &Acting,
    status: StatusCode,
    statement: String,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    let page = at.db(|conn, _, actor, conf| payments::bank_page(conn, actor, conf)).await?;
    let title = format!("Bank transfers · {}", at.conf.name);
    conference_page::page(&at.ctx, status, "registration_bank", &title, &at.conf, BankView { page, statement, problem })
}

pub(super) async fn bank(at: Acting) -> Result<HttpResponse, AppError> {
    bank_view(&at, StatusCode::OK, String::new(), None).await
}

#[derive(Deserialize)]
pub(super) struct StatementForm {
    #[serde(default)]
    statement: String,
}

/// Imports a pasted statement; a statement that cannot be read comes back
/// (422) with what was pasted and the line at fault.
pub(super) async fn import_statement(at: Acting, form: web::Form<StatementForm>) -> Result<HttpResponse, AppError> {
    let csv = form.into_inner().statement;
    let pasted = csv.clone();
    match at.db(move |conn, _, actor, conf| payments::import_statement(conn, actor, conf, &csv)).await {
        Ok(_) => Ok(render::redirect(
            &at.ctx,
            &format!("/c/{}/manage/registration/bank", at.conf.slug),
            Some("statement-imported"),
        )),
        Err(AppError::BadRequest(problem)) => {
            bank_view(&at, StatusCode::UNPROCESSABLE_ENTITY, pasted, Some(problem)).await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn confirm_line(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let id = path_id(&path.1)?;
    at.db(move |conn, st, actor, conf| payments::confirm_bank_line(conn, st, actor, conf, id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/registration/bank", at.conf.slug), Some("bank-line-confirmed")))
}
