//! Test harness: the real app on port 0 against its own fresh PostgreSQL
//! database (a clone of a migrated template), with a real SMTP sink.

#![allow(dead_code)]

pub mod smtp;
pub mod stripe;
pub mod webdriver;

use diesel::prelude::*;
use diesel::PgConnection;
use plumbline::config::Config;
use regex::Regex;
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use sha2::{Digest, Sha256};
use smtp::SmtpSink;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery";

pub fn server_url() -> String {
    std::env::var("PLUMBLINE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn admin_conn() -> PgConnection {
    PgConnection::establish(&format!("{}/postgres", server_url()))
        .expect("PostgreSQL must run on 127.0.0.1:5432 for the tests (see README)")
}

/// The template database for this set of migrations, created once and shared
/// by every test (and every test process: an advisory lock serialises creation).
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut h = Sha256::new();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("migrations").unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        for d in dirs {
            h.update(d.to_string_lossy().as_bytes());
            for f in ["up.sql", "down.sql"] {
                h.update(std::fs::read(d.join(f)).unwrap_or_default());
            }
        }
        let name = format!("plumbline_tpl_{}", &hex::encode(h.finalize())[..12]);
        let mut admin = admin_conn();
        diesel::sql_query("SELECT pg_advisory_lock(727274)").execute(&mut admin).unwrap();
        let exists: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        ))
        .get_result(&mut admin)
        .unwrap();
        if exists == 0 {
            let building = format!("{name}_build");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(&mut admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}")).execute(&mut admin).unwrap();
            {
                let mut c = PgConnection::establish(&format!("{}/{building}", server_url())).unwrap();
                plumbline::db::run_migrations(&mut c).unwrap();
            }
            // Renamed only when complete, so a crash never leaves a half-migrated template.
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}")).execute(&mut admin).unwrap();
        }
        diesel::sql_query("SELECT pg_advisory_unlock(727274)").execute(&mut admin).unwrap();
        name
    })
}

/// A fresh database cloned from the template; dropped again when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        let template = template_name();
        let name = format!("plumbline_t_{:016x}", rand::random::<u64>());
        let mut admin = admin_conn();
        // Clones of one template cannot run at the same instant ("source database is being accessed").
        static CLONE: Mutex<()> = Mutex::new(());
        let _g = CLONE.lock().unwrap_or_else(|e| e.into_inner());
        let mut tries = 0;
        loop {
            match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut admin) {
                Ok(_) => break,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("cannot clone the template database: {e}"),
            }
        }
        TestDb { url: format!("{}/{name}", server_url()), name }
    }

    pub fn conn(&self) -> PgConnection {
        PgConnection::establish(&self.url).unwrap()
    }

    pub fn drop_now(&self) {
        let mut admin = admin_conn();
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin);
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.drop_now();
    }
}

pub struct TestApp {
    pub base: String,
    /// Shared by every instance started on the same database.
    pub smtp: std::sync::Arc<SmtpSink>,
    pub db: std::sync::Arc<TestDb>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    pub mail_dir: PathBuf,
}

pub fn test_config(db_url: &str, base: &str, smtp: Option<String>) -> Config {
    Config {
        database_url: db_url.to_string(),
        bind: "127.0.0.1:0".into(),
        base_url: base.to_string(),
        smtp_url: smtp,
        smtp_ca_file: None,
        mail_dir: std::env::temp_dir().join(format!("plumbline-mail-{:x}", rand::random::<u64>())),
        mail_from: "Plumbline <noreply@plumbline.test>".into(),
        secret_key: b"test-secret-key-test-secret-key-test-secret-key!".to_vec(),
        templates_dir: None,
        dev_templates: false,
        pool_size: 4,
        worker_interval: Duration::from_millis(100),
        mail_max_attempts: 5,
        mail_backoff_base: Duration::from_millis(200),
        request_timeout: Duration::from_secs(10),
        page_cache_ttl: Duration::from_secs(1),
        trusted_proxies: vec![],
        metrics_token: None,
        mail_bounce: None,
        stripe: None,
    }
}

impl TestApp {
    pub fn start() -> TestApp {
        Self::start_with(|_| {})
    }

