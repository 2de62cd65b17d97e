use super::frab_xml::*;
use super::icalendar::*;
use super::layout::*;
use super::names::*;
use super::*;
use crate::domain::schedule::{ConferenceInfo, Event, Export, Person, RoomInfo};
use chrono::{DateTime, NaiveDate, Utc};
use regex::Regex;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn full_match(pattern: &str, s: &str) -> bool {
    Regex::new(&format!("^(?:{pattern})$")).unwrap().is_match(s)
}

/// The JSON schema's patterns are searched, not anchored implicitly; these carry their own anchors.
fn search(pattern: &str, s: &str) -> bool {
    Regex::new(pattern).unwrap().is_match(s)
}

fn event(id: i64, title: &str, start: &str, end: &str) -> Event {
    Event {
        guid: uuid::Uuid::from_u128(id as u128),
        id,
        room: "Hall".into(),
        title: title.into(),
        subtitle: String::new(),
        kind: "Talk".into(),
        starts_at: utc(start),
        ends_at: utc(end),
        abstract_text: String::new(),
        track: None,
        persons: vec![Person { guid: uuid::Uuid::from_u128(99), id: 7, name: "Jiří Kosina".into() }],
        url: "/c/lpc/s/1".into(),
        sequence: 0,
    }
}

fn export(events: Vec<Event>) -> Export {
    Export {
        conference: ConferenceInfo {
            slug: "lpc".into(),
            title: "LPC".into(),
            time_zone: chrono_tz::Europe::Vienna,
            starts_on: NaiveDate::from_ymd_opt(2027, 10, 30).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
            base_url: "https://plumbline.example".into(),
        },
        version: "1".into(),
        published_at: utc("2027-10-01T12:00:00Z"),
        rooms: vec![RoomInfo { guid: uuid::Uuid::from_u128(1), name: "Hall".into() }],
        tracks: vec![],
        events,
    }
}

