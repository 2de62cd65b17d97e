//! The demo schedule of the conference running this week.

use crate::domain::schedule::ItemKind;
use crate::error::AppError;
use crate::services::repo::users;
use crate::services::Db;
use chrono::{Duration, Utc};
use diesel::PgConnection;

/// A published schedule for the running conference: keynote, MC blocks with
/// their topics, talks, a tutorial and breaks, in the big hall (the small rooms
/// stay for attendees' bookings).
pub(super) fn schedule_demo(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    organiser: i64,
) -> Result<(), AppError> {
    use crate::services::repo::schedule::{self as sr, NewItem};
    use chrono::TimeZone;
    if !sr::items(conn, conf.id)?.is_empty() {
        return Ok(());
    }
    let actor = users::find(conn, organiser)?;
    crate::services::schedule::import_accepted(&mut Db::new(conn), &actor, conf)?;
    for (kind, title, speakers, text) in [
        (
            ItemKind::Keynote,
            "Keynote: thirty years of plumbing",
            "Linus Keynoter",
            "Where the plumbing came from, and what the next decade needs from it.",
        ),
        (
            ItemKind::Tutorial,
            "Tutorial: tracing a latency problem end to end",
            "Tina Tutor",
            "Bring a laptop: perf, ftrace and BPF on one real bug.",
        ),
        (ItemKind::Break, "Lunch", "", ""),
        (ItemKind::Break, "Coffee", "", ""),
    ] {
        sr::insert_item(
            conn,
            conf.id,
            &NewItem { kind, proposal_id: None, title, abstract_md: text, speakers, track_id: None },
        )?;
    }
    let Some(hall) = crate::services::repo::rooms::rooms_of(conn, conf.id)?.into_iter().find(|r| !r.bookable) else {
        return Ok(());
    };
    let tz: chrono_tz::Tz = conf.time_zone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let at = |day: i64, h: u32, m: u32| {
        let local = (today + Duration::days(day)).and_hms_opt(h, m, 0).unwrap_or_default();
        tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
    };
    let items = sr::items(conn, conf.id)?;
    let mcs: Vec<_> = items.iter().filter(|i| i.kind == ItemKind::Microconference).collect();
    let talks: Vec<_> = items.iter().filter(|i| i.kind == ItemKind::Talk).collect();
    let by_title = |t: &str| items.iter().find(|i| i.title == t);
    let mut plan: Vec<(&crate::services::repo::schedule::Item, i64, u32, u32, i64)> = Vec::new();
    if let Some(k) = by_title("Keynote: thirty years of plumbing") {
        plan.push((k, 0, 9, 0, 60));
    }
    if let Some(mc) = mcs.first() {
        plan.push((mc, 0, 10, 0, 150));
    }
    if let Some(l) = by_title("Lunch") {
        plan.push((l, 0, 12, 30, 60));
    }
    for (n, t) in talks.iter().enumerate().take(2) {
        plan.push((t, 0, 13, 30 + 45 * n as u32 % 60, 45));
    }
    if let Some(c) = by_title("Coffee") {
        plan.push((c, 0, 15, 0, 30));
    }
    if let Some(mc) = mcs.get(1) {
        plan.push((mc, 1, 9, 0, 150));
    }
    if let Some(t) = by_title("Tutorial: tracing a latency problem end to end") {
        plan.push((t, 1, 13, 0, 90));
    }
    if let Some(mc) = mcs.get(2) {
        plan.push((mc, 1, 15, 0, 150));
    }
    if let Some(t) = talks.get(2) {
        plan.push((t, 2, 9, 0, 45));
    }
    for (item, day, h, m, minutes) in plan {
        // Talks start 13:30 and 14:15.
        let (h, m) = if m >= 60 { (h + 1, m - 60) } else { (h, m) };
        if let Some(start) = at(day, h, m) {
            sr::place(conn, item, hall.id, start, start + Duration::minutes(minutes), organiser)?;
        }
    }
    crate::services::schedule::publish_without_mail(&mut Db::new(conn), &actor, conf)?;
    Ok(())
}
