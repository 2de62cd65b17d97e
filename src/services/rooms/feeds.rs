//! The iCalendar feeds of the bookings.

use super::*;
use crate::domain::booking::local_day;
use crate::domain::ical;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::rooms as repo;
use crate::services::Db;
use crate::state::AppState;
use uuid::Uuid;

/// The iCalendar feed of all bookings, or of one room.
pub fn ical_feed(Db(conn): &mut Db, st: &AppState, conf: &Conference, room: Option<Uuid>) -> Result<String, AppError> {
    let room = match room {
        Some(id) => Some(self::room(conn, conf, id)?),
        None => None,
    };
    let list = repo::all_active(conn, conf.id, room.as_ref().map(|r| r.id))?;
    let host = st.config.base_url.split("://").nth(1).unwrap_or("plumbline").split('/').next().unwrap_or("plumbline");
    let link = format!("{}/c/{}/rooms", st.config.base_url, conf.slug);
    let summaries: Vec<String> = list.iter().map(|v| booking_title(&v.booking)).collect();
    let locations: Vec<String> = list
        .iter()
        .map(|v| {
            if v.room_location.is_empty() {
                v.room_name.clone()
            } else {
                format!("{}, {}", v.room_name, v.room_location)
            }
        })
        .collect();
    let events: Vec<ical::Event> = list
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let s = v.span();
            ical::Event {
                uid: format!("booking-{}@{host}", v.booking.public_id),
                stamp: v.booking.updated_at,
                start: s.start,
                end: s.end,
                summary: &summaries[i],
                description: &v.booking.description,
                location: &locations[i],
                url: Some(format!("{link}?date={}", local_day(s.start, tz(conf)))),
                sequence: 0,
                cancelled: false,
            }
        })
        .collect();
    let name = match &room {
        Some(r) => format!("{} · {}", r.name, conf.name),
        None => format!("Room bookings · {}", conf.name),
    };
    Ok(ical::calendar(&name, &events))
}
