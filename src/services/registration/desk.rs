//! The organisers' desk: payment, invoices, cancelling, refunds, check-in, and the attendee list.

use super::own::cancel_locked;
use super::waitlist::refresh;
use super::{local, money, zone};
use crate::domain::fees::format_local;
use crate::domain::registration::{self as rules, CONFIRMED, INVOICED, OFFERED, UNPAID, WAITLISTED};
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::registrations::{self as repo, Registration};
use crate::repo::users::User;
use crate::services::conferences::require_organiser;
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde_json::{json, Value};
use uuid::Uuid;

pub enum DeskAction {
    Paid(String),
    /// An invoice went out: payment is due, but the seat no longer lapses.
    Invoiced,
    Cancel,
    Refund,
    CheckIn,
}

/// Returns the flash key for the outcome.
pub fn desk(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    action: DeskAction,
) -> Result<&'static str, AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        let r = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
        match action {
            DeskAction::Paid(reference) => {
                repo::mark_paid(conn, r.id, &reference)?.ok_or_else(|| {
                    AppError::Conflict("Only an unpaid or invoiced registration can be marked paid.".into())
                })?;
                Ok("registration-paid")
            }
            DeskAction::Invoiced => {
                repo::mark_invoiced(conn, r.id)?.ok_or_else(|| {
                    AppError::Conflict("Only a confirmed registration not yet paid can be marked invoiced.".into())
                })?;
                Ok("registration-invoiced")
            }
            DeskAction::Cancel => {
                cancel_locked(conn, st, conf, &settings, &r, ("organiser", actor))?;
                Ok("registration-cancelled-by-organiser")
            }
            DeskAction::Refund => {
                repo::mark_refunded(conn, r.id)?
                    .ok_or_else(|| AppError::Conflict("Only a paid registration can be refunded.".into()))?;
                if r.is_active() {
                    cancel_locked(conn, st, conf, &settings, &r, ("refund", actor))?;
                }
                Ok("registration-refunded")
            }
            DeskAction::CheckIn => {
                repo::check_in(conn, r.id)?.ok_or_else(|| {
                    AppError::Conflict("Only a confirmed registration can be checked in, once.".into())
                })?;
                Ok("registration-checked-in")
            }
        }
    })
}

#[derive(Debug, Default, serde::Deserialize, serde::Serialize, Clone)]
pub struct Filter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub ticket_type: String,
    #[serde(default)]
    pub payment: String,
    #[serde(default)]
    pub q: String,
}

/// The attendee list with totals over the whole conference and the rows matching `filter`.
pub fn attendees(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    filter: &Filter,
) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let all = repo::for_conference(conn, conf.id)?;
    let type_name = |id: i64| types.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
    let count = |f: &dyn Fn(&Registration) -> bool| all.iter().filter(|(r, _, _)| f(r)).count();
    let sum = |f: &dyn Fn(&Registration) -> bool| -> i64 {
        all.iter().filter(|(r, _, _)| f(r)).map(|(r, _, _)| r.fee_minor).sum()
    };
    let by_type: Vec<Value> = types
        .iter()
        .map(|t| json!({ "name": t.name, "confirmed": count(&|r| r.ticket_type_id == t.id && r.status == CONFIRMED) }))
        .collect();
    let mut tier_labels: Vec<String> =
        all.iter().filter(|(r, _, _)| r.status == CONFIRMED).map(|(r, _, _)| r.tier_label.clone()).collect();
    tier_labels.sort();
    tier_labels.dedup();
    let by_tier: Vec<Value> = tier_labels
        .iter()
        .map(|l| json!({ "label": l, "confirmed": count(&|r| r.status == CONFIRMED && &r.tier_label == l) }))
        .collect();
    let totals = json!({
        "confirmed": count(&|r| r.status == CONFIRMED),
        "waitlisted": count(&|r| r.status == WAITLISTED),
        "offered": count(&|r| r.status == OFFERED),
        "cancelled": count(&|r| !r.is_active()),
        "paid": count(&|r| r.payment_status == rules::PAID),
        "unpaid": count(&|r| r.status == CONFIRMED && r.payment_status == UNPAID),
        "invoiced": count(&|r| r.status == CONFIRMED && r.payment_status == INVOICED),
        "checked_in": count(&|r| r.checked_in_at.is_some()),
        "revenue": money(sum(&|r| r.payment_status == rules::PAID), &conf.currency),
        "outstanding": money(
            sum(&|r| r.status == CONFIRMED && (r.payment_status == UNPAID || r.payment_status == INVOICED)),
            &conf.currency,
        ),
        "cap": conf.attendance_cap,
        "by_type": by_type, "by_tier": by_tier,
    });
    let q = filter.q.trim().to_lowercase();
    let rows: Vec<Value> = all
        .iter()
        .filter(|(r, _, _)| match filter.status.as_str() {
            "" => true,
            "inactive" => !r.is_active(),
            s => r.status == s,
        })
        .filter(|(r, _, _)| filter.payment.is_empty() || r.payment_status == filter.payment)
        .filter(|(r, _, _)| {
            filter.ticket_type.is_empty()
                || types.iter().any(|t| t.id == r.ticket_type_id && t.public_id.to_string() == filter.ticket_type)
        })
        .filter(|(r, name, email)| {
            q.is_empty()
                || name.to_lowercase().contains(&q)
                || email.contains(&q)
                || r.badge_name.to_lowercase().contains(&q)
                || r.affiliation.to_lowercase().contains(&q)
        })
        .map(|(r, name, email)| {
            json!({
                "id": r.public_id, "name": name, "email": email, "badge_name": r.badge_name,
                "affiliation": r.affiliation, "ticket_type": type_name(r.ticket_type_id),
                "tier": r.tier_label, "fee": money(r.fee_minor, &r.currency),
                "status": r.status, "status_label": rules::status_label(&r.status),
                "payment_status": r.payment_status, "payment_label": rules::payment_label(&r.payment_status),
                "payment_reference": r.payment_reference,
                "can_mark_paid": (r.payment_status == UNPAID || r.payment_status == INVOICED) && r.status == CONFIRMED,
                "can_mark_invoiced": r.payment_status == UNPAID && r.status == CONFIRMED,
                "hold_expires_at": local(r.hold_expires_at, tz),
                "can_refund": r.payment_status == rules::PAID,
                "can_cancel": r.is_active(),
                "can_check_in": r.status == CONFIRMED && r.checked_in_at.is_none(),
                "checked_in_at": local(r.checked_in_at, tz),
                "registered_at": format_local(r.created_at, tz),
                "offer_expires_at": local(r.offer_expires_at, tz),
                "dietary": r.dietary, "accessibility": r.accessibility,
            })
        })
        .collect();
    let type_options: Vec<Value> =
        types.iter().map(|t| json!({ "id": t.public_id.to_string(), "name": t.name })).collect();
    Ok(json!({ "totals": totals, "rows": rows, "ticket_types": type_options }))
}
