//! Registrations per day against the tier boundaries and the cap (the desk's chart).

use super::zone;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, TierRow};
use crate::services::repo::users::User;
use crate::services::Db;
use chrono::{NaiveDate, Utc};

/// What the sales chart shows, as plain data: the web layer draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sales {
    /// New registrations per day (any status), in the conference's calendar.
    pub per_day: Vec<(NaiveDate, i64)>,
    /// Days on which a tier starts, with a short label ("Early €100.00").
    pub boundaries: Vec<(NaiveDate, String)>,
    pub cap: i64,
    /// Today in the conference's calendar.
    pub today: NaiveDate,
}

/// Registrations per day against the tier boundaries and the cap.
pub fn chart(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<Sales, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let per_day = repo::per_day(conn, conf.id, conf.time_zone.name())?.into_iter().map(|d| (d.day, d.n)).collect();
    let mut boundaries: Vec<(NaiveDate, String)> = repo::tiers_for_conference(conn, conf.id)?
        .iter()
        .filter_map(TierRow::tier)
        .map(|t| (t.from.with_timezone(&tz).date_naive(), format!("{} {}", t.label, t.amount)))
        .collect();
    boundaries.sort();
    boundaries.dedup();
    Ok(Sales {
        per_day,
        boundaries,
        cap: conf.attendance_cap as i64,
        today: Utc::now().with_timezone(&tz).date_naive(),
    })
}
