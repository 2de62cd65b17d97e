//! The schedule exports read back by independent tools: xmllint against the
//! frab XSD, Python's jsonschema against the frab JSON schema, and Python's
//! icalendar parser for the iCalendar feed. The schemas are copies in
//! `tests/data/` (see its README for their sources).
//!
//! Without the tools these tests fail with how to install them (`.ci/run`
//! installs them): a validation that did not run is never a pass.

use chrono::{DateTime, NaiveDate, Utc};
use plumbline::domain::schedule::{ConferenceInfo, Event, Export, Person, RoomInfo};
use plumbline::domain::schedule_export::{frab_json, frab_xml, icalendar};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

const XSD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/frab-schedule.xsd");
const JSON_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/frab-schedule.schema.json");

// ---------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------

/// True when `probe` runs successfully. A missing validator fails the test,
/// saying how to install it: an export check that did not run is not a pass.
/// Each probe runs once per test process.
fn tool(cache: &OnceLock<bool>, name: &str, probe: &[&str], install: &str) -> bool {
    let ok = *cache.get_or_init(|| Command::new(probe[0]).args(&probe[1..]).output().is_ok_and(|o| o.status.success()));
    assert!(ok, "{name} is missing: {install} (bash .ci/run installs it)");
    ok
}

pub fn have_xmllint() -> bool {
    static XMLLINT: OnceLock<bool> = OnceLock::new();
    tool(&XMLLINT, "xmllint", &["xmllint", "--version"], "apt-get install libxml2-utils")
}

/// jsonschema checks formats only for what it can import: without
/// rfc3339-validator and rfc3986-validator, "date-time" and "uri" would silently
/// pass, so their absence counts as missing.
pub fn have_jsonschema() -> bool {
    static JSONSCHEMA: OnceLock<bool> = OnceLock::new();
    tool(
        &JSONSCHEMA,
        "python3 jsonschema with format checks",
        &[
            "python3",
            "-c",
            "from jsonschema import Draft6Validator as V; assert {'date-time', 'uri'} <= set(V.FORMAT_CHECKER.checkers)",
        ],
        "python3 -m pip install jsonschema rfc3339-validator rfc3986-validator",
    )
}

pub fn have_icalendar() -> bool {
    static ICALENDAR: OnceLock<bool> = OnceLock::new();
    tool(&ICALENDAR, "python3 icalendar", &["python3", "-c", "import icalendar"], "python3 -m pip install icalendar")
}

/// A file in the temp dir, removed when dropped.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(name: &str, contents: &str) -> TempFile {
        // Tests run in parallel threads of one process: a counter keeps their files apart.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("plumbline-exports-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn run(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"))
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ---------------------------------------------------------------------------
// A realistic published schedule
// ---------------------------------------------------------------------------

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn guid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 + n)
}

fn person(n: u128, name: &str) -> Person {
    Person { guid: guid(1000 + n), id: n as i64, name: name.into() }
}

const HALL: &str = "Hall A & B";
const DONAU: &str = "Room <1> \"Donau\"";
const BOF: &str = "BoF room 'quiet'";

#[allow(clippy::too_many_arguments)]
fn event(
    id: i64,
    kind: &str,
    room: &str,
    title: &str,
    start: &str,
    end: &str,
    track: Option<&str>,
    persons: Vec<Person>,
) -> Event {
    let g = guid(id as u128);
    Event {
        guid: g,
        id,
        room: room.into(),
        title: title.into(),
        subtitle: String::new(),
        kind: kind.into(),
        starts_at: utc(start),
        ends_at: utc(end),
        abstract_text: format!("About {title}."),
        track: track.map(Into::into),
        persons,
        url: format!("https://plumbline.example/c/lpc-2027/s/{g}"),
        sequence: 0,
    }
}

