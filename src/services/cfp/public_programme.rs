//! What the public programme announces, and the topic windows and publication
//! that leads and organisers set.

use super::*;
use crate::services::Db;

/// The MCs the public programme lists: those whose proposal is accepted as
/// disclosed (not withdrawn since).
pub fn announced_microconferences(
    conn: &mut PgConnection,
    conf: &Conference,
) -> Result<Vec<Microconference>, AppError> {
    Ok(mcs::announced(conn, conf.id)?)
}

/// Accepted proposals whose acceptance is released, of the conference's own
/// calls or of one MC's topic call (in the leads' order). Whether a decision is
/// public is answered once, by the database's `proposals_disclosed` view.
pub fn announced(
    conn: &mut PgConnection,
    conf: &Conference,
    topic_call: Option<i64>,
) -> Result<Vec<proposals::ProposalRow>, AppError> {
    Ok(proposals::announced(conn, conf.id, topic_call)?)
}

/// Leads set their topic call's window, within the organisers' latest close.
pub fn set_topic_window(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    opens: chrono::DateTime<Utc>,
    closes: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (mc, call) = led_microconference(&mut Db::new(conn), user, conf, mc_public_id)?;
        if closes <= opens {
            return Err(AppError::BadRequest("The call must close after it opens.".into()));
        }
        if closes > mc.latest_topic_close {
            return Err(AppError::BadRequest(format!(
                "The organisers set the latest close of topic calls to {}.",
                time::display(mc.latest_topic_close, tz(conf))
            )));
        }
        Ok(calls::set_window(conn, call.id, opens, closes)?)
    })
}

pub fn set_programme_published(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    published: bool,
) -> Result<(), AppError> {
    crate::services::conferences::check_organiser(conn, conf, actor)?;
    Ok(mcs::set_published(conn, conf.id, published)?)
}
