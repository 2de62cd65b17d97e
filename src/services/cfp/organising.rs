//! Organisers define the conference's calls and tracks.

use super::*;
use crate::services::Db;

pub fn create_call(Db(conn): &mut Db, actor: &User, conf: &Conference, d: &CallDraft) -> Result<Call, AppError> {
    crate::services::conferences::check_organiser(conn, conf, actor)?;
    Ok(calls::insert(conn, conf.id, None, &call_values(d))?)
}

/// A call of this conference by its public id, or 404.
pub fn find_call(Db(conn): &mut Db, conf: &Conference, public_id: &str) -> Result<Call, AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    calls::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)
}

pub fn update_call(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    call: &Call,
    d: &CallDraft,
) -> Result<(), AppError> {
    crate::services::conferences::check_organiser(conn, conf, actor)?;
    if call.microconference_id.is_some() {
        // Topic calls keep their kind; organisers may still move their window.
        let mut v = call_values(d);
        v.kind = "mc_topic";
        return Ok(calls::update(conn, call.id, &v)?);
    }
    Ok(calls::update(conn, call.id, &call_values(d))?)
}

pub fn add_track(Db(conn): &mut Db, actor: &User, conf: &Conference, name: &str) -> Result<bool, AppError> {
    crate::services::conferences::check_organiser(conn, conf, actor)?;
    Ok(calls::add_track(conn, conf.id, name)?)
}

pub fn delete_track(Db(conn): &mut Db, actor: &User, conf: &Conference, id: i64) -> Result<(), AppError> {
    crate::services::conferences::check_organiser(conn, conf, actor)?;
    match calls::delete_track(conn, conf.id, id)? {
        0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}
