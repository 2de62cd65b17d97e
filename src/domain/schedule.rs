//! A published schedule as the exports see it: pure data, built by the schedule
//! service from the database, turned into frab XML, frab JSON and iCalendar by
//! `domain::schedule_export`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

stored_words! {
    /// What a schedule item is, as stored in `schedule_items.kind`.
    pub enum ItemKind {
        Microconference = "microconference",
        Talk = "talk",
        Keynote = "keynote",
        Tutorial = "tutorial",
        Break = "break",
        Other = "other",
    }
}

stored_words! {
    /// What a published session is: an item's kind, or a topic inside a
    /// microconference, or a booked unconference session. Stored in the JSON of
    /// each schedule version and shown in the API.
    pub enum SessionKind {
        Microconference = "microconference",
        Talk = "talk",
        Keynote = "keynote",
        Tutorial = "tutorial",
        Break = "break",
        Other = "other",
        Topic = "topic",
        Unconference = "unconference",
    }
}

impl From<ItemKind> for SessionKind {
    fn from(k: ItemKind) -> SessionKind {
        match k {
            ItemKind::Microconference => SessionKind::Microconference,
            ItemKind::Talk => SessionKind::Talk,
            ItemKind::Keynote => SessionKind::Keynote,
            ItemKind::Tutorial => SessionKind::Tutorial,
            ItemKind::Break => SessionKind::Break,
            ItemKind::Other => SessionKind::Other,
        }
    }
}

impl ItemKind {
    /// The kinds an organiser adds by hand (talks and microconferences come from
    /// accepted proposals), in the order the editor offers them.
    pub const BY_HAND: [ItemKind; 4] = [ItemKind::Keynote, ItemKind::Tutorial, ItemKind::Break, ItemKind::Other];

    pub fn label(self) -> &'static str {
        SessionKind::from(self).label()
    }
}

