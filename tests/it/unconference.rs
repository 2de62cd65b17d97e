//! The on-site unconference (issue 21, first part): registered attendees
//! propose sessions and mark themselves essential or interested, on the page
//! and through the API; everyone sees the list, most wanted first.

use crate::rooms::{attendee, conference};
use crate::support::TestApp;
use serde_json::{json, Value};
use std::time::Duration;

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
    Browser::require();
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    attendee(&app, &c, "ann@example.org");
    attendee(&app, &c, "bo@example.org");
    let b = Browser::start();
    // A phone-sized window.
    b.cmd("POST", "window/rect", json!({"width": 390, "height": 844}));
    let log_in = |email: &str| crate::browser::log_in(&b, &app, email);
    let log_out = || crate::browser::log_out(&b);
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
    log_out();

    log_in("bo@example.org");
    b.goto(&app.url("/c/uncon/unconference"));
    b.click("button[name=level][value=interested]");
    assert!(b.wait_for_text("main", "you: interested", Duration::from_secs(10)), "{}", b.page_source());
    log_out();

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
    // The room grid shows the planned session like any booking.
    b.goto(&app.url(&format!("/c/uncon/rooms?date={}", c.tomorrow)));
    assert!(b.wait_for_text("main", "Folios everywhere", Duration::from_secs(10)), "{}", b.page_source());
    // The daily plan: a bad time comes back with what was typed, then it is saved.
    b.goto(&app.url("/c/uncon/unconference"));
    // (A time input takes its value from script more reliably than from typed keys.)
    b.execute("document.querySelector('#a-at').value = ''", vec![]);
    b.click("form[action$='/unconference/autoplan'] button");
    assert!(b.wait_for_text("main", "a time such as 20:00", Duration::from_secs(10)), "{}", b.page_source());
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the refused daily plan: {serious:?}");
    b.execute("document.querySelector('#a-at').value = '20:00'", vec![]);
    b.click("form[action$='/unconference/autoplan'] button");
    assert!(b.wait_for_text("main", "The daily plan was saved", Duration::from_secs(10)), "{}", b.page_source());
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_autoplan WHERE enabled"), 1);
}

fn plan_api(app: &TestApp, c: &crate::rooms::Conf, body: Value) -> (u16, Value) {
    call(app, "POST", "/api/v1/conferences/uncon/unconference/plan", &c.admin_token, Some(body))
}

fn window(c: &crate::rooms::Conf, from: &str, to: &str, dry: bool) -> Value {
    json!({"from": c.at(c.tomorrow, from), "to": c.at(c.tomorrow, to), "dry_run": dry})
}

/// The single session's booking: (room, local start "HH:MM").
fn where_is(app: &TestApp, c: &crate::rooms::Conf, title: &str) -> (String, String) {
    let (_, v) = call(app, "GET", "/api/v1/conferences/uncon/unconference/sessions", &c.admin_token, None);
    let s = v["sessions"].as_array().unwrap().iter().find(|s| s["title"] == title).unwrap().clone();
    let start = chrono::DateTime::parse_from_rfc3339(s["placement"]["starts_at"].as_str().unwrap()).unwrap();
    (s["placement"]["room"].as_str().unwrap().to_string(), start.with_timezone(&c.tz).format("%H:%M").to_string())
}

