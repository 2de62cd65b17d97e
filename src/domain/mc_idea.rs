//! Ideas for microconferences, as people post them on a conference's board:
//! what an idea, a volunteer's note, a comment and a merge look like once they
//! hold together, and when the board takes them.

use super::text::{multi_line, single_line};
use super::{FieldError, Problems};
use chrono::{DateTime, Utc};

/// At most this many suggested topics per idea (as an MC proposal takes).
pub const MAX_TOPICS: usize = super::proposal::MAX_TOPICS;

stored_words! {
    /// Where an idea stands (derived, not stored: merged, made a proposal, or neither).
    pub enum IdeaState {
        /// Open for support, volunteers and comments.
        Open = "open",
        /// A duplicate, merged into another idea (its people moved there).
        Merged = "merged",
        /// Turned into an MC proposal.
        Proposed = "proposed",
    }
}

impl IdeaState {
    pub fn of(merged: bool, proposed: bool) -> IdeaState {
        match (merged, proposed) {
            (true, _) => IdeaState::Merged,
            (false, true) => IdeaState::Proposed,
            (false, false) => IdeaState::Open,
        }
    }
}

/// An idea as its form sends it (the API sends topics as a list, see `parse_idea`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct IdeaInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Suggested topics, one per line.
    #[serde(default)]
    pub topics: String,
    /// "on": the poster would lead it.
    #[serde(default)]
    pub lead: String,
    /// The poster's note as a volunteer.
    #[serde(default)]
    pub note: String,
}

/// An idea that holds together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdeaDraft {
    pub title: String,
    pub description: String,
    pub topics: Vec<String>,
    /// The poster volunteers to lead it, with this note.
    pub lead: Option<String>,
}

impl IdeaInput {
    pub fn parse(&self) -> Result<IdeaDraft, Problems> {
        let topics: Vec<&str> = self.topics.lines().collect();
        parse_idea(&self.title, &self.description, &topics, self.lead == "on", &self.note)
    }
}

/// The idea from its parts: a title (3 to 200 characters), what the MC would
/// be about (required: it becomes the proposal's abstract), up to 30 topics of
/// one line each (blank ones dropped), and the poster's note if they lead.
pub fn parse_idea<S: AsRef<str>>(
    title: &str,
    description: &str,
    topics: &[S],
    lead: bool,
    note: &str,
) -> Result<IdeaDraft, Problems> {
    let mut p = Problems::default();
    let title = p.check(single_line("title", title, 3, 200));
    let description = p.check(multi_line("description", description, 1, 5000));
    let topics = p.check(parse_topics(topics));
    let note = p.check(parse_note(lead, note));
    match (title, description, topics, note) {
        (Some(title), Some(description), Some(topics), Some(lead)) if p.is_empty() => {
            Ok(IdeaDraft { title, description, topics, lead })
        }
        _ => Err(p),
    }
}

fn parse_topics<S: AsRef<str>>(lines: &[S]) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for line in lines.iter().map(|l| l.as_ref().trim()).filter(|l| !l.is_empty()) {
        let t = single_line("topics", line.trim_start_matches(['-', '*', ' ']), 1, 200)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TOPICS {
        return Err(FieldError::new("topics", format!("list at most {MAX_TOPICS} topics")));
    }
    Ok(out)
}

/// A volunteer's note (at most 500 characters); only a volunteer has one.
fn parse_note(lead: bool, note: &str) -> Result<Option<String>, FieldError> {
    if lead {
        multi_line("note", note, 0, 500).map(Some)
    } else {
        Ok(None)
    }
}

/// What someone says about an idea: they support it, and perhaps would lead it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stance {
    /// Supports it; whether they lead stays as it was.
    Supports,
    /// Supports it and volunteers to lead it, with a note (may be empty).
    Leads(String),
    /// Supports it, no longer volunteering.
    NoLonger,
}

