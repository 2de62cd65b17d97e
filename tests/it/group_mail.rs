//! Mail to chosen groups (issue 19): the composer's groups, preview, test,
//! sending through the outbox exactly to the group, once, with a delivery log.

use crate::registration::{conference, ticket_type_ids, tier_now};
use crate::support::webdriver::Browser;
use crate::support::{Http, TestApp, PASSWORD};
use regex::Regex;
use std::time::Duration;

const TZ: &str = "Europe/Vienna";

/// "reg" with a $300 tier; Una has not paid, Pia has (marked on the desk).
fn setup(app: &TestApp) -> Http {
    let (admin, tt) = conference(app, "reg", TZ, 10);
    tier_now(&admin, "reg", &tt, TZ, "300");
    for (email, name) in [("una@example.org", "Una Unpaid"), ("pia@example.org", "Pia Paid")] {
        let h = app.logged_in(email, name, false);
        let tt = ticket_type_ids(&admin, "reg")[0].clone();
        assert_eq!(h.post_form("/c/reg/register", &[("ticket_type", &tt), ("badge_name", name)]).status, 303);
    }
    let desk = admin.get("/c/reg/manage/registration/attendees").body;
    let row = desk.split("<tr>").find(|r| r.contains("pia@example.org")).unwrap();
    let id = &Regex::new(r"/attendees/([0-9a-f-]{36})/").unwrap().captures(row).unwrap()[1];
    let r = admin.post_form(&format!("/c/reg/manage/registration/attendees/{id}/paid"), &[("reference", "BANK-1")]);
    assert_eq!(r.status, 303, "{}", r.body);
    admin
}

fn form_key(page: &str) -> String {
    Regex::new(r#"name="form_key" value="([0-9a-f-]{36})""#).unwrap().captures(page).unwrap()[1].to_string()
}

#[test]
fn a_group_mail_reaches_exactly_its_group_once() {
    let app = TestApp::start();
    let admin = setup(&app);
    let page = admin.get("/c/reg/manage/mail");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registered but not paid <span class=\"muted\">(1)</span>"), "{}", page.body);
    assert!(page.body.contains("Confirmed attendees <span class=\"muted\">(2)</span>"));
    let key = form_key(&page.body);
    let body = "Dear {name},\nyour registration is {registration_status}. Please pay: {registration_link}";
    let fields = |action: &'static str, subject: &'static str| {
        vec![
            ("action", action),
            ("audience", "unpaid"),
            ("subject", subject),
            ("body", body),
            ("form_key", key.as_str()),
        ]
    };

    // Bad input comes back with what was typed.
    let r = admin.post_form("/c/reg/manage/mail", &fields("send", ""));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Please pay: {registration_link}") && r.body.contains("subject"), "{}", r.body);
    let r = admin.post_form(
        "/c/reg/manage/mail",
        &[("action", "send"), ("audience", "everyone"), ("subject", "x"), ("body", "y"), ("form_key", &key)],
    );
    assert_eq!(r.status, 422);

    // The preview shows the message as the first of the group gets it.
    let r = admin.post_form("/c/reg/manage/mail", &fields("preview", "Please pay, {name}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("As Una Unpaid &lt;una@example.org&gt; gets it (1 people in all)"), "{}", r.body);
    assert!(r.body.contains("Dear Una Unpaid,\nyour registration is confirmed."), "{}", r.body);

    // A test goes to the organiser only.
    assert_eq!(admin.post_form("/c/reg/manage/mail", &fields("test", "Please pay, {name}")).status, 200);
    let test = app.mail("admin@example.org", "[Test] Please pay, Una Unpaid");
    assert!(test.text_body().contains(&format!("{}/c/reg/registration", app.base)));

    // Sent: exactly the unpaid registrant, once, even if the form is sent again.
    let r = admin.post_form("/c/reg/manage/mail", &fields("send", "Please pay, {name}"));
    assert_eq!(r.status, 303, "{}", r.body);
    let log = r.location();
    let again = admin.post_form("/c/reg/manage/mail", &fields("send", "Please pay, {name}"));
    assert_eq!(again.location(), log, "the same form is the same mailing");
    let got = app.mail("una@example.org", "Please pay, Una Unpaid");
    assert!(got.text_body().contains("your registration is confirmed"));
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        app.smtp.messages_to("una@example.org").iter().filter(|m| m.subject().contains("Please pay")).count(),
        1
    );
    assert!(app.smtp.messages_to("pia@example.org").iter().all(|m| !m.subject().contains("Please pay")));
    let page = admin.get(&log).body;
    assert!(page.contains("una@example.org") && !page.contains("pia@example.org"), "{page}");
    assert!(page.contains("<strong>1</strong> sent"), "{page}");
    assert!(admin
        .get("/c/reg/manage/mail")
        .body
        .contains("Please pay, {name}</a> — Registered but not paid, 1 messages"));

    // Only organisers.
    let una = app.logged_in("una@example.org", "Una Unpaid", false);
    assert_eq!(una.get("/c/reg/manage/mail").status, 403);
    assert_eq!(una.post_form("/c/reg/manage/mail", &fields("send", "x")).status, 403);
    assert_eq!(una.get(&log).status, 403);
}

#[test]
fn browser_compose_preview_and_send_to_the_unpaid() {
    Browser::require();
    let app = TestApp::start();
    setup(&app);
    let b = Browser::start();
    b.goto(&app.url("/login?next=/c/reg/manage/mail"));
    b.fill("#email", "admin@example.org");
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Mail to a group", Duration::from_secs(10)), "{}", b.page_source());
    b.click("#audience-unpaid");
    b.fill("#subject", "Reminder for {name}");
    b.fill("#body", "Hello {name}, please pay.");
    b.click("button[value=preview]");
    assert!(
        b.wait_for_text("#preview-text", "Hello Una Unpaid, please pay.", Duration::from_secs(10)),
        "{}",
        b.page_source()
    );
    let violations = b.axe_serious();
    assert!(violations.is_empty(), "axe on the composer: {violations:#?}");
    b.click("#send");
    assert!(b.wait_for_text("main", "The mail is queued", Duration::from_secs(10)), "{}", b.page_source());
    app.mail("una@example.org", "Reminder for Una Unpaid");
}
