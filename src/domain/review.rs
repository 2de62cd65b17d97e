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

stored_words! {
    /// How a review assignment was made, as stored in `review_assignments.source`.
    pub enum AssignmentSource {
        Manual = "manual",
        Auto = "auto",
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

/// Whether a committee member's scope (calls and tracks; empty lists mean
/// all) covers a proposal in `call_id` / `track_id`.
pub fn scope_covers(call_ids: &[i64], track_ids: &[i64], call_id: i64, track_id: Option<i64>) -> bool {
    (call_ids.is_empty() || call_ids.contains(&call_id))
        && (track_ids.is_empty() || track_id.is_some_and(|t| track_ids.contains(&t)))
}

/// A committee member's wish to review a proposal, -100 (rather not) to 100 (eager).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Preference(i32);

impl Preference {
    /// The quick choices on the dashboard, and what each sets.
    pub const QUICK: [(&'static str, &'static str, i32); 3] =
        [("eager", "Eager", 50), ("willing", "Willing", 0), ("rather_not", "Rather not", -50)];

    pub fn new(v: i64) -> Result<Preference, FieldError> {
        if (-100..=100).contains(&v) {
            Ok(Preference(v as i32))
        } else {
            Err(FieldError::new("preference", "must be a whole number from -100 to 100"))
        }
    }

    /// A form's value: a quick word (`eager`, `willing`, `rather_not`) or a number.
    pub fn parse(raw: &str) -> Result<Preference, FieldError> {
        let raw = raw.trim();
        if let Some((_, _, v)) = Self::QUICK.iter().find(|(w, _, _)| *w == raw) {
            return Ok(Preference(*v));
        }
        let n = raw.trim_start_matches('+').parse::<i64>();
        n.map_err(|_| FieldError::new("preference", "must be a whole number from -100 to 100")).and_then(Self::new)
    }

    pub fn value(self) -> i32 {
        self.0
    }

    /// The word for a stored preference, as the dashboard shows it.
    pub fn label(v: i32) -> &'static str {
        match v {
            25.. => "Eager",
            -24..=24 => "Willing",
            _ => "Rather not",
        }
    }
}

/// The review settings of one call, as its form sends them.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ReviewSettingsInput {
    #[serde(default)]
    pub score_min: String,
    #[serde(default)]
    pub score_max: String,
    /// One label per line, lowest score first (or none at all).
    #[serde(default)]
    pub score_labels: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub anonymised: Option<String>,
    #[serde(default)]
    pub reviews_visibility: String,
    #[serde(default)]
    pub review_opens_at: String,
    #[serde(default)]
    pub review_closes_at: String,
    #[serde(default)]
    pub reviews_wanted: String,
    /// Weighted criteria, one per line: "Relevance = 2" (no weight: 1). None: one overall score.
    #[serde(default)]
    pub criteria: String,
}

/// A criterion reviewers score separately; the review's score is the weighted mean.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Criterion {
    pub name: String,
    pub weight: i32,
}

/// The criteria a settings form lists: at most 8, names unique (case aside),
/// weights 1 to 10.
pub fn parse_criteria(raw: &str) -> Result<Vec<Criterion>, FieldError> {
    let bad = |m: &str| FieldError::new("criteria", m.to_string());
    let mut out: Vec<Criterion> = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, weight) = match line.rsplit_once('=') {
            Some((n, w)) => {
                (n.trim(), w.trim().parse::<i32>().map_err(|_| bad("a weight is a whole number from 1 to 10"))?)
            }
            None => (line, 1),
        };
        if !(1..=10).contains(&weight) {
            return Err(bad("a weight is a whole number from 1 to 10"));
        }
        if name.is_empty() || name.chars().count() > 60 || name.contains('|') {
            return Err(bad("a criterion's name is 1 to 60 characters, without |"));
        }
        if out.iter().any(|c| c.name.eq_ignore_ascii_case(name)) {
            return Err(bad("each criterion once"));
        }
        out.push(Criterion { name: name.to_string(), weight });
    }
    if out.len() > 8 {
        return Err(bad("at most 8 criteria"));
    }
    Ok(out)
}

/// The review's score from its criteria's: the weighted mean, rounded half
/// away from zero (so it stays on the call's scale).
pub fn weighted_score(scores: &[(i32, i32)]) -> Option<i32> {
    let weights: i32 = scores.iter().map(|(_, w)| w).sum();
    if weights <= 0 {
        return None;
    }
    let total: i32 = scores.iter().map(|(s, w)| s * w).sum();
    Some((f64::from(total) / f64::from(weights)).round() as i32)
}

/// Review settings that hold together: a scale of 2 to 11 points within
/// -10..10, a label per point or none, a window that ends after it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSettings {
    pub score_min: i32,
    pub score_max: i32,
    /// Stored `|`-separated, as `scale` reads it; empty for plain numbers.
    pub score_labels: String,
    pub anonymised: bool,
    pub reviews_visibility: Visibility,
    pub review_opens_at: Option<DateTime<Utc>>,
    pub review_closes_at: Option<DateTime<Utc>>,
    pub reviews_wanted: i32,
    pub criteria: Vec<Criterion>,
}

fn whole(field: &'static str, raw: &str, lo: i32, hi: i32) -> Result<i32, FieldError> {
    match raw.trim().trim_start_matches('+').parse::<i32>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(FieldError::new(field, format!("must be a whole number from {lo} to {hi}"))),
    }
}

