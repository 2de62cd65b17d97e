//! The benchmark conference (`plumbline demo --scale N`) and what the
//! performance work rests on: derived data kept exact by triggers, the review
//! dashboard at LPC size, and cached public pages that follow other instances.

use crate::support::TestApp;
use diesel::prelude::*;
use serde_json::json;
use std::time::{Duration, Instant};

fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(sql).get_result(&mut app.db.conn()).unwrap()
}

#[test]
fn scale_one_has_the_sizes_of_the_issue_and_every_derived_value_is_exact() {
    let app = TestApp::start();
    let started = Instant::now();
    let loaded =
        plumbline::testing::seed::bench::load(&mut plumbline::services::Db::new(&mut app.db.conn()), 1).unwrap();
    assert!(started.elapsed() < Duration::from_secs(60), "loads in seconds: {:?}", started.elapsed());
    assert_eq!(loaded.schedule_version, 1);
    let conf = "(SELECT id FROM conferences WHERE slug = 'bench')";
    assert_eq!(count(&app, &format!("SELECT count(*) FROM microconferences WHERE conference_id = {conf}")), 20);
    assert_eq!(
        count(&app, "SELECT count(*) FROM proposals p JOIN calls c ON c.id = p.call_id WHERE c.kind = 'mc_topic'"),
        300
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM proposals p JOIN calls c ON c.id = p.call_id WHERE c.kind = 'refereed_talk'"),
        600
    );
    assert_eq!(count(&app, "SELECT count(*) FROM reviews"), 10_000);
    assert_eq!(count(&app, &format!("SELECT count(*) FROM committee_members WHERE conference_id = {conf}")), 30);
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM registrations WHERE conference_id = {conf} AND status = 'confirmed'")
        ),
        2000
    );
    assert_eq!(count(&app, &format!("SELECT count(*) FROM rooms WHERE conference_id = {conf}")), 40);
    assert_eq!(count(&app, "SELECT count(*) FROM room_bookings WHERE kind = 'booking'"), 1500);
    assert_eq!(count(&app, "SELECT jsonb_array_length(snapshot)::bigint FROM schedule_versions"), 500);
    // Derived values the hot paths read instead of counting.
    assert_eq!(
        count(&app, &format!("SELECT seats_taken::bigint FROM registration_settings WHERE conference_id = {conf}")),
        2000
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM proposals p WHERE p.review_scores::int[] IS DISTINCT FROM \
             COALESCE((SELECT array_agg(score ORDER BY id) FROM reviews r WHERE r.proposal_id = p.id), '{}')"
        ),
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM room_bookings a JOIN room_bookings b ON a.room_id = b.room_id AND a.id < b.id \
             AND a.during && b.during WHERE a.cancelled_at IS NULL AND b.cancelled_at IS NULL"
        ),
        0
    );
    // A second load refuses instead of doubling everything.
    assert!(plumbline::testing::seed::bench::load(&mut plumbline::services::Db::new(&mut app.db.conn()), 1).is_err());
    assert!(plumbline::testing::seed::bench::load(&mut plumbline::services::Db::new(&mut app.db.conn()), 0).is_err());

    // The reviewer's dashboard over 900 proposals (three declared conflicts
    // left out), fifty rows a page, every page reachable.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str("plumbline_session=bench-reviewer-session", &app.base.parse().unwrap());
    let reviewer = reqwest::blocking::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str| {
        let r = reviewer.get(app.url(path)).send().unwrap();
        (r.status().as_u16(), r.text().unwrap())
    };
    let (status, body) = get("/c/bench/review");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Page 1 of 18"), "paged");
    assert!(body.contains("(897; 1–50 shown)"), "897 in scope");
    let ids = regex::Regex::new(r#"href="/c/bench/review/[0-9a-f-]{36}""#).unwrap();
    assert_eq!(ids.find_iter(&body).count(), 50);
    let (_, last) = get("/c/bench/review?sort=spread&page=18");
    assert!(last.contains("Page 18 of 18") && last.contains("rel=\"prev\"") && !last.contains("rel=\"next\""));
    let (_, beyond) = get("/c/bench/review?page=999");
    assert!(beyond.contains("Page 18 of 18"), "a page past the end shows the last");

    // Saving a review keeps the proposal's scores exact.
    let some = regex::Regex::new(r"/c/bench/review/([0-9a-f-]{36})").unwrap().captures(&body).unwrap()[1].to_string();
    let csrf = crate::support::csrf_in(&get(&format!("/c/bench/review/{some}")).1).expect("review form");
    let r = reviewer
        .post(app.url(&format!("/c/bench/review/{some}")))
        .form(&[("csrf_token", csrf.as_str()), ("score", "2"), ("comment", "Solid."), ("note", "")])
        .send()
        .unwrap();
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM proposals p WHERE p.review_scores::int[] IS DISTINCT FROM \
             COALESCE((SELECT array_agg(score ORDER BY id) FROM reviews r WHERE r.proposal_id = p.id), '{}')"
        ),
        0
    );

    // Writes through the API as the benchmark makes them.
    let client = reqwest::blocking::Client::new();
    let r = client
        .post(app.url("/api/v1/conferences/bench/registrations"))
        .bearer_auth("bench-writer-1")
        .json(&json!({ "ticket_type": "regular", "badge_name": "Writer 1" }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.json::<serde_json::Value>().unwrap()["status"], "confirmed");
    assert_eq!(
        count(&app, &format!("SELECT seats_taken::bigint FROM registration_settings WHERE conference_id = {conf}")),
        2001
    );
    let again = client
        .post(app.url("/api/v1/conferences/bench/registrations"))
        .bearer_auth("bench-writer-1")
        .json(&json!({ "ticket_type": "Regular", "badge_name": "Writer 1" }))
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 409, "one active registration per person");

    // The public pages and exports of 500 sessions and 1,500 bookings.
    let anon = app.client();
    let page = anon.get("/c/bench/schedule");
    assert_eq!(page.status, 200);
    // A day at a time, today by default while the conference runs: every day
    // is linked and each session is on exactly one day's page.
    let days: Vec<String> = page.body.split("<time datetime=\"").skip(1).map(|d| d[..10].to_string()).collect();
    assert_eq!(days.len(), 4, "the four of the five conference days that have sessions");
    let today = page.body.split("aria-current=\"page\"><time datetime=\"").nth(1).map(|d| &d[..10]);
    let vienna_today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Vienna).date_naive().to_string();
    assert_eq!(today, Some(vienna_today.as_str()));
    let pages: Vec<String> = days.iter().map(|d| anon.get(&format!("/c/bench/schedule?day={d}")).body).collect();
    let talk = "Refereed talk 1: making subsystem 1 faster";
    assert_eq!(pages.iter().filter(|p| p.contains(talk)).count(), 1);
    let by_room = anon.get(&format!("/c/bench/schedule?view=room&day={}", days[1]));
    assert_eq!(by_room.status, 200);
    assert!(by_room.body.len() * 3 < pages.iter().map(String::len).sum::<usize>(), "a day is a part of the week");
    assert_eq!(anon.get("/c/bench/schedule?day=next-tuesday").status, 400);
    assert_eq!(anon.get("/c/bench/schedule?day=2001-01-01").status, 404);
    let xml = anon.get("/c/bench/schedule.xml");
    assert_eq!(xml.status, 200);
    assert_eq!(xml.body.matches("<event ").count(), 2000, "500 sessions and 1,500 bookings");
}

