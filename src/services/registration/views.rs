//! What registration pages and the JSON API show, as typed structs built in one
//! place. Where a page and the API show the same resource they share a struct:
//! the registration as its owner sees it is `RegistrationFacts`, which the API
//! (`RegistrationApi`) and the page (`RegistrationPage`) both flatten in.

use super::{local, money};
use crate::domain::fees::{format_local, TierInput};
use crate::domain::payment::PaymentMethod;
use crate::domain::registration::{PaymentStatus, SettingsInput, Status};
use crate::error::AppError;
use crate::services::repo::registrations::Registration;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

// ---- the registration as its owner sees it ----

/// The facts of a registration that both its page and the API show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationFacts {
    pub id: Uuid,
    pub status: Status,
    pub ticket_type: String,
    pub badge_name: String,
    pub affiliation: String,
    /// The fee stored on the registration when it was made (never recomputed).
    pub fee_minor: i64,
    pub currency: String,
    pub fee: String,
    pub tier: String,
    pub payment_status: PaymentStatus,
    /// Money received for it, in minor units of `currency` (0 until paid).
    pub amount_paid_minor: i64,
    pub amount_refunded_minor: i64,
    pub payment_method: Option<PaymentMethod>,
    /// What to write on a bank transfer, once asked for.
    pub transfer_reference: Option<String>,
}

impl RegistrationFacts {
    pub fn new(r: &Registration, ticket_type: &str) -> Result<Self, AppError> {
        Ok(RegistrationFacts {
            id: r.public_id,
            status: r.status,
            ticket_type: ticket_type.to_string(),
            badge_name: r.badge_name.clone(),
            affiliation: r.affiliation.clone(),
            fee_minor: r.fee_minor,
            currency: r.currency.clone(),
            fee: money(r.fee_minor, &r.currency),
            tier: r.tier_label.clone(),
            payment_status: r.payment_status,
            amount_paid_minor: r.amount_paid_minor,
            amount_refunded_minor: r.amount_refunded_minor,
            payment_method: r.payment_method,
            transfer_reference: r.transfer_reference.clone(),
        })
    }
}

/// `GET /api/v1/conferences/{slug}/registrations/me` and `/{id}`: the facts
/// with instants in RFC 3339.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationApi {
    #[serde(flatten)]
    pub facts: RegistrationFacts,
    pub created_at: DateTime<Utc>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Where the holder pays by card, while the fee is due and card payment is offered.
    pub payment_url: Option<String>,
}

impl RegistrationApi {
    pub fn new(r: &Registration, ticket_type: &str, payment_url: Option<String>) -> Result<Self, AppError> {
        Ok(RegistrationApi {
            payment_url,
            facts: RegistrationFacts::new(r, ticket_type)?,
            created_at: r.created_at,
            offer_expires_at: r.offer_expires_at,
            hold_expires_at: r.hold_expires_at,
            checked_in_at: r.checked_in_at,
        })
    }
}

/// One row of the organisers' API list: the registration and who holds it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationListed {
    #[serde(flatten)]
    pub registration: RegistrationApi,
    pub name: String,
    pub email: String,
}

/// The "your registration" page (and its receipt): the facts with words to
/// read and times in the conference's zone.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationPage {
    #[serde(flatten)]
    pub facts: RegistrationFacts,
    pub status_label: &'static str,
    pub active: bool,
    pub confirmed: bool,
    pub waitlisted: bool,
    pub offered: bool,
    pub dietary: String,
    pub accessibility: String,
    pub public_listing: bool,
    pub payment_label: &'static str,
    pub payment_reference: String,
    pub paid: bool,
    pub invoiced: bool,
    pub invoiced_at: Option<String>,
    /// The seat is held until then unless paid.
    pub hold_expires_at: Option<String>,
    pub registered_at: String,
    pub confirmed_at: Option<String>,
    pub paid_at: Option<String>,
    pub offer_expires_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub checked_in_at: Option<String>,
    /// 1 for the next to be offered a seat; only while waitlisted.
    pub waitlist_position: Option<usize>,
    pub payment: PaymentPart,
}

