use crate::support::webdriver::Browser;
use crate::support::{link_in, TestApp, PASSWORD};
use std::time::Duration;

#[test]
fn browser_sign_up_verify_log_in_and_see_your_name() {
    if !Browser::available() {
        eprintln!("chromium/chromedriver not installed: skipping the browser journey (.ci/run installs them)");
        if std::env::var("CI_REQUIRE_BROWSER").is_ok() {
            panic!("CI_REQUIRE_BROWSER is set but chromium/chromedriver are missing");
        }
        return;
    }
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
    b.goto(&link_in(&mail, &format!("{}/verify?token=", app.base)));
    assert!(b.wait_for_text("main", "your email address is confirmed", Duration::from_secs(10)), "{}", b.page_source());

    b.fill("#email", "linus@example.org");
    b.fill("#password", PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("header.site", "Linus Browser", Duration::from_secs(10)), "{}", b.page_source());
    b.goto(&app.url("/account"));
    assert!(b.wait_for_text("main", "linus@example.org", Duration::from_secs(10)));
}