#[test]
fn cached_public_pages_follow_other_instances_within_the_ttl_and_local_writes_at_once() {
    let app = TestApp::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    let anon = app.client();
    let first = anon.get("/c/lpc-demo/cfp");
    assert_eq!(first.status, 200);
    let rename = |title: &str| {
        diesel::sql_query("UPDATE calls SET title = $1 WHERE kind = 'refereed_talk' AND conference_id = (SELECT id FROM conferences WHERE slug = 'lpc-demo')")
            .bind::<diesel::sql_types::Text, _>(title)
            .execute(&mut app.db.conn())
            .unwrap();
    };
    // As if another instance changed it: shown within the TTL (one second here).
    rename("Talks, renamed elsewhere");
    // Once the page is past its second, the next visitor still gets it at once
    // (stale) while it is rendered again in the background.
    std::thread::sleep(Duration::from_millis(1100));
    let stale = anon.get("/c/lpc-demo/cfp");
    assert_eq!(stale.status, 200);
    assert!(!stale.body.contains("Talks, renamed elsewhere"), "served stale, not waiting for the render");
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if anon.get("/c/lpc-demo/cfp").body.contains("Talks, renamed elsewhere") {
            break;
        }
        assert!(Instant::now() < deadline, "the cached page never caught up");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A write through this instance (here a failed login) drops the cache at once.
    rename("Talks, renamed again");
    let r = anon.post_form("/login", &[("email", "nobody@example.org"), ("password", "wrong password")]);
    assert!(r.status >= 400, "{}", r.status);
    assert!(anon.get("/c/lpc-demo/cfp").body.contains("Talks, renamed again"));
    // Cached pages are gzipped once and served compressed to those who ask.
    let gz = anon.client.get(app.url("/c/lpc-demo/cfp")).header("Accept-Encoding", "gzip").send().unwrap();
    assert_eq!(gz.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    // Logged-in people never get a page rendered for someone else.
    let organiser = app.client();
    let login = organiser.post_form(
        "/login",
        &[("email", "organiser@example.org"), ("password", plumbline::testing::seed::demo::DEMO_PASSWORD)],
    );
    assert_eq!(login.status, 303);
    let mine = organiser.get("/c/lpc-demo/cfp");
    assert!(mine.body.contains("Log out"), "their own page, with their name and forms");
}

/// The app (without SMTP) with a handle on its page cache, stopped when dropped.
struct Watched {
    base: String,
    http: crate::support::Http,
    pages: std::sync::Arc<plumbline::web::page_cache::PageCache>,
    handle: actix_web::dev::ServerHandle,
    _db: crate::support::TestDb,
}

impl Watched {
    fn start() -> Watched {
        let db = crate::support::TestDb::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = plumbline::build_state(crate::support::test_config(&db.url, &base, None)).unwrap();
        let pages = state.pages.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = plumbline::http_server(state, listener, 1).unwrap();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
            })
        });
        let handle = rx.recv().unwrap();
        Watched { http: crate::support::Http::new(&base), base, pages, handle, _db: db }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        futures_util::FutureExt::now_or_never(self.handle.stop(false));
    }
}

