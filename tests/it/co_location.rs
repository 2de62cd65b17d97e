//! Co-located events (issue 22): a track the Plumbers committee selects and
//! LinuxCon holds shows in both schedules and every export, once; rooms admit
//! the registrants they are open to; a bundle price is sold only to the other
//! event's registrants.

use crate::cfp::{conference as cfp_conference, propose, Setup};
use crate::rooms::{attendee, book, conference};
use crate::support::{Http, TestApp};
use diesel::prelude::*;
use plumbline::testing::repo::conferences::{self, ConferenceValues};
use serde_json::{json, Value};

/// LinuxCon beside the cfp fixture's "lpc-test" (18–20 Sep 2030), with a hall, organised by Olga too.
fn linuxcon(app: &TestApp, lpc: &Setup) -> Setup {
    let mut c = app.db.conn();
    let conf = conferences::insert(
        &mut c,
        &ConferenceValues {
            slug: "linuxcon-test",
            name: "LinuxCon Test",
            venue: "Vienna",
            time_zone: "Europe/Vienna",
            starts_on: chrono::NaiveDate::from_ymd_opt(2030, 9, 17).unwrap(),
            ends_on: chrono::NaiveDate::from_ymd_opt(2030, 9, 19).unwrap(),
            attendance_cap: 1000,
            currency: "USD",
        },
    )
    .unwrap();
    let olga = app.user("olga@example.org", "Olga Organiser", false);
    conferences::grant_role(&mut c, conf.id, olga, "organiser").unwrap();
    diesel::sql_query(format!(
        "INSERT INTO rooms (conference_id, name, capacity, bookable, position) VALUES ({}, 'Ballroom', 900, false, 1)",
        conf.id
    ))
    .execute(&mut c)
    .unwrap();
    Setup { slug: "linuxcon-test".into(), conf_id: conf.id, track_id: lpc.track_id, ..empty() }
}

fn empty() -> Setup {
    Setup {
        slug: String::new(),
        conf_id: 0,
        mc_call: String::new(),
        talk_call: String::new(),
        unconf_call: String::new(),
        track_id: 0,
    }
}

fn admin(app: &TestApp) -> Http {
    app.logged_in("admin@example.org", "Ada Admin", true)
}

