//! The attendee list as a spreadsheet (CSV).

use super::zone;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo};
use crate::services::repo::users::User;
use crate::services::Db;

/// The attendee list as CSV; every cell neutralised against spreadsheet formulas.
pub fn csv(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<String, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let mut out = crate::domain::csv::row(
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
    );
    for (r, name, email) in repo::for_conference(conn, conf.id)? {
        let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.clone()).unwrap_or_default();
        out.push_str(&crate::domain::csv::row(&[
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
        ]));
    }
    Ok(out)
}
