//! Pages kept once and filled for each viewer (`web::overlay`): the room grid,
//! schedule days and session pages show a person's own bookings and stars to
//! them and to nobody else, through the page cache, gzipped or not, and a
//! booking made through another instance shows on the booker's next view.

use crate::openapi::{free_hour, user_id};
use crate::support::{api_token, Http, TestApp};
use plumbline::testing::seed::demo::DEMO_PASSWORD;
use serde_json::json;
use std::io::Read;

const CONF: &str = "kernel-week-demo";

fn demo_app() -> TestApp {
    let app = TestApp::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    app
}

fn login(app: &TestApp, email: &str) -> Http {
    let h = app.client();
    assert_eq!(h.post_form("/login", &[("email", email), ("password", DEMO_PASSWORD)]).status, 303);
    h
}

/// The page as a browser gets it: gzipped, then unpacked.
fn gunzipped(h: &Http, path: &str) -> String {
    let (encoding, bytes) = h.get_gzip(path);
    assert_eq!(encoding, "gzip");
    let mut s = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut s).expect("valid gzip");
    s
}

const YOURS: &str = r#"<span class="badge">yours</span>"#;

#[test]
fn a_booking_is_marked_yours_for_its_booker_only_at_once_and_on_any_instance() {
    let app = demo_app();
    let other = app.another_instance();
    let ari = login(&app, "attendee@example.org");
    let sam = login(&app, "speaker@example.org");
    let olga = login(&app, "organiser@example.org");
    let sam_token = api_token(&mut app.db.conn(), user_id(&app, "speaker@example.org"));
    let r = sam.post_json_with_bearer(
        &format!("/api/v1/conferences/{CONF}/registrations"),
        &json!({ "ticket_type": "Regular", "badge_name": "Sam" }),
        &sam_token,
    );
    assert_eq!(r.status, 201, "{}", r.body);

    let rooms = app.client().get(&format!("/api/v1/conferences/{CONF}/rooms")).json();
    let room = rooms["rooms"].as_array().unwrap().iter().find(|r| r["bookable"] == true).unwrap().clone();
    let (start, end) = free_hour(&app, CONF, room["id"].as_str().unwrap());
    let day = start.date_naive();
    let grid = format!("/c/{CONF}/rooms?date={day}");
    // Everyone has the day open: the page is kept on both instances.
    for h in [&ari, &sam, &olga, &app.client()] {
        assert_eq!(h.get(&grid).status, 200);
        assert!(!h.get(&grid).body.contains("Ari&#x27;s rush BoF"));
    }
    assert_eq!(Http::new(&other.base).get(&grid).status, 200);

    // Ari books through the other instance (the API), and looks at once here.
    let ari_token = api_token(&mut app.db.conn(), user_id(&app, "attendee@example.org"));
    let booked = Http::new(&other.base).post_json_with_bearer(
        &format!("/api/v1/conferences/{CONF}/bookings"),
        &json!({ "room": room["name"], "starts_at": start.to_rfc3339(), "ends_at": end.to_rfc3339(), "title": "Ari's rush BoF" }),
        &ari_token,
    );
    assert_eq!(booked.status, 201, "{}", booked.body);
    let mine = ari.get(&grid).body;
    let cell = mine.split("Ari&#x27;s rush BoF").nth(1).expect("Ari sees the booking on their next view");
    assert!(cell.starts_with(&format!(" {YOURS}")), "marked yours: {}", &cell[..80.min(cell.len())]);
    assert!(mine.contains(r#"class="taken mine""#));
    assert_eq!(mine.matches(YOURS).count(), 1, "only Ari's own booking is theirs");
    assert!(mine.contains("Ari Attendee") && !mine.contains("Sam Speaker"));
    assert_eq!(gunzipped(&ari, &grid), mine, "the gzip splice is the same page");

    // Nobody else sees it as theirs, through the same kept page.
    for (who, h) in [("Sam", &sam), ("Olga", &olga)] {
        let page = h.get(&grid).body;
        assert!(page.contains("Ari&#x27;s rush BoF"), "{who} sees the room taken");
        assert!(!page.contains(YOURS) && !page.contains("taken mine"), "{who} does not see it as theirs");
    }
    // Anonymous visitors get the page kept for them: past the cache's ttl, it
    // is rendered again while the stale one is served (stale-while-revalidate).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let anon = app.client();
    let page = (0..40)
        .map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            anon.get(&grid).body
        })
        .find(|p| p.contains("Ari&#x27;s rush BoF"))
        .expect("anonymous visitors see the room taken once the page is renewed");
    assert!(!page.contains(YOURS) && !page.contains("taken mine"));
    let sam_page = sam.get(&grid).body;
    assert!(sam_page.contains("Sam Speaker") && !sam_page.contains("Ari Attendee"));
    assert_eq!(gunzipped(&sam, &grid), sam_page);
    // Organisers get their links; attendees do not.
    assert!(olga.get(&grid).body.contains("Manage rooms"));
    assert!(!mine.contains("Manage rooms") && !sam_page.contains("Manage rooms"));
    // Each form carries its viewer's own token.
    let token = |page: &str| crate::support::csrf_in(page).unwrap_or_default();
    assert!(!token(&mine).is_empty() && token(&mine) != token(&sam_page));

    // Cancelled: no longer Ari's, no longer taken.
    let id = booked.json()["id"].as_str().unwrap().to_string();
    let gone = ari.delete_with_bearer(&format!("/api/v1/conferences/{CONF}/bookings/{id}"), &ari_token);
    assert_eq!(gone.status, 200);
    let after = ari.get(&grid).body;
    assert!(!after.contains("Ari&#x27;s rush BoF") && !after.contains(YOURS));
}

