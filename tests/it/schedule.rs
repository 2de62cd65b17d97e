use crate::cfp::{conference, propose, talk, Setup};
use crate::support::{Http, TestApp, PASSWORD};
use diesel::prelude::*;

fn login(app: &TestApp, email: &str) -> Http {
    let h = app.client();
    assert_eq!(h.post_form("/login", &[("email", email), ("password", PASSWORD)]).status, 303);
    h
}

/// Two rooms; returns their public ids.
pub fn rooms(app: &TestApp, s: &Setup) -> (String, String) {
    let mut c = app.db.conn();
    let ids: Vec<uuid::Uuid> = diesel::sql_query(format!(
        "INSERT INTO rooms (conference_id, name, capacity, bookable, position) VALUES ({0}, 'Main Hall', 300, false, 1), ({0}, 'Room 1.61', 20, true, 2) RETURNING public_id",
        s.conf_id
    ))
    .load::<RoomId>(&mut c)
    .unwrap()
    .into_iter()
    .map(|r| r.public_id)
    .collect();
    (ids[0].to_string(), ids[1].to_string())
}

#[derive(QueryableByName)]
struct RoomId {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    public_id: uuid::Uuid,
}

/// An accepted, released MC by Lena and talk by Sam, imported into the schedule.
pub fn accepted(app: &TestApp, s: &Setup, org: &Http) -> (Http, Http) {
    let lena = app.logged_in("lena@example.org", "Lena Lead", false);
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    let mc =
        propose(&lena, s, &s.mc_call, &[("title", "Tracing MC"), ("abstract", "Ring buffers"), ("action", "submit")]);
    let t = talk(&sam, s, "io_uring at scale", "submit");
    for p in [&mc, &t] {
        assert_eq!(org.post_form(&format!("{p}/decision"), &[("state", "accepted")]).status, 303);
    }
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/import", s.slug), &[]).status, 303);
    (lena, sam)
}

