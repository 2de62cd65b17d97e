//! Calls and proposals: kinds, states and the rules that move between them.

use super::account::Email;
use super::review::Decision;
use super::{text, FieldError, Problems};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

stored_words! {
    /// What a call asks for, as stored in `calls.kind`.
    pub enum CallKind {
        Microconference = "microconference",
        RefereedTalk = "refereed_talk",
        Unconference = "unconference",
        /// The call for topics of one accepted microconference, run by its leads.
        McTopic = "mc_topic",
    }
}

impl CallKind {
    pub const ORGANISER_KINDS: [CallKind; 3] =
        [CallKind::Microconference, CallKind::RefereedTalk, CallKind::Unconference];

    pub fn label(self) -> &'static str {
        match self {
            CallKind::Microconference => "Microconference",
            CallKind::RefereedTalk => "Refereed talk",
            CallKind::Unconference => "Unconference session",
            CallKind::McTopic => "Microconference topic",
        }
    }
    /// What co-proposers are called in this kind of proposal.
    pub fn people_label(self) -> &'static str {
        match self {
            CallKind::Microconference => "Co-leads",
            _ => "Co-speakers",
        }
    }
    /// The accepted range of a proposal's duration in minutes, if it has one.
    pub fn duration_range(self) -> Option<(i32, i32)> {
        match self {
            CallKind::Microconference => None,
            CallKind::RefereedTalk => Some((10, 120)),
            CallKind::Unconference => Some((15, 240)),
            CallKind::McTopic => Some((5, 120)),
        }
    }
}

stored_words! {
    /// Where a proposal stands, as stored in `proposals.state`.
    pub enum ProposalState {
        Draft = "draft",
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Accepted = "accepted",
        Rejected = "rejected",
        Maybe = "maybe",
    }
}

stored_words! {
    /// An invited person's answer, as stored in `proposal_people.status` and
    /// `committee_members.status`.
    pub enum InvitationStatus {
        Invited = "invited",
        Accepted = "accepted",
        Declined = "declined",
    }
}

impl InvitationStatus {
    pub fn answer(accepted: bool) -> InvitationStatus {
        if accepted {
            InvitationStatus::Accepted
        } else {
            InvitationStatus::Declined
        }
    }
}

impl ProposalState {
    /// Proposers may change the content while the call is open and nothing is decided.
    pub fn proposer_may_edit(self) -> bool {
        matches!(self, ProposalState::Draft | ProposalState::Submitted)
    }
    pub fn proposer_may_submit(self) -> bool {
        matches!(self, ProposalState::Draft | ProposalState::Withdrawn)
    }
    /// Undecided proposals may be withdrawn while their call is open; an accepted
    /// one at any time (speakers do drop out), and the organisers or leads are told.
    pub fn proposer_may_withdraw(self, call_open: bool) -> bool {
        match self {
            ProposalState::Draft | ProposalState::Submitted => call_open,
            ProposalState::Accepted => true,
            _ => false,
        }
    }
    /// Whether organisers may decide on it: it was submitted and not withdrawn.
    pub fn is_decidable(self) -> bool {
        match self {
            ProposalState::Submitted | ProposalState::Maybe | ProposalState::Accepted | ProposalState::Rejected => true,
            ProposalState::Draft | ProposalState::Withdrawn => false,
        }
    }
    /// States an organiser may set directly (decisions), from a submitted proposal.
    pub fn organiser_may_set(from: ProposalState, to: ProposalState) -> bool {
        from.is_decidable() && to.is_decidable()
    }
    /// The decision this state records, if it is one mailed to proposers.
    pub fn decision(self) -> Option<Decision> {
        match self {
            ProposalState::Accepted => Some(Decision::Accepted),
            ProposalState::Rejected => Some(Decision::Rejected),
            ProposalState::Draft | ProposalState::Submitted | ProposalState::Withdrawn | ProposalState::Maybe => None,
        }
    }
    /// Whether the proposal counts against the per-person cap of its call.
    pub fn counts_for_cap(self) -> bool {
        !matches!(self, ProposalState::Withdrawn)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CallStatus {
    NotYetOpen,
    Open,
    Closed,
}

/// A call is open from its opening instant (included) to its closing instant (excluded).
pub fn call_status(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> CallStatus {
    if now < opens_at {
        CallStatus::NotYetOpen
    } else if now < closes_at {
        CallStatus::Open
    } else {
        CallStatus::Closed
    }
}

impl CallStatus {
    pub fn label(self) -> &'static str {
        match self {
            CallStatus::NotYetOpen => "not open yet",
            CallStatus::Open => "open",
            CallStatus::Closed => "closed",
        }
    }
}

/// The call form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct CallInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub max_per_person: String,
    #[serde(default)]
    pub title_max: String,
    #[serde(default)]
    pub abstract_max: String,
}

#[derive(Debug, Clone)]
pub struct CallDraft {
    pub kind: CallKind,
    pub title: String,
    pub description_md: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub max_per_person: i32,
    pub title_max: i32,
    pub abstract_max: i32,
}

pub fn parse_int(field: &'static str, raw: &str, min: i32, max: i32) -> Result<i32, FieldError> {
    match raw.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, format!("use a whole number from {min} to {max}"))),
    }
}