#[test]
fn the_page_cache_keeps_one_copy_of_a_page_whatever_else_the_query_string_says() {
    let w = Watched::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut w._db.conn())).unwrap();
    let (anon, slug) = (&w.http, "/c/kernel-week-demo");
    let first = anon.get(&format!("{slug}/schedule"));
    assert_eq!(first.status, 200);
    let days: std::collections::BTreeSet<String> = regex::Regex::new(r#"<time datetime="(\d{4}-\d{2}-\d{2})">"#)
        .unwrap()
        .captures_iter(&first.body)
        .map(|c| c[1].to_string())
        .collect();
    let days: Vec<String> = days.into_iter().collect();
    assert!(days.len() >= 2, "{days:?}");
    assert_eq!(w.pages.page_count(), 1);

    // Junk in the query string is the same page: one copy, however many URLs.
    for i in 0..2000 {
        let r = anon.get(&format!("{slug}/schedule?x={i}&utm_source=n{i}"));
        assert_eq!(r.status, 200);
    }
    for junk in ["?view=nonsense", "?view=day&x=1", "?day=", "?y=1&x=2"] {
        assert_eq!(anon.get(&format!("{slug}/schedule{junk}")).body, first.body, "{junk}");
    }
    // However the path is spelt, it is the page its route found.
    let encoded = anon.get("/c/kernel%2Dweek%2Ddemo/schedule?x=1");
    assert_eq!((encoded.status, encoded.body == first.body), (200, true));
    assert_eq!(w.pages.page_count(), 1, "one schedule page kept, not one per query string");

    // The parameters the page reads still make their own pages, with the right content.
    let current = |d: &str| format!("schedule?day={d}\" aria-current=\"page\"");
    let second = anon.get(&format!("{slug}/schedule?x=7&day={}", days[1]));
    assert!(second.body.contains(&current(&days[1])) && !second.body.contains(&current(&days[0])));
    assert_eq!(w.pages.page_count(), 2);
    // The same day written another way, or among junk, is that same page.
    for q in [format!("day=%20{}%20&x=1", days[1]), format!("z=1&day={}&view=day", days[1])] {
        assert_eq!(anon.get(&format!("{slug}/schedule?{q}")).body, second.body, "{q}");
    }
    let by_room = anon.get(&format!("{slug}/schedule?view=room&day={}&x=3", days[1]));
    assert!(by_room.body.contains("view=room&amp;day=") && by_room.body != second.body);
    assert_eq!(anon.get(&format!("{slug}/schedule?day={}&view=room&x=4", days[1])).body, by_room.body);
    assert_eq!(w.pages.page_count(), 3);
    // A day that is not a date is refused and never kept.
    assert_eq!(anon.get(&format!("{slug}/schedule?day=someday")).status, 400);
    assert_eq!(w.pages.page_count(), 3);

    // Exports and session pages: junk, and other spellings of a GUID, add nothing either.
    for i in 0..50 {
        assert_eq!(anon.get(&format!("{slug}/schedule.xml?x={i}")).status, 200);
    }
    assert_eq!(w.pages.page_count(), 4);
    let guid = regex::Regex::new(r#"/session/([0-9a-f-]{36})""#).unwrap().captures(&first.body).unwrap()[1].to_string();
    let session = anon.get(&format!("{slug}/session/{guid}"));
    assert_eq!(session.status, 200);
    for other in [guid.to_uppercase(), guid.replace('-', ""), format!("{guid}?x=1")] {
        assert_eq!(anon.get(&format!("{slug}/session/{other}")).body, session.body, "{other}");
    }
    assert_eq!(w.pages.page_count(), 5);
    assert_eq!(w.pages.overlay_count(), 4, "and one overlay per HTML page, for people logged in");
}

#[test]
fn a_reviewers_dashboard_is_remembered_once_whatever_the_query_string_says() {
    let w = Watched::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut w._db.conn())).unwrap();
    let rui = crate::support::Http::new(&w.base);
    let login = rui.post_form(
        "/login",
        &[("email", "reviewer@example.org"), ("password", plumbline::testing::seed::demo::DEMO_PASSWORD)],
    );
    assert_eq!(login.status, 303);
    let total = |body: &str| -> usize {
        let re = regex::Regex::new(r"Proposals you may review \((\d+)").unwrap();
        re.captures(body).unwrap_or_else(|| panic!("{body}"))[1].parse().unwrap()
    };
    let all = rui.get("/c/lpc-demo/review");
    assert_eq!(all.status, 200);
    let remembered = w.pages.memo_count();
    for i in 0..300 {
        let junk = format!(
            "/c/lpc-demo/review?call={}&x={i}",
            if i % 2 == 0 { i.to_string() } else { uuid::Uuid::new_v4().to_string() }
        );
        assert_eq!(total(&rui.get(&junk).body), total(&all.body), "an unknown call narrows nothing");
    }
    assert_eq!(w.pages.memo_count(), remembered, "one copy of the dashboard, not one per ?call=");
    // A real call still narrows the list: every proposal is in exactly one call.
    let calls: Vec<String> = regex::Regex::new(r#"<option value="([0-9a-f-]{36})""#)
        .unwrap()
        .captures_iter(&all.body)
        .map(|c| c[1].to_string())
        .collect();
    assert!(calls.len() >= 2, "{calls:?}");
    let narrowed: Vec<usize> =
        calls.iter().map(|c| total(&rui.get(&format!("/c/lpc-demo/review?call={c}")).body)).collect();
    assert!(narrowed.iter().all(|n| *n < total(&all.body)), "{narrowed:?}");
    assert_eq!(narrowed.iter().sum::<usize>(), total(&all.body), "{narrowed:?}");
    assert_eq!(w.pages.memo_count(), remembered);
}

