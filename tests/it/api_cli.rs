use crate::support::TestApp;
use std::io::Write;
use std::process::{Command, Stdio};

fn cli(app: &TestApp, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn cli_user_and_token_then_bearer_api() {
    let app = TestApp::start();
    let (ok, out, err) = cli(
        &app,
        &["user", "add", "--email", "root@example.org", "--name", "Root Admin", "--site-admin"],
        "a long admin password\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("site admin"));
    let (ok, _, err) = cli(&app, &["user", "add", "--email", "x@example.org", "--name", "X"], "short\n");
    assert!(!ok);
    assert!(err.contains("password"), "{err}");

    let (ok, token, err) = cli(&app, &["token", "issue", "--email", "root@example.org"], "");
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.starts_with("plb_"));

    let http = app.client();
    let me = http.get_with_bearer("/api/v1/me", token);
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], "root@example.org");
    assert_eq!(me.json()["site_admin"], true);

    let bad = http.get_with_bearer("/api/v1/me", "plb_wrong");
    assert_eq!(bad.status, 401);
    assert!(bad.json()["error"].as_str().unwrap().len() > 3, "errors are JSON with a message");
    let none = http.get("/api/v1/me");
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), "Bearer");

    // The site admin made by the CLI can log in and create conferences.
    let web = app.client();
    assert_eq!(
        web.post_form("/login", &[("email", "root@example.org"), ("password", "a long admin password")]).status,
        303
    );
    assert_eq!(web.get("/admin/conferences/new").status, 200);
}

#[test]
fn conferences_api_lists_public_data() {
    let app = TestApp::start();
    let (ok, out, err) = cli(&app, &["demo"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("admin@example.org"));
    // Idempotent.
    assert!(cli(&app, &["demo"], "").0);
    let r = app.client().get("/api/v1/conferences");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/json"));
    let list = r.json()["conferences"].as_array().unwrap().clone();
    assert_eq!(list.len(), 3, "Plumbers, the running week and LinuxCon beside Plumbers");
    for c in &list {
        for k in ["slug", "name", "time_zone", "starts_on", "ends_on"] {
            assert!(c.get(k).is_some(), "{k} in {c}");
        }
    }
    assert_eq!(app.client().get("/api/v1/nothing-here").json()["error"], "We could not find that page.");

    // Demo accounts work with the printed password.
    let http = app.client();
    assert_eq!(
        http.post_form("/login", &[("email", "organiser@example.org"), ("password", "plumbline-demo")]).status,
        303
    );
    assert_eq!(http.get("/c/lpc-demo/organisers").status, 200);
}

#[test]
fn migrate_creates_a_missing_database_and_a_dead_server_gets_one_clear_line() {
    let name = format!("plumbline_cli_{:x}", rand::random::<u32>());
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let out = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .env("PLUMBLINE_VAR_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .env("PLUMBLINE_VAR_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "twice is fine");
    crate::support::TestDb { name: name.clone(), url }.drop_now();

    let out = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("migrate")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/plumbline")
        .env("PLUMBLINE_VAR_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach PostgreSQL") && err.contains("pg_ctlcluster"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn backup_writes_a_dump_that_restores() {
    let app = TestApp::start();
    app.user("ada@example.org", "Ada", false);
    let out = std::env::temp_dir().join(format!("plumbline-backup-{:x}.dump", rand::random::<u64>()));
    let (ok, stdout, err) = cli(&app, &["backup", "--out", out.to_str().unwrap()], "");
    assert!(ok, "{stdout}{err}");
    assert!(stdout.contains("tables"));
    // Restore into a fresh database and find the data again.
    let target = crate::support::TestDb::new();
    let mut c = target.conn();
    use diesel::connection::SimpleConnection;
    c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").unwrap();
    let status = Command::new("pg_restore").args(["--no-owner", "-d", &target.url]).arg(&out).status().unwrap();
    assert!(status.success());
    let u = plumbline::testing::repo::users::find_by_email(&mut target.conn(), "ada@example.org").unwrap();
    assert_eq!(u.map(|u| u.name), Some("Ada".to_string()));
    let _ = std::fs::remove_file(out);
}
