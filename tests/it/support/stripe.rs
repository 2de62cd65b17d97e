//! A local Stripe double: an HTTP server speaking the two endpoints Plumbline
//! calls (`POST /v1/checkout/sessions`, `POST /v1/refunds`, form-encoded with
//! a Bearer key and honouring `Idempotency-Key`), recording what it received,
//! plus a hosted payment page that "pays" and delivers the signed webhook
//! the way Stripe does (`Stripe-Signature: t=...,v1=HMAC-SHA256("{t}.{body}")`).

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub const SECRET_KEY: &str = "sk_test_plumbline_double";
pub const WEBHOOK_SECRET: &str = "whsec_plumbline_double";

/// One request the double received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub idempotency_key: String,
    pub form: HashMap<String, String>,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    /// Answers already given, by idempotency key: a retry gets the same one.
    answers: HashMap<String, Value>,
    sessions: HashMap<String, Value>,
    /// Refund calls to fail with a 500 before one succeeds.
    fail_refunds: usize,
    /// Where webhooks go (the app's `/webhooks/stripe`).
    webhook_url: String,
    counter: usize,
}

/// What the double's handlers share with the test.
#[derive(Clone)]
pub struct Shared {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

pub struct StripeDouble {
    shared: Shared,
    handle: actix_web::dev::ServerHandle,
}

impl std::ops::Deref for StripeDouble {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl Drop for StripeDouble {
    fn drop(&mut self) {
        let h = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false)));
    }
}

fn form_of(body: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect()
}

fn authorised(req: &HttpRequest) -> bool {
    req.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {SECRET_KEY}"))
}

fn error(status: u16, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({ "error": { "type": "invalid_request_error", "message": message } }))
}

async fn create_session(req: HttpRequest, body: web::Bytes, st: web::Data<Shared>) -> HttpResponse {
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    let key = req.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let form = form_of(&body);
    let mut inner = st.inner.lock().unwrap();
    inner.requests.push(Recorded {
        path: "/v1/checkout/sessions".into(),
        idempotency_key: key.clone(),
        form: form.clone(),
    });
    if let Some(previous) = inner.answers.get(&key) {
        return HttpResponse::Ok().json(previous.clone());
    }
    let f = |k: &str| form.get(k).cloned().unwrap_or_default();
    if f("mode") != "payment" || f("line_items[0][price_data][unit_amount]").parse::<i64>().is_err() {
        return error(400, "mode and a line item amount are required");
    }
    inner.counter += 1;
    let id = format!("cs_test_{}", inner.counter);
    let session = json!({
        "id": id, "object": "checkout.session", "mode": "payment",
        "url": format!("{}/pay/{id}", st.base),
        "amount_total": f("line_items[0][price_data][unit_amount]").parse::<i64>().unwrap(),
        "currency": f("line_items[0][price_data][currency]"),
        "client_reference_id": f("client_reference_id"),
        "customer_email": f("customer_email"),
        "metadata": { "registration_id": f("metadata[registration_id]") },
        "success_url": f("success_url"), "cancel_url": f("cancel_url"),
        "expires_at": f("expires_at").parse::<i64>().unwrap_or(0),
        "payment_status": "unpaid", "status": "open", "payment_intent": null,
    });
    inner.answers.insert(key, session.clone());
    inner.sessions.insert(id, session.clone());
    HttpResponse::Ok().json(session)
}

async fn create_refund(req: HttpRequest, body: web::Bytes, st: web::Data<Shared>) -> HttpResponse {
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    let key = req.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let form = form_of(&body);
    let mut inner = st.inner.lock().unwrap();
    inner.requests.push(Recorded { path: "/v1/refunds".into(), idempotency_key: key.clone(), form: form.clone() });
    if inner.fail_refunds > 0 {
        inner.fail_refunds -= 1;
        return error(500, "An unknown error occurred");
    }
    if let Some(previous) = inner.answers.get(&key) {
        return HttpResponse::Ok().json(previous.clone());
    }
    if !form.get("payment_intent").is_some_and(|p| p.starts_with("pi_")) {
        return error(400, "No such payment_intent");
    }
    inner.counter += 1;
    let refund = json!({
        "id": format!("re_test_{}", inner.counter), "object": "refund", "status": "succeeded",
        "payment_intent": form["payment_intent"], "amount": form.get("amount").and_then(|a| a.parse::<i64>().ok()),
    });
    inner.answers.insert(key, refund.clone());
    HttpResponse::Ok().json(refund)
}