/// LPC in Vienna, Sat 30 Oct – Mon 1 Nov 2027; the clocks go back from 03:00
/// CEST to 02:00 CET in the night to Sunday (01:00 UTC), so 02:30 happens twice.
fn conference() -> Export {
    let tracing = Some("Tracing");
    let kernel = Some("Kernel & Core");
    let uncon = Some("Unconference");
    let mut events = vec![
        event(
            101,
            "Keynote",
            HALL,
            "Opening keynote: \"Plumbing\" & <the future>",
            "2027-10-30T07:00:00Z",
            "2027-10-30T08:00:00Z",
            None,
            vec![person(1, "Linus Torvalds")],
        ),
        event(
            102,
            "Microconference",
            DONAU,
            "Tracing MC",
            "2027-10-30T08:00:00Z",
            "2027-10-30T11:30:00Z",
            tracing,
            vec![person(2, "Steven Rostedt"), person(3, "Jiří Kosina")],
        ),
        event(
            103,
            "Topic",
            DONAU,
            "BPF & ftrace: O'Brien's \"fast path\"",
            "2027-10-30T08:00:00Z",
            "2027-10-30T08:30:00Z",
            tracing,
            vec![person(4, "Seán O'Brien")],
        ),
        event(104, "Break", HALL, "Coffee ☕ break", "2027-10-30T11:30:00Z", "2027-10-30T12:00:00Z", None, vec![]),
        // 23:30 CEST on Saturday until 00:30 on Sunday: stays on Saturday.
        event(
            105,
            "Talk",
            HALL,
            "Late-night hacking 🦀🐧",
            "2027-10-30T21:30:00Z",
            "2027-10-30T22:30:00Z",
            kernel,
            vec![person(5, "Zoë Ünal")],
        ),
        // 02:30 CEST, the first 02:30, until 02:15 CET: across the change.
        event(
            106,
            "Unconference",
            BOF,
            "Clocks go back BoF (the first 02:30)",
            "2027-10-31T00:30:00Z",
            "2027-10-31T01:15:00Z",
            uncon,
            vec![person(6, "Ana Ćosić")],
        ),
        // 02:30 CET, the second 02:30.
        event(
            107,
            "Unconference",
            BOF,
            "…and again (the second 02:30)",
            "2027-10-31T01:30:00Z",
            "2027-10-31T02:00:00Z",
            uncon,
            vec![person(6, "Ana Ćosić")],
        ),
        event(
            108,
            "Tutorial",
            HALL,
            "Tutorial: writing a Rust driver",
            "2027-10-31T08:00:00Z",
            "2027-10-31T11:00:00Z",
            kernel,
            vec![person(7, "Miguel Ojeda"), person(8, "Greg Kroah-Hartman")],
        ),
        event(
            109,
            "Talk",
            DONAU,
            "Scheduler latency, measured",
            "2027-11-01T09:00:00Z",
            "2027-11-01T09:45:00Z",
            kernel,
            vec![person(9, "Peter Zijlstra")],
        ),
    ];
    events[2].subtitle = "Tracing MC".into();
    events[4].abstract_text =
        "Line one, with a comma; a semicolon \\ a backslash\nline two <b>not html</b> & 'quotes' \"double\"\u{1}\u{7} 🦀".into();
    events[7].url = format!("/c/lpc-2027/s/{}", events[7].guid);
    events[8].abstract_text = "Wait for it… ⏱️ ".repeat(30);
    events[8].sequence = 3;
    Export {
        conference: ConferenceInfo {
            slug: "lpc-2027".into(),
            title: "Linux Plumbers Conference 2027 — Wien & <friends>".into(),
            time_zone: chrono_tz::Europe::Vienna,
            starts_on: NaiveDate::from_ymd_opt(2027, 10, 30).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
            base_url: "https://plumbline.example".into(),
        },
        version: "4".into(),
        published_at: utc("2027-10-20T16:45:00Z"),
        rooms: vec![
            RoomInfo { guid: guid(201), name: HALL.into() },
            RoomInfo { guid: guid(202), name: DONAU.into() },
            RoomInfo { guid: guid(203), name: BOF.into() },
        ],
        tracks: vec!["Kernel & Core".into(), "Tracing".into(), "Unconference".into()],
        events,
    }
}

fn by_id(e: &Export, id: i64) -> &Event {
    e.events.iter().find(|ev| ev.id == id).unwrap()
}

// ---------------------------------------------------------------------------
// frab XML
// ---------------------------------------------------------------------------

pub fn xmllint_validate(xml: &str) -> Output {
    let file = TempFile::new("schedule.xml", xml);
    run("xmllint", &["--noout", "--schema", XSD, file.path()])
}

fn xpath(file: &TempFile, expr: &str) -> String {
    let out = run("xmllint", &["--xpath", expr, file.path()]);
    assert!(out.status.success(), "xpath {expr}: {}", text(&out.stderr));
    text(&out.stdout).trim_end_matches('\n').to_string()
}

#[test]
fn frab_xml_validates_against_the_xsd() {
    if !have_xmllint() {
        return;
    }
    let xml = frab_xml(&conference());
    let out = xmllint_validate(&xml);
    assert!(out.status.success(), "xmllint rejected the export:\n{}\n{xml}", text(&out.stderr));
    assert!(text(&out.stderr).contains("validates"), "{}", text(&out.stderr));
}

