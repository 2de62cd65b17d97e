use crate::support::{link_in, Http, Page, TestApp, PASSWORD};
use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use plumbline::testing::repo::calls::{self, CallValues};
use plumbline::testing::repo::conferences::{self, ConferenceValues};

pub struct Setup {
    pub slug: String,
    pub conf_id: i64,
    pub mc_call: String,
    pub talk_call: String,
    pub unconf_call: String,
    pub track_id: i64,
}

/// A conference in Europe/Vienna with open MC, talk and unconference calls and one organiser.
pub fn conference(app: &TestApp, organiser: &str) -> Setup {
    let mut c = app.db.conn();
    let conf = conferences::insert(
        &mut c,
        &ConferenceValues {
            slug: "lpc-test",
            name: "LPC Test",
            venue: "Vienna",
            time_zone: "Europe/Vienna",
            starts_on: NaiveDate::from_ymd_opt(2030, 9, 18).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2030, 9, 20).unwrap(),
            attendance_cap: 300,
            currency: "USD",
        },
    )
    .unwrap();
    let org = app.user(organiser, "Olga Organiser", false);
    conferences::grant_role(&mut c, conf.id, org, "organiser").unwrap();
    calls::add_track(&mut c, conf.id, "Tracing").unwrap();
    let track_id = calls::tracks(&mut c, conf.id).unwrap()[0].id;
    let now = Utc::now();
    let mk = |c: &mut PgConnection, kind: &str, title: &str| {
        calls::insert(
            c,
            conf.id,
            None,
            &CallValues {
                kind,
                title,
                description_md: "Send **proposals**.",
                opens_at: now - Duration::days(1),
                closes_at: now + Duration::days(10),
                max_per_person: 2,
                title_max: 120,
                abstract_max: 2000,
            },
        )
        .unwrap()
        .public_id
        .to_string()
    };
    let mc_call = mk(&mut c, "microconference", "Microconferences");
    let talk_call = mk(&mut c, "refereed_talk", "Refereed talks");
    let unconf_call = mk(&mut c, "unconference", "Unconference");
    Setup { slug: "lpc-test".into(), conf_id: conf.id, mc_call, talk_call, unconf_call, track_id }
}

/// Proposes in a call and returns the proposal's URL path.
pub fn propose(http: &Http, s: &Setup, call: &str, fields: &[(&str, &str)]) -> String {
    let r = http.post_form(&format!("/c/{}/cfp/{call}/propose", s.slug), fields);
    assert_eq!(r.status, 303, "propose failed: {}", r.body);
    r.location()
}

pub fn talk(http: &Http, s: &Setup, title: &str, action: &str) -> String {
    propose(
        http,
        s,
        &s.talk_call,
        &[("title", title), ("abstract", "An abstract."), ("duration", "30"), ("action", action)],
    )
}

fn proposal_title(app: &TestApp, path: &str) -> (String, String) {
    let id = uuid::Uuid::parse_str(path.rsplit('/').next().unwrap()).unwrap();
    let p = plumbline::testing::repo::proposals::by_public_id(&mut app.db.conn(), id).unwrap().unwrap();
    (p.title, p.state)
}