/// The stance a form or the API sends: `lead` absent keeps volunteering as it
/// is, `true` volunteers (with `note`), `false` withdraws from leading.
pub fn parse_stance(lead: Option<bool>, note: &str) -> Result<Stance, FieldError> {
    match lead {
        None => Ok(Stance::Supports),
        Some(false) => Ok(Stance::NoLonger),
        Some(true) => multi_line("note", note, 0, 500).map(Stance::Leads),
    }
}

/// A comment: 1 to 2000 characters.
pub fn parse_comment(body: &str) -> Result<String, FieldError> {
    multi_line("comment", body, 1, 2000)
}

/// The idea a duplicate is merged into, as the organiser chose it.
pub fn parse_merge_target(raw: &str) -> Result<uuid::Uuid, FieldError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| FieldError::new("into", "choose the idea to merge it into"))
}

/// The board takes ideas, support and comments until the conference's call
/// for microconferences has closed (`mc_call_closes`: the closing instant of
/// each of its MC calls; with none announced yet, it is open).
pub fn board_open(mc_call_closes: &[DateTime<Utc>], now: DateTime<Utc>) -> bool {
    mc_call_closes.is_empty() || mc_call_closes.iter().any(|c| now < *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_an_idea_with_topics_one_per_line() {
        let i = IdeaInput {
            title: "  Rust in the kernel ".into(),
            description: "Where do we stand?\r\nWhat next?".into(),
            topics: "- Bindings\n\n* Bindings\nAllocators: fallible\n".into(),
            lead: "on".into(),
            note: "I ran it in 2024".into(),
        };
        let d = i.parse().unwrap();
        assert_eq!(d.title, "Rust in the kernel");
        assert_eq!(d.description, "Where do we stand?\nWhat next?");
        assert_eq!(d.topics, vec!["Bindings".to_string(), "Allocators: fallible".to_string()], "once each");
        assert_eq!(d.lead.as_deref(), Some("I ran it in 2024"));
        let not_leading = IdeaInput { lead: String::new(), ..i };
        assert_eq!(not_leading.parse().unwrap().lead, None, "no note without volunteering");
    }

    #[test]
    fn reports_every_bad_field() {
        let too_many: Vec<String> = (0..31).map(|n| format!("topic {n}")).collect();
        let p = parse_idea("ab", "", &too_many, true, &"x".repeat(501)).unwrap_err();
        let fields: Vec<_> = p.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "description", "topics", "note"]);
        let p = parse_idea("Tracing", "ok", &["fine", "bad\u{0}"], false, "").unwrap_err();
        assert_eq!(p.0[0].field, "topics");
        assert!(parse_idea("Tracing", "ok", &["a\nb"], false, "").is_err(), "a topic is one line (API lists)");
    }

    #[test]
    fn stances() {
        assert_eq!(parse_stance(None, "ignored"), Ok(Stance::Supports));
        assert_eq!(parse_stance(Some(false), "ignored"), Ok(Stance::NoLonger));
        assert_eq!(parse_stance(Some(true), " happy to "), Ok(Stance::Leads("happy to".into())));
        assert!(parse_stance(Some(true), &"x".repeat(501)).is_err());
        assert!(parse_comment("  ").is_err());
        assert_eq!(parse_comment(" +1 ").unwrap(), "+1");
        assert!(parse_merge_target("nope").is_err());
    }

    #[test]
    fn the_board_is_open_until_the_mc_call_closes() {
        let now = Utc.with_ymd_and_hms(2027, 6, 1, 12, 0, 0).unwrap();
        let later = now + chrono::Duration::days(1);
        let earlier = now - chrono::Duration::days(1);
        assert!(board_open(&[], now), "no MC call yet");
        assert!(board_open(&[later], now));
        assert!(board_open(&[earlier, later], now), "one MC call still open");
        assert!(!board_open(&[earlier], now));
        assert!(!board_open(&[now], now), "closed at its closing instant");
    }

    #[test]
    fn states() {
        assert_eq!(IdeaState::of(false, false), IdeaState::Open);
        assert_eq!(IdeaState::of(false, true), IdeaState::Proposed);
        assert_eq!(IdeaState::of(true, false), IdeaState::Merged);
        crate::domain::words::tests::round_trip(IdeaState::ALL);
    }
}
