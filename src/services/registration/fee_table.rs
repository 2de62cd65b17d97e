//! The public fee table: ticket types, their tiers, the one in force and the window.

use super::views::{FeeTable, Price, TicketTypeFees, TierFee};
use super::{local, money, tiers_of, zone};
use crate::domain::fees::{self, format_local, Tier};
use crate::domain::registration as rules;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, TicketType, TierRow};
use crate::services::Db;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The fee table of a conference at `at`: ticket types, their tiers with the one in
/// force marked, and when the price next changes. Used by the conference page,
/// the register form and the API.
pub fn fee_table(Db(conn): &mut Db, conf: &Conference, at: DateTime<Utc>) -> Result<FeeTable, AppError> {
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::tiers_for_conference(conn, conf.id)?;
    let settings = repo::settings(conn, conf.id)?;
    let (opens_at, closes_at) = settings.as_ref().map(|s| (s.opens_at, s.closes_at)).unwrap_or((None, None));
    let taken = repo::seats_taken(conn, conf.id)?;
    let partners = crate::services::repo::co_location::partners(conn, conf)?;
    let bundle = |t: &TicketType| {
        t.for_registrants_of.and_then(|id| partners.iter().find(|p| p.id == id)).map(|p| p.name.clone())
    };
    Ok(FeeTable {
        configured: !types.is_empty(),
        open: !types.is_empty() && rules::window_open(opens_at, closes_at, at),
        opens_at: local(opens_at, tz),
        closes_at: local(closes_at, tz),
        not_yet_open: opens_at.is_some_and(|o| at < o),
        time_zone: conf.time_zone,
        currency: conf.currency.clone(),
        at,
        at_label: format_local(at, tz),
        cap: conf.attendance_cap,
        full: taken >= conf.attendance_cap as i64,
        ticket_types: types
            .iter()
            .map(|t| TicketTypeFees { for_registrants_of: bundle(t), ..ticket_type_fees(conf, t, &rows, at, tz) })
            .collect(),
    })
}

/// One ticket type's row of the fee table.
fn ticket_type_fees(conf: &Conference, t: &TicketType, rows: &[TierRow], at: DateTime<Utc>, tz: Tz) -> TicketTypeFees {
    let tiers = tiers_of(rows, t.id);
    let in_force = fees::tier_at(&tiers, at);
    let current = if t.requires_code {
        Some(Price {
            label: "Comp pass".into(),
            amount: money(0, &conf.currency),
            amount_minor: 0,
            currency: conf.currency.clone(),
        })
    } else {
        in_force.map(price)
    };
    TicketTypeFees {
        id: t.public_id,
        name: t.name.clone(),
        description: t.description.clone(),
        requires_code: t.requires_code,
        for_registrants_of: None,
        on_sale: current.is_some(),
        current,
        summary: if t.requires_code { None } else { fees::price_summary(&tiers, at, tz) },
        tiers: tiers
            .iter()
            .map(|x| TierFee {
                price: price(x),
                valid_from: x.from,
                valid_until: x.until,
                from_label: format_local(x.from, tz),
                until_label: format_local(x.until, tz),
                current: in_force.is_some_and(|c| c.id == x.id),
                past: x.until <= at,
            })
            .collect(),
    }
}

fn price(t: &Tier) -> Price {
    Price {
        label: t.label.clone(),
        amount: t.amount.to_string(),
        amount_minor: t.amount.minor,
        currency: t.amount.currency.clone(),
    }
}

/// The fee table as the conference page shows it now.
pub fn public_fees(Db(conn): &mut Db, conf: &Conference) -> Result<FeeTable, AppError> {
    fee_table(&mut Db::new(conn), conf, Utc::now())
}
