//! The public programme (accepted microconferences with their topics, and
//! talks) and what an MC's own pages show: shared by the pages and the JSON API.

use crate::domain::proposal::CallKind;
use crate::error::AppError;
use crate::services::repo::calls::{self, Call, Track};
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences::{self as mcs, Microconference};
use crate::services::repo::proposals::{self, ProposalRow};
use crate::services::repo::registrations;
use crate::services::repo::users::User;
use crate::services::views::{self, MicroconferenceView, ProposalRowView};
use crate::services::Db;
use crate::services::{cfp, policy};
use diesel::PgConnection;
use serde::Serialize;

/// The published programme, on its page and in the API (fields in
/// alphabetical order: see `services::views`).
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeView {
    pub microconferences: Vec<MicroconferenceView>,
    pub published: bool,
    pub talks: Vec<ProposalRowView>,
}

/// The published programme: accepted MCs with leads and accepted topics (in
/// the leads' order), and accepted talks.
pub fn programme(Db(conn): &mut Db, conf: &Conference) -> Result<ProgrammeView, AppError> {
    if !conf.programme_published {
        return Ok(ProgrammeView { microconferences: Vec::new(), published: false, talks: Vec::new() });
    }
    let tz = cfp::tz(conf);
    let tracks = calls::tracks(conn, conf.id)?;
    let mut list = Vec::new();
    for mc in cfp::announced_microconferences(conn, conf)? {
        list.push(mc_data(conn, conf, &mc, &tracks)?);
    }
    // Released acceptances only: the disclosed view answers, not this page.
    let talks: Vec<ProposalRowView> = cfp::announced(conn, conf, None)?
        .iter()
        .filter(|r| r.call_kind == CallKind::RefereedTalk)
        .map(|r| views::row(r, tz))
        .collect();
    Ok(ProgrammeView { microconferences: list, published: true, talks })
}

fn mc_data(
    conn: &mut PgConnection,
    conf: &Conference,
    mc: &Microconference,
    tracks: &[Track],
) -> Result<MicroconferenceView, AppError> {
    let tz = cfp::tz(conf);
    let call = calls::topic_call_of(conn, mc.id)?;
    let topics: Vec<ProposalRowView> = match &call {
        Some(c) => cfp::announced(conn, conf, Some(c.id))?.iter().map(|r| views::row(r, tz)).collect(),
        None => Vec::new(),
    };
    let call = call.map(|c| views::call(&c, tz));
    Ok(views::microconference(mc, lead_names(conn, mc)?, topics, call, tracks))
}

fn lead_names(conn: &mut PgConnection, mc: &Microconference) -> Result<Vec<String>, AppError> {
    Ok(mcs::leads(conn, mc.id)?.into_iter().map(|u| u.name).collect())
}

/// An MC's public page as data, and whether the viewer runs it (leads it or
/// organises the conference); 404 for whoever may not see it yet.
pub fn mc_page(
    Db(conn): &mut Db,
    viewer: Option<&User>,
    conf: &Conference,
    mc_public_id: &str,
) -> Result<(MicroconferenceView, bool), AppError> {
    let id = uuid::Uuid::parse_str(mc_public_id).map_err(|_| AppError::NotFound)?;
    let mc = mcs::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    let runs = match viewer {
        Some(u) => cfp::runs_microconference(conn, u, conf, mc.id)?,
        None => false,
    };
    if !policy::may_see_microconference(conf.programme_published, runs) {
        return Err(AppError::NotFound);
    }
    let tracks = calls::tracks(conn, conf.id)?;
    Ok((mc_data(conn, conf, &mc, &tracks)?, runs))
}

/// What the leads see to run their MC's topic call.
pub struct RunView {
    pub mc: Microconference,
    pub call: Call,
    pub topics: Vec<ProposalRow>,
    pub leads: Vec<String>,
    /// The MC's complimentary registration codes, with who used each.
    pub codes: Vec<(String, Option<String>)>,
}

/// The leads' page of their MC (leads and organisers only, 404 for anyone else).
pub fn run_view(Db(conn): &mut Db, user: &User, conf: &Conference, mc_public_id: &str) -> Result<RunView, AppError> {
    let (mc, call) = cfp::led_microconference(&mut Db::new(conn), user, conf, mc_public_id)?;
    let topics = proposals::of_call(conn, call.id, None)?;
    let leads = lead_names(conn, &mc)?;
    let codes = registrations::mc_codes(conn, mc.id)?;
    Ok(RunView { mc, call, topics, leads, codes })
}
