use crate::support::webdriver::Browser;
use crate::support::{link_in, TestApp, PASSWORD};
use std::time::Duration;

/// Logs `email` in through the login form (password `PASSWORD`).
pub(crate) fn log_in(b: &Browser, app: &TestApp, email: &str) {
    b.goto(&app.url("/login"));
    b.fill("#email", email);
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("header.site", "Log out", Duration::from_secs(10)));
}

/// Logs out with the header's button.
pub(crate) fn log_out(b: &Browser) {
    b.click("header form.inline button.link");
    assert!(b.wait_for_text("header.site", "Log in", Duration::from_secs(10)));
}

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
    let login = |email: &str| log_in(&b, &app, email);
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
    let logout = || log_out(&b);
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
    let login = |email: &str| log_in(&b, &app, email);
    let logout = || log_out(&b);
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
    // The grid editor on the first day; without the script, the MC is placed
    // through its own page's form.
    b.goto(&app.url(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)));
    assert!(b.wait_for_text("#unplaced", "Tracing MC", Duration::from_secs(10)), "{}", b.page_source());
    let violations = b.axe_serious();
    assert!(violations.is_empty(), "axe on the editor: {violations:#?}");
    let opened = b.execute(
        "var a = Array.prototype.find.call(document.querySelectorAll('#unplaced a'), function (a) { return a.textContent === 'Tracing MC'; });
         if (a) { a.click(); } return !!a;",
        vec![],
    );
    assert_eq!(opened, serde_json::json!(true), "{}", b.page_source());
    assert!(b.wait_for_text("h1", "Tracing MC", Duration::from_secs(10)), "{}", b.page_source());
    b.execute("document.getElementById('starts_at').value = '2030-09-18T09:00'", vec![]);
    b.fill("#minutes", "210");
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("main", "The session was placed", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#room-grid").contains("Tracing MC"));

    // With the script: drag the talk from the list onto Main Hall at 13:30.
    drag_to(&b, "#unplaced [data-item]", "Main Hall", "T13:30");
    assert!(b.wait_for_text("#room-grid", "io_uring at scale", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#room-grid").contains("13:30–14:15"), "{}", b.text("#room-grid"));
    // Move it to 15:00, then pull its lower edge down to the 16:00 row: 75 minutes.
    drag_to(&b, "#room-grid td.kind-talk [data-item]", "Main Hall", "T15:00");
    assert!(b.wait_for_text("#room-grid", "15:00–15:45", Duration::from_secs(10)), "{}", b.text("#room-grid"));
    resize_to(&b, "#room-grid td.kind-talk .resize", "T16:00");
    assert!(b.wait_for_text("#room-grid", "15:00–16:15", Duration::from_secs(10)), "{}", b.text("#room-grid"));
    // A move onto the MC is refused by the room constraint: the reason is
    // said and the talk stays where it was.
    drag_to(&b, "#room-grid td.kind-talk [data-item]", "Main Hall", "T10:00");
    assert!(b.wait_for_text("#grid-status", "already in use", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#grid-status").contains("Tracing MC"), "{}", b.text("#grid-status"));
    b.goto(&app.url(&format!("/c/{}/manage/schedule?day=2030-09-18", s.slug)));
    assert!(b.text("#room-grid").contains("15:00–16:15"));
    // Undo takes back the last change (the length).
    b.click("#undo");
    assert!(b.wait_for_text("main", "Your last move was undone", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#room-grid").contains("15:00–15:45"), "{}", b.text("#room-grid"));

    // Publishing shows what changes first.
    b.click("a[href$='/manage/schedule/publish']");
    assert!(b.wait_for_text("h1", "Publish version 1", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("main").contains("added: io_uring at scale"), "{}", b.text("main"));
    b.click("#publish");
    assert!(b.wait_for_text("main", "Version 1", Duration::from_secs(10)), "{}", b.page_source());
    let page = b.text("main");
    assert!(page.contains("Tracing MC") && page.contains("io_uring at scale"), "{page}");
    // The public grid: rooms × time, readable without the editor's script.
    b.goto(&app.url(&format!("/c/{}/schedule?view=grid&day=2030-09-18", s.slug)));
    assert!(b.text("#room-grid").contains("io_uring at scale"), "{}", b.page_source());
    let violations = b.axe_serious();
    assert!(violations.is_empty(), "axe on the public grid: {violations:#?}");
    let ics = app.client().get(&format!("/c/{}/schedule.ics", s.slug)).body;
    assert!(ics.contains("SUMMARY:Tracing MC") && ics.contains("SUMMARY:io_uring at scale"));
    let xml = app.client().get(&format!("/c/{}/schedule.xml", s.slug)).body;
    assert!(xml.contains("<title>Tracing MC</title>") && xml.contains("<start>15:00</start>"));
}

/// Drags the first element matching `from` onto the grid at `room` and the
/// row whose start ends with `row` ("T13:30"), with the events a browser
/// fires for a mouse drag (WebDriver's own actions do not start HTML5 drags).
fn drag_to(b: &Browser, from: &str, room: &str, row: &str) {
    let script = "var fromSel = arguments[0], roomName = arguments[1], rowEnd = arguments[2];
        var from = document.querySelector(fromSel);
        var room = Array.prototype.find.call(document.querySelectorAll('#room-grid thead th[data-room]'),
            function (th) { return th.textContent.trim().indexOf(roomName) === 0; });
        var tr = document.querySelector('#room-grid tbody tr[data-start$=\"' + rowEnd + '\"]');
        if (!from || !room || !tr) return 'missing: ' + !!from + ' ' + !!room + ' ' + !!tr;
        tr.scrollIntoView({ block: 'center' });
        var x = room.getBoundingClientRect().left + 5, y = tr.getBoundingClientRect().top + 2;
        var dt = new DataTransfer();
        from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));
        var target = document.elementFromPoint(x, y);
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }));
        return 'ok';";
    let r = b.execute(script, vec![serde_json::json!(from), serde_json::json!(room), serde_json::json!(row)]);
    assert_eq!(r, serde_json::json!("ok"), "drag {from} to {room} {row}");
}

/// Pulls a block's lower edge (`handle`) down to the row starting with `row`.
fn resize_to(b: &Browser, handle: &str, row: &str) {
    let script = "var h = document.querySelector(arguments[0]);
        var tr = document.querySelector('#room-grid tbody tr[data-start$=\"' + arguments[1] + '\"]');
        if (!h || !tr) return 'missing';
        var y = tr.getBoundingClientRect().top + 2;
        h.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, cancelable: true, clientY: h.getBoundingClientRect().top }));
        document.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, clientY: y }));
        return 'ok';";
    let r = b.execute(script, vec![serde_json::json!(handle), serde_json::json!(row)]);
    assert_eq!(r, serde_json::json!("ok"), "resize {handle} to {row}");
}