#[test]
fn placed_sessions_move_only_with_notice_and_nobody_essential_is_planned_into_their_own_booking() {
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    let ann = attendee(&app, &c, "ann@example.org");
    let bo = attendee(&app, &c, "bo@example.org");
    let sessions = "/api/v1/conferences/uncon/unconference/sessions";
    let (s, _) = call(&app, "POST", sessions, &ann, Some(json!({"title": "Memory tiering", "minutes": 60})));
    assert_eq!(s, 201);
    let (_, v) = plan_api(&app, &c, window(&c, "10:00", "11:00", false));
    assert_eq!(v["placed"].as_array().unwrap().len(), 1, "{v}");
    let (room, start) = where_is(&app, &c, "Memory tiering");
    assert_eq!(start, "10:00");

    // Ann now holds the other room at 10:00 herself: she cannot be in both.
    let other = if room == "Room 1.61" { &c.r162 } else { &c.r161 };
    let (s, v) = crate::rooms::book(
        &app,
        &c,
        &ann,
        other,
        &c.at(c.tomorrow, "10:00"),
        &c.at(c.tomorrow, "11:00"),
        "Hallway track",
    );
    assert_eq!(s, 201, "{v}");
    // Without moving, the placed session stays, and the clash is reported.
    let (_, v) = plan_api(&app, &c, window(&c, "10:00", "12:00", false));
    assert_eq!((v["placed"].clone(), v["essential_clashes"].clone()), (json!([]), json!(1)), "{v}");
    assert_eq!(where_is(&app, &c, "Memory tiering").1, "10:00");
    let out = |v: &Value| v["placed"].as_array().unwrap().clone();
    let mut body = window(&c, "10:00", "12:00", true);
    body["move_notice_minutes"] = json!(20_000);
    assert_eq!(plan_api(&app, &c, body.clone()).0, 422, "a notice past a week is refused");
    // With a notice the session (tomorrow, well past an hour away) may move: the preview says where from.
    body["move_notice_minutes"] = json!(60);
    let (s, v) = plan_api(&app, &c, body.clone());
    assert_eq!(s, 200, "{v}");
    let placed = out(&v);
    assert_eq!(placed.len(), 1, "{v}");
    assert!(placed[0]["moved_from"].as_str().unwrap().contains("10:00"), "{v}");
    assert_eq!((v["before"]["essential_clashes"].clone(), v["essential_clashes"].clone()), (json!(1), json!(0)));
    assert_eq!(where_is(&app, &c, "Memory tiering").1, "10:00", "a dry run moves nothing");
    let before = app.outbox_count("ann@example.org");
    body["dry_run"] = json!(false);
    let (_, v) = plan_api(&app, &c, body.clone());
    assert_eq!(out(&v).len(), 1, "{v}");
    assert_eq!(where_is(&app, &c, "Memory tiering").1, "11:00");
    assert_eq!(app.outbox_count("ann@example.org"), before + 1, "one mail for the move");
    let moved =
        app.smtp.wait_for("ann@example.org", |m| m.text_body().contains("moved; it was"), Duration::from_secs(10));
    assert!(moved.is_some(), "the mail says the session moved");
    let (_, again) = plan_api(&app, &c, body);
    assert_eq!(again["placed"], json!([]), "moving twice changes nothing more");
    assert_eq!(app.count("SELECT count(*) AS n FROM room_bookings WHERE cancelled_at IS NULL"), 2, "moved, not copied");

    // Bo holds Room 1.61 from 12:00 to 13:00: his own session cannot go in 1.62 then.
    let (s, _) = call(&app, "POST", sessions, &bo, Some(json!({"title": "Scheduler BoF", "minutes": 60})));
    assert_eq!(s, 201);
    let (s, _) = crate::rooms::book(
        &app,
        &c,
        &bo,
        &c.r161,
        &c.at(c.tomorrow, "12:00"),
        &c.at(c.tomorrow, "13:00"),
        "Lunch meeting",
    );
    assert_eq!(s, 201);
    let (_, v) = plan_api(&app, &c, window(&c, "12:00", "13:00", true));
    assert_eq!(out(&v).len(), 0, "{v}");
    assert!(v["unplaced"][0]["reason"].as_str().unwrap().contains("essential"), "{v}");
    let (_, v) = plan_api(&app, &c, window(&c, "12:00", "14:00", true));
    assert!(out(&v)[0]["when"].as_str().unwrap().contains("13:00"), "{v}");
}

