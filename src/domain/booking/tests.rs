use super::*;
use chrono_tz::Europe::{Lisbon, Vienna};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}
fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn hm_(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}
fn rules() -> Rules {
    Rules { slot_minutes: 30, max_minutes: 120, opens_days_before: None, max_per_person_day: 2 }
}
fn hours(day: &str, o: &str, c: &str) -> Hours {
    Hours { day: d(day), opens: hm_(o), closes: hm_(c) }
}

#[test]
fn grid_of_an_ordinary_day() {
    let w = window(&hours("2027-11-18", "09:00", "12:00"), Vienna).unwrap();
    assert_eq!(w.start, t("2027-11-18T08:00:00Z"));
    let s = slots(&w, Duration::minutes(30));
    assert_eq!(s.len(), 6);
    assert_eq!(s[5].end, t("2027-11-18T11:00:00Z"));
    assert_eq!(hm(s[0].start, Vienna), "09:00 CET");
}

#[test]
fn grid_on_daylight_saving_days() {
    // 31 Oct 2027, Vienna: 03:00 CEST becomes 02:00 CET, the hour 02:00-03:00 happens twice.
    let w = window(&hours("2027-10-31", "01:00", "04:00"), Vienna).unwrap();
    let s = slots(&w, Duration::minutes(30));
    assert_eq!(s.len(), 8, "four real hours");
    let labels: Vec<String> = s.iter().map(|x| hm(x.start, Vienna)).collect();
    assert_eq!(labels[2], "02:00 CEST");
    assert_eq!(labels[4], "02:00 CET");
    // 28 Mar 2027: 02:00 CET jumps to 03:00 CEST; 01:00-04:00 is two real hours.
    let w = window(&hours("2027-03-28", "01:00", "04:00"), Vienna).unwrap();
    let s = slots(&w, Duration::minutes(30));
    assert_eq!(s.len(), 4);
    assert_eq!(hm(s[2].start, Vienna), "03:00 CEST");
    // Opening inside the skipped hour starts at the jump.
    let w = window(&hours("2027-03-28", "02:30", "04:00"), Vienna).unwrap();
    assert_eq!(hm(w.start, Vienna), "03:00 CEST");
}

#[test]
fn checks_each_rule() {
    let h = [hours("2027-11-18", "09:00", "18:00")];
    let now = t("2027-11-17T12:00:00Z");
    let start = d("2027-11-17");
    let r = rules();
    let ok = Span::new(t("2027-11-18T09:00:00Z"), t("2027-11-18T10:00:00Z"));
    assert!(check(&ok, &h, &r, start, Vienna, now).is_ok());
    let reason = |s: &str, e: &str, now: DateTime<Utc>, r: &Rules| {
        check(&Span::new(t(s), t(e)), &h, r, start, Vienna, now).unwrap_err().reason()
    };
    assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T09:00:00Z", now, &r), "empty_range");
    assert_eq!(reason("2027-11-18T07:00:00Z", "2027-11-18T08:30:00Z", now, &r), "outside_hours");
    assert_eq!(reason("2027-11-18T16:30:00Z", "2027-11-18T17:30:00Z", now, &r), "outside_hours");
    assert_eq!(reason("2027-11-19T09:00:00Z", "2027-11-19T10:00:00Z", now, &r), "outside_hours");
    assert_eq!(reason("2027-11-18T09:10:00Z", "2027-11-18T09:40:00Z", now, &r), "misaligned");
    assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T11:30:00Z", now, &r), "too_long");
    let later = t("2027-11-18T09:31:00Z");
    assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T09:30:00Z", later, &r), "in_the_past");
    // The running slot can still be taken.
    assert!(
        check(&Span::new(t("2027-11-18T09:30:00Z"), t("2027-11-18T10:00:00Z")), &h, &r, start, Vienna, later).is_ok()
    );
    let day_before = Rules { opens_days_before: Some(0), ..rules() };
    assert_eq!(reason("2027-11-18T09:00:00Z", "2027-11-18T10:00:00Z", now, &day_before), "not_open_yet");
    let msg = check(&ok, &h, &day_before, start, Vienna, now).unwrap_err().message(Vienna);
    assert!(msg.contains("Thu 18 Nov 2027, 00:00 CET"), "{msg}");
}

#[test]
fn nearest_free_ranges() {
    let w = window(&hours("2027-07-01", "09:00", "13:00"), Lisbon).unwrap();
    let at = |h: u32, m: u32| w.start + Duration::minutes(((h - 9) * 60 + m) as i64);
    let taken = [Span::new(at(10, 0), at(11, 0)), Span::new(at(11, 30), at(12, 0))];
    let now = w.start - Duration::hours(1);
    let free = nearest_free(&w, Duration::minutes(30), &taken, Duration::minutes(60), at(10, 0), now, 3);
    assert_eq!(free, vec![Span::new(at(9, 0), at(10, 0)), Span::new(at(12, 0), at(13, 0))]);
    let free = nearest_free(&w, Duration::minutes(30), &taken, Duration::minutes(30), at(10, 30), now, 2);
    assert_eq!(free, vec![Span::new(at(9, 30), at(10, 0)), Span::new(at(11, 0), at(11, 30))]);
    assert_eq!(slot_owner(&Span::new(at(10, 30), at(11, 0)), &taken), Some(0));
}

#[test]
fn labels() {
    assert_eq!(minutes_label(90), "1 hour 30 minutes");
    assert_eq!(minutes_label(120), "2 hours");
    assert_eq!(minutes_label(30), "30 minutes");
    let s = Span::new(t("2027-11-18T09:00:00Z"), t("2027-11-18T10:30:00Z"));
    assert_eq!(span_label(&s, Vienna), "Thu 18 Nov, 10:00–11:30 CET");
}

#[test]
fn settings_form() {
    let mut f = HashMap::new();
    for (k, v) in [("slot_minutes", "30"), ("max_minutes", "120"), ("opens", "1"), ("max_per_day", "2")] {
        f.insert(k.to_string(), v.to_string());
    }
    f.insert("opens-2027-11-18".into(), "09:00".into());
    f.insert("closes-2027-11-18".into(), "18:00".into());
    let input = SettingsInput::from_form(&f, &[d("2027-11-18"), d("2027-11-19")]);
    let (r, h) = input.parse().unwrap();
    assert_eq!(r.opens_days_before, Some(1));
    assert_eq!(h.len(), 1);
    f.insert("closes-2027-11-18".into(), "18:10".into());
    f.insert("max_minutes".into(), "45".into());
    let e = SettingsInput::from_form(&f, &[d("2027-11-18")]).parse().unwrap_err();
    assert_eq!(e.0.len(), 2, "{:?}", e.0);
}
