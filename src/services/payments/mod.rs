//! Collecting the fee: card payment through Stripe Checkout and its webhook,
//! bank transfer with a checksummed reference and statement import, refunds,
//! and receipts. Every money decision is made in one transaction with the
//! conference's seats locked (the registration settings row), so a payment
//! and a lapsing hold never cross; calls to Stripe happen outside it.

mod bank;
mod checkout;
mod receipts;
mod refunds;
pub mod stripe;
mod webhook;

pub use bank::{bank_page, choose_bank_transfer, confirm_bank_line, import_statement, BankLineView, BankPage};
pub use checkout::pay_by_card;
pub use receipts::{payee, receipt, save_payee, PayeeInput, Receipt};
pub use refunds::{refund, send_pending_refunds, RefundOutcome};
pub use webhook::{stripe_webhook, WebhookOutcome};

use crate::domain::money::Money;
use crate::domain::payment::PaymentMethod;
use crate::domain::registration::Status;
use crate::error::AppError;
use crate::services::registration::{notify, ticket_type_name};
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::{self as repo, Received};
use crate::services::repo::registrations::{Registration, SettingsRow};
use crate::state::AppState;
use diesel::PgConnection;
use serde_json::json;

/// What became of money that arrived for a registration.
#[derive(Debug)]
pub enum Arrival {
    /// Counted as the fee; the seat is (now) theirs.
    Paid,
    /// Nothing is owed any more (paid already, or nothing due): a second payment.
    NotDue,
    /// The seat lapsed (or was given up) and none is free: the money goes back.
    NoSeat,
}

/// Counts money that arrived as the registration's fee, keeping the seat or
/// taking a free one, and mails the receipt. Call in a transaction with the
/// conference's settings row locked. An amount other than the fee is counted
/// and flagged for the organisers, never accepted silently.
pub fn money_arrived(
    conn: &mut PgConnection,
    st: &AppState,
    (conf, settings): (&Conference, &SettingsRow),
    r: &Registration,
    got: &Received,
) -> Result<Arrival, AppError> {
    if !r.payment_status.is_due() {
        return Ok(Arrival::NotDue);
    }
    let seat_is_theirs = match r.status {
        Status::Confirmed | Status::Offered => true,
        // Lapsed to the waitlist: paying takes a seat only if one is free.
        Status::Waitlisted => settings.seats_taken < conf.attendance_cap,
        Status::Cancelled | Status::Expired => false,
    };
    if !seat_is_theirs {
        return Ok(Arrival::NoSeat);
    }
    let Some(mut paid) = repo::record_payment(conn, r.id, got)? else {
        return Ok(Arrival::NotDue);
    };
    if paid.status != Status::Confirmed {
        paid = repo::take_seat_for_payment(conn, paid.id)?.ok_or(AppError::Conflict("The seat was taken.".into()))?;
    }
    if got.amount_minor != r.fee_minor {
        let note = format!(
            "{} received by {}, but the fee is {}.",
            Money::new(got.amount_minor, &r.currency),
            got.method.label().to_lowercase(),
            Money::new(r.fee_minor, &r.currency)
        );
        repo::flag(conn, r.id, &note)?;
    }
    let amount = Money::new(got.amount_minor, &r.currency).to_string();
    let receipt_link = format!("{}/c/{}/registrations/{}", st.config.base_url, conf.slug, r.public_id);
    let extra = json!({ "amount": amount, "method": got.method.label(), "receipt_link": receipt_link });
    notify(conn, st, conf, &paid, "registration_paid", extra)?;
    Ok(Arrival::Paid)
}

/// "Conference · ticket type", as the card statement and receipts name it.
pub(crate) fn product_name(conn: &mut PgConnection, conf: &Conference, r: &Registration) -> Result<String, AppError> {
    Ok(format!("{} · {}", conf.name, ticket_type_name(conn, conf, r.ticket_type_id)?))
}

/// The method words used in the desk's and the receipt's views.
pub fn method_label(m: Option<PaymentMethod>) -> &'static str {
    m.map(PaymentMethod::label).unwrap_or("")
}