#[test]
fn the_xsd_check_is_not_vacuous() {
    if !have_xmllint() {
        return;
    }
    // The same export with an acronym the XSD forbids must be rejected.
    let xml = frab_xml(&conference()).replace("<acronym>lpc_2027</acronym>", "<acronym>LPC 2027</acronym>");
    let out = xmllint_validate(&xml);
    assert!(!out.status.success(), "xmllint accepted an invalid acronym");
}

#[test]
fn frab_xml_reads_back_with_text_days_and_offsets_intact() {
    if !have_xmllint() {
        return;
    }
    let e = conference();
    let file = TempFile::new("readback.xml", &frab_xml(&e));
    assert_eq!(xpath(&file, "count(//event)"), "9");
    assert_eq!(xpath(&file, "string(/schedule/conference/title)"), e.conference.title);
    assert_eq!(xpath(&file, "string(/schedule/conference/acronym)"), "lpc_2027");
    assert_eq!(xpath(&file, "string(/schedule/conference/time_zone_name)"), "Europe/Vienna");
    assert_eq!(xpath(&file, "count(//day)"), "3");
    // Each session sits on the local day it starts on, the midnight-crossing talk on Saturday.
    assert_eq!(xpath(&file, "count(//day[@date='2027-10-30']//event)"), "5");
    assert_eq!(xpath(&file, "count(//day[@date='2027-10-30']//event[@id='105'])"), "1");
    assert_eq!(xpath(&file, "count(//day[@date='2027-10-31']//event)"), "3");
    assert_eq!(xpath(&file, "count(//day[@date='2027-11-01']//event)"), "1");
    assert_eq!(xpath(&file, "string(//day[@index='2']/@start)"), "2027-10-31T00:00:00+02:00");
    assert_eq!(xpath(&file, "string(//day[@index='2']/@end)"), "2027-11-01T00:00:00+01:00");
    // Every room on every day, with its GUID.
    assert_eq!(xpath(&file, "count(//day[@index='3']/room)"), "3");
    assert_eq!(xpath(&file, "string(//day[1]/room[2]/@name)"), DONAU);
    assert_eq!(xpath(&file, "string(//day[1]/room[2]/@guid)"), guid(202).to_string());
    // The two 02:30s are told apart by their offsets.
    assert_eq!(xpath(&file, "string(//event[@id='106']/date)"), "2027-10-31T02:30:00+02:00");
    assert_eq!(xpath(&file, "string(//event[@id='107']/date)"), "2027-10-31T02:30:00+01:00");
    assert_eq!(xpath(&file, "string(//event[@id='106']/duration)"), "00:45");
    assert_eq!(xpath(&file, "string(//event[@id='105']/start)"), "23:30");
    // Text survives escaping; the control characters XML forbids are gone.
    for id in [101, 103, 104, 107] {
        assert_eq!(xpath(&file, &format!("string(//event[@id='{id}']/title)")), by_id(&e, id).title);
    }
    let abs = by_id(&e, 105).abstract_text.replace(['\u{1}', '\u{7}'], "");
    assert_eq!(xpath(&file, "string(//event[@id='105']/abstract)"), abs);
    assert_eq!(xpath(&file, "string(//event[@id='102']/persons/person[2])"), "Jiří Kosina");
    assert_eq!(xpath(&file, "string(//event[@id='103']/persons/person[1])"), "Seán O'Brien");
    assert_eq!(xpath(&file, "string(//event[@id='103']/room)"), DONAU);
    assert_eq!(xpath(&file, "string(//event[@id='102']/slug)"), "lpc_2027-102-tracing-mc");
    // A relative session URL is made absolute.
    assert_eq!(
        xpath(&file, "string(//event[@id='108']/url)"),
        format!("https://plumbline.example/c/lpc-2027/s/{}", by_id(&e, 108).guid)
    );
    assert_eq!(xpath(&file, "string(//track[@slug='kernel-core']/@name)"), "Kernel & Core");
}

// ---------------------------------------------------------------------------
// frab JSON
// ---------------------------------------------------------------------------

const JSONSCHEMA_CHECK: &str = r#"
import json, sys
from jsonschema import Draft6Validator
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
Draft6Validator.check_schema(schema)
validator = Draft6Validator(schema, format_checker=Draft6Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(map(str, e.absolute_path)), "->", e.message)
sys.exit(1 if errors else 0)
"#;

pub fn jsonschema_validate(doc: &Value) -> Output {
    let file = TempFile::new("schedule.json", &doc.to_string());
    run("python3", &["-c", JSONSCHEMA_CHECK, JSON_SCHEMA, file.path()])
}

