//! An accepted microconference proposal becomes a microconference; its leads
//! decide and order its topics.

use super::*;
use crate::services::Db;

/// Makes an accepted microconference proposal a microconference: its submitter
/// and accepted co-leads become its leads and it gets a topic call of its own.
/// Called when the acceptance is released; doing it twice changes nothing.
pub fn make_microconference(
    conn: &mut PgConnection,
    conf: &Conference,
    p: &Proposal,
) -> Result<Microconference, AppError> {
    let tz = tz(conf);
    // By default the topic call may stay open until the conference starts.
    let start = conf.starts_on.and_hms_opt(0, 0, 0).unwrap_or_default();
    let latest = tz.from_local_datetime(&start).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(Utc::now);
    let (mc, created) = mcs::upsert_for_proposal(
        conn,
        &NewMc {
            conference_id: conf.id,
            proposal_id: p.id,
            title: &p.title,
            description_md: &p.abstract_md,
            track_id: p.track_id,
            latest_topic_close: latest,
        },
    )?;
    for uid in proposals::member_ids(conn, p)? {
        mcs::add_lead(conn, mc.id, uid)?;
    }
    if created {
        let now = Utc::now();
        let closes = if latest > now + chrono::Duration::hours(1) { latest } else { now + chrono::Duration::days(14) };
        calls::insert(
            conn,
            conf.id,
            Some(mc.id),
            &CallValues {
                kind: CallKind::McTopic.as_str(),
                title: &format!("Topics for the {} microconference", p.title),
                description_md: &format!("Propose a topic for the **{}** microconference: a problem to discuss, a proposal, proof-of-concept or unfinished work.", p.title),
                opens_at: now,
                closes_at: closes,
                max_per_person: 3,
                title_max: 120,
                abstract_max: 3000,
            },
        )?;
    }
    Ok(mc)
}

// --- microconference leads ---

/// An MC of this conference that the user leads (or organises), or 404.
pub fn led_microconference(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    public_id: &str,
) -> Result<(Microconference, Call), AppError> {
    let id = uuid::Uuid::parse_str(public_id).map_err(|_| AppError::NotFound)?;
    let mc = mcs::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if !policy::runs_microconference(mcs::is_lead(conn, mc.id, user.id)?, organises(conn, conf, user)?) {
        return Err(AppError::NotFound);
    }
    let call = calls::topic_call_of(conn, mc.id)?.ok_or(AppError::NotFound)?;
    Ok((mc, call))
}

/// A lead (or an organiser) decides a topic of their MC, through the one decision
/// path; PostgreSQL refuses an acceptance that would not fit in the MC's budget.
pub fn decide_topic(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    topic_public_id: &str,
    to: ProposalState,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (_, call) = led_microconference(&mut Db::new(conn), user, conf, mc_public_id)?;
        let id = uuid::Uuid::parse_str(topic_public_id).map_err(|_| AppError::NotFound)?;
        let p = proposals::by_public_id(conn, id)?.filter(|p| p.call_id == call.id).ok_or(AppError::NotFound)?;
        // A lead's own topic is decided by another lead or an organiser.
        crate::services::review::require_unconflicted(conn, p.id, user)?;
        crate::services::review::record_decision(conn, &p, to, None)
    })
}

/// Moves an accepted topic one place earlier (`up`) or later in the MC's order.
pub fn move_topic(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    mc_public_id: &str,
    topic_public_id: &str,
    up: bool,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (_, call) = led_microconference(&mut Db::new(conn), user, conf, mc_public_id)?;
        calls::lock(conn, call.id)?;
        let mut order = proposals::of_call(conn, call.id, Some("accepted"))?;
        let id = uuid::Uuid::parse_str(topic_public_id).map_err(|_| AppError::NotFound)?;
        let i = order.iter().position(|r| r.public_id == id).ok_or(AppError::NotFound)?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
        if let Some(j) = j {
            order.swap(i, j);
        }
        for (n, r) in order.iter().enumerate() {
            proposals::set_position(conn, r.id, Some(n as i32 + 1))?;
        }
        Ok(())
    })
}