    pub fn start_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::launch(std::sync::Arc::new(SmtpSink::start()), std::sync::Arc::new(TestDb::new()), tweak)
    }

    /// A second app instance on the same database and SMTP server, as behind a load balancer.
    pub fn another_instance(&self) -> TestApp {
        Self::launch(self.smtp.clone(), self.db.clone(), |_| {})
    }

    pub fn launch(
        smtp: std::sync::Arc<SmtpSink>,
        db: std::sync::Arc<TestDb>,
        tweak: impl FnOnce(&mut Config),
    ) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = test_config(&db.url, &base, Some(smtp.url()));
        tweak(&mut config);
        let mail_dir = config.mail_dir.clone();
        let state = plumbline::build_state(config).expect("app state");
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = plumbline::http_server(state.clone(), listener, 1).unwrap();
                tx.send(server.handle()).unwrap();
                let _ = plumbline::serve_with_worker(state, server).await;
            })
        });
        let handle = rx.recv().unwrap();
        TestApp { base, smtp, db, handle, thread: Some(thread), mail_dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn client(&self) -> Http {
        Http::new(&self.base)
    }

    /// A verified account made directly in the database (fast setup for tests that are not about sign-up).
    pub fn user(&self, email: &str, name: &str, site_admin: bool) -> i64 {
        let hash = plumbline::security::hash_password(PASSWORD).unwrap();
        let mut c = self.db.conn();
        plumbline::testing::repo::users::upsert(&mut c, email, name, &hash, site_admin).unwrap().id
    }

    /// A logged-in client for a new verified account.
    pub fn logged_in(&self, email: &str, name: &str, site_admin: bool) -> Http {
        self.user(email, name, site_admin);
        let http = self.client();
        let r = http.post_form("/login", &[("email", email), ("password", PASSWORD)]);
        assert_eq!(r.status, 303, "login of {email} failed: {}", r.body);
        http
    }

    /// Waits for a mail to `to` whose subject contains `subject`.
    pub fn mail(&self, to: &str, subject: &str) -> smtp::ReceivedMail {
        self.smtp.wait_for(to, |m| m.subject().contains(subject), Duration::from_secs(10)).unwrap_or_else(|| {
            panic!(
                "no mail to {to} with subject containing {subject:?}; got {:?}",
                self.smtp.messages().iter().map(|m| (m.to.clone(), m.subject())).collect::<Vec<_>>()
            )
        })
    }

    /// The number a `SELECT count(*) AS n ...` finds in this app's database.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(&mut self.db.conn()).unwrap().n
    }

    pub fn outbox_count(&self, recipient: &str) -> usize {
        plumbline::testing::repo::outbox::to_recipient(&mut self.db.conn(), recipient).unwrap().len()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        futures_util::FutureExt::now_or_never(stop);
        if let Some(t) = self.thread.take() {
            // The server stops within its shutdown timeout; do not wait for it forever.
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while !t.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// A read-write API token without expiry for a (verified) user.
pub fn api_token(c: &mut PgConnection, user_id: i64) -> String {
    let user = plumbline::testing::repo::users::find(c, user_id).unwrap();
    let request = plumbline::services::accounts::TokenRequest {
        name: "test".into(),
        scope: plumbline::domain::account::ApiScope::ReadWrite,
        lifetime: None,
    };
    plumbline::services::accounts::issue_api_token(&mut plumbline::services::Db::new(c), &user, &request).unwrap()
}

/// What a test sees of a response.
pub struct Page {
    pub status: u16,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn location(&self) -> String {
        self.headers.get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A browser-like HTTP client: keeps cookies, does not follow redirects, and
/// adds the CSRF token to forms like the pages do.
pub struct Http {
    pub base: String,
    pub client: Client,
    csrf: Mutex<Option<String>>,
}

impl Http {
    pub fn new(base: &str) -> Http {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Http { base: base.to_string(), client, csrf: Mutex::new(None) }
    }

    fn page(r: Response) -> Page {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().unwrap_or_default();
        Page { status, body, headers }
    }

    /// The raw body of a GET (a PDF, an image), after checking it is a 200.
    pub fn get_bytes(&self, path: &str) -> Vec<u8> {
        let r = self.client.get(format!("{}{}", self.base, path)).send().unwrap();
        assert_eq!(r.status().as_u16(), 200, "GET {path}");
        r.bytes().unwrap().to_vec()
    }

    pub fn get(&self, path: &str) -> Page {
        let p = self.seen(Self::page(self.client.get(format!("{}{}", self.base, path)).send().unwrap()));
        if let Some(t) = csrf_in(&p.body) {
            *self.csrf.lock().unwrap() = Some(t);
        }
        p
    }

    /// The CSRF token is bound to the session: when the session changes (login,
    /// logout, password change), the token remembered from an earlier page is dropped.
    fn seen(&self, p: Page) -> Page {
        if p.set_cookies().iter().any(|c| c.starts_with("plumbline_session=")) {
            *self.csrf.lock().unwrap() = None;
        }
        p
    }

    pub fn csrf(&self) -> String {
        if let Some(t) = self.csrf.lock().unwrap().clone() {
            return t;
        }
        let p = self.get("/login");
        csrf_in(&p.body).expect("a CSRF token on /login")
    }

    /// POSTs a form with this client's CSRF token.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all)
    }

    /// POSTs exactly these fields (no CSRF token added).
    pub fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.seen(Self::page(self.client.post(format!("{}{}", self.base, path)).form(fields).send().unwrap()))
    }

    /// Follows a mailed confirmation link the way a person does: opens the page,
    /// then presses its button (with the account's password when not logged in as it).
    pub fn confirm_address(&self, link: &str, password: &str) -> Page {
        let path = link.find("/verify").map(|i| &link[i..]).unwrap_or(link);
        let page = self.get(path);
        assert_eq!(page.status, 200, "the confirmation page: {}", page.body);
        let hidden = |name: &str| {
            Regex::new(&format!(r#"name="{name}" value="([^"]*)""#))
                .unwrap()
                .captures(&page.body)
                .map(|c| c[1].replace("&#x2F;", "/").replace("&#x3D;", "=").replace("&amp;", "&"))
                .unwrap_or_default()
        };
        let (token, next) = (hidden("token"), hidden("next"));
        self.post_form("/verify", &[("token", &token), ("next", &next), ("password", password)])
    }

    pub fn get_with_bearer(&self, path: &str, token: &str) -> Page {
        Self::page(self.client.get(format!("{}{}", self.base, path)).bearer_auth(token).send().unwrap())
    }

    /// GETs `path` asking for gzip: the Content-Encoding and the raw bytes.
    pub fn get_gzip(&self, path: &str) -> (String, Vec<u8>) {
        let r = self.client.get(format!("{}{}", self.base, path)).header("accept-encoding", "gzip").send().unwrap();
        let encoding = r.headers().get("content-encoding").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (encoding, r.bytes().unwrap().to_vec())
    }

    pub fn post_json_with_bearer(&self, path: &str, body: &serde_json::Value, token: &str) -> Page {
        Self::page(self.client.post(format!("{}{}", self.base, path)).bearer_auth(token).json(body).send().unwrap())
    }

    pub fn put_json_with_bearer(&self, path: &str, body: &serde_json::Value, token: &str) -> Page {
        Self::page(self.client.put(format!("{}{}", self.base, path)).bearer_auth(token).json(body).send().unwrap())
    }

    pub fn delete_with_bearer(&self, path: &str, token: &str) -> Page {
        Self::page(self.client.delete(format!("{}{}", self.base, path)).bearer_auth(token).send().unwrap())
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"name="csrf_token" value="([0-9a-f]+)""#).unwrap())
        .captures(body)
        .map(|c| c[1].to_string())
}

/// The first link in a mail's text that starts with `prefix`.
pub fn link_in(mail: &smtp::ReceivedMail, prefix: &str) -> String {
    let text = mail.text_body();
    text.split_whitespace()
        .find(|w| w.starts_with(prefix))
        .unwrap_or_else(|| panic!("no link {prefix} in:\n{text}"))
        .to_string()
}