/// The export as written, read back.
fn frab_json_value(e: &plumbline::domain::schedule::Export) -> serde_json::Value {
    serde_json::from_str(&frab_json(e)).expect("frab JSON parses")
}

#[test]
fn frab_json_validates_against_the_json_schema() {
    if !have_jsonschema() {
        return;
    }
    let doc = frab_json_value(&conference());
    let out = jsonschema_validate(&doc);
    assert!(
        out.status.success(),
        "jsonschema rejected the export:\n{}{}\n{doc:#}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn the_json_schema_check_is_not_vacuous() {
    if !have_jsonschema() {
        return;
    }
    // A person that is both a FrabPerson and a PretalxPerson fails the schema's oneOf,
    // and a relative URL fails the "uri" format check.
    let mut doc = frab_json_value(&conference());
    let event = &mut doc["schedule"]["conference"]["days"][0]["rooms"][HALL][0];
    event["persons"][0]["public_name"] = "Linus Torvalds".into();
    event["url"] = "/not/absolute".into();
    let out = jsonschema_validate(&doc);
    assert!(!out.status.success(), "jsonschema accepted an invalid document");
    let report = text(&out.stdout);
    assert!(report.contains("persons/0"), "{report}");
    assert!(report.contains("url"), "{report}");
}

#[test]
fn frab_json_carries_every_session_at_its_instant() {
    let e = conference();
    let doc = frab_json_value(&e);
    assert_eq!(doc["$schema"], "https://c3voc.de/schedule/schema.json");
    let c = &doc["schedule"]["conference"];
    assert_eq!(c["acronym"], "lpc_2027");
    assert_eq!(c["time_zone_name"], "Europe/Vienna");
    assert_eq!(c["daysCount"], 3);
    assert_eq!(c["rooms"].as_array().unwrap().len(), 3);
    let mut seen = 0;
    for day in c["days"].as_array().unwrap() {
        for (room, events) in day["rooms"].as_object().unwrap() {
            for j in events.as_array().unwrap() {
                let ev = by_id(&e, j["id"].as_i64().unwrap());
                let date = DateTime::parse_from_rfc3339(j["date"].as_str().unwrap()).unwrap();
                assert_eq!(date, ev.starts_at, "{}", ev.title);
                let end = DateTime::parse_from_rfc3339(j["end"].as_str().unwrap()).unwrap();
                assert_eq!(end, ev.ends_at, "{}", ev.title);
                assert_eq!(room, &ev.room);
                assert_eq!(j["title"], ev.title.as_str());
                assert_eq!(j["guid"], ev.guid.to_string());
                assert_eq!(j["persons"].as_array().unwrap().len(), ev.persons.len());
                seen += 1;
            }
        }
    }
    assert_eq!(seen, e.events.len());
}

// ---------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------

/// Reads each event back through the feed's own VTIMEZONE (not the system zone
/// database) and reports its instants in UTC, next to what the library itself decodes.
const ICAL_READ: &str = r#"
import datetime, json, re, sys
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
zones = {str(z["TZID"]): z.to_tz(lookup_tzid=False) for z in cal.walk("VTIMEZONE")}
def fmt(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def via_vtimezone(prop):
    tzid = prop.params.get("TZID")
    if tzid is None:
        assert prop.dt.tzinfo is not None, "floating time"
        return fmt(prop.dt)
    naive = prop.dt.replace(tzinfo=None)
    tz = zones[tzid]
    # RFC 5545: a repeated wall-clock time means its first occurrence.
    local = tz.localize(naive, is_dst=True) if hasattr(tz, "localize") else naive.replace(tzinfo=tz, fold=0)
    return fmt(local)
events = []
for ev in cal.walk("VEVENT"):
    events.append({
        "uid": str(ev["UID"]),
        "start": via_vtimezone(ev["DTSTART"]),
        "end": via_vtimezone(ev["DTEND"]),
        "start_decoded": fmt(ev.decoded("DTSTART")),
        "dtstamp": fmt(ev.decoded("DTSTAMP")),
        "sequence": int(ev["SEQUENCE"]),
        "summary": str(ev["SUMMARY"]),
        "description": str(ev.get("DESCRIPTION", "")),
        "location": str(ev["LOCATION"]),
        "url": str(ev.get("URL", "")),
        "categories": [str(c) for c in ev["CATEGORIES"].cats] if "CATEGORIES" in ev else [],
    })
# X-properties default to TEXT (RFC 5545 3.8.8.2); the library leaves them raw, so unescape here.
raw = cal["X-WR-CALNAME"].to_ical().decode()
name = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)
print(json.dumps({"name": name, "zones": sorted(zones), "events": events}))
"#;

fn read_ical(ics: &str) -> Value {
    let file = TempFile::new("schedule.ics", ics);
    let out = run("python3", &["-c", ICAL_READ, file.path()]);
    assert!(out.status.success(), "icalendar could not read the feed:\n{}\n{ics}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn z(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[test]
fn icalendar_is_crlf_and_folded_at_75_octets() {
    let ics = icalendar(&conference(), "LPC 2027, schedule");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "bare CR or LF");
    let lines: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
    assert!(lines.iter().all(|l| l.len() <= 75), "a line is longer than 75 octets");
    assert!(lines.iter().any(|l| l.starts_with(' ')), "the long abstract should have been folded");
    for wanted in ["BEGIN:VCALENDAR", "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-TIMEZONE:Europe/Vienna"] {
        assert!(lines.contains(&wanted), "{wanted}");
    }
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    assert!(lines.contains(&"X-WR-CALNAME:LPC 2027\\, schedule"));
    assert!(lines.contains(&"DTSTART;TZID=Europe/Vienna:20271031T023000"));
    assert!(lines.contains(&"DTSTART:20271031T013000Z"));
}

#[test]
fn icalendar_reads_back_with_the_right_instants_across_the_dst_change() {
    if !have_icalendar() {
        return;
    }
    let e = conference();
    let cal = read_ical(&icalendar(&e, "LPC 2027, schedule"));
    assert_eq!(cal["name"], "LPC 2027, schedule");
    assert_eq!(cal["zones"], serde_json::json!(["Europe/Vienna"]));
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), e.events.len());
    for (ev, got) in e.events.iter().zip(events) {
        assert_eq!(got["uid"], format!("{}@plumbline", ev.guid));
        assert_eq!(got["start"], z(ev.starts_at), "DTSTART of {}", ev.title);
        assert_eq!(got["start_decoded"], z(ev.starts_at), "DTSTART of {} (library zone)", ev.title);
        assert_eq!(got["end"], z(ev.ends_at), "DTEND of {}", ev.title);
        assert_eq!(got["dtstamp"], z(e.published_at));
        assert_eq!(got["sequence"], ev.sequence);
        assert_eq!(got["summary"], ev.title.as_str());
        assert_eq!(got["location"], ev.room.as_str());
        assert_eq!(got["categories"], serde_json::json!(ev.track.iter().collect::<Vec<_>>()));
        let description = got["description"].as_str().unwrap();
        assert!(description.contains(ev.abstract_text.replace(['\u{1}', '\u{7}'], "").trim()), "{description}");
        for p in &ev.persons {
            assert!(description.contains(&p.name), "{description}");
        }
        assert!(got["url"].as_str().unwrap().starts_with("https://plumbline.example/c/lpc-2027/s/"));
    }
}

