//! Committee review: members and their scope, reviews within the review window,
//! conflicts of interest, anonymised review, decisions and their release by mail.
//!
//! One file per concern: the committee, reviewing, conflicts of interest, reading
//! reviews in bulk, decisions, their release.

mod assignment;
mod committee;
mod conflicts;
mod decisions;
mod reading;
mod release;
mod reviewing;
mod settings;

pub use assignment::*;
pub use committee::*;
pub use conflicts::*;
pub use decisions::*;
pub use reading::*;
pub use release::*;
pub use reviewing::*;
pub use settings::*;

use crate::domain::account::Email;
use crate::domain::proposal::{CallKind, InvitationStatus, ProposalState};
use crate::domain::review as rules;
use crate::domain::review::{ConflictSource, Decision};
use crate::error::AppError;
use crate::security;
use crate::services::cfp;
use crate::services::conferences::{check_organiser, organises};
use crate::services::mail;
use crate::services::policy::{self, hides_proposer, review_sight, Reviewer, ReviewerFacts, Sight};
use crate::services::repo::calls::{self, Call};
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences as mcs;
use crate::services::repo::proposals::{self, Proposal};
pub use crate::services::repo::reviews::DashboardRow;
use crate::services::repo::reviews::{self, Member, Scope};
use crate::services::repo::users::{self, User};
use crate::state::AppState;
use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde_json::json;
