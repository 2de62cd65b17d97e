//! What the rooms pages and the JSON API show, one type per page or resource,
//! each built here and nowhere else. A booking is `BookingDetail` wherever its
//! booker or an organiser reads it (pages and the API alike), `PublicBooking`
//! where anyone may (the API's day of a room).
//!
//! The API's bytes must not change: without serde_json's `preserve_order` a
//! `json!` object came out with its keys sorted, so the API's types declare
//! their fields in alphabetical order.

use super::{booking_title, conference_days, local_input};
use crate::domain::booking::{span_label, BookingKind, SettingsInput, Span};
use crate::services::repo::rooms::{BookingView, Room};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

/// A room, on the pages and in the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoomView {
    pub bookable: bool,
    pub capacity: i32,
    pub equipment: String,
    pub id: Uuid,
    pub location: String,
    pub name: String,
    pub position: i32,
}

impl From<&Room> for RoomView {
    fn from(r: &Room) -> Self {
        RoomView {
            bookable: r.bookable,
            capacity: r.capacity,
            equipment: r.equipment.clone(),
            id: r.public_id,
            location: r.location.clone(),
            name: r.name.clone(),
            position: r.position,
        }
    }
}

/// The room a booking is in, by id and name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingRoom {
    pub id: Uuid,
    pub name: String,
}

/// A booking as its booker and the organisers read it: on "my bookings", the
/// organisers' list and move form, and in the API's answers to booking and
/// cancelling.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingDetail {
    pub cancelled: bool,
    pub description: String,
    pub display_title: String,
    pub ends_at: String,
    pub ends_local: String,
    pub id: Uuid,
    pub kind: BookingKind,
    pub label: String,
    pub minutes: i64,
    pub past: bool,
    pub proposal: Option<Uuid>,
    pub proposal_title: Option<String>,
    pub room: BookingRoom,
    pub starts_at: String,
    pub starts_local: String,
    pub time_zone: &'static str,
    pub title: String,
}

impl BookingDetail {
    pub fn new(v: &BookingView, tz: Tz, now: DateTime<Utc>) -> Self {
        let s = v.span();
        BookingDetail {
            cancelled: v.booking.cancelled_at.is_some(),
            description: v.booking.description.clone(),
            display_title: booking_title(&v.booking),
            ends_at: s.end.to_rfc3339(),
            ends_local: local_input(s.end, tz),
            id: v.booking.public_id,
            kind: v.booking.kind,
            label: span_label(&s, tz),
            minutes: s.minutes(),
            past: s.end <= now,
            proposal: v.proposal_public_id,
            proposal_title: v.proposal_title.clone(),
            room: BookingRoom { id: v.room_public_id, name: v.room_name.clone() },
            starts_at: s.start.to_rfc3339(),
            starts_local: local_input(s.start, tz),
            time_zone: tz.name(),
            title: v.booking.title.clone(),
        }
    }
}

/// A booking as anyone may read it (no booker, nothing personal).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicBooking {
    pub description: String,
    pub ends_at: String,
    pub id: Uuid,
    pub kind: BookingKind,
    pub label: String,
    pub proposal: Option<Uuid>,
    pub room: BookingRoom,
    pub starts_at: String,
    pub time_zone: &'static str,
    pub title: String,
}

impl PublicBooking {
    pub fn new(v: &BookingView, tz: Tz) -> Self {
        let s = v.span();
        PublicBooking {
            description: v.booking.description.clone(),
            ends_at: s.end.to_rfc3339(),
            id: v.booking.public_id,
            kind: v.booking.kind,
            label: span_label(&s, tz),
            proposal: v.proposal_public_id,
            room: BookingRoom { id: v.room_public_id, name: v.room_name.clone() },
            starts_at: s.start.to_rfc3339(),
            time_zone: tz.name(),
            title: v.booking.title.clone(),
        }
    }
}

/// The API's bookings of one room on one day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoomDay {
    pub bookings: Vec<PublicBooking>,
    pub date: String,
    pub room: RoomView,
    pub time_zone: &'static str,
}

/// A day in the tabs of the grid and of the organisers' list.
#[derive(Debug, Clone, Serialize)]
pub struct DayTab {
    pub date: String,
    pub label: String,
    pub current: bool,
}

impl DayTab {
    /// Every day of the conference, `day` the current one.
    pub fn all(conf: &crate::services::repo::conferences::Conference, day: NaiveDate) -> Vec<DayTab> {
        conference_days(conf)
            .iter()
            .map(|d| DayTab { date: d.to_string(), label: d.format("%a %-d %b").to_string(), current: *d == day })
            .collect()
    }
}

/// The day a page shows, with a tab for every day of the conference.
#[derive(Debug, Clone, Serialize)]
pub struct DayShown {
    pub day: String,
    pub day_label: String,
    pub days: Vec<DayTab>,
    pub time_zone: Tz,
}