#[test]
fn a_moved_session_keeps_its_uid_and_raises_its_sequence() {
    if !have_icalendar() {
        return;
    }
    let before = conference();
    let mut after = before.clone();
    after.version = "5".into();
    let moved = after.events.iter_mut().find(|ev| ev.id == 108).unwrap();
    moved.starts_at = utc("2027-10-31T12:00:00Z");
    moved.ends_at = utc("2027-10-31T15:00:00Z");
    moved.sequence += 1;
    let (a, b) = (read_ical(&icalendar(&before, "LPC")), read_ical(&icalendar(&after, "LPC")));
    let uids = |cal: &Value| cal["events"].as_array().unwrap().iter().map(|ev| ev["uid"].clone()).collect::<Vec<_>>();
    assert_eq!(uids(&a), uids(&b));
    let find = |cal: &Value| {
        cal["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|ev| ev["summary"] == "Tutorial: writing a Rust driver")
            .cloned()
            .unwrap()
    };
    let (old, new) = (find(&a), find(&b));
    assert_eq!(old["uid"], new["uid"]);
    assert_eq!((old["sequence"].as_i64(), new["sequence"].as_i64()), (Some(0), Some(1)));
    assert_eq!(new["start"], "2027-10-31T12:00:00Z");
}

/// The validators need real files; keep the schema copies where the tests expect them.
#[test]
fn the_schemas_are_in_the_repository() {
    assert!(Path::new(XSD).is_file(), "{XSD}");
    assert!(Path::new(JSON_SCHEMA).is_file(), "{JSON_SCHEMA}");
}
