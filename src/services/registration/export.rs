//! The attendee list as a spreadsheet (CSV).

use super::zone;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo};
use crate::services::repo::users::User;
use crate::services::Db;

/// One page of the attendee list as CSV after registration `after` (the
/// header on the first page), every cell neutralised against spreadsheet
/// formulas; and where the next page starts (`None`: this was the last).
pub fn csv_page(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    after: Option<i64>,
    limit: i64,
) -> Result<(String, Option<i64>), AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::for_conference_page(conn, conf.id, after.unwrap_or(0), limit)?;
    let next = (rows.len() as i64 == limit).then(|| rows.last().map(|(r, _, _)| r.id)).flatten();
    let mut out = if after.is_none() { header() } else { String::new() };
    for (r, name, email) in rows {
        out.push_str(&row(&r, name, email, &types, tz));
    }
    Ok((out, next))
}

fn header() -> String {
    crate::domain::csv::row(
        &[
            "id",
            "name",
            "email",
            "badge_name",
            "affiliation",
            "ticket_type",
            "tier",
            "fee",
            "currency",
            "status",
            "payment",
            "payment_method",
            "amount_paid",
            "amount_refunded",
            "payment_reference",
            "transfer_reference",
            "dietary",
            "accessibility",
            "public_listing",
            "registered_at",
            "checked_in_at",
        ]
        .map(String::from),
    )
}

fn row(
    r: &crate::services::repo::registrations::Registration,
    name: String,
    email: String,
    types: &[crate::services::repo::registrations::TicketType],
    tz: chrono_tz::Tz,
) -> String {
    let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.clone()).unwrap_or_default();
    crate::domain::csv::row(&[
        r.public_id.to_string(),
        name,
        email,
        r.badge_name.clone(),
        r.affiliation.clone(),
        tt,
        r.tier_label.clone(),
        Money::new(r.fee_minor, &r.currency).plain(),
        r.currency.clone(),
        r.status.to_string(),
        r.payment_status.to_string(),
        r.payment_method.map(|m| m.to_string()).unwrap_or_default(),
        Money::new(r.amount_paid_minor, &r.currency).plain(),
        Money::new(r.amount_refunded_minor, &r.currency).plain(),
        r.payment_reference.clone(),
        r.transfer_reference.clone().unwrap_or_default(),
        r.dietary.clone(),
        r.accessibility.clone(),
        if r.public_listing { "yes" } else { "no" }.to_string(),
        r.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        r.checked_in_at.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
    ])
}
