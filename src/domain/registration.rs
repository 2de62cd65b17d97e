//! Registration rules without I/O: the attendee form, settings, comp codes, CSV cells.

use super::fees::parse_local;
use super::{text, FieldError, Problems};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

stored_words! {
    /// Where a registration stands, as stored in `registrations.status` (a CHECK
    /// constraint there allows exactly these words) and as the API and pages show it.
    pub enum Status {
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        Offered = "offered",
        Cancelled = "cancelled",
        Expired = "expired",
    }
}

stored_words! {
    /// Whether the fee is settled, as stored in `registrations.payment_status`.
    pub enum PaymentStatus {
        Unpaid = "unpaid",
        /// An organiser sent an invoice: payment is due, but the seat no longer lapses.
        Invoiced = "invoiced",
        Paid = "paid",
        /// Part of the money went back; the seat stays.
        PartiallyRefunded = "partially_refunded",
        Refunded = "refunded",
        NotDue = "not_due",
    }
}

impl Status {
    /// Words people read for a status.
    pub fn label(self) -> &'static str {
        match self {
            Status::Confirmed => "Confirmed",
            Status::Waitlisted => "On the waitlist",
            Status::Offered => "Seat offered",
            Status::Cancelled => "Cancelled",
            Status::Expired => "Offer expired",
        }
    }

    /// Those that hold or wait for a seat (the database allows one such per person).
    pub const ACTIVE: [Status; 3] = [Status::Confirmed, Status::Waitlisted, Status::Offered];

    pub fn is_active(self) -> bool {
        Status::ACTIVE.contains(&self)
    }
}

impl PaymentStatus {
    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "Not paid yet",
            PaymentStatus::Invoiced => "Invoiced, payment due",
            PaymentStatus::Paid => "Paid",
            PaymentStatus::PartiallyRefunded => "Paid, partly refunded",
            PaymentStatus::Refunded => "Refunded",
            PaymentStatus::NotDue => "Nothing to pay",
        }
    }

    /// Money came in for it (a receipt exists).
    pub fn has_payment(self) -> bool {
        matches!(self, PaymentStatus::Paid | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded)
    }

    /// Money is still to come in for it.
    pub fn is_due(self) -> bool {
        matches!(self, PaymentStatus::Unpaid | PaymentStatus::Invoiced)
    }
}

/// The registration form (and the API body) as sent. The fee is deliberately not
/// here: nothing a client sends can set it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    #[serde(default)]
    pub ticket_type: String,
    #[serde(default)]
    pub badge_name: String,
    #[serde(default)]
    pub affiliation: String,
    #[serde(default)]
    pub dietary: String,
    #[serde(default)]
    pub accessibility: String,
    /// A checkbox: present ("on", "true", "yes", "1") means consent.
    #[serde(default)]
    pub public_listing: Option<serde_json::Value>,
    #[serde(default)]
    pub code: String,
}

#[derive(Debug, Clone)]
pub struct RegistrationDraft {
    /// The ticket type's id (forms) or its name (API), resolved by the service.
    pub ticket_type: String,
    pub badge_name: String,
    pub affiliation: String,
    pub dietary: String,
    pub accessibility: String,
    pub public_listing: bool,
    pub code: Option<String>,
}

fn truthy(v: &Option<serde_json::Value>) -> bool {
    match v {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => {
            matches!(s.to_ascii_lowercase().as_str(), "on" | "true" | "yes" | "1")
        }
        Some(serde_json::Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

impl RegistrationInput {
    pub fn consent(&self) -> bool {
        truthy(&self.public_listing)
    }

    pub fn parse(&self) -> Result<RegistrationDraft, Problems> {
        let mut p = Problems::default();
        let ticket_type = match text::single_line("ticket_type", &self.ticket_type, 1, 100) {
            Ok(t) => Some(t),
            Err(_) => {
                p.add("ticket_type", "choose a ticket type");
                None
            }
        };
        let badge_name = p.check(text::single_line("badge_name", &self.badge_name, 1, 100));
        let affiliation = p.check(text::single_line("affiliation", &self.affiliation, 0, 200));
        let dietary = p.check(text::multi_line("dietary", &self.dietary, 0, 500));
        let accessibility = p.check(text::multi_line("accessibility", &self.accessibility, 0, 500));
        let code = if self.code.trim().is_empty() { Some(None) } else { p.check(normalise_code(&self.code)).map(Some) };
        match (ticket_type, badge_name, affiliation, dietary, accessibility, code) {
            (
                Some(ticket_type),
                Some(badge_name),
                Some(affiliation),
                Some(dietary),
                Some(accessibility),
                Some(code),
            ) if p.is_empty() => Ok(RegistrationDraft {
                ticket_type,
                badge_name,
                affiliation,
                dietary,
                accessibility,
                public_listing: self.consent(),
                code,
            }),
            _ => Err(p),
        }
    }
}

/// Comp codes are case-insensitive on entry: stored and compared upper-case,
/// spaces and dashes people add while copying are dropped.
pub fn normalise_code(raw: &str) -> Result<String, FieldError> {
    let v: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    if (6..=32).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(v)
    } else {
        Err(FieldError::new("code", "is not a valid code (letters and digits, as mailed to you)"))
    }
}

/// Registration window, cap and offer validity as the settings form sends them.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SettingsInput {
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub attendance_cap: String,
    #[serde(default)]
    pub offer_hours: String,
    #[serde(default)]
    pub hold_hours: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub attendance_cap: i32,
    pub offer_hours: i32,
    /// How long an unpaid seat is held before it lapses to the waitlist.
    pub hold_hours: i32,
}

/// Bounds of `hold_hours` (the database checks the same): at least an hour, at most 30 days.
pub const HOLD_HOURS: std::ops::RangeInclusive<i32> = 1..=720;

impl SettingsInput {
    pub fn parse(&self, tz: Tz) -> Result<Settings, Problems> {
        let mut p = Problems::default();
        let opt = |p: &mut Problems, field, raw: &str| {
            if raw.trim().is_empty() {
                Some(None)
            } else {
                p.check(parse_local(field, raw, tz)).map(Some)
            }
        };
        let opens_at = opt(&mut p, "opens_at", &self.opens_at);
        let closes_at = opt(&mut p, "closes_at", &self.closes_at);
        let cap = match self.attendance_cap.trim().parse::<i32>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                p.add("attendance_cap", "use a whole number between 1 and 1000000");
                None
            }
        };
        let hours = match self.offer_hours.trim().parse::<i32>() {
            Ok(n) if (1..=720).contains(&n) => Some(n),
            _ => {
                p.add("offer_hours", "use a whole number of hours between 1 and 720");
                None
            }
        };
        let hold = match self.hold_hours.trim().parse::<i32>() {
            Ok(n) if HOLD_HOURS.contains(&n) => Some(n),
            _ => {
                p.add("hold_hours", "use a whole number of hours between 1 and 720 (30 days)");
                None
            }
        };
        if let (Some(Some(o)), Some(Some(c))) = (opens_at, closes_at) {
            if c <= o {
                p.add("closes_at", "must be after the opening");
            }
        }
        match (opens_at, closes_at, cap, hours, hold) {
            (Some(opens_at), Some(closes_at), Some(attendance_cap), Some(offer_hours), Some(hold_hours))
                if p.is_empty() =>
            {
                Ok(Settings { opens_at, closes_at, attendance_cap, offer_hours, hold_hours })
            }
            _ => Err(p),
        }
    }
}

