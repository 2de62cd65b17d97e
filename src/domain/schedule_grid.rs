//! One day of the schedule as a table: rooms as columns, quarter hours as rows
//! in the conference's zone, each session a cell spanning its rows. The rows
//! step through real instants, so a day with a DST change has its 02:00 twice
//! (or not at all) exactly as the clocks do. Pure: the editor and the public
//! grid both render it.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

/// Rows are this long.
pub const STEP_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize)]
pub struct GridRoom {
    pub guid: Uuid,
    pub name: String,
    pub capacity: i32,
}

/// A session to lay out (the caller decides which: topics go inside their MC).
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub guid: Uuid,
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    pub track: Option<String>,
    pub people: String,
    pub room: Uuid,
    #[serde(skip)]
    pub starts_at: DateTime<Utc>,
    #[serde(skip)]
    pub ends_at: DateTime<Utc>,
    /// "09:00–12:30", local.
    pub times: String,
    /// Its start as a `datetime-local` value (what the place form takes).
    pub start_value: String,
    pub minutes: i64,
    /// Lines shown inside the block (an MC's topics).
    pub inside: Vec<String>,
    pub warnings: Vec<String>,
    /// Speakers who have not confirmed yet, by name.
    pub unconfirmed: Vec<String>,
}

/// A cell to render: a session spanning `rowspan` rows, or free quarter hours
/// of `colspan` neighbouring rooms (one cell for a run of free rooms keeps a
/// day of 40 rooms a table of a few hundred cells, not two thousand).
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub block: Option<Entry>,
    pub rowspan: usize,
    pub colspan: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// "09:15", local; the first row of each hour is marked.
    pub time: String,
    pub hour: bool,
    /// The row's start as a `datetime-local` value.
    pub starts_at: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayTable {
    pub day: NaiveDate,
    pub label: String,
    pub rooms: Vec<GridRoom>,
    pub rows: Vec<Row>,
}

fn local_instant(day: NaiveDate, h: u32, tz: Tz) -> DateTime<Utc> {
    let t = day.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
    // In a gap (spring forward) the next valid instant; when doubled, the first.
    tz.from_local_datetime(&t)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(t + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| t.and_utc())
}

/// Floors an instant to the row grid that starts at `origin`.
fn row_of(origin: DateTime<Utc>, t: DateTime<Utc>) -> i64 {
    (t - origin).num_minutes().div_euclid(STEP_MINUTES)
}