pub(crate) fn item_ids(org: &Http, s: &Setup) -> Vec<(String, String)> {
    let page = org.get(&format!("/c/{}/manage/schedule", s.slug)).body;
    // Each session links to its own page: from the grid (placed) or the side list (not yet).
    let re = regex::Regex::new(r#"href="/c/[a-z0-9-]+/manage/schedule/items/([0-9a-f-]{36})">([^<]+)</a>"#).unwrap();
    re.captures_iter(&page).map(|c| (c[2].to_string(), c[1].to_string())).collect()
}

fn item(org: &Http, s: &Setup, title: &str) -> String {
    item_ids(org, s).into_iter().find(|(t, _)| t == title).unwrap_or_else(|| panic!("no item {title}")).1
}

pub(crate) fn place(org: &Http, s: &Setup, id: &str, room: &str, at: &str, minutes: &str) -> crate::support::Page {
    org.post_form(
        &format!("/c/{}/manage/schedule/items/{id}/place", s.slug),
        &[("room", room), ("starts_at", at), ("minutes", minutes)],
    )
}

#[test]
fn place_publish_and_move_with_versions() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, small) = rooms(&app, &s);
    accepted(&app, &s, &org);
    let mc = item(&org, &s, "Tracing MC");
    let talk_id = item(&org, &s, "io_uring at scale");

    assert_eq!(place(&org, &s, &mc, &hall, "2030-09-18T09:00", "210").status, 303);
    // The same room at an overlapping time: refused by the database, with what is in the way.
    let r = place(&org, &s, &talk_id, &hall, "2030-09-18T12:00", "45");
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Main Hall is already in use") && r.body.contains("Tracing MC"), "{}", r.body);
    assert!(r.body.contains(r#"value="2030-09-18T12:00""#), "the typed time comes back");
    // Back to back is fine.
    assert_eq!(place(&org, &s, &talk_id, &hall, "2030-09-18T12:30", "45").status, 303);
    // Bad input.
    assert_eq!(place(&org, &s, &talk_id, &hall, "2030-03-31T02:30", "45").status, 422);
    assert_eq!(place(&org, &s, &talk_id, "nonsense", "2030-09-18T14:00", "45").status, 422);
    assert_eq!(place(&org, &s, &talk_id, &hall, "2030-09-18T14:00", "-5").status, 422);

    // The draft is not public.
    let public = app.client().get(&format!("/c/{}/schedule", s.slug));
    assert!(public.body.contains("not been published") && !public.body.contains("Tracing MC"));

    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 303);
    let public = app.client().get(&format!("/c/{}/schedule", s.slug)).body;
    assert!(public.contains("Tracing MC") && public.contains("io_uring at scale") && public.contains("Version 1"));
    assert!(public.contains("09:00–12:30") && public.contains("Europe/Vienna"), "times in the conference zone");
    let by_room = app.client().get(&format!("/c/{}/schedule?view=room", s.slug)).body;
    assert!(by_room.contains("Main Hall"));

    // Move the talk, publish again: the change is listed and SEQUENCE rises.
    assert_eq!(place(&org, &s, &talk_id, &small, "2030-09-18T14:00", "45").status, 303);
    let public = app.client().get(&format!("/c/{}/schedule", s.slug)).body;
    assert!(public.contains("12:30–13:15"), "still the published time until the next publish");
    org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]);
    let public = app.client().get(&format!("/c/{}/schedule", s.slug)).body;
    assert!(
        public.contains("Version 2") && public.contains("<strong>moved</strong>") && public.contains("14:00–14:45")
    );
    let mut c = app.db.conn();
    let snap: serde_json::Value = plumbline::db::schema::schedule_versions::table
        .filter(plumbline::db::schema::schedule_versions::version.eq(2))
        .select(plumbline::db::schema::schedule_versions::snapshot)
        .first(&mut c)
        .unwrap();
    let seqs: Vec<(String, i64)> = snap
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["title"].as_str().unwrap().to_string(), s["sequence"].as_i64().unwrap()))
        .collect();
    assert!(seqs.contains(&("io_uring at scale".into(), 1)) && seqs.contains(&("Tracing MC".into(), 0)), "{seqs:?}");

    // Others cannot edit.
    let sam = login(&app, "sam@example.org");
    assert_eq!(place(&sam, &s, &talk_id, &hall, "2030-09-19T09:00", "45").status, 403);
    assert_eq!(sam.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 403);
    assert_eq!(app.client().get(&format!("/c/{}/manage/schedule", s.slug)).status, 401);
}

#[test]
fn warnings_for_people_in_two_places_and_topics_outside_their_block() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, small) = rooms(&app, &s);
    let (lena, _sam) = accepted(&app, &s, &org);
    // Lena also gives a talk at the time of her MC.
    let t = talk(&lena, &s, "Lena's talk", "submit");
    org.post_form(&format!("{t}/decision"), &[("state", "accepted")]);
    org.post_form(&format!("/c/{}/manage/release", s.slug), &[]);
    org.post_form(&format!("/c/{}/manage/schedule/import", s.slug), &[]);
    assert_eq!(place(&org, &s, &item(&org, &s, "Tracing MC"), &hall, "2030-09-18T09:00", "60").status, 303);
    assert_eq!(place(&org, &s, &item(&org, &s, "Lena&#x27;s talk"), &small, "2030-09-18T09:30", "30").status, 303);
    // Two accepted 45-minute topics do not fit in a 60-minute block.
    let mut c = app.db.conn();
    let mc = plumbline::testing::repo::microconferences::for_conference(&mut c, s.conf_id).unwrap().remove(0);
    let page = lena.get(&format!("/c/{}/mc/{}", s.slug, mc.public_id)).body;
    let propose_link = page
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .find(|h| h.ends_with("/propose"))
        .unwrap()
        .to_string();
    for (i, who) in ["t1@example.org", "t2@example.org"].iter().enumerate() {
        let h = app.logged_in(who, &format!("Presenter {i}"), false);
        let r = h.post_form(
            &propose_link,
            &[("title", &format!("Topic {i}")), ("abstract", "x"), ("duration", "45"), ("action", "submit")],
        );
        let id = r.location().rsplit('/').next().unwrap().to_string();
        assert_eq!(
            lena.post_form(
                &format!("/c/{}/mc/{}/topics/{id}/decision", s.slug, mc.public_id),
                &[("state", "accepted")]
            )
            .status,
            303
        );
    }
    lena.post_form(&format!("/c/{}/mc/{}/release", s.slug, mc.public_id), &[]);
    let page = org.get(&format!("/c/{}/manage/schedule", s.slug)).body;
    assert!(page.contains("Lena Lead is in “Tracing MC” and “Lena&#x27;s talk” at the same time"), "{page}");
    assert!(page.contains("Topic “Topic 1”") && page.contains("outside its microconference"));
}

