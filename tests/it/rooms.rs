//! Room booking over HTTP: concurrent bookings of one slot, back-to-back
//! bookings, each rule refused with its reason and nothing stored, per-object
//! cancel rights, organiser blocks and moves, the iCalendar feeds, the grid and
//! board, demo data, and a browser journey.

use crate::support::webdriver::Browser;
use crate::support::{Http, TestApp};
use chrono::{Duration as CDuration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use regex::Regex;
use serde_json::{json, Value};
use std::time::Duration;

const TZ: &str = "Europe/Vienna";

pub(crate) struct Conf {
    pub(crate) slug: String,
    pub(crate) admin: Http,
    pub(crate) admin_token: String,
    pub(crate) tz: Tz,
    pub(crate) today: NaiveDate,
    pub(crate) tomorrow: NaiveDate,
    /// Room 1.61, Room 1.62 (bookable), Hall A (not bookable): ids.
    pub(crate) r161: String,
    pub(crate) r162: String,
    pub(crate) hall: String,
}

impl Conf {
    /// An RFC 3339 instant for a local time in the conference's zone.
    pub(crate) fn at(&self, day: NaiveDate, hm: &str) -> String {
        let t = NaiveTime::parse_from_str(hm, "%H:%M").unwrap();
        self.tz.from_local_datetime(&day.and_time(t)).single().unwrap().with_timezone(&Utc).to_rfc3339()
    }
    pub(crate) fn local(&self, day: NaiveDate, hm: &str) -> String {
        format!("{day}T{hm}")
    }
}

fn token(app: &TestApp, user_id: i64) -> String {
    crate::support::api_token(&mut app.db.conn(), user_id)
}

/// A conference running from yesterday to the day after tomorrow, with
/// registration, three rooms and booking hours 08:00-20:00 every day.
pub(crate) fn conference(app: &TestApp, slug: &str, opens: &str, max_per_day: &str) -> Conf {
    let tz: Tz = TZ.parse().unwrap();
    let today = Utc::now().with_timezone(&tz).date_naive();
    let admin_id = app.user("admin@example.org", "Ada Admin", true);
    let admin = app.client();
    assert_eq!(
        admin.post_form("/login", &[("email", "admin@example.org"), ("password", crate::support::PASSWORD)]).status,
        303
    );
    let (from, to) = ((today - CDuration::days(1)).to_string(), (today + CDuration::days(2)).to_string());
    let r = admin.post_form(
        "/admin/conferences",
        &[
            ("name", "Rooms Test Conference"),
            ("slug", slug),
            ("venue", "Vienna"),
            ("time_zone", TZ),
            ("starts_on", &from),
            ("ends_on", &to),
            ("attendance_cap", "300"),
            ("currency", "EUR"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin
        .post_form(&format!("/c/{slug}/manage/registration/ticket-types"), &[("name", "Regular"), ("description", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get(&format!("/c/{slug}/manage/registration"));
    let tt =
        Regex::new(r"/manage/registration/ticket-types/([0-9a-f-]{36})/tiers").unwrap().captures(&page.body).unwrap()
            [1]
        .to_string();
    let now = Utc::now();
    let fmt = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string();
    let r = admin.post_form(
        &format!("/c/{slug}/manage/registration/ticket-types/{tt}/tiers"),
        &[
            ("label", "Regular"),
            ("amount", "100"),
            ("valid_from", &fmt(now - CDuration::days(1))),
            ("valid_until", &fmt(now + CDuration::days(10))),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    for (name, cap, bookable) in [("Room 1.61", "20", true), ("Room 1.62", "12", true), ("Hall A", "500", false)] {
        let mut f = vec![("name", name), ("capacity", cap), ("equipment", "projector"), ("location", "First floor")];
        if bookable {
            f.push(("bookable", "on"));
        }
        let r = admin.post_form(&format!("/c/{slug}/manage/rooms"), &f);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let mut fields: Vec<(String, String)> = vec![
        ("slot_minutes".into(), "30".into()),
        ("max_minutes".into(), "120".into()),
        ("opens".into(), opens.into()),
        ("max_per_day".into(), max_per_day.into()),
    ];
    for d in 0..4 {
        let day = today - CDuration::days(1) + CDuration::days(d);
        fields.push((format!("opens-{day}"), "08:00".into()));
        fields.push((format!("closes-{day}"), "20:00".into()));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = admin.post_form(&format!("/c/{slug}/manage/rooms/settings"), &refs);
    assert_eq!(r.status, 303, "{}", r.body);
    let rooms = app.client().get(&format!("/api/v1/conferences/{slug}/rooms")).json();
    let id = |name: &str| {
        rooms["rooms"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    Conf {
        slug: slug.into(),
        admin,
        admin_token: token(app, admin_id),
        tz,
        today,
        tomorrow: today + CDuration::days(1),
        r161: id("Room 1.61"),
        r162: id("Room 1.62"),
        hall: id("Hall A"),
    }
}

/// A new account with a confirmed registration; returns its API token.
pub(crate) fn attendee(app: &TestApp, c: &Conf, email: &str) -> String {
    let t = token(app, app.user(email, email, false));
    let (s, v) = api_post(
        app,
        &format!("/api/v1/conferences/{}/registrations", c.slug),
        &t,
        json!({ "ticket_type": "Regular", "badge_name": email }),
    );
    assert_eq!((s, v["status"].as_str()), (201, Some("confirmed")), "{v}");
    t
}

fn api_post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new().post(app.url(path)).bearer_auth(token).json(&body).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn api_delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let r = reqwest::blocking::Client::new().delete(app.url(path)).bearer_auth(token).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

pub(crate) fn book(
    app: &TestApp,
    c: &Conf,
    token: &str,
    room: &str,
    from: &str,
    until: &str,
    title: &str,
) -> (u16, Value) {
    api_post(
        app,
        &format!("/api/v1/conferences/{}/bookings", c.slug),
        token,
        json!({ "room": room, "starts_at": from, "ends_at": until, "title": title }),
    )
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn active_bookings(app: &TestApp) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM room_bookings WHERE cancelled_at IS NULL")
        .get_result::<Count>(&mut app.db.conn())
        .unwrap()
        .n
}

#[test]
fn concurrent_overlapping_bookings_of_one_slot_exactly_one_wins_and_back_to_back_is_fine() {
    let app = TestApp::start_with(|c| c.pool_size = 16);
    let c = conference(&app, "rush-rooms", "start", "2");
    let tokens: Vec<String> = (0..20).map(|i| attendee(&app, &c, &format!("p{i}@example.org"))).collect();
    // Every range contains 10:00-10:30 tomorrow, so any two overlap.
    let ranges = [("10:00", "10:30"), ("10:00", "11:00"), ("09:30", "10:30"), ("09:00", "10:30"), ("10:00", "12:00")];
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(tokens.len()));
    let handles: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (from, until) = ranges[i % ranges.len()];
            let body = json!({
                "room": c.r161, "starts_at": c.at(c.tomorrow, from), "ends_at": c.at(c.tomorrow, until),
                "title": format!("Session {i}"),
            });
            let url = app.url(&format!("/api/v1/conferences/{}/bookings", c.slug));
            let (t, barrier) = (t.clone(), barrier.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
                barrier.wait();
                let r = client.post(url).bearer_auth(t).json(&body).send().unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().unwrap_or(Value::Null))
            })
        })
        .collect();
    let results: Vec<(u16, Value)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let created: Vec<&Value> = results.iter().filter(|(s, _)| *s == 201).map(|(_, v)| v).collect();
    assert_eq!(created.len(), 1, "{results:?}");
    let conflicts: Vec<&Value> = results.iter().filter(|(s, _)| *s == 409).map(|(_, v)| v).collect();
    assert_eq!(conflicts.len(), 19, "{results:?}");
    for v in &conflicts {
        assert_eq!(v["reason"], "taken");
        assert!(v["error"].as_str().unwrap().contains("Room 1.61 is already booked"), "{v}");
        assert!(v["nearest_free"].is_array());
        assert!(v["free_rooms"].as_array().unwrap().iter().any(|r| r["name"] == "Room 1.62"), "{v}");
    }
    assert!(conflicts.iter().any(|v| !v["nearest_free"].as_array().unwrap().is_empty()));
    assert_eq!(active_bookings(&app), 1);

    // Back to back with the winner, on both sides: fine (half-open ranges).
    let w = created[0];
    let start = chrono::DateTime::parse_from_rfc3339(w["starts_at"].as_str().unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(w["ends_at"].as_str().unwrap()).unwrap();
    let (s, v) = book(
        &app,
        &c,
        &tokens[0],
        &c.r161,
        &end.to_rfc3339(),
        &(end + CDuration::minutes(30)).to_rfc3339(),
        "Right after",
    );
    assert_eq!(s, 201, "{v}");
    let (s, v) = book(
        &app,
        &c,
        &tokens[1],
        "room 1.61",
        &(start - CDuration::minutes(30)).to_rfc3339(),
        &start.to_rfc3339(),
        "Right before",
    );
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["room"]["name"], "Room 1.61");
    assert_eq!(active_bookings(&app), 3);
    // The room's day over the API lists all three, in order.
    let day =
        app.client().get(&format!("/api/v1/conferences/{}/rooms/{}/bookings?date={}", c.slug, c.r161, c.tomorrow));
    let list = day.json()["bookings"].as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["title"], "Right before");
}

#[test]
fn each_rule_is_refused_with_its_reason_and_nothing_stored() {
    let app = TestApp::start();
    let c = conference(&app, "rules", "start", "2");
    let t = attendee(&app, &c, "ari@example.org");
    let path = format!("/api/v1/conferences/{}/bookings", c.slug);
    let cases: Vec<(&str, String, String, &str)> = vec![
        ("outside_hours", c.at(c.tomorrow, "20:00"), c.at(c.tomorrow, "20:30"), "bookable hours"),
        ("outside_hours", c.at(c.tomorrow, "07:30"), c.at(c.tomorrow, "08:30"), "08:00"),
        ("too_long", c.at(c.tomorrow, "10:00"), c.at(c.tomorrow, "12:30"), "at most 2 hours"),
        ("misaligned", c.at(c.tomorrow, "10:10"), c.at(c.tomorrow, "10:40"), "30-minute slots"),
        (
            "in_the_past",
            c.at(c.today - CDuration::days(1), "10:00"),
            c.at(c.today - CDuration::days(1), "10:30"),
            "past",
        ),
        ("empty_range", c.at(c.tomorrow, "10:00"), c.at(c.tomorrow, "10:00"), "after the start"),
    ];
    for (reason, from, until, text) in &cases {
        let (s, v) = book(&app, &c, &t, &c.r161, from, until, "Rule test");
        assert_eq!((s, v["reason"].as_str()), (422, Some(*reason)), "{v}");
        assert!(v["error"].as_str().unwrap().contains(text), "{reason}: {v}");
    }
    // Not a room attendees book, no such room, bad body: 422 with a message.
    let (s, v) = book(&app, &c, &t, &c.hall, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "10:30"), "Hall");
    assert_eq!(s, 422, "{v}");
    assert!(v["error"].as_str().unwrap().contains("cannot be booked by attendees"));
    let (s, v) = book(&app, &c, &t, "Room 9.99", &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "10:30"), "Nowhere");
    assert_eq!((s, v["reason"].as_str()), (422, Some("invalid")), "{v}");
    let (s, v) = api_post(&app, &path, &t, json!({ "room": c.r161, "starts_at": "tomorrow at ten", "title": "" }));
    assert_eq!(s, 422, "{v}");
    assert!(v["error"].as_str().unwrap().contains("starts_at"), "{v}");
    let (s, _) = api_post(&app, &path, &t, json!([1, 2]));
    assert_eq!(s, 400);
    assert_eq!(active_bookings(&app), 0, "nothing stored");

    // Not registered: 403, before anything else.
    let stranger = token(&app, app.user("stranger@example.org", "Stranger", false));
    let (s, v) = book(&app, &c, &stranger, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "10:30"), "Mine");
    assert_eq!((s, v["reason"].as_str()), (403, Some("not_registered")), "{v}");
    // No token: 401.
    let r = reqwest::blocking::Client::new().post(app.url(&path)).json(&json!({})).send().unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // The per-person limit: two active bookings a day, the third refused.
    for (i, (from, until)) in [("09:00", "09:30"), ("11:00", "12:00")].iter().enumerate() {
        let room = if i == 0 { &c.r161 } else { &c.r162 };
        let (s, v) = book(&app, &c, &t, room, &c.at(c.tomorrow, from), &c.at(c.tomorrow, until), "Mine");
        assert_eq!(s, 201, "{v}");
    }
    let (s, v) = book(&app, &c, &t, &c.r161, &c.at(c.tomorrow, "14:00"), &c.at(c.tomorrow, "14:30"), "Third");
    assert_eq!((s, v["reason"].as_str()), (422, Some("over_limit")), "{v}");
    // Another day is a new day.
    let (s, v) = book(
        &app,
        &c,
        &t,
        &c.r161,
        &c.at(c.tomorrow + CDuration::days(1), "14:00"),
        &c.at(c.tomorrow + CDuration::days(1), "14:30"),
        "Day after",
    );
    assert_eq!(s, 201, "{v}");
    assert_eq!(active_bookings(&app), 3);

    // Booking that opens on the day itself is not open for tomorrow yet.
    let late = conference(&app, "rules-late", "0", "2");
    let lt = attendee(&app, &late, "lou@example.org");
    let (s, v) =
        book(&app, &late, &lt, &late.r161, &late.at(late.tomorrow, "10:00"), &late.at(late.tomorrow, "10:30"), "Early");
    assert_eq!((s, v["reason"].as_str()), (422, Some("not_open_yet")), "{v}");
    assert!(v["error"].as_str().unwrap().contains("00:00 CE"), "{v}");
    assert_eq!(active_bookings(&app), 3);
}

#[test]
fn the_booking_form_keeps_the_input_and_shows_the_nearest_free_ranges() {
    let app = TestApp::start();
    let c = conference(&app, "form", "start", "2");
    let t = attendee(&app, &c, "first@example.org");
    let (s, _) = book(&app, &c, &t, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "11:00"), "Taken first");
    assert_eq!(s, 201);
    let web = app.logged_in("web@example.org", "Web Person", false);
    // Not registered yet: the form says so, and booking is refused with 403.
    let form = web.get(&format!("/c/{}/rooms/book?room={}&start={}", c.slug, c.r161, c.local(c.tomorrow, "10:00")));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("confirmed registration"));
    let fields = |start: &str, minutes: &str, title: &str| -> Vec<(String, String)> {
        vec![
            ("room".into(), c.r161.clone()),
            ("start".into(), start.into()),
            ("minutes".into(), minutes.into()),
            ("title".into(), title.into()),
            ("description".into(), "We talk about <things>".into()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        web.post_form(&format!("/c/{}/rooms/book", c.slug), &refs)
    };
    let r = post(fields(&c.local(c.tomorrow, "12:00"), "30", "Not yet registered"));
    assert_eq!(r.status, 403, "{}", r.body);
    let uid = app.user("web@example.org", "Web Person", false);
    let wt = token(&app, uid);
    api_post(
        &app,
        &format!("/api/v1/conferences/{}/registrations", c.slug),
        &wt,
        json!({ "ticket_type": "Regular", "badge_name": "Web" }),
    );
    // Taken: 409 on the form, typed input kept, nearest free ranges as links.
    let r = post(fields(&c.local(c.tomorrow, "10:30"), "60", "My clashing session"));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("My clashing session"));
    assert!(r.body.contains("We talk about &lt;things&gt;"));
    assert!(r.body.contains("Nearest free in Room 1.61"), "{}", r.body);
    assert!(r.body.contains(&format!("{}T11%3A00", c.tomorrow)), "a link to the free range after: {}", r.body);
    // A broken rule: 422 with the reason, input kept.
    let r = post(fields(&c.local(c.tomorrow, "10:10"), "30", "Misaligned session"));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("30-minute slots") && r.body.contains("Misaligned session"));
    // A skipped or malformed time: a field error.
    let r = post(fields("not a time", "30", "Bad time"));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("start-error") && r.body.contains("Bad time"));
    assert_eq!(active_bookings(&app), 1);
    // And it works.
    let r = post(fields(&c.local(c.tomorrow, "11:00"), "60", "Right after the first"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("/c/{}/rooms/mine", c.slug));
    let mine = web.get(&format!("/c/{}/rooms/mine", c.slug));
    assert!(mine.body.contains("Right after the first"));
    assert!(mine.body.contains("The room is booked for you"));
}

#[test]
fn another_users_booking_cannot_be_cancelled_but_organisers_can() {
    let app = TestApp::start();
    let c = conference(&app, "mine", "start", "2");
    let a = attendee(&app, &c, "alice@example.org");
    let b = attendee(&app, &c, "bob@example.org");
    let (_, v) = book(&app, &c, &a, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "11:00"), "Alice's BoF");
    let id = v["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/conferences/{}/bookings/{id}", c.slug);
    assert_eq!(api_delete(&app, &path, &b).0, 404);
    // Nor on the web, where the page says nothing about it either.
    let bob_web = app.client();
    bob_web.post_form("/login", &[("email", "bob@example.org"), ("password", crate::support::PASSWORD)]);
    let r = bob_web.post_form(&format!("/c/{}/rooms/bookings/{id}/cancel", c.slug), &[]);
    assert_eq!(r.status, 404);
    assert_eq!(bob_web.post_form(&format!("/c/{}/rooms/bookings/not-a-uuid/cancel", c.slug), &[]).status, 404);
    assert_eq!(active_bookings(&app), 1);
    let mine = bob_web.get(&format!("/c/{}/rooms/mine", c.slug));
    assert!(!mine.body.contains("Alice's BoF"));
    // Alice cancels her own; the range is free again for Bob.
    let (s, v) = api_delete(&app, &path, &a);
    assert_eq!((s, v["cancelled"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(api_delete(&app, &path, &a).0, 409);
    let (s, v) = book(&app, &c, &b, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "11:00"), "Bob's BoF");
    assert_eq!(s, 201, "{v}");
    // Organisers cancel anyone's.
    let path = format!("/api/v1/conferences/{}/bookings/{}", c.slug, v["id"].as_str().unwrap());
    assert_eq!(api_delete(&app, &path, &c.admin_token).0, 200);
    assert_eq!(active_bookings(&app), 0);
}

#[test]
fn organisers_block_and_move_and_only_they_manage() {
    let app = TestApp::start();
    let c = conference(&app, "blocks", "start", "2");
    let t = attendee(&app, &c, "ari@example.org");
    // Block Room 1.62 tomorrow morning.
    let r = c.admin.post_form(
        &format!("/c/{}/manage/rooms/blocks", c.slug),
        &[
            ("room", &c.r162),
            ("start", &c.local(c.tomorrow, "08:00")),
            ("end", &c.local(c.tomorrow, "12:00")),
            ("title", "Set-up for the Tracing MC"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (s, v) = book(&app, &c, &t, &c.r162, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "10:30"), "Into the block");
    assert_eq!((s, v["reason"].as_str()), (409, Some("taken")), "{v}");
    assert!(v["error"].as_str().unwrap().contains("Blocked: Set-up for the Tracing MC"), "{v}");
    let nearest = v["nearest_free"].as_array().unwrap();
    assert_eq!(nearest[0]["starts_at"].as_str().unwrap(), c.at(c.tomorrow, "12:00"), "{v}");
    let grid = app.client().get(&format!("/c/{}/rooms?date={}", c.slug, c.tomorrow));
    assert!(grid.body.contains("Blocked: Set-up for the Tracing MC"));
    assert!(grid.body.contains("rowspan=\"8\""), "a four-hour block is one cell");

    // Move a booking into another room and time; into the block it is refused.
    let (_, v) = book(&app, &c, &t, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "11:00"), "Movable");
    let id = v["id"].as_str().unwrap().to_string();
    let move_path = format!("/c/{}/manage/rooms/bookings/{id}/move", c.slug);
    assert_eq!(c.admin.get(&move_path).status, 200);
    let r = c.admin.post_form(
        &move_path,
        &[("room", &c.r162), ("start", &c.local(c.tomorrow, "11:00")), ("end", &c.local(c.tomorrow, "12:00"))],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("already booked"));
    let r = c.admin.post_form(
        &move_path,
        &[("room", &c.r162), ("start", &c.local(c.tomorrow, "14:00")), ("end", &c.local(c.tomorrow, "15:00"))],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let day =
        app.client().get(&format!("/api/v1/conferences/{}/rooms/{}/bookings?date={}", c.slug, c.r162, c.tomorrow));
    let list = day.json()["bookings"].as_array().unwrap().clone();
    assert!(list.iter().any(|b| b["title"] == "Movable" && b["starts_at"] == c.at(c.tomorrow, "14:00")), "{list:?}");
    let all = c.admin.get(&format!("/c/{}/manage/rooms/bookings?date={}", c.slug, c.tomorrow));
    assert!(all.body.contains("Movable") && all.body.contains("ari@example.org"));

    // Attendees and strangers do not manage.
    let web = app.logged_in("ari2@example.org", "Ari Two", false);
    assert_eq!(web.get(&format!("/c/{}/manage/rooms", c.slug)).status, 403);
    assert_eq!(web.get(&move_path).status, 403);
    let r = web.post_form(
        &format!("/c/{}/manage/rooms/blocks", c.slug),
        &[
            ("room", &c.r161),
            ("start", &c.local(c.tomorrow, "08:00")),
            ("end", &c.local(c.tomorrow, "09:00")),
            ("title", "x"),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(app.client().get(&format!("/c/{}/manage/rooms", c.slug)).status, 303);
    // Organisers see and edit rooms; a duplicate name comes back on the form.
    assert!(c.admin.get(&format!("/c/{}/manage/rooms", c.slug)).body.contains("Booking hours and rules"));
    let edit = format!("/c/{}/manage/rooms/{}", c.slug, c.r161);
    assert!(c.admin.get(&edit).body.contains("value=\"Room 1.61\""));
    let r = c.admin.post_form(&edit, &[("name", "Room 1.62"), ("capacity", "20")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("already has a room with that name"));
    let r = c.admin.post_form(&edit, &[("name", "Room 1.61 (Tux)"), ("capacity", "25"), ("bookable", "on")]);
    assert_eq!(r.status, 303, "{}", r.body);
    // A room with bookings cannot be deleted; an empty one can.
    let r = c.admin.post_form(&format!("/c/{}/manage/rooms/{}/delete", c.slug, c.r162), &[]);
    assert_eq!(r.status, 409);
    let r = c.admin.post_form(&format!("/c/{}/manage/rooms/{}/delete", c.slug, c.hall), &[]);
    assert_eq!(r.status, 303);
    // Settings with problems come back with the input and messages.
    let r = c.admin.post_form(
        &format!("/c/{}/manage/rooms/settings", c.slug),
        &[("slot_minutes", "30"), ("max_minutes", "45"), ("opens", "start"), ("max_per_day", "2")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("whole number of slots"));
    assert!(app.client().get(&format!("/c/{}/rooms?date=yesterday", c.slug)).status == 400);
}

#[test]
fn icalendar_feeds_are_valid_rfc5545() {
    let app = TestApp::start();
    let c = conference(&app, "ical", "start", "3");
    let t = attendee(&app, &c, "ari@example.org");
    let long = "Ünïcode, commas; semicolons \\ backslashes and a title long enough to be folded twice over";
    let path = format!("/api/v1/conferences/{}/bookings", c.slug);
    let (s, v) = api_post(
        &app,
        &path,
        &t,
        json!({ "room": c.r161, "starts_at": c.at(c.tomorrow, "10:00"), "ends_at": c.at(c.tomorrow, "11:00"),
                "title": long, "description": "Line one\nLine two, with a comma" }),
    );
    assert_eq!(s, 201, "{v}");
    let first_id = v["id"].as_str().unwrap().to_string();
    let (s, _) = book(&app, &c, &t, &c.r162, &c.at(c.tomorrow, "12:00"), &c.at(c.tomorrow, "12:30"), "Second");
    assert_eq!(s, 201);
    let feed = app.client().get(&format!("/c/{}/rooms.ics", c.slug));
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").starts_with("text/calendar"));
    let body = &feed.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"));
    assert!(!body.replace("\r\n", "").contains('\n'), "bare LF");
    assert!(!body.replace("\r\n", "").contains('\r'), "bare CR");
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line:?}");
    }
    let unfolded = body.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let events: Vec<&[&str]> = {
        let mut out = Vec::new();
        let mut start = None;
        for (i, l) in lines.iter().enumerate() {
            match *l {
                "BEGIN:VEVENT" => start = Some(i),
                "END:VEVENT" => out.push(&lines[start.take().unwrap()..=i]),
                _ => {}
            }
        }
        out
    };
    assert_eq!(events.len(), 2);
    let dt = Regex::new(r"^DT(START|END|STAMP):\d{8}T\d{6}Z$").unwrap();
    for e in &events {
        for prop in ["UID:", "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:"] {
            assert_eq!(e.iter().filter(|l| l.starts_with(prop)).count(), 1, "{prop} in {e:?}");
        }
        assert!(e.iter().filter(|l| l.starts_with("DT")).all(|l| dt.is_match(l)), "{e:?}");
    }
    let escaped =
        "SUMMARY:Ünïcode\\, commas\\; semicolons \\\\ backslashes and a title long enough to be folded twice over";
    assert!(lines.contains(&escaped), "{unfolded}");
    assert!(lines.contains(&"DESCRIPTION:Line one\\nLine two\\, with a comma"));
    let start = chrono::DateTime::parse_from_rfc3339(&c.at(c.tomorrow, "10:00")).unwrap().with_timezone(&Utc);
    assert!(lines.contains(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ")).as_str()));
    // The UID is stable across fetches and names the booking.
    let uid = events[0].iter().find(|l| l.starts_with("UID:")).unwrap().to_string();
    assert!(uid.contains(&first_id));
    assert!(app.client().get(&format!("/c/{}/rooms.ics", c.slug)).body.contains(&uid));
    // The per-room feed has only that room's booking; an unknown room is 404.
    let room_feed = app.client().get(&format!("/c/{}/rooms/{}/bookings.ics", c.slug, c.r162));
    assert_eq!(room_feed.body.matches("BEGIN:VEVENT").count(), 1);
    assert!(room_feed.body.contains("SUMMARY:Second\r\n"));
    assert_eq!(app.client().get(&format!("/c/{}/rooms/{}/bookings.ics", c.slug, uuid_like())).status, 404);
}

fn uuid_like() -> &'static str {
    "00000000-0000-4000-8000-000000000000"
}

#[test]
fn grid_and_board_show_bookings_and_blocks() {
    let app = TestApp::start();
    let c = conference(&app, "board", "start", "2");
    let t = attendee(&app, &c, "ari@example.org");
    let (s, _) = book(&app, &c, &t, &c.r161, &c.at(c.tomorrow, "10:00"), &c.at(c.tomorrow, "11:00"), "Tomorrow's BoF");
    assert_eq!(s, 201);
    // The hall, blocked right now (blocks are not bound to the hours or the grid).
    let now = Utc::now();
    let f = |t: chrono::DateTime<Utc>| t.with_timezone(&c.tz).format("%Y-%m-%dT%H:%M").to_string();
    let r = c.admin.post_form(
        &format!("/c/{}/manage/rooms/blocks", c.slug),
        &[
            ("room", &c.hall),
            ("start", &f(now - CDuration::minutes(10))),
            ("end", &f(now + CDuration::minutes(50))),
            ("title", "Keynote"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let board = app.client().get(&format!("/c/{}/board", c.slug));
    assert_eq!(board.status, 200);
    assert!(board.body.contains(r#"<meta http-equiv="refresh" content="60">"#));
    assert!(board.body.contains("Blocked: Keynote"), "{}", board.body);
    assert!(board.body.contains("Tomorrow&#x27;s BoF") || board.body.contains("Tomorrow's BoF"), "{}", board.body);
    assert!(board.body.contains(TZ));
    let grid = app.client().get(&format!("/c/{}/rooms?date={}", c.slug, c.tomorrow));
    assert_eq!(grid.status, 200);
    assert!(grid.body.contains("Tomorrow&#x27;s BoF") || grid.body.contains("Tomorrow's BoF"));
    assert!(grid.body.contains(&format!("/c/{}/rooms/book?room={}&amp;start={}T11:00", c.slug, c.r161, c.tomorrow)));
    assert!(!grid.body.contains(&format!("room={}&amp;start={}T10:30", c.r161, c.tomorrow)), "taken is not a link");
    assert!(grid.body.contains("<th scope=\"col\">Room 1.61"));
    assert!(!grid.body.contains("Hall A"), "the hall is not on the booking grid");
    // Yesterday is over: no booking links.
    let past = app.client().get(&format!("/c/{}/rooms?date={}", c.slug, c.today - CDuration::days(1)));
    assert!(!past.body.contains("/rooms/book?"));
    assert!(app.client().get(&format!("/c/{}/board", "no-such-conf")).status == 404);
}

#[test]
fn demo_has_rooms_with_bookings_today_and_is_idempotent() {
    let app = TestApp::start();
    let mut conn = app.db.conn();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut conn)).unwrap();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut conn)).unwrap();
    let rooms = app.client().get("/api/v1/conferences/kernel-week-demo/rooms").json();
    let list = rooms["rooms"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list.iter().filter(|r| r["bookable"] == false).count(), 1);
    let tz: Tz = "Europe/Lisbon".parse().unwrap();
    let today = Utc::now().with_timezone(&tz).date_naive();
    let mut n = 0;
    for r in list {
        let day = app.client().get(&format!(
            "/api/v1/conferences/kernel-week-demo/rooms/{}/bookings?date={today}",
            r["id"].as_str().unwrap()
        ));
        n += day.json()["bookings"].as_array().unwrap().len();
    }
    assert!(n >= 6, "{n} bookings today");
    assert_eq!(app.client().get("/c/kernel-week-demo/board").status, 200);
    assert_eq!(app.client().get("/c/kernel-week-demo/rooms").status, 200);
    assert_eq!(app.client().get("/api/v1/conferences/lpc-demo/rooms").json()["rooms"].as_array().unwrap().len(), 5);
}

#[test]
fn browser_book_from_the_grid_see_it_on_the_board_and_cancel() {
    Browser::require();
    let app = TestApp::start();
    let c = conference(&app, "journey-rooms", "start", "2");
    attendee(&app, &c, "linus@example.org");
    let b = Browser::start();
    b.goto(&app.url(&format!("/login?next=/c/{}/rooms", c.slug)));
    b.fill("#email", "linus@example.org");
    b.fill("#password", crate::support::PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Rooms on", Duration::from_secs(10)), "{}", b.page_source());
    b.click(&format!("a[href='/c/{}/rooms?date={}']", c.slug, c.tomorrow));
    assert!(b.wait_for_url(&format!("date={}", c.tomorrow), Duration::from_secs(10)));
    b.click(&format!("a[href='/c/{}/rooms/book?room={}&start={}T10:00']", c.slug, c.r161, c.tomorrow));
    assert!(b.wait_for_text("h1", "Book a room", Duration::from_secs(10)), "{}", b.page_source());
    assert_eq!(b.attr("#start", "value").unwrap_or_default(), format!("{}T10:00", c.tomorrow));
    b.select_by_value("#minutes", "60");
    b.fill("#title", "Browser BoF");
    b.fill("#description", "Booked from the grid.");
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("#my-bookings", "Browser BoF", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("Room 1.61"));

    b.goto(&app.url(&format!("/c/{}/board", c.slug)));
    assert!(b.wait_for_text("main", "Browser BoF", Duration::from_secs(10)), "{}", b.page_source());
    b.goto(&app.url(&format!("/c/{}/rooms?date={}", c.slug, c.tomorrow)));
    assert!(b.wait_for_text("table.room-grid", "Browser BoF", Duration::from_secs(10)));

    b.goto(&app.url(&format!("/c/{}/rooms/mine", c.slug)));
    b.click("button.cancel-booking");
    assert!(b.wait_for_text("main", "The booking was cancelled", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#my-bookings").contains("Cancelled"));
    b.goto(&app.url(&format!("/c/{}/board", c.slug)));
    assert!(b.wait_for_text("main", "Room 1.61", Duration::from_secs(10)));
    assert!(!b.text("main").contains("Browser BoF"));
    assert_eq!(active_bookings(&app), 0);
}

#[test]
fn a_booking_links_to_the_bookers_own_unconference_proposal_only() {
    let app = TestApp::start();
    let c = conference(&app, "linked", "start", "2");
    let conf_id = plumbline::testing::repo::conferences::by_slug(&mut app.db.conn(), &c.slug).unwrap().unwrap().id;
    let call = plumbline::testing::repo::calls::insert(
        &mut app.db.conn(),
        conf_id,
        None,
        &plumbline::testing::repo::calls::CallValues {
            kind: plumbline::domain::proposal::CallKind::Unconference,
            title: "Unconference",
            description_md: "BoFs welcome.",
            opens_at: Utc::now() - CDuration::days(1),
            closes_at: Utc::now() + CDuration::days(3),
            max_per_person: 3,
            title_max: 120,
            abstract_max: 2000,
        },
    )
    .unwrap();
    let s = crate::cfp::Setup {
        slug: c.slug.clone(),
        conf_id,
        mc_call: String::new(),
        talk_call: String::new(),
        unconf_call: call.public_id.to_string(),
        track_id: 0,
    };
    let owner = attendee(&app, &c, "owner@example.org");
    let other = attendee(&app, &c, "other@example.org");
    let web = app.client();
    web.post_form("/login", &[("email", "owner@example.org"), ("password", crate::support::PASSWORD)]);
    let path = crate::cfp::propose(
        &web,
        &s,
        &s.unconf_call,
        &[("title", "BoF: flaky CI"), ("abstract", "Why tests fail."), ("duration", "45"), ("action", "submit")],
    );
    let proposal = Regex::new(r"[0-9a-f-]{36}").unwrap().find(&path).unwrap().as_str().to_string();
    let form = web.get(&format!("/c/{}/rooms/book", c.slug));
    assert!(form.body.contains(&format!("<option value=\"{proposal}\">BoF: flaky CI</option>")), "{}", form.body);
    let body = |room: &str, from: &str| {
        json!({ "room": room, "starts_at": c.at(c.tomorrow, from), "ends_at": c.at(c.tomorrow, "16:00"),
                "title": "Flaky CI", "proposal": proposal })
    };
    let api = format!("/api/v1/conferences/{}/bookings", c.slug);
    let (st, v) = api_post(&app, &api, &other, body(&c.r162, "15:00"));
    assert_eq!((st, v["reason"].as_str()), (422, Some("invalid")), "{v}");
    assert!(v["error"].as_str().unwrap().contains("your own unconference proposals"));
    let (st, v) = api_post(&app, &api, &owner, body(&c.r161, "15:00"));
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["proposal"], proposal.as_str());
    assert!(web.get(&format!("/c/{}/rooms/mine", c.slug)).body.contains("Proposal: BoF: flaky CI"));
}

#[derive(QueryableByName)]
struct BookingState {
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    cancelled: bool,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    cancelled_by: Option<String>,
}

/// Each booking by title: cancelled or not, and by whom.
fn booking_states(app: &TestApp) -> Vec<BookingState> {
    diesel::sql_query(
        "SELECT b.title, b.cancelled_at IS NOT NULL AS cancelled, u.email AS cancelled_by \
         FROM room_bookings b LEFT JOIN users u ON u.id = b.cancelled_by ORDER BY b.title",
    )
    .load(&mut app.db.conn())
    .unwrap()
}

fn state_of<'a>(states: &'a [BookingState], title: &str) -> (bool, Option<&'a str>) {
    let b = states.iter().find(|b| b.title == title).unwrap_or_else(|| panic!("no booking {title}"));
    (b.cancelled, b.cancelled_by.as_deref())
}

/// Booking needs a confirmed seat, so a registration that ends (cancelled by
/// the person, by an organiser, or an unpaid seat that lapsed) takes the
/// person's bookings that have not started with it, in the same transaction.
/// A booking already under way, and other people's bookings, stay.
#[test]
fn ending_a_registration_cancels_that_persons_future_bookings() {
    let app = TestApp::start();
    let c = conference(&app, "leaving", "start", "2");
    let people = ["ann@example.org", "bob@example.org", "cat@example.org", "dan@example.org"];
    let tokens: Vec<String> = people.iter().map(|p| attendee(&app, &c, p)).collect();
    let slots = [
        (&c.r161, "09:00", "10:00"),
        (&c.r161, "10:00", "11:00"),
        (&c.r162, "09:00", "10:00"),
        (&c.r162, "10:00", "11:00"),
    ];
    for (i, (room, from, until)) in slots.iter().enumerate() {
        let title = format!("{} tomorrow", &people[i][..3]);
        let (s, v) = book(&app, &c, &tokens[i], room, &c.at(c.tomorrow, from), &c.at(c.tomorrow, until), &title);
        assert_eq!(s, 201, "{v}");
    }
    // Ann also has a booking under way right now (made earlier; written directly).
    diesel::sql_query(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, title, during) \
         SELECT r.conference_id, r.id, u.id, 'ann now', tstzrange(now() - interval '30 minutes', now() + interval '30 minutes', '[)') \
         FROM rooms r, users u WHERE r.name = 'Room 1.62' AND u.email = 'ann@example.org'",
    )
    .execute(&mut app.db.conn())
    .unwrap();

    // Ann cancels her own registration.
    assert_eq!(api_delete(&app, "/api/v1/conferences/leaving/registrations/me", &tokens[0]).0, 200);
    let s = booking_states(&app);
    assert_eq!(state_of(&s, "ann tomorrow"), (true, Some("ann@example.org")));
    assert_eq!(state_of(&s, "ann now"), (false, None), "under way: it happened");
    let mail = app
        .smtp
        .wait_for("ann@example.org", |m| m.subject().contains("Registration cancelled"), Duration::from_secs(10))
        .unwrap();
    assert!(
        mail.text_body().contains("1 room booking(s) that had not started were cancelled too"),
        "{}",
        mail.text_body()
    );

    // An organiser cancels Bob at the desk.
    let list = app.client().get_with_bearer("/api/v1/conferences/leaving/registrations", &c.admin_token).json();
    let bob = list["registrations"].as_array().unwrap().iter().find(|r| r["email"] == "bob@example.org").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c.admin.post_form(&format!("/c/leaving/manage/registration/attendees/{bob}/cancel"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(state_of(&booking_states(&app), "bob tomorrow"), (true, Some("admin@example.org")));

    // Cat does not pay: her seat lapses, and her booking goes with it.
    diesel::sql_query(
        "UPDATE registrations r SET hold_expires_at = now() - interval '1 second' FROM users u \
         WHERE u.id = r.user_id AND u.email = 'cat@example.org'",
    )
    .execute(&mut app.db.conn())
    .unwrap();
    let lapse =
        app.smtp.wait_for("cat@example.org", |m| m.subject().contains("lapsed"), Duration::from_secs(10)).unwrap();
    assert!(lapse.text_body().contains("room booking(s) that had not started were cancelled"), "{}", lapse.text_body());
    let s = booking_states(&app);
    assert_eq!(state_of(&s, "cat tomorrow"), (true, None));
    // Dan keeps his.
    assert_eq!(state_of(&s, "dan tomorrow"), (false, None));
    assert_eq!(active_bookings(&app), 2, "dan tomorrow and ann now");
}
