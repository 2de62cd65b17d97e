//! The organisers' attendee list: totals over the whole conference and the rows
//! matching a filter.

use super::views::{AlsoRegistered, AttendeeList, AttendeeRow, TicketTypeOption, TierCount, Totals, TypeCount};
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
    /// The slug of a co-located conference: only people registered there too.
    #[serde(default)]
    pub also: String,
}

/// A registration with its holder's name and address.
struct Entry {
    r: Registration,
    name: String,
    email: String,
}

/// One page (`page`, from 1, at most the last) of the registrations matching
/// `filter`, with totals over the whole conference: all counted in SQL.
pub fn attendees(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    filter: &Filter,
    page: usize,
    per_page: usize,
) -> Result<AttendeeList, AppError> {
    check_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let tz = zone(conf);
    let partners = crate::services::repo::co_location::partners(conn, conf)?;
    let mut co_located = Vec::new();
    for p in &partners {
        let count = repo::also_registered(conn, conf.id, p.id)?.max(0) as usize;
        co_located.push(AlsoRegistered { slug: p.slug.clone(), name: p.name.clone(), count });
    }
    let (entries, matching, page) = match desk_filter(filter, &types, &partners) {
        Some(f) => {
            let per = per_page.max(1) as i64;
            let total = repo::desk_count(conn, conf.id, &f)?;
            let pages = (total + per - 1) / per;
            let page = (page.max(1) as i64).min(pages.max(1));
            let rows = repo::desk_page(conn, conf.id, &f, (page - 1) * per, per)?;
            (rows, total as usize, page as usize)
        }
        None => (Vec::new(), 0, 1),
    };
    let ids: Vec<i64> = entries.iter().map(|(r, _, _)| r.id).collect();
    let flags = crate::services::repo::payments::open_flags_of(conn, &ids)?;
    let mut rows: Vec<AttendeeRow> = entries
        .into_iter()
        .map(|(r, name, email)| (r.id, row(&Entry { r, name, email }, &types, tz)))
        .map(|(id, mut row)| {
            row.flags = flags.iter().filter(|(r, _)| *r == id).map(|(_, note)| note.clone()).collect();
            row
        })
        .collect();
    rows.shrink_to_fit();
    Ok(AttendeeList {
        totals: totals(conn, conf, &types)?,
        rows,
        ticket_types: types.iter().map(|t| TicketTypeOption { id: t.public_id, name: t.name.clone() }).collect(),
        matching,
        page,
        co_located,
    })
}

/// The filter as the database reads it; `None` when it can match nothing (a
/// status, payment or ticket type that does not exist).
fn desk_filter(filter: &Filter, types: &[TicketType], partners: &[Conference]) -> Option<repo::DeskFilter> {
    let status = match filter.status.trim() {
        "" => None,
        "inactive" => Some(None),
        s => Some(Some(s.parse::<Status>().ok()?)),
    };
    let flagged = filter.payment.trim() == "flagged";
    let payment = match filter.payment.trim() {
        "" | "flagged" => None,
        p => Some(p.parse::<PaymentStatus>().ok()?),
    };
    let ticket_type_id = match filter.ticket_type.trim() {
        "" => None,
        t => Some(types.iter().find(|x| x.public_id.to_string() == t)?.id),
    };
    let also_at = match filter.also.trim() {
        "" => None,
        slug => Some(partners.iter().find(|p| p.slug == slug)?.id),
    };
    Some(repo::DeskFilter { status, ticket_type_id, payment, flagged, words: filter.q.trim().to_string(), also_at })
}

fn totals(conn: &mut diesel::PgConnection, conf: &Conference, types: &[TicketType]) -> Result<Totals, AppError> {
    let t = repo::desk_totals(conn, conf.id)?;
    let (by_type, by_tier) = repo::confirmed_by(conn, conf.id)?;
    let n = |v: i64| v.max(0) as usize;
    Ok(Totals {
        confirmed: n(t.confirmed),
        waitlisted: n(t.waitlisted),
        offered: n(t.offered),
        cancelled: n(t.ended),
        paid: n(t.paid),
        unpaid: n(t.unpaid),
        invoiced: n(t.invoiced),
        flagged: n(t.flagged),
        checked_in: n(t.checked_in),
        revenue: money(t.revenue_minor, &conf.currency),
        outstanding: money(t.outstanding_minor, &conf.currency),
        cap: conf.attendance_cap,
        by_type: types
            .iter()
            .map(|ty| TypeCount {
                name: ty.name.clone(),
                confirmed: n(by_type.iter().find(|(id, _)| *id == ty.id).map(|(_, c)| *c).unwrap_or(0)),
            })
            .collect(),
        by_tier: by_tier.into_iter().map(|(label, c)| TierCount { label, confirmed: n(c) }).collect(),
    })
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
        can_refund: e.r.payment_status.has_payment() && r.amount_refunded_minor < r.amount_paid_minor,
        amount_paid: (r.amount_paid_minor > 0).then(|| money(r.amount_paid_minor, &r.currency)),
        amount_refunded: (r.amount_refunded_minor > 0).then(|| money(r.amount_refunded_minor, &r.currency)),
        refundable: money(r.amount_paid_minor - r.amount_refunded_minor, &r.currency),
        method: crate::services::payments::method_label(r.payment_method),
        transfer_reference: r.transfer_reference.clone(),
        flags: Vec::new(),
        can_cancel: e.r.status.is_active(),
        can_check_in: confirmed && r.checked_in_at.is_none(),
        checked_in_at: local(r.checked_in_at, tz),
        registered_at: format_local(r.created_at, tz),
        offer_expires_at: local(r.offer_expires_at, tz),
        dietary: r.dietary.clone(),
        accessibility: r.accessibility.clone(),
    }
}