#[test]
fn a_room_booked_while_the_planner_runs_wins_and_the_planner_places_the_session_elsewhere() {
    use diesel::prelude::*;
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    let ann = attendee(&app, &c, "ann@example.org");
    attendee(&app, &c, "bo@example.org");
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/conferences/uncon/unconference/sessions",
        &ann,
        Some(json!({"title": "Folios", "minutes": 60})),
    );
    assert_eq!(s, 201);
    // Where the planner will put it (the plan is deterministic for the same input).
    let (_, v) = plan_api(&app, &c, window(&c, "10:00", "12:00", true));
    let spot = v["placed"][0].clone();
    let (starts, ends) =
        (spot["starts_at"].as_str().unwrap().to_string(), spot["ends_at"].as_str().unwrap().to_string());
    let room = spot["room"].as_str().unwrap().to_string();

    // Bo books exactly that room and time in a transaction not yet committed.
    let mut rival = app.db.conn();
    diesel::sql_query("BEGIN").execute(&mut rival).unwrap();
    diesel::sql_query(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, kind, title, during) \
         SELECT r.conference_id, r.id, u.id, 'booking', 'Bo got there first', tstzrange($2::timestamptz, $3::timestamptz) \
         FROM rooms r, users u WHERE r.name = $1 AND u.email = 'bo@example.org'",
    )
    .bind::<diesel::sql_types::Text, _>(&room)
    .bind::<diesel::sql_types::Text, _>(&starts)
    .bind::<diesel::sql_types::Text, _>(&ends)
    .execute(&mut rival)
    .unwrap();
    // The planner reads the rooms free, books that slot, and waits on Bo's row...
    let applied = std::thread::scope(|s| {
        let run = s.spawn(|| plan_api(&app, &c, window(&c, "10:00", "12:00", false)));
        let waiting = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            app.count(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"room_bookings\"%'",
            ) > 0
        });
        assert!(waiting, "the planner's booking waits for the rival transaction");
        // ... until Bo commits: the exclusion constraint refuses the planner's booking.
        diesel::sql_query("COMMIT").execute(&mut rival).unwrap();
        run.join().unwrap()
    });
    let (s, v) = applied;
    assert_eq!(s, 200, "{v}");
    let placed = v["placed"].as_array().unwrap();
    assert_eq!((placed.len(), v["unplaced"].as_array().unwrap().len()), (1, 0), "placed elsewhere: {v}");
    assert!(placed[0]["room"] != json!(room) || placed[0]["starts_at"] != json!(starts), "{v}");
    assert_eq!(app.count("SELECT count(*) AS n FROM room_bookings WHERE title = 'Bo got there first'"), 1);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM room_bookings a JOIN room_bookings b ON a.id < b.id AND a.room_id = b.room_id \
             AND a.during && b.during WHERE a.cancelled_at IS NULL AND b.cancelled_at IS NULL"
        ),
        0
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_sessions WHERE booking_id IS NOT NULL"), 1);
}