#[test]
fn ical_escape_escapes_text_specials_and_drops_controls() {
    assert_eq!(ical_escape(r"a\b;c,d"), r"a\\b\;c\,d");
    assert_eq!(ical_escape("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
    assert_eq!(ical_escape("tab\tbell\u{7}nul\u{0}del\u{7f}"), "tab\tbellnuldel");
    assert_eq!(ical_escape("Jiří: \"quoted\" 🦀"), "Jiří: \"quoted\" 🦀");
}

fn physical_lines(folded: &str) -> Vec<&str> {
    folded.split("\r\n").collect()
}

fn unfold(folded: &str) -> String {
    folded.replace("\r\n ", "")
}

#[test]
fn fold_line_keeps_short_lines_and_folds_long_ascii_at_75_octets() {
    assert_eq!(fold_line("SUMMARY:short"), "SUMMARY:short");
    let long = "D".repeat(200);
    let folded = fold_line(&long);
    let lines = physical_lines(&folded);
    assert_eq!(lines[0].len(), 75);
    assert!(lines[1..].iter().all(|l| l.starts_with(' ') && l.len() <= 75));
    assert_eq!(unfold(&folded), long);
}

#[test]
fn fold_line_never_splits_a_multibyte_character() {
    // 74 ASCII octets leave one octet: a 4-byte emoji must move to the next line whole.
    let line = format!("{}🦀tail", "a".repeat(74));
    let folded = fold_line(&line);
    assert_eq!(physical_lines(&folded), vec!["a".repeat(74).as_str(), " 🦀tail"]);
    for text in ["é".repeat(100), "Jiří Kosina ".repeat(20), "🦀😀".repeat(40), "ж€😀a".repeat(30)] {
        let line = format!("DESCRIPTION:{text}");
        let folded = fold_line(&line);
        assert!(physical_lines(&folded).iter().all(|l| l.len() <= 75), "{folded}");
        assert_eq!(unfold(&folded), line);
    }
}

#[test]
fn xml_escape_escapes_markup_and_strips_characters_xml_forbids() {
    assert_eq!(xml_escape(r#"a & <b> "c" 'd'"#), "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;");
    assert_eq!(xml_escape("bell\u{7}nul\u{0}esc\u{1b}\u{FFFE}\u{FFFF}ok"), "bellnulescok");
    assert_eq!(xml_escape("tab\tline\nret\r"), "tab\tline\nret&#13;");
    assert_eq!(xml_attr("tab\tline\n"), "tab&#9;line&#10;");
    assert_eq!(xml_escape("Jiří 🦀"), "Jiří 🦀");
}

const XSD_ACRONYM: &str = "[a-z0-9_-]{4,}";
const JSON_ACRONYM: &str = "^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$";
const XSD_EVENT_SLUG: &str = r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}";
const JSON_SLUG: &str = "^[a-z0-9_-]+[a-z0-9]$";
const XSD_TRACK_SLUG: &str = "[a-z][a-z0-9-]+";

#[test]
fn acronym_fits_both_schemas_and_is_padded_when_short() {
    assert_eq!(acronym("lpc"), "lpc_");
    assert_eq!(acronym("lpc-2027"), "lpc_2027");
    assert_eq!(acronym("Plumbers-Wien"), "plumbers_wien");
    assert_eq!(acronym(""), "____");
    for slug in ["lpc", "lpc-2027", "a", "x-y", "kernel-recipes-2027", "Ünï"] {
        let a = acronym(slug);
        assert!(full_match(XSD_ACRONYM, &a), "{a}");
        assert!(search(JSON_ACRONYM, &a), "{a}");
    }
}

#[test]
fn slugify_folds_diacritics_and_joins_words_with_single_hyphens() {
    assert_eq!(slugify("Jiří Kosina"), "jiri-kosina");
    assert_eq!(slugify("  BPF & <friends>: Straße, Œuvre!  "), "bpf-friends-strasse-oeuvre");
    assert_eq!(slugify("🦀 Rust — in the kernel 🐧"), "rust-in-the-kernel");
    assert_eq!(slugify("🦀"), "");
}

#[test]
fn event_slugs_fit_both_schemas_and_differ_by_id() {
    let titles = ["Tracing MC", "", "🦀", "a", "Ünïcode & <stuff> \"quoted\" 'x'", &"very long title ".repeat(20)];
    let mut seen = std::collections::HashSet::new();
    for (i, title) in titles.iter().enumerate() {
        let ev = event(i as i64 + 1, title, "2027-10-30T08:00:00Z", "2027-10-30T09:00:00Z");
        for acr in ["lpc_", "lpc_2027"] {
            let slug = event_slug(acr, &ev);
            assert!(full_match(XSD_EVENT_SLUG, &slug), "{slug}");
            assert!(search(JSON_SLUG, &slug), "{slug}");
            assert!(slug.len() <= acr.len() + 2 + 20 + MAX_TITLE_SLUG, "{slug}");
            assert!(seen.insert(slug));
        }
    }
    let ev = event(42, "Tracing MC", "2027-10-30T08:00:00Z", "2027-10-30T09:00:00Z");
    assert_eq!(event_slug("lpc_2027", &ev), "lpc_2027-42-tracing-mc");
}

#[test]
fn track_slugs_fit_both_schemas_and_are_unique() {
    for name in ["Kernel & Core", "14 Orga", "C", "", "🦀", "Ünconference", "x-"] {
        let s = track_slug(name);
        assert!(full_match(XSD_TRACK_SLUG, &s), "{name} -> {s}");
        assert!(search(JSON_SLUG, &s), "{name} -> {s}");
    }
    assert_eq!(track_slug("14 Orga"), "t-14-orga");
    let mut e = export(vec![]);
    e.tracks = vec!["Kernel".into(), "kernel".into(), "KERNEL!".into()];
    let slugs: Vec<String> = tracks(&e).into_iter().map(|t| t.slug).collect();
    assert_eq!(slugs, vec!["kernel", "kernel-2", "kernel-3"]);
}

#[test]
fn json_zone_pattern_matches_the_schemas_regex() {
    let schema = "^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$";
    for name in [
        "Europe/Vienna",
        "America/Argentina/Buenos_Aires",
        "UTC",
        "Etc/UTC",
        "Etc/GMT+2",
        "EST5EDT",
        "US/Eastern",
        "Asia/Ho_Chi_Minh",
    ] {
        assert_eq!(fits_json_zone_pattern(name), search(schema, name), "{name}");
    }
    assert!(fits_json_zone_pattern("Europe/Vienna"));
    assert!(!fits_json_zone_pattern("Etc/GMT+2"));
}

#[test]
fn vienna_2027_has_two_transitions_on_the_last_sundays_of_march_and_october() {
    let tz = chrono_tz::Europe::Vienna;
    let found = offset_transitions(tz, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
    assert_eq!(
        found,
        vec![
            Transition { at: utc("2027-03-28T01:00:00Z"), from: 3600, to: 7200 },
            Transition { at: utc("2027-10-31T01:00:00Z"), from: 7200, to: 3600 },
        ]
    );
    let lines = vtimezone(tz, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z")).join("\n");
    assert!(lines.starts_with("BEGIN:VTIMEZONE\nTZID:Europe/Vienna\n"), "{lines}");
    assert!(lines.contains(
        "BEGIN:DAYLIGHT\nDTSTART:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT"
    ));
    assert!(lines.contains(
        "BEGIN:STANDARD\nDTSTART:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD"
    ));
    assert!(lines.contains("BEGIN:STANDARD\nDTSTART:20270101T010000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100"));
}

#[test]
fn a_zone_without_dst_gets_one_standard_observance() {
    let lines = vtimezone(chrono_tz::Asia::Tokyo, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
    assert_eq!(lines.iter().filter(|l| l.starts_with("BEGIN:")).count(), 2, "{lines:?}");
    assert!(lines.contains(&"BEGIN:STANDARD".to_string()));
    assert!(lines.contains(&"TZOFFSETTO:+0900".to_string()));
}

#[test]
fn half_hour_transitions_are_found_to_the_minute() {
    // Lord Howe Island moves its clocks by 30 minutes at 02:00 local time.
    let found =
        offset_transitions(chrono_tz::Australia::Lord_Howe, utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
    assert_eq!(
        found,
        vec![
            Transition { at: utc("2027-04-03T15:00:00Z"), from: 39600, to: 37800 },
            Transition { at: utc("2027-10-02T15:30:00Z"), from: 37800, to: 39600 },
        ]
    );
    assert_eq!(ical_offset(37800), "+1030");
    assert_eq!(ical_offset(-12600), "-0330");
}

#[test]
fn the_repeated_hour_after_clocks_go_back_is_written_in_utc() {
    let tz = chrono_tz::Europe::Vienna;
    // 02:30 happens twice on 2027-10-31: first at +02:00, then at +01:00.
    assert_eq!(ical_time("DTSTART", utc("2027-10-31T00:30:00Z"), tz), "DTSTART;TZID=Europe/Vienna:20271031T023000");
    assert_eq!(ical_time("DTSTART", utc("2027-10-31T01:30:00Z"), tz), "DTSTART:20271031T013000Z");
    assert_eq!(ical_time("DTEND", utc("2027-10-31T02:30:00Z"), tz), "DTEND;TZID=Europe/Vienna:20271031T033000");
}

#[test]
fn a_session_crossing_midnight_stays_on_the_day_it_starts() {
    let e = export(vec![event(1, "Late", "2027-10-30T21:30:00Z", "2027-10-30T23:00:00Z")]);
    let days = layout(&e);
    assert_eq!(days.len(), 3);
    assert_eq!(days[0].rooms[0].events.len(), 1);
    assert_eq!(iso_local(days[0].start), "2027-10-30T00:00:00+02:00");
    // The clocks go back in the night: Sunday starts at +02:00 and ends at +01:00.
    assert_eq!(iso_local(days[1].start), "2027-10-31T00:00:00+02:00");
    assert_eq!(iso_local(days[1].end), "2027-11-01T00:00:00+01:00");
    assert_eq!(duration_hhmm(&e.events[0]), "01:30");
    assert!(days[1].rooms[0].events.is_empty());
}

#[test]
fn sessions_outside_the_conference_dates_widen_the_days_rather_than_vanish() {
    let e = export(vec![event(1, "Early", "2027-10-28T08:00:00Z", "2027-10-28T09:00:00Z")]);
    let days = layout(&e);
    assert_eq!(days.first().map(|d| d.date), NaiveDate::from_ymd_opt(2027, 10, 28));
    assert_eq!(days.len(), 5);
    assert_eq!(days[0].rooms[0].events.len(), 1);
}

#[test]
fn relative_session_urls_are_made_absolute() {
    assert_eq!(absolute_url("https://x.example", "/c/a/s/1").as_deref(), Some("https://x.example/c/a/s/1"));
    assert_eq!(absolute_url("https://x.example", "https://y.example/p").as_deref(), Some("https://y.example/p"));
    assert_eq!(absolute_url("https://x.example", "javascript:alert(1)"), None);
    assert_eq!(absolute_url("not a url", "/c/a"), None);
}
