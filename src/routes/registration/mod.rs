//! Registration pages: organisers set up ticket types, tiers, cap and codes and run
//! the desk under `/c/{slug}/manage/registration`; attendees register under
//! `/c/{slug}/register` and see their own registration under `/c/{slug}/registration`.
//!
//! One file per concern: set-up (settings, ticket types, tiers), comp codes,
//! the organisers' desk, the attendees' own pages.

mod attendee;
mod codes;
mod desk;
mod payments;
mod setup;

use crate::domain::fees::TierInput;
use crate::domain::registration::{RegistrationInput, SettingsInput};
use crate::domain::{text, Problems};
use crate::error::AppError;
use crate::services::conferences as conf_service;
use crate::services::conferences::Conference;
use crate::services::registration::{self as service, DeskAction, Filter, FormError};
use crate::web::chart::SalesChart;
use crate::web::conference_page::{self, path_id, Acting, PathId};
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::convert::Infallible;
use uuid::Uuid;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage/registration", web::get().to(setup::setup))
        .route("/c/{slug}/manage/registration/settings", web::post().to(setup::save_settings))
        .route("/c/{slug}/manage/registration/ticket-types", web::post().to(setup::add_ticket_type))
        .route("/c/{slug}/manage/registration/ticket-types/{id}/tiers", web::post().to(setup::add_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}", web::get().to(setup::edit_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}", web::post().to(setup::update_tier))
        .route("/c/{slug}/manage/registration/tiers/{id}/delete", web::post().to(setup::delete_tier))
        .route("/c/{slug}/manage/registration/codes", web::get().to(codes::codes))
        .route("/c/{slug}/manage/registration/codes", web::post().to(codes::generate_codes))
        .route("/c/{slug}/manage/registration/attendees", web::get().to(desk::attendees))
        .route("/c/{slug}/manage/registration/attendees.csv", web::get().to(desk::attendees_csv))
        .route("/c/{slug}/manage/registration/attendees/{id}/{action}", web::post().to(desk::desk))
        .route("/c/{slug}/register", web::get().to(attendee::register_form))
        .route("/c/{slug}/register", web::post().to(attendee::register))
        .route("/c/{slug}/registration", web::get().to(attendee::mine))
        .route("/c/{slug}/registration/cancel", web::post().to(attendee::cancel_mine))
        .route("/c/{slug}/registration/accept", web::post().to(attendee::accept_offer))
        .route("/c/{slug}/registrations/{id}", web::get().to(attendee::by_id))
        .route("/c/{slug}/registrations/{id}/receipt.pdf", web::get().to(payments::receipt_pdf))
        .route("/c/{slug}/registration/pay", web::get().to(payments::pay_page))
        .route("/c/{slug}/registration/pay", web::post().to(payments::pay))
        .route("/c/{slug}/registration/bank-transfer", web::post().to(payments::bank_transfer))
        .route("/c/{slug}/manage/registration/payee", web::post().to(payments::save_payee))
        .route(
            "/c/{slug}/manage/registration/ticket-types/{id}/bank-transfer",
            web::post().to(payments::toggle_bank_transfer),
        )
        .route("/c/{slug}/manage/registration/bank", web::get().to(payments::bank))
        .route("/c/{slug}/manage/registration/bank", web::post().to(payments::import_statement))
        .route("/c/{slug}/manage/registration/bank/{id}/confirm", web::post().to(payments::confirm_line))
        .route("/webhooks/stripe", web::post().to(payments::stripe_webhook))
        .route("/c/{slug}/attendees", web::get().to(attendee::public_attendees));
}

/// A set-up form the service refused: a field it marks is shown on the form
/// with `status`; anything else is the error page.
fn field_refusal(status: StatusCode) -> impl FnOnce(FormError) -> Refusal {
    move |e| match e {
        FormError::Field(f) => Refusal::Again(Rejected::fields(status, &[f])),
        FormError::App(e) => Refusal::Fail(e),
    }
}

/// For a service that refuses nothing a form can show (only the error page).
fn never(e: Infallible) -> Refusal {
    match e {}
}

fn setup_path(conf: &Conference) -> String {
    format!("/c/{}/manage/registration", conf.slug)
}