#[test]
fn stars_make_my_schedule_and_bookings_show_in_rooms() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, small) = rooms(&app, &s);
    accepted(&app, &s, &org);
    place(&org, &s, &item(&org, &s, "Tracing MC"), &hall, "2030-09-18T09:00", "210");
    org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]);
    // An attendee's booking in the small room shows up live, and cannot overlap a session.
    let mut c = app.db.conn();
    let uid = app.user("ari@example.org", "Ari Attendee", false);
    diesel::sql_query(format!(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, title, during) SELECT {}, id, {uid}, 'BoF: CI results', tstzrange('2030-09-18 10:00+00', '2030-09-18 11:00+00', '[)') FROM rooms WHERE public_id = '{small}'",
        s.conf_id
    ))
    .execute(&mut c)
    .unwrap();
    let public = app.client().get(&format!("/c/{}/schedule", s.slug)).body;
    assert!(public.contains("BoF: CI results") && public.contains("Unconference"));
    let r = place(&org, &s, &item(&org, &s, "io_uring at scale"), &small, "2030-09-18T12:30", "45");
    assert_eq!(r.status, 409, "the session may not take the booked room");
    assert!(r.body.contains("BoF: CI results"));

    let ari = login(&app, "ari@example.org");
    let guid = public.split("/session/").nth(1).unwrap()[..36].to_string();
    assert_eq!(ari.post_form(&format!("/c/{}/session/{guid}/star", s.slug), &[]).status, 303);
    let mine = ari.get(&format!("/c/{}/my-schedule", s.slug)).body;
    assert!(mine.contains("/my-schedule/") && mine.contains(".ics"));
    assert!(mine.contains(&guid));
    assert_eq!(
        ari.post_form(&format!("/c/{}/session/00000000-0000-0000-0000-000000000000/star", s.slug), &[]).status,
        404
    );
    assert_eq!(app.client().get(&format!("/c/{}/session/{guid}", s.slug)).status, 200);
    assert_eq!(app.client().get(&format!("/c/{}/session/nope", s.slug)).status, 404);
}

