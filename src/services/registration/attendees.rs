//! The organisers' attendee list: totals over the whole conference and the rows
//! matching a filter.

use super::views::{AttendeeList, AttendeeRow, TicketTypeOption, TierCount, Totals, TypeCount};
use super::waitlist::refresh;
use super::{local, money, zone};
use crate::domain::fees::format_local;
use crate::domain::registration::{PaymentStatus, Status};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, Registration, TicketType};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use chrono_tz::Tz;

/// What the desk's filter form asks for (all empty: everyone).
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

/// A registration with its holder's name and address.
struct Entry {
    r: Registration,
    name: String,
    email: String,
}

/// The attendee list with totals over the whole conference and the rows matching `filter`.
pub fn attendees(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    filter: &Filter,
) -> Result<AttendeeList, AppError> {
    check_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let all: Vec<Entry> =
        repo::for_conference(conn, conf.id)?.into_iter().map(|(r, name, email)| Entry { r, name, email }).collect();
    let tz = zone(conf);
    Ok(AttendeeList {
        totals: totals(conf, &types, &all),
        rows: all.iter().filter(|e| matches(filter, &types, e)).map(|e| row(e, &types, tz)).collect(),
        ticket_types: types.iter().map(|t| TicketTypeOption { id: t.public_id, name: t.name.clone() }).collect(),
    })
}

fn totals(conf: &Conference, types: &[TicketType], all: &[Entry]) -> Totals {
    let count = |f: &dyn Fn(&Entry) -> bool| all.iter().filter(|e| f(e)).count();
    let sum = |f: &dyn Fn(&Entry) -> bool| -> i64 { all.iter().filter(|e| f(e)).map(|e| e.r.fee_minor).sum() };
    let confirmed = |e: &Entry| e.r.status == Status::Confirmed;
    let mut tier_labels: Vec<&str> = all.iter().filter(|e| confirmed(e)).map(|e| e.r.tier_label.as_str()).collect();
    tier_labels.sort();
    tier_labels.dedup();
    Totals {
        confirmed: count(&confirmed),
        waitlisted: count(&|e| e.r.status == Status::Waitlisted),
        offered: count(&|e| e.r.status == Status::Offered),
        cancelled: count(&|e| !e.r.status.is_active()),
        paid: count(&|e| e.r.payment_status == PaymentStatus::Paid),
        unpaid: count(&|e| confirmed(e) && e.r.payment_status == PaymentStatus::Unpaid),
        invoiced: count(&|e| confirmed(e) && e.r.payment_status == PaymentStatus::Invoiced),
        checked_in: count(&|e| e.r.checked_in_at.is_some()),
        revenue: money(sum(&|e| e.r.payment_status == PaymentStatus::Paid), &conf.currency),
        outstanding: money(sum(&|e| confirmed(e) && e.r.payment_status.is_due()), &conf.currency),
        cap: conf.attendance_cap,
        by_type: types
            .iter()
            .map(|t| TypeCount {
                name: t.name.clone(),
                confirmed: count(&|e| e.r.ticket_type_id == t.id && confirmed(e)),
            })
            .collect(),
        by_tier: tier_labels
            .iter()
            .map(|l| TierCount { label: l.to_string(), confirmed: count(&|e| confirmed(e) && e.r.tier_label == *l) })
            .collect(),
    }
}

fn matches(filter: &Filter, types: &[TicketType], e: &Entry) -> bool {
    let q = filter.q.trim().to_lowercase();
    let r = &e.r;
    let status = match filter.status.as_str() {
        "" => true,
        "inactive" => !e.r.status.is_active(),
        s => s.parse::<Status>().is_ok_and(|s| r.status == s),
    };
    status
        && (filter.payment.is_empty() || filter.payment.parse::<PaymentStatus>().is_ok_and(|p| r.payment_status == p))
        && (filter.ticket_type.is_empty()
            || types.iter().any(|t| t.id == r.ticket_type_id && t.public_id.to_string() == filter.ticket_type))
        && (q.is_empty()
            || e.name.to_lowercase().contains(&q)
            || e.email.contains(&q)
            || r.badge_name.to_lowercase().contains(&q)
            || r.affiliation.to_lowercase().contains(&q))
}

fn row(e: &Entry, types: &[TicketType], tz: Tz) -> AttendeeRow {
    let r = &e.r;
    let confirmed = e.r.status == Status::Confirmed;
    AttendeeRow {
        id: r.public_id,
        name: e.name.clone(),
        email: e.email.clone(),
        badge_name: r.badge_name.clone(),
        affiliation: r.affiliation.clone(),
        ticket_type: types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.clone()).unwrap_or_default(),
        tier: r.tier_label.clone(),
        fee: money(r.fee_minor, &r.currency),
        status: e.r.status,
        status_label: e.r.status.label(),
        payment_status: e.r.payment_status,
        payment_label: e.r.payment_status.label(),
        payment_reference: r.payment_reference.clone(),
        can_mark_paid: e.r.payment_status.is_due() && confirmed,
        can_mark_invoiced: e.r.payment_status == PaymentStatus::Unpaid && confirmed,
        hold_expires_at: local(r.hold_expires_at, tz),
        can_refund: e.r.payment_status == PaymentStatus::Paid,
        can_cancel: e.r.status.is_active(),
        can_check_in: confirmed && r.checked_in_at.is_none(),
        checked_in_at: local(r.checked_in_at, tz),
        registered_at: format_local(r.created_at, tz),
        offer_expires_at: local(r.offer_expires_at, tz),
        dietary: r.dietary.clone(),
        accessibility: r.accessibility.clone(),
    }
}
