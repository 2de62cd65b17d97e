//! On-site unconference sessions: what an attendee proposes, and who must or
//! wants to be there.

use super::text::{multi_line, single_line};
use super::{FieldError, Problems};

stored_words! {
    /// How much someone is needed at a session, as stored in `unconference_interest.level`.
    pub enum InterestLevel {
        /// Can't happen without them: the planner never gives them two at once.
        Essential = "essential",
        Interested = "interested",
    }
}

/// A session as its form (or the API) sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SessionInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub minutes: String,
    /// Equipment words, one per field (checkboxes) or comma-separated.
    #[serde(default)]
    pub needs: Vec<String>,
}

/// A session that holds together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDraft {
    pub title: String,
    pub description: String,
    pub minutes: i32,
    pub needs: Vec<String>,
}

/// What the room rules allow: lengths in steps of `slot_minutes` up to
/// `max_minutes`, and the equipment the rooms have.
pub struct SessionRules<'a> {
    pub slot_minutes: i32,
    pub max_minutes: i32,
    pub equipment: &'a [String],
}

/// The equipment words of the rooms (split on commas and lines, lower case, once each).
pub fn equipment_words<'a>(rooms: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = rooms
        .into_iter()
        .flat_map(|e| e.split([',', '\n', ';']))
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty() && w.chars().count() <= 40)
        .collect();
    words.sort();
    words.dedup();
    words
}

impl SessionInput {
    pub fn parse(&self, rules: &SessionRules) -> Result<SessionDraft, Problems> {
        let mut p = Problems::default();
        let title = p.check(single_line("title", &self.title, 3, 200));
        let description = p.check(multi_line("description", &self.description, 0, 5000));
        let minutes = match self.minutes.trim().parse::<i32>() {
            Ok(m) if m >= rules.slot_minutes && m <= rules.max_minutes && m % rules.slot_minutes.max(1) == 0 => Some(m),
            _ => {
                p.0.push(FieldError::new(
                    "minutes",
                    format!("choose a length in steps of {} minutes, up to {}", rules.slot_minutes, rules.max_minutes),
                ));
                None
            }
        };
        let mut needs: Vec<String> = self
            .needs
            .iter()
            .flat_map(|n| n.split(','))
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        needs.sort();
        needs.dedup();
        if needs.iter().any(|n| !rules.equipment.contains(n)) {
            p.add("needs", format!("choose from the rooms' equipment: {}", rules.equipment.join(", ")));
        }
        match (title, description, minutes) {
            (Some(title), Some(description), Some(minutes)) if p.is_empty() => {
                Ok(SessionDraft { title, description, minutes, needs })
            }
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_follow_the_room_rules() {
        let equipment = equipment_words(["Projector, whiteboard", "projector\nVideo link"]);
        assert_eq!(equipment, ["projector", "video link", "whiteboard"]);
        let rules = SessionRules { slot_minutes: 30, max_minutes: 120, equipment: &equipment };
        let good = SessionInput {
            title: "Rust in the page cache".into(),
            description: "Let's argue.".into(),
            minutes: "60".into(),
            needs: vec!["Projector".into(), "whiteboard, projector".into()],
        };
        let d = good.parse(&rules).unwrap();
        assert_eq!((d.minutes, d.needs.clone()), (60, vec!["projector".to_string(), "whiteboard".to_string()]));
        let bad = SessionInput { title: "x".into(), minutes: "45".into(), needs: vec!["laser".into()], ..good };
        let fields: Vec<_> = bad.parse(&rules).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "minutes", "needs"]);
        crate::domain::words::tests::round_trip(InterestLevel::ALL);
    }
}