fn optional_local(field: &'static str, raw: &str, tz: chrono_tz::Tz) -> Result<Option<DateTime<Utc>>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        super::time::parse_local(field, raw, tz).map(Some)
    }
}

impl ReviewSettingsInput {
    pub fn parse(&self, tz: chrono_tz::Tz) -> Result<ReviewSettings, super::Problems> {
        let mut p = super::Problems::default();
        let min = p.check(whole("score_min", &self.score_min, -10, 9));
        let max = p.check(whole("score_max", &self.score_max, -9, 10));
        if let (Some(lo), Some(hi)) = (min, max) {
            if hi <= lo {
                p.add("score_max", "must be higher than the lowest score");
            }
        }
        let labels: Vec<&str> = self.score_labels.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if let (Some(lo), Some(hi)) = (min, max) {
            let points = (hi - lo + 1).max(0) as usize;
            if !labels.is_empty() && labels.len() != points {
                p.add("score_labels", format!("give one label per score ({points}, lowest first), or none"));
            }
        }
        if labels.iter().any(|l| l.contains('|') || l.chars().count() > 60) {
            p.add("score_labels", "a label is at most 60 characters, without |");
        }
        let visibility = match self.reviews_visibility.parse::<Visibility>() {
            Ok(v) => Some(v),
            Err(_) => {
                p.add("reviews_visibility", "choose when reviewers see others' reviews");
                None
            }
        };
        let opens = p.check(optional_local("review_opens_at", &self.review_opens_at, tz));
        let closes = p.check(optional_local("review_closes_at", &self.review_closes_at, tz));
        if let (Some(Some(o)), Some(Some(c))) = (opens, closes) {
            if c <= o {
                p.add("review_closes_at", "must be after the opening");
            }
        }
        let wanted = p.check(whole("reviews_wanted", &self.reviews_wanted, 1, 20));
        let criteria = p.check(parse_criteria(&self.criteria));
        match (min, max, visibility, opens, closes, wanted, criteria) {
            (
                Some(score_min),
                Some(score_max),
                Some(reviews_visibility),
                Some(review_opens_at),
                Some(review_closes_at),
                Some(reviews_wanted),
                Some(criteria),
            ) if p.is_empty() => Ok(ReviewSettings {
                score_min,
                score_max,
                score_labels: labels.join("|"),
                anonymised: self.anonymised.is_some(),
                reviews_visibility,
                review_opens_at,
                review_closes_at,
                reviews_wanted,
                criteria,
            }),
            _ => Err(p),
        }
    }
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
    fn preferences() {
        assert_eq!(Preference::parse("eager").unwrap().value(), 50);
        assert_eq!(Preference::parse("rather_not").unwrap().value(), -50);
        assert_eq!(Preference::parse(" +100 ").unwrap().value(), 100);
        assert_eq!(Preference::parse("-100").unwrap().value(), -100);
        assert!(Preference::parse("101").is_err());
        assert!(Preference::parse("lots").is_err());
        assert_eq!(Preference::label(0), "Willing");
        assert_eq!(Preference::label(-50), "Rather not");
    }

    #[test]
    fn review_settings() {
        let tz = chrono_tz::Europe::Prague;
        let good = ReviewSettingsInput {
            score_min: "1".into(),
            score_max: "4".into(),
            score_labels: "No\nWeak\n\nGood\nGreat\n".into(),
            anonymised: Some("on".into()),
            reviews_visibility: "always".into(),
            review_opens_at: "2027-06-01T09:00".into(),
            review_closes_at: "".into(),
            reviews_wanted: "3".into(),
            criteria: "Relevance = 2\nClarity".into(),
        };
        let s = good.parse(tz).unwrap();
        assert_eq!((s.score_min, s.score_max, s.score_labels.as_str()), (1, 4, "No|Weak|Good|Great"));
        assert!(s.anonymised && s.review_opens_at.is_some() && s.review_closes_at.is_none());
        assert_eq!(s.criteria.len(), 2);
        let bad = ReviewSettingsInput {
            score_max: "1".into(),
            score_labels: "One".into(),
            reviews_visibility: "sometimes".into(),
            reviews_wanted: "0".into(),
            ..good.clone()
        };
        let fields: Vec<_> = bad.parse(tz).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["score_max", "reviews_visibility", "reviews_wanted"]);
        let labels = ReviewSettingsInput { score_labels: "a\nb".into(), ..good };
        assert_eq!(labels.parse(tz).unwrap_err().0[0].field, "score_labels");
    }

    #[test]
    fn criteria_and_their_weighted_score() {
        let c = parse_criteria("Relevance = 2\n\nClarity\n").unwrap();
        assert_eq!(
            c,
            vec![Criterion { name: "Relevance".into(), weight: 2 }, Criterion { name: "Clarity".into(), weight: 1 }]
        );
        assert!(
            parse_criteria("A = 0").is_err() && parse_criteria("A\na").is_err() && parse_criteria("x | y").is_err()
        );
        assert!(parse_criteria("a\nb\nc\nd\ne\nf\ng\nh\ni").is_err());
        assert_eq!(weighted_score(&[(2, 2), (-1, 1)]), Some(1));
        assert_eq!(weighted_score(&[(2, 1), (1, 1)]), Some(2), "1.5 rounds away from zero");
        assert_eq!(weighted_score(&[(-2, 1), (-1, 1)]), Some(-2));
        assert_eq!(weighted_score(&[]), None);
    }

    #[test]
    fn words_round_trip() {
        use crate::domain::words::tests::round_trip;
        round_trip(AssignmentSource::ALL);
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