/// Whether registration is open at `now` for a window (either end may be unset).
pub fn window_open(opens_at: Option<DateTime<Utc>>, closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    opens_at.is_none_or(|o| now >= o) && closes_at.is_none_or(|c| now < c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn statuses_map_to_the_stored_words_and_back() {
        use super::{PaymentStatus, Status};
        for s in [Status::Confirmed, Status::Waitlisted, Status::Offered, Status::Cancelled, Status::Expired] {
            assert_eq!(s.as_str().parse(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        for p in [
            PaymentStatus::Unpaid,
            PaymentStatus::Invoiced,
            PaymentStatus::Paid,
            PaymentStatus::Refunded,
            PaymentStatus::NotDue,
        ] {
            assert_eq!(p.as_str().parse(), Ok(p));
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.as_str()));
        }
        assert_eq!(serde_json::to_value(PaymentStatus::NotDue).unwrap(), serde_json::json!("not_due"));
        assert!("pending".parse::<Status>().is_err());
        assert!(Status::Offered.is_active() && !Status::Expired.is_active());
    }

    use super::*;

    #[test]
    fn codes_are_case_insensitive() {
        assert_eq!(normalise_code(" abcd-efgh ").unwrap(), "ABCDEFGH");
        assert!(normalise_code("abc").is_err());
        assert!(normalise_code("abc;drop").is_err());
    }

    #[test]
    fn registration_form() {
        let input = RegistrationInput {
            ticket_type: uuid::Uuid::nil().to_string(),
            badge_name: " Ada ".into(),
            public_listing: Some(serde_json::json!("on")),
            ..Default::default()
        };
        let d = input.parse().unwrap();
        assert_eq!(d.badge_name, "Ada");
        assert!(d.public_listing);
        assert!(d.code.is_none());
        let bad = RegistrationInput { ticket_type: " ".into(), ..Default::default() };
        let fields: Vec<_> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["ticket_type", "badge_name"]);
    }

    #[test]
    fn settings_form() {
        let s = SettingsInput {
            opens_at: "2027-03-28 02:30".into(),
            closes_at: "".into(),
            attendance_cap: "300".into(),
            offer_hours: "48".into(),
            hold_hours: "72".into(),
        };
        let p = s.parse(chrono_tz::Europe::Vienna).unwrap_err();
        assert_eq!(p.0[0].field, "opens_at");
        let ok = SettingsInput { opens_at: "".into(), ..s.clone() }.parse(chrono_tz::Europe::Vienna).unwrap();
        assert_eq!(ok.attendance_cap, 300);
        assert_eq!(ok.hold_hours, 72);
        assert!(window_open(ok.opens_at, ok.closes_at, Utc::now()));
        for bad in ["0", "721", "", "3.5", "many"] {
            let input = SettingsInput { opens_at: "".into(), hold_hours: bad.into(), ..s.clone() };
            let p = input.parse(chrono_tz::Europe::Vienna).unwrap_err();
            assert_eq!(p.0.iter().map(|e| e.field).collect::<Vec<_>>(), vec!["hold_hours"], "{bad}");
        }
    }

    #[test]
    fn words_round_trip() {
        crate::domain::words::tests::round_trip(Status::ALL);
        crate::domain::words::tests::round_trip(PaymentStatus::ALL);
    }
}