/// The table of `day`: at least 08:00 to 20:00 local, widened to the day's sessions.
pub fn day_table(day: NaiveDate, tz: Tz, rooms: &[GridRoom], entries: &[Entry]) -> DayTable {
    let midnight = local_instant(day, 0, tz);
    let next_midnight = local_instant(day + Duration::days(1), 0, tz);
    let todays: Vec<&Entry> = entries.iter().filter(|e| e.starts_at < next_midnight && e.ends_at > midnight).collect();
    let first = todays.iter().map(|e| e.starts_at.max(midnight)).min();
    let last = todays.iter().map(|e| e.ends_at.min(next_midnight)).max();
    let start = first.map_or(local_instant(day, 8, tz), |f| f.min(local_instant(day, 8, tz)));
    let end = last.map_or(local_instant(day, 20, tz), |l| l.max(local_instant(day, 20, tz)));
    // Rows start on a quarter hour from local midnight.
    let origin = midnight + Duration::minutes(row_of(midnight, start) * STEP_MINUTES);
    let n = ((end - origin).num_minutes() + STEP_MINUTES - 1).div_euclid(STEP_MINUTES).max(1) as usize;
    // Which rows of each room a block covers, and where blocks start.
    let mut covered = vec![vec![false; rooms.len()]; n];
    let mut starts: Vec<Vec<Option<(&Entry, usize)>>> = vec![vec![None; rooms.len()]; n];
    for e in &todays {
        let Some(col) = rooms.iter().position(|r| r.guid == e.room) else { continue };
        let first_row = row_of(origin, e.starts_at.max(origin)).max(0) as usize;
        let end_row =
            ((e.ends_at.min(next_midnight) - origin).num_minutes() + STEP_MINUTES - 1).div_euclid(STEP_MINUTES);
        let end_row = (end_row.max(first_row as i64 + 1) as usize).min(n);
        if first_row >= n || (first_row..end_row).any(|r| covered[r][col]) {
            // The room constraint keeps blocks apart; a clash here is shown in the list, not drawn twice.
            continue;
        }
        for row in covered.iter_mut().take(end_row).skip(first_row) {
            row[col] = true;
        }
        starts[first_row][col] = Some((e, end_row - first_row));
    }
    let rows = (0..n)
        .map(|i| {
            let at = origin + Duration::minutes(i as i64 * STEP_MINUTES);
            let local = at.with_timezone(&tz);
            let mut cells: Vec<Cell> = Vec::new();
            let mut free_run = 0;
            for col in 0..rooms.len() {
                let taken = starts[i][col].is_some() || covered[i][col];
                if !taken {
                    free_run += 1;
                    continue;
                }
                if free_run > 0 {
                    cells.push(Cell { block: None, rowspan: 1, colspan: free_run });
                    free_run = 0;
                }
                // A slot covered by a block from a row above is not written: the block's rowspan fills it.
                if let Some((e, span)) = starts[i][col] {
                    cells.push(Cell { block: Some(e.clone()), rowspan: span, colspan: 1 });
                }
            }
            if free_run > 0 {
                cells.push(Cell { block: None, rowspan: 1, colspan: free_run });
            }
            Row {
                time: local.format("%H:%M").to_string(),
                hour: local.format("%M").to_string() == "00",
                starts_at: local.format("%Y-%m-%dT%H:%M").to_string(),
                cells,
            }
        })
        .collect();
    DayTable { day, label: day.format("%A %-d %B %Y").to_string(), rooms: rooms.to_vec(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(n: u8) -> GridRoom {
        GridRoom { guid: Uuid::from_bytes([n; 16]), name: format!("R{n}"), capacity: 50 }
    }

    fn entry(room: &GridRoom, from: DateTime<Utc>, minutes: i64) -> Entry {
        Entry {
            guid: Uuid::new_v4(),
            title: "T".into(),
            kind: "talk".into(),
            kind_label: "Talk".into(),
            track: None,
            people: String::new(),
            room: room.guid,
            starts_at: from,
            ends_at: from + Duration::minutes(minutes),
            times: String::new(),
            start_value: String::new(),
            minutes,
            inside: vec![],
            warnings: vec![],
            unconfirmed: vec![],
        }
    }

    #[test]
    fn blocks_span_their_rows_and_free_cells_fill_the_rest() {
        let tz: Tz = "Europe/Vienna".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 9, 18).unwrap();
        let rooms = [room(1), room(2)];
        let at = |h: u32, m: u32| tz.with_ymd_and_hms(2027, 9, 18, h, m, 0).unwrap().with_timezone(&Utc);
        let t = day_table(day, tz, &rooms, &[entry(&rooms[0], at(9, 0), 45), entry(&rooms[1], at(19, 30), 90)]);
        assert_eq!(t.rows.first().unwrap().time, "08:00");
        assert_eq!(t.rows.last().unwrap().time, "20:45", "widened to the last session's end");
        let nine = t.rows.iter().find(|r| r.time == "09:00").unwrap();
        assert_eq!(nine.cells[0].rowspan, 3);
        assert!(nine.cells[0].block.is_some() && nine.cells[1].block.is_none());
        assert_eq!(nine.starts_at, "2027-09-18T09:00");
        // Rows covered by the 45-minute block render only the other room's cell.
        let nine15 = t.rows.iter().find(|r| r.time == "09:15").unwrap();
        assert_eq!((nine15.cells.len(), nine15.cells[0].colspan), (1, 1));
        // A row with nothing in it is one free cell across both rooms.
        let eight = t.rows.iter().find(|r| r.time == "08:00").unwrap();
        assert_eq!((eight.cells.len(), eight.cells[0].colspan), (1, 2));
    }

    #[test]
    fn the_autumn_change_has_its_hour_twice() {
        // 31 Oct 2027, Vienna: 03:00 goes back to 02:00.
        let tz: Tz = "Europe/Vienna".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 10, 31).unwrap();
        let from = tz.with_ymd_and_hms(2027, 10, 31, 1, 0, 0).unwrap().with_timezone(&Utc);
        let t = day_table(day, tz, &[room(1)], &[entry(&room(1), from, 180)]);
        let twos = t.rows.iter().filter(|r| r.time == "02:00").count();
        assert_eq!(twos, 2, "{:?}", t.rows.iter().map(|r| &r.time).collect::<Vec<_>>());
        // 180 real minutes are 12 rows, though the clock only moves two hours.
        let one = t.rows.iter().find(|r| r.time == "01:00").unwrap();
        assert_eq!(one.cells[0].rowspan, 12);
    }
}
