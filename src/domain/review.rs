//! Review rules: score scales, who may see whose reviews, score statistics,
//! notification placeholders, CSV safety. (What proposers may see of a decision is
//! the database's `proposals_disclosed` view.)

use super::FieldError;
use chrono::{DateTime, Utc};

stored_words! {
    /// Whose reviews a reviewer sees, as stored in `calls.reviews_visibility`.
    pub enum Visibility {
        Never = "never",
        AfterOwn = "after_own",
        Always = "always",
    }
}

stored_words! {
    /// A decision that is mailed to proposers, as stored in
    /// `notification_templates.decision` (one template for each).
    pub enum Decision {
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

stored_words! {
    /// Who said a reviewer has a conflict of interest, as stored in `review_conflicts.source`.
    pub enum ConflictSource {
        /// The reviewer, about themselves.
        Declared = "declared",
        Organiser = "organiser",
    }
}

impl Visibility {
    /// Whether a reviewer may see the other reviews of a proposal.
    pub fn may_see_others(self, has_own_review: bool) -> bool {
        match self {
            Visibility::Never => false,
            Visibility::AfterOwn => has_own_review,
            Visibility::Always => true,
        }
    }
}

/// The labelled points of a call's score scale, lowest first.
pub fn scale(min: i32, max: i32, labels: &str) -> Vec<(i32, String)> {
    let names: Vec<&str> = labels.split('|').map(str::trim).collect();
    let count = (max - min + 1).max(0) as usize;
    (min..=max)
        .enumerate()
        .map(|(i, v)| {
            let label = if names.len() == count && !names[i].is_empty() { names[i].to_string() } else { String::new() };
            (v, label)
        })
        .collect()
}

pub fn parse_score(raw: &str, min: i32, max: i32) -> Result<i32, FieldError> {
    match raw.trim().trim_start_matches('+').parse::<i32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(FieldError::new("score", format!("choose a score from {min} to {max}"))),
    }
}

/// The review window: open when it has opened (or has no start) and not closed.
pub fn review_open(opens: Option<DateTime<Utc>>, closes: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    opens.is_none_or(|o| now >= o) && closes.is_none_or(|c| now < c)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreStats {
    pub count: usize,
    pub mean: Option<f64>,
    /// Highest minus lowest score: disagreement at a glance.
    pub spread: Option<i32>,
    /// How many reviews gave each point of the scale, lowest first.
    pub distribution: Vec<usize>,
}

pub fn stats(scores: &[i32], min: i32, max: i32) -> ScoreStats {
    let mut distribution = vec![0usize; (max - min + 1).max(0) as usize];
    for s in scores {
        if let Some(slot) = distribution.get_mut((*s - min) as usize) {
            *slot += 1;
        }
    }
    let count = scores.len();
    let mean = (count > 0).then(|| scores.iter().map(|s| *s as f64).sum::<f64>() / count as f64);
    let spread = match (scores.iter().min(), scores.iter().max()) {
        (Some(lo), Some(hi)) => Some(hi - lo),
        _ => None,
    };
    ScoreStats { count, mean, spread, distribution }
}

/// Fills `{name}`-style placeholders. The values are inserted as they are, once:
/// a value containing `{title}` is not expanded again.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}').map(|end| (&after[..end], end)) {
            Some((key, end)) if values.iter().any(|(k, _)| *k == key) => {
                out.push_str(values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).unwrap_or_default());
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub const PLACEHOLDERS: &[&str] = &["name", "title", "decision", "note", "conference", "link"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_scores() {
        let s = scale(-2, 2, "Strong reject|Reject|Borderline|Accept|Strong accept");
        assert_eq!(s[0], (-2, "Strong reject".to_string()));
        assert_eq!(s[4], (2, "Strong accept".to_string()));
        assert_eq!(scale(1, 5, "a|b")[0].1, "", "labels that do not fit are dropped");
        assert_eq!(parse_score("+2", -2, 2).unwrap(), 2);
        assert!(parse_score("3", -2, 2).is_err());
        assert!(parse_score("x", -2, 2).is_err());
    }

    #[test]
    fn statistics() {
        let st = stats(&[-2, 2, 2, 1], -2, 2);
        assert_eq!(st.count, 4);
        assert_eq!(st.mean, Some(0.75));
        assert_eq!(st.spread, Some(4));
        assert_eq!(st.distribution, vec![1, 0, 0, 1, 2]);
        assert_eq!(stats(&[], 1, 5).mean, None);
    }

    #[test]
    fn visibility() {
        assert!(!Visibility::Never.may_see_others(true));
        assert!(!Visibility::AfterOwn.may_see_others(false));
        assert!(Visibility::AfterOwn.may_see_others(true));
        assert!(Visibility::Always.may_see_others(false));
    }

    #[test]
    fn words_round_trip() {
        use crate::domain::words::tests::round_trip;
        round_trip(Visibility::ALL);
        round_trip(Decision::ALL);
        round_trip(ConflictSource::ALL);
    }

    #[test]
    fn placeholders_fill_once() {
        let t = fill(
            "Dear {name}, “{title}” was {decision}. {unknown} {",
            &[("name", "Ada {title}"), ("title", "T"), ("decision", "accepted")],
        );
        assert_eq!(t, "Dear Ada {title}, “T” was accepted. {unknown} {");
    }
}