#[test]
fn demo_exports_validate_and_read_back() {
    use crate::exports::{
        have_icalendar, have_jsonschema, have_xmllint, jsonschema_validate, run, text, xmllint_validate, TempFile,
    };
    let app = TestApp::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    let http = app.client();
    let xml = http.get("/c/kernel-week-demo/schedule.xml");
    assert_eq!(xml.status, 200);
    assert!(xml.header("content-type").starts_with("application/xml"));
    for kind in ["Keynote", "Microconference", "Topic", "Talk", "Tutorial", "Break", "Unconference"] {
        assert!(xml.body.contains(&format!("<type>{kind}</type>")), "{kind} in the demo export");
    }
    if have_xmllint() {
        let out = xmllint_validate(&xml.body);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let json = http.get("/c/kernel-week-demo/schedule.json");
    if have_jsonschema() {
        let out = jsonschema_validate(&json.json());
        assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    }
    // The iCalendar feed, read by an independent parser, gives the API's UTC times.
    let api = http.get("/api/v1/conferences/kernel-week-demo/schedule").json();
    let sessions = api["sessions"].as_array().unwrap();
    let ics = http.get("/c/kernel-week-demo/schedule.ics");
    assert!(ics.header("content-type").starts_with("text/calendar"));
    assert!(ics.body.contains("BEGIN:VTIMEZONE") && ics.body.contains("TZID:Europe/Lisbon"));
    if have_icalendar() {
        let file = TempFile::new("demo.ics", &ics.body);
        let script = "import sys, icalendar, datetime\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\nfor e in cal.walk('VEVENT'):\n    print(str(e['UID']).split('@')[0], e.decoded('DTSTART').astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))\n";
        let out = run("python3", &["-c", script, file.path()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let parsed = text(&out.stdout);
        assert_eq!(parsed.lines().count(), sessions.len());
        for s in sessions {
            let start = chrono::DateTime::parse_from_rfc3339(s["starts_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc);
            let line = format!("{} {}", s["guid"].as_str().unwrap(), start.format("%Y-%m-%dT%H:%M:%SZ"));
            assert!(parsed.contains(&line), "{line} not in\n{parsed}");
        }
    }
    // Nothing is published for the upcoming conference yet.
    assert_eq!(http.get("/c/lpc-demo/schedule.xml").status, 404);
}

#[test]
fn personal_feed_needs_its_secret_url() {
    let app = TestApp::start();
    plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    let ari = login_demo(&app, "attendee@example.org");
    let schedule = ari.get("/c/kernel-week-demo/schedule").body;
    let guid = schedule.split("/session/").nth(1).unwrap()[..36].to_string();
    ari.post_form(&format!("/c/kernel-week-demo/session/{guid}/star"), &[]);
    let page = ari.get("/c/kernel-week-demo/my-schedule").body;
    let feed = page.split("<code class=\"token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let path = feed.trim_start_matches(&app.base).to_string();
    let r = app.client().get(&path);
    assert_eq!(r.status, 200, "{path}");
    assert_eq!(r.body.matches("BEGIN:VEVENT").count(), 1);
    assert!(r.body.contains(&guid));
    let forged = format!("{}0000.ics", &path[..path.len() - 8]);
    assert_eq!(app.client().get(&forged).status, 404);
}

fn login_demo(app: &TestApp, email: &str) -> Http {
    let h = app.client();
    assert_eq!(h.post_form("/login", &[("email", email), ("password", "plumbline-demo")]).status, 303);
    h
}

/// Every person's (GUID, name) in a frab XML export.
fn xml_persons(xml: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"<person id="\d+" guid="([0-9a-f-]{36})">([^<]*)</person>"#).unwrap();
    re.captures_iter(xml).map(|c| (c[1].to_string(), c[2].to_string())).collect()
}

#[test]
fn speaker_guids_in_exports_are_random_and_stored_not_made_from_emails_or_names() {
    use crate::exports::{have_jsonschema, have_xmllint, jsonschema_validate, text, xmllint_validate};
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, small) = rooms(&app, &s);
    accepted(&app, &s, &org);
    let r = org.post_form(
        &format!("/c/{}/manage/schedule/items", s.slug),
        &[("kind", "keynote"), ("title", "Opening keynote"), ("speakers", "Linus Torvalds, Greg K-H")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(place(&org, &s, &item(&org, &s, "Tracing MC"), &hall, "2030-09-18T09:00", "210").status, 303);
    assert_eq!(place(&org, &s, &item(&org, &s, "io_uring at scale"), &small, "2030-09-18T09:00", "45").status, 303);
    assert_eq!(place(&org, &s, &item(&org, &s, "Opening keynote"), &hall, "2030-09-19T09:00", "60").status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 303);

    let xml = app.client().get(&format!("/c/{}/schedule.xml", s.slug)).body;
    let persons = xml_persons(&xml);
    let guid_of =
        |name: &str| persons.iter().find(|(_, n)| n == name).unwrap_or_else(|| panic!("{name}: {xml}")).0.clone();
    let mut c = app.db.conn();
    // People with an account: their random public id, not uuid5 of their address.
    for (email, name) in [("lena@example.org", "Lena Lead"), ("sam@example.org", "Sam Speaker")] {
        let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
        let from_email = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("acct:{email}").as_bytes());
        assert_eq!(guid_of(name), u.public_id.to_string(), "{name}");
        assert_ne!(guid_of(name), from_email.to_string(), "{name}");
    }
    // Named speakers without an account: a stored random GUID, not one made from the name.
    use plumbline::db::schema::named_speakers::dsl as ns;
    for name in ["Linus Torvalds", "Greg K-H"] {
        let stored: uuid::Uuid = ns::named_speakers
            .filter(ns::conference_id.eq(s.conf_id))
            .filter(ns::name.eq(name))
            .select(ns::guid)
            .first(&mut c)
            .unwrap();
        assert_eq!(guid_of(name), stored.to_string(), "{name}");
        let from_name = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("name:{name}").as_bytes());
        assert_ne!(guid_of(name), from_name.to_string(), "{name}");
    }
    // The JSON export names the same GUIDs, and both still validate.
    let json = app.client().get(&format!("/c/{}/schedule.json", s.slug)).json();
    let json_text = json.to_string();
    for (guid, _) in &persons {
        assert!(json_text.contains(guid.as_str()), "{guid} in the JSON export");
    }
    if have_xmllint() {
        let out = xmllint_validate(&xml);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    if have_jsonschema() {
        let out = jsonschema_validate(&json);
        assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    }
    // Publishing again keeps every GUID.
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 303);
    let again = app.client().get(&format!("/c/{}/schedule.xml", s.slug)).body;
    assert!(again.contains("<version>2</version>"), "{again}");
    assert_eq!(xml_persons(&again), persons);
}

/// Without JavaScript: the item page places and moves; a refused place comes
/// back with the reason and what was typed; the script's JSON answers say the
/// same; undo puts back one move at a time; the publish page lists the changes.
#[test]
fn item_pages_json_answers_undo_and_the_publish_preview() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, _) = rooms(&app, &s);
    accepted(&app, &s, &org);
    let mc = item(&org, &s, "Tracing MC");
    let talk = item(&org, &s, "io_uring at scale");
    let page = org.get(&format!("/c/{}/manage/schedule/items/{talk}", s.slug));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("not placed yet") && page.body.contains("Main Hall (300 seats)"), "{}", page.body);

    assert_eq!(place(&org, &s, &mc, &hall, "2030-09-18T09:00", "210").status, 303);
    let r = place(&org, &s, &talk, &hall, "2030-09-18T10:00", "45");
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Main Hall is already in use then.") && r.body.contains("Tracing MC"), "{}", r.body);
    assert!(
        r.body.contains(r#"value="2030-09-18T10:00""#) && r.body.contains(r#"value="45""#),
        "the typed values stay"
    );
    let r = place(&org, &s, &talk, &hall, "someday", "45");
    assert_eq!(r.status, 422);

    // The script's requests get JSON.
    let json = |at: &str| {
        org.client
            .post(org.base.clone() + &format!("/c/{}/manage/schedule/items/{talk}/place", s.slug))
            .header("Accept", "application/json")
            .form(&[("csrf_token", org.csrf().as_str()), ("room", hall.as_str()), ("starts_at", at), ("minutes", "45")])
            .send()
            .unwrap()
    };
    let refused = json("2030-09-18T11:00");
    assert_eq!(refused.status().as_u16(), 409);
    assert!(refused.json::<serde_json::Value>().unwrap()["error"].as_str().unwrap().contains("already in use"));
    let ok = json("2030-09-18T13:00");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(json("2030-09-18T14:00").status().as_u16(), 200);

    // The grid shows the talk at 14:00; undo twice: back to 13:00, then not placed.
    let grid = org.get(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)).body;
    assert!(grid.contains("14:00–14:45"), "{grid}");
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/undo", s.slug), &[]).status, 303);
    assert!(org.get(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)).body.contains("13:00–13:45"));
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/undo", s.slug), &[]).status, 303);
    let grid = org.get(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)).body;
    assert!(!grid.contains("13:00–13:45") && grid.contains("Not placed (1)"), "{grid}");
    // The refused attempts left nothing to undo; the MC's placing is next, then nothing.
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/undo", s.slug), &[]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/undo", s.slug), &[]).status, 409);

    // A bad day is a clear 400.
    assert_eq!(org.get(&format!("/c/{}/manage/schedule?day=soon", s.slug)).status, 400);

    assert_eq!(place(&org, &s, &mc, &hall, "2030-09-18T09:00", "210").status, 303);
    let preview = org.get(&format!("/c/{}/manage/schedule/publish", s.slug)).body;
    assert!(
        preview.contains("Publish version 1") && preview.contains("<strong>added</strong>: Tracing MC"),
        "{preview}"
    );
}

