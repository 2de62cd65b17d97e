//! Registration data: settings, ticket types, fee tiers, comp codes, registrations.
//!
//! Seat-taking statements decide in SQL (under the settings row lock the service
//! takes first), never from a count read into Rust.

mod codes;
mod desk;
mod desk_list;
mod lookups;
mod sales;
mod seats;
mod settings;
mod types;

pub use codes::{claim_code, code, codes, count_mc_codes, insert_codes, mc_codes};
pub use desk::{cancel, check_in, mark_invoiced};
pub use desk_list::{also_registered, confirmed_by, desk_count, desk_page, desk_totals, DeskFilter};
pub use lookups::{
    active_for_user, by_public_id, conference_by_id, for_conference, for_conference_page, is_confirmed,
    latest_for_user, public_list, seats_taken,
};
pub use sales::{backdate, per_day};
pub use seats::{
    accept_offer, conferences_with_due_deadlines, expire_due_offers, has_due_deadlines, insert_taking_seat,
    lapse_due_holds, offer_next, register_in_one_statement, registration_window, NewRegistration,
};
pub use settings::{ensure_settings, lock_settings, save_settings, set_cap, settings};
pub use types::{
    delete_tier, has_ticket_types, insert_ticket_type, insert_tier, set_bundle, ticket_type, ticket_types, tier,
    tiers_for_conference, tiers_for_type, update_tier, TierValues,
};

use crate::db::schema::{comp_codes, fee_tiers, registration_settings, registrations, ticket_types};
use crate::domain::registration::{PaymentStatus, Status};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::Bound;
use uuid::Uuid;

// Loaded as the whole row; some columns only the tests read.
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registration_settings)]
pub struct SettingsRow {
    pub conference_id: i64,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub offer_hours: i32,
    pub updated_at: DateTime<Utc>,
    /// Confirmed registrations and live offers (kept by a trigger).
    pub seats_taken: i32,
    /// People on the waitlist (kept by a trigger).
    pub waiting: i32,
    /// How long an unpaid seat is held before it lapses to the waitlist.
    pub hold_hours: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_types)]
pub struct TicketType {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub name: String,
    pub description: String,
    pub requires_code: bool,
    pub created_at: DateTime<Utc>,
    /// May be paid by bank transfer (card payment is offered whenever Stripe is configured).
    pub bank_transfer: bool,
    /// A bundle price: on sale only to people registered at this (co-located) conference.
    pub for_registrants_of: Option<i64>,
}

pub type Range = (Bound<DateTime<Utc>>, Bound<DateTime<Utc>>);

// Loaded as the whole row; some columns only the tests read.
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fee_tiers)]
pub struct TierRow {
    pub id: i64,
    pub public_id: Uuid,
    pub ticket_type_id: i64,
    pub label: String,
    pub amount_minor: i64,
    pub currency: String,
    pub valid: Range,
    pub created_at: DateTime<Utc>,
}

pub(super) fn bound(b: &Bound<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match b {
        Bound::Included(t) | Bound::Excluded(t) => Some(*t),
        Bound::Unbounded => None,
    }
}

impl TierRow {
    /// As the pure fee rules see it (the table refuses unbounded ranges).
    pub fn tier(&self) -> Option<crate::domain::fees::Tier> {
        Some(crate::domain::fees::Tier {
            id: self.id,
            label: self.label.clone(),
            amount: crate::domain::money::Money::new(self.amount_minor, &self.currency),
            from: bound(&self.valid.0)?,
            until: bound(&self.valid.1)?,
        })
    }
}

// Loaded as the whole row; some columns only the tests read.
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comp_codes)]
pub struct CompCode {
    pub id: i64,
    pub conference_id: i64,
    pub ticket_type_id: i64,
    pub code: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: i64,
    pub public_id: Uuid,
    pub conference_id: i64,
    pub user_id: i64,
    pub ticket_type_id: i64,
    pub fee_tier_id: Option<i64>,
    pub tier_label: String,
    pub fee_minor: i64,
    pub currency: String,
    pub comp_code_id: Option<i64>,
    pub status: Status,
    pub badge_name: String,
    pub affiliation: String,
    pub dietary: String,
    pub accessibility: String,
    pub public_listing: bool,
    pub payment_status: PaymentStatus,
    pub payment_reference: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub waitlisted_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Until when an unpaid confirmed seat is held (set exactly then; see the migration).
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub invoiced_at: Option<DateTime<Utc>>,
    pub amount_paid_minor: i64,
    pub amount_refunded_minor: i64,
    pub payment_method: Option<crate::domain::payment::PaymentMethod>,
    /// What to write on a bank transfer, once the person chose to pay that way.
    pub transfer_reference: Option<String>,
}

impl Registration {
    pub fn is_active(&self) -> bool {
        self.status.is_active()
    }
}
