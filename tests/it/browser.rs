use crate::support::webdriver::Browser;
use crate::support::{link_in, TestApp, PASSWORD};
use std::time::Duration;

#[test]
fn browser_sign_up_verify_log_in_and_see_your_name() {
    Browser::require();
    let app = TestApp::start();
    let b = Browser::start();
    b.goto(&app.url("/"));
    b.click("a[href='/signup']");
    b.fill("#name", "Linus Browser");
    b.fill("#email", "linus@example.org");
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Check your mail", Duration::from_secs(10)), "{}", b.page_source());

    let mail = app.mail("linus@example.org", "Confirm");
    // The link opens a page with a button (a mail scanner confirms nothing);
    // not logged in here, the password proves who signed up.
    b.goto(&link_in(&mail, &format!("{}/verify?token=", app.base)));
    assert!(b.wait_for_text("h1", "Confirm your address", Duration::from_secs(10)), "{}", b.page_source());
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("main", "your email address is confirmed", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.wait_for_text("header.site", "Linus Browser", Duration::from_secs(10)), "{}", b.page_source());
    b.goto(&app.url("/account"));
    assert!(b.wait_for_text("main", "linus@example.org", Duration::from_secs(10)));
}

#[test]
fn browser_propose_a_microconference_with_a_co_lead_who_accepts() {
    Browser::require();
    let app = TestApp::start();
    let s = crate::cfp::conference(&app, "org@example.org");
    app.user("lena@example.org", "Lena Lead", false);
    app.user("cole@example.org", "Cole Colead", false);
    let b = Browser::start();
    let login = |email: &str| {
        b.goto(&app.url("/login"));
        b.fill("#email", email);
        b.fill("#password", PASSWORD);
        b.click("form.stack button[type=submit]");
        assert!(b.wait_for_text("header.site", "Log out", Duration::from_secs(10)));
    };
    login("lena@example.org");
    b.goto(&app.url(&format!("/c/{}/cfp", s.slug)));
    b.click(&format!("a[href='/c/{}/cfp/{}']", s.slug, s.mc_call));
    b.click("a.button");
    b.fill("#title", "Tracing MC");
    b.fill("#abstract", "Shared **ring buffers** for all tracers.");
    b.fill("#topics", "Ring buffer: one for all\nUser events");
    b.fill("#expected_attendance", "60");
    b.fill("#people", "cole@example.org");
    b.click("button[value=submit]");
    assert!(b.wait_for_text("h1", "Tracing MC", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("submitted"));
    let proposal_url = b.current_url();

    // The co-lead follows the mailed link, accepts, and sees the proposal.
    let link = link_in(&app.mail("cole@example.org", "invites you"), &format!("{}/invitations/", app.base));
    let logout = || {
        b.click("form.inline button.link");
        assert!(b.wait_for_text("header.site", "Log in", Duration::from_secs(10)));
    };
    logout();
    login("cole@example.org");
    b.goto(&link);
    b.click("button[value=accept]");
    assert!(b.wait_for_text("h1", "Tracing MC", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("cole@example.org (accepted)"));
    b.goto(&app.url("/proposals"));
    assert!(b.wait_for_text("main", "Tracing MC", Duration::from_secs(5)));

    // And the submitter sees the co-lead's acceptance.
    logout();
    login("lena@example.org");
    b.goto(&proposal_url);
    assert!(b.wait_for_text("main", "cole@example.org (accepted)", Duration::from_secs(5)));
}

#[test]
fn browser_review_two_proposals_accept_release_and_the_proposer_sees_it() {
    Browser::require();
    let app = TestApp::start();
    let s = crate::cfp::conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let first = crate::cfp::talk(&ada, &s, "First talk", "submit");
    crate::cfp::talk(&ada, &s, "Second talk", "submit");
    let rid = app.user("rev@example.org", "Rev Iewer", false);
    plumbline::testing::repo::reviews::add_accepted(
        &mut app.db.conn(),
        s.conf_id,
        rid,
        "rev@example.org",
        b"rev-token-hash-rev-token-hash-32",
    )
    .unwrap();

    let b = Browser::start();
    let login = |email: &str| {
        b.goto(&app.url("/login"));
        b.fill("#email", email);
        b.fill("#password", PASSWORD);
        b.click("form.stack button[type=submit]");
        assert!(b.wait_for_text("header.site", "Log out", Duration::from_secs(10)));
    };
    let logout = || {
        b.click("form.inline button.link");
        assert!(b.wait_for_text("header.site", "Log in", Duration::from_secs(10)));
    };
    login("rev@example.org");
    for score in ["2", "-1"] {
        b.goto(&app.url(&format!("/c/{}/review", s.slug)));
        b.click("a.button");
        assert!(b.wait_for_text("main", "Write your review", Duration::from_secs(10)), "{}", b.page_source());
        b.click(&format!("input[name=score][value='{score}']"));
        b.fill("#comment", "Reviewed in the browser");
        b.click("form.stack button[type=submit]");
        assert!(b.wait_for_text("main", "Your review was saved", Duration::from_secs(10)));
    }
    b.goto(&app.url(&format!("/c/{}/review", s.slug)));
    assert!(b.text("main").contains("2 of 2"));
    logout();

    login("org@example.org");
    b.goto(&app.url(&format!("/c/{}/manage/decisions", s.slug)));
    b.click(&format!("input[value='{}']", first.rsplit('/').next().unwrap()));
    b.select_by_value("#bulk-state", "accepted");
    b.click("form .inline-form button[type=submit]");
    assert!(b.wait_for_text("main", "The decision was saved", Duration::from_secs(10)));
    b.click("form[action$='/manage/release'] button");
    assert!(b.wait_for_text("main", "released", Duration::from_secs(10)));
    logout();

    login("ada@example.org");
    b.goto(&app.url(&first));
    assert!(b.wait_for_text("main", "Decision: accepted", Duration::from_secs(10)), "{}", b.page_source());
    app.mail("ada@example.org", "First talk");
}

#[test]
fn browser_place_an_mc_and_a_talk_publish_and_see_them_in_the_feeds() {
    Browser::require();
    let app = TestApp::start();
    let s = crate::cfp::conference(&app, "org@example.org");
    let org_http = app.client();
    org_http.post_form("/login", &[("email", "org@example.org"), ("password", PASSWORD)]);
    crate::schedule::rooms(&app, &s);
    crate::schedule::accepted(&app, &s, &org_http);

    let b = Browser::start();
    b.goto(&app.url("/login"));
    b.fill("#email", "org@example.org");
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("header.site", "Log out", Duration::from_secs(10)));
    b.goto(&app.url(&format!("/c/{}/manage/schedule", s.slug)));
    // Place the MC and the talk in the first two item forms.
    for (n, (start, minutes)) in [("2030-09-18T09:00", "210"), ("2030-09-18T13:30", "45")].iter().enumerate() {
        let sel = format!("ul.items li:nth-child({}) ", n + 1);
        b.execute(&format!("document.querySelector('{sel}input[name=starts_at]').value = '{start}'"), vec![]);
        b.fill(&format!("{sel}input[name=minutes]"), minutes);
        b.click(&format!("{sel}form.inline-form button[type=submit]"));
        assert!(b.wait_for_text("main", "The session was placed", Duration::from_secs(10)), "{}", b.page_source());
    }
    b.click("form[action$='/manage/schedule/publish'] button");
    assert!(b.wait_for_text("main", "Version 1", Duration::from_secs(10)), "{}", b.page_source());
    let page = b.text("main");
    assert!(page.contains("Tracing MC") && page.contains("io_uring at scale"), "{page}");
    let ics = app.client().get(&format!("/c/{}/schedule.ics", s.slug)).body;
    assert!(ics.contains("SUMMARY:Tracing MC") && ics.contains("SUMMARY:io_uring at scale"));
    let xml = app.client().get(&format!("/c/{}/schedule.xml", s.slug)).body;
    assert!(xml.contains("<title>Tracing MC</title>") && xml.contains("<start>13:30</start>"));
}
