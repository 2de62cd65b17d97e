//! The microconference ideas board (replacing the LPC wiki's page): ideas
//! posted, supported and volunteered for, through the API and the page;
//! organisers merge duplicates and hide abuse; a volunteer turns an idea into
//! a draft MC proposal with the other volunteers invited as co-leads, each once.

use crate::cfp::{conference, Setup};
use crate::support::{api_token, Http, Page, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

const SLUG: &str = "lpc-test";

fn api(rest: &str) -> String {
    format!("/api/v1/conferences/{SLUG}/mc-ideas{rest}")
}

fn board(rest: &str) -> String {
    format!("/c/{SLUG}/mc-ideas{rest}")
}

/// A verified person with an API token.
fn person(app: &TestApp, email: &str, name: &str) -> String {
    api_token(&mut app.db.conn(), app.user(email, name, false))
}

fn post_idea(h: &Http, token: &str, body: Value) -> (u16, Value) {
    let p = h.post_json_with_bearer(&api(""), &body, token);
    let v = if p.body.is_empty() { Value::Null } else { p.json() };
    (p.status, v)
}

fn idea(h: &Http, token: &str, title: &str, lead: bool) -> String {
    let (s, v) = post_idea(h, token, json!({"title": title, "description": "What we would discuss.", "lead": lead}));
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn support(h: &Http, token: &str, id: &str, body: Value) -> Page {
    h.post_json_with_bearer(&api(&format!("/{id}/support")), &body, token)
}

/// The board as the API lists it to `token` (anonymous without).
fn list(h: &Http, token: Option<&str>) -> Vec<Value> {
    let p = match token {
        Some(t) => h.get_with_bearer(&api(""), t),
        None => h.get(&api("")),
    };
    assert_eq!(p.status, 200, "{}", p.body);
    p.json()["ideas"].as_array().unwrap().clone()
}

fn find(ideas: &[Value], id: &str) -> Value {
    ideas.iter().find(|i| i["id"] == id).cloned().unwrap_or(Value::Null)
}

fn close_the_mc_call(app: &TestApp, s: &Setup) {
    app.count(&format!(
        "WITH c AS (UPDATE calls SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 hour' \
         WHERE public_id = '{}' RETURNING 1) SELECT count(*) AS n FROM c",
        s.mc_call
    ));
}

#[test]
fn ideas_through_the_api_are_checked_limited_and_sorted_by_support() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let h = app.client();
    let ada = person(&app, "ada@example.org", "Ada");
    let bob = person(&app, "bob@example.org", "Bob");

    // Bad input: every problem at once; a body that is not the right shape too.
    let topics: Vec<String> = (0..31).map(|n| format!("Topic {n}")).collect();
    let (st, v) = post_idea(&h, &ada, json!({"title": "x", "description": " ", "topics": topics}));
    assert_eq!(st, 422);
    let why = v["error"].as_str().unwrap();
    assert!(why.contains("title") && why.contains("description") && why.contains("at most 30 topics"), "{why}");
    assert_eq!(post_idea(&h, &ada, json!({"title": "Tracing", "topics": "one"})).0, 422);
    assert_eq!(app.count("SELECT count(*) AS n FROM mc_ideas"), 0);

    let (st, v) = post_idea(
        &h,
        &ada,
        json!({"title": "Rust for Linux", "description": "Where the bindings stand.", "topics": ["Allocators", " ", "- Pinning"],
               "lead": true, "note": "Ran it in 2025"}),
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["topics"], json!(["Allocators", "Pinning"]));
    assert_eq!(
        (v["supporters"].clone(), v["state"].clone(), v["proposal"].clone()),
        (json!(1), json!("open"), Value::Null)
    );
    assert_eq!(v["me"], json!({"leads": true, "supports": true}));
    assert_eq!(v["volunteers"], json!([{"name": "Ada", "note": "Ran it in 2025"}]));
    let rust = v["id"].as_str().unwrap().to_string();
    let sched = idea(&h, &bob, "Scheduler", false);

    // Support and volunteering; saying it twice counts once; the list follows the support.
    assert_eq!(support(&h, &bob, &rust, json!({})).status, 204);
    assert_eq!(support(&h, &bob, &rust, json!({"lead": true, "note": "Happy to help"})).status, 204);
    assert_eq!(support(&h, &bob, &rust, json!({})).status, 204, "no lead given keeps the offer to lead");
    assert_eq!(support(&h, &bob, &rust, json!({"lead": true, "note": "x".repeat(501)})).status, 422);
    assert_eq!(support(&h, &bob, &rust, json!({"lead": "maybe"})).status, 422);
    assert_eq!(support(&h, &bob, "00000000-0000-0000-0000-000000000000", json!({})).status, 404);
    assert_eq!(support(&h, &bob, "nope", json!({})).status, 404);
    let ideas = list(&h, Some(&bob));
    assert_eq!(ideas[0]["id"], json!(rust), "most supported first");
    assert_eq!(ideas[0]["supporters"], 2);
    assert_eq!(ideas[0]["me"], json!({"leads": true, "supports": true}));
    assert_eq!(ideas[0]["volunteers"].as_array().unwrap().len(), 2);
    assert_eq!(ideas[1]["id"], json!(sched));
    // Anyone may read; nobody's own support shows for a visitor.
    let anon = list(&h, None);
    assert_eq!(find(&anon, &rust)["me"], json!({"leads": false, "supports": false}));
    assert_eq!(h.get_with_bearer(&api(""), "not-a-token").status, 401);

    // Withdrawing: first from leading (still supporting), then the support.
    assert_eq!(support(&h, &bob, &rust, json!({"lead": false})).status, 204);
    let v = find(&list(&h, Some(&bob)), &rust);
    assert_eq!((v["supporters"].clone(), v["me"].clone()), (json!(2), json!({"leads": false, "supports": true})));
    assert_eq!(h.delete_with_bearer(&api(&format!("/{rust}/support")), &bob).status, 204);
    assert_eq!(find(&list(&h, Some(&bob)), &rust)["supporters"], 1);

    // A read-only token is refused (403); so is an account whose address is
    // not confirmed: its tokens are not live at all (401), and its session gets 403.
    let cy_id = app.user("cy@example.org", "Cy", false);
    let read_only = plumbline::services::accounts::issue_api_token(
        &mut plumbline::services::Db::new(&mut app.db.conn()),
        &plumbline::testing::repo::users::find(&mut app.db.conn(), cy_id).unwrap(),
        &plumbline::services::accounts::TokenRequest {
            name: "read".into(),
            scope: plumbline::domain::account::ApiScope::Read,
            lifetime: None,
        },
    )
    .unwrap();
    let (st, v) = post_idea(&h, &read_only, json!({"title": "Spam", "description": "Spam"}));
    assert_eq!(st, 403, "{v}");
    assert!(!list(&h, Some(&read_only)).is_empty(), "it reads");
    let cy = api_token(&mut app.db.conn(), cy_id);
    let cy_http = crate::review_login(&app, "cy@example.org");
    app.count(&format!(
        "WITH u AS (UPDATE users SET email_verified_at = NULL WHERE id = {cy_id} RETURNING 1) SELECT count(*) AS n FROM u"
    ));
    assert_eq!(post_idea(&h, &cy, json!({"title": "Spam", "description": "Spam"})).0, 401);
    let r = cy_http.post_form(&board(""), &[("title", "Spam"), ("description", "Spam")]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(cy_http.post_form(&board(&format!("/{rust}/support")), &[]).status, 403);
    assert_eq!(app.count("SELECT count(*) AS n FROM mc_ideas WHERE title = 'Spam'"), 0);

    // Five ideas a person a day; the sixth is refused and says why.
    for n in 2..=5 {
        idea(&h, &ada, &format!("Idea number {n}"), false);
    }
    let (st, v) = post_idea(&h, &ada, json!({"title": "One too many", "description": "x"}));
    assert_eq!(st, 429);
    assert!(v["error"].as_str().unwrap().contains("5 ideas within a day"), "{v}");
    assert_eq!(app.count("SELECT count(*) AS n FROM mc_ideas"), 6);

    // Once the call for microconferences has closed, the board is read-only.
    close_the_mc_call(&app, &s);
    let (st, v) = post_idea(&h, &bob, json!({"title": "Too late", "description": "x"}));
    assert_eq!(st, 409);
    assert!(v["error"].as_str().unwrap().contains("read-only"), "{v}");
    assert_eq!(support(&h, &bob, &rust, json!({})).status, 409);
    assert_eq!(list(&h, None).len(), 6);
    let page = h.get(&board(""));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("the board is read-only now"), "{}", page.body);
    assert!(!page.body.contains("name=\"title\""), "no form to post on a closed board");
}

#[test]
fn merging_carries_people_over_once_and_proposing_invites_the_other_volunteers_once() {
    let app = TestApp::start();
    conference(&app, "org@example.org");
    let h = app.client();
    let ada = person(&app, "ada@example.org", "Ada Lovelace");
    let bob = person(&app, "bob@example.org", "Bob Builder");
    let cy = person(&app, "cy@example.org", "Cy Young");
    let dan = person(&app, "dan@example.org", "Dan Supporter");
    let org_id =
        plumbline::testing::repo::users::find_by_email(&mut app.db.conn(), "org@example.org").unwrap().unwrap().id;
    let org_token = api_token(&mut app.db.conn(), org_id);
    let org = crate::review_login(&app, "org@example.org");

    let (st, v) = post_idea(
        &h,
        &ada,
        json!({"title": "Tracing", "description": "Ring buffers and more.", "topics": ["BPF and ftrace: sharing the ring buffer", "User events"], "lead": true}),
    );
    assert_eq!(st, 201, "{v}");
    let a = v["id"].as_str().unwrap().to_string();
    assert_eq!(support(&h, &bob, &a, json!({"lead": true, "note": "Bob on A"})).status, 204);
    assert_eq!(support(&h, &dan, &a, json!({})).status, 204);
    // A duplicate: Cy would lead it, Bob would too (another note), Dan supports both.
    let b = idea(&h, &cy, "Tracing and BPF", true);
    assert_eq!(support(&h, &bob, &b, json!({"lead": true, "note": "Bob on B"})).status, 204);
    assert_eq!(support(&h, &dan, &b, json!({})).status, 204);
    let r = crate::review_login(&app, "cy@example.org")
        .post_form(&board(&format!("/{b}/comments")), &[("comment", "Same as Tracing?")]);
    assert_eq!(r.status, 303, "{}", r.body);

    // Only organisers merge; a wrong choice comes back on the merge form.
    let bob_http = crate::review_login(&app, "bob@example.org");
    assert_eq!(bob_http.post_form(&board(&format!("/{b}/merge")), &[("into", &a)]).status, 403);
    let r = org.post_form(&board(&format!("/{b}/merge")), &[("into", "")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("choose the idea to merge it into"), "{}", r.body);
    assert_eq!(org.post_form(&board(&format!("/{b}/merge")), &[("into", &b)]).status, 422);
    let r = org.post_form(&board(&format!("/{b}/merge")), &[("into", &a)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(org.post_form(&board(&format!("/{b}/merge")), &[("into", &a)]).status, 409, "merged already");

    let ideas = list(&h, Some(&dan));
    let (va, vb) = (find(&ideas, &a), find(&ideas, &b));
    assert_eq!(va["supporters"], 4, "Ada, Bob, Dan and Cy, each once: {va}");
    assert_eq!(
        va["volunteers"],
        json!([{"name": "Ada Lovelace", "note": ""}, {"name": "Bob Builder", "note": "Bob on A"}, {"name": "Cy Young", "note": ""}]),
        "Bob keeps the note he left on A"
    );
    assert_eq!(va["me"], json!({"leads": false, "supports": true}));
    assert_eq!((vb["state"].clone(), vb["merged_into"].clone()), (json!("merged"), json!(a)));
    assert_eq!((vb["supporters"].clone(), vb["comments"].clone()), (json!(0), json!(1)));
    assert_eq!(app.count("SELECT count(*) AS n FROM mc_idea_supporters"), 4);
    let page = h.get(&board(""));
    assert!(page.body.contains(&format!("Merged into <a href=\"#idea-{a}\">Tracing</a>")), "{}", page.body);
    assert!(page.body.contains("Same as Tracing?"), "the duplicate's comments stay readable");
    assert_eq!(support(&h, &dan, &b, json!({})).status, 409, "support goes to the idea it was merged into");

    // Turning it into a proposal: a volunteer or an organiser; not Dan.
    let propose = |token: &str, id: &str| h.post_json_with_bearer(&api(&format!("/{id}/propose")), &json!({}), token);
    assert_eq!(propose(&dan, &a).status, 403);
    let p = propose(&ada, &a);
    assert_eq!(p.status, 201, "{}", p.body);
    let proposal = p.json()["proposal"].as_str().unwrap().to_string();
    assert_eq!(propose(&ada, &a).status, 409, "proposed once");
    assert_eq!(propose(&org_token, &a).status, 409);
    assert_eq!(propose(&org_token, &b).status, 409, "a merged idea is not proposed");

    let stored = plumbline::testing::repo::proposals::by_public_id(&mut app.db.conn(), proposal.parse().unwrap())
        .unwrap()
        .expect("the proposal");
    assert_eq!((stored.title.as_str(), stored.abstract_md.as_str()), ("Tracing", "Ring buffers and more."));
    assert_eq!(stored.state, "draft");
    assert!(stored.key_people.contains("Bob Builder") && stored.key_people.contains("Cy Young"));
    let mut c = app.db.conn();
    assert_eq!(
        plumbline::testing::repo::proposals::topics(&mut c, stored.id).unwrap(),
        vec![("BPF and ftrace".into(), "sharing the ring buffer".into()), ("User events".into(), String::new())]
    );
    let mut invited: Vec<String> =
        plumbline::testing::repo::proposals::people(&mut c, stored.id).unwrap().into_iter().map(|p| p.email).collect();
    invited.sort();
    assert_eq!(invited, vec!["bob@example.org", "cy@example.org"], "the other volunteers, once each; not Ada nor Dan");
    assert_eq!(
        stored.submitter_id,
        plumbline::testing::repo::users::find_by_email(&mut c, "ada@example.org").unwrap().unwrap().id
    );
    // One invitation each, in the outbox and through SMTP; nothing for the others.
    for who in ["bob@example.org", "cy@example.org"] {
        assert_eq!(app.outbox_count(who), 1, "{who}");
        let mail = app.mail(who, "invites you to a proposal");
        assert!(mail.text_body().contains("co-lead"), "{}", mail.text_body());
    }
    assert_eq!((app.outbox_count("ada@example.org"), app.outbox_count("dan@example.org")), (0, 0));
    std::thread::sleep(Duration::from_millis(500));
    let invitations = app.smtp.messages().iter().filter(|m| m.subject().contains("invites you")).count();
    assert_eq!(invitations, 2, "nobody is mailed twice");

    // The idea says "proposed" and links its people to the draft; the public sees no link.
    let v = find(&list(&h, None), &a);
    assert_eq!((v["state"].clone(), v["proposal"].clone()), (json!("proposed"), json!(proposal)));
    let draft_link = format!("/c/{SLUG}/proposals/{proposal}");
    let ada_http = crate::review_login(&app, "ada@example.org");
    assert!(ada_http.get(&board("")).body.contains(&draft_link));
    assert!(org.get(&board("")).body.contains(&draft_link));
    let public = h.get(&board(""));
    assert!(public.body.contains("Proposed as a microconference") && !public.body.contains(&draft_link));

    // Submitted, accepted, released and published: the idea links everyone to the MC's page.
    assert_eq!(ada_http.post_form(&format!("{draft_link}/submit"), &[]).status, 303);
    assert_eq!(org.post_form(&format!("{draft_link}/decision"), &[("state", "accepted")]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{SLUG}/manage/release"), &[]).status, 303);
    assert!(!h.get(&board("")).body.contains(&format!("/c/{SLUG}/mc/")), "not before the programme is out");
    assert_eq!(org.post_form(&format!("/c/{SLUG}/manage/programme"), &[("published", "1")]).status, 303);
    let public = h.get(&board("")).body;
    let mc = regex::Regex::new(&format!("href=\"(/c/{SLUG}/mc/[0-9a-f-]{{36}})\"")).unwrap();
    let mc_page = mc.captures(&public).unwrap_or_else(|| panic!("a link to the MC: {public}"))[1].to_string();
    assert_eq!(h.get(&mc_page).status, 200);
}

#[test]
fn organisers_hide_ideas_and_comments_and_the_page_keeps_what_was_typed() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let h = app.client();
    let ada_token = person(&app, "ada@example.org", "Ada");
    let bob_token = person(&app, "bob@example.org", "Bob");
    let org_id =
        plumbline::testing::repo::users::find_by_email(&mut app.db.conn(), "org@example.org").unwrap().unwrap().id;
    let org_token = api_token(&mut app.db.conn(), org_id);
    let (ada, bob, org) = (
        crate::review_login(&app, "ada@example.org"),
        crate::review_login(&app, "bob@example.org"),
        crate::review_login(&app, "org@example.org"),
    );

    // The page's form: bad input comes back with what was typed (422).
    let r = ada
        .post_form(&board(""), &[("title", "Tracing BoF"), ("description", ""), ("topics", "Ring buffers\nUprobes")]);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("value=\"Tracing BoF\"") && r.body.contains("Ring buffers\nUprobes</textarea>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"description-error\""));
    let r = ada.post_form(
        &board(""),
        &[("title", "Tracing"), ("description", "Ring buffers"), ("topics", "Uprobes"), ("lead", "on"), ("note", "Me")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = list(&h, None)[0]["id"].as_str().unwrap().to_string();
    assert!(r.location().ends_with(&format!("#idea-{id}")));
    let page = ada.get(&board("")).body;
    assert!(page.contains("Your idea is on the board") && page.contains("and would lead it"), "{page}");

    // Comments: an empty one comes back; a real one shows.
    let r = bob.post_form(&board(&format!("/{id}/comments")), &[("comment", "  ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&format!("id=\"comment-text-{id}-error\"")), "{}", r.body);
    let r = bob.post_form(&board(&format!("/{id}/comments")), &[("comment", "Spam spam spam")]);
    assert_eq!(r.status, 303);
    assert!(h.get(&board("")).body.contains("Spam spam spam"));
    // A note too long comes back on the idea's volunteer form, as typed.
    let long = "n".repeat(501);
    let r = bob.post_form(&board(&format!("/{id}/support")), &[("lead", "on"), ("note", &long)]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&format!("{long}</textarea>")) && r.body.contains(&format!("id=\"note-{id}-error\"")));

    // Hiding a comment: gone for everyone but the organisers, who may show it again.
    let comment =
        regex::Regex::new(r#"id="comment-([0-9a-f-]{36})""#).unwrap().captures(&org.get(&board("")).body).unwrap()[1]
            .to_string();
    let hide_comment = board(&format!("/{id}/comments/{comment}/hide"));
    assert_eq!(bob.post_form(&hide_comment, &[]).status, 403);
    assert_eq!(org.post_form(&hide_comment, &[]).status, 303);
    assert!(!h.get(&board("")).body.contains("Spam spam spam"));
    assert_eq!(find(&list(&h, Some(&bob_token)), &id)["comments"], 0);
    assert_eq!(find(&list(&h, Some(&org_token)), &id)["comments"], 1);
    let seen = org.get(&board("")).body;
    assert!(seen.contains("Spam spam spam") && seen.contains("Show again"), "{seen}");
    assert_eq!(org.post_form(&board(&format!("/{id}/comments/{comment}/unhide")), &[]).status, 303);
    assert!(h.get(&board("")).body.contains("Spam spam spam"));

    // Hiding the idea: gone for everyone else, its actions 404; organisers see it marked.
    assert_eq!(bob.post_form(&board(&format!("/{id}/hide")), &[]).status, 403);
    assert_eq!(org.post_form(&board(&format!("/{id}/hide")), &[]).status, 303);
    assert!(!h.get(&board("")).body.contains("Ring buffers"));
    assert!(list(&h, Some(&ada_token)).is_empty(), "hidden from its own author too");
    assert_eq!(support(&h, &bob_token, &id, json!({})).status, 404);
    assert_eq!(bob.post_form(&board(&format!("/{id}/comments")), &[("comment", "hello?")]).status, 404);
    let mine = list(&h, Some(&org_token));
    assert_eq!(mine[0]["hidden"], true);
    assert!(org.get(&board("")).body.contains("Show the idea again"));
    assert_eq!(org.post_form(&board(&format!("/{id}/unhide")), &[]).status, 303);
    assert_eq!(list(&h, None).len(), 1);

    // 30 comments a person a day; the 31st comes back with what was typed (429).
    for n in 2..=30 {
        assert_eq!(bob.post_form(&board(&format!("/{id}/comments")), &[("comment", &format!("c{n}"))]).status, 303);
    }
    let r = bob.post_form(&board(&format!("/{id}/comments")), &[("comment", "one more thing")]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("30 comments within a day") && r.body.contains("one more thing</textarea>"), "{}", r.body);

    // An unconfirmed account reads, and is told to confirm before writing.
    let una = app.client();
    una.post_form("/signup", &[("name", "Una"), ("email", "una@example.org"), ("password", crate::support::PASSWORD)]);
    una.post_form("/login", &[("email", "una@example.org"), ("password", crate::support::PASSWORD)]);
    assert!(una.get(&board("")).body.contains("Confirm your email address"));
    assert_eq!(una.post_form(&board(""), &[("title", "Una's"), ("description", "x")]).status, 403);

    // A closed board keeps a refused form's text (409).
    close_the_mc_call(&app, &s);
    let r = ada.post_form(&board(""), &[("title", "Late idea"), ("description", "kept")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("value=\"Late idea\"") && r.body.contains("read-only"), "{}", r.body);
}

#[test]
fn browser_on_a_phone_post_support_volunteer_and_propose() {
    use crate::support::webdriver::Browser;
    Browser::require();
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    app.user("ada@example.org", "Ada Lovelace", false);
    app.user("bob@example.org", "Bob Builder", false);
    let b = Browser::start();
    b.cmd("POST", "window/rect", json!({"width": 390, "height": 844}));
    let log_in = |email: &str| crate::browser::log_in(&b, &app, email);
    let log_out = || crate::browser::log_out(&b);

    // Ada posts an idea she would lead, from the link on the call for proposals.
    log_in("ada@example.org");
    b.goto(&app.url(&format!("/c/{}/cfp", s.slug)));
    b.click("a[href$='/mc-ideas']");
    assert!(b.wait_for_text("h1", "Microconference ideas", Duration::from_secs(10)));
    b.fill("#title", "Confidential computing");
    b.fill("#description", "TDX, SEV-SNP and the kernel.");
    b.fill("#topics", "Attestation\nGuest memory");
    b.click("#lead");
    b.fill("#note", "I ran it last year");
    b.click("section[aria-labelledby=post-h] button[type=submit]");
    assert!(b.wait_for_text("main", "Your idea is on the board", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("and would lead it"));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the board: {serious:?}");
    let width: i64 = b.execute("return document.documentElement.scrollWidth", vec![]).as_i64().unwrap_or(0);
    assert!(width <= 390, "no sideways scrolling on a phone: {width}px");
    log_out();

    // Bob supports it and volunteers with a note.
    log_in("bob@example.org");
    b.goto(&app.url(&board("")));
    b.click(".idea-actions form[action$='/support'] button");
    assert!(b.wait_for_text("main", "You support this idea", Duration::from_secs(10)), "{}", b.page_source());
    b.click("details.volunteer summary");
    b.fill("details.volunteer textarea", "I maintain the attestation code");
    b.click("details.volunteer button[type=submit]");
    assert!(
        b.wait_for_text("main", "You volunteered to lead this idea", Duration::from_secs(10)),
        "{}",
        b.page_source()
    );
    assert!(b.text("main").contains("I maintain the attestation code"));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the board with a volunteer: {serious:?}");
    log_out();

    // Ada turns it into a proposal: Bob is invited as a co-lead.
    log_in("ada@example.org");
    b.goto(&app.url(&board("")));
    b.click("form[action$='/propose'] button");
    assert!(
        b.wait_for_text("main", "This draft proposal was made from the idea", Duration::from_secs(10)),
        "{}",
        b.page_source()
    );
    assert!(b.text("main").contains("Confidential computing"));
    let mail = app.mail("bob@example.org", "invites you to a proposal");
    assert!(mail.text_body().contains("co-lead"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM proposal_people WHERE email = 'bob@example.org' AND status = 'invited'"),
        1
    );
    b.goto(&app.url(&board("")));
    assert!(b.wait_for_text("main", "Proposed as a microconference", Duration::from_secs(10)));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the proposed idea: {serious:?}");
}

#[test]
fn the_demo_board_has_volunteers_and_a_merged_duplicate_once() {
    let app = TestApp::start();
    for _ in 0..2 {
        plumbline::testing::seed::demo::load(&mut plumbline::services::Db::new(&mut app.db.conn())).unwrap();
    }
    let ideas = app.client().get("/api/v1/conferences/lpc-demo/mc-ideas").json()["ideas"].as_array().unwrap().clone();
    assert_eq!(ideas.len(), 3, "loaded once: {ideas:?}");
    assert_eq!(ideas[0]["title"], "Confidential computing");
    assert_eq!(ideas[0]["volunteers"].as_array().unwrap().len(), 2);
    assert_eq!(ideas[2]["state"], "merged");
    assert_eq!(ideas[1]["supporters"], 2, "the duplicate's supporter counted once");
    let page = app.client().get("/c/lpc-demo/mc-ideas");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Merged into"));
}
