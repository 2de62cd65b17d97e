//! Registration use cases: fee tiers, registering under the cap, the waitlist and
//! its offers, comp codes, and the organisers' desk. Each use case is one
//! transaction; every seat decision first locks the conference's
//! `registration_settings` row, and the decision itself is made in SQL.

mod api;
mod attendees;
mod codes;
mod desk;
mod export;
mod fee_table;
mod notify;
mod own;
mod register;
mod sales;
mod setup;
mod tiers;
mod views;
mod waitlist;

pub use api::{api_list, api_view, api_view_cached, payment_url, public_attendees};
pub use attendees::{attendees, Filter};
pub use codes::{codes_view, comp_passes_for_microconference, generate_codes};
pub use desk::{desk, DeskAction};
pub use export::csv_page;
pub use fee_table::{fee_table, public_fees};
pub use own::{accept_offer, by_id, cancel_mine, mine, my_page, receipt, view};
pub use register::register;
pub use sales::{chart, Sales, SalesDay, TierStart};
pub use setup::{add_ticket_type, save_settings, set_bank_transfer, setup_view};
pub use tiers::{add_tier, delete_tier, tier_for_edit, update_tier};
pub use views::*;
pub use waitlist::{expire_deadlines, refresh};
// For collecting the fee (services::payments): the same mails, cancelling and seat rules.
pub(crate) use notify::{notify, ticket_type_name};
pub(crate) use own::cancel_locked;
pub(crate) use waitlist::expire_locked;

use crate::domain::fees::{format_local, Tier};
use crate::domain::money::Money;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, TierRow};
use crate::services::Db;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::result::Error as DbError;
use diesel::PgConnection;

pub const DEFAULT_OFFER_HOURS: i32 = 48;
/// How long an unpaid seat is held unless the organisers set otherwise (the column's default too).
pub const DEFAULT_HOLD_HOURS: i32 = 72;
pub const MAX_CODES_PER_BATCH: i64 = 500;

// ---- for other features (issue 3: calls for proposals) ----

/// True when the person holds a confirmed registration for the conference.
pub fn is_confirmed_attendee(Db(conn): &mut Db, conference_id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(repo::is_confirmed(conn, conference_id, user_id)?)
}

/// True when the conference has at least one ticket type.
pub fn registration_configured(conn: &mut PgConnection, conference_id: i64) -> Result<bool, AppError> {
    Ok(repo::has_ticket_types(conn, conference_id)?)
}

// ---- helpers ----

pub fn zone(conf: &Conference) -> Tz {
    conf.time_zone
}

pub(super) fn money(minor: i64, currency: &str) -> String {
    Money::new(minor, currency).to_string()
}

pub(super) fn local(at: Option<DateTime<Utc>>, tz: Tz) -> Option<String> {
    at.map(|t| format_local(t, tz))
}

pub(super) fn tiers_of(rows: &[TierRow], ticket_type_id: i64) -> Vec<Tier> {
    rows.iter().filter(|r| r.ticket_type_id == ticket_type_id).filter_map(TierRow::tier).collect()
}

pub(crate) fn link(st: &AppState, conf: &Conference) -> String {
    format!("{}/c/{}/registration", st.config.base_url, conf.slug)
}

/// Why a form was refused: a field to mark, or something else (shown at the top).
#[derive(Debug)]
pub enum FormError {
    Field(FieldError),
    App(AppError),
}

impl From<AppError> for FormError {
    fn from(e: AppError) -> Self {
        FormError::App(e)
    }
}

impl From<DbError> for FormError {
    fn from(e: DbError) -> Self {
        FormError::App(e.into())
    }
}

impl FormError {
    /// For the JSON API: one message.
    pub fn into_app(self) -> AppError {
        match self {
            FormError::App(e) => e,
            FormError::Field(f) => AppError::BadRequest(format!("{}: {}", f.field, f.message)),
        }
    }
}