/// The speakers' answers: the acceptance mail links to the confirmation page
/// (only the speakers may open it), the organisers see who answered, a
/// speaker who has not answered is reminded once after the set days, and a
/// declined talk leaves the schedule with a warning in the editor.
#[test]
fn speakers_confirm_decline_and_are_reminded() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, _) = rooms(&app, &s);
    let (lena, sam) = accepted(&app, &s, &org);
    let mail = app.mail("sam@example.org", "accepted");
    let link =
        mail.links().into_iter().find(|l| l.ends_with("/confirm")).unwrap_or_else(|| panic!("{}", mail.text_body()));
    let path = link.trim_start_matches(&app.base).to_string();
    assert_eq!(lena.get(&path).status, 404, "only the talk's speakers");
    assert_eq!(app.client().get(&path).status, 303, "log in first");
    let page = sam.get(&path);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You have not answered yet"), "{}", page.body);

    let talk = item(&org, &s, "io_uring at scale");
    let mc = item(&org, &s, "Tracing MC");
    assert_eq!(place(&org, &s, &mc, &hall, "2030-09-18T09:00", "210").status, 303);
    assert_eq!(place(&org, &s, &talk, &hall, "2030-09-18T13:30", "45").status, 303);
    assert_eq!(sam.post_form(&path, &[("answer", "confirm")]).status, 303);
    assert!(sam.get(&path).body.contains("You confirmed this"));
    assert_eq!(sam.post_form(&path, &[("answer", "maybe")]).status, 400);

    // The organisers see the answers: on the speakers page, the proposals list and the MC's block.
    let speakers = org.get(&format!("/c/{}/manage/speakers", s.slug)).body;
    assert!(speakers.contains("<strong>1</strong> have not answered"), "{speakers}");
    assert!(speakers.contains("Not registered"));
    let proposals = org.get(&format!("/c/{}/manage/proposals", s.slug)).body;
    assert!(proposals.contains("1 of 1 confirmed") && proposals.contains("0 of 1 confirmed"), "{proposals}");
    let grid = org.get(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)).body;
    assert!(grid.contains("Not confirmed yet: Lena Lead (pending)"), "{grid}");

    // Lena has not answered: after the set days she is reminded, once.
    assert_eq!(org.post_form(&format!("/c/{}/manage/speakers/reminders", s.slug), &[("days", "3")]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/speakers/reminders", s.slug), &[("days", "0")]).status, 400);
    diesel::sql_query("UPDATE speaker_confirmations SET asked_at = now() - interval '4 days'")
        .execute(&mut app.db.conn())
        .unwrap();
    let reminder = app.mail("lena@example.org", "Please confirm “Tracing MC”");
    assert!(reminder.text_body().contains("/confirm"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let reminders =
        app.smtp.messages_to("lena@example.org").iter().filter(|m| m.subject().contains("Please confirm")).count();
    assert_eq!(reminders, 1);
    assert!(app.smtp.messages_to("sam@example.org").iter().all(|m| !m.subject().contains("Please confirm")));

    // Sam declines after all: the talk leaves the schedule, and the editor says so.
    assert_eq!(sam.post_form(&path, &[("answer", "decline")]).status, 303);
    let grid = org.get(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)).body;
    assert!(!grid.contains("13:30–14:15"), "the declined talk is out of the grid");
    assert!(grid.contains("“io_uring at scale” is out of the schedule: Sam Speaker (declined)."), "{grid}");
}

/// Publishing mails exactly the speakers whose session is new, moved or
/// removed, with the time in the conference's zone and a calendar entry.
#[test]
fn publishing_tells_exactly_the_speakers_whose_session_changed() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let (hall, small) = rooms(&app, &s);
    accepted(&app, &s, &org);
    let mc = item(&org, &s, "Tracing MC");
    let talk = item(&org, &s, "io_uring at scale");
    assert_eq!(place(&org, &s, &mc, &hall, "2030-09-18T09:00", "210").status, 303);
    assert_eq!(place(&org, &s, &talk, &hall, "2030-09-18T13:30", "45").status, 303);
    let publish = || assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 303);
    let count =
        |to: &str, subject: &str| app.smtp.messages_to(to).iter().filter(|m| m.subject().contains(subject)).count();

    publish();
    let first = app.mail("sam@example.org", "Your session is scheduled: io_uring at scale");
    assert!(first.text_body().contains("Wed 18 Sep 2030, 13:30–14:15 (Europe/Vienna)"), "{}", first.text_body());
    assert!(first.data.contains("filename=\"session.ics\"") && first.data.contains("text/calendar"), "{}", first.data);
    app.mail("lena@example.org", "Your session is scheduled: Tracing MC");
    let ics: Vec<String> = plumbline::db::schema::outbox::table
        .filter(plumbline::db::schema::outbox::recipient.eq("sam@example.org"))
        .filter(plumbline::db::schema::outbox::attachment_body.is_not_null())
        .select(plumbline::db::schema::outbox::attachment_body.assume_not_null())
        .load(&mut app.db.conn())
        .unwrap();
    assert!(
        ics[0].contains("BEGIN:VEVENT")
            && ics[0].contains("DTSTART:20300918T113000Z")
            && ics[0].contains("STATUS:CONFIRMED")
    );

    // Only the talk moves: only Sam hears of version 2.
    assert_eq!(place(&org, &s, &talk, &small, "2030-09-18T15:00", "45").status, 303);
    publish();
    let moved = app.mail("sam@example.org", "Your session moved");
    assert!(
        moved.text_body().contains("15:00–15:45") && moved.text_body().contains("Room 1.61"),
        "{}",
        moved.text_body()
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(count("lena@example.org", "Your session"), 1, "Lena's MC did not change");

    // Publishing again without changes tells nobody.
    publish();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(count("sam@example.org", "Your session"), 2);

    // Taken out: Sam's calendar entry is cancelled.
    assert_eq!(org.post_form(&format!("/c/{}/manage/schedule/items/{talk}/unplace", s.slug), &[]).status, 303);
    publish();
    app.mail("sam@example.org", "taken out of the schedule");
    let ics: Vec<String> = plumbline::db::schema::outbox::table
        .filter(plumbline::db::schema::outbox::recipient.eq("sam@example.org"))
        .filter(plumbline::db::schema::outbox::subject.like("%taken out%"))
        .select(plumbline::db::schema::outbox::attachment_body.assume_not_null())
        .load(&mut app.db.conn())
        .unwrap();
    assert!(ics[0].contains("STATUS:CANCELLED") && ics[0].contains("SEQUENCE:"), "{}", ics[0]);
    assert_eq!(count("lena@example.org", "Your session"), 1);
}
