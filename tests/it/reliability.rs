use crate::support::{TestApp, PASSWORD};
use std::time::Duration;

#[test]
fn two_instances_share_the_cap_and_send_each_mail_once() {
    let a = TestApp::start();
    let b = a.another_instance();
    let (admin, tt) = crate::registration::conference(&a, "two-inst", "Europe/Vienna", 6);
    crate::registration::tier_now(&admin, "two-inst", &tt, "Europe/Vienna", "100");
    let tokens: Vec<String> = (0..24)
        .map(|i| {
            let id = a.user(&format!("p{i}@example.org"), &format!("Person {i}"), false);
            crate::registration::token(&a, id)
        })
        .collect();
    let bases = [a.base.clone(), b.base.clone()];
    let threads: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let base = bases[i % 2].clone();
            std::thread::spawn(move || {
                let r = reqwest::blocking::Client::new()
                    .post(format!("{base}/api/v1/conferences/two-inst/registrations"))
                    .bearer_auth(token)
                    .json(&serde_json::json!({ "ticket_type": "Regular", "badge_name": format!("P{i}") }))
                    .send()
                    .unwrap();
                let status = r.status().as_u16();
                let body: serde_json::Value = r.json().unwrap();
                (status, body["status"].as_str().unwrap_or_default().to_string())
            })
        })
        .collect();
    let results: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
    assert_eq!(results.iter().filter(|(_, st)| st == "confirmed").count(), 6);
    assert_eq!(results.iter().filter(|(_, st)| st == "waitlisted").count(), 18);

    // Both instances run an outbox worker: every person gets exactly one mail.
    for i in 0..24 {
        a.smtp
            .wait_for(&format!("p{i}@example.org"), |_| true, Duration::from_secs(15))
            .unwrap_or_else(|| panic!("no mail for p{i}"));
    }
    std::thread::sleep(Duration::from_millis(1500));
    for i in 0..24 {
        assert_eq!(a.smtp.messages_to(&format!("p{i}@example.org")).len(), 1, "p{i} got one mail");
    }
}

#[test]
fn database_connections_killed_mid_flight_fail_cleanly_and_the_app_recovers() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let http = app.client();
    assert_eq!(http.post_form("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).status, 303);
    use diesel::prelude::*;
    let kill = || {
        let mut admin = diesel::PgConnection::establish("postgres://postgres@127.0.0.1:5432/postgres").unwrap();
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
            app.db.name
        ))
        .execute(&mut admin)
        .unwrap();
    };
    // As a restart looks to the app: every pooled connection dies at once.
    for _ in 0..3 {
        kill();
        let statuses: Vec<u16> = (0..6).map(|_| http.get("/account").status).collect();
        assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "only clean answers: {statuses:?}");
        assert_eq!(*statuses.last().unwrap(), 200, "recovered by itself: {statuses:?}");
    }
    // A form posted right after: either stored completely or not at all.
    kill();
    let r = http.post_form("/account/profile", &[("name", "Ada Lovelace"), ("affiliation", "Engines"), ("bio", "")]);
    assert!(r.status == 303 || r.status == 503, "{}", r.status);
    let u = plumbline::testing::repo::users::find_by_email(&mut app.db.conn(), "ada@example.org").unwrap().unwrap();
    assert!((u.name == "Ada Lovelace" && u.affiliation == "Engines") || (u.name == "Ada" && u.affiliation.is_empty()));
    assert_eq!(app.client().get("/healthz").status, 200);
}

#[test]
fn a_slow_client_cannot_hold_a_worker() {
    use std::io::{Read, Write};
    let app = TestApp::start_with(|c| c.request_timeout = Duration::from_millis(800));
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    // Half a request line, then nothing.
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let answer = String::from_utf8_lossy(&buf);
    assert!(started.elapsed() < Duration::from_secs(4), "the server hung up on the slow client");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    // Others are served meanwhile and afterwards.
    assert_eq!(app.client().get("/healthz").status, 200);
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let db = crate::support::TestDb::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("PLUMBLINE_BIND", format!("127.0.0.1:{port}"))
        .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters")
        .env("PLUMBLINE_MAIL_DIR", std::env::temp_dir().join("plumbline-sigterm-mail"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while reqwest::blocking::get(&url).map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(std::time::Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(25);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "{exit:?}");
}