#[test]
fn organiser_lists_at_scale_are_paged_filtered_and_small() {
    let app = TestApp::start();
    plumbline::testing::seed::bench::load(&mut plumbline::services::Db::new(&mut app.db.conn()), 1).unwrap();
    let h = app.client();
    let cookie = reqwest::header::HeaderValue::from_static("plumbline_session=bench-organiser-session");
    let get = |path: &str| {
        let r = h.client.get(app.url(path)).header("cookie", cookie.clone()).send().unwrap();
        let status = r.status().as_u16();
        (status, r.text().unwrap_or_default())
    };
    for (path, rows) in [
        ("/c/bench/manage/registration/attendees".to_string(), "<tr>"),
        ("/c/bench/manage/decisions".to_string(), "name=\"proposal\""),
        ("/c/bench/manage/proposals".to_string(), "/proposals/"),
        ("/c/bench/manage/rooms/bookings".to_string(), "/cancel\""),
    ] {
        let (status, page) = get(&path);
        assert_eq!(status, 200, "{path}");
        assert!(page.len() < 200_000, "{path}: {} bytes", page.len());
        assert!(page.contains("rel=\"next\""), "{path} has more pages");
        assert!(page.matches(rows).count() >= 20, "{path} shows a page of rows");
    }
    // The CSV exports stream every row, a page of 500 at a time.
    let count = |sql: &str| -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::RunQueryDsl::get_result::<N>(diesel::sql_query(sql), &mut app.db.conn()).unwrap().n
    };
    let csv = h
        .client
        .get(app.url("/c/bench/manage/registration/attendees.csv"))
        .header("cookie", cookie.clone())
        .send()
        .unwrap();
    assert_eq!(csv.headers().get("transfer-encoding").and_then(|v| v.to_str().ok()), Some("chunked"));
    let rows = csv.text().unwrap().lines().count() as i64 - 1;
    let registrations = count(
        "SELECT count(*) AS n FROM registrations r JOIN conferences c ON c.id = r.conference_id WHERE c.slug = 'bench'",
    );
    assert!(registrations > 1000, "{registrations}");
    assert_eq!(rows, registrations, "every registration, across pages");
    let (status, reviews_csv) = get("/c/bench/manage/reviews.csv");
    assert_eq!(status, 200);
    let reviews = count("SELECT count(*) AS n FROM reviews r JOIN proposals p ON p.id = r.proposal_id JOIN conferences c ON c.id = p.conference_id WHERE c.slug = 'bench'");
    assert!(reviews > 5000, "{reviews}");
    // Comments may hold line breaks inside quotes: count the rows by their first cell, the proposal's id.
    let review_rows =
        regex::Regex::new(r"(?m)^[0-9a-f]{8}-[0-9a-f]{4}-").unwrap().find_iter(&reviews_csv).count() as i64;
    assert_eq!(review_rows, reviews, "every review, across pages");
    // The schedule editor shows one day as a grid: small, whatever the size of the programme.
    let (status, editor) = get("/c/bench/manage/schedule");
    assert_eq!(status, 200);
    assert!(editor.len() < 200_000, "the schedule editor: {} bytes", editor.len());
    assert!(editor.matches("class=\"block ").count() >= 10, "the grid shows the day's sessions");
    eprintln!("schedule editor at scale 1: {} bytes", editor.len());
    // Page 2 of a filtered list keeps the filter, and the filter narrows in the whole list.
    let (_, first) = get("/c/bench/manage/registration/attendees?status=confirmed");
    assert!(first.contains("2000 match, 1–50 shown"), "{}", &first[..first.len().min(400)]);
    assert!(first.contains("attendees?status&#x3D;confirmed&amp;page&#x3D;2\""), "the next page keeps the filter");
    let (_, second) = get("/c/bench/manage/registration/attendees?status=confirmed&page=2");
    assert!(second.contains("2000 match, 51–100 shown") && second.contains("rel=\"prev\""));
    let (_, one) = get("/c/bench/manage/registration/attendees?q=attendee1234%40bench");
    assert!(one.contains("1 match.") && one.contains("attendee1234@bench.example"));
    for nothing in ["q=%25", "q=_", "status=nonsense", "payment=nonsense", "ticket_type=nonsense"] {
        let (status, page) = get(&format!("/c/bench/manage/registration/attendees?{nothing}"));
        assert!(status == 200 && page.contains("0 match."), "{nothing} matches nobody");
    }
    let (_, waitlisted) = get("/c/bench/manage/registration/attendees?status=waitlisted&q=ATTENDEE");
    assert!(waitlisted.contains("0 match."), "every bench attendee is confirmed");
    let (_, accepted) = get("/c/bench/manage/decisions?state=submitted&q=zzz-no-such-title");
    assert!(accepted.contains("0 proposals match"));
    let (_, nonsense) = get("/c/bench/manage/decisions?page=999");
    assert!(nonsense.contains("rel=\"prev\"") && !nonsense.contains("rel=\"next\""), "the last page");
}

