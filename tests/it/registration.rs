//! Registration over HTTP: fee tiers across a DST change, the cap under
//! concurrent load, the waitlist with expiring offers, comp codes, frozen fees,
//! per-object access, CSV neutralising, demo data, and a browser journey.

use crate::support::webdriver::Browser;
use crate::support::{link_in, Http, TestApp, PASSWORD};
use chrono::{DateTime, Duration as CDuration, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use regex::Regex;
use serde_json::{json, Value};
use std::time::Duration;

fn local_input(at: DateTime<Utc>, tz: &str) -> String {
    let tz: Tz = tz.parse().unwrap();
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// A conference run by a site admin, with a "Regular" ticket type. Returns the
/// admin's client and the ticket type's id.
pub fn conference(app: &TestApp, slug: &str, tz: &str, cap: u32) -> (Http, String) {
    let admin = app.logged_in("admin@example.org", "Ada Admin", true);
    let cap = cap.to_string();
    let r = admin.post_form(
        "/admin/conferences",
        &[
            ("name", "Plumbers Test Conference"),
            ("slug", slug),
            ("venue", "Vienna"),
            ("time_zone", tz),
            ("starts_on", "2027-11-18"),
            ("ends_on", "2027-11-20"),
            ("attendance_cap", &cap),
            ("currency", "USD"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin
        .post_form(&format!("/c/{slug}/manage/registration/ticket-types"), &[("name", "Regular"), ("description", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = ticket_type_ids(&admin, slug)[0].clone();
    (admin, id)
}

pub fn ticket_type_ids(admin: &Http, slug: &str) -> Vec<String> {
    let page = admin.get(&format!("/c/{slug}/manage/registration"));
    assert_eq!(page.status, 200, "{}", page.body);
    Regex::new(r"/manage/registration/ticket-types/([0-9a-f-]{36})/tiers")
        .unwrap()
        .captures_iter(&page.body)
        .map(|c| c[1].to_string())
        .collect()
}

fn add_tier(
    admin: &Http,
    slug: &str,
    tt: &str,
    label: &str,
    amount: &str,
    from: &str,
    until: &str,
) -> crate::support::Page {
    admin.post_form(
        &format!("/c/{slug}/manage/registration/ticket-types/{tt}/tiers"),
        &[("label", label), ("amount", amount), ("valid_from", from), ("valid_until", until)],
    )
}

/// A tier in force now: from yesterday to in ten days.
pub fn tier_now(admin: &Http, slug: &str, tt: &str, tz: &str, amount: &str) {
    let now = Utc::now();
    let r = add_tier(
        admin,
        slug,
        tt,
        "Regular",
        amount,
        &local_input(now - CDuration::days(1), tz),
        &local_input(now + CDuration::days(10), tz),
    );
    assert_eq!(r.status, 303, "{}", r.body);
}

pub fn token(app: &TestApp, user_id: i64) -> String {
    crate::support::api_token(&mut app.db.conn(), user_id)
}

fn user_with_token(app: &TestApp, email: &str, name: &str) -> String {
    let id = app.user(email, name, false);
    token(app, id)
}

pub fn api_post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new().post(app.url(path)).bearer_auth(token).json(&body).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn api_delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let r = reqwest::blocking::Client::new().delete(app.url(path)).bearer_auth(token).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    fee_minor: i64,
}

fn registrations(app: &TestApp) -> Vec<Row> {
    diesel::sql_query(
        "SELECT u.email, r.status, r.fee_minor FROM registrations r JOIN users u ON u.id = r.user_id ORDER BY r.id",
    )
    .load(&mut app.db.conn())
    .unwrap()
}

fn status_of(app: &TestApp, email: &str) -> String {
    registrations(app).into_iter().rev().find(|r| r.email == email).map(|r| r.status).unwrap_or_default()
}

#[test]
fn tier_boundaries_in_the_conference_zone_across_a_dst_change() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "dst-2027", "Europe/Vienna", 300);
    // 31 Oct 2027: Vienna goes from UTC+02:00 back to UTC+01:00 at 03:00.
    let r = add_tier(&admin, "dst-2027", &tt, "Early bird", "275", "2027-06-01T00:00", "2027-10-31T12:00");
    assert_eq!(r.status, 303, "{}", r.body);
    let r = add_tier(&admin, "dst-2027", &tt, "Regular", "300.00", "2027-10-31T12:00", "2027-12-01T00:00");
    assert_eq!(r.status, 303, "{}", r.body);

    let price_at = |at: &str| {
        let p = app.client().get(&format!("/api/v1/conferences/dst-2027/fees?at={at}"));
        assert_eq!(p.status, 200, "{}", p.body);
        p.json()["ticket_types"][0]["current"].clone()
    };
    // The last second of the early bird (11:59:59 CET) and the first of regular (12:00:00 CET).
    assert_eq!(price_at("2027-10-31T10:59:59Z")["amount_minor"], 27500);
    assert_eq!(price_at("2027-10-31T10:59:59Z")["label"], "Early bird");
    assert_eq!(price_at("2027-10-31T11:00:00Z")["amount_minor"], 30000);
    // Summer time would have switched an hour early; it must not.
    assert_eq!(price_at("2027-10-31T10:30:00Z")["amount_minor"], 27500);
    assert!(price_at("2027-05-31T21:59:59Z").is_null());
    assert_eq!(price_at("2027-05-31T22:00:00Z")["amount_minor"], 27500);
    let fees = app.client().get("/api/v1/conferences/dst-2027/fees?at=2027-08-01T00:00:00Z").json();
    assert_eq!(
        fees["ticket_types"][0]["summary"],
        "$275.00 until 31 Oct 2027, 12:00 Europe/Vienna (UTC+01:00), then $300.00"
    );
    assert_eq!(app.client().get("/api/v1/conferences/dst-2027/fees?at=soon").status, 400);

    // A local time the clocks skip, and one they pass twice: a clear form error, the input kept.
    let r = add_tier(&admin, "dst-2027", &tt, "Spring", "250", "2027-03-28T02:30", "2027-04-01T00:00");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("does not exist in Europe/Vienna"), "{}", r.body);
    assert!(r.body.contains(r#"value="2027-03-28T02:30""#));
    let r = add_tier(&admin, "dst-2027", &tt, "Autumn", "250", "2027-10-31T02:30", "2027-10-31T04:00");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("happens twice"), "{}", r.body);
    // Overlap refused with a message; bad money too.
    let r = add_tier(&admin, "dst-2027", &tt, "Overlap", "1", "2027-11-30T00:00", "2027-12-24T00:00");
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("overlaps the tier"), "{}", r.body);
    let r = add_tier(&admin, "dst-2027", &tt, "Bad", "275,50", "2028-01-01T00:00", "2028-02-01T00:00");
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="275,50""#));

    // The public conference page shows the table with the zone named.
    let page = app.client().get("/c/dst-2027");
    assert!(page.body.contains("Registration and fees"), "{}", page.body);
    assert!(page.body.contains("31 Oct 2027, 12:00 Europe/Vienna (UTC+01:00)"));
    assert!(page.body.contains("$300.00"));
}

#[test]
fn concurrent_registrations_fill_exactly_the_cap() {
    let app = TestApp::start_with(|c| c.pool_size = 16);
    let (admin, tt) = conference(&app, "rush", "UTC", 5);
    tier_now(&admin, "rush", &tt, "UTC", "100");
    let hash = plumbline::security::hash_password("irrelevant-password").unwrap();
    let mut tokens = Vec::new();
    {
        let mut c = app.db.conn();
        for i in 0..40 {
            let u = plumbline::testing::repo::users::upsert(
                &mut c,
                &format!("p{i}@example.org"),
                &format!("Person {i}"),
                &hash,
                false,
            )
            .unwrap();
            tokens.push(crate::support::api_token(&mut c, u.id));
        }
    }
    let base = app.base.clone();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(tokens.len()));
    let handles: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let base = base.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
                barrier.wait();
                let r = client
                    .post(format!("{base}/api/v1/conferences/rush/registrations"))
                    .bearer_auth(t)
                    .json(&json!({ "ticket_type": "Regular", "badge_name": format!("Person {i}") }))
                    .send()
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().unwrap_or(Value::Null))
            })
        })
        .collect();
    let results: Vec<(u16, Value)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
    let confirmed = results.iter().filter(|(_, v)| v["status"] == "confirmed").count();
    assert_eq!(confirmed, 5);
    // The database agrees: exactly the cap confirmed, everyone else waiting.
    let rows = registrations(&app);
    assert_eq!(rows.iter().filter(|r| r.status == "confirmed").count(), 5);
    assert_eq!(rows.iter().filter(|r| r.status == "waitlisted").count(), 35);
    assert!(rows.iter().all(|r| r.fee_minor == 10000));
    // The counters the seat decision reads (kept by a trigger) agree with the rows.
    assert_eq!(seat_counters(&app), (5, 35));
}