/// How the person can pay ("Pay now", bank transfer), and what they paid.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentPart {
    /// The fee is still to pay.
    pub due: bool,
    /// Card payment through Stripe is offered.
    pub card: bool,
    /// Bank transfer is offered for the ticket type (and the organisers gave bank details).
    pub bank_transfer: bool,
    pub payee: String,
    pub payee_address: String,
    pub payee_tax_id: String,
    pub bank_details: String,
    pub receipt_number: Option<String>,
    pub amount_paid: Option<String>,
    pub amount_refunded: Option<String>,
    pub method: &'static str,
}

impl RegistrationPage {
    pub fn new(
        r: &Registration,
        ticket_type: &str,
        tz: Tz,
        waitlist_position: Option<usize>,
    ) -> Result<Self, AppError> {
        let facts = RegistrationFacts::new(r, ticket_type)?;
        let (status, payment) = (facts.status, facts.payment_status);
        Ok(RegistrationPage {
            status_label: status.label(),
            active: status.is_active(),
            confirmed: status == Status::Confirmed,
            waitlisted: status == Status::Waitlisted,
            offered: status == Status::Offered,
            dietary: r.dietary.clone(),
            accessibility: r.accessibility.clone(),
            public_listing: r.public_listing,
            payment_label: payment.label(),
            payment_reference: r.payment_reference.clone(),
            paid: payment == PaymentStatus::Paid,
            invoiced: payment == PaymentStatus::Invoiced,
            invoiced_at: local(r.invoiced_at, tz),
            hold_expires_at: local(r.hold_expires_at, tz),
            registered_at: format_local(r.created_at, tz),
            confirmed_at: local(r.confirmed_at, tz),
            paid_at: local(r.paid_at, tz),
            offer_expires_at: local(r.offer_expires_at, tz),
            cancelled_at: local(r.cancelled_at, tz),
            checked_in_at: local(r.checked_in_at, tz),
            waitlist_position,
            payment: PaymentPart::default(),
            facts,
        })
    }
}

// ---- the public fee table (conference page, register form, API) ----

