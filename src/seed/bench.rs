//! The benchmark conference: `plumbline demo --scale N` builds a large,
//! running conference (slug `bench`) so the benchmark measures pages at the
//! sizes LPC reaches, and at twice them.

use crate::error::AppError;
use crate::security;
use crate::services::repo::conferences::{self as conf_repo, ConferenceValues, ORGANISER};
use crate::services::repo::users;
use crate::services::seed::bench_sql::{self as repo, Sizes};
use crate::services::Db;
use chrono::{Duration, Utc};
use diesel::Connection;

pub const SLUG: &str = "bench";
pub const TIME_ZONE: &str = "Europe/Vienna";
/// Conference days: yesterday to three days from now, so it is running.
const DAYS: i64 = 5;

/// What was loaded, for the command's output.
pub struct Loaded {
    pub sizes: Sizes,
    pub schedule_version: i32,
}

pub fn load(Db(conn): &mut Db, scale: i64) -> Result<Loaded, AppError> {
    if !(1..=20).contains(&scale) {
        return Err(AppError::BadRequest("the scale must be between 1 and 20".into()));
    }
    let sizes = Sizes::at(scale);
    let hash = security::hash_password(crate::services::seed::demo::DEMO_PASSWORD).map_err(AppError::internal)?;
    let tz: chrono_tz::Tz = TIME_ZONE.parse().map_err(|_| AppError::internal("time zone"))?;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let first_day = today - Duration::days(1);
    conn.transaction(|conn| {
        if conf_repo::by_slug(conn, SLUG)?.is_some() {
            return Err(AppError::Conflict("the benchmark conference is already loaded; use a fresh database".into()));
        }
        let organiser = users::upsert(conn, "organiser@bench.example", "Bench Organiser", &hash, false)?;
        let conf = conf_repo::upsert(
            conn,
            &ConferenceValues {
                slug: SLUG,
                name: "Plumbers Benchmark Conference",
                venue: "Austria Center Vienna",
                time_zone: TIME_ZONE,
                starts_on: first_day,
                ends_on: first_day + Duration::days(DAYS - 1),
                // Room for the write benchmark, then a waitlist: both paths run.
                attendance_cap: (sizes.attendees + 5000) as i32,
                currency: "EUR",
            },
        )?;
        conf_repo::grant_role(conn, conf.id, organiser.id, ORGANISER)?;
        repo::organiser_session(conn, organiser.id)?;
        repo::people(conn, &sizes, &hash)?;
        repo::calls_and_committee(conn, &sizes, conf.id, today, crate::services::seed::demo::TRACKS)?;
        repo::proposals_and_reviews(conn, &sizes, conf.id, today)?;
        repo::registrations(conn, &sizes, conf.id, today, TIME_ZONE)?;
        repo::rooms_and_bookings(conn, &sizes, conf.id, first_day, DAYS, TIME_ZONE)?;
        repo::schedule(conn, &sizes, conf.id, first_day, organiser.id, TIME_ZONE)?;
        repo::stars(conn, conf.id)?;
        let schedule_version = crate::services::schedule::publish_without_mail(&mut Db::new(conn), &organiser, &conf)?;
        Ok(Loaded { sizes, schedule_version })
    })
    .and_then(|loaded| {
        repo::vacuum_analyze(conn)?;
        Ok(loaded)
    })
}
