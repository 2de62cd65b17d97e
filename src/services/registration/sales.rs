//! Registrations per day against the tier boundaries and the cap (the desk's chart).

use super::zone;
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::registrations::{self as repo, TierRow};
use crate::repo::users::User;
use crate::services::conferences::require_organiser;
use crate::web::chart::SalesChart;
use chrono::Utc;
use diesel::PgConnection;

/// Registrations per day against the tier boundaries and the cap.
pub fn chart(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<SalesChart, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let per_day = repo::per_day(conn, conf.id, conf.time_zone.name())?.into_iter().map(|d| (d.day, d.n)).collect();
    let mut boundaries: Vec<(chrono::NaiveDate, String)> = repo::tiers_for_conference(conn, conf.id)?
        .iter()
        .filter_map(TierRow::tier)
        .map(|t| (t.from.with_timezone(&tz).date_naive(), format!("{} {}", t.label, t.amount)))
        .collect();
    boundaries.sort();
    boundaries.dedup();
    Ok(SalesChart {
        per_day,
        boundaries,
        cap: conf.attendance_cap as i64,
        today: Utc::now().with_timezone(&tz).date_naive(),
    })
}
