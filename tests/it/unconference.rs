//! The on-site unconference (issue 21, first part): registered attendees
//! propose sessions and mark themselves essential or interested, on the page
//! and through the API; everyone sees the list, most wanted first.

use crate::rooms::{attendee, conference};
use crate::support::TestApp;
use serde_json::{json, Value};

fn call(app: &TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let c = reqwest::blocking::Client::new();
    let r = match method {
        "POST" => c.post(app.url(path)),
        "PUT" => c.put(app.url(path)),
        _ => c.get(app.url(path)),
    };
    let r = match body {
        Some(b) => r.json(&b),
        None => r,
    };
    let r = r.bearer_auth(token).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

#[test]
fn attendees_propose_and_mark_sessions_through_the_api() {
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    let ann = attendee(&app, &c, "ann@example.org");
    let bo = attendee(&app, &c, "bo@example.org");
    let stranger = crate::support::api_token(&mut app.db.conn(), app.user("zed@example.org", "Zed", false));
    let sessions = "/api/v1/conferences/uncon/unconference/sessions";

    let good = json!({"title": "Rust in the page cache", "description": "Let's argue.", "minutes": 60, "needs": ["Projector"]});
    assert_eq!(call(&app, "POST", sessions, &stranger, Some(good.clone())).0, 403, "registered attendees only");
    let (s, v) = call(&app, "POST", sessions, &ann, Some(json!({"title": "x", "minutes": 45, "needs": ["laser"]})));
    assert_eq!(s, 422);
    let why = v["error"].as_str().unwrap();
    assert!(why.contains("title") && why.contains("steps of 30 minutes") && why.contains("projector"), "{why}");
    let (s, v) = call(&app, "POST", sessions, &ann, Some(good));
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        (v["essential"].clone(), v["interested"].clone(), v["me"].clone()),
        (json!(1), json!(0), json!("essential"))
    );
    assert_eq!(v["needs"], json!(["projector"]));
    assert_eq!(v["placement"], Value::Null);
    let first = v["id"].as_str().unwrap().to_string();
    let (_, v) = call(&app, "POST", sessions, &bo, Some(json!({"title": "Scheduler BoF", "minutes": 30})));
    let second = v["id"].as_str().unwrap().to_string();

    // Marks: bo is interested in ann's, and essential to their own already.
    let mark = |t: &str, id: &str, level: &str| {
        call(&app, "PUT", &format!("{sessions}/{id}/interest"), t, Some(json!({ "level": level }))).0
    };
    assert_eq!(mark(&bo, &first, "interested"), 204);
    assert_eq!(mark(&bo, &first, "sometimes"), 422);
    assert_eq!(mark(&ann, &first, "none"), 409, "the proposer stays essential");
    assert_eq!(mark(&stranger, &first, "interested"), 403);
    assert_eq!(mark(&bo, "00000000-0000-0000-0000-000000000000", "interested"), 404);

    // The list: most wanted first, counts and `me` for attendees, people for organisers.
    let (s, v) = call(&app, "GET", sessions, &bo, None);
    assert_eq!(s, 200);
    let list = v["sessions"].as_array().unwrap();
    assert_eq!(list[0]["id"], json!(first));
    assert_eq!(
        (list[0]["essential"].clone(), list[0]["interested"].clone(), list[0]["me"].clone()),
        (json!(1), json!(1), json!("interested"))
    );
    assert_eq!(list[1]["id"], json!(second));
    let (_, v) = call(&app, "GET", sessions, &c.admin_token, None);
    let ids = |who: &str| app.count(&format!("SELECT count(*) AS n FROM users WHERE email = '{who}'"));
    assert_eq!(ids("ann@example.org"), 1);
    assert_eq!(v["sessions"][0]["essential"].as_array().unwrap().len(), 1);
    assert_eq!(v["sessions"][0]["interested"].as_array().unwrap().len(), 1);
    assert_eq!(mark(&bo, &first, "none"), 204);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_interest"), 2);
}

