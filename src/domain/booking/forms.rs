//! The booking forms as typed (organisers' settings, a room, a booking), parsed
//! into drafts the services store.

use super::*;

/// The organisers' settings form as typed. Day hours arrive as `opens-YYYY-MM-DD`
/// and `closes-YYYY-MM-DD` fields; an empty pair means no booking that day.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SettingsInput {
    pub slot_minutes: String,
    pub max_minutes: String,
    pub opens: String,
    pub max_per_day: String,
    pub days: Vec<DayInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DayInput {
    pub day: NaiveDate,
    pub label: String,
    pub opens: String,
    pub closes: String,
}

impl SettingsInput {
    /// Reads the flat form for the conference's days.
    pub fn from_form(form: &HashMap<String, String>, days: &[NaiveDate]) -> SettingsInput {
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        SettingsInput {
            slot_minutes: get("slot_minutes"),
            max_minutes: get("max_minutes"),
            opens: get("opens"),
            max_per_day: get("max_per_day"),
            days: days
                .iter()
                .map(|d| DayInput {
                    day: *d,
                    label: d.format("%a %-d %b %Y").to_string(),
                    opens: get(&format!("opens-{d}")),
                    closes: get(&format!("closes-{d}")),
                })
                .collect(),
        }
    }

    pub fn parse(&self) -> Result<(Rules, Vec<Hours>), Problems> {
        let mut p = Problems::default();
        let slot = p.check(whole("slot_minutes", &self.slot_minutes, 5, 240));
        if let Some(s) = slot {
            if 1440 % s != 0 {
                p.add("slot_minutes", "use a length that divides a day evenly, like 15, 20, 30 or 60");
            }
        }
        let max = p.check(whole("max_minutes", &self.max_minutes, 5, 1440));
        if let (Some(s), Some(m)) = (slot, max) {
            if m < s || m % s != 0 {
                p.add("max_minutes", format!("use a whole number of slots ({s}, {}, …)", 2 * s));
            }
        }
        let opens = match self.opens.trim() {
            "start" => Some(None),
            raw => match raw.parse::<i32>() {
                Ok(n) if (0..=365).contains(&n) => Some(Some(n)),
                _ => {
                    p.add("opens", "choose when booking opens");
                    None
                }
            },
        };
        let per_day = p.check(whole("max_per_day", &self.max_per_day, 1, 50));
        let mut hours = Vec::new();
        for d in &self.days {
            let (o, c) = (d.opens.trim(), d.closes.trim());
            if o.is_empty() && c.is_empty() {
                continue;
            }
            let field = "days";
            let parse = |v: &str| NaiveTime::parse_from_str(v, "%H:%M").ok();
            match (parse(o), parse(c)) {
                (Some(opens), Some(closes)) if closes > opens => {
                    if let Some(s) = slot {
                        if (closes - opens).num_minutes() % s != 0 {
                            p.add(field, format!("{}: the hours must be a whole number of {s}-minute slots", d.label));
                            continue;
                        }
                    }
                    hours.push(Hours { day: d.day, opens, closes })
                }
                (Some(_), Some(_)) => {
                    p.add(field, format!("{}: the closing time must be after the opening time", d.label))
                }
                _ => p.add(field, format!("{}: give both times like 09:00 and 18:00, or leave both empty", d.label)),
            }
        }
        match (slot, max, opens, per_day) {
            (Some(slot), Some(max), Some(opens), Some(per_day)) if p.is_empty() => Ok((
                Rules { slot_minutes: slot, max_minutes: max, opens_days_before: opens, max_per_person_day: per_day },
                hours,
            )),
            _ => Err(p),
        }
    }
}

fn whole(field: &'static str, raw: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, format!("use a whole number from {min} to {max}"))),
    }
}

/// A room as organisers type it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoomInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub bookable: Option<String>,
    #[serde(default)]
    pub position: String,
    /// Ticked: registrants of co-located conferences may book it too.
    #[serde(default)]
    pub open_to_co_located: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RoomDraft {
    pub name: String,
    pub capacity: i32,
    pub equipment: String,
    pub location: String,
    pub bookable: bool,
    pub position: i32,
    /// "own" or "co_located".
    pub open_to: &'static str,
}

impl RoomInput {
    pub fn parse(&self) -> Result<RoomDraft, Problems> {
        use crate::domain::text::{multi_line, single_line};
        let mut p = Problems::default();
        let name = p.check(single_line("name", &self.name, 1, 100));
        let capacity = p.check(whole("capacity", &self.capacity, 1, 100_000));
        let equipment = p.check(multi_line("equipment", &self.equipment, 0, 500));
        let location = p.check(single_line("location", &self.location, 0, 200));
        let position = if self.position.trim().is_empty() {
            Some(0)
        } else {
            p.check(whole("position", &self.position, -1000, 1000))
        };
        match (name, capacity, equipment, location, position) {
            (Some(name), Some(capacity), Some(equipment), Some(location), Some(position)) => Ok(RoomDraft {
                name,
                capacity: capacity as i32,
                equipment,
                location,
                bookable: self.bookable.is_some(),
                position: position as i32,
                open_to: if self.open_to_co_located.is_some() { "co_located" } else { "own" },
            }),
            _ => Err(p),
        }
    }
}

/// A booking as an attendee types it on the form: the start in the conference's
/// zone and a length in minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BookingInput {
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub proposal: String,
}

#[derive(Debug, Clone)]
pub struct BookingDraft {
    pub room: uuid::Uuid,
    pub span: Span,
    pub title: String,
    pub description: String,
    pub proposal: Option<uuid::Uuid>,
}

/// Title and description, shared by the form and the API.
pub fn parse_text(p: &mut Problems, title: &str, description: &str) -> (Option<String>, Option<String>) {
    use crate::domain::text::{multi_line, single_line};
    (p.check(single_line("title", title, 1, 120)), p.check(multi_line("description", description, 0, 1000)))
}

impl BookingInput {
    pub fn parse(&self, tz: Tz) -> Result<BookingDraft, Problems> {
        let mut p = Problems::default();
        let room = uuid::Uuid::parse_str(self.room.trim()).ok();
        if room.is_none() {
            p.add("room", "choose a room");
        }
        let start = p.check(crate::domain::time::parse_local("start", &self.start, tz));
        let minutes = p.check(whole("minutes", &self.minutes, 5, 1440));
        let (title, description) = parse_text(&mut p, &self.title, &self.description);
        let proposal = match self.proposal.trim() {
            "" => Some(None),
            raw => match uuid::Uuid::parse_str(raw) {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    p.add("proposal", "choose one of your unconference proposals, or none");
                    None
                }
            },
        };
        match (room, start, minutes, title, description, proposal) {
            (Some(room), Some(start), Some(m), Some(title), Some(description), Some(proposal)) => Ok(BookingDraft {
                room,
                span: Span::new(start, start + Duration::minutes(m)),
                title,
                description,
                proposal,
            }),
            _ => Err(p),
        }
    }
}