impl CallInput {
    /// `fixed_kind` is set for topic calls, whose kind is not the organiser's choice.
    pub fn parse(&self, tz: Tz, fixed_kind: Option<CallKind>) -> Result<CallDraft, Problems> {
        let mut p = Problems::default();
        let kind = match fixed_kind {
            Some(k) => Some(k),
            None => match self.kind.trim().parse::<CallKind>().ok().filter(|k| CallKind::ORGANISER_KINDS.contains(k)) {
                Some(k) => Some(k),
                None => {
                    p.add("kind", "choose microconference, refereed talk or unconference session");
                    None
                }
            },
        };
        let title = p.check(text::single_line("title", &self.title, 1, 200));
        let description_md = p.check(text::multi_line("description", &self.description, 0, 20000));
        let opens_at = p.check(super::time::parse_local("opens_at", &self.opens_at, tz));
        let closes_at = p.check(super::time::parse_local("closes_at", &self.closes_at, tz));
        let max_per_person = p.check(parse_int("max_per_person", &self.max_per_person, 1, 100));
        let title_max = p.check(parse_int("title_max", &self.title_max, 10, 200));
        let abstract_max = p.check(parse_int("abstract_max", &self.abstract_max, 100, 20000));
        if let (Some(o), Some(c)) = (opens_at, closes_at) {
            if c <= o {
                p.add("closes_at", "must be after the opening");
            }
        }
        match (kind, title, description_md, opens_at, closes_at, max_per_person, title_max, abstract_max) {
            (
                Some(kind),
                Some(title),
                Some(description_md),
                Some(opens_at),
                Some(closes_at),
                Some(max_per_person),
                Some(title_max),
                Some(abstract_max),
            ) if p.is_empty() => Ok(CallDraft {
                kind,
                title,
                description_md,
                opens_at,
                closes_at,
                max_per_person,
                title_max,
                abstract_max,
            }),
            _ => Err(p),
        }
    }
}

/// The proposal form as typed (the fields used depend on the call's kind).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ProposalInput {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "abstract", default)]
    pub abstract_md: String,
    #[serde(default)]
    pub track: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default)]
    pub key_people: String,
    #[serde(default)]
    pub expected_attendance: String,
    /// One candidate topic per line: "Title: short description".
    #[serde(default)]
    pub topics: String,
    /// Email addresses of co-leads / co-speakers, separated by commas or lines.
    #[serde(default)]
    pub people: String,
}

#[derive(Debug, Clone)]
pub struct ProposalDraft {
    pub title: String,
    pub abstract_md: String,
    pub track_id: Option<i64>,
    pub duration_minutes: Option<i32>,
    pub key_people: String,
    pub expected_attendance: Option<i32>,
    pub topics: Vec<(String, String)>,
    pub people: Vec<Email>,
}

