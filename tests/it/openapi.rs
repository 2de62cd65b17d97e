//! The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1
//! (openapi-spec-validator from PyPI), naming every route `api::scope`
//! registers, and describing what the server really answers: real responses
//! of the demo data are checked against the schema the document gives for
//! their path, method and status (Python's jsonschema, draft 2020-12).

use crate::exports::TempFile;
use crate::support::{api_token, Page, TestApp};
use diesel::prelude::*;
use serde_json::{json, Value};
use std::process::Command;
use std::sync::OnceLock;

/// The validator is installed by `.ci/run`; without it the test fails saying how
/// to install it (a validation that did not run is not a pass).
fn have_validator() {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import openapi_spec_validator, jsonschema; jsonschema.Draft202012Validator"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    assert!(
        ok,
        "openapi-spec-validator is missing: python3 -m pip install openapi-spec-validator (bash .ci/run installs it)"
    );
}

fn python(script: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The routes `routes::api::scope` registers, read from its source as the access
/// test reads the route tables: (method, path under /api/v1).
fn registered_routes() -> Vec<(String, String)> {
    let src = include_str!("../../src/routes/api.rs");
    let re = regex::Regex::new(r#"\.route\("([^"]+)",\s*web::(get|post|put|patch|delete)\(\)"#).unwrap();
    let routes: Vec<_> = re.captures_iter(src).map(|c| (c[2].to_string(), format!("/api/v1{}", &c[1]))).collect();
    assert!(routes.len() >= 17, "found only {} routes in api.rs: has the table's shape changed?", routes.len());
    routes
}

#[test]
fn the_openapi_document_is_valid_3_1_and_names_every_route() {
    have_validator();
    let app = TestApp::start();
    let page = app.client().get("/api/v1/openapi.json");
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("application/json"));
    let doc = page.json();
    assert_eq!(doc["openapi"], "3.1.0");

    let file = TempFile::new("openapi.json", &page.body);
    let (ok, out) = python(
        "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')",
        &[file.path()],
    );
    assert!(ok, "openapi-spec-validator rejected the document:\n{out}");

    for (method, path) in registered_routes() {
        let op = &doc["paths"][&path][&method];
        assert!(op.is_object(), "{} {path} is registered but not in the OpenAPI document", method.to_uppercase());
        assert!(op["responses"].is_object(), "{method} {path} has no responses");
    }
    // Reads that need a token say so; public ones opt out with an empty requirement.
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    assert_eq!(doc["paths"]["/api/v1/conferences"]["get"]["security"], json!([{}]));
    assert!(doc["paths"]["/api/v1/me"]["get"].get("security").is_none(), "/me uses the document's default: the token");
    // Every error answer names the one error shape (or a booking refusal).
    let errors = doc["paths"]["/api/v1/conferences/{slug}/registrations"]["post"]["responses"]["409"]["content"]
        ["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(errors, "#/components/schemas/ErrorBody");
}

/// Checks every (path template, method, status, body) against the schema the
/// document gives it; prints each mismatch.
const CHECK_ANSWERS: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
doc = json.load(open(sys.argv[1]))
cases = json.load(open(sys.argv[2]))
bad = 0
for c in cases:
    resp = doc["paths"][c["path"]][c["method"]]["responses"].get(str(c["status"]))
    if resp is None:
        print(c["method"], c["path"], "answered", c["status"], "which the document does not list"); bad += 1; continue
    if "content" not in resp:
        if c["body"] is not None:
            print(c["method"], c["path"], c["status"], "has a body the document does not describe"); bad += 1
        continue
    schema = resp["content"]["application/json"]["schema"]
    v = Draft202012Validator({"components": doc["components"], "allOf": [schema]}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for e in v.iter_errors(c["body"]):
        print(c["method"], c["path"], c["status"], "/".join(map(str, e.absolute_path)), "->", e.message[:300]); bad += 1
print(len(cases), "answers checked,", bad, "mismatches")
sys.exit(1 if bad else 0)
"#;

struct Answers {
    cases: Vec<Value>,
}

impl Answers {
    fn add(&mut self, method: &str, template: &str, page: Page) -> Value {
        // An answer without a body (204) is checked as having none.
        let body = if page.body.is_empty() { Value::Null } else { page.json() };
        self.cases.push(json!({ "method": method, "path": template, "status": page.status, "body": body }));
        body
    }
}

pub fn user_id(app: &TestApp, email: &str) -> i64 {
    use plumbline::db::schema::users;
    users::table.filter(users::email.eq(email)).select(users::id).first(&mut app.db.conn()).unwrap()
}

#[test]
fn real_answers_match_the_documented_schemas() {
    have_validator();
    let app = TestApp::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    let organiser = api_token(&mut app.db.conn(), user_id(&app, "organiser@example.org"));
    let attendee = api_token(&mut app.db.conn(), user_id(&app, "attendee@example.org"));
    let speaker = api_token(&mut app.db.conn(), user_id(&app, "speaker@example.org"));
    let h = app.client();
    let mut a = Answers { cases: Vec::new() };
    let conf = "kernel-week-demo";
    let c = |rest: &str| format!("/api/v1/conferences/{conf}{rest}");
    let t = |rest: &str| format!("/api/v1/conferences/{{slug}}{rest}");

    a.add("get", "/api/v1/conferences", h.get("/api/v1/conferences"));
    a.add("get", "/api/v1/me", h.get_with_bearer("/api/v1/me", &organiser));
    a.add("get", "/api/v1/me", h.get("/api/v1/me"));
    a.add("get", &t("/proposals"), h.get_with_bearer(&c("/proposals"), &organiser));
    a.add("get", &t("/microconferences"), h.get(&c("/microconferences")));
    a.add("get", &t("/reviews"), h.get_with_bearer(&c("/reviews"), &organiser));
    a.add("get", &t("/schedule"), h.get(&c("/schedule")));
    let fees = a.add("get", &t("/fees"), h.get(&c("/fees")));
    a.add("get", &t("/fees"), h.get(&c("/fees?at=yesterday")));
    let regs = a.add("get", &t("/registrations"), h.get_with_bearer(&c("/registrations"), &organiser));
    a.add("get", &t("/registrations"), h.get_with_bearer(&c("/registrations"), &attendee));
    a.add("get", &t("/registrations/me"), h.get_with_bearer(&c("/registrations/me"), &attendee));
    let id = regs["registrations"][0]["id"].as_str().expect("the demo has registrations").to_string();
    a.add("get", &t("/registrations/{id}"), h.get_with_bearer(&c(&format!("/registrations/{id}")), &organiser));
    let rooms = a.add("get", &t("/rooms"), h.get(&c("/rooms")));
    let bookable = rooms["rooms"].as_array().and_then(|r| r.iter().find(|r| r["bookable"] == true)).cloned();
    let bookable = bookable.expect("the demo has a room attendees may book");
    let room = bookable["id"].as_str().unwrap_or_default().to_string();
    let room_name = bookable["name"].as_str().unwrap_or_default().to_string();
    a.add("get", &t("/rooms/{room}/bookings"), h.get(&c(&format!("/rooms/{room}/bookings"))));
    a.add("get", &t("/rooms/{room}/bookings"), h.get(&c(&format!("/rooms/{room}/bookings?date=soon"))));
    a.add("get", &t("/rooms"), h.get("/api/v1/conferences/no-such-conference/rooms"));

    // Writes: a refusal by rule, one by who is asking, a booking, the same again
    // (taken), and cancelling it; a registration, twice.
    let body = |title: &str, start: &str, end: &str| json!({ "room": room_name, "starts_at": start, "ends_at": end, "title": title, "description": "" });
    let free = free_hour(&app, conf, &room);
    let (start, end) = (free.0.to_rfc3339(), free.1.to_rfc3339());
    a.add("post", &t("/bookings"), h.post_json_with_bearer(&c("/bookings"), &body("x", &end, &start), &attendee));
    a.add("post", &t("/bookings"), h.post_json_with_bearer(&c("/bookings"), &body("Ours", &start, &end), &speaker));
    let booked = a.add(
        "post",
        &t("/bookings"),
        h.post_json_with_bearer(&c("/bookings"), &body("Ours", &start, &end), &attendee),
    );
    let booking = booked["id"].as_str().unwrap_or_else(|| panic!("booked: {booked}")).to_string();
    a.add("post", &t("/bookings"), h.post_json_with_bearer(&c("/bookings"), &body("Again", &start, &end), &attendee));
    a.add("delete", &t("/bookings/{id}"), h.delete_with_bearer(&c(&format!("/bookings/{booking}")), &attendee));
    let ticket = fees["ticket_types"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["on_sale"] == true && t["requires_code"] == false));
    let ticket = ticket.expect("the demo sells a ticket")["id"].as_str().unwrap_or_default().to_string();
    let reg = json!({ "ticket_type": ticket, "badge_name": "Sam" });
    a.add("post", &t("/registrations"), h.post_json_with_bearer(&c("/registrations"), &json!({}), &speaker));
    a.add("post", &t("/registrations"), h.post_json_with_bearer(&c("/registrations"), &reg, &speaker));
    a.add("post", &t("/registrations"), h.post_json_with_bearer(&c("/registrations"), &reg, &speaker));
    a.add("delete", &t("/registrations/me"), h.delete_with_bearer(&c("/registrations/me"), &speaker));

    // Review assignment on the demo's LPC, whose committee has reviewed and been assigned.
    let lpc = |rest: &str| format!("/api/v1/conferences/lpc-demo{rest}");
    let reviewer = api_token(&mut app.db.conn(), user_id(&app, "reviewer@example.org"));
    let lpc_organiser = crate::support::api_token(
        &mut app.db.conn(),
        app.count(
            "SELECT r.user_id AS n FROM conference_roles r JOIN conferences c ON c.id = r.conference_id \
             WHERE c.slug = 'lpc-demo' AND r.role = 'organiser' LIMIT 1",
        ),
    );
    a.add("get", &t("/assignments"), h.get_with_bearer(&lpc("/assignments"), &reviewer));
    a.add("get", &t("/assignments"), h.get_with_bearer(&lpc("/assignments"), &attendee));
    let auto = |body: Value| h.post_json_with_bearer(&lpc("/assignments/auto"), &body, &lpc_organiser);
    a.add("post", &t("/assignments/auto"), auto(json!({"reviews_per_proposal": 2, "dry_run": true})));
    a.add("post", &t("/assignments/auto"), auto(json!({"reviews_per_proposal": 0})));
    let mine = a.add("get", &t("/assignments"), h.get_with_bearer(&lpc("/assignments"), &reviewer));
    let proposal = mine["assignments"][0]["proposal"].as_str().expect("the demo reviewer has assignments").to_string();
    let pref = |body: Value, token: &str| {
        h.put_json_with_bearer(&lpc(&format!("/proposals/{proposal}/preference")), &body, token)
    };
    a.add("put", &t("/proposals/{id}/preference"), pref(json!({"preference": 100}), &reviewer));
    a.add("put", &t("/proposals/{id}/preference"), pref(json!({"preference": 101}), &reviewer));
    a.add("put", &t("/proposals/{id}/preference"), pref(json!({"preference": 1}), &attendee));

    // The MC ideas board of the demo's LPC, whose call for microconferences is open.
    let ideas = |rest: &str| format!("/api/v1/conferences/lpc-demo/mc-ideas{rest}");
    a.add("get", &t("/mc-ideas"), h.get(&ideas("")));
    a.add("post", &t("/mc-ideas"), h.post_json_with_bearer(&ideas(""), &json!({"title": "x"}), &attendee));
    let body = json!({"title": "Confidential computing", "description": "TDX and SEV-SNP.", "topics": ["Attestation"], "lead": true});
    let posted = a.add("post", &t("/mc-ideas"), h.post_json_with_bearer(&ideas(""), &body, &attendee));
    let idea = posted["id"].as_str().unwrap_or_else(|| panic!("posted: {posted}")).to_string();
    let on = |rest: &str| ideas(&format!("/{idea}{rest}"));
    let support = json!({"lead": true, "note": "I maintain it"});
    a.add("post", &t("/mc-ideas/{id}/support"), h.post_json_with_bearer(&on("/support"), &support, &speaker));
    a.add(
        "post",
        &t("/mc-ideas/{id}/support"),
        h.post_json_with_bearer(&on("/support"), &json!({"lead": 1}), &speaker),
    );
    a.add("get", &t("/mc-ideas"), h.get_with_bearer(&ideas(""), &speaker));
    a.add("post", &t("/mc-ideas/{id}/propose"), h.post_json_with_bearer(&on("/propose"), &json!({}), &reviewer));
    a.add("post", &t("/mc-ideas/{id}/propose"), h.post_json_with_bearer(&on("/propose"), &json!({}), &attendee));
    a.add("post", &t("/mc-ideas/{id}/propose"), h.post_json_with_bearer(&on("/propose"), &json!({}), &attendee));
    a.add("delete", &t("/mc-ideas/{id}/support"), h.delete_with_bearer(&on("/support"), &speaker));
    a.add("get", &t("/mc-ideas"), h.get_with_bearer(&ideas(""), &attendee));

    // A conference with the events beside it; the unconference planner's preview and daily plan.
    a.add("get", "/api/v1/conferences/{slug}", h.get("/api/v1/conferences/lpc-demo"));
    a.add("get", "/api/v1/conferences/{slug}", h.get("/api/v1/conferences/no-such-conference"));
    let soon = chrono::Utc::now() + chrono::Duration::hours(2);
    let window = json!({"from": soon.to_rfc3339(), "to": (soon + chrono::Duration::hours(8)).to_rfc3339(), "dry_run": true, "move_notice_minutes": 60});
    a.add("post", &t("/unconference/plan"), h.post_json_with_bearer(&c("/unconference/plan"), &window, &organiser));
    let order = |body: Value| h.put_json_with_bearer(&c("/unconference/autoplan"), &body, &organiser);
    a.add(
        "put",
        &t("/unconference/autoplan"),
        order(json!({"enabled": true, "run_at": "21:00", "move_notice_minutes": 720})),
    );
    a.add("put", &t("/unconference/autoplan"), order(json!({"enabled": true, "run_at": "25:00"})));
    let got = a.add("get", &t("/unconference/autoplan"), h.get_with_bearer(&c("/unconference/autoplan"), &organiser));
    assert_eq!((got["run_at"].clone(), got["move_notice_minutes"].clone()), (json!("21:00"), json!(720)), "{got}");
    a.add("get", &t("/unconference/autoplan"), h.get_with_bearer(&c("/unconference/autoplan"), &attendee));

    let statuses: Vec<u64> = a.cases.iter().map(|c| c["status"].as_u64().unwrap_or(0)).collect();
    for wanted in [200, 201, 204, 400, 401, 403, 404, 409, 422] {
        assert!(statuses.contains(&wanted), "no answer with status {wanted} was checked: {statuses:?}");
    }
    let doc = TempFile::new("openapi.json", &h.get("/api/v1/openapi.json").body);
    let cases = TempFile::new("answers.json", &Value::Array(a.cases).to_string());
    let (ok, out) = python(CHECK_ANSWERS, &[doc.path(), cases.path()]);
    assert!(ok, "answers differ from the document:\n{out}");
}

/// An hour in `room` tomorrow (in the conference's zone) that the demo left free.
pub fn free_hour(
    app: &TestApp,
    slug: &str,
    room: &str,
) -> (chrono::DateTime<chrono::FixedOffset>, chrono::DateTime<chrono::FixedOffset>) {
    let h = app.client();
    let tz: chrono_tz::Tz = "Europe/Lisbon".parse().unwrap();
    let tomorrow = (chrono::Utc::now().with_timezone(&tz) + chrono::Duration::days(1)).date_naive();
    let day = h.get(&format!("/api/v1/conferences/{slug}/rooms/{room}/bookings?date={tomorrow}")).json();
    let taken: Vec<(String, String)> = day["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["starts_at"].as_str().unwrap().to_string(), b["ends_at"].as_str().unwrap().to_string()))
        .collect();
    for hour in 9..17 {
        let start = tomorrow.and_hms_opt(hour, 0, 0).unwrap().and_local_timezone(tz).unwrap().fixed_offset();
        let end = start + chrono::Duration::hours(1);
        let clash = taken.iter().any(|(s, e)| {
            let (s, e) =
                (chrono::DateTime::parse_from_rfc3339(s).unwrap(), chrono::DateTime::parse_from_rfc3339(e).unwrap());
            s < end && start < e
        });
        if !clash {
            return (start, end);
        }
    }
    panic!("no free hour tomorrow in room {room}: {day}");
}
