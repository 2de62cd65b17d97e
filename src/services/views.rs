//! How calls, proposals, microconferences and conferences look to the pages and
//! the JSON API: one type per resource, each built here and nowhere else.
//!
//! The API's bytes must not change: without serde_json's `preserve_order` a
//! `json!` object came out with its keys sorted, so the types the API shows
//! (`CallView`, `ProposalRowView`, `MicroconferenceView`) declare their fields
//! in alphabetical order.

use crate::domain::conference::{date_range_label, offset_label};
use crate::domain::markdown;
use crate::domain::proposal::{CallKind, CallStatus, InvitationStatus, ProposalState};
use crate::domain::schedule::{Session, SessionKind};
use crate::domain::time;
use crate::services::cfp;
use crate::services::repo::calls::{Call, Track};
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences::Microconference;
use crate::services::repo::proposals::{Person, Proposal, ProposalRow};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// A call for proposals, on the pages and in the API's programme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallView {
    pub abstract_max: i32,
    pub closes: String,
    pub closes_at: DateTime<Utc>,
    pub description_html: String,
    pub id: Uuid,
    pub is_topic_call: bool,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub max_per_person: i32,
    pub open: bool,
    pub opens: String,
    pub opens_at: DateTime<Utc>,
    pub opens_in: Option<String>,
    pub status: &'static str,
    pub time_left: Option<String>,
    pub title: String,
    pub title_max: i32,
}

pub fn call(c: &Call, tz: Tz) -> CallView {
    let status = cfp::status_of(c);
    let kind = c.kind;
    let now = Utc::now();
    let open = status == CallStatus::Open;
    CallView {
        abstract_max: c.abstract_max,
        closes: time::display(c.closes_at, tz),
        closes_at: c.closes_at,
        description_html: markdown::to_html(&c.description_md),
        id: c.public_id,
        is_topic_call: c.microconference_id.is_some(),
        kind: kind.as_str(),
        kind_label: kind.label(),
        max_per_person: c.max_per_person,
        open,
        opens: time::display(c.opens_at, tz),
        opens_at: c.opens_at,
        opens_in: (status == CallStatus::NotYetOpen).then(|| time::remaining(now, c.opens_at)),
        status: status.label(),
        time_left: open.then(|| time::remaining(now, c.closes_at)),
        title: c.title.clone(),
        title_max: c.title_max,
    }
}

pub fn track_name(tracks: &[Track], id: Option<i64>) -> Option<String> {
    id.and_then(|id| tracks.iter().find(|t| t.id == id)).map(|t| t.name.clone())
}

/// A proposal in a list (pages and the API). Public and proposer-facing lists
/// are read from the disclosed view (repo `of_person`, `announced`), so this
/// shows what it is given.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalRowView {
    pub call: String,
    pub duration: Option<i32>,
    pub id: Uuid,
    pub kind_label: &'static str,
    pub position: Option<i32>,
    pub state: ProposalState,
    pub submitter: String,
    pub title: String,
    pub track: Option<String>,
    pub updated: String,
}

pub fn row(r: &ProposalRow, tz: Tz) -> ProposalRowView {
    ProposalRowView {
        call: r.call_title.clone(),
        duration: r.duration_minutes,
        id: r.public_id,
        kind_label: r.call_kind.label(),
        position: r.position,
        state: r.state,
        submitter: r.submitter_name.clone(),
        title: r.title.clone(),
        track: r.track.clone(),
        updated: time::display(r.updated_at, tz),
    }
}

/// Someone named on a proposal, with whether they answered.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub email: String,
    pub status: InvitationStatus,
}

pub fn people(list: &[Person]) -> Vec<PersonView> {
    list.iter().map(|p| PersonView { email: p.email.clone(), status: p.status }).collect()
}

/// A topic an MC proposal lists.
#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub title: String,
    pub description: String,
}

/// One proposal as its page and the review page show it.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub id: Uuid,
    pub title: String,
    pub abstract_html: String,
    pub state: ProposalState,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub is_mc: bool,
    pub people_label: &'static str,
    pub track: Option<String>,
    pub duration: Option<i32>,
    pub key_people: String,
    pub expected_attendance: Option<i32>,
    pub topics: Vec<TopicView>,
    /// `None` where the proposer is not named (the review page).
    pub submitter: Option<String>,
    pub updated: String,
    pub submitted: Option<String>,
}

pub fn proposal(
    p: &Proposal,
    c: &Call,
    tracks: &[Track],
    topics: &[(String, String)],
    submitter: Option<&str>,
    tz: Tz,
) -> ProposalView {
    let kind = c.kind;
    ProposalView {
        id: p.public_id,
        title: p.title.clone(),
        abstract_html: markdown::to_html(&p.abstract_md),
        state: p.state,
        kind: kind.as_str(),
        kind_label: kind.label(),
        is_mc: kind == CallKind::Microconference,
        people_label: kind.people_label(),
        track: track_name(tracks, p.track_id),
        duration: p.duration_minutes,
        key_people: p.key_people.clone(),
        expected_attendance: p.expected_attendance,
        topics: topics.iter().map(|(t, d)| TopicView { title: t.clone(), description: d.clone() }).collect(),
        submitter: submitter.map(str::to_string),
        updated: time::display(p.updated_at, tz),
        submitted: p.submitted_at.map(|t| time::display(t, tz)),
    }
}