#[test]
fn organiser_defines_calls_in_the_conference_time_zone() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = app.client();
    org.post_form("/login", &[("email", "org@example.org"), ("password", PASSWORD)]);
    let fields = [
        ("kind", "refereed_talk"),
        ("title", "Late-breaking talks"),
        ("description", "Short *talks*."),
        ("opens_at", "2030-03-01T09:00"),
        ("closes_at", "2030-07-01T23:59"),
        ("max_per_person", "2"),
        ("title_max", "100"),
        ("abstract_max", "1500"),
    ];
    let r = org.post_form(&format!("/c/{}/manage/calls", s.slug), &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut c = app.db.conn();
    let created = calls::for_conference(&mut c, s.conf_id)
        .unwrap()
        .into_iter()
        .find(|c| c.title == "Late-breaking talks")
        .unwrap();
    assert_eq!(created.closes_at.to_rfc3339(), "2030-07-01T21:59:00+00:00", "typed in Vienna summer time");
    let page = app.client().get(&format!("/c/{}/cfp", s.slug));
    assert!(page.body.contains("Mon 1 Jul 2030, 23:59 CEST"), "closing shown in the conference zone: {}", page.body);
    assert!(page.body.contains("Europe/Vienna"));

    // A time skipped by the DST change and a close before the opening: 422 with the input kept.
    let mut bad = fields;
    bad[3] = ("opens_at", "2030-03-31T02:30");
    bad[4] = ("closes_at", "2030-03-01T10:00");
    let r = org.post_form(&format!("/c/{}/manage/calls", s.slug), &bad);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("does not exist in Europe/Vienna"));
    assert!(r.body.contains(r#"value="Late-breaking talks""#));

    let r = org.post_form(&format!("/c/{}/manage/tracks", s.slug), &[("name", "Power Management")]);
    assert_eq!(r.status, 303);
    assert!(app.client().get(&format!("/c/{}/cfp", s.slug)).body.contains("Power Management"));
}

#[test]
fn proposer_drafts_submits_edits_and_withdraws() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let track = s.track_id.to_string();
    let path = propose(
        &ada,
        &s,
        &s.mc_call,
        &[
            ("title", "Tracing MC"),
            ("abstract", "Problems to **discuss**."),
            ("topics", "Ring buffers: sharing them\nUser events"),
            ("key_people", "Steven"),
            ("expected_attendance", "70"),
            ("track", &track),
            ("people", "colead@example.org"),
            ("action", "draft"),
        ],
    );
    assert_eq!(proposal_title(&app, &path).1, "draft");
    let mine = ada.get("/proposals");
    assert!(mine.body.contains("Tracing MC") && mine.body.contains("draft"));
    let page = ada.get(&path);
    assert!(page.body.contains("Ring buffers"));
    assert!(page.body.contains("<strong>discuss</strong>"));
    assert_eq!(app.outbox_count("colead@example.org"), 1, "the co-lead was invited");

    let r = ada.post_form(&format!("{path}/submit"), &[]);
    assert_eq!(r.status, 303);
    app.mail("ada@example.org", "Proposal received: Tracing MC");
    assert_eq!(proposal_title(&app, &path).1, "submitted");

    let r = ada.post_form(
        &format!("{path}/edit"),
        &[("title", "Tracing and BPF MC"), ("abstract", "More problems."), ("track", &track), ("action", "draft")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(proposal_title(&app, &path), ("Tracing and BPF MC".into(), "submitted".into()));
    assert_eq!(app.outbox_count("colead@example.org"), 1, "removed from the list: no more mail");

    let r = ada.post_form(&format!("{path}/withdraw"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(proposal_title(&app, &path).1, "withdrawn");
    assert!(ada.get("/proposals").body.contains("withdrawn"));
}

#[test]
fn form_errors_keep_the_input_and_preview_matches_the_page() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let url = format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call);
    let r = ada.post_form(
        &url,
        &[
            ("title", ""),
            ("abstract", "Kept <text>"),
            ("duration", "9999"),
            ("people", "not-an-email"),
            ("action", "submit"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Kept &lt;text&gt;</textarea>"));
    for f in ["title", "duration", "people"] {
        assert!(r.body.contains(&format!(r#"id="{f}-error""#)), "{f}");
    }
    let md = "Hello [site](https://lpc.events) <script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>";
    let preview =
        ada.post_form(&url, &[("title", "Safe"), ("abstract", md), ("duration", "30"), ("action", "preview")]);
    assert_eq!(preview.status, 200);
    let path = propose(
        &ada,
        &s,
        &s.talk_call,
        &[("title", "Safe"), ("abstract", md), ("duration", "30"), ("action", "submit")],
    );
    let page = ada.get(&path);
    for body in [&preview.body, &page.body] {
        let lower = body.to_lowercase();
        assert!(!lower.contains("<script>alert"), "no script");
        assert!(!lower.contains("href=\"javascript"), "no javascript: link");
        assert!(!lower.contains("<img"), "no image with an event handler");
        assert!(body.contains(r#"href="https://lpc.events""#));
    }
    let rendered = |b: &str| {
        let start = b.find("<p>Hello").unwrap();
        b[start..start + b[start..].find("</p>").unwrap()].to_string()
    };
    assert_eq!(rendered(&preview.body), rendered(&page.body), "the preview is what is published");
    assert_eq!(app.outbox_count("ada@example.org"), 1, "one submission, one confirmation");
}

#[test]
fn the_call_closes_at_its_instant() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let path = talk(&ada, &s, "Before the close", "submit");
    // Close the call two seconds from now.
    let mut c = app.db.conn();
    let call_id = uuid::Uuid::parse_str(&s.talk_call).unwrap();
    use plumbline::db::schema::calls::dsl as k;
    diesel::update(k::calls.filter(k::public_id.eq(call_id)))
        .set(k::closes_at.eq(Utc::now() + Duration::seconds(2)))
        .execute(&mut c)
        .unwrap();
    let r = ada.post_form(
        &format!("{path}/edit"),
        &[("title", "Edited in time"), ("abstract", "x"), ("duration", "30"), ("action", "draft")],
    );
    assert_eq!(r.status, 303);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = ada.post_form(
        &format!("{path}/edit"),
        &[("title", "Too late"), ("abstract", "y"), ("duration", "30"), ("action", "draft")],
    );
    assert_eq!(r.status, 409);
    assert!(r.body.contains("closed"));
    assert!(r.body.contains(r#"value="Too late""#), "the typed text comes back");
    assert_eq!(proposal_title(&app, &path).0, "Edited in time", "the stored proposal is unchanged");
    assert_eq!(ada.post_form(&format!("{path}/withdraw"), &[]).status, 409);
    let r = ada.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call),
        &[("title", "New"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(r.status, 409);
}

#[test]
fn a_person_has_at_most_the_calls_cap_of_proposals() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let first = talk(&ada, &s, "One", "submit");
    talk(&ada, &s, "Two", "draft");
    let r = ada.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call),
        &[("title", "Three"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(r.status, 409);
    assert!(r.body.contains("limit per person"));
    // A withdrawn proposal frees its place.
    ada.post_form(&format!("{first}/withdraw"), &[]);
    talk(&ada, &s, "Three", "submit");
}

#[test]
fn unverified_people_cannot_propose() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let http = app.client();
    http.post_form("/signup", &[("name", "New"), ("email", "new@example.org"), ("password", PASSWORD)]);
    http.post_form("/login", &[("email", "new@example.org"), ("password", PASSWORD)]);
    let r = http.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call),
        &[("title", "T"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("confirm your email"), "{}", r.body);
    use diesel::prelude::*;
    let n: i64 = plumbline::db::schema::proposals::table.count().get_result(&mut app.db.conn()).unwrap();
    assert_eq!(n, 0, "nothing was written");
}

#[test]
fn invited_co_speaker_without_account_signs_up_accepts_and_edits() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let path = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Joint talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "bob@example.org, carol@example.org"),
            ("action", "submit"),
        ],
    );
    let bob_mail = app.mail("bob@example.org", "invites you");
    let link = link_in(&bob_mail, &format!("{}/invitations/", app.base));
    let inv_path = link.trim_start_matches(&app.base).to_string();

    // Bob has no account: the invitation page sends him to sign up, and back here after verifying.
    let bob = app.client();
    let page = bob.get(&inv_path);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Joint talk"), "{}", page.body);
    assert!(page.body.contains("/signup?next&#x3D;%2Finvitations%2F"), "a sign-up link that returns to the invitation");
    bob.post_form(
        "/signup",
        &[("name", "Bob"), ("email", "bob@example.org"), ("password", PASSWORD), ("next", &inv_path)],
    );
    let verify = link_in(&app.mail("bob@example.org", "Confirm"), &format!("{}/verify", app.base));
    // Confirming (with his password: he is not logged in here) logs him in and returns to the invitation.
    let r = bob.confirm_address(&verify, PASSWORD);
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), inv_path);
    // Before accepting he cannot see the proposal.
    assert_eq!(bob.get(&path).status, 404);
    let r = bob.post_form(&inv_path, &[("answer", "accept")]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), path);
    assert_eq!(bob.get(&path).status, 200);
    let r = bob.post_form(
        &format!("{path}/edit"),
        &[("title", "Joint talk, improved"), ("abstract", "y"), ("duration", "30"), ("action", "draft")],
    );
    assert_eq!(r.status, 303);
    assert!(ada.get(&path).body.contains("Joint talk, improved"));
    assert!(bob.get("/proposals").body.contains("Joint talk, improved"));
    // The link works once.
    assert_eq!(bob.post_form(&inv_path, &[("answer", "decline")]).status, 409);

    // Carol declines and sees nothing.
    let carol_link = link_in(&app.mail("carol@example.org", "invites you"), &format!("{}/invitations/", app.base));
    let carol = app.logged_in("carol@example.org", "Carol", false);
    assert_eq!(carol.post_form(carol_link.trim_start_matches(&app.base), &[("answer", "decline")]).status, 303);
    assert_eq!(carol.get(&path).status, 404);
}

fn status_of(http: Option<&Http>, app: &TestApp, path: &str) -> u16 {
    match http {
        Some(h) => h.get(path).status,
        None => app.client().get(path).status,
    }
}

/// An accepted MC led by `lead` with one submitted topic by `author`; returns (mc manage path, topic path).
pub fn accepted_mc(app: &TestApp, s: &Setup, org: &Http, lead: &Http, author: &Http, title: &str) -> (String, String) {
    let mc = propose(lead, s, &s.mc_call, &[("title", title), ("abstract", "Problems"), ("action", "submit")]);
    assert_eq!(org.post_form(&format!("{mc}/decision"), &[("state", "accepted")]).status, 303);
    // The MC exists once the acceptance is released.
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    let manage = org.get(&format!("/c/{}/manage", s.slug));
    let mc_manage = manage
        .body
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .filter(|h| h.ends_with("/manage") && h.contains("/mc/"))
        .find(|h| lead.get(h).status == 200)
        .expect("the lead can open the MC page")
        .to_string();
    let mc_public = mc_manage.trim_end_matches("/manage").to_string();
    let page = app.client();
    let _ = page;
    let topic_call = lead.get(&mc_manage).body;
    let mc_page = lead.get(&mc_public).body;
    let _ = topic_call;
    let propose_link = mc_page
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .find(|h| h.ends_with("/propose"))
        .expect("topic call link")
        .to_string();
    let r = author.post_form(
        &propose_link,
        &[
            ("title", &format!("Topic for {title}")),
            ("abstract", "Topic abstract"),
            ("duration", "30"),
            ("action", "submit"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    (mc_manage, r.location())
}

#[test]
fn every_role_sees_exactly_what_it_should() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = app.client();
    org.post_form("/login", &[("email", "org@example.org"), ("password", PASSWORD)]);
    let proposer = app.logged_in("ada@example.org", "Ada", false);
    let other = app.logged_in("bob@example.org", "Bob", false);
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let other_lead = app.logged_in("otto@example.org", "Otto Lead", false);
    let (mc_manage, topic) = accepted_mc(&app, &s, &org, &lead, &proposer, "Tracing");
    let (other_mc_manage, other_topic) = accepted_mc(&app, &s, &org, &other_lead, &other, "Containers");
    let talk_path = talk(&proposer, &s, "Ada's talk", "submit");
    let slug = &s.slug;

    // route, then expected status for: anonymous, proposer, other proposer, MC lead, other lead, organiser
    let table: Vec<(String, [u16; 6])> = vec![
        (talk_path.clone(), [404, 200, 404, 404, 404, 200]),
        (format!("{talk_path}/edit"), [404, 200, 404, 404, 404, 404]),
        (topic.clone(), [404, 200, 404, 200, 404, 200]),
        (other_topic.clone(), [404, 404, 200, 404, 200, 200]),
        (mc_manage.clone(), [401, 404, 404, 200, 404, 200]),
        (other_mc_manage.clone(), [401, 404, 404, 404, 200, 200]),
        (format!("/c/{slug}/manage"), [401, 403, 403, 403, 403, 200]),
        (format!("/c/{slug}/manage/proposals"), [401, 403, 403, 403, 403, 200]),
        (format!("/c/{slug}/manage/calls"), [401, 403, 403, 403, 403, 200]),
        (format!("/c/{slug}/manage/tracks"), [401, 403, 403, 403, 403, 200]),
        (format!("/c/{slug}/cfp"), [200, 200, 200, 200, 200, 200]),
        (format!("/c/{slug}/programme"), [200, 200, 200, 200, 200, 200]),
        ("/proposals".to_string(), [303, 200, 200, 200, 200, 200]),
    ];
    let roles: [Option<&Http>; 6] = [None, Some(&proposer), Some(&other), Some(&lead), Some(&other_lead), Some(&org)];
    let names = ["anonymous", "proposer", "other proposer", "MC lead", "other lead", "organiser"];
    for (route, expected) in &table {
        for (i, who) in roles.iter().enumerate() {
            assert_eq!(status_of(*who, &app, route), expected[i], "{} GET {route}", names[i]);
        }
    }

    // Lists show only what each may see.
    let org_list = org.get(&format!("/c/{slug}/manage/proposals")).body;
    assert!(
        org_list.contains("Ada&#x27;s talk") && !org_list.contains("Topic for"),
        "the organisers' list shows the conference's calls"
    );
    let lead_page = lead.get(&mc_manage).body;
    assert!(lead_page.contains("Topic for Tracing") && !lead_page.contains("Topic for Containers"));
    assert!(!other.get("/proposals").body.contains("Ada&#x27;s talk"));

    // Writes by the wrong person: 404, nothing changes.
    let r = other.post_form(
        &format!("{talk_path}/edit"),
        &[("title", "Hijacked"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(r.status, 404);
    assert_eq!(other.post_form(&format!("{talk_path}/withdraw"), &[]).status, 404);
    assert_eq!(proposal_title(&app, &talk_path), ("Ada's talk".into(), "submitted".into()));
    let topic_id = topic.rsplit('/').next().unwrap();
    let other_mc = other_mc_manage.trim_end_matches("/manage");
    assert_eq!(
        other_lead.post_form(&format!("{other_mc}/topics/{topic_id}/decision"), &[("state", "accepted")]).status,
        404,
        "the topic is not in that MC"
    );
    let mc = mc_manage.trim_end_matches("/manage");
    assert_eq!(other_lead.post_form(&format!("{mc}/topics/{topic_id}/decision"), &[("state", "accepted")]).status, 404);
    assert_eq!(proposal_title(&app, &topic).1, "submitted");
    assert_eq!(proposer.post_form(&format!("{talk_path}/decision"), &[("state", "accepted")]).status, 403);
    // Extra fields are ignored: a proposer cannot accept their own proposal by form.
    let r = proposer.post_form(
        &format!("{talk_path}/edit"),
        &[
            ("title", "Ada's talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("state", "accepted"),
            ("submitter_id", "1"),
            ("action", "draft"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(proposal_title(&app, &talk_path).1, "submitted");

    // The API: organisers see all, others their own; leads of another MC see nothing of this one.
    let token_of = |email: &str| {
        let mut c = app.db.conn();
        let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
        crate::support::api_token(&mut c, u.id)
    };
    let api = format!("/api/v1/conferences/{slug}/proposals");
    let all = app.client().get_with_bearer(&api, &token_of("org@example.org")).json();
    assert!(all["proposals"].as_array().unwrap().len() >= 5);
    let own = app.client().get_with_bearer(&api, &token_of("ada@example.org")).json();
    let titles: Vec<String> =
        own["proposals"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    let otto = app.client().get_with_bearer(&api, &token_of("otto@example.org")).json().to_string();
    assert!(!otto.contains("Topic for Tracing"));
    assert_eq!(app.client().get(&api).status, 401);
}

#[test]
fn an_accepted_microconference_runs_its_own_topic_call() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = app.client();
    org.post_form("/login", &[("email", "org@example.org"), ("password", PASSWORD)]);
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let speaker = app.logged_in("sam@example.org", "Sam Speaker", false);
    let (mc_manage, topic) = accepted_mc(&app, &s, &org, &lead, &speaker, "Tracing");
    let mc = mc_manage.trim_end_matches("/manage").to_string();
    let topic_id = topic.rsplit('/').next().unwrap().to_string();

    // Not public before the programme is published.
    assert_eq!(app.client().get(&mc).status, 404);
    assert!(!app.client().get(&format!("/c/{}/programme", s.slug)).body.contains("Tracing"));

    assert_eq!(lead.post_form(&format!("{mc}/topics/{topic_id}/decision"), &[("state", "accepted")]).status, 303);
    // Fill the 210-minute budget: six more 30-minute topics fit, the seventh does not.
    let mc_page = lead.get(&mc).body;
    let propose_link = mc_page
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .find(|h| h.ends_with("/propose"))
        .unwrap()
        .to_string();
    let mut topics = vec![topic_id.clone()];
    for i in 0..7 {
        let who = app.logged_in(&format!("p{i}@example.org"), &format!("Presenter {i}"), false);
        let r = who.post_form(
            &propose_link,
            &[("title", &format!("Extra topic {i}")), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
        );
        topics.push(r.location().rsplit('/').next().unwrap().to_string());
    }
    for (i, t) in topics.iter().enumerate().skip(1) {
        let r = lead.post_form(&format!("{mc}/topics/{t}/decision"), &[("state", "accepted")]);
        if i < 7 {
            assert_eq!(r.status, 303, "topic {i}");
        } else {
            assert_eq!(r.status, 409, "over budget");
            assert!(r.body.contains("would exceed"));
        }
    }
    let page = lead.get(&mc_manage).body;
    assert!(page.contains("210 of 210 minutes"));

    // Order: move the first topic down.
    assert_eq!(lead.post_form(&format!("{mc}/topics/{topic_id}/move"), &[("direction", "down")]).status, 303);
    let page = lead.get(&mc_manage).body;
    assert!(page.find("Extra topic 0").unwrap() < page.find("Topic for Tracing").unwrap());

    // Release the topic decisions, then publish: the programme and the API show
    // the MC, its leads and accepted topics in order.
    assert_eq!(lead.post_form(&format!("{mc}/release"), &[]).status, 303);
    app.mail("p0@example.org", "accepted");
    assert_eq!(org.post_form(&format!("/c/{}/manage/programme", s.slug), &[("published", "1")]).status, 303);
    let prog = app.client().get(&format!("/c/{}/programme", s.slug)).body;
    assert!(prog.contains("Tracing") && prog.contains("Lena Lead") && prog.contains("Extra topic 0"));
    assert!(!prog.contains("Extra topic 6"), "not accepted, not shown");
    assert_eq!(app.client().get(&mc).status, 200);
    let api = app.client().get(&format!("/api/v1/conferences/{}/microconferences", s.slug)).json();
    let m = &api["microconferences"][0];
    assert_eq!(m["title"], "Tracing");
    assert_eq!(m["leads"][0], "Lena Lead");
    assert_eq!(m["topics"][0]["title"], "Extra topic 0");
    assert_eq!(m["topics"].as_array().unwrap().len(), 7);

    // The leads' window stays within the organisers' limit (the conference start).
    let r =
        lead.post_form(&format!("{mc}/window"), &[("opens_at", "2030-01-01T00:00"), ("closes_at", "2031-01-01T00:00")]);
    assert_eq!(r.status, 400);
    let r =
        lead.post_form(&format!("{mc}/window"), &[("opens_at", "2030-01-01T00:00"), ("closes_at", "2030-09-01T12:00")]);
    assert_eq!(r.status, 303);
}

#[test]
fn bad_ids_and_fields_are_4xx() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    for p in [
        format!("/c/{}/cfp/not-a-uuid", s.slug),
        format!("/c/{}/cfp/00000000-0000-0000-0000-000000000000", s.slug),
        format!("/c/{}/proposals/%00", s.slug),
        format!("/c/{}/mc/xyz", s.slug),
        "/invitations/nonsense".into(),
    ] {
        let r: Page = ada.get(&p);
        assert_eq!(r.status, 404, "{p}");
    }
    let r = ada.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call),
        &[("title", "x\u{0}y"), ("abstract", "x"), ("duration", "-5"), ("action", "submit")],
    );
    assert_eq!(r.status, 422);
    let r = ada.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.mc_call),
        &[
            ("title", "MC"),
            ("abstract", "x"),
            ("expected_attendance", "99999999999"),
            ("track", "abc"),
            ("action", "submit"),
        ],
    );
    assert_eq!(r.status, 422);
}

#[test]
fn unconference_sessions_need_a_confirmed_registration_once_registration_exists() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let fields = [("title", "BoF: CI"), ("abstract", "Let us talk."), ("duration", "45"), ("action", "submit")];
    // No registration yet: any verified user may propose.
    propose(&ada, &s, &s.unconf_call, &fields);

    // Registration on a second conference with an unconference call.
    let (admin, tt) = crate::registration::conference(&app, "unc-test", "Europe/Vienna", 100);
    crate::registration::tier_now(&admin, "unc-test", &tt, "Europe/Vienna", "100");
    let mut c = app.db.conn();
    let conf = plumbline::testing::repo::conferences::by_slug(&mut c, "unc-test").unwrap().unwrap();
    let now = Utc::now();
    let call = calls::insert(
        &mut c,
        conf.id,
        None,
        &CallValues {
            kind: "unconference",
            title: "BoFs",
            description_md: "",
            opens_at: now - Duration::days(1),
            closes_at: now + Duration::days(5),
            max_per_person: 3,
            title_max: 120,
            abstract_max: 2000,
        },
    )
    .unwrap()
    .public_id;
    let url = format!("/c/unc-test/cfp/{call}/propose");
    let r = ada.post_form(&url, &fields);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("confirmed registration"));
    assert!(r.body.contains(r#"value="BoF: CI""#));
    let uid = plumbline::testing::repo::users::find_by_email(&mut c, "ada@example.org").unwrap().unwrap().id;
    let token = crate::registration::token(&app, uid);
    let (status, body) = crate::registration::api_post(
        &app,
        "/api/v1/conferences/unc-test/registrations",
        &token,
        serde_json::json!({ "ticket_type": "Regular", "badge_name": "Ada" }),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(ada.post_form(&url, &fields).status, 303);
}
