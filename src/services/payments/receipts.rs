//! Receipts: a paid registration's receipt (page and PDF) with its number,
//! sequential per conference, and the organisers' payee details.

use super::{method_label, product_name};
use crate::domain::fees::format_local;
use crate::domain::money::Money;
use crate::domain::payment::receipt_label;
use crate::domain::text;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::registration::by_id;
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::{self as repo, PaymentSettings};
use crate::services::repo::users::{self, User};
use crate::services::Db;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A receipt as the page and the PDF show it.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    /// e.g. "LPC-00042": the conference's letters and its sequential number.
    pub number: String,
    pub issued_at: String,
    pub time_zone: String,
    pub conference: String,
    pub payee_name: String,
    pub payee_address: Vec<String>,
    pub payee_tax_id: String,
    pub payer_name: String,
    pub payer_email: String,
    pub item: String,
    pub tier: String,
    pub amount: String,
    pub amount_minor: i64,
    pub currency: String,
    pub method: String,
    pub payment_reference: String,
    pub refunded: Option<String>,
    pub registration_id: Uuid,
}

/// The receipt of a registration its owner (or an organiser) may see; 404
/// while no money came in for it.
pub fn receipt(db: &mut Db, st: &AppState, user: &User, conf: &Conference, id: Uuid) -> Result<Receipt, AppError> {
    let r = by_id(db, st, user, conf, id)?;
    let conn = &mut *db.0;
    let (number, issued_at) = repo::receipt(conn, r.id)?.ok_or(AppError::NotFound)?;
    let payee = repo::settings(conn, conf.id)?;
    let payer = users::find(conn, r.user_id)?;
    let refunded = (r.amount_refunded_minor > 0).then(|| Money::new(r.amount_refunded_minor, &r.currency).to_string());
    Ok(Receipt {
        number: receipt_label(&conf.slug, number),
        issued_at: format_local(issued_at, conf.time_zone),
        time_zone: conf.time_zone.name().to_string(),
        conference: conf.name.clone(),
        payee_name: if payee.legal_name.is_empty() { conf.name.clone() } else { payee.legal_name.clone() },
        payee_address: payee.address.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
        payee_tax_id: payee.tax_id,
        payer_name: payer.name,
        payer_email: payer.email,
        item: product_name(conn, conf, &r)?,
        tier: r.tier_label.clone(),
        amount: Money::new(r.amount_paid_minor, &r.currency).to_string(),
        amount_minor: r.amount_paid_minor,
        currency: r.currency.clone(),
        method: method_label(r.payment_method).to_string(),
        payment_reference: r.payment_reference.clone(),
        refunded,
        registration_id: r.public_id,
    })
}

/// The payee details as the organisers' form sends them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PayeeInput {
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub bank_details: String,
}

impl From<PaymentSettings> for PayeeInput {
    fn from(s: PaymentSettings) -> Self {
        PayeeInput { legal_name: s.legal_name, address: s.address, tax_id: s.tax_id, bank_details: s.bank_details }
    }
}

/// The payee details for the set-up form.
pub fn payee(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<PayeeInput, AppError> {
    check_organiser(conn, conf, actor)?;
    Ok(repo::settings(conn, conf.id)?.into())
}

/// Saves who is paid: the receipts' legal name, address and tax id, and the bank details.
pub fn save_payee(Db(conn): &mut Db, actor: &User, conf: &Conference, input: &PayeeInput) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let field = |name: &'static str, raw: &str, max: usize| {
        text::multi_line(name, raw, 0, max)
            .map_err(|e| AppError::BadRequest(format!("The {} {}.", name.replace('_', " "), e.message)))
    };
    let s = PaymentSettings {
        legal_name: text::single_line("legal_name", &input.legal_name, 0, 200)
            .map_err(|e| AppError::BadRequest(format!("The legal name {}.", e.message)))?,
        address: field("address", &input.address, 1000)?,
        tax_id: text::single_line("tax_id", &input.tax_id, 0, 100)
            .map_err(|e| AppError::BadRequest(format!("The tax id {}.", e.message)))?,
        bank_details: field("bank_details", &input.bank_details, 1000)?,
    };
    Ok(repo::save_settings(conn, conf.id, &s)?)
}
