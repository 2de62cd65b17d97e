//! Running it as an operator would: the binary alone in an empty directory,
//! several instances migrating one new database at once, and templates that
//! reload from disk in development.

use crate::support::smtp::SmtpSink;
use crate::support::{admin_conn, server_url, TestApp, TestDb};
use diesel::prelude::*;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An empty database (not cloned from the test template), dropped at the end.
struct EmptyDb {
    name: String,
    url: String,
}

impl EmptyDb {
    fn new() -> EmptyDb {
        let name = format!("plumbline_ops_{:016x}", rand::random::<u64>());
        EmptyDb { url: format!("{}/{name}", server_url()), name }
    }
}

impl Drop for EmptyDb {
    fn drop(&mut self) {
        let _ =
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin_conn());
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `plumbline serve` on `port` against `db_url`, with what `command` already set.
fn serve(mut command: Command, db_url: &str, port: u16) -> Server {
    command
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("PLUMBLINE_BIND", format!("127.0.0.1:{port}"))
        .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters");
    Server(command.spawn().unwrap())
}

fn get(url: &str) -> Option<(u16, String)> {
    let resp = reqwest::blocking::Client::new().get(url).timeout(Duration::from_secs(5)).send().ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().unwrap_or_default()))
}

#[test]
fn the_binary_alone_serves_pages_from_an_empty_directory() {
    let db = EmptyDb::new();
    let dir = std::env::temp_dir().join(format!("plumbline-empty-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_plumbline"));
    command.current_dir(&dir).env_clear().env("RUST_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::piped());
    let mut server = serve(command, &db.url, port);
    let started = Instant::now();
    let home = loop {
        if let Some(answer) = get(&format!("{base}/")) {
            break answer;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            let mut err = String::new();
            server.0.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("the server stopped ({status}): {err}");
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not answer within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(home.0, 200, "{}", home.1);
    assert!(home.1.contains("<html"), "the home page is not the layout: {}", home.1);
    let (status, css) = get(&format!("{base}/static/style.css")).unwrap();
    assert_eq!(status, 200);
    assert!(!css.is_empty());
    // Nothing was read from, or needed in, the working directory.
    assert!(!dir.join("templates").exists());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn instances_starting_at_once_migrate_a_new_database_exactly_once() {
    let db = EmptyDb::new();
    let starts: Vec<_> = (0..6)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || plumbline::db::prepare(&url, 1).map(|_| ()).map_err(|e| e.to_string()))
        })
        .collect();
    for s in starts {
        s.join().unwrap().unwrap_or_else(|e| panic!("an instance failed to start: {e}"));
    }
    let mut conn = PgConnection::establish(&db.url).unwrap();
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        distinct_versions: i64,
    }
    let c: Count = diesel::sql_query(
        "SELECT count(*) AS n, count(DISTINCT version) AS distinct_versions FROM __diesel_schema_migrations",
    )
    .get_result(&mut conn)
    .unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count() as i64;
    assert_eq!((c.n, c.distinct_versions), (migrations, migrations));
}