pub struct Limits<'a> {
    pub kind: CallKind,
    pub title_max: i32,
    pub abstract_max: i32,
    /// The conference's track ids; a track must be one of them.
    pub track_ids: &'a [i64],
    /// The submitter's own address: they cannot invite themselves.
    pub own_email: &'a str,
}

pub const MAX_PEOPLE: usize = 10;
pub const MAX_TOPICS: usize = 30;

impl ProposalInput {
    pub fn parse(&self, l: &Limits) -> Result<ProposalDraft, Problems> {
        let mut p = Problems::default();
        let title = p.check(text::single_line("title", &self.title, 1, l.title_max as usize));
        let abstract_md = p.check(text::multi_line("abstract", &self.abstract_md, 1, l.abstract_max as usize));
        let track_id = match self.track.trim() {
            "" => None,
            t => match t.parse::<i64>().ok().filter(|id| l.track_ids.contains(id)) {
                Some(id) => Some(id),
                None => {
                    p.add("track", "choose one of the listed tracks");
                    None
                }
            },
        };
        let duration_minutes = match l.kind.duration_range() {
            Some((min, max)) => p.check(parse_int("duration", &self.duration, min, max)),
            None => None,
        };
        let (key_people, expected_attendance, topics) = if l.kind == CallKind::Microconference {
            let key_people = p.check(text::multi_line("key_people", &self.key_people, 0, 2000)).unwrap_or_default();
            let expected = match self.expected_attendance.trim() {
                "" => None,
                v => p.check(parse_int("expected_attendance", v, 1, 10000)),
            };
            let topics = p.check(parse_topics(&self.topics)).unwrap_or_default();
            (key_people, expected, topics)
        } else {
            (String::new(), None, Vec::new())
        };
        let people = p.check(parse_people(&self.people, l.own_email)).unwrap_or_default();
        match (title, abstract_md) {
            (Some(title), Some(abstract_md)) if p.is_empty() => Ok(ProposalDraft {
                title,
                abstract_md,
                track_id,
                duration_minutes,
                key_people,
                expected_attendance,
                topics,
                people,
            }),
            _ => Err(p),
        }
    }
}

fn parse_topics(raw: &str) -> Result<Vec<(String, String)>, FieldError> {
    let mut out = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (t, d) = match line.split_once(':') {
            Some((t, d)) => (t.trim(), d.trim()),
            None => (line, ""),
        };
        let t = text::single_line("topics", t.trim_start_matches(['-', '*', ' ']), 1, 200)?;
        let d = text::single_line("topics", d, 0, 1000)?;
        out.push((t, d));
    }
    if out.len() > MAX_TOPICS {
        return Err(FieldError::new("topics", format!("list at most {MAX_TOPICS} topics")));
    }
    Ok(out)
}

