use crate::support::{TestApp, PASSWORD};

#[test]
fn every_post_needs_a_valid_csrf_token() {
    let app = TestApp::start();
    let http = app.client();
    http.get("/signup");
    // No token, or a wrong one: 403, nothing stored.
    let r = http.post_raw("/signup", &[("name", "Eve"), ("email", "eve@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 403);
    let r = http.post_raw(
        "/signup",
        &[("csrf_token", "00ff"), ("name", "Eve"), ("email", "eve@example.org"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 403);
    // A token from another browser does not work either.
    let other = app.client();
    let foreign = other.csrf();
    let r = http.post_raw(
        "/signup",
        &[("csrf_token", &foreign), ("name", "Eve"), ("email", "eve@example.org"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 403);
    let mut c = app.db.conn();
    assert!(plumbline::testing::repo::users::find_by_email(&mut c, "eve@example.org").unwrap().is_none());
    assert_eq!(app.outbox_count("eve@example.org"), 0);

    // Logged in, logout without a token does not log out.
    let user = app.logged_in("ada@example.org", "Ada", false);
    assert_eq!(user.post_raw("/logout", &[]).status, 403);
    assert_eq!(user.get("/account").status, 200);
}

#[test]
fn pages_carry_security_headers_and_safe_cookies() {
    let app = TestApp::start();
    let r = app.client().get("/login");
    let csp = r.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(!r.header("referrer-policy").is_empty());
    assert!(!r.header("x-request-id").is_empty());
    let csrf = r.set_cookies().into_iter().find(|c| c.starts_with("plumbline_csrf=")).unwrap();
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"));
    // Error pages too.
    let nf = app.client().get("/no/such/page");
    assert_eq!(nf.status, 404);
    assert_eq!(nf.header("x-content-type-options"), "nosniff");
}

#[test]
fn cookies_are_secure_when_the_base_url_is_https() {
    let app = TestApp::start_with(|c| c.base_url = "https://plumbline.example".into());
    app.user("ada@example.org", "Ada", false);
    let r = app.client().post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]);
    let session = r.set_cookies().into_iter().find(|c| c.starts_with("plumbline_session=")).unwrap();
    assert!(session.contains("Secure"), "{session}");
}

#[test]
fn next_only_redirects_to_local_paths() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    for (next, expect) in
        [("/account", "/account"), ("//evil.example/x", "/"), ("https://evil.example", "/"), ("/\\evil.example", "/")]
    {
        let r =
            app.client().post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD), ("next", next)]);
        assert_eq!(r.status, 303);
        assert_eq!(r.location(), expect, "next={next}");
    }
    let form = app.client().get("/login?next=https://evil.example");
    assert!(form.body.contains(r#"name="next" value="/""#));
}

#[test]
fn bad_input_gets_4xx_never_500() {
    let app = TestApp::start();
    let http = app.client();
    let huge = "x".repeat(300 * 1024);
    let r = http.post_form("/signup", &[("name", &huge), ("email", "a@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 413);
    let long = "y".repeat(5000);
    let r = http.post_form("/signup", &[("name", &long), ("email", &long), ("password", &long)]);
    assert_eq!(r.status, 422);
    let r = http.post_form("/login", &[("email", &long), ("password", &long)]);
    assert!(r.status == 422 || r.status == 401, "{}", r.status);
    assert_eq!(http.get("/verify?token=%00%ff").status, 400);
    assert_eq!(http.get("/password/reset?token=nonsense").status, 400);
    assert_eq!(http.get("/c/%00nope").status, 404);
    // A form body that is not urlencoded at all.
    let token = http.csrf();
    let r = http
        .client
        .post(app.url("/signup"))
        .header("content-type", "application/json")
        .body(format!("{{\"csrf_token\":\"{token}\"}}"))
        .send()
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // Invalid UTF-8 in a form.
    let r = http
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={token}&email=%ff%fe&password=x"))
        .send()
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[test]
fn healthz_reflects_the_database() {
    let app = TestApp::start();
    let r = app.client().get("/healthz");
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    app.db.drop_now();
    let r = app.client().get("/healthz");
    assert_eq!(r.status, 503);
    // Pages fail cleanly too.
    let r = app.client().get("/");
    assert_eq!(r.status, 503);
    assert!(r.body.contains("briefly unavailable"));
}

#[test]
fn assets_have_hashed_names_long_caching_and_pages_compress() {
    let app = TestApp::start();
    let http = app.client();
    let page = http.get("/login");
    let css = page
        .body
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .find(|h| h.starts_with("/static/style.") && h.ends_with(".css"))
        .unwrap()
        .to_string();
    assert_ne!(css, "/static/style.css", "the name carries the content hash");
    let r = http.get(&css);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), "public, max-age=31536000, immutable");
    let etag = r.header("etag");
    let again = http.client.get(app.url(&css)).header("if-none-match", &etag).send().unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(http.get("/static/style.css").header("cache-control"), "public, max-age=3600");
    assert_eq!(http.get("/static/nope.css").status, 404);
    let gz = http.client.get(app.url("/login")).header("accept-encoding", "gzip").send().unwrap();
    assert_eq!(gz.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string()), Some("gzip".into()));
    // Assets are gzipped once, ahead of time; a tiny one goes as it is.
    let css_gz = http.client.get(app.url(&css)).header("accept-encoding", "gzip").send().unwrap();
    assert_eq!(css_gz.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string()), Some("gzip".into()));
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&css_gz.bytes().unwrap()[..]), &mut plain).unwrap();
    assert_eq!(plain, r.body, "the gzipped stylesheet is the stylesheet");
    let ping = http.client.get(app.url("/static/ping.txt")).header("accept-encoding", "gzip").send().unwrap();
    assert_ne!(ping.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    assert_eq!(ping.text().unwrap(), include_str!("../../static/ping.txt"));
}
