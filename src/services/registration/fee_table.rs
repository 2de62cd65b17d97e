//! The public fee table: ticket types, their tiers, the one in force and the window.

use super::{local, money, tiers_of, zone};
use crate::domain::fees::{self, format_local};
use crate::domain::registration::{self as rules};
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::registrations::{self as repo};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde_json::{json, Value};

/// The fee table of a conference at `at`: ticket types, their tiers with the one in
/// force marked, and when the price next changes. Used by the conference page,
/// the register form and the API.
pub fn fee_table(conn: &mut PgConnection, conf: &Conference, at: DateTime<Utc>) -> Result<Value, AppError> {
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::tiers_for_conference(conn, conf.id)?;
    let settings = repo::settings(conn, conf.id)?;
    let list: Vec<Value> = types
        .iter()
        .map(|t| {
            let tiers = tiers_of(&rows, t.id);
            let current = fees::tier_at(&tiers, at);
            let tier_list: Vec<Value> = tiers
                .iter()
                .map(|x| {
                    json!({
                        "label": x.label, "amount": x.amount.to_string(), "amount_minor": x.amount.minor,
                        "currency": x.amount.currency, "valid_from": x.from, "valid_until": x.until,
                        "from_label": format_local(x.from, tz), "until_label": format_local(x.until, tz),
                        "current": current.is_some_and(|c| c.id == x.id), "past": x.until <= at,
                    })
                })
                .collect();
            let current_json = if t.requires_code {
                Some(json!({ "label": "Comp pass", "amount": money(0, &conf.currency), "amount_minor": 0, "currency": conf.currency }))
            } else {
                current.map(|c| json!({ "label": c.label, "amount": c.amount.to_string(), "amount_minor": c.amount.minor, "currency": c.amount.currency }))
            };
            json!({
                "id": t.public_id, "name": t.name, "description": t.description,
                "requires_code": t.requires_code,
                "on_sale": current_json.is_some(),
                "current": current_json,
                "summary": if t.requires_code { None } else { fees::price_summary(&tiers, at, tz) },
                "tiers": tier_list,
            })
        })
        .collect();
    let (opens_at, closes_at) = settings.as_ref().map(|s| (s.opens_at, s.closes_at)).unwrap_or((None, None));
    let taken = repo::seats_taken(conn, conf.id)?;
    Ok(json!({
        "configured": !types.is_empty(),
        "open": !types.is_empty() && rules::window_open(opens_at, closes_at, at),
        "opens_at": local(opens_at, tz), "closes_at": local(closes_at, tz),
        "not_yet_open": opens_at.is_some_and(|o| at < o),
        "time_zone": conf.time_zone, "currency": conf.currency,
        "at": at, "at_label": format_local(at, tz),
        "cap": conf.attendance_cap, "full": taken >= conf.attendance_cap as i64,
        "ticket_types": list,
    }))
}

/// The fee table as the conference page shows it now.
pub fn public_fees(conn: &mut PgConnection, conf: &Conference) -> Result<Value, AppError> {
    fee_table(conn, conf, Utc::now())
}
