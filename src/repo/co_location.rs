//! Co-located conferences: groups of them, tracks one selects and another
//! holds, and registrations across them.

use crate::db::schema::{co_locations, conferences, registrations, tracks};
use crate::services::repo::calls::Track;
use crate::services::repo::conferences::Conference;
use diesel::prelude::*;
use diesel::PgConnection;

/// The other conferences of `conference`'s group, by start date.
pub fn partners(conn: &mut PgConnection, conference: &Conference) -> QueryResult<Vec<Conference>> {
    let Some(group) = conference.co_location_id else { return Ok(Vec::new()) };
    conferences::table
        .filter(conferences::co_location_id.eq(group))
        .filter(conferences::id.ne(conference.id))
        .order((conferences::starts_on, conferences::name))
        .select(Conference::as_select())
        .load(conn)
}

/// Puts `b` (and any group it was in) into `a`'s group, making one if needed.
pub fn join(conn: &mut PgConnection, a: &Conference, b: &Conference) -> QueryResult<i64> {
    let group = match a.co_location_id {
        Some(g) => g,
        None => {
            diesel::insert_into(co_locations::table).default_values().returning(co_locations::id).get_result(conn)?
        }
    };
    diesel::update(conferences::table.filter(conferences::id.eq(a.id)))
        .set(conferences::co_location_id.eq(group))
        .execute(conn)?;
    if let Some(old) = b.co_location_id.filter(|&old| old != group) {
        diesel::update(conferences::table.filter(conferences::co_location_id.eq(old)))
            .set(conferences::co_location_id.eq(group))
            .execute(conn)?;
        diesel::delete(co_locations::table.find(old)).execute(conn)?;
    }
    diesel::update(conferences::table.filter(conferences::id.eq(b.id)))
        .set(conferences::co_location_id.eq(group))
        .execute(conn)?;
    Ok(group)
}

/// Takes a conference out of its group; a group left with one member ends.
pub fn leave(conn: &mut PgConnection, conference: &Conference) -> QueryResult<()> {
    let Some(group) = conference.co_location_id else { return Ok(()) };
    diesel::update(conferences::table.filter(conferences::id.eq(conference.id)))
        .set(conferences::co_location_id.eq(None::<i64>))
        .execute(conn)?;
    let left: i64 = conferences::table.filter(conferences::co_location_id.eq(group)).count().get_result(conn)?;
    if left < 2 {
        diesel::update(conferences::table.filter(conferences::co_location_id.eq(group)))
            .set(conferences::co_location_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(co_locations::table.find(group)).execute(conn)?;
    }
    // Nothing may stay held at, or sold to registrants of, a conference no longer beside it.
    diesel::update(
        tracks::table.filter(tracks::conference_id.eq(conference.id).or(tracks::hosted_by.eq(conference.id))),
    )
    .set(tracks::hosted_by.eq(None::<i64>))
    .execute(conn)?;
    Ok(())
}

/// Where a track is held and who may attend it.
pub fn set_track_hosting(
    conn: &mut PgConnection,
    conference_id: i64,
    track_id: i64,
    hosted_by: Option<i64>,
    open_to: &str,
) -> QueryResult<usize> {
    diesel::update(tracks::table.filter(tracks::conference_id.eq(conference_id)).filter(tracks::id.eq(track_id)))
        .set((tracks::hosted_by.eq(hosted_by), tracks::open_to.eq(open_to)))
        .execute(conn)
}

/// Tracks other conferences select and `host` holds.
pub fn hosted_tracks(conn: &mut PgConnection, host: i64) -> QueryResult<Vec<Track>> {
    tracks::table
        .filter(tracks::hosted_by.eq(host))
        .order((tracks::conference_id, tracks::position, tracks::name))
        .select(Track::as_select())
        .load(conn)
}

/// Whether `user` holds a confirmed registration at any of `conference_ids`.
pub fn confirmed_at_any(conn: &mut PgConnection, conference_ids: &[i64], user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        registrations::table
            .filter(registrations::conference_id.eq_any(conference_ids))
            .filter(registrations::user_id.eq(user_id))
            .filter(registrations::status.eq("confirmed")),
    ))
    .get_result(conn)
}

/// The conferences (of `among`) where `user` holds a confirmed registration.
pub fn confirmed_among(conn: &mut PgConnection, among: &[i64], user_id: i64) -> QueryResult<Vec<i64>> {
    registrations::table
        .filter(registrations::conference_id.eq_any(among))
        .filter(registrations::user_id.eq(user_id))
        .filter(registrations::status.eq("confirmed"))
        .select(registrations::conference_id)
        .load(conn)
}