/// `GET /api/v1/conferences/{slug}/fees` and the fee table on the pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeeTable {
    pub configured: bool,
    pub open: bool,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub not_yet_open: bool,
    /// An IANA time zone name, e.g. "Europe/Prague".
    #[schema(value_type = String)]
    pub time_zone: Tz,
    pub currency: String,
    pub at: DateTime<Utc>,
    pub at_label: String,
    pub cap: i32,
    pub full: bool,
    pub ticket_types: Vec<TicketTypeFees>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketTypeFees {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub requires_code: bool,
    /// A bundle price: on sale only to registrants of this co-located conference (its name).
    pub for_registrants_of: Option<String>,
    pub on_sale: bool,
    /// The price in force (a comp pass is free); `None` when not on sale.
    pub current: Option<Price>,
    pub summary: Option<String>,
    pub tiers: Vec<TierFee>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Price {
    pub label: String,
    pub amount: String,
    pub amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TierFee {
    #[serde(flatten)]
    pub price: Price,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub from_label: String,
    pub until_label: String,
    pub current: bool,
    pub past: bool,
}

// ---- organiser pages ----

/// The registration set-up page as the service sees it; the route fills in
/// what a refused form typed.
#[derive(Debug, Clone, Serialize)]
pub struct SetupView {
    pub settings_form: SettingsInput,
    pub ticket_types: Vec<SetupTicketType>,
    /// The ticket types that take comp codes.
    pub code_types: Vec<TicketTypeOption>,
    /// Who is paid: receipts' legal name, address, tax id, and the bank details.
    pub payee: crate::services::payments::PayeeInput,
    /// Card payment through Stripe is configured for this site.
    pub card_payment: bool,
    /// The co-located conferences whose registrants a bundle price may be for.
    pub bundle_choices: Vec<BundleChoice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleChoice {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetupTicketType {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub requires_code: bool,
    /// May be paid by bank transfer.
    pub bank_transfer: bool,
    /// A bundle price: the co-located conference whose registrants alone may buy it.
    pub for_registrants_of: Option<String>,
    pub tiers: Vec<SetupTier>,
    /// The "add a tier" form under this ticket type, and its field errors.
    pub tier_form: TierInput,
    pub tier_errors: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetupTier {
    pub id: Uuid,
    pub label: String,
    pub amount: String,
    pub from_label: String,
    pub until_label: String,
    pub current: bool,
}

/// A fee tier on its edit form, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct TierEdit {
    pub id: Uuid,
    pub form: TierInput,
}

/// A comp code on the codes page.
#[derive(Debug, Clone, Serialize)]
pub struct CodeRow {
    pub code: String,
    pub label: String,
    pub ticket_type: String,
    pub used: bool,
    pub used_by: Option<String>,
    pub used_at: Option<String>,
}

/// A confirmed attendee on the public list.
#[derive(Debug, Clone, Serialize)]
pub struct PublicAttendee {
    pub name: String,
    pub affiliation: String,
}

// ---- the organisers' attendee list ----

#[derive(Debug, Clone, Serialize)]
pub struct AttendeeList {
    pub totals: Totals,
    /// One page of the registrations matching the filter.
    pub rows: Vec<AttendeeRow>,
    /// For the filter's ticket type choice.
    pub ticket_types: Vec<TicketTypeOption>,
    /// How many match the filter in all, and the page shown (from 1).
    pub matching: usize,
    pub page: usize,
    /// Per co-located conference: how many confirmed here are confirmed there too.
    pub co_located: Vec<AlsoRegistered>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlsoRegistered {
    pub slug: String,
    pub name: String,
    pub count: usize,
}

/// Counts over the whole conference, whatever the filter.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub confirmed: usize,
    pub waitlisted: usize,
    pub offered: usize,
    pub cancelled: usize,
    pub paid: usize,
    pub unpaid: usize,
    pub invoiced: usize,
    pub flagged: usize,
    pub checked_in: usize,
    pub revenue: String,
    pub outstanding: String,
    pub cap: i32,
    pub by_type: Vec<TypeCount>,
    pub by_tier: Vec<TierCount>,
}

/// Confirmed seats of one ticket type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCount {
    pub name: String,
    pub confirmed: usize,
}

/// Confirmed seats sold in one tier (by its label).
#[derive(Debug, Clone, Serialize)]
pub struct TierCount {
    pub label: String,
    pub confirmed: usize,
}

/// A ticket type to choose in a form (the attendee filter, the codes form).
#[derive(Debug, Clone, Serialize)]
pub struct TicketTypeOption {
    pub id: Uuid,
    pub name: String,
}

/// One registration on the desk, with what the organiser may do to it.
#[derive(Debug, Clone, Serialize)]
pub struct AttendeeRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub badge_name: String,
    pub affiliation: String,
    pub ticket_type: String,
    pub tier: String,
    pub fee: String,
    pub status: Status,
    pub status_label: &'static str,
    pub payment_status: PaymentStatus,
    pub payment_label: &'static str,
    pub payment_reference: String,
    pub can_mark_paid: bool,
    pub can_mark_invoiced: bool,
    pub hold_expires_at: Option<String>,
    pub can_refund: bool,
    pub amount_paid: Option<String>,
    pub amount_refunded: Option<String>,
    /// What is left to refund.
    pub refundable: String,
    pub method: &'static str,
    pub transfer_reference: Option<String>,
    /// Open notes on the money, for the organisers to look at.
    pub flags: Vec<String>,
    pub can_cancel: bool,
    pub can_check_in: bool,
    pub checked_in_at: Option<String>,
    pub registered_at: String,
    pub offer_expires_at: Option<String>,
    pub dietary: String,
    pub accessibility: String,
}
