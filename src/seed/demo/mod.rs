//! Demo data with dates relative to today, so everything is live: one upcoming
//! conference (calls and registration open) and one running this week.

use crate::error::AppError;
use crate::security;
use crate::services::repo::conferences::{self as conf_repo, ConferenceValues, ORGANISER};
use crate::services::repo::users;
use crate::services::Db;
use chrono::{Duration, Utc};
use diesel::Connection;

pub const DEMO_PASSWORD: &str = "plumbline-demo";

/// (email, name, role shown on start, affiliation)
pub const ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    ("admin@example.org", "Ada Admin", "site admin", "Plumbline"),
    ("organiser@example.org", "Olga Organiser", "organiser of every demo conference", "Linux Foundation"),
    ("reviewer@example.org", "Rui Reviewer", "programme committee member", "Red Hat"),
    ("lead@example.org", "Lena Lead", "microconference lead", "Google"),
    ("speaker@example.org", "Sam Speaker", "speaker", "Intel"),
    ("attendee@example.org", "Ari Attendee", "attendee", "Canonical"),
];

pub fn load(Db(conn): &mut Db) -> Result<(), AppError> {
    // One hash for every demo account: hashing is slow on purpose.
    let hash = security::hash_password(DEMO_PASSWORD).map_err(AppError::internal)?;
    let today = Utc::now().date_naive();
    conn.transaction(|conn| {
        let mut ids = Vec::new();
        for (email, name, role, affiliation) in ACCOUNTS {
            let u = users::upsert(conn, email, name, &hash, *role == "site admin")?;
            users::update_profile(
                conn,
                u.id,
                name,
                affiliation,
                &format!("{name} works on the Linux plumbing at {affiliation}."),
            )?;
            ids.push(u.id);
        }
        let upcoming = conf_repo::upsert(
            conn,
            &ConferenceValues {
                slug: "lpc-demo",
                name: "Linux Plumbers Conference (demo)",
                venue: "Austria Center Vienna, Vienna",
                time_zone: "Europe/Vienna",
                starts_on: today + Duration::days(75),
                ends_on: today + Duration::days(77),
                attendance_cap: 300,
                currency: "USD",
            },
        )?;
        let running = conf_repo::upsert(
            conn,
            &ConferenceValues {
                slug: "kernel-week-demo",
                name: "Kernel Plumbing Week (demo, running now)",
                venue: "Hyatt Regency, Lisbon",
                time_zone: "Europe/Lisbon",
                starts_on: today - Duration::days(1),
                ends_on: today + Duration::days(2),
                // Small, so the demo shows a full conference with a waitlist.
                attendance_cap: 20,
                currency: "EUR",
            },
        )?;
        for conf in [&upcoming, &running] {
            conf_repo::grant_role(conn, conf.id, ids[1], ORGANISER)?;
            conf_repo::grant_role(conn, conf.id, ids[2], "reviewer")?;
        }
        let people = DemoPeople { organiser: ids[1], lead: ids[3], speaker: ids[4], attendee: ids[5] };
        load_cfp(conn, &upcoming, &people, false)?;
        load_cfp(conn, &running, &people, true)?;
        ideas_demo(conn, &upcoming, &people)?;
        registration_demo(conn, &upcoming, ids[5], &hash, 10)?;
        registration_demo(conn, &running, ids[5], &hash, 22)?;
        for conf in [&upcoming, &running] {
            review_demo(conn, conf, ids[2])?;
        }
        rooms_demo(conn, &upcoming, ids[5], false)?;
        rooms_demo(conn, &running, ids[5], true)?;
        schedule_demo(conn, &running, ids[1])?;
        co_location_demo(conn, &upcoming, ids[1], ids[5], &hash)?;
        for conf in [&upcoming, &running] {
            speakers_demo(conn, conf.id)?;
        }
        Ok(())
    })
}

/// The speakers of the released, accepted proposals are asked to confirm, as
/// releasing does: two in three have answered yes, the others not yet.
fn speakers_demo(conn: &mut diesel::PgConnection, conference_id: i64) -> Result<(), AppError> {
    use diesel::RunQueryDsl;
    diesel::sql_query(
        "INSERT INTO speaker_confirmations (proposal_id, user_id, state, responded_at) \
         SELECT p.id, p.submitter_id, CASE WHEN p.id % 3 = 0 THEN 'pending' ELSE 'confirmed' END, \
                CASE WHEN p.id % 3 = 0 THEN NULL ELSE now() END \
         FROM proposals p WHERE p.conference_id = $1 AND p.state = 'accepted' AND p.decision_released_at IS NOT NULL \
         ON CONFLICT (proposal_id, user_id) DO NOTHING",
    )
    .bind::<diesel::sql_types::BigInt, _>(conference_id)
    .execute(conn)?;
    Ok(())
}

struct DemoPeople {
    pub(super) organiser: i64,
    pub(super) lead: i64,
    pub(super) speaker: i64,
    pub(super) attendee: i64,
}

mod cfp;
mod co_location;
mod mc_ideas;
mod registration;
mod rooms;
mod schedule;

pub use cfp::TRACKS;
use cfp::{load_cfp, review_demo};
use co_location::co_location_demo;
pub use co_location::SHARED_TRACK;
use mc_ideas::ideas_demo;
use registration::registration_demo;
use rooms::rooms_demo;
use schedule::schedule_demo;