/// (seats taken, people waiting) as the registration settings row holds them.
pub fn seat_counters(app: &TestApp) -> (i64, i64) {
    use diesel::prelude::*;
    let mut c = app.db.conn();
    diesel::dsl::sql::<(diesel::sql_types::BigInt, diesel::sql_types::BigInt)>(
        "SELECT sum(seats_taken)::bigint, sum(waiting)::bigint FROM registration_settings",
    )
    .get_result(&mut c)
    .unwrap()
}

#[test]
fn waitlist_offer_expires_and_passes_on() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "tiny", "Europe/Lisbon", 1);
    tier_now(&admin, "tiny", &tt, "Europe/Lisbon", "275");
    let ana = app.logged_in("ana@example.org", "Ana", false);
    let bo = user_with_token(&app, "bo@example.org", "Bo");
    let cy = app.logged_in("cy@example.org", "Cy", false);

    let r = ana.post_form("/c/tiny/register", &[("ticket_type", &tt), ("badge_name", "Ana")]);
    assert_eq!(r.status, 303, "{}", r.body);
    app.mail("ana@example.org", "Registration confirmed");
    let (s, v) = api_post(
        &app,
        "/api/v1/conferences/tiny/registrations",
        &bo,
        json!({ "ticket_type": "Regular", "badge_name": "Bo" }),
    );
    assert_eq!((s, v["status"].as_str()), (201, Some("waitlisted")), "{v}");
    app.mail("bo@example.org", "waitlist");
    // The price rises while Cy waits: Cy keeps the fee fixed when joining the waitlist.
    let r = cy.post_form("/c/tiny/register", &[("ticket_type", &tt), ("badge_name", "Cy")]);
    assert_eq!(r.status, 303);
    assert!(cy.get("/c/tiny/registration").body.contains("number 2 on the waitlist"));

    // Ana cancels: Bo gets the offer, in the same transaction, by mail.
    let r = ana.post_form("/c/tiny/registration/cancel", &[]);
    assert_eq!(r.status, 303);
    app.mail("ana@example.org", "Registration cancelled");
    let offer = app.mail("bo@example.org", "A seat is free");
    assert!(offer.text_body().contains("48 hours"), "{}", offer.text_body());
    assert_eq!(status_of(&app, "bo@example.org"), "offered");
    // Nobody else can take the held seat.
    let dee = user_with_token(&app, "dee@example.org", "Dee");
    let (_, v) = api_post(
        &app,
        "/api/v1/conferences/tiny/registrations",
        &dee,
        json!({ "ticket_type": "Regular", "badge_name": "Dee" }),
    );
    assert_eq!(v["status"], "waitlisted");

    // Bo lets the offer run out: the worker's sweep passes it to Cy without any request.
    diesel::sql_query(
        "UPDATE registrations SET offer_expires_at = now() - interval '1 second' WHERE status = 'offered'",
    )
    .execute(&mut app.db.conn())
    .unwrap();
    app.mail("cy@example.org", "A seat is free");
    assert_eq!(status_of(&app, "bo@example.org"), "expired");
    app.mail("bo@example.org", "Registration cancelled");

    // Raise the price; Cy accepts at the old fee.
    let tier_id = Regex::new(r"/manage/registration/tiers/([0-9a-f-]{36})\b")
        .unwrap()
        .captures(&admin.get("/c/tiny/manage/registration").body)
        .unwrap()[1]
        .to_string();
    let now = Utc::now();
    let r = admin.post_form(
        &format!("/c/tiny/manage/registration/tiers/{tier_id}"),
        &[
            ("label", "Regular"),
            ("amount", "999"),
            ("valid_from", &local_input(now - CDuration::days(1), "Europe/Lisbon")),
            ("valid_until", &local_input(now + CDuration::days(10), "Europe/Lisbon")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = cy.post_form("/c/tiny/registration/accept", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    app.mail("cy@example.org", "Registration confirmed");
    let page = cy.get("/c/tiny/registration");
    assert!(page.body.contains("$275.00"), "{}", page.body);
    assert_eq!(status_of(&app, "cy@example.org"), "confirmed");
    // Dee is now first in line, and Bo's late accept is refused.
    assert_eq!(status_of(&app, "dee@example.org"), "waitlisted");
    assert_eq!(
        api_post(
            &app,
            "/api/v1/conferences/tiny/registrations",
            &bo,
            json!({ "ticket_type": "Regular", "badge_name": "Bo" })
        )
        .1["status"],
        "waitlisted"
    );
}

#[test]
fn lazy_expiry_when_the_list_is_read() {
    // A worker that never wakes up: the offer must still pass on when someone looks.
    let app = TestApp::start_with(|c| c.worker_interval = Duration::from_secs(3600));
    let (admin, tt) = conference(&app, "lazy", "UTC", 1);
    tier_now(&admin, "lazy", &tt, "UTC", "50");
    let a = user_with_token(&app, "a@example.org", "A");
    let b = user_with_token(&app, "b@example.org", "B");
    let c = user_with_token(&app, "c@example.org", "C");
    for t in [&a, &b, &c] {
        assert_eq!(
            api_post(
                &app,
                "/api/v1/conferences/lazy/registrations",
                t,
                json!({ "ticket_type": "Regular", "badge_name": "X" })
            )
            .0,
            201
        );
    }
    assert_eq!(api_delete(&app, "/api/v1/conferences/lazy/registrations/me", &a).0, 200);
    assert_eq!(status_of(&app, "b@example.org"), "offered");
    diesel::sql_query(
        "UPDATE registrations SET offer_expires_at = now() - interval '1 second' WHERE status = 'offered'",
    )
    .execute(&mut app.db.conn())
    .unwrap();
    let me = app.client().get_with_bearer("/api/v1/conferences/lazy/registrations/me", &c);
    assert_eq!(me.json()["status"], "offered", "{}", me.body);
    assert_eq!(status_of(&app, "b@example.org"), "expired");
}

#[test]
fn comp_codes_work_once_and_ignore_case() {
    let app = TestApp::start();
    let (admin, _) = conference(&app, "comp", "UTC", 10);
    let r = admin.post_form(
        "/c/comp/manage/registration/ticket-types",
        &[("name", "Speaker comp pass"), ("requires_code", "on")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let comp_tt = ticket_type_ids(&admin, "comp");
    // Comp passes have no tier form; find the type on the codes page.
    let page = admin.get("/c/comp/manage/registration/codes");
    let comp_id =
        Regex::new(r#"<option value="([0-9a-f-]{36})""#).unwrap().captures(&page.body).unwrap()[1].to_string();
    assert!(!comp_tt.contains(&comp_id));
    let r = admin.post_form(
        "/c/comp/manage/registration/codes",
        &[("ticket_type", &comp_id), ("label", "Tracing MC speakers"), ("count", "2")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let codes: Vec<String> = Regex::new(r"<li><code>([A-Z0-9]{10})</code></li>")
        .unwrap()
        .captures_iter(&r.body)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(codes.len(), 2);

    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    // Without a code: refused, form kept.
    let r = sam.post_form("/c/comp/register", &[("ticket_type", &comp_id), ("badge_name", "Sam")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("needs a comp code"));
    let typed = codes[0].to_lowercase();
    let r = sam.post_form("/c/comp/register", &[("ticket_type", &comp_id), ("badge_name", "Sam"), ("code", &typed)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = sam.get("/c/comp/registration");
    assert!(mine.body.contains("$0.00") && mine.body.contains("Nothing to pay"), "{}", mine.body);

    let kim = app.logged_in("kim@example.org", "Kim", false);
    let r = kim.post_form("/c/comp/register", &[("ticket_type", &comp_id), ("badge_name", "Kim"), ("code", &codes[0])]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("already used"), "{}", r.body);
    assert!(r.body.contains(r#"value="Kim""#));
    let r =
        kim.post_form("/c/comp/register", &[("ticket_type", &comp_id), ("badge_name", "Kim"), ("code", "NOSUCHCODE")]);
    assert!(r.body.contains("not valid"));
    // The codes page says who used what.
    assert!(admin.get("/c/comp/manage/registration/codes").body.contains("sam@example.org"));
}

#[test]
fn the_fee_is_frozen_and_the_client_cannot_set_it() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "frozen", "America/New_York", 100);
    tier_now(&admin, "frozen", &tt, "America/New_York", "275");
    let t = user_with_token(&app, "api@example.org", "Api User");
    let (s, v) = api_post(
        &app,
        "/api/v1/conferences/frozen/registrations",
        &t,
        json!({ "ticket_type": "Regular", "badge_name": "Api", "fee_minor": 1, "currency": "XXX", "tier": "free", "status": "confirmed", "payment_status": "paid" }),
    );
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        (v["fee_minor"].as_i64(), v["currency"].as_str(), v["tier"].as_str()),
        (Some(27500), Some("USD"), Some("Regular"))
    );
    assert_eq!(v["payment_status"], "unpaid");
    // Twice: 409.
    let (s, _) = api_post(
        &app,
        "/api/v1/conferences/frozen/registrations",
        &t,
        json!({ "ticket_type": "Regular", "badge_name": "Api" }),
    );
    assert_eq!(s, 409);

    let web = app.logged_in("web@example.org", "Web User", false);
    let r = web.post_form(
        "/c/frozen/register",
        &[("ticket_type", &tt), ("badge_name", "Web"), ("fee_minor", "1"), ("amount", "1"), ("public_listing", "on")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(web.post_form("/c/frozen/register", &[("ticket_type", &tt), ("badge_name", "Web")]).status, 409);

    // The organiser doubles the price: stored fees do not move.
    let tier_id = Regex::new(r"/manage/registration/tiers/([0-9a-f-]{36})\b")
        .unwrap()
        .captures(&admin.get("/c/frozen/manage/registration").body)
        .unwrap()[1]
        .to_string();
    let edit = admin.get(&format!("/c/frozen/manage/registration/tiers/{tier_id}"));
    assert!(edit.body.contains(r#"value="275.00""#), "{}", edit.body);
    let now = Utc::now();
    let r = admin.post_form(
        &format!("/c/frozen/manage/registration/tiers/{tier_id}"),
        &[
            ("label", "Regular"),
            ("amount", "550"),
            ("valid_from", &local_input(now - CDuration::days(1), "America/New_York")),
            ("valid_until", &local_input(now + CDuration::days(10), "America/New_York")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let me = app.client().get_with_bearer("/api/v1/conferences/frozen/registrations/me", &t).json();
    assert_eq!(me["fee_minor"], 27500);
    assert!(web.get("/c/frozen/registration").body.contains("$275.00"));
    assert!(registrations(&app).iter().all(|r| r.fee_minor == 27500));
    // A newcomer pays the new price.
    let t2 = user_with_token(&app, "late@example.org", "Late");
    assert_eq!(
        api_post(
            &app,
            "/api/v1/conferences/frozen/registrations",
            &t2,
            json!({ "ticket_type": "Regular", "badge_name": "Late" })
        )
        .1["fee_minor"],
        55000
    );
    // The public list shows only those who agreed.
    let list = app.client().get("/c/frozen/attendees");
    assert!(list.body.contains("Web") && !list.body.contains("Api"), "{}", list.body);
}

/// Registering checks the window from what this instance remembered (for a
/// second at most), but the statement that takes the seat checks it again: a
/// close made elsewhere a moment ago stores nothing.
#[test]
fn a_registration_closed_elsewhere_a_moment_ago_stores_nothing() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "closing", "Europe/Vienna", 100);
    tier_now(&admin, "closing", &tt, "Europe/Vienna", "100");
    let first = user_with_token(&app, "first@example.org", "First");
    let body = json!({ "ticket_type": "Regular", "badge_name": "Someone" });
    let (s, v) = api_post(&app, "/api/v1/conferences/closing/registrations", &first, body.clone());
    assert_eq!(s, 201, "{v}");
    // Another instance closes registration now; this one still remembers it open.
    diesel::sql_query("UPDATE registration_settings SET closes_at = now() - interval '1 second'")
        .execute(&mut app.db.conn())
        .unwrap();
    let late = user_with_token(&app, "late@example.org", "Late");
    let (s, v) = api_post(&app, "/api/v1/conferences/closing/registrations", &late, body);
    assert_eq!(s, 409, "{v}");
    assert!(v.to_string().contains("closed") || v.to_string().contains("not open"), "{v}");
    assert_eq!(status_of(&app, "late@example.org"), "", "nothing stored");
    assert_eq!(registrations(&app).len(), 1);
}

#[test]
fn another_users_registration_is_not_reachable() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "private", "UTC", 10);
    tier_now(&admin, "private", &tt, "UTC", "10");
    let alice = app.logged_in("alice@example.org", "Alice", false);
    alice.post_form("/c/private/register", &[("ticket_type", &tt), ("badge_name", "Alice"), ("dietary", "no nuts")]);
    let id = Regex::new(r"/c/private/registrations/([0-9a-f-]{36})")
        .unwrap()
        .captures(&alice.get("/c/private/registration").body)
        .unwrap()[1]
        .to_string();
    assert_eq!(alice.get(&format!("/c/private/registrations/{id}")).status, 200);

    let bob = app.logged_in("bob@example.org", "Bob", false);
    let bob_token = token(&app, app.user("bob@example.org", "Bob", false));
    let p = bob.get(&format!("/c/private/registrations/{id}"));
    assert_eq!(p.status, 404);
    assert!(!p.body.contains("no nuts"));
    assert_eq!(
        app.client().get_with_bearer(&format!("/api/v1/conferences/private/registrations/{id}"), &bob_token).status,
        404
    );
    assert_eq!(app.client().get_with_bearer("/api/v1/conferences/private/registrations/me", &bob_token).status, 404);
    assert_eq!(app.client().get_with_bearer("/api/v1/conferences/private/registrations", &bob_token).status, 403);
    assert_eq!(bob.get("/c/private/manage/registration/attendees").status, 403);
    assert_eq!(bob.get("/c/private/manage/registration/attendees.csv").status, 403);
    assert_eq!(bob.post_form(&format!("/c/private/manage/registration/attendees/{id}/cancel"), &[]).status, 403);
    assert_eq!(bob.post_form("/c/private/manage/registration/ticket-types", &[("name", "Cheap")]).status, 403);
    assert_eq!(bob.get("/c/private/registrations/not-a-uuid").status, 404);
    assert_eq!(app.client().get("/c/private/manage/registration").status, 303);
    assert_eq!(app.client().get_with_bearer("/api/v1/conferences/private/registrations", "nonsense").status, 401);
    // The organiser can.
    assert_eq!(admin.get(&format!("/c/private/registrations/{id}")).status, 200);
    let admin_token = token(&app, app.user("admin@example.org", "Ada Admin", true));
    let list = app.client().get_with_bearer("/api/v1/conferences/private/registrations", &admin_token);
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["registrations"][0]["email"], "alice@example.org");
}

#[test]
fn organiser_desk_csv_and_chart() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "desk", "Europe/Vienna", 10);
    tier_now(&admin, "desk", &tt, "Europe/Vienna", "275");
    let eve = app.logged_in("eve@example.org", "Eve", false);
    let r = eve.post_form(
        "/c/desk/register",
        &[
            ("ticket_type", &tt),
            ("badge_name", "=HYPERLINK(\"http://evil.example\",\"x\")"),
            ("affiliation", "+cmd|' /C calc'!A0"),
            ("dietary", "@SUM(1)"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let csv = admin.get("/c/desk/manage/registration/attendees.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{}", csv.body);
    assert!(csv.body.contains("'+cmd|' /C calc'!A0"));
    assert!(csv.body.contains("'@SUM(1)"));
    for line in csv.body.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "unneutralised cell {cell:?} in {line}");
        }
    }

    let page = admin.get("/c/desk/manage/registration/attendees");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<svg")
            && page.body.contains("<title id=\"chart-title\">")
            && page.body.contains("<desc id=\"chart-desc\">1 registrations")
    );
    let id = Regex::new(r"/attendees/([0-9a-f-]{36})/paid").unwrap().captures(&page.body).unwrap()[1].to_string();
    let r = admin.post_form(&format!("/c/desk/manage/registration/attendees/{id}/paid"), &[("reference", "BANK-42")]);
    assert_eq!(r.status, 303);
    let page = admin.get("/c/desk/manage/registration/attendees?payment=paid");
    assert!(page.body.contains("BANK-42") && !page.body.contains("€") && page.body.contains("$275.00"));
    assert_eq!(admin.post_form(&format!("/c/desk/manage/registration/attendees/{id}/check-in"), &[]).status, 303);
    assert_eq!(admin.post_form(&format!("/c/desk/manage/registration/attendees/{id}/check-in"), &[]).status, 409);
    assert_eq!(admin.post_form(&format!("/c/desk/manage/registration/attendees/{id}/refund"), &[]).status, 303);
    assert_eq!(status_of(&app, "eve@example.org"), "cancelled");
    app.mail("eve@example.org", "Registration cancelled");
    let page = admin.get("/c/desk/manage/registration/attendees?status=confirmed");
    assert!(page.body.contains("0 match."), "{}", page.body);
    // Bad settings come back filled, with a DST message.
    let r = admin.post_form(
        "/c/desk/manage/registration/settings",
        &[("opens_at", "2027-03-28T02:15"), ("closes_at", ""), ("attendance_cap", "abc"), ("offer_hours", "48")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("does not exist") && r.body.contains(r#"value="abc""#), "{}", r.body);
    // Registration closed: refused with the instant named.
    let past = local_input(Utc::now() - CDuration::days(2), "Europe/Vienna");
    let closed = local_input(Utc::now() - CDuration::days(1), "Europe/Vienna");
    let r = admin.post_form(
        "/c/desk/manage/registration/settings",
        &[
            ("opens_at", &past),
            ("closes_at", &closed),
            ("attendance_cap", "10"),
            ("offer_hours", "24"),
            ("hold_hours", "72"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let late = app.logged_in("late@example.org", "Late", false);
    assert!(late.get("/c/desk/register").body.contains("Registration is not open"));
    let r = late.post_form("/c/desk/register", &[("ticket_type", &tt), ("badge_name", "Late")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Registration closed on"), "{}", r.body);
}

#[test]
fn demo_data_is_live_and_idempotent() {
    let app = TestApp::start();
    let mut c = app.db.conn();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut c)).unwrap();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut c)).unwrap();
    let rows = registrations(&app);
    assert!(rows.len() >= 30, "{}", rows.len());
    // Ari is registered for the two demo Plumbers conferences and for LinuxCon beside the upcoming one.
    assert_eq!(rows.iter().filter(|r| r.email == "attendee@example.org" && r.status == "confirmed").count(), 3);
    assert!(rows.iter().filter(|r| r.status == "waitlisted").count() >= 2);
    let fees = app.client().get("/api/v1/conferences/kernel-week-demo/fees").json();
    assert_eq!(fees["full"], true);
    assert_eq!(fees["ticket_types"][0]["current"]["label"], "Regular");
    let page = app.client().get("/c/lpc-demo");
    assert!(page.body.contains("current price"), "{}", page.body);
    // The demo reviewer has proposals assigned, with preferences, left to review.
    let assigned = app.count(
        "SELECT count(*) AS n FROM review_assignments a JOIN users u ON u.id = a.reviewer_id \
         JOIN review_preferences p ON p.proposal_id = a.proposal_id AND p.user_id = a.reviewer_id \
         WHERE u.email = 'reviewer@example.org' \
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.proposal_id = a.proposal_id AND r.reviewer_id = a.reviewer_id)",
    );
    assert!(assigned > 0);
}

#[test]
fn browser_register_see_receipt_cancel_and_the_waitlist_gets_the_offer() {
    Browser::require();
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "journey", "Europe/Vienna", 1);
    tier_now(&admin, "journey", &tt, "Europe/Vienna", "275");
    app.user("linus@example.org", "Linus Browser", false);

    let b = Browser::start();
    b.goto(&app.url("/login?next=/c/journey"));
    b.fill("#email", "linus@example.org");
    b.fill("#password", crate::support::PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("main", "Registration and fees", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("$275.00"));
    b.click("a[href='/c/journey/register']");
    b.click(&format!("#tt-{tt}"));
    b.fill("#badge_name", "Linus");
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("#reg-status", "Confirmed", Duration::from_secs(10)), "{}", b.page_source());
    assert_eq!(b.text("#reg-fee"), "$275.00");
    app.mail("linus@example.org", "Registration confirmed");

    // The printable receipt.
    b.click("a[href^='/c/journey/registrations/']");
    assert!(b.wait_for_text("h1", "Registration receipt", Duration::from_secs(10)));
    assert!(b.text("main").contains("$275.00"));

    // Someone joins the waitlist, then Linus cancels.
    let w = user_with_token(&app, "wait@example.org", "Wait Ing");
    let (_, v) = api_post(
        &app,
        "/api/v1/conferences/journey/registrations",
        &w,
        json!({ "ticket_type": "Regular", "badge_name": "Wait" }),
    );
    assert_eq!(v["status"], "waitlisted");
    b.goto(&app.url("/c/journey/registration"));
    b.click("#cancel-registration");
    assert!(b.wait_for_text("#reg-status", "Cancelled", Duration::from_secs(10)), "{}", b.page_source());
    let offer = app.mail("wait@example.org", "A seat is free");
    assert!(offer.text_body().contains("$275.00"));
    assert!(offer.text_body().contains(&format!("{}/c/journey/registration", app.base)));
}

// ---- trust before a real event (issue 14) ----

/// The registration of `email` as the organisers' desk names it (from its row on the attendee list).
fn desk_id(admin: &Http, slug: &str, email: &str) -> String {
    let page = admin.get(&format!("/c/{slug}/manage/registration/attendees"));
    assert_eq!(page.status, 200, "{}", page.body);
    let row = page.body.split("<tr>").find(|r| r.contains(email)).unwrap_or_else(|| panic!("no row for {email}"));
    Regex::new(r"/attendees/([0-9a-f-]{36})/").unwrap().captures(row).unwrap()[1].to_string()
}

#[derive(QueryableByName)]
struct Hold {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    hold_expires_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    payment_status: String,
}

/// The hold and payment status on the latest registration of `email`.
fn hold_of(app: &TestApp, email: &str) -> Hold {
    diesel::sql_query(
        "SELECT r.hold_expires_at, r.payment_status FROM registrations r JOIN users u ON u.id = r.user_id \
         WHERE u.email = $1 ORDER BY r.id DESC LIMIT 1",
    )
    .bind::<Text, _>(email)
    .get_result(&mut app.db.conn())
    .unwrap()
}

/// Moves the clock past every unpaid hold (of `email` only, when given).
fn run_out_holds(app: &TestApp, email: Option<&str>) {
    diesel::sql_query(
        "UPDATE registrations r SET hold_expires_at = now() - interval '1 second' FROM users u \
         WHERE u.id = r.user_id AND r.hold_expires_at IS NOT NULL AND ($1::text IS NULL OR u.email = $1)",
    )
    .bind::<diesel::sql_types::Nullable<Text>, _>(email)
    .execute(&mut app.db.conn())
    .unwrap();
}

/// An instant as the conference's pages and mails write it: "2 Dec 2026, 14:05
/// America/New_York (UTC-05:00)".
fn local_label(at: DateTime<Utc>, tz: &str) -> String {
    let zone: Tz = tz.parse().unwrap();
    let t = at.with_timezone(&zone);
    format!("{} {tz} (UTC{})", t.format("%-d %b %Y, %H:%M"), t.format("%:z"))
}

/// Throwaway accounts must not take seats: an address never confirmed cannot
/// register on the page or over the API, nothing is stored, and the database
/// refuses such a row whatever code writes it.
#[test]
fn an_unverified_account_cannot_register_on_the_page_or_the_api() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "verified-only", "Europe/Vienna", 10);
    tier_now(&admin, "verified-only", &tt, "Europe/Vienna", "275");
    let tom = app.client();
    let r =
        tom.post_form("/signup", &[("name", "Tom Throwaway"), ("email", "tom@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let r = tom.post_form("/login", &[("email", "tom@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 303, "{}", r.body);

    // The form says so before anything is typed...
    let form = tom.get("/c/verified-only/register");
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Confirm your email address first"), "{}", form.body);
    // ...and a submission is refused (403) with a way to get a new link, the input kept.
    let r = tom.post_form(
        "/c/verified-only/register",
        &[("ticket_type", &tt), ("badge_name", "Tom T."), ("dietary", "no fish")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("Confirm your email address first"), "{}", r.body);
    assert!(r.body.contains(r#"action="/account/verify""#), "{}", r.body);
    assert!(r.body.contains(r#"value="Tom T.""#) && r.body.contains("no fish"), "{}", r.body);

    // The API: an unconfirmed account holds no token, so it cannot register there either.
    let mut c = app.db.conn();
    let tom_user = plumbline::testing::repo::users::find_by_email(&mut c, "tom@example.org").unwrap().unwrap();
    let tom_id = tom_user.id;
    let request = plumbline::services::accounts::TokenRequest {
        name: "t".into(),
        scope: plumbline::domain::account::ApiScope::ReadWrite,
        lifetime: None,
    };
    assert!(plumbline::services::accounts::issue_api_token(
        &mut plumbline::services::Db::new(&mut c),
        &tom_user,
        &request
    )
    .is_err());
    assert!(registrations(&app).is_empty(), "no row written");

    // The database has the last word, for any code path.
    let err = diesel::sql_query(
        "INSERT INTO registrations (conference_id, user_id, ticket_type_id, tier_label, fee_minor, currency, \
           status, badge_name, payment_status, confirmed_at) \
         SELECT t.conference_id, $1, t.id, 'Free', 0, 'USD', 'confirmed', 'Tom', 'not_due', now() \
         FROM ticket_types t",
    )
    .bind::<BigInt, _>(tom_id)
    .execute(&mut app.db.conn())
    .unwrap_err();
    assert!(err.to_string().contains("unconfirmed address"), "{err}");
    assert!(registrations(&app).is_empty());

    // Once the address is confirmed (the link in the mail), the same form goes through.
    let mail = app.mail("tom@example.org", "Confirm your email");
    let link = link_in(&mail, &format!("{}/verify?token=", app.base));
    assert_eq!(tom.confirm_address(&link, "").status, 303);
    let r = tom.post_form("/c/verified-only/register", &[("ticket_type", &tt), ("badge_name", "Tom T.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, "tom@example.org"), "confirmed");
}

/// An unpaid seat is held for the hours the organisers set, and "my
/// registration" shows the deadline in the conference's zone. When it passes,
/// the seat lapses to the back of the waitlist with a mail and the next person
/// waiting gets the offer. Two app instances sweep the same database: still one
/// lapse, one mail, one offer.
#[test]
fn an_unpaid_seat_past_its_hold_lapses_to_the_waitlist_and_the_next_gets_the_offer() {
    let app = TestApp::start();
    let _second = app.another_instance();
    let tz = "America/New_York";
    let (admin, tt) = conference(&app, "holds", tz, 1);
    tier_now(&admin, "holds", &tt, tz, "275");

    // The organiser sets the hold; nonsense comes back with what was typed.
    let settings = |hold: &str| {
        admin.post_form(
            "/c/holds/manage/registration/settings",
            &[
                ("opens_at", ""),
                ("closes_at", ""),
                ("attendance_cap", "1"),
                ("offer_hours", "48"),
                ("hold_hours", hold),
            ],
        )
    };
    let r = settings("0");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("between 1 and 720") && r.body.contains(r#"value="0""#), "{}", r.body);
    let setup = admin.get("/c/holds/manage/registration").body;
    assert!(Regex::new(r#"name="hold_hours"[^>]*value="72""#).unwrap().is_match(&setup), "default 72 hours");
    assert_eq!(settings("24").status, 303);
    let setup = admin.get("/c/holds/manage/registration").body;
    assert!(Regex::new(r#"name="hold_hours"[^>]*value="24""#).unwrap().is_match(&setup), "{setup}");

    // Ana takes the only seat, unpaid: held 24 hours, shown in New York time.
    let ana = app.logged_in("ana@example.org", "Ana", false);
    assert_eq!(ana.post_form("/c/holds/register", &[("ticket_type", &tt), ("badge_name", "Ana")]).status, 303);
    let held = hold_of(&app, "ana@example.org").hold_expires_at.expect("an unpaid seat has a deadline");
    assert!((held - (Utc::now() + CDuration::hours(24))).num_minutes().abs() <= 1, "{held}");
    let shown = local_label(held, tz);
    let page = ana.get("/c/holds/registration");
    assert!(page.body.contains(&format!("Please pay by {shown}")), "{shown} not in {}", page.body);
    assert!(page.body.contains(&format!(r#"<dd id="reg-hold">{shown}</dd>"#)), "{}", page.body);
    assert!(app.mail("ana@example.org", "Registration confirmed").text_body().contains(&shown));

    // Bo, then Cy, join the waitlist.
    let bo = app.logged_in("bo@example.org", "Bo", false);
    let cy = app.logged_in("cy@example.org", "Cy", false);
    for (who, name) in [(&bo, "Bo"), (&cy, "Cy")] {
        assert_eq!(who.post_form("/c/holds/register", &[("ticket_type", &tt), ("badge_name", name)]).status, 303);
    }
    assert_eq!(status_of(&app, "cy@example.org"), "waitlisted");

    // The hold runs out: the workers' sweep lapses Ana's seat and offers it to Bo.
    run_out_holds(&app, None);
    let lapse = app.mail("ana@example.org", "Your unpaid seat has lapsed");
    let text = lapse.text_body();
    assert!(text.contains("not paid by then") && text.contains("America/New_York (UTC"), "{text}");
    app.mail("bo@example.org", "A seat is free");
    assert_eq!(status_of(&app, "ana@example.org"), "waitlisted");
    assert_eq!(status_of(&app, "bo@example.org"), "offered");
    assert_eq!(status_of(&app, "cy@example.org"), "waitlisted");
    // Ana joined the waitlist after Cy, so she is behind Cy; no deadline shown any more.
    let page = ana.get("/c/holds/registration");
    assert!(page.body.contains("number 2 on the waitlist"), "{}", page.body);
    assert!(!page.body.contains("Please pay by"));
    assert_eq!(hold_of(&app, "ana@example.org").hold_expires_at, None);

    // Both instances kept sweeping, and pages were read: nothing happened twice.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(app.outbox_count("ana@example.org"), 2, "confirmed, then lapsed: once");
    assert_eq!(app.outbox_count("bo@example.org"), 2, "waitlisted, then one offer");
    assert_eq!(app.outbox_count("cy@example.org"), 1);
    assert_eq!(seat_counters(&app), (1, 2));

    // Bo accepts: confirmed and unpaid again, with a new 24-hour hold of its own.
    assert_eq!(bo.post_form("/c/holds/registration/accept", &[]).status, 303);
    let bo_held = hold_of(&app, "bo@example.org").hold_expires_at.expect("a new hold");
    assert!((bo_held - (Utc::now() + CDuration::hours(24))).num_minutes().abs() <= 1, "{bo_held}");
    assert!(bo.get("/c/holds/registration").body.contains(&local_label(bo_held, tz)));
}

/// Paying, or an organiser marking the registration invoiced, stops the clock:
/// only the seat that is neither lapses.
#[test]
fn an_invoiced_or_paid_seat_does_not_lapse() {
    let app = TestApp::start_with(|c| c.worker_interval = Duration::from_millis(50));
    let (admin, tt) = conference(&app, "invoices", "Europe/Vienna", 3);
    tier_now(&admin, "invoices", &tt, "Europe/Vienna", "275");
    // Three seats, and Wes waiting for one.
    for name in ["ivy", "pat", "una", "wes"] {
        let who = app.logged_in(&format!("{name}@example.org"), name, false);
        assert_eq!(who.post_form("/c/invoices/register", &[("ticket_type", &tt), ("badge_name", name)]).status, 303);
    }
    assert_eq!(status_of(&app, "wes@example.org"), "waitlisted");
    let ivy = desk_id(&admin, "invoices", "ivy@example.org");
    let pat = desk_id(&admin, "invoices", "pat@example.org");
    let desk = admin.get("/c/invoices/manage/registration/attendees").body;
    assert!(desk.contains(&format!("/attendees/{ivy}/invoiced")), "a Mark invoiced button: {desk}");

    let r = admin.post_form(&format!("/c/invoices/manage/registration/attendees/{ivy}/invoiced"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(admin.post_form(&format!("/c/invoices/manage/registration/attendees/{ivy}/invoiced"), &[]).status, 409);
    let r =
        admin.post_form(&format!("/c/invoices/manage/registration/attendees/{pat}/paid"), &[("reference", "BANK-7")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let h = hold_of(&app, "ivy@example.org");
    assert_eq!((h.payment_status.as_str(), h.hold_expires_at), ("invoiced", None));
    assert_eq!(hold_of(&app, "pat@example.org").hold_expires_at, None);
    assert!(hold_of(&app, "una@example.org").hold_expires_at.is_some());
    // In the database, too: an invoiced seat cannot be given a deadline.
    let err = diesel::sql_query("UPDATE registrations SET hold_expires_at = now() WHERE payment_status = 'invoiced'")
        .execute(&mut app.db.conn())
        .unwrap_err();
    assert!(err.to_string().contains("registrations_hold_only_unpaid_seats"), "{err}");

    // Every clock runs out; only Una's unpaid seat lapses, and Wes gets it.
    run_out_holds(&app, None);
    app.mail("una@example.org", "Your unpaid seat has lapsed");
    app.mail("wes@example.org", "A seat is free");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status_of(&app, "ivy@example.org"), "confirmed");
    assert_eq!(status_of(&app, "pat@example.org"), "confirmed");
    assert_eq!(status_of(&app, "una@example.org"), "waitlisted");
    assert_eq!(app.outbox_count("ivy@example.org"), 1, "only the confirmation");
    let ivy_page = app.logged_in("ivy@example.org", "ivy", false).get("/c/invoices/registration");
    assert!(ivy_page.body.contains("Invoiced, payment due") && !ivy_page.body.contains("Please pay by"));

    // An invoice is paid in the end.
    let r =
        admin.post_form(&format!("/c/invoices/manage/registration/attendees/{ivy}/paid"), &[("reference", "INV-1")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(hold_of(&app, "ivy@example.org").payment_status, "paid");
}