fn parse_people(raw: &str, own_email: &str) -> Result<Vec<Email>, FieldError> {
    let mut out: Vec<Email> = Vec::new();
    for part in raw.split([',', '\n', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        let e = Email::parse(part).map_err(|e| FieldError::new("people", format!("“{part}” {}", e.message)))?;
        if e.as_str() == own_email {
            continue;
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.len() > MAX_PEOPLE {
        return Err(FieldError::new("people", format!("invite at most {MAX_PEOPLE} people")));
    }
    Ok(out)
}

/// The input form as it would be typed again from a stored draft (for the edit page).
pub fn topics_to_text(topics: &[(String, String)]) -> String {
    topics
        .iter()
        .map(|(t, d)| if d.is_empty() { t.clone() } else { format!("{t}: {d}") })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn call_is_open_until_the_closing_second() {
        let opens = Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap();
        let closes = Utc.with_ymd_and_hms(2027, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(call_status(opens, closes, opens - chrono::Duration::seconds(1)), CallStatus::NotYetOpen);
        assert_eq!(call_status(opens, closes, opens), CallStatus::Open);
        assert_eq!(call_status(opens, closes, closes - chrono::Duration::seconds(1)), CallStatus::Open);
        assert_eq!(call_status(opens, closes, closes), CallStatus::Closed);
        assert_eq!(call_status(opens, closes, closes + chrono::Duration::seconds(1)), CallStatus::Closed);
    }

    #[test]
    fn states() {
        use ProposalState::*;
        assert!(Draft.proposer_may_edit() && Submitted.proposer_may_edit());
        assert!(!Accepted.proposer_may_edit() && !Withdrawn.proposer_may_edit());
        assert!(Withdrawn.proposer_may_submit() && !Submitted.proposer_may_submit());
        assert!(Submitted.proposer_may_withdraw(true) && !Submitted.proposer_may_withdraw(false));
        assert!(Accepted.proposer_may_withdraw(false), "an accepted talk can be cancelled after the call");
        assert!(!Rejected.proposer_may_withdraw(true) && !Withdrawn.proposer_may_withdraw(true));
        assert!(ProposalState::organiser_may_set(Submitted, Accepted));
        assert!(!ProposalState::organiser_may_set(Draft, Accepted), "drafts are not decided");
        assert!(!ProposalState::organiser_may_set(Submitted, Draft));
    }

    #[test]
    fn words_round_trip() {
        use crate::domain::words::tests::round_trip;
        round_trip(ProposalState::ALL);
        round_trip(CallKind::ALL);
        round_trip(InvitationStatus::ALL);
    }

    fn limits(kind: CallKind) -> Limits<'static> {
        Limits { kind, title_max: 50, abstract_max: 500, track_ids: &[7, 8], own_email: "me@example.org" }
    }

    #[test]
    fn parses_a_microconference_proposal() {
        let i = ProposalInput {
            title: "Tracing MC".into(),
            abstract_md: "Problems to discuss".into(),
            track: "7".into(),
            key_people: "Steven, Masami".into(),
            expected_attendance: "80".into(),
            topics: "- BPF and ftrace: sharing the ring buffer\nUser events\n\n".into(),
            people: "Co@Example.org, me@example.org\nco@example.org".into(),
            ..Default::default()
        };
        let d = i.parse(&limits(CallKind::Microconference)).unwrap();
        assert_eq!(
            d.topics,
            vec![("BPF and ftrace".into(), "sharing the ring buffer".into()), ("User events".into(), "".into())]
        );
        assert_eq!(d.people.len(), 1, "deduplicated, self dropped");
        assert_eq!(d.track_id, Some(7));
        assert_eq!(d.duration_minutes, None);
        assert_eq!(topics_to_text(&d.topics), "BPF and ftrace: sharing the ring buffer\nUser events");
    }

    #[test]
    fn reports_bad_talk_fields() {
        let i = ProposalInput {
            title: "x".repeat(51),
            abstract_md: "".into(),
            track: "99".into(),
            duration: "600".into(),
            people: "nope".into(),
            ..Default::default()
        };
        let p = i.parse(&limits(CallKind::RefereedTalk)).unwrap_err();
        let fields: Vec<_> = p.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "abstract", "track", "duration", "people"]);
    }

    #[test]
    fn call_form() {
        let tz: Tz = "Europe/Vienna".parse().unwrap();
        let i = CallInput {
            kind: "refereed_talk".into(),
            title: "Refereed talks".into(),
            description: "Send us talks".into(),
            opens_at: "2027-03-01T00:00".into(),
            closes_at: "2027-06-30T23:59".into(),
            max_per_person: "3".into(),
            title_max: "120".into(),
            abstract_max: "3000".into(),
        };
        let d = i.parse(tz, None).unwrap();
        assert_eq!(d.closes_at.to_rfc3339(), "2027-06-30T21:59:00+00:00");
        let bad = CallInput { kind: "mc_topic".into(), closes_at: "2027-02-01T00:00".into(), ..i };
        let fields: Vec<_> = bad.parse(tz, None).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["kind", "closes_at"]);
    }
}