#[test]
fn in_development_templates_reload_from_disk_on_every_render() {
    let dir = std::env::temp_dir().join(format!("plumbline-templates-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("layout.hbs"), "<main>{{> @partial-block}}</main>").unwrap();
    std::fs::write(dir.join("hello.hbs"), "Hello {{name}}").unwrap();
    let dev = plumbline::templates::Templates::load(Some(&dir), true).unwrap();
    let fixed = plumbline::templates::Templates::load(Some(&dir), false).unwrap();
    let data = serde_json::json!({"name": "Ada"});
    assert_eq!(dev.render("hello", &data).unwrap(), "Hello Ada");
    std::fs::write(dir.join("hello.hbs"), "Welcome {{name}}").unwrap();
    assert_eq!(dev.render("hello", &data).unwrap(), "Welcome Ada");
    assert_eq!(fixed.render("hello", &data).unwrap(), "Hello Ada", "only development reloads");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A CA made for this test and a server configuration whose certificate (for
/// 127.0.0.1 and localhost) it signed; the CA's PEM goes to the app as
/// PLUMBLINE_SMTP_CA_FILE.
fn private_ca() -> (String, rustls::ServerConfig) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .unwrap();
    (ca.pem(), config)
}

fn app_mailing_through(sink: SmtpSink, url: String, ca_file: Option<std::path::PathBuf>) -> TestApp {
    TestApp::launch(std::sync::Arc::new(sink), std::sync::Arc::new(TestDb::new()), move |c| {
        c.smtp_url = Some(url);
        c.smtp_ca_file = ca_file;
    })
}

fn ask_for_a_reset(app: &TestApp) {
    app.user("ada@example.org", "Ada", false);
    assert_eq!(app.client().post_form("/password/forgot", &[("email", "ada@example.org")]).status, 200);
}

#[test]
fn mail_goes_through_starttls_with_a_private_ca_and_authenticates_after_it() {
    let (ca_pem, tls) = private_ca();
    let sink = SmtpSink::start_tls(tls);
    let ca_file = std::env::temp_dir().join(format!("plumbline-ca-{:016x}.pem", rand::random::<u64>()));
    std::fs::write(&ca_file, ca_pem).unwrap();
    let url = format!("smtp://mailer:s3cret@127.0.0.1:{}?tls=required", sink.port());
    let app = app_mailing_through(sink, url, Some(ca_file.clone()));
    ask_for_a_reset(&app);
    let mail = app.mail("ada@example.org", "");
    assert!(mail.over_tls, "the mail crossed in clear");
    assert_eq!(mail.auth_user.as_deref(), Some("mailer"));
    let _ = std::fs::remove_file(ca_file);
}

#[test]
fn a_server_without_starttls_gets_no_mail_when_tls_is_required() {
    let sink = SmtpSink::start();
    let url = format!("smtp://127.0.0.1:{}?tls=required", sink.port());
    let app = app_mailing_through(sink, url, None);
    ask_for_a_reset(&app);
    // The worker tries and fails; the mail waits in the outbox for a later try.
    std::thread::sleep(Duration::from_secs(2));
    assert!(app.smtp.messages().is_empty(), "mail was sent without TLS");
    let waiting = app.outbox_count("ada@example.org");
    assert_eq!(waiting, 1, "the mail must stay queued");
}

#[test]
fn a_password_in_clear_to_another_host_stops_the_start() {
    let err = plumbline::worker::smtp_transport("smtp://u:p@mail.example.org:587", None).err().unwrap();
    assert!(err.contains("without TLS"), "{err}");
}

fn check(db_url: &str, smtp_url: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("check")
        .env("DATABASE_URL", db_url)
        .env("PLUMBLINE_SMTP_URL", smtp_url)
        .env("PLUMBLINE_SECRET_KEY", "a-test-secret-key-of-more-than-32-characters")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn check_passes_against_the_real_database_and_mail_server_and_names_what_fails() {
    let db = TestDb::new();
    let sink = SmtpSink::start();
    let (ok, report) = check(&db.url, &sink.url());
    assert!(ok, "{report}");
    for what in ["database", "mail", "base url", "secret key"] {
        assert!(report.lines().any(|l| l.starts_with("ok") && l.contains(what)), "no ok line for {what}:\n{report}");
    }
    // Nothing listens on this port: the mail line fails and so does the command.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (ok, report) = check(&db.url, &format!("smtp://127.0.0.1:{port}"));
    assert!(!ok, "{report}");
    assert!(report.lines().any(|l| l.starts_with("FAIL") && l.contains("mail")), "{report}");
    assert!(report.lines().any(|l| l.starts_with("ok") && l.contains("database")), "{report}");
}

#[test]
fn metrics_appear_after_traffic_for_the_operator_and_nobody_else() {
    const TOKEN: &str = "a-metrics-token-for-the-scraper-0001";
    let app = TestApp::start_with(|c| c.metrics_token = Some(TOKEN.into()));
    let http = app.client();
    assert_eq!(http.get("/").status, 200);
    assert_eq!(http.get("/c/no-such-conference").status, 404);
    app.user("ada@example.org", "Ada", false);
    assert_eq!(http.post_form("/password/forgot", &[("email", "ada@example.org")]).status, 200);

    let scrape = http.get("/metrics");
    assert_eq!(scrape.status, 200);
    let text = scrape.body;
    for line in [
        r#"plumbline_http_requests_total{method="GET",route="/",status="200"} 1"#,
        r#"plumbline_http_requests_total{method="GET",route="/c/{slug}",status="404"} 1"#,
        r#"plumbline_http_request_duration_seconds_count{route="/"} 1"#,
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in\n{text}");
    }
    for name in [
        "plumbline_db_pool_in_use",
        "plumbline_outbox_pending",
        "plumbline_outbox_oldest_pending_seconds",
        "plumbline_outbox_failed",
        "plumbline_registrations",
        "plumbline_room_bookings",
    ] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{name} "))), "no {name} in\n{text}");
    }
    // The conference's slug and the reset link's token never appear.
    assert!(!text.contains("no-such-conference"));

    // Through a proxy (even one on this machine) only the token admits.
    let via_proxy = |token: Option<&str>| {
        let mut req =
            reqwest::blocking::Client::new().get(app.url("/metrics")).header("X-Forwarded-For", "203.0.113.9");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().unwrap().status().as_u16()
    };
    assert_eq!(via_proxy(None), 403);
    assert_eq!(via_proxy(Some("a-wrong-token-of-the-right-length!!")), 403);
    assert_eq!(via_proxy(Some(TOKEN)), 200);
}

#[test]
fn json_logs_carry_one_object_per_line_with_the_request_id() {
    let db = TestDb::new();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_plumbline"));
    command.env("PLUMBLINE_LOG_FORMAT", "json").env("RUST_LOG", "info").stdout(Stdio::piped()).stderr(Stdio::null());
    let mut server = serve(command, &db.url, port);
    let started = Instant::now();
    let id = loop {
        if let Ok(r) = reqwest::blocking::get(format!("http://127.0.0.1:{port}/healthz")) {
            break r.headers()["x-request-id"].to_str().unwrap().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not answer");
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = server.0.kill();
    let mut err = String::new();
    server.0.stdout.take().unwrap().read_to_string(&mut err).unwrap();
    let lines: Vec<serde_json::Value> =
        err.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))).collect();
    assert!(
        lines.iter().any(|v| v["request_id"] == id.as_str() && v["path"] == "/healthz"),
        "no request line with id {id}:\n{err}"
    );
}

#[test]
fn mail_has_both_parts_a_date_a_stable_message_id_and_bounces_to_the_bounce_address() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = TestApp::launch(std::sync::Arc::new(sink), std::sync::Arc::new(TestDb::new()), move |c| {
        c.smtp_url = Some(url);
        c.mail_bounce = Some("bounces@lists.example.org".parse().unwrap());
    });
    ask_for_a_reset(&app);
    let mail = app.mail("ada@example.org", "");
    assert_eq!(mail.from, "bounces@lists.example.org", "the envelope sender is the bounce address");
    let id = mail.header("Message-ID").expect("a Message-ID");
    assert!(id.starts_with("<outbox-") && id.ends_with("@127.0.0.1>"), "{id}");
    assert!(mail.header("Date").is_some());
    assert!(!mail.text_body().is_empty() && !mail.html_body().is_empty());
    assert!(mail.header("List-Unsubscribe").is_none(), "transactional mail");
}
