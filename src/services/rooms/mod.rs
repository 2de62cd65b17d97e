//! Rooms and on-site booking: organisers set up rooms, hours and rules, block
//! rooms, cancel and move bookings; attendees with a confirmed registration book
//! free ranges. The rules are checked in `domain::booking`; the overlap is
//! refused by PostgreSQL (`room_bookings_no_overlap`) and turned into a 409 with
//! the nearest free ranges.

use crate::domain::booking::{self as rules, local_day, window, BookingKind, Refusal, Rules, Span};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms::{self as repo, Booking, Room};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

mod booking;
mod feeds;
mod manage;
mod pages;
pub mod views;

pub use booking::*;
pub use feeds::*;
pub use manage::*;
pub use pages::*;

pub const DEFAULT_RULES: Rules =
    Rules { slot_minutes: 30, max_minutes: 120, opens_days_before: None, max_per_person_day: 2 };

pub fn tz(conf: &Conference) -> Tz {
    crate::services::cfp::tz(conf)
}

/// Every day of the conference.
pub fn conference_days(conf: &Conference) -> Vec<NaiveDate> {
    conf.starts_on.iter_days().take_while(|d| *d <= conf.ends_on).take(60).collect()
}

/// The day a page shows by default: today when the conference runs, else its first day.
pub fn default_day(conf: &Conference, now: DateTime<Utc>) -> NaiveDate {
    let today = local_day(now, tz(conf));
    if today >= conf.starts_on && today <= conf.ends_on {
        today
    } else {
        conf.starts_on
    }
}

/// `[00:00, next 00:00)` of a local day, as instants.
pub fn day_bounds(day: NaiveDate, tz: Tz) -> Span {
    let at = |d: NaiveDate| {
        rules::resolve(d.and_time(NaiveTime::MIN), tz, true).unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
    };
    Span::new(at(day), at(day + Duration::days(1)))
}

// ---- why a booking did not happen ----

#[derive(Debug)]
pub enum BookError {
    /// A rule is broken (422).
    Refused(Refusal),
    /// A field names nothing usable (422).
    Field(FieldError),
    /// No confirmed registration (403).
    NotRegistered,
    /// The range is taken (409), with what to try instead.
    Taken {
        message: String,
        nearest: Vec<Span>,
        free_rooms: Vec<(Uuid, String)>,
    },
    /// The database refused an overlap; turned into `Taken` once the transaction is over.
    Clash,
    App(AppError),
}

impl From<AppError> for BookError {
    fn from(e: AppError) -> Self {
        BookError::App(e)
    }
}

impl From<diesel::result::Error> for BookError {
    fn from(e: diesel::result::Error) -> Self {
        if repo::is_clash(&e) {
            BookError::Clash
        } else {
            BookError::App(e.into())
        }
    }
}

impl BookError {
    pub fn reason(&self) -> &'static str {
        match self {
            BookError::Refused(r) => r.reason(),
            BookError::Field(_) => "invalid",
            BookError::NotRegistered => "not_registered",
            BookError::Taken { .. } | BookError::Clash => "taken",
            BookError::App(_) => "error",
        }
    }

    pub fn message(&self, tz: Tz) -> String {
        match self {
            BookError::Refused(r) => r.message(tz),
            BookError::Field(f) => format!("{}: {}", f.field, f.message),
            BookError::NotRegistered => {
                "Only attendees with a confirmed registration for this conference can book rooms.".into()
            }
            BookError::Taken { message, .. } => message.clone(),
            BookError::Clash => "That range is already taken.".into(),
            BookError::App(e) => e.message(),
        }
    }
}

fn local_input(t: DateTime<Utc>, tz: Tz) -> String {
    crate::domain::time::input_value(t, tz)
}

fn booking_title(b: &Booking) -> String {
    if b.kind() == BookingKind::Block {
        format!("Blocked: {}", b.title)
    } else {
        b.title.clone()
    }
}