/// Automatic review assignment through the API on the scale-1 conference, with
/// review starting afresh: every committee-reviewed proposal submitted and
/// unreviewed, some members scoped to one track, preferences and declared
/// conflicts. Prints the time (a number to read, not a timed assertion).
#[test]
fn automatic_assignment_at_scale_one_through_the_api() {
    let app = TestApp::start();
    plumbline::testing::seed::bench::load(&mut plumbline::services::Db::new(&mut app.db.conn()), 1).unwrap();
    let conf = "(SELECT id FROM conferences WHERE slug = 'bench')";
    let own = format!(
        "SELECT p.id, p.track_id FROM proposals p JOIN calls c ON c.id = p.call_id \
         WHERE p.conference_id = {conf} AND c.microconference_id IS NULL"
    );
    let mut c = app.db.conn();
    for sql in [
        "DELETE FROM reviews".to_string(),
        format!("UPDATE proposals SET state = 'submitted', decision_released_at = NULL WHERE id IN (SELECT id FROM ({own}) o)"),
        format!(
            "UPDATE committee_members SET track_ids = ARRAY[(SELECT min(id) FROM tracks WHERE conference_id = {conf})] \
             WHERE conference_id = {conf} AND id % 5 = 0"
        ),
        format!(
            "INSERT INTO review_preferences (proposal_id, user_id, preference) \
             SELECT o.id, m.user_id, CASE (o.id + m.user_id) % 7 WHEN 0 THEN 100 WHEN 1 THEN -50 WHEN 2 THEN 50 ELSE 0 END \
             FROM ({own}) o CROSS JOIN committee_members m WHERE m.conference_id = {conf} AND (o.id + m.user_id) % 3 = 0 ON CONFLICT DO NOTHING"
        ),
        format!(
            "INSERT INTO review_conflicts (proposal_id, user_id, source) \
             SELECT o.id, m.user_id, 'declared' FROM ({own}) o CROSS JOIN committee_members m \
             WHERE m.conference_id = {conf} AND (o.id * 7 + m.user_id) % 31 = 0 ON CONFLICT DO NOTHING"
        ),
    ] {
        diesel::sql_query(sql).execute(&mut c).unwrap();
    }
    let proposals = count(&app, &format!("SELECT count(*) FROM ({own}) o"));
    let organiser = count(
        &app,
        &format!("SELECT user_id FROM conference_roles WHERE conference_id = {conf} AND role = 'organiser' LIMIT 1"),
    );
    let token = crate::support::api_token(&mut c, organiser);
    let http = app.client();
    let url = "/api/v1/conferences/bench/assignments/auto";
    let started = Instant::now();
    let r = http.post_json_with_bearer(url, &json!({"reviews_per_proposal": 3}), &token);
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let added = v["added"].as_u64().unwrap() as i64;
    eprintln!(
        "automatic assignment, scale 1 ({proposals} proposals, 30 reviewers, K = 3) through the API: {added} assignments in {} ms",
        took.as_millis()
    );
    assert_eq!(count(&app, "SELECT count(*) FROM review_assignments"), added);
    assert_eq!(v["assignments"].as_array().unwrap().len() as i64, added);
    // Every proposal has three, or says why not.
    let short = count(
        &app,
        &format!("SELECT count(*) FROM ({own}) o WHERE (SELECT count(*) FROM review_assignments a WHERE a.proposal_id = o.id) < 3"),
    );
    assert_eq!(short, v["unfilled"].as_array().unwrap().len() as i64);
    // Nobody conflicted (declared, or their own proposal) or out of their scope.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM review_assignments a JOIN proposals p ON p.id = a.proposal_id \
             JOIN committee_members m ON m.user_id = a.reviewer_id AND m.conference_id = p.conference_id \
             WHERE p.submitter_id = a.reviewer_id \
                OR EXISTS (SELECT 1 FROM review_conflicts rc WHERE rc.proposal_id = a.proposal_id AND rc.user_id = a.reviewer_id) \
                OR (cardinality(m.track_ids) > 0 AND NOT p.track_id = ANY (m.track_ids))"
        ),
        0
    );
    // Plenty of willing reviewers for every proposal: nobody gets a "rather not".
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM review_assignments a JOIN review_preferences rp \
             ON rp.proposal_id = a.proposal_id AND rp.user_id = a.reviewer_id WHERE rp.preference < 0"
        ),
        0
    );
    // Members who may review anything carry loads within one of each other.
    let loads = format!(
        "SELECT count(a.proposal_id) AS n FROM committee_members m LEFT JOIN review_assignments a ON a.reviewer_id = m.user_id \
         WHERE m.conference_id = {conf} AND cardinality(m.track_ids) = 0 GROUP BY m.user_id"
    );
    assert!(count(&app, &format!("SELECT max(n) - min(n) FROM ({loads}) x")) <= 1);
    // Running it again adds nothing.
    let again = http.post_json_with_bearer(url, &json!({"reviews_per_proposal": 3, "dry_run": true}), &token).json();
    assert_eq!(again["added"], 0);
}
