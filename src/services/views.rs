//! How calls, proposals and microconferences look to templates and the API.

use crate::domain::conference::{date_range_label, offset_label};
use crate::domain::markdown;
use crate::domain::proposal::{CallKind, CallStatus};
use crate::domain::time;
use crate::services::cfp;
use crate::services::repo::calls::{Call, Track};
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences::Microconference;
use crate::services::repo::proposals::{Person, Proposal, ProposalRow};
use chrono::Utc;
use chrono_tz::Tz;
use serde_json::{json, Value};

pub fn call(c: &Call, tz: Tz) -> Value {
    let status = cfp::status_of(c);
    let kind = cfp::kind_of(c);
    let now = Utc::now();
    json!({
        "id": c.public_id, "kind": kind.as_str(), "kind_label": kind.label(), "title": c.title,
        "description_html": markdown::to_html(&c.description_md),
        "opens": time::display(c.opens_at, tz), "closes": time::display(c.closes_at, tz),
        "opens_at": c.opens_at, "closes_at": c.closes_at,
        "status": status.label(), "open": status == CallStatus::Open,
        "time_left": if status == CallStatus::Open { Some(time::remaining(now, c.closes_at)) } else { None },
        "opens_in": if status == CallStatus::NotYetOpen { Some(time::remaining(now, c.opens_at)) } else { None },
        "max_per_person": c.max_per_person, "title_max": c.title_max, "abstract_max": c.abstract_max,
        "is_topic_call": c.microconference_id.is_some(),
    })
}

pub fn track_name(tracks: &[Track], id: Option<i64>) -> Option<String> {
    id.and_then(|id| tracks.iter().find(|t| t.id == id)).map(|t| t.name.clone())
}

/// A proposal in a list. Public and proposer-facing lists are read from the
/// disclosed view (repo `of_person`, `announced`), so this shows what it is given.
pub fn row(r: &ProposalRow, tz: Tz) -> Value {
    json!({
        "id": r.public_id, "title": r.title, "state": r.state, "call": r.call_title,
        "kind_label": CallKind::parse(&r.call_kind).map(|k| k.label()).unwrap_or(""),
        "track": r.track, "submitter": r.submitter_name, "duration": r.duration_minutes,
        "updated": time::display(r.updated_at, tz), "position": r.position,
    })
}

pub fn people(list: &[Person]) -> Vec<Value> {
    list.iter().map(|p| json!({ "email": p.email, "status": p.status })).collect()
}

pub fn proposal(
    p: &Proposal,
    c: &Call,
    tracks: &[Track],
    topics: &[(String, String)],
    submitter: &str,
    tz: Tz,
) -> Value {
    let kind = cfp::kind_of(c);
    json!({
        "id": p.public_id, "title": p.title, "abstract_html": markdown::to_html(&p.abstract_md),
        "state": p.state, "kind": kind.as_str(), "kind_label": kind.label(), "is_mc": kind == CallKind::Microconference,
        "people_label": kind.people_label(),
        "track": track_name(tracks, p.track_id), "duration": p.duration_minutes,
        "key_people": p.key_people, "expected_attendance": p.expected_attendance,
        "topics": topics.iter().map(|(t, d)| json!({ "title": t, "description": d })).collect::<Vec<_>>(),
        "submitter": submitter, "updated": time::display(p.updated_at, tz),
        "submitted": p.submitted_at.map(|t| time::display(t, tz)),
    })
}

pub fn microconference(mc: &Microconference, leads: &[String], topics: Vec<Value>, tracks: &[Track]) -> Value {
    json!({
        "id": mc.public_id, "title": mc.title, "description_html": markdown::to_html(&mc.description_md),
        "track": track_name(tracks, mc.track_id), "leads": leads, "topics": topics, "budget_minutes": mc.budget_minutes,
    })
}

/// A conference as pages show it: dates in its own calendar, its zone named.
pub fn conference(c: &Conference) -> Value {
    let tz: Tz = c.time_zone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let status = if today < c.starts_on {
        "upcoming"
    } else if today > c.ends_on {
        "past"
    } else {
        "running now"
    };
    json!({
        "slug": c.slug, "name": c.name, "venue": c.venue, "time_zone": c.time_zone,
        "utc_offset": offset_label(tz, c.starts_on), "dates": date_range_label(c.starts_on, c.ends_on),
        "starts_on": c.starts_on, "ends_on": c.ends_on, "attendance_cap": c.attendance_cap,
        "currency": c.currency, "status": status,
    })
}
