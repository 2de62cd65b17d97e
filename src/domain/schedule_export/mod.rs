//! The published schedule as the files schedule apps and calendars read: frab
//! XML (Giggity, ConfClerk, EventFahrplan), frab-compatible JSON, and
//! iCalendar (RFC 5545). Pure functions of an `Export`: no clock, no I/O, so
//! one published version always exports the same bytes.
//!
//! All three formats share one layout: a conference day is a local date in the
//! conference's time zone, and a session belongs to the day on which it starts
//! there (a session crossing midnight stays on its first day).

mod frab_json;
mod frab_xml;
mod icalendar;
mod layout;
mod names;
#[cfg(test)]
mod tests;

pub use frab_json::frab_json;
pub use frab_xml::frab_xml;
pub use icalendar::{fold_line, ical_escape, icalendar};

const GENERATOR: &str = "plumbline";
const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");
const JSON_SCHEMA_ID: &str = "https://c3voc.de/schedule/schema.json";
/// The grid schedule apps snap to; the editor places sessions on 5-minute steps.
const TIMESLOT: &str = "00:05";
const LANGUAGE: &str = "en";
/// Long titles make unwieldy slugs (they end up in file names of recordings).
const MAX_TITLE_SLUG: usize = 60;
/// The XSD allows at most two digits of hours in a duration.
const MAX_DURATION_MINUTES: i64 = 99 * 60 + 59;
