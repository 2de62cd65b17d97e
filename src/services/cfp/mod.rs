//! Calls for proposals: organisers define calls and tracks; proposers draft,
//! submit, edit and withdraw while a call is open; co-speakers and co-leads are
//! invited by mail; an accepted microconference gets leads and a topic call.
//!
//! One file per concern: organising calls and tracks, who may see what, proposing,
//! invitations, microconferences, the public programme.

mod invitations;
mod microconferences;
mod organising;
mod proposing;
mod public_programme;
mod sight;

pub use invitations::*;
pub use microconferences::*;
pub use organising::*;
pub use proposing::*;
pub use public_programme::*;
pub use sight::*;

use crate::domain::account::Email;
use crate::domain::proposal::{
    call_status, CallDraft, CallKind, CallStatus, InvitationStatus, ProposalDraft, ProposalState,
};
use crate::domain::time;
use crate::error::AppError;
use crate::security;
use crate::services::conferences::organises;
use crate::services::mail;
use crate::services::policy;
pub use crate::services::repo::calls::Track;
use crate::services::repo::calls::{self, CallValues};
pub use crate::services::repo::calls::{Call, CriterionRow};
use crate::services::repo::conferences::Conference;
pub use crate::services::repo::microconferences::Microconference;
use crate::services::repo::microconferences::{self as mcs, NewMc};
use crate::services::repo::proposals::{self, ProposalContent};
pub use crate::services::repo::proposals::{Filter, Person, Proposal, ProposalRow};
use crate::services::repo::users::{self, User};
use crate::services::Db;
use crate::state::AppState;
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use diesel::{Connection, PgConnection};
use serde_json::json;

pub fn tz(conf: &Conference) -> Tz {
    conf.time_zone
}

fn call_values(d: &CallDraft) -> CallValues<'_> {
    CallValues {
        kind: d.kind,
        title: &d.title,
        description_md: &d.description_md,
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        max_per_person: d.max_per_person,
        title_max: d.title_max,
        abstract_max: d.abstract_max,
    }
}

/// The state as its proposers see it (the `proposals_disclosed` view): an
/// unreleased decision still reads "submitted", and what they may do follows
/// from that, so nothing they can try reveals it.
pub fn proposer_state(Db(conn): &mut Db, proposal_id: i64) -> Result<ProposalState, AppError> {
    Ok(proposals::disclosed(conn, proposal_id)?.state)
}

pub fn status_of(call: &Call) -> CallStatus {
    call_status(call.opens_at, call.closes_at, Utc::now())
}