#[test]
fn the_board_page_lists_sessions_and_takes_proposals_and_marks() {
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    attendee(&app, &c, "ann@example.org");
    let ann = crate::review_login(&app, "ann@example.org");
    let page = app.client().get("/c/uncon/unconference");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No sessions proposed yet") && page.body.contains("Log in"));

    // Bad input comes back with what was typed.
    let r = ann.post_form(
        "/c/uncon/unconference/sessions",
        &[("title", "Tracing BoF"), ("description", "kept"), ("minutes", "45")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="Tracing BoF""#) && r.body.contains("kept</textarea>"));
    let r = ann.post_form(
        "/c/uncon/unconference/sessions",
        &[("title", "Tracing BoF"), ("description", "ring buffers"), ("minutes", "60"), ("needs", "projector")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let board = ann.get("/c/uncon/unconference").body;
    assert!(board.contains("Tracing BoF") && board.contains("60 min") && board.contains("needs projector"));
    assert!(board.contains("you: essential"));
    // Someone not registered may look, not mark.
    let zed = app.logged_in("zed@example.org", "Zed", false);
    let id = regex::Regex::new(r#"id="s-([0-9a-f-]{36})""#).unwrap().captures(&board).unwrap()[1].to_string();
    let r = zed.post_form(&format!("/c/uncon/unconference/sessions/{id}/interest"), &[("level", "interested")]);
    assert_eq!(r.status, 403);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_interest"), 1);
}

fn ann_page(app: &TestApp) -> crate::support::Page {
    crate::review_login(app, "ann@example.org").get("/c/uncon/unconference")
}

#[test]
fn the_planner_keeps_essential_people_in_one_place_and_applying_twice_changes_nothing() {
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    let ann = attendee(&app, &c, "ann@example.org");
    let bo = attendee(&app, &c, "bo@example.org");
    let sessions = "/api/v1/conferences/uncon/unconference/sessions";
    let propose = |t: &str, title: &str| {
        let (s, v) = call(&app, "POST", sessions, t, Some(json!({"title": title, "minutes": 60})));
        assert_eq!(s, 201, "{v}");
        v["id"].as_str().unwrap().to_string()
    };
    let first = propose(&ann, "Memory tiering");
    let second = propose(&bo, "Page cache folios");
    // Ann must be at both: they may never run at once.
    let (s, _) = call(&app, "PUT", &format!("{sessions}/{second}/interest"), &ann, Some(json!({"level": "essential"})));
    assert_eq!(s, 204);
    let plan = |from: &str, to: &str, dry: bool| {
        let body = json!({"from": c.at(c.tomorrow, from), "to": c.at(c.tomorrow, to), "dry_run": dry});
        call(&app, "POST", "/api/v1/conferences/uncon/unconference/plan", &c.admin_token, Some(body))
    };
    assert_eq!(call(&app, "POST", "/api/v1/conferences/uncon/unconference/plan", &ann, Some(json!({}))).0, 403);
    assert_eq!(plan("12:00", "10:00", true).0, 422);

    // One hour, two free rooms: only one of the two can run.
    let (s, v) = plan("10:00", "11:00", true);
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["placed"].as_array().unwrap().len(), v["unplaced"].as_array().unwrap().len()), (1, 1), "{v}");
    assert_eq!(v["essential_clashes"], 0);
    assert!(v["unplaced"][0]["reason"].as_str().unwrap().contains("essential"), "{v}");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM room_bookings WHERE cancelled_at IS NULL"),
        0,
        "a dry run books nothing"
    );
    let before = app.outbox_count("ann@example.org");
    let (_, v) = plan("10:00", "11:00", false);
    assert_eq!(v["placed"].as_array().unwrap().len(), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_sessions WHERE booking_id IS NOT NULL"), 1);
    assert_eq!(app.outbox_count("ann@example.org"), before + 1, "ann is essential to whichever was placed");
    let (_, again) = plan("10:00", "11:00", false);
    assert_eq!(again["placed"], json!([]), "applying twice changes nothing");
    assert_eq!(app.outbox_count("ann@example.org"), before + 1, "and mails nobody");
    assert_eq!(app.count("SELECT count(*) AS n FROM room_bookings WHERE cancelled_at IS NULL"), 1);

    // A wider window places the other one after it, never at the same time.
    let (_, v) = plan("10:00", "12:00", false);
    assert_eq!(v["placed"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(app.outbox_count("ann@example.org"), before + 2);
    let mail = app.mail("ann@example.org", "Unconference sessions planned");
    assert!(mail.text_body().contains("(Europe/Vienna)"));
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM room_bookings a JOIN room_bookings b ON a.id < b.id AND a.during && b.during \
             WHERE a.cancelled_at IS NULL AND b.cancelled_at IS NULL"
        ),
        0
    );
    // Placed sessions show in the room's bookings and in the list.
    let (_, list) = call(&app, "GET", sessions, &ann, None);
    let list = list["sessions"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter().all(|s| s["placement"]["room"].is_string() && s["placement"]["starts_at"].is_string()),
        "{list:?}"
    );
    assert!(app.client().get("/c/uncon/unconference").body.contains("(Europe/Vienna)"));

    // The organiser's page: preview a window (nothing booked), then plan it.
    let (_, v) = call(&app, "POST", sessions, &bo, Some(json!({"title": "Late BoF", "minutes": 30})));
    assert_eq!(v["placement"], Value::Null);
    let local = |hm: &str| c.local(c.tomorrow, hm);
    let page = c.admin.get(&format!("/c/uncon/unconference?from={}&to={}", local("14:00"), local("15:00")));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong>Late BoF</strong>: Room 1.6"), "{}", page.body);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_sessions WHERE booking_id IS NOT NULL"), 2);
    let r = c.admin.post_form("/c/uncon/unconference/plan", &[("from", &local("14:00")), ("to", &local("15:00"))]);
    assert_eq!(r.status, 303);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_sessions WHERE booking_id IS NOT NULL"), 3);
    assert_eq!(ann_page(&app).status, 200);
    let day =
        app.client().get(&format!("/api/v1/conferences/uncon/rooms/{}/bookings?date={}", c.r161, c.tomorrow)).json();
    let day2 =
        app.client().get(&format!("/api/v1/conferences/uncon/rooms/{}/bookings?date={}", c.r162, c.tomorrow)).json();
    let titles = format!("{day}{day2}");
    assert!(titles.contains("Memory tiering") && titles.contains("Page cache folios"), "{titles}");
    let _ = first;
}

#[test]
fn browser_on_a_phone_propose_mark_and_the_organiser_plans() {
    use crate::support::webdriver::Browser;
    use std::time::Duration;
    Browser::require();
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    attendee(&app, &c, "ann@example.org");
    attendee(&app, &c, "bo@example.org");
    let b = Browser::start();
    // A phone-sized window.
    b.cmd("POST", "window/rect", json!({"width": 390, "height": 844}));
    let log_in = |email: &str| {
        b.goto(&app.url("/login"));
        b.fill("#email", email);
        b.fill("#password", crate::support::PASSWORD);
        b.click("form.stack button[type=submit]");
        assert!(b.wait_for_text("header.site", "Log out", Duration::from_secs(10)));
    };
    log_in("ann@example.org");
    b.goto(&app.url("/c/uncon/unconference"));
    b.fill("#title", "Folios everywhere");
    b.fill("#description", "Where do folios still hurt?");
    b.click("section[aria-labelledby=propose-h] button[type=submit]");
    assert!(b.wait_for_text("main", "Your session is on the board", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("you: essential"));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the board: {serious:?}");
    let width: i64 = b.execute("return document.documentElement.scrollWidth", vec![]).as_i64().unwrap_or(0);
    assert!(width <= 390, "no sideways scrolling on a phone: {width}px");
    b.click("header form.inline button.link");
    assert!(b.wait_for_text("header.site", "Log in", Duration::from_secs(10)));

    log_in("bo@example.org");
    b.goto(&app.url("/c/uncon/unconference"));
    b.click("button[name=level][value=interested]");
    assert!(b.wait_for_text("main", "you: interested", Duration::from_secs(10)), "{}", b.page_source());
    b.click("header form.inline button.link");
    assert!(b.wait_for_text("header.site", "Log in", Duration::from_secs(10)));

    // The organiser previews tomorrow morning and plans it; the board shows where.
    log_in("admin@example.org");
    b.goto(&app.url(&format!(
        "/c/uncon/unconference?from={}&to={}",
        c.local(c.tomorrow, "09:00"),
        c.local(c.tomorrow, "12:00")
    )));
    assert!(b.wait_for_text("main", "1 to place", Duration::from_secs(10)), "{}", b.page_source());
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the preview: {serious:?}");
    b.click("form[action$='/unconference/plan'] button");
    assert!(b.wait_for_text("main", "The sessions were planned", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("(Europe/Vienna)"));
    app.mail("bo@example.org", "Unconference sessions planned");
}
