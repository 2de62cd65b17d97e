//! Issue 14: the holes an attacker found, each closed and proved here.

use crate::cfp::{conference, propose};
use crate::support::{api_token, link_in, Http, TestApp, PASSWORD};
use diesel::prelude::*;
use std::process::Command;

fn sign_up(app: &TestApp, email: &str, name: &str, password: &str) -> Http {
    let http = app.client();
    let r = http.post_form("/signup", &[("name", name), ("email", email), ("password", password)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(http.post_form("/login", &[("email", email), ("password", password)]).status, 303);
    http
}

fn token_count(app: &TestApp, email: &str) -> i64 {
    use plumbline::db::schema::{api_tokens, users};
    api_tokens::table
        .inner_join(users::table)
        .filter(users::email.eq(email))
        .count()
        .get_result(&mut app.db.conn())
        .unwrap()
}

/// The demonstrated takeover: sign up with someone else's address, mint a token,
/// wait for the owner to reset and verify, then read their data. Every step is closed.
#[test]
fn squatting_someone_elses_address_gains_nothing() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = crate::review_login(&app, "org@example.org");
    let mallory = sign_up(&app, "victim@example.org", "Mallory", "mallory's own password");

    // No API token for an unconfirmed account: not through the page, not in the database.
    let r = mallory.post_form("/account/tokens", &[("name", "loot"), ("scope", "read-write")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("confirm your email"), "{}", r.body);
    let mut c = app.db.conn();
    let victim_id = plumbline::testing::repo::users::find_by_email(&mut c, "victim@example.org").unwrap().unwrap().id;
    let raw = diesel::sql_query(format!(
        "INSERT INTO api_tokens (token_hash, user_id) VALUES (sha256('x'::bytea), {victim_id})"
    ))
    .execute(&mut c);
    assert!(raw.unwrap_err().to_string().contains("unconfirmed"), "the database refuses it too");
    assert_eq!(token_count(&app, "victim@example.org"), 0);

    // No proposal, no registration, no role taken up.
    let r = mallory.post_form(
        &format!("/c/{}/cfp/{}/propose", s.slug, s.talk_call),
        &[("title", "T"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(r.status, 403);
    let reg = mallory.post_form(&format!("/c/{}/register", s.slug), &[("badge_name", "M")]);
    assert_eq!(reg.status, 403, "{}", reg.body);
    assert_eq!(mallory.get(&format!("/c/{}/review", s.slug)).status, 403);
    // The organiser appoints the address: only an invitation, not a role for Mallory's account.
    assert_eq!(org.post_form(&format!("/c/{}/organisers", s.slug), &[("email", "victim@example.org")]).status, 303);
    assert_eq!(mallory.get(&format!("/c/{}/manage", s.slug)).status, 403);
    let raw = diesel::sql_query(format!(
        "INSERT INTO conference_roles (conference_id, user_id, role) VALUES ({}, {victim_id}, 'organiser')",
        s.conf_id
    ))
    .execute(&mut c);
    assert!(raw.is_err(), "the database refuses a role for an unconfirmed account");

    // The owner cannot confirm without the password Mallory chose; they reset it instead.
    let owner = app.client();
    let verify = link_in(&app.mail("victim@example.org", "Confirm"), &format!("{}/verify", app.base));
    assert_eq!(owner.confirm_address(&verify, "a guess at mallory's").status, 401);
    owner.post_form("/password/forgot", &[("email", "victim@example.org")]);
    let reset = link_in(&app.mail("victim@example.org", "Reset your"), &format!("{}/password/reset?token=", app.base));
    let token = reset.rsplit('=').next().unwrap().to_string();
    let r = owner.post_form("/password/reset", &[("token", &token), ("password", "the owner's real password")]);
    assert_eq!(r.status, 303);

    // The confirmation link from before the reset does nothing any more.
    assert_eq!(app.client().get(verify.trim_start_matches(&app.base)).status, 400);
    // Mallory's session is over, and her password no longer works.
    assert_eq!(mallory.get("/account").status, 303);
    let again = app.client();
    assert_eq!(
        again.post_form("/login", &[("email", "victim@example.org"), ("password", "mallory's own password")]).status,
        401
    );
    // The owner has the role now.
    let owner = app.client();
    assert_eq!(
        owner.post_form("/login", &[("email", "victim@example.org"), ("password", "the owner's real password")]).status,
        303
    );
    assert_eq!(owner.get(&format!("/c/{}/manage", s.slug)).status, 200);
}

#[test]
fn reset_change_and_confirmation_end_every_session_and_token() {
    let app = TestApp::start();
    let id = app.user("ada@example.org", "Ada", false);
    let token = api_token(&mut app.db.conn(), id);
    let me = |t: &str| app.client().get_with_bearer("/api/v1/me", t).status;
    assert_eq!(me(&token), 200);

    // A password change: the token and other sessions end; this browser keeps going on a new session.
    let http = crate::review_login(&app, "ada@example.org");
    let elsewhere = crate::review_login(&app, "ada@example.org");
    let r = http.post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a new password!")]);
    assert_eq!(r.status, 303);
    assert_eq!(me(&token), 401);
    assert_eq!(elsewhere.get("/account").status, 303);
    assert_eq!(http.get("/account").status, 200);

    // A reset: the same, for every session.
    let token = api_token(&mut app.db.conn(), id);
    app.client().post_form("/password/forgot", &[("email", "ada@example.org")]);
    let reset = link_in(&app.mail("ada@example.org", "Reset your"), &format!("{}/password/reset?token=", app.base));
    let t = reset.rsplit('=').next().unwrap().to_string();
    assert_eq!(
        app.client().post_form("/password/reset", &[("token", &t), ("password", "yet another one")]).status,
        303
    );
    assert_eq!(me(&token), 401);
    assert_eq!(http.get("/account").status, 303);
}

#[test]
fn confirming_from_ones_own_session_needs_no_password_and_starts_a_fresh_session() {
    let app = TestApp::start();
    let http = sign_up(&app, "bea@example.org", "Bea", PASSWORD);
    let other = app.client();
    assert_eq!(other.post_form("/login", &[("email", "bea@example.org"), ("password", PASSWORD)]).status, 303);
    let link = link_in(&app.mail("bea@example.org", "Confirm"), &format!("{}/verify", app.base));
    let page = http.get(link.trim_start_matches(&app.base));
    assert!(!page.body.contains(r#"name="password""#), "logged in as this account: just the button");
    let r = http.confirm_address(&link, "");
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/account");
    assert_eq!(http.get("/account").status, 200);
    assert!(http.get("/account").body.contains("(confirmed)"));
    assert_eq!(other.get("/account").status, 303, "every other session ended");
}

#[test]
fn api_tokens_are_named_scoped_expiring_listed_and_revocable() {
    let app = TestApp::start();
    let http = app.logged_in("ada@example.org", "Ada", false);
    // Bad input comes back with the typed values.
    let r = http.post_form("/account/tokens", &[("name", ""), ("scope", "admin"), ("expires_in", "3 years")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="3 years""#));
    assert!(r.body.contains(r#"id="expires_in-error""#));

    let r = http.post_form("/account/tokens", &[("name", "badge printer"), ("scope", "read"), ("expires_in", "30d")]);
    assert_eq!(r.status, 200);
    let read =
        regex::Regex::new(r#"id="new-token">(plb_[A-Za-z0-9_-]+)<"#).unwrap().captures(&r.body).unwrap()[1].to_string();
    let page = http.get("/account");
    assert!(page.body.contains("badge printer"));
    assert!(page.body.contains("read"));
    assert!(!page.body.contains(&read), "the secret is shown once");

    // Last use is written, at most once a minute.
    let client = app.client();
    assert_eq!(client.get_with_bearer("/api/v1/me", &read).status, 200);
    let last_used = |c: &mut PgConnection| -> Option<chrono::DateTime<chrono::Utc>> {
        use plumbline::db::schema::api_tokens::dsl::*;
        api_tokens.filter(name.eq("badge printer")).select(last_used_at).first(c).unwrap()
    };
    let mut c = app.db.conn();
    let first = last_used(&mut c).expect("last use recorded");
    diesel::sql_query("UPDATE api_tokens SET last_used_at = now() - interval '30 seconds'").execute(&mut c).unwrap();
    let half_minute_ago = last_used(&mut c).unwrap();
    assert_eq!(client.get_with_bearer("/api/v1/me", &read).status, 200);
    assert_eq!(last_used(&mut c).unwrap(), half_minute_ago, "not written again within the minute");
    assert!(first > half_minute_ago);

    // A read token cannot write.
    let r = client
        .client
        .post(app.url("/api/v1/conferences/nope/bookings"))
        .bearer_auth(&read)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().unwrap().contains("read-only"));

    // Expired and revoked tokens get 401 with a JSON error.
    diesel::sql_query("UPDATE api_tokens SET expires_at = now() - interval '1 second'").execute(&mut c).unwrap();
    let r = client.get_with_bearer("/api/v1/me", &read);
    assert_eq!(r.status, 401);
    assert!(r.json()["error"].is_string());
    diesel::sql_query("UPDATE api_tokens SET expires_at = NULL").execute(&mut c).unwrap();
    assert_eq!(client.get_with_bearer("/api/v1/me", &read).status, 200);
    let id = regex::Regex::new(r#"/account/tokens/([0-9a-f-]{36})/revoke"#)
        .unwrap()
        .captures(&http.get("/account").body)
        .unwrap()[1]
        .to_string();
    // Someone else cannot revoke it.
    let bob = app.logged_in("bob@example.org", "Bob", false);
    assert_eq!(bob.post_form(&format!("/account/tokens/{id}/revoke"), &[]).status, 404);
    assert_eq!(http.post_form(&format!("/account/tokens/{id}/revoke"), &[]).status, 303);
    let r = client.get_with_bearer("/api/v1/me", &read);
    assert_eq!(r.status, 401);
    assert!(r.json()["error"].is_string());
    assert!(http.get("/account").body.contains("revoked"));
}

#[test]
fn cli_issues_tokens_with_scope_and_expiry() {
    let app = TestApp::start();
    app.user("root@example.org", "Root", true);
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_plumbline"))
            .args(args)
            .env("DATABASE_URL", &app.db.url)
            .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, token, err) =
        cli(&["token", "issue", "--email", "root@example.org", "--scope", "read-write", "--expires-in", "12h"]);
    assert!(ok, "{err}");
    let mut c = app.db.conn();
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        scope: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        soon: bool,
    }
    let t: T = diesel::sql_query(
        "SELECT scope, expires_at BETWEEN now() + interval '11 hours' AND now() + interval '13 hours' AS soon FROM api_tokens",
    )
    .get_result(&mut c)
    .unwrap();
    assert_eq!((t.scope.as_str(), t.soon), ("read-write", true));
    assert_eq!(app.client().get_with_bearer("/api/v1/me", &token).status, 200);
    let (ok, _, err) = cli(&["token", "issue", "--email", "root@example.org", "--scope", "admin"]);
    assert!(!ok && err.contains("--scope"), "{err}");
    let (ok, _, err) = cli(&["token", "issue", "--email", "root@example.org", "--expires-in", "forever"]);
    assert!(!ok && err.contains("--expires-in"), "{err}");
}

#[test]
fn an_invitation_is_answered_only_by_the_account_it_was_sent_to() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let path = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Joint"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "bob@example.org"),
            ("action", "submit"),
        ],
    );
    let link = link_in(&app.mail("bob@example.org", "invites you"), &format!("{}/invitations/", app.base));
    let inv = link.trim_start_matches(&app.base).to_string();
    // Carol got hold of the link: it is not enough.
    let carol = app.logged_in("carol@example.org", "Carol", false);
    let r = carol.post_form(&inv, &[("answer", "accept")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("bob@example.org"), "{}", r.body);
    assert_eq!(carol.get(&path).status, 404);
    let bob = app.logged_in("bob@example.org", "Bob", false);
    assert_eq!(bob.post_form(&inv, &[("answer", "accept")]).status, 303);
    assert_eq!(bob.get(&path).status, 200);

    // The committee: the same rule, and in the database too.
    let org = crate::review_login(&app, "org@example.org");
    org.post_form(&format!("/c/{}/manage/committee", s.slug), &[("email", "rui@example.org")]);
    let link = link_in(&app.mail("rui@example.org", "programme committee"), &format!("{}/committee/", app.base));
    let r = carol.post_form(link.trim_start_matches(&app.base), &[("answer", "accept")]);
    assert_eq!(r.status, 403);
    assert_eq!(carol.get(&format!("/c/{}/review", s.slug)).status, 403);
    let mut c = app.db.conn();
    let carol_id = plumbline::testing::repo::users::find_by_email(&mut c, "carol@example.org").unwrap().unwrap().id;
    let raw = diesel::sql_query(format!(
        "UPDATE committee_members SET user_id = {carol_id}, status = 'accepted' WHERE email = 'rui@example.org'"
    ))
    .execute(&mut c);
    assert!(raw.unwrap_err().to_string().contains("another account"));
    let rui = app.logged_in("rui@example.org", "Rui", false);
    assert_eq!(rui.post_form(link.trim_start_matches(&app.base), &[("answer", "accept")]).status, 303);
}

#[test]
fn demo_refuses_a_public_address_without_demo_public() {
    let db = crate::support::TestDb::new();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_plumbline"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("PLUMBLINE_BIND", "0.0.0.0:0")
            .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters")
            .output()
            .unwrap()
    };
    let out = run(&["serve", "--demo"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--demo-public"), "{err}");
    // --demo-public needs --demo.
    assert!(!run(&["serve", "--demo-public"]).status.success());
    // The image runs without demo data.
    let dockerfile = std::fs::read_to_string("Dockerfile").unwrap();
    let cmd = dockerfile.lines().find(|l| l.starts_with("CMD")).unwrap();
    assert!(!cmd.contains("--demo"), "{cmd}");
    let compose = std::fs::read_to_string("docker-compose.yml").unwrap();
    assert!(!compose.contains("--demo"));
}

#[test]
fn fifty_parallel_wrong_passwords_still_lock_after_the_limit() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let csrf: Vec<Http> = (0..50).map(|_| app.client()).collect();
    for h in &csrf {
        h.csrf();
    }
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = csrf
            .iter()
            .map(|h| {
                scope.spawn(move || {
                    h.post_form("/login", &[("email", "ada@example.org"), ("password", "wrong guess")]).status
                })
            })
            .collect();
        handles.into_iter().map(|j| j.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 50, "{statuses:?}");
    assert!(checked <= 10, "only the limit's worth of passwords were checked: {checked}");
    // Even the right password waits now.
    assert_eq!(app.client().post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).status, 429);
}

#[test]
fn forwarded_addresses_count_only_from_trusted_proxies() {
    let fail_from = |app: &TestApp, forwarded: &str, n: usize| -> Vec<u16> {
        (0..n)
            .map(|i| {
                let h = app.client();
                let token = h.csrf();
                h.client
                    .post(app.url("/login"))
                    .header("x-forwarded-for", forwarded)
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("email", &format!("u{i}@example.org")),
                        ("password", "wrong"),
                    ])
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
            .collect()
    };
    // Not trusted: the header is ignored, every attempt is from 127.0.0.1.
    let app = TestApp::start();
    let s = fail_from(&app, "198.51.100.1", 10);
    assert!(s.iter().all(|s| *s == 401));
    assert_eq!(fail_from(&app, "198.51.100.2", 1), vec![429], "a forged header does not escape the limit");

    // Behind a trusted proxy: each forwarded client has its own count.
    let app =
        TestApp::start_with(|c| c.trusted_proxies = plumbline::domain::net::Cidr::parse_list("127.0.0.1/32").unwrap());
    assert!(fail_from(&app, "198.51.100.1", 10).iter().all(|s| *s == 401));
    assert_eq!(fail_from(&app, "198.51.100.1", 1), vec![429]);
    assert_eq!(fail_from(&app, "198.51.100.2", 1), vec![401], "another client behind the proxy is not blocked");
}

#[test]
fn account_mail_is_rate_limited_per_address() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let http = app.client();
    for _ in 0..5 {
        assert_eq!(http.post_form("/password/forgot", &[("email", "ada@example.org")]).status, 200);
    }
    let r = http.post_form("/password/forgot", &[("email", "ada@example.org")]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains(r#"value="ada@example.org""#), "the typed address comes back");
    // Unknown addresses count too, so the limit reveals nothing.
    for _ in 0..5 {
        http.post_form("/password/forgot", &[("email", "nobody@example.org")]);
    }
    assert_eq!(http.post_form("/password/forgot", &[("email", "nobody@example.org")]).status, 429);
    // Sign-ups to one address: the sixth is refused before any hashing or mail.
    for i in 0..5 {
        let r = http.post_form("/signup", &[("name", "X"), ("email", "target@example.org"), ("password", PASSWORD)]);
        assert_eq!(r.status, 200, "sign-up {i}");
    }
    let r = http.post_form("/signup", &[("name", "X"), ("email", "target@example.org"), ("password", PASSWORD)]);
    assert_eq!(r.status, 429);
    assert!(app.outbox_count("ada@example.org") <= 5);
}

#[test]
fn sent_mail_forgets_its_secret_link() {
    let app = TestApp::start();
    app.client().post_form("/signup", &[("name", "Ada"), ("email", "ada@example.org"), ("password", PASSWORD)]);
    let mail = app.mail("ada@example.org", "Confirm");
    assert!(mail.text_body().contains("/verify?token="), "the person gets the link");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = plumbline::testing::repo::outbox::to_recipient(&mut app.db.conn(), "ada@example.org").unwrap();
        if rows.iter().all(|r| r.status == "sent") {
            assert!(rows.iter().all(|r| !r.body_text.contains("token=") && !r.body_html.contains("token=")));
            assert!(rows.iter().any(|r| r.body_text == plumbline::testing::repo::outbox::SECRET_REMOVED));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "mail not marked sent");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn secret_key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("plumbline-key-{:x}", rand::random::<u64>()));
    let path = dir.join("secret.key");
    let key = plumbline::config::load_or_create_key(path.clone()).unwrap();
    assert!(key.len() >= 64);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    // An existing key readable by others is tightened, and kept.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(plumbline::config::load_or_create_key(path.clone()).unwrap(), key);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn json_over_the_limit_is_413() {
    let app = TestApp::start();
    let id = app.user("ada@example.org", "Ada", false);
    let token = api_token(&mut app.db.conn(), id);
    let big = serde_json::json!({ "badge_name": "x".repeat(100 * 1024) });
    let r = reqwest::blocking::Client::new()
        .post(app.url("/api/v1/conferences/nope/registrations"))
        .bearer_auth(&token)
        .json(&big)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert!(r.json::<serde_json::Value>().unwrap()["error"].is_string());
}

#[test]
fn https_sites_send_hsts_and_csrf_tokens_are_bound_to_the_session() {
    let app = TestApp::start_with(|c| c.base_url = "https://plumbline.example".into());
    let r = app.client().get("/");
    assert_eq!(r.header("strict-transport-security"), "max-age=31536000");
    let plain = TestApp::start();
    assert_eq!(plain.client().get("/").header("strict-transport-security"), "");

    // A token from a page seen before logging in does not work inside the session.
    plain.user("ada@example.org", "Ada", false);
    let http = plain.client();
    let before = http.csrf();
    assert_eq!(http.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).status, 303);
    let r = http.post_raw("/account/profile", &[("csrf_token", &before), ("name", "Ada L")]);
    assert_eq!(r.status, 403);
    assert_eq!(http.post_form("/account/profile", &[("name", "Ada L")]).status, 303);
}

#[test]
fn invitation_mail_to_one_address_is_rate_limited() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = crate::review_login(&app, "org@example.org");
    for _ in 0..5 {
        assert_eq!(org.post_form(&format!("/c/{}/organisers", s.slug), &[("email", "pat@example.org")]).status, 303);
    }
    let r = org.post_form(&format!("/c/{}/organisers", s.slug), &[("email", "pat@example.org")]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains(r#"value="pat@example.org""#), "the form comes back filled");
    assert!(app.outbox_count("pat@example.org") <= 5);
    // Another address is fine.
    assert_eq!(org.post_form(&format!("/c/{}/organisers", s.slug), &[("email", "sam@example.org")]).status, 303);
}