/// The accessibility checks can fail: axe-core finds a missing label and a
/// missing alt text on a page made to have them.
#[test]
fn axe_finds_known_violations() {
    Browser::require();
    let b = Browser::start();
    b.goto(
        "data:text/html,<!doctype html><html lang=en><title>x</title><main><img src=x.png><input id=i></main></html>",
    );
    let found = b.axe_serious();
    assert!(found.iter().any(|v| v.starts_with("image-alt")), "{found:?}");
    assert!(found.iter().any(|v| v.starts_with("label")), "{found:?}");
}

/// A speaker confirms from the link in the acceptance mail.
#[test]
fn browser_a_speaker_confirms_from_the_mail_link() {
    Browser::require();
    let app = TestApp::start();
    let s = crate::cfp::conference(&app, "org@example.org");
    let org = app.client();
    org.post_form("/login", &[("email", "org@example.org"), ("password", PASSWORD)]);
    crate::schedule::accepted(&app, &s, &org);
    let mail = app.mail("sam@example.org", "accepted");
    let link = mail.links().into_iter().find(|l| l.ends_with("/confirm")).expect("a confirmation link");
    let b = Browser::start();
    b.goto(&link);
    b.fill("#email", "sam@example.org");
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Will you present", Duration::from_secs(10)), "{}", b.page_source());
    let violations = b.axe_serious();
    assert!(violations.is_empty(), "axe on the confirmation page: {violations:#?}");
    b.click("#confirm");
    assert!(b.wait_for_text("#answer-state", "You confirmed this", Duration::from_secs(10)), "{}", b.page_source());
}

