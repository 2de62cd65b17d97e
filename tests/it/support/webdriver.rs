//! Minimal W3C WebDriver client (reqwest::blocking) plus a chromedriver launcher.
//!
//! ```ignore
//! if !Browser::available() { eprintln!("skipping: no chromium"); return; }
//! let b = Browser::start();
//! b.goto(&format!("{base}/login"));
//! b.fill("input[name=email]", "a@b.c");
//! b.click("button[type=submit]");
//! assert!(b.wait_for_text("h1", "Welcome", Duration::from_secs(10)));
//! ```
#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The W3C web element identifier key (WebDriver spec §12.1).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Extracts an element id from a web element reference
/// (W3C key, else legacy "ELEMENT", else the object's only string value).
fn element_id(v: &Value) -> Option<String> {
    if let Some(s) = v[ELEMENT_KEY].as_str().or_else(|| v["ELEMENT"].as_str()) {
        return Some(s.to_string());
    }
    v.as_object()?.values().find_map(|x| x.as_str().map(String::from))
}

/// A WebDriver error as returned by the driver (or a transport failure).
#[derive(Debug, Clone)]
pub struct WdError {
    pub status: u16,
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "webdriver error (HTTP {}): {}: {}", self.status, self.error, self.message)
    }
}

/// A headless Chromium session driven through its own chromedriver process.
pub struct Browser {
    child: Child,
    driver_url: String,
    session: String,
    http: reqwest::blocking::Client,
    tmp: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind for free port").local_addr().unwrap().port()
}