/// Stripe's hosted page, reduced to one button.
async fn pay_page(id: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html").body(format!(
        "<!doctype html><html lang=en><title>Stripe double</title><main><h1>Pay</h1>\
         <form method=post action=\"/pay/{id}\"><button id=stripe-pay type=submit>Pay</button></form></main></html>"
    ))
}

/// Paying on the hosted page: the webhook goes out signed, then the browser
/// is sent to the success URL, as Stripe does.
async fn pay(id: web::Path<String>, st: web::Data<Shared>) -> HttpResponse {
    let double = st.get_ref().clone();
    let id = id.into_inner();
    let success = web::block(move || {
        let session = double.complete(&id, None);
        session["success_url"].as_str().unwrap_or("/").to_string()
    })
    .await
    .unwrap();
    HttpResponse::SeeOther().insert_header(("location", success)).finish()
}

impl StripeDouble {
    pub fn start() -> StripeDouble {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = Shared { base: base.clone(), inner };
        let for_server = shared.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(web::Data::new(for_server.clone()))
                        .route("/v1/checkout/sessions", web::post().to(create_session))
                        .route("/v1/refunds", web::post().to(create_refund))
                        .route("/pay/{id}", web::get().to(pay_page))
                        .route("/pay/{id}", web::post().to(pay))
                })
                .workers(1)
                .listen(listener)
                .unwrap()
                .run();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
            })
        });
        let handle = rx.recv().unwrap();
        StripeDouble { shared, handle }
    }
}

impl Shared {
    /// The app's configuration pointing at this double.
    pub fn config(&self) -> plumbline::config::StripeConfig {
        plumbline::config::StripeConfig {
            secret_key: SECRET_KEY.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            api_base: self.base.clone(),
            checkout_origin: self.base.clone(),
        }
    }

    pub fn set_webhook_target(&self, url: &str) {
        self.inner.lock().unwrap().webhook_url = url.to_string();
    }

    pub fn fail_next_refunds(&self, n: usize) {
        self.inner.lock().unwrap().fail_refunds = n;
    }

    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.iter().filter(|r| r.path == path).cloned().collect()
    }

    pub fn sessions(&self) -> Vec<Value> {
        self.inner.lock().unwrap().sessions.values().cloned().collect()
    }

    /// Completes a session as paid (`amount` overrides what is charged) and
    /// delivers `checkout.session.completed`; returns the completed session.
    pub fn complete(&self, session_id: &str, amount: Option<i64>) -> Value {
        let (mut session, target) = {
            let inner = self.inner.lock().unwrap();
            (inner.sessions[session_id].clone(), inner.webhook_url.clone())
        };
        session["payment_status"] = json!("paid");
        session["status"] = json!("complete");
        session["payment_intent"] = json!(format!("pi_test_{session_id}"));
        if let Some(a) = amount {
            session["amount_total"] = json!(a);
        }
        let event = event("checkout.session.completed", session.clone());
        let (status, _) = deliver(&target, &event, now());
        assert_eq!(status, 200, "the app refused a well-signed webhook");
        session
    }
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A Stripe event around `object`, with a fresh id.
pub fn event(kind: &str, object: Value) -> Value {
    json!({
        "id": format!("evt_test_{:x}", rand::random::<u64>()), "object": "event", "type": kind,
        "api_version": "2024-06-20", "created": now(), "livemode": false, "data": { "object": object },
    })
}

/// Posts an event to the webhook URL signed at `t`; returns the status and body.
pub fn deliver(url: &str, event: &Value, t: i64) -> (u16, String) {
    let body = serde_json::to_vec(event).unwrap();
    let signature = plumbline::domain::payment::sign(WEBHOOK_SECRET, t, &body);
    deliver_signed(url, body, Some(&signature))
}

pub fn deliver_signed(url: &str, body: Vec<u8>, signature: Option<&str>) -> (u16, String) {
    let client = reqwest::blocking::Client::new();
    let mut req = client.post(url).header("content-type", "application/json").body(body);
    if let Some(s) = signature {
        req = req.header("Stripe-Signature", s);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap_or_default())
}