#[test]
fn stars_show_for_their_owner_only_through_the_kept_pages() {
    let app = demo_app();
    let ari = login(&app, "attendee@example.org");
    let sam = login(&app, "speaker@example.org");
    let anon = app.client();
    let day = format!("/c/{CONF}/schedule");
    let first = anon.get(&day).body;
    let guid = first.split("/session/").nth(1).expect("the demo day has sessions")[..36].to_string();
    let session = format!("/c/{CONF}/session/{guid}");
    // Kept for everyone before Ari stars.
    for h in [&ari, &sam, &anon] {
        assert_eq!(h.get(&day).status, 200);
        assert_eq!(h.get(&session).status, 200);
    }
    assert_eq!(ari.post_form(&format!("{session}/star"), &[]).status, 303);

    let starred = r#"<span aria-label="starred">★</span>"#;
    let mine = ari.get(&day).body;
    assert_eq!(mine.matches(starred).count(), 1, "Ari's star shows on the day");
    let link = mine.split(&format!("/session/{guid}\">")).nth(1).unwrap();
    assert!(link.split("</h3>").next().unwrap().contains(starred), "next to the starred session");
    assert_eq!(gunzipped(&ari, &day), mine);
    assert!(ari.get(&session).body.contains("★ Remove from my schedule"));
    for (who, h) in [("Sam", &sam), ("anonymous", &anon)] {
        assert!(!h.get(&day).body.contains(starred), "{who} sees no star of Ari's");
    }
    let sams = sam.get(&session).body;
    assert!(sams.contains("☆ Add to my schedule") && !sams.contains("Remove from my schedule"));
    let anons = anon.get(&session).body;
    assert!(anons.contains("to add this to your schedule") && !anons.contains("csrf_token"));
    let my = |h: &Http| h.get(&format!("/c/{CONF}/my-schedule")).body;
    let (aris, sams) = (my(&ari), my(&sam));
    assert!(aris.contains(&format!("/session/{guid}")) && !aris.contains("No sessions starred yet"));
    assert_eq!(aris.matches("<li class=\"session\">").count(), 1, "only the starred session");
    assert!(!sams.contains(&format!("/session/{guid}")) && sams.contains("No sessions starred yet"));
    let feed = |page: &str| page.split("<code class=\"token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(feed(&aris).ends_with(".ics") && feed(&aris) != feed(&sams), "each their own feed");

    // Unstarred: gone at once.
    assert_eq!(ari.post_form(&format!("{session}/star"), &[]).status, 303);
    assert!(!ari.get(&day).body.contains(starred));
    assert!(ari.get(&session).body.contains("☆ Add to my schedule"));
}
