//! A co-located pair, as the Plumbers announcement describes it: LinuxCon
//! beside the upcoming Plumbers conference, holding the refereed
//! presentations track that the Plumbers committee selects (open to either
//! event's registrants), with its own registration and a bundle price for
//! Plumbers registrants. Skipped when LinuxCon already has ticket types.

use crate::error::AppError;
use crate::services::repo::calls;
use crate::services::repo::co_location;
use crate::services::repo::conferences::{self as conf_repo, Conference, ConferenceValues, ORGANISER};
use crate::services::repo::registrations::{self as reg, TierValues};
use chrono::Duration;
use diesel::PgConnection;

/// The shared track's name in the Plumbers call.
pub const SHARED_TRACK: &str = "Refereed Presentations";

pub(super) fn co_location_demo(
    conn: &mut PgConnection,
    plumbers: &Conference,
    organiser: i64,
    attendee: i64,
    hash: &str,
) -> Result<Conference, AppError> {
    let linuxcon = conf_repo::upsert(
        conn,
        &ConferenceValues {
            slug: "linuxcon-demo",
            name: "LinuxCon (demo)",
            venue: plumbers.venue.as_str(),
            time_zone: plumbers.time_zone.name(),
            starts_on: plumbers.starts_on - Duration::days(1),
            ends_on: plumbers.ends_on,
            attendance_cap: 1500,
            currency: plumbers.currency.as_str(),
        },
    )?;
    conf_repo::grant_role(conn, linuxcon.id, organiser, ORGANISER)?;
    // Read again: the first join gives Plumbers its group too.
    co_location::join(conn, &linuxcon, plumbers)?;
    let linuxcon = conf_repo::by_id(conn, linuxcon.id)?;
    calls::add_track(conn, plumbers.id, SHARED_TRACK)?;
    if let Some(t) = calls::tracks(conn, plumbers.id)?.into_iter().find(|t| t.name == SHARED_TRACK) {
        co_location::set_track_hosting(conn, plumbers.id, t.id, Some(linuxcon.id), "co_located")?;
    }
    if reg::has_ticket_types(conn, linuxcon.id)? {
        return Ok(linuxcon);
    }
    super::registration_demo(conn, &linuxcon, attendee, hash, 6)?;
    let bundle = reg::insert_ticket_type(
        conn,
        linuxcon.id,
        "Plumbers bundle",
        "For people registered for the Linux Plumbers Conference (demo): both events for less.",
        false,
    )?;
    reg::set_bundle(conn, bundle.id, Some(plumbers.id))?;
    let tz = linuxcon.time_zone;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let midnight = |days: i64| crate::domain::time::local_midnight(today + Duration::days(days), tz);
    reg::insert_tier(
        conn,
        bundle.id,
        &TierValues {
            label: "Bundle",
            amount_minor: 15000,
            currency: linuxcon.currency.as_str(),
            from: midnight(-100),
            until: midnight(120),
        },
    )?;
    super::rooms_demo(conn, &linuxcon, attendee, false)?;
    Ok(linuxcon)
}