impl DayShown {
    pub fn new(conf: &crate::services::repo::conferences::Conference, day: NaiveDate) -> DayShown {
        DayShown {
            day: day.to_string(),
            day_label: day.format("%A %-d %B %Y").to_string(),
            days: DayTab::all(conf, day),
            time_zone: conf.time_zone,
        }
    }
}

/// The grid page `/c/{slug}/rooms`.
#[derive(Debug, Clone, Serialize)]
pub struct GridPage {
    #[serde(flatten)]
    pub shown: DayShown,
    pub configured: bool,
    pub rooms: Vec<RoomView>,
    pub rows: Vec<GridRow>,
    /// Absent when booking is not set up or the day has no hours.
    #[serde(flatten)]
    pub rules: Option<GridRules>,
}

/// The day's rules, as the grid states them above the table.
#[derive(Debug, Clone, Serialize)]
pub struct GridRules {
    pub opens_at: String,
    pub open: bool,
    pub hours_label: String,
    pub slot_minutes: i64,
    pub max_label: String,
    pub max_per_day: i64,
}

/// One slot of the grid, across the rooms.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub time: String,
    pub zone: String,
    pub now: bool,
    pub cells: Vec<GridCell>,
}

/// A cell of the grid: taken (possibly spanning several slots) or free.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum GridCell {
    Taken(TakenCell),
    Free(FreeCell),
}

#[derive(Debug, Clone, Serialize)]
pub struct TakenCell {
    /// Always true: the template tells the two kinds of cell apart by it.
    pub taken: bool,
    pub rowspan: usize,
    pub title: String,
    pub block: bool,
    /// The booking: the page marks it "yours" for its booker (see `web::overlay`).
    pub id: Uuid,
    pub label: String,
    pub room: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreeCell {
    /// Always false.
    pub taken: bool,
    pub past: bool,
    pub room: String,
    pub room_id: Uuid,
    pub start: String,
    pub time: String,
}

/// The room board `/c/{slug}/board`.
#[derive(Debug, Clone, Serialize)]
pub struct BoardPage {
    pub rooms: Vec<BoardRoom>,
    pub clock: String,
    pub zone: String,
    pub date: String,
    pub time_zone: Tz,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardRoom {
    pub name: String,
    pub location: String,
    pub capacity: i32,
    pub bookable: bool,
    pub now: Option<BoardItem>,
    pub next: Option<BoardItem>,
}

/// What is on in a room now, or next.
#[derive(Debug, Clone, Serialize)]
pub struct BoardItem {
    pub title: String,
    /// Empty when it is today.
    pub day: String,
    pub from: String,
    pub until: String,
    pub block: bool,
}

/// "My bookings".
#[derive(Debug, Clone, Serialize)]
pub struct MinePage {
    pub bookings: Vec<BookingDetail>,
    pub registered: bool,
}

/// A booking in the organisers' list, with who booked it.
#[derive(Debug, Clone, Serialize)]
pub struct OrganiserBooking {
    #[serde(flatten)]
    pub booking: BookingDetail,
    pub booker: String,
}

/// The organisers' bookings of a day.
#[derive(Debug, Clone, Serialize)]
pub struct BookingsPage {
    #[serde(flatten)]
    pub shown: DayShown,
    pub bookings: Vec<OrganiserBooking>,
    pub rooms: Vec<RoomView>,
}

/// The organisers' move form: the booking, who booked it, the rooms it may move to.
#[derive(Debug, Clone, Serialize)]
pub struct MovePage {
    pub booking: BookingDetail,
    pub booker: String,
    pub rooms: Vec<RoomView>,
}

/// The API's rooms of a conference.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoomList {
    pub rooms: Vec<RoomView>,
    /// An IANA time zone name, e.g. "Europe/Prague".
    #[schema(value_type = String)]
    pub time_zone: Tz,
}

/// The organisers' rooms page: the rooms and the settings form.
#[derive(Debug, Clone, Serialize)]
pub struct ManagePage {
    pub rooms: Vec<RoomView>,
    pub configured: bool,
    pub settings: SettingsInput,
}

/// What the booking form offers.
#[derive(Debug, Clone, Serialize)]
pub struct FormOptions {
    pub configured: bool,
    pub rooms: Vec<RoomView>,
    pub lengths: Vec<LengthOption>,
    pub proposals: Vec<ProposalOption>,
    pub registered: bool,
    pub slot_minutes: i64,
    pub time_zone: Tz,
}

#[derive(Debug, Clone, Serialize)]
pub struct LengthOption {
    pub minutes: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalOption {
    pub id: String,
    pub title: String,
}

/// The API's refusal of a booking: the message, and a stable word for scripts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Refused {
    pub error: String,
    pub reason: &'static str,
}

/// The API's 409 when a range is taken: the message, and what to try instead.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TakenRefusal {
    pub error: String,
    pub free_rooms: Vec<BookingRoom>,
    pub nearest_free: Vec<FreeRange>,
    pub reason: &'static str,
}