#[test]
fn a_shared_track_is_selected_by_one_committee_and_shows_in_both_schedules_and_exports() {
    use crate::exports::{have_jsonschema, have_xmllint, jsonschema_validate, text, xmllint_validate};
    let app = TestApp::start();
    let lpc = cfp_conference(&app, "olga@example.org");
    let lcon = linuxcon(&app, &lpc);
    let ada = admin(&app);
    let olga = app.logged_in("olga@example.org", "Olga Organiser", false);

    // Site admins group them; one conference with itself is refused with the reason.
    assert_eq!(olga.post_form("/admin/co-location", &[("a", "lpc-test"), ("b", "linuxcon-test")]).status, 403);
    let r = ada.post_form("/admin/co-location", &[("a", "lpc-test"), ("b", "lpc-test")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("two different conferences"), "{}", r.body);
    assert_eq!(ada.post_form("/admin/co-location", &[("a", "lpc-test"), ("b", "linuxcon-test")]).status, 303);
    assert!(ada.get("/admin/co-location").body.contains("LinuxCon Test"));

    // Plumbers' organisers hold their Tracing track at LinuxCon, open to either event.
    let hosting = format!("/c/lpc-test/manage/tracks/{}/hosting", lpc.track_id);
    assert_eq!(olga.post_form(&hosting, &[("held_at", "nowhere"), ("open_to", "co_located")]).status, 400);
    assert_eq!(olga.post_form(&hosting, &[("held_at", "linuxcon-test"), ("open_to", "co_located")]).status, 303);
    let api = app.client().get("/api/v1/conferences/lpc-test").json();
    assert_eq!(api["co_located"], json!(["linuxcon-test"]));
    assert_eq!(
        api["tracks"][0],
        json!({"hosted_by": "linuxcon-test", "name": "Tracing", "open_to": ["linuxcon-test", "lpc-test"], "selected_by": "lpc-test"})
    );
    let api = app.client().get("/api/v1/conferences/linuxcon-test").json();
    assert_eq!(api["tracks"][0]["selected_by"], "lpc-test");
    assert_eq!(app.client().get("/api/v1/conferences/nope").status, 404);

    // The talk comes in through Plumbers' call and committee.
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    let track = lpc.track_id.to_string();
    let shared = propose(
        &sam,
        &lpc,
        &lpc.talk_call,
        &[
            ("title", "Shared io_uring talk"),
            ("abstract", "Both events."),
            ("duration", "30"),
            ("track", &track),
            ("action", "submit"),
        ],
    );
    let own = crate::cfp::talk(&sam, &lpc, "Plumbers-only talk", "submit");
    for p in [&shared, &own] {
        assert_eq!(olga.post_form(&format!("{p}/decision"), &[("state", "accepted")]).status, 303);
    }
    assert_eq!(olga.post_form("/c/lpc-test/manage/release", &[]).status, 303);
    // Plumbers imports only its own; LinuxCon imports the shared one to place it in its rooms.
    for s in ["lpc-test", "linuxcon-test"] {
        assert_eq!(olga.post_form(&format!("/c/{s}/manage/schedule/import"), &[]).status, 303);
    }
    let titles = |s: &Setup| crate::schedule::item_ids(&olga, s).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
    assert_eq!(titles(&lpc), vec!["Plumbers-only talk".to_string()]);
    assert_eq!(titles(&lcon), vec!["Shared io_uring talk".to_string()]);
    let ballroom: String = app.client().get("/api/v1/conferences/linuxcon-test/rooms").json()["rooms"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = crate::schedule::item_ids(&olga, &lcon)[0].1.clone();
    let r = crate::schedule::place(&olga, &lcon, &id, &ballroom, "2030-09-18T10:00", "30");
    assert_eq!(r.status, 303, "{}", r.body);
    for s in ["linuxcon-test", "lpc-test"] {
        assert_eq!(olga.post_form(&format!("/c/{s}/manage/schedule/publish"), &[]).status, 303, "{s}");
    }

    // Both schedules show it, once; Plumbers says where it is held.
    let lcon_api = app.client().get("/api/v1/conferences/linuxcon-test/schedule").json();
    let lpc_api = app.client().get("/api/v1/conferences/lpc-test/schedule").json();
    let find = |v: &Value| -> Vec<Value> {
        v["sessions"].as_array().unwrap().iter().filter(|s| s["title"] == "Shared io_uring talk").cloned().collect()
    };
    assert_eq!((find(&lcon_api).len(), find(&lpc_api).len()), (1, 1), "{lpc_api}");
    assert_eq!(find(&lpc_api)[0]["guid"], find(&lcon_api)[0]["guid"], "the same session");
    assert_eq!(find(&lpc_api)[0]["room"], "Ballroom · LinuxCon Test");
    let guid = find(&lpc_api)[0]["guid"].as_str().unwrap().to_string();
    let page = app.client().get(&format!("/c/lpc-test/session/{guid}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Held at") && page.body.contains("LinuxCon Test"), "{}", page.body);
    let there = app.client().get(&format!("/c/linuxcon-test/session/{guid}")).body;
    assert!(there.contains("Selected by") && there.contains("LPC Test"));
    for s in ["lpc-test", "linuxcon-test"] {
        let xml = app.client().get(&format!("/c/{s}/schedule.xml"));
        assert!(xml.body.contains("Shared io_uring talk"), "{s}");
        if have_xmllint() {
            let out = xmllint_validate(&xml.body);
            assert!(out.status.success(), "{s}: {}", text(&out.stderr));
        }
        let json = app.client().get(&format!("/c/{s}/schedule.json"));
        if have_jsonschema() {
            let out = jsonschema_validate(&json.json());
            assert!(out.status.success(), "{s}: {}{}", text(&out.stdout), text(&out.stderr));
        }
        assert!(app.client().get(&format!("/c/{s}/schedule.ics")).body.contains("Shared io_uring talk"));
    }
    // A star on it in Plumbers' schedule puts it in the personal feed.
    let ari = app.logged_in("ari@example.org", "Ari", false);
    assert_eq!(ari.post_form(&format!("/c/lpc-test/session/{guid}/star"), &[]).status, 303);
    let mine = ari.get("/c/lpc-test/my-schedule").body;
    assert!(mine.contains("Shared io_uring talk"));
    let feed =
        regex::Regex::new(r"(/c/lpc-test/my-schedule/[0-9a-f-]{36}/[^<\s]+\.ics)").unwrap().captures(&mine).unwrap()[1]
            .to_string();
    assert!(app.client().get(&feed).body.contains("SUMMARY:Shared io_uring talk"));

    // In the browser: both schedules show it; the session page says where it is held.
    {
        use crate::support::webdriver::Browser;
        use std::time::Duration;
        Browser::require();
        let b = Browser::start();
        for s in ["lpc-test", "linuxcon-test"] {
            b.goto(&app.url(&format!("/c/{s}/schedule")));
            assert!(
                b.wait_for_text("main", "Shared io_uring talk", Duration::from_secs(10)),
                "{s}: {}",
                b.page_source()
            );
        }
        b.goto(&app.url(&format!("/c/lpc-test/session/{guid}")));
        assert!(b.wait_for_text("main", "Held at", Duration::from_secs(10)));
        let serious = b.axe_serious();
        assert!(serious.is_empty(), "axe on a shared session's page: {serious:?}");
    }

    // Separated again: the track is held at home, and LinuxCon no longer lists Plumbers.
    assert_eq!(ada.post_form("/admin/co-location/lpc-test/separate", &[]).status, 303);
    let api = app.client().get("/api/v1/conferences/lpc-test").json();
    assert_eq!((api["co_located"].clone(), api["tracks"][0]["hosted_by"].clone()), (json!([]), json!("lpc-test")));
}

/// LinuxCon's "Plumbers bundle": for registrants of "plumb", on sale now at 50; returns its id.
fn bundle(lcon: &crate::rooms::Conf) -> String {
    let r = lcon.admin.post_form(
        "/c/lcon/manage/registration/ticket-types",
        &[("name", "Plumbers bundle"), ("description", ""), ("bundle_for", "plumb")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let setup = lcon.admin.get("/c/lcon/manage/registration").body;
    let tt = regex::Regex::new(r#"id="tt-([0-9a-f-]{36})-h">Plumbers bundle"#).unwrap().captures(&setup).unwrap()[1]
        .to_string();
    let now = chrono::Utc::now().with_timezone(&lcon.tz);
    let r = lcon.admin.post_form(
        &format!("/c/lcon/manage/registration/ticket-types/{tt}/tiers"),
        &[
            ("label", "Bundle"),
            ("amount", "50"),
            ("valid_from", &(now - chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string()),
            ("valid_until", &(now + chrono::Duration::days(10)).format("%Y-%m-%dT%H:%M").to_string()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    tt
}

#[test]
fn rooms_admit_their_own_registrants_and_a_bundle_is_sold_only_to_the_other_events() {
    let app = TestApp::start();
    let plumbers = conference(&app, "plumb", "start", "3");
    let lcon = conference(&app, "lcon", "start", "3");
    let ada = admin(&app);
    assert_eq!(ada.post_form("/admin/co-location", &[("a", "plumb"), ("b", "lcon")]).status, 303);
    let pat = attendee(&app, &plumbers, "pat@example.org");
    let lou = attendee(&app, &lcon, "lou@example.org");
    let at = |c: &crate::rooms::Conf, hm: &str| c.at(c.tomorrow, hm);

    // Each event's rooms are its own registrants' …
    let (s, _) = book(&app, &lcon, &pat, &lcon.r161, &at(&lcon, "10:00"), &at(&lcon, "11:00"), "Pat at LinuxCon");
    assert_eq!(s, 403, "a Plumbers-only attendee in a LinuxCon room");
    let (s, _) = book(&app, &plumbers, &lou, &plumbers.r161, &at(&plumbers, "10:00"), &at(&plumbers, "11:00"), "Lou");
    assert_eq!(s, 403, "a LinuxCon-only attendee in a Plumbers room");
    let (s, v) = book(&app, &plumbers, &pat, &plumbers.r161, &at(&plumbers, "10:00"), &at(&plumbers, "11:00"), "Pat");
    assert_eq!(s, 201, "{v}");
    // … unless a room is open to either event's.
    let edit = format!("/c/lcon/manage/rooms/{}", lcon.r162);
    let r = lcon.admin.post_form(
        &edit,
        &[
            ("name", "Room 1.62"),
            ("capacity", "12"),
            ("equipment", "projector"),
            ("location", "First floor"),
            ("bookable", "on"),
            ("open_to_co_located", "on"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(lcon.admin.get(&edit).body.contains(r#"name="open_to_co_located" type="checkbox" value="on" checked"#));
    let (s, v) =
        book(&app, &lcon, &pat, &lcon.r162, &at(&lcon, "12:00"), &at(&lcon, "13:00"), "Pat in the shared room");
    assert_eq!(s, 201, "{v}");
    let (s, _) = book(&app, &lcon, &pat, &lcon.r161, &at(&lcon, "12:00"), &at(&lcon, "13:00"), "Still not this one");
    assert_eq!(s, 403);

    // A bundle price at LinuxCon for Plumbers registrants.
    let r = lcon.admin.post_form(
        "/c/lcon/manage/registration/ticket-types",
        &[("name", "Plumbers bundle"), ("description", ""), ("bundle_for", "nowhere")],
    );
    assert_eq!(r.status, 409, "an unknown conference is refused on the field");
    assert!(r.body.contains("co-located with this one") && r.body.contains(r#"value="Plumbers bundle""#));
    bundle(&lcon);
    let fees = app.client().get("/api/v1/conferences/lcon/fees").json();
    let bundle =
        fees["ticket_types"].as_array().unwrap().iter().find(|t| t["name"] == "Plumbers bundle").unwrap().clone();
    assert_eq!(bundle["for_registrants_of"], "Rooms Test Conference");
    let register = |token: &str| {
        let r = reqwest::blocking::Client::new()
            .post(app.url("/api/v1/conferences/lcon/registrations"))
            .bearer_auth(token)
            .json(&json!({"ticket_type": "Plumbers bundle", "badge_name": "x"}))
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap_or(Value::Null))
    };
    let zed = crate::support::api_token(&mut app.db.conn(), app.user("zed@example.org", "Zed", false));
    let (s, v) = register(&zed);
    assert_eq!(s, 400, "registered nowhere else (a field error, as this endpoint answers them): {v}");
    assert!(v.to_string().contains("only for people with a confirmed registration"), "{v}");
    let (s, v) = register(&pat);
    assert_eq!((s, v["status"].as_str()), (201, Some("confirmed")), "{v}");
    assert_eq!((v["fee_minor"].clone(), v["tier"].clone()), (json!(5000), json!("Bundle")), "{v}");

    // LinuxCon's desk: who is registered for Plumbers too, counted and filtered.
    let desk = lcon.admin.get("/c/lcon/manage/registration/attendees").body;
    assert!(desk.contains("Also registered for Rooms Test Conference"), "{desk}");
    let filtered = lcon.admin.get("/c/lcon/manage/registration/attendees?also=plumb").body;
    assert!(filtered.contains("pat@example.org") && !filtered.contains("lou@example.org"), "{filtered}");
    // Pat's Plumbers registration page lists LinuxCon, registered.
    let pat_web = crate::review_login(&app, "pat@example.org");
    let page = pat_web.get("/c/plumb/registration").body;
    assert!(page.contains("Co-located events") && page.contains("you are registered"), "{page}");
}

#[test]
fn browser_the_events_beside_yours_and_a_bundle_only_their_registrants_may_buy() {
    use crate::support::webdriver::Browser;
    use std::time::Duration;
    Browser::require();
    let app = TestApp::start();
    let plumbers = conference(&app, "plumb", "start", "3");
    let lcon = conference(&app, "lcon", "start", "3");
    diesel::sql_query("UPDATE conferences SET name = 'LinuxCon Test' WHERE slug = 'lcon'")
        .execute(&mut app.db.conn())
        .unwrap();
    attendee(&app, &plumbers, "pat@example.org");
    app.user("zed@example.org", "Zed", false);
    let b = Browser::start();
    b.cmd("POST", "window/rect", json!({"width": 390, "height": 844}));
    let log_in = |email: &str| crate::browser::log_in(&b, &app, email);
    let log_out = || crate::browser::log_out(&b);
    // The site admin co-locates the two.
    log_in("admin@example.org");
    b.goto(&app.url("/admin/co-location"));
    b.execute("document.querySelector('#a').value = 'plumb'; document.querySelector('#b').value = 'lcon'", vec![]);
    b.click("form[action='/admin/co-location'] button");
    assert!(b.wait_for_text("main", "co-located now", Duration::from_secs(10)), "{}", b.page_source());
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the co-location page: {serious:?}");
    log_out();
    let tt = bundle(&lcon);

    // Pat, registered for Plumbers, finds LinuxCon on their registration page and buys the bundle.
    log_in("pat@example.org");
    b.goto(&app.url("/c/plumb/registration"));
    assert!(b.wait_for_text("main", "Co-located events", Duration::from_secs(10)), "{}", b.page_source());
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the registration page: {serious:?}");
    b.click("a[href='/c/lcon/register']");
    assert!(b.wait_for_text("main", "only for registrants of Rooms Test Conference", Duration::from_secs(10)));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the register page: {serious:?}");
    b.click(&format!("#tt-{tt}"));
    b.click("form[action='/c/lcon/register'] button[type=submit]");
    assert!(b.wait_for_text("main", "Your registration", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("Plumbers bundle"), "{}", b.text("main"));
    log_out();

    // Zed, registered nowhere, is refused the bundle with the reason, the form kept.
    log_in("zed@example.org");
    b.goto(&app.url("/c/lcon/register"));
    b.click(&format!("#tt-{tt}"));
    b.fill("#badge_name", "Zed Z");
    b.click("form[action='/c/lcon/register'] button[type=submit]");
    assert!(
        b.wait_for_text(
            "main",
            "only for people with a confirmed registration for Rooms Test Conference",
            Duration::from_secs(10)
        ),
        "{}",
        b.page_source()
    );
    let kept: String =
        b.execute("return document.querySelector('#badge_name').value", vec![]).as_str().unwrap_or("").into();
    assert_eq!(kept, "Zed Z");
    assert_eq!(app.count("SELECT count(*) AS n FROM registrations r JOIN users u ON u.id = r.user_id WHERE u.email = 'zed@example.org'"), 0);
}