impl SessionKind {
    /// The words people (and the exports' "type") read.
    pub fn label(self) -> &'static str {
        match self {
            SessionKind::Microconference => "Microconference",
            SessionKind::Talk => "Talk",
            SessionKind::Keynote => "Keynote",
            SessionKind::Tutorial => "Tutorial",
            SessionKind::Break => "Break",
            SessionKind::Other => "Other",
            SessionKind::Topic => "Topic",
            SessionKind::Unconference => "Unconference",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Export {
    pub conference: ConferenceInfo,
    /// The published version, e.g. "3"; exports carry it so apps notice updates.
    pub version: String,
    /// When that version was published: the iCalendar DTSTAMP, so the same
    /// version always exports the same bytes (no clock read in the exports).
    pub published_at: DateTime<Utc>,
    /// Every room that has sessions, in display order.
    pub rooms: Vec<RoomInfo>,
    /// Track names in display order.
    pub tracks: Vec<String>,
    /// Every session, ordered by start then room.
    pub events: Vec<Event>,
}

#[derive(Debug, Clone)]
pub struct ConferenceInfo {
    pub slug: String,
    pub title: String,
    pub time_zone: Tz,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Public base URL of the app, without trailing slash (e.g. https://plumbline.example).
    pub base_url: String,
}

#[derive(Debug, Clone)]
pub struct RoomInfo {
    pub guid: uuid::Uuid,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across versions: the same session keeps its GUID (and iCalendar UID).
    pub guid: uuid::Uuid,
    /// A positive integer, stable per session (frab's legacy id).
    pub id: i64,
    pub room: String,
    pub title: String,
    pub subtitle: String,
    /// "Microconference", "Talk", "Keynote", "Tutorial", "Break", "Topic", "Unconference".
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Plain text (Markdown source), never HTML.
    pub abstract_text: String,
    pub track: Option<String>,
    pub persons: Vec<Person>,
    /// The session's public page.
    pub url: String,
    /// Raised each time the session moves or changes (iCalendar SEQUENCE).
    pub sequence: i32,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub guid: uuid::Uuid,
    pub id: i64,
    pub name: String,
}

/// One session as published: what the public pages and the exports are built
/// from. Stored as JSON in each schedule version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub guid: uuid::Uuid,
    pub id: i64,
    pub kind: SessionKind,
    pub title: String,
    pub abstract_md: String,
    pub room: Option<String>,
    pub room_guid: Option<uuid::Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub track: Option<String>,
    pub persons: Vec<SessionPerson>,
    /// For a topic: the GUID of its microconference.
    pub parent: Option<uuid::Uuid>,
    pub sequence: i32,
    /// A shared track's session: the name of the co-located conference whose
    /// committee selected it (None: this conference's own).
    #[serde(default)]
    pub selected_by: Option<String>,
    /// A shared track's session as the selecting conference shows it: the
    /// name of the conference that holds it (None: held here).
    #[serde(default)]
    pub held_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SessionPerson {
    /// Random and stored (the account's public id, or a named speaker's row),
    /// never derived from the person's email address or name: the exports are public.
    pub guid: uuid::Uuid,
    pub id: i64,
    pub name: String,
    /// For clash warnings only; never exported.
    #[serde(default)]
    pub user_id: Option<i64>,
}

impl Session {
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
}

/// The days (in the conference's zone) that have sessions, in order.
pub fn days(sessions: &[Session], tz: Tz) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = sessions.iter().map(|s| s.starts_at.with_timezone(&tz).date_naive()).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Which day of the schedule a page shows.
#[derive(Debug, PartialEq, Eq)]
pub enum DayChoice {
    Day(NaiveDate),
    /// Nothing is scheduled at all.
    NoDays,
    /// `?day=` is not a date like 2030-09-18.
    Malformed,
    /// A date, but nothing is scheduled on it.
    NotScheduled,
}

/// The day asked for, or by default today while the conference runs and its
/// first day before (and after) it.
pub fn choose_day(days: &[NaiveDate], asked: &str, today: NaiveDate) -> DayChoice {
    let asked = asked.trim();
    if asked.is_empty() {
        return match days.first() {
            None => DayChoice::NoDays,
            Some(first) => DayChoice::Day(if days.contains(&today) { today } else { *first }),
        };
    }
    match NaiveDate::parse_from_str(asked, "%Y-%m-%d") {
        Err(_) => DayChoice::Malformed,
        Ok(d) if days.contains(&d) => DayChoice::Day(d),
        Ok(_) => DayChoice::NotScheduled,
    }
}

/// Times accepted topics one after another from the start of their MC's block,
/// in the leads' order. Returns (topic index, start, end) for each.
pub fn time_topics(block_start: DateTime<Utc>, durations_min: &[i32]) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut at = block_start;
    durations_min
        .iter()
        .map(|d| {
            let start = at;
            at += chrono::Duration::minutes((*d).max(1) as i64);
            (start, at)
        })
        .collect()
}

/// Carries SEQUENCE forward: unchanged sessions keep it, moved or changed ones get the next number.
pub fn sequence(previous: Option<&Session>, now: &Session) -> i32 {
    match previous {
        None => 0,
        Some(p)
            if p.starts_at != now.starts_at
                || p.ends_at != now.ends_at
                || p.room != now.room
                || p.title != now.title =>
        {
            p.sequence + 1
        }
        Some(p) => p.sequence,
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// "added", "removed", "moved" or "renamed".
    pub what: String,
    pub guid: uuid::Uuid,
    pub title: String,
    pub detail: String,
}

/// What changed between two published versions, for the public page.
pub fn changes(before: &[Session], after: &[Session], tz: Tz) -> Vec<Change> {
    let fmt = |s: &Session| {
        format!("{} {}", s.starts_at.with_timezone(&tz).format("%a %-d %b %H:%M"), s.room.clone().unwrap_or_default())
    };
    let mut out = Vec::new();
    for a in after {
        match before.iter().find(|b| b.guid == a.guid) {
            None => out.push(Change { what: "added".into(), guid: a.guid, title: a.title.clone(), detail: fmt(a) }),
            Some(b) if b.starts_at != a.starts_at || b.ends_at != a.ends_at || b.room != a.room => out.push(Change {
                what: "moved".into(),
                guid: a.guid,
                title: a.title.clone(),
                detail: format!("from {} to {}", fmt(b), fmt(a)),
            }),
            Some(b) if b.title != a.title => out.push(Change {
                what: "renamed".into(),
                guid: a.guid,
                title: a.title.clone(),
                detail: format!("was “{}”", b.title),
            }),
            _ => {}
        }
    }
    for b in before.iter().filter(|b| !after.iter().any(|a| a.guid == b.guid)) {
        out.push(Change { what: "removed".into(), guid: b.guid, title: b.title.clone(), detail: fmt(b) });
    }
    out
}

/// A problem an organiser should fix before publishing (it does not block
/// it), with the sessions it is about, so the editor shows it on their blocks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Warning {
    pub sessions: Vec<uuid::Uuid>,
    pub message: String,
}

/// A placed session's room and the audience it expects (people who starred it).
#[derive(Debug, Clone)]
pub struct RoomFit {
    pub session: uuid::Uuid,
    pub capacity: i32,
    pub expected: i64,
}

/// Problems an organiser should fix before publishing (they do not block it):
/// a topic outside its microconference, a person in two places at once, a
/// room smaller than the audience expected.
pub fn warnings(sessions: &[Session], tz: Tz, fits: &[RoomFit]) -> Vec<Warning> {
    let mut out = Vec::new();
    let at = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %-d %b %H:%M").to_string();
    // A topic must sit inside its microconference's block.
    for t in sessions.iter().filter(|s| s.kind == SessionKind::Topic) {
        if let Some(mc) = sessions.iter().find(|s| Some(s.guid) == t.parent) {
            if t.starts_at < mc.starts_at || t.ends_at > mc.ends_at {
                let message = format!(
                    "Topic “{}” ({}–{}) runs outside its microconference “{}”, which ends {}.",
                    t.title,
                    at(t.starts_at),
                    at(t.ends_at),
                    mc.title,
                    at(mc.ends_at)
                );
                out.push(Warning { sessions: vec![mc.guid, t.guid], message });
            }
        }
    }
    // Nobody speaks or leads in two places at once (a topic inside the person's own MC is fine).
    for (i, a) in sessions.iter().enumerate() {
        for b in sessions.iter().skip(i + 1) {
            let nested = a.parent == Some(b.guid) || b.parent == Some(a.guid);
            if nested || !(a.starts_at < b.ends_at && b.starts_at < a.ends_at) {
                continue;
            }
            for p in a.persons.iter().filter(|p| p.user_id.is_some()) {
                if b.persons.iter().any(|q| q.user_id == p.user_id) {
                    let message = format!(
                        "{} is in “{}” and “{}” at the same time ({}).",
                        p.name,
                        a.title,
                        b.title,
                        at(a.starts_at.max(b.starts_at))
                    );
                    let blocks = [a, b].map(|s| s.parent.unwrap_or(s.guid));
                    out.push(Warning { sessions: blocks.to_vec(), message });
                }
            }
        }
    }
    // The room holds the people who said they would come.
    for f in fits.iter().filter(|f| f.expected > i64::from(f.capacity)) {
        if let Some(s) = sessions.iter().find(|s| s.guid == f.session) {
            let message = format!(
                "“{}” expects {} people (stars) but {} holds {}.",
                s.title,
                f.expected,
                s.room.clone().unwrap_or_default(),
                f.capacity
            );
            out.push(Warning { sessions: vec![s.guid], message });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn words_round_trip() {
        crate::domain::words::tests::round_trip(ItemKind::ALL);
        crate::domain::words::tests::round_trip(SessionKind::ALL);
        for &k in ItemKind::ALL {
            assert_eq!(SessionKind::from(k).as_str(), k.as_str(), "an item keeps its word as a session");
        }
    }

    fn s(guid: u128, kind: &str, start_h: u32, end_h: u32, person: Option<i64>, parent: Option<u128>) -> Session {
        Session {
            guid: uuid::Uuid::from_u128(guid),
            id: guid as i64,
            kind: kind.parse().unwrap(),
            title: format!("S{guid}"),
            abstract_md: String::new(),
            room: Some("Hall".into()),
            room_guid: None,
            starts_at: Utc.with_ymd_and_hms(2027, 9, 18, start_h, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2027, 9, 18, end_h, 0, 0).unwrap(),
            track: None,
            selected_by: None,
            held_at: None,
            persons: person
                .map(|id| {
                    vec![SessionPerson { guid: uuid::Uuid::nil(), id, name: format!("P{id}"), user_id: Some(id) }]
                })
                .unwrap_or_default(),
            parent: parent.map(uuid::Uuid::from_u128),
            sequence: 0,
        }
    }

    #[test]
    fn days_are_local_dates_and_today_is_the_default_while_the_conference_runs() {
        // 23:00 UTC on the 18th is already the 19th in Vienna.
        let list = vec![s(1, "talk", 9, 10, None, None), s(2, "talk", 23, 23, None, None)];
        let d = |day: u32| NaiveDate::from_ymd_opt(2027, 9, day).unwrap();
        assert_eq!(days(&list, chrono_tz::Europe::Vienna), vec![d(18), d(19)]);
        let days = days(&list, chrono_tz::Europe::Vienna);
        assert_eq!(choose_day(&days, "", d(19)), DayChoice::Day(d(19)));
        assert_eq!(choose_day(&days, "", d(1)), DayChoice::Day(d(18)), "before: the first day");
        assert_eq!(choose_day(&days, "", d(30)), DayChoice::Day(d(18)), "after: the first day");
        assert_eq!(choose_day(&days, " 2027-09-19 ", d(1)), DayChoice::Day(d(19)));
        assert_eq!(choose_day(&days, "2027-09-20", d(1)), DayChoice::NotScheduled);
        assert_eq!(choose_day(&days, "tomorrow", d(1)), DayChoice::Malformed);
        assert_eq!(choose_day(&days, "2027-02-30", d(1)), DayChoice::Malformed);
        assert_eq!(choose_day(&[], "", d(1)), DayChoice::NoDays);
    }

    #[test]
    fn warns_about_people_in_two_places_and_topics_outside_their_block() {
        let tz = chrono_tz::UTC;
        let list = vec![
            s(1, "microconference", 9, 12, Some(7), None),
            s(2, "topic", 11, 13, Some(7), Some(1)),
            s(3, "talk", 10, 11, Some(7), None),
        ];
        let fits = [RoomFit { session: list[2].guid, capacity: 20, expected: 35 }];
        let w = warnings(&list, tz, &fits);
        let said: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert!(said.iter().any(|m| m.contains("S2") && m.contains("outside")), "{said:?}");
        assert!(said.iter().any(|m| m.contains("P7") && m.contains("S1") && m.contains("S3")), "{said:?}");
        assert!(!said.iter().any(|m| m.contains("“S1” and “S2”")), "a lead in their own MC's topic is fine: {said:?}");
        assert!(said.iter().any(|m| m.contains("expects 35 people") && m.contains("holds 20")), "{said:?}");
        // Each warning names the blocks it is shown on: the clash is on the MC (not its topic) and the talk.
        let clash = w.iter().find(|w| w.message.contains("P7")).unwrap();
        assert_eq!(clash.sessions, vec![list[0].guid, list[2].guid]);
    }

    #[test]
    fn sequences_and_changes() {
        let a = s(1, "talk", 9, 10, None, None);
        let mut moved = a.clone();
        moved.starts_at += chrono::Duration::hours(1);
        moved.ends_at += chrono::Duration::hours(1);
        assert_eq!(sequence(Some(&a), &a), 0);
        assert_eq!(sequence(Some(&a), &moved), 1);
        assert_eq!(sequence(None, &a), 0);
        let c = changes(
            &[a.clone(), s(2, "talk", 9, 10, None, None)],
            &[moved, s(3, "talk", 9, 10, None, None)],
            chrono_tz::UTC,
        );
        let kinds: Vec<_> = c.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(kinds, vec!["moved", "added", "removed"]);
    }

    #[test]
    fn topics_follow_each_other() {
        let start = Utc.with_ymd_and_hms(2027, 9, 18, 9, 0, 0).unwrap();
        let t = time_topics(start, &[25, 30]);
        assert_eq!(t[1].0, start + chrono::Duration::minutes(25));
        assert_eq!(t[1].1, start + chrono::Duration::minutes(55));
    }
}