/// A free range of the length asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FreeRange {
    pub ends_at: String,
    pub label: String,
    pub starts_at: String,
}

impl TakenRefusal {
    pub fn new(message: &str, nearest: &[Span], free_rooms: &[(Uuid, String)], tz: Tz) -> Self {
        TakenRefusal {
            error: message.to_string(),
            free_rooms: free_rooms.iter().map(|(id, name)| BookingRoom { id: *id, name: name.clone() }).collect(),
            nearest_free: nearest
                .iter()
                .map(|s| FreeRange {
                    ends_at: s.end.to_rfc3339(),
                    label: span_label(s, tz),
                    starts_at: s.start.to_rfc3339(),
                })
                .collect(),
            reason: "taken",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::repo::rooms::Booking;
    use serde_json::json;
    use std::ops::Bound;

    fn view(kind: &str) -> BookingView {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        BookingView {
            booking: Booking {
                id: 1,
                public_id: Uuid::from_u128(7),
                conference_id: 1,
                room_id: 2,
                user_id: 3,
                kind: kind.parse().unwrap(),
                title: "BoF".into(),
                description: "All welcome".into(),
                proposal_id: None,
                during: (Bound::Included(at("2027-11-18T09:00:00Z")), Bound::Excluded(at("2027-11-18T10:30:00Z"))),
                created_at: at("2027-11-01T00:00:00Z"),
                updated_at: at("2027-11-01T00:00:00Z"),
                cancelled_at: None,
                cancelled_by: None,
            },
            room_public_id: Uuid::from_u128(9),
            room_name: "Room 2.15".into(),
            room_location: String::new(),
            booker_name: "Ada".into(),
            proposal_public_id: Some(Uuid::from_u128(11)),
            proposal_title: Some("eBPF BoF".into()),
        }
    }

    /// The API's bytes are those the `json!` objects gave (sorted keys).
    #[test]
    fn a_booking_serialises_as_the_json_it_replaced() {
        let tz: Tz = "Europe/Prague".parse().unwrap();
        let now = DateTime::parse_from_rfc3339("2027-11-18T10:00:00Z").unwrap().with_timezone(&Utc);
        let v = view("block");
        let s = v.span();
        let old = json!({
            "id": v.booking.public_id, "kind": v.booking.kind, "title": v.booking.title,
            "display_title": booking_title(&v.booking),
            "description": v.booking.description,
            "room": { "id": v.room_public_id, "name": v.room_name },
            "starts_at": s.start.to_rfc3339(), "ends_at": s.end.to_rfc3339(),
            "starts_local": local_input(s.start, tz), "ends_local": local_input(s.end, tz),
            "minutes": s.minutes(),
            "label": span_label(&s, tz), "time_zone": tz.name(),
            "proposal": v.proposal_public_id, "proposal_title": v.proposal_title,
            "cancelled": v.booking.cancelled_at.is_some(), "past": s.end <= now,
        });
        let new = BookingDetail::new(&v, tz, now);
        assert_eq!(serde_json::to_string(&new).unwrap(), serde_json::to_string(&old).unwrap());
        assert_eq!(new.kind, BookingKind::Block);
        let old_public = json!({
            "id": v.booking.public_id, "kind": v.booking.kind, "title": v.booking.title,
            "description": v.booking.description,
            "room": { "id": v.room_public_id, "name": v.room_name },
            "starts_at": s.start.to_rfc3339(), "ends_at": s.end.to_rfc3339(),
            "label": span_label(&s, tz), "time_zone": tz.name(),
            "proposal": v.proposal_public_id,
        });
        let public = PublicBooking::new(&view("booking"), tz);
        assert_eq!(public.kind, BookingKind::Booking);
        let old_public = old_public.to_string().replace("\"block\"", "\"booking\"");
        assert_eq!(serde_json::to_string(&public).unwrap(), old_public);
    }

    #[test]
    fn the_taken_refusal_serialises_as_the_json_it_replaced() {
        let tz: Tz = "Europe/Prague".parse().unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let nearest = vec![Span::new(at("2027-11-18T11:00:00Z"), at("2027-11-18T12:00:00Z"))];
        let free_rooms = vec![(Uuid::from_u128(5), "Room 1.62".to_string())];
        let old = json!({
            "error": "taken then", "reason": "taken",
            "nearest_free": nearest.iter().map(|s| json!({
                "starts_at": s.start.to_rfc3339(), "ends_at": s.end.to_rfc3339(),
                "label": span_label(s, tz),
            })).collect::<Vec<_>>(),
            "free_rooms": free_rooms.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
        });
        let new = TakenRefusal::new("taken then", &nearest, &free_rooms, tz);
        assert_eq!(serde_json::to_string(&new).unwrap(), old.to_string());
    }
}
