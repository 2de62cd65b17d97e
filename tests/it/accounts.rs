use crate::support::{link_in, TestApp, PASSWORD};

#[test]
fn sign_up_verify_by_mail_log_in_and_out() {
    let app = TestApp::start();
    let http = app.client();
    let r =
        http.post_form("/signup", &[("name", "Grace Hopper"), ("email", "Grace@Example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("grace@example.org"));

    // The verification mail arrives over real SMTP; follow its link.
    let mail = app.mail("grace@example.org", "Confirm your email");
    let link = link_in(&mail, &format!("{}/verify?token=", app.base));
    assert!(mail.html_body().contains("Confirm my address"));
    let token = link.rsplit('=').next().unwrap();
    assert!(token.len() >= 43, "token has at least 256 bits");
    let path = link.trim_start_matches(&app.base).to_string();
    // Following the link (as a mail scanner would) confirms nothing: it opens a page with a button.
    let r = http.get(&path);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Confirm my address"));
    let mut c = app.db.conn();
    assert!(!plumbline::testing::repo::users::find_by_email(&mut c, "grace@example.org")
        .unwrap()
        .unwrap()
        .is_verified());
    // Not logged in here: the password proves this is the person who signed up.
    let r = http.post_form("/verify", &[("token", token), ("password", "not the password")]);
    assert_eq!(r.status, 401);
    let r = http.post_form("/verify", &[("token", token), ("password", PASSWORD)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/account");

    // Single use.
    assert_eq!(http.get(&path).status, 400);

    let r = http.post_form("/login", &[("email", "grace@example.org"), ("password", PASSWORD), ("next", "/account")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/account");
    let page = http.get("/account");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Grace Hopper"));
    assert!(page.body.contains("(confirmed)"));

    let r = http.post_form("/logout", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(http.get("/account").status, 303, "logged out: account page redirects to login");
}

#[test]
fn sign_up_errors_keep_what_was_typed() {
    let app = TestApp::start();
    let http = app.client();
    let r =
        http.post_form("/signup", &[("name", "Ada <b>Lovelace</b>"), ("email", "not-an-email"), ("password", "short")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="Ada &lt;b&gt;Lovelace&lt;/b&gt;""#), "name kept, escaped");
    assert!(r.body.contains(r#"value="not-an-email""#));
    assert!(r.body.contains(r#"id="email-error""#));
    assert!(r.body.contains(r#"id="password-error""#));
    assert!(!r.body.contains("short"), "passwords are never echoed");
    // Nothing stored, nothing mailed.
    assert_eq!(app.outbox_count("not-an-email"), 0);

    let r = http.post_form("/signup", &[("name", "Ctl\u{0}Char"), ("email", "a@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 422);
}

#[test]
fn sign_up_with_a_taken_address_reveals_nothing() {
    let app = TestApp::start();
    app.user("taken@example.org", "Taken", false);
    let r = app
        .client()
        .post_form("/signup", &[("name", "Someone"), ("email", "taken@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Check your mail"));
    // The owner is told instead; no second account exists.
    app.mail("taken@example.org", "already have");
    let mut c = app.db.conn();
    let u = plumbline::testing::repo::users::find_by_email(&mut c, "taken@example.org").unwrap().unwrap();
    assert_eq!(u.name, "Taken");
}

#[test]
fn login_failures_are_uniform_and_throttled() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let http = app.client();
    let wrong = http.post_form("/login", &[("email", "ada@example.org"), ("password", "wrong password")]);
    let unknown = http.post_form("/login", &[("email", "nobody@example.org"), ("password", "wrong password")]);
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert!(wrong.body.contains("Wrong email or password."));
    assert!(unknown.body.contains("Wrong email or password."));
    assert!(wrong.body.contains(r#"value="ada@example.org""#), "email kept");

    // Two failures so far from this client (one machine in tests); eight more make ten,
    // and the 11th attempt in 5 minutes gets 429, even with the right password.
    let other = app.client();
    for _ in 0..8 {
        assert_eq!(other.post_form("/login", &[("email", "ada@example.org"), ("password", "nope nope")]).status, 401);
    }
    let r = app.client().post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Too many failed attempts"));
    assert!(r.body.contains(r#"value="ada@example.org""#));
}

#[test]
fn eleventh_failure_for_one_account_is_refused() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    // Failures counted from ten different clients: the account itself is throttled.
    let mut c = app.db.conn();
    for i in 0..10 {
        let keys = ["login:addr:ada@example.org".to_string(), format!("login:client:10.0.0.{i}")];
        plumbline::testing::repo::limits::hit(&mut c, &keys, 300).unwrap();
    }
    let r = app.client().post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 429);
    // Another account from this client is not affected.
    app.user("bob@example.org", "Bob", false);
    let r = app.client().post_form("/login", &[("email", "bob@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 303);
}

#[test]
fn session_is_rotated_at_login_and_destroyed_at_logout() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let http = app.client();
    let first = http.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]);
    let second = http.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]);
    let cookie_of = |p: &crate::support::Page| {
        p.set_cookies().into_iter().find(|c| c.starts_with("plumbline_session=")).expect("session cookie")
    };
    let (a, b) = (cookie_of(&first), cookie_of(&second));
    assert_ne!(a, b, "a new session id at each login");
    assert!(a.contains("HttpOnly") && a.contains("SameSite=Lax"), "{a}");
    assert!(!a.contains("Secure"), "plain http in tests");
    let old_value = a.split(';').next().unwrap().to_string();

    // The old session no longer works.
    let raw = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = raw.get(app.url("/account")).header("cookie", &old_value).send().unwrap();
    assert_eq!(r.status(), 303);

    // Logout destroys the session server-side: replaying its cookie does not log in.
    let current = b.split(';').next().unwrap().to_string();
    assert_eq!(raw.get(app.url("/account")).header("cookie", &current).send().unwrap().status(), 200);
    http.post_form("/logout", &[]);
    assert_eq!(raw.get(app.url("/account")).header("cookie", &current).send().unwrap().status(), 303);
}

#[test]
fn change_password_checks_the_old_one_and_ends_other_sessions() {
    let app = TestApp::start();
    let http = app.logged_in("ada@example.org", "Ada", false);
    let elsewhere = app.client();
    assert_eq!(elsewhere.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).status, 303);

    let r = http.post_form(
        "/account/password",
        &[("current_password", "not it at all"), ("new_password", "a brand new password")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"id="current_password-error""#));

    let r = http
        .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a brand new password")]);
    assert_eq!(r.status, 303);
    assert_eq!(http.get("/account").status, 200, "this session stays");
    assert_eq!(elsewhere.get("/account").status, 303, "the other session ended");
    app.mail("ada@example.org", "password was changed");

    let fresh = app.client();
    assert_eq!(fresh.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).status, 401);
    assert_eq!(
        fresh.post_form("/login", &[("email", "ada@example.org"), ("password", "a brand new password")]).status,
        303
    );
}

#[test]
fn forgotten_password_is_reset_by_mail_once() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let http = app.client();
    let known = http.post_form("/password/forgot", &[("email", "ada@example.org")]);
    let unknown = http.post_form("/password/forgot", &[("email", "nobody@example.org")]);
    assert_eq!(known.status, 200);
    assert_eq!(unknown.status, 200);
    let strip = |s: &str| s.replace(r#"value="ada@example.org""#, "").replace(r#"value="nobody@example.org""#, "");
    assert_eq!(strip(&known.body), strip(&unknown.body), "the answer does not reveal whether the account exists");
    assert_eq!(app.outbox_count("nobody@example.org"), 0);

    let mail = app.mail("ada@example.org", "Reset your");
    let link = link_in(&mail, &format!("{}/password/reset?token=", app.base));
    let token = link.rsplit('=').next().unwrap().to_string();
    let form = http.get(link.trim_start_matches(&app.base));
    assert_eq!(form.status, 200);

    let r = http.post_form("/password/reset", &[("token", &token), ("password", "short")]);
    assert_eq!(r.status, 422, "too short is refused and the link still works");
    let r = http.post_form("/password/reset", &[("token", &token), ("password", "a freshly chosen password")]);
    assert_eq!(r.status, 303);
    let again = http.post_form("/password/reset", &[("token", &token), ("password", "another new password")]);
    assert_eq!(again.status, 400, "single use");
    assert_eq!(
        http.post_form("/login", &[("email", "ada@example.org"), ("password", "a freshly chosen password")]).status,
        303
    );

    // Tokens are stored as SHA-256 only.
    let mut c = app.db.conn();
    use diesel::prelude::*;
    let hashed: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT count(*) FROM user_tokens WHERE token_hash = sha256(convert_to(",
    )
    .bind::<diesel::sql_types::Text, _>(token.clone())
    .sql(", 'UTF8'))")
    .get_result(&mut c)
    .unwrap();
    assert_eq!(hashed, 1);
}

#[test]
fn profile_edits_keep_input_on_error() {
    let app = TestApp::start();
    let http = app.logged_in("ada@example.org", "Ada", false);
    let r = http.post_form(
        "/account/profile",
        &[("name", "Ada Lovelace"), ("affiliation", "Analytical Engines"), ("bio", "Bell\u{7}char")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="Analytical Engines""#));
    let r = http.post_form(
        "/account/profile",
        &[("name", "Ada Lovelace"), ("affiliation", "Analytical Engines"), ("bio", "Writes <programs>.\nFor engines.")],
    );
    assert_eq!(r.status, 303);
    let page = http.get("/account");
    assert!(page.body.contains("Ada Lovelace"));
    assert!(page.body.contains("Writes &lt;programs&gt;."));
}