#[test]
fn the_daily_plan_runs_once_a_day_and_marked_sessions_join_my_schedule_and_its_feed() {
    let app = TestApp::start();
    let c = conference(&app, "uncon", "start", "3");
    let ann = attendee(&app, &c, "ann@example.org");
    let bo = attendee(&app, &c, "bo@example.org");
    assert_eq!(c.admin.post_form("/c/uncon/manage/schedule/publish", &[]).status, 303);
    let sessions = "/api/v1/conferences/uncon/unconference/sessions";
    let (_, v) = call(&app, "POST", sessions, &ann, Some(json!({"title": "Kernel CI triage", "minutes": 60})));
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _) = call(&app, "PUT", &format!("{sessions}/{id}/interest"), &bo, Some(json!({"level": "interested"})));
    assert_eq!(s, 204);

    // Bad input is refused with the reason; nothing is saved.
    let form = |at: &str, notice: &str| {
        c.admin
            .post_form("/c/uncon/unconference/autoplan", &[("enabled", "on"), ("run_at", at), ("notice_hours", notice)])
    };
    let r = form("25:00", "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("a time such as 20:00") && r.body.contains(r#"value="25:00""#), "{}", r.body);
    assert_eq!(form("00:00", "500").status, 422);
    assert_eq!(app.count("SELECT count(*) AS n FROM unconference_autoplan"), 0);
    // "Every day at 00:00": today's run is due at once, and plans tomorrow.
    assert_eq!(form("00:00", "").status, 303);
    let ran = (0..150).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        app.count(
            "SELECT count(*) AS n FROM unconference_autoplan WHERE last_run_on IS NOT NULL AND last_summary <> ''",
        ) == 1
    });
    assert!(ran, "the worker ran the daily plan");
    let mail = app.mail("bo@example.org", "Unconference sessions planned");
    assert!(mail.text_body().contains("Kernel CI triage"));
    let (_, v) = call(&app, "GET", sessions, &bo, None);
    let starts = v["sessions"][0]["placement"]["starts_at"].as_str().unwrap().to_string();
    let day = chrono::DateTime::parse_from_rfc3339(&starts).unwrap().with_timezone(&c.tz).date_naive();
    assert_eq!(day, c.tomorrow);
    let board = c.admin.get("/c/uncon/unconference").body;
    assert!(board.contains("Last run:") && board.contains("1 placed or moved"), "{board}");
    // Once a day: however often the worker looks, nothing runs again today.
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(app.count("SELECT count(*) AS n FROM room_bookings WHERE cancelled_at IS NULL"), 1);
    assert_eq!(app.outbox_count("bo@example.org"), 2, "the registration mail and one plan mail");

    // Bo marked it: it is in his schedule and his calendar feed; Zed's has nothing.
    let bo_web = crate::review_login(&app, "bo@example.org");
    let mine = bo_web.get("/c/uncon/my-schedule").body;
    assert!(mine.contains("Kernel CI triage"), "{mine}");
    let feed =
        regex::Regex::new(r"(/c/uncon/my-schedule/[0-9a-f-]{36}/[^<\s]+\.ics)").unwrap().captures(&mine).unwrap()[1]
            .to_string();
    let ics = app.client().get(&feed);
    assert_eq!(ics.status, 200);
    assert!(ics.body.contains("SUMMARY:Kernel CI triage"), "{}", ics.body);
    attendee(&app, &c, "zed@example.org");
    let zed = crate::review_login(&app, "zed@example.org").get("/c/uncon/my-schedule").body;
    assert!(!zed.contains("Kernel CI triage"));
}

/// The planner keeps essential people out of their own talks and MCs: the
/// busy times it reads are every placed talk's speaker and every MC's leads.
#[test]
fn speakers_and_mc_leads_are_busy_during_their_sessions() {
    use diesel::prelude::*;
    use plumbline::testing::repo;
    #[derive(QueryableByName, PartialEq, Eq, Hash, Debug, Clone, Copy)]
    struct Busy {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        user_id: i64,
        #[diesel(sql_type = diesel::sql_types::Timestamptz)]
        starts_at: chrono::DateTime<chrono::Utc>,
    }
    let app = TestApp::start();
    let mut conn = app.db.conn();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut conn)).unwrap();
    let conf = repo::conferences::by_slug(&mut conn, "kernel-week-demo").unwrap().unwrap();
    let (from, to) =
        (chrono::Utc::now() - chrono::Duration::days(3650), chrono::Utc::now() + chrono::Duration::days(3650));
    let busy: std::collections::HashSet<Busy> = repo::unconference::busy_between(&mut conn, conf.id, from, to)
        .unwrap()
        .into_iter()
        .map(|b| Busy { user_id: b.user_id, starts_at: b.starts_at })
        .collect();
    let mut expected = |sql: &str| -> Vec<Busy> {
        diesel::sql_query(format!(
            "SELECT x.user_id, lower(b.during) AS starts_at FROM room_bookings b \
             JOIN schedule_items i ON i.id = b.schedule_item_id JOIN {sql} \
             WHERE b.cancelled_at IS NULL AND b.conference_id = $1"
        ))
        .bind::<diesel::sql_types::BigInt, _>(conf.id)
        .load(&mut conn)
        .unwrap()
    };
    let speakers = expected(
        "(SELECT id AS proposal_id, submitter_id AS user_id FROM proposals) x ON x.proposal_id = i.proposal_id",
    );
    let leads = expected(
        "(SELECT m.proposal_id, l.user_id FROM microconferences m JOIN microconference_leads l ON l.microconference_id = m.id) x \
         ON x.proposal_id = i.proposal_id",
    );
    assert!(!speakers.is_empty() && !leads.is_empty(), "the demo has placed talks and MCs");
    for b in speakers.iter().chain(&leads) {
        assert!(busy.contains(b), "{b:?} is busy");
    }
}