fn css_str(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

impl Browser {
    /// True when both chromedriver and chromium are installed.
    pub fn available() -> bool {
        Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists()
    }

    /// The browser journeys need Chromium: without it they fail, saying how to
    /// install it, rather than pass without having run.
    pub fn require() {
        assert!(
            Browser::available(),
            "chromium/chromedriver are missing: apt-get install chromium chromium-driver (bash .ci/run does)"
        );
    }

    /// Spawns chromedriver on a free port, waits for it (20s) and opens a
    /// headless Chromium session with a fresh profile directory.
    pub fn start() -> Browser {
        assert!(Browser::available(), "webdriver: {CHROMEDRIVER} or {CHROMIUM} missing");
        let tmp =
            std::env::temp_dir().join(format!("plumbline-wd-{}-{:016x}", std::process::id(), rand::random::<u64>()));
        let profile = tmp.join("profile");
        fs::create_dir_all(&profile).expect("webdriver: create temp dir");
        let log = fs::File::create(tmp.join("chromedriver.log")).expect("webdriver: create log");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(90))
            .no_proxy()
            .build()
            .expect("webdriver: http client");

        // A port picked this way can race with another process; retry a few times.
        let mut last_err = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.try_clone().unwrap()))
                .stderr(Stdio::from(log.try_clone().unwrap()))
                .spawn()
                .expect("webdriver: spawn chromedriver");
            let mut child = child;
            let driver_url = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut ready = false;
            while Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    last_err = format!("chromedriver exited early: {status}");
                    break;
                }
                if let Ok(resp) = http.get(format!("{driver_url}/status")).send() {
                    if let Ok(v) = resp.json::<Value>() {
                        if v["value"]["ready"].as_bool() == Some(true) {
                            ready = true;
                            break;
                        }
                    }
                }
                thread::sleep(Duration::from_millis(100));
            }
            if !ready {
                if last_err.is_empty() {
                    last_err = "chromedriver not ready within 20s".into();
                }
                let _ = child.kill();
                let _ = child.wait();
                continue;
            }
            let mut b = Browser { child, driver_url, session: String::new(), http: http.clone(), tmp: tmp.clone() };
            let caps = json!({
                "capabilities": {
                    "alwaysMatch": {
                        "browserName": "chrome",
                        "pageLoadStrategy": "normal",
                        "goog:chromeOptions": {
                            "binary": CHROMIUM,
                            "args": [
                                "--headless=new",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--no-first-run",
                                "--disable-sync",
                                "--disable-quic",
                                format!("--user-data-dir={}", profile.display()),
                                "--window-size=1280,900",
                            ]
                        }
                    }
                }
            });
            match b.raw("POST", "/session", Some(caps)) {
                Ok(v) => {
                    b.session = v["sessionId"].as_str().expect("webdriver: no sessionId").to_string();
                    b.cmd("POST", "timeouts", json!({"implicit": 0, "pageLoad": 30000, "script": 30000}));
                    return b;
                }
                Err(e) => panic!(
                    "webdriver: cannot create session: {e}\nchromedriver log: {}",
                    fs::read_to_string(tmp.join("chromedriver.log")).unwrap_or_default()
                ),
            }
        }
        let log = fs::read_to_string(tmp.join("chromedriver.log")).unwrap_or_default();
        let _ = fs::remove_dir_all(&tmp);
        panic!("webdriver: could not start chromedriver: {last_err}\nlog: {log}");
    }

    /// Sends a request to the driver; `path` is absolute ("/session/...").
    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let url = format!("{}{}", self.driver_url, path);
        let req = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let resp = req.send().map_err(|e| WdError {
            status: 0,
            error: "transport".into(),
            message: format!("{method} {path}: {e}"),
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            Ok(v["value"].clone())
        } else {
            Err(WdError {
                status,
                error: v["value"]["error"].as_str().unwrap_or("unknown error").to_string(),
                message: v["value"]["message"]
                    .as_str()
                    .map(|m| m.lines().next().unwrap_or("").to_string())
                    .unwrap_or(text),
            })
        }
    }

    /// A session command, `rel` relative to /session/{id}/ ; errors returned.
    pub fn try_cmd(&self, method: &str, rel: &str, body: Value) -> Result<Value, WdError> {
        let path = if rel.is_empty() {
            format!("/session/{}", self.session)
        } else {
            format!("/session/{}/{}", self.session, rel)
        };
        self.raw(method, &path, if method == "POST" { Some(body) } else { None })
    }

    /// A session command; panics on error.
    pub fn cmd(&self, method: &str, rel: &str, body: Value) -> Value {
        self.try_cmd(method, rel, body).unwrap_or_else(|e| panic!("{e} [{method} {rel}]"))
    }

    /// Finds the first element matching `css`; Ok(None) when there is none.
    pub fn try_find(&self, css: &str) -> Result<Option<String>, WdError> {
        match self.try_cmd("POST", "element", json!({"using": "css selector", "value": css})) {
            Ok(v) => Ok(Some(element_id(&v).unwrap_or_else(|| panic!("webdriver: no element id in {v}")))),
            Err(e) if e.error == "no such element" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Finds the first element matching `css`, waiting up to 5s for it to appear.
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.try_find(css) {
                Ok(Some(id)) => return id,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(100)),
                Ok(None) => panic!(
                    "webdriver: no element matches {css:?} on {}\n--- page source ---\n{}",
                    self.current_url(),
                    self.page_source()
                ),
                Err(e) => panic!("webdriver: find {css:?}: {e}"),
            }
        }
    }

    /// Element ids of all matches (no waiting).
    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd("POST", "elements", json!({"using": "css selector", "value": css}));
        v.as_array().map(|a| a.iter().filter_map(element_id).collect()).unwrap_or_default()
    }

    /// True if at least one element matches `css` right now.
    pub fn exists(&self, css: &str) -> bool {
        !self.find_all(css).is_empty()
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "url", json!({ "url": url }));
    }

    pub fn current_url(&self) -> String {
        self.cmd("GET", "url", Value::Null).as_str().unwrap_or_default().to_string()
    }

    pub fn title(&self) -> String {
        self.cmd("GET", "title", Value::Null).as_str().unwrap_or_default().to_string()
    }

    /// Finds by CSS, clears the field, then types `text`.
    pub fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("element/{id}/clear"), json!({}));
        self.cmd("POST", &format!("element/{id}/value"), json!({ "text": text }));
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("element/{id}/click"), json!({}));
    }

    /// Visible text of the first match.
    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.cmd("GET", &format!("element/{id}/text"), Value::Null).as_str().unwrap_or_default().to_string()
    }

    /// Visible texts of all matches (no waiting).
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.find_all(css)
            .into_iter()
            .filter_map(|id| self.try_cmd("GET", &format!("element/{id}/text"), Value::Null).ok())
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// An attribute (or, failing that, property) of the first match.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let id = self.find(css);
        let v = self.cmd("GET", &format!("element/{id}/attribute/{name}"), Value::Null);
        match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    pub fn page_source(&self) -> String {
        self.cmd("GET", "source", Value::Null).as_str().unwrap_or_default().to_string()
    }

    /// Polls (every 100ms) until the first element matching `css` has visible
    /// text containing `needle`; false after `timeout`.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(id)) = self.try_find(css) {
                if let Ok(v) = self.try_cmd("GET", &format!("element/{id}/text"), Value::Null) {
                    if v.as_str().unwrap_or_default().contains(needle) {
                        return true;
                    }
                }
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Polls until the current URL contains `needle`; false after `timeout`.
    pub fn wait_for_url(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(v) = self.try_cmd("GET", "url", Value::Null) {
                if v.as_str().unwrap_or_default().contains(needle) {
                    return true;
                }
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// For a `<select>`: clicks the option `{css} option[value="{value}"]`.
    pub fn select_by_value(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value=\"{}\"]", css_str(value)));
    }

    /// Runs synchronous JavaScript (`return ...;`) and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd("POST", "execute/sync", json!({ "script": script, "args": args }))
    }

    /// axe-core's violations of serious or critical impact on the current
    /// page, one line each (rule, help, where). axe-core comes from npm.
    pub fn axe_serious(&self) -> Vec<String> {
        let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| "node_modules/axe-core/axe.min.js".into());
        let source = fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("axe-core is needed for the accessibility checks: `npm install --no-save axe-core@4` (see README)")
        });
        self.execute(&format!("{source}\n;window.axe = axe; return true;"), vec![]);
        let script = "var done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
              done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                .map(function (v) {
                  return v.id + ': ' + v.help + ' (' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join('; ') + ')';
                }));
            }, function (e) { done(['axe failed: ' + e]); });";
        let v = self.cmd("POST", "execute/async", json!({ "script": script, "args": [] }));
        v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
    }

    /// PNG screenshot of the viewport.
    pub fn screenshot_png(&self) -> Vec<u8> {
        let v = self.cmd("GET", "screenshot", Value::Null);
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("webdriver: screenshot is not a string"))
            .expect("webdriver: screenshot base64")
    }

    /// Writes a PNG screenshot to `path` (handy when a test fails).
    pub fn save_screenshot(&self, path: impl AsRef<Path>) {
        fs::write(path, self.screenshot_png()).expect("webdriver: write screenshot");
    }

    /// Removes all cookies of the current domain.
    pub fn delete_cookies(&self) {
        self.cmd("DELETE", "cookie", Value::Null);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.raw("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.tmp);
    }
}