/// A microconference with its leads, accepted topics and topic call: the
/// programme page, its own page and the API's programme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MicroconferenceView {
    pub budget_minutes: i32,
    pub call: Option<CallView>,
    pub description_html: String,
    pub id: Uuid,
    pub leads: Vec<String>,
    pub title: String,
    pub topics: Vec<ProposalRowView>,
    pub track: Option<String>,
}

pub fn microconference(
    mc: &Microconference,
    leads: Vec<String>,
    topics: Vec<ProposalRowView>,
    call: Option<CallView>,
    tracks: &[Track],
) -> MicroconferenceView {
    MicroconferenceView {
        budget_minutes: mc.budget_minutes,
        call,
        description_html: markdown::to_html(&mc.description_md),
        id: mc.public_id,
        leads,
        title: mc.title.clone(),
        topics,
        track: track_name(tracks, mc.track_id),
    }
}

/// A conference as pages show it: dates in its own calendar, its zone named.
#[derive(Debug, Clone, Serialize)]
pub struct ConferenceView {
    pub slug: String,
    pub name: String,
    pub venue: String,
    pub time_zone: Tz,
    pub utc_offset: String,
    pub dates: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub attendance_cap: i32,
    pub currency: String,
    pub status: &'static str,
}

impl ConferenceView {
    pub fn of(c: &Conference) -> Self {
        let tz: Tz = c.time_zone;
        let today = Utc::now().with_timezone(&tz).date_naive();
        let status = if today < c.starts_on {
            "upcoming"
        } else if today > c.ends_on {
            "past"
        } else {
            "running now"
        };
        ConferenceView {
            slug: c.slug.clone(),
            name: c.name.clone(),
            venue: c.venue.clone(),
            time_zone: c.time_zone,
            utc_offset: offset_label(tz, c.starts_on),
            dates: date_range_label(c.starts_on, c.ends_on),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            attendance_cap: c.attendance_cap,
            currency: c.currency.clone(),
            status,
        }
    }
}

/// `ConferenceView` as a JSON value, for the pages that still assemble their data as one.
pub fn conference(c: &Conference) -> Value {
    serde_json::to_value(ConferenceView::of(c)).unwrap_or(Value::Null)
}

/// One choice of a select box or a filter.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// The choice `value`, selected when it is what was `chosen`.
    pub fn new(value: impl ToString, label: impl Into<String>, chosen: &str) -> Self {
        let value = value.to_string();
        Choice { selected: value == chosen, value, label: label.into() }
    }
}

/// The conference's calls as a filter, `chosen` (a call's public id) selected.
pub fn call_choices(calls: &[Call], chosen: &str) -> Vec<Choice> {
    calls.iter().map(|c| Choice::new(c.public_id, c.title.clone(), chosen)).collect()
}

/// The conference's tracks as a filter, `chosen` (a track's id) selected.
pub fn track_choices(tracks: &[Track], chosen: &str) -> Vec<Choice> {
    tracks.iter().map(|t| Choice::new(t.id, t.name.clone(), chosen)).collect()
}

/// A proposal on its proposer's own list, which spans conferences.
#[derive(Debug, Clone, Serialize)]
pub struct OwnProposalView {
    #[serde(flatten)]
    pub row: ProposalRowView,
    pub conference: String,
    pub link: String,
}

pub fn own_proposal(r: &ProposalRow, c: &Conference) -> OwnProposalView {
    OwnProposalView {
        row: row(r, c.time_zone),
        conference: c.name.clone(),
        link: format!("/c/{}/proposals/{}", c.slug, r.public_id),
    }
}

/// A session of the published schedule, as the schedule pages list it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub guid: Uuid,
    pub kind: SessionKind,
    pub kind_label: &'static str,
    pub title: String,
    pub room: Option<String>,
    /// The clock times in the conference's zone.
    pub start: String,
    pub end: String,
    pub when: String,
    pub minutes: i64,
    pub track: Option<String>,
    pub persons: Vec<String>,
    pub is_topic: bool,
    /// A shared track's session: where it is held (co-located conference) …
    pub held_at: Option<String>,
    /// … or, where it is held, whose committee selected it.
    pub selected_by: Option<String>,
}

/// The same for every viewer: whose star is on it, the page marks (`star:<guid>`).
pub fn session(s: &Session, tz: Tz) -> SessionView {
    let clock = |t: DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    SessionView {
        guid: s.guid,
        kind: s.kind,
        kind_label: s.kind_label(),
        title: s.title.clone(),
        room: s.room.clone(),
        start: clock(s.starts_at),
        end: clock(s.ends_at),
        when: time::display(s.starts_at, tz),
        minutes: (s.ends_at - s.starts_at).num_minutes(),
        track: s.track.clone(),
        persons: s.persons.iter().map(|p| p.name.clone()).collect(),
        is_topic: s.kind == "topic",
        held_at: s.held_at.clone(),
        selected_by: s.selected_by.clone(),
    }
}
