//! Organiser set-up: registration settings (window, cap, offer and hold times) and ticket types.

use super::views::{BundleChoice, SetupTicketType, SetupTier, SetupView, TicketTypeOption};
use super::waitlist::fill_seats_locked;
use super::{zone, FormError, DEFAULT_HOLD_HOURS, DEFAULT_OFFER_HOURS};
use crate::domain::fees::TierInput;
use crate::domain::fees::{format_input, format_local};
use crate::domain::registration::{Settings, SettingsInput};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, TicketType};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use chrono::Utc;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::Connection;

/// The registration set-up page: settings (as typed in the conference zone),
/// ticket types with their tiers, and comp code batches.
pub fn setup_view(Db(conn): &mut Db, st: &AppState, actor: &User, conf: &Conference) -> Result<SetupView, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let settings = repo::settings(conn, conf.id)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::tiers_for_conference(conn, conf.id)?;
    let now = Utc::now();
    let partners = crate::services::repo::co_location::partners(conn, conf)?;
    let bundle_name = |id: Option<i64>| id.and_then(|id| partners.iter().find(|p| p.id == id)).map(|p| p.name.clone());
    let ticket_types = types
        .iter()
        .map(|t| SetupTicketType {
            id: t.public_id,
            name: t.name.clone(),
            description: t.description.clone(),
            requires_code: t.requires_code,
            bank_transfer: t.bank_transfer,
            for_registrants_of: bundle_name(t.for_registrants_of),
            tiers: rows
                .iter()
                .filter(|r| r.ticket_type_id == t.id)
                .filter_map(|r| r.tier().map(|x| (r, x)))
                .map(|(r, x)| SetupTier {
                    id: r.public_id,
                    label: x.label.clone(),
                    amount: x.amount.to_string(),
                    from_label: format_local(x.from, tz),
                    until_label: format_local(x.until, tz),
                    current: x.contains(now),
                })
                .collect(),
            tier_form: TierInput::default(),
            tier_errors: serde_json::json!({}),
        })
        .collect();
    let settings_form = match &settings {
        Some(s) => SettingsInput {
            opens_at: s.opens_at.map(|t| format_input(t, tz)).unwrap_or_default(),
            closes_at: s.closes_at.map(|t| format_input(t, tz)).unwrap_or_default(),
            attendance_cap: conf.attendance_cap.to_string(),
            offer_hours: s.offer_hours.to_string(),
            hold_hours: s.hold_hours.to_string(),
        },
        None => SettingsInput {
            attendance_cap: conf.attendance_cap.to_string(),
            offer_hours: DEFAULT_OFFER_HOURS.to_string(),
            hold_hours: DEFAULT_HOLD_HOURS.to_string(),
            ..Default::default()
        },
    };
    Ok(SetupView {
        settings_form,
        ticket_types,
        code_types: types
            .iter()
            .filter(|t| t.requires_code)
            .map(|t| TicketTypeOption { id: t.public_id, name: t.name.clone() })
            .collect(),
        payee: crate::services::repo::payments::settings(conn, conf.id)?.into(),
        card_payment: st.config.stripe.is_some(),
        bundle_choices: partners.iter().map(|p| BundleChoice { slug: p.slug.clone(), name: p.name.clone() }).collect(),
    })
}

/// Whether a ticket type may be paid by bank transfer.
pub fn set_bank_transfer(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    id: uuid::Uuid,
    allowed: bool,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let t = repo::ticket_types(conn, conf.id)?.into_iter().find(|t| t.public_id == id).ok_or(AppError::NotFound)?;
    crate::services::repo::payments::allow_bank_transfer(conn, t.id, allowed)?;
    Ok(())
}

pub fn save_settings(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    s: &Settings,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        repo::ensure_settings(conn, conf.id)?;
        repo::lock_settings(conn, conf.id)?;
        // A new hold applies to seats confirmed from now on; deadlines already
        // given stay as they were told.
        repo::save_settings(conn, conf.id, s.opens_at, s.closes_at, s.offer_hours, s.hold_hours)?;
        repo::set_cap(conn, conf.id, s.attendance_cap)?;
        // A larger cap frees seats: offer them to the waitlist.
        let conf = Conference { attendance_cap: s.attendance_cap, ..conf.clone() };
        fill_seats_locked(conn, st, &conf, s.offer_hours)?;
        Ok(())
    })
}

pub fn add_ticket_type(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    name: &str,
    description: &str,
    requires_code: bool,
    bundle_for: &str,
) -> Result<TicketType, FormError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        // A bundle price: only registrants of this co-located conference may buy it.
        let bundle = match bundle_for.trim() {
            "" => None,
            slug => Some(
                crate::services::repo::co_location::partners(conn, conf)?
                    .into_iter()
                    .find(|p| p.slug == slug)
                    .ok_or_else(|| {
                        FormError::Field(FieldError::new("bundle_for", "choose a conference co-located with this one"))
                    })?
                    .id,
            ),
        };
        repo::ensure_settings(conn, conf.id)?;
        let t = match repo::insert_ticket_type(conn, conf.id, name, description, requires_code) {
            Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(FormError::Field(FieldError::new(
                    "name",
                    "this conference already has a ticket type with that name",
                )))
            }
            other => other?,
        };
        if bundle.is_some() {
            repo::set_bundle(conn, t.id, bundle)?;
        }
        Ok(TicketType { for_registrants_of: bundle, ..t })
    })
}