#[test]
fn browser_preferences_then_automatic_assignment_then_review_what_is_assigned() {
    Browser::require();
    let app = TestApp::start();
    let s = crate::cfp::conference(&app, "org@example.org");
    for i in 0..3 {
        let h = app.logged_in(&format!("sp{i}@example.org"), &format!("Speaker {i}"), false);
        crate::cfp::talk(&h, &s, &format!("Browser talk {i}"), "submit");
    }
    for (email, name) in [("rev@example.org", "Rev Iewer"), ("sue@example.org", "Sue Second")] {
        let id = app.user(email, name, false);
        plumbline::testing::repo::reviews::add_accepted(
            &mut app.db.conn(),
            s.conf_id,
            id,
            email,
            &plumbline::security::hash_token(email),
        )
        .unwrap();
    }
    let b = Browser::start();
    let login = |email: &str| log_in(&b, &app, email);
    let logout = || log_out(&b);

    // A reviewer says which talks they want, from the dashboard.
    login("rev@example.org");
    b.goto(&app.url(&format!("/c/{}/review", s.slug)));
    b.click("button[name=preference][value=eager]");
    assert!(b.wait_for_text("main", "Your preference was saved", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.exists("button[aria-pressed=true]"));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the dashboard: {serious:?}");
    logout();

    // The organiser previews, then saves, one review per talk.
    login("org@example.org");
    b.goto(&app.url(&format!("/c/{}/manage/assignments", s.slug)));
    b.fill("#a-k", "1");
    b.click("form[method=get] button[type=submit]");
    assert!(b.wait_for_text("main", "new assignments for 3 proposals", Duration::from_secs(10)), "{}", b.page_source());
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "axe on the preview: {serious:?}");
    b.click("form[action$='/manage/assignments/auto'] button");
    assert!(b.wait_for_text("main", "The assignments were saved", Duration::from_secs(10)), "{}", b.page_source());
    assert_eq!(app.count("SELECT count(*) AS n FROM review_assignments"), 3);
    // The other review pages organisers use pass axe too.
    for page in [
        format!("/c/{}/manage/calls/{}/review", s.slug, s.talk_call),
        format!("/c/{}/manage/assignments/reviewer?email=rev@example.org", s.slug),
        format!("/c/{}/manage/assignments", s.slug),
    ] {
        b.goto(&app.url(&page));
        assert!(b.wait_for_text("main h1", "", Duration::from_secs(10)));
        let serious = b.axe_serious();
        assert!(serious.is_empty(), "axe on {page}: {serious:?}");
    }
    logout();

    // The eager reviewer got the talk they asked for, and reviews it first.
    login("rev@example.org");
    b.goto(&app.url(&format!("/c/{}/review", s.slug)));
    assert!(b.text("main").contains("Assigned to you: 0 of"), "{}", b.text("main"));
    b.click("a.button");
    assert!(b.wait_for_text("main", "Write your review", Duration::from_secs(10)));
    b.click("input[name=score][value='1']");
    b.fill("#comment", "Assigned and reviewed");
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("main", "Your review was saved", Duration::from_secs(10)));
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM reviews r JOIN review_assignments a \
             ON a.proposal_id = r.proposal_id AND a.reviewer_id = r.reviewer_id \
             JOIN review_preferences p ON p.proposal_id = r.proposal_id AND p.user_id = r.reviewer_id AND p.preference = 50"
        ),
        1,
        "the review is of the assigned talk the reviewer was eager for"
    );
}
