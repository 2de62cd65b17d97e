//! Plumbline: runs a plumbers-style technical conference, from the call for
//! proposals to the rooms on the day.
//!
//! Layers point one way: `routes` -> `services` -> `repo` -> `db`; `domain` is pure.

pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod security;
pub mod services;
pub mod state;
pub mod templates;
pub mod web;
pub mod worker;

/// Set-up for the integration tests only (feature `test-support`, switched on by
/// the crate's dev-dependency on itself): the repo layer and the data loaders,
/// which the production build keeps private to `services`.
#[cfg(feature = "test-support")]
pub mod testing {
    pub use crate::services::repo;
    pub use crate::services::seed;
}

use crate::config::Config;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, DefaultHeaders, Next};
use actix_web::{web as aweb, App, HttpRequest, HttpResponse, HttpServer};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// Loads templates and opens the pool (creating and migrating the database).
pub fn build_state(config: Config) -> Result<aweb::Data<AppState>, String> {
    let templates = templates::Templates::load(config.templates_dir.as_deref(), config.dev_templates)?;
    let pool = db::prepare(&config.database_url, config.pool_size).map_err(|e| e.to_string())?;
    Ok(aweb::Data::new(AppState::new(pool, config, templates)))
}

/// The content security policy. Forms post only here, except that "Pay now"
/// is answered with a redirect to Stripe's payment page, which browsers check
/// against form-action too.
fn csp(config: &Config) -> String {
    let pay = config.stripe.as_ref().map(|s| format!(" {}", s.checkout_origin)).unwrap_or_default();
    format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'{pay}; frame-ancestors 'none'"
    )
}

fn security_headers(https: bool, csp: &str) -> DefaultHeaders {
    let headers = DefaultHeaders::new();
    // Served over https: browsers stay on https for a year (RFC 6797).
    let headers = if https { headers.add(("Strict-Transport-Security", "max-age=31536000")) } else { headers };
    headers
        .add(("Content-Security-Policy", csp))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
}

/// One log line per request, with an id that is also returned to the client.
async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = format!("{:016x}", rand::random::<u64>());
    let method = req.method().to_string();
    // Paths can carry secrets (invitation links, personal feeds): never logged as they are.
    let path = web::redact_path(req.path()).into_owned();
    let started = Instant::now();
    let state = req.app_data::<aweb::Data<AppState>>().cloned();
    let writes = !matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
    let mut res = next.call(req).await?;
    if let (true, Some(pages)) = (writes, state.as_ref().map(|s| &s.pages)) {
        // Whatever was written, this instance's cached pages are checked again.
        if actix_web::HttpMessage::extensions(res.request()).contains::<crate::web::page_cache::AttendeeWrite>() {
            pages.written_by_attendee();
        } else {
            pages.written();
        }
    }
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&id) {
        res.headers_mut().insert(actix_web::http::header::HeaderName::from_static("x-request-id"), v);
    }
    let elapsed = started.elapsed();
    if let Some(state) = &state {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        state.metrics.observe(&method, &route, res.status().as_u16(), elapsed.as_secs_f64());
    }
    let ms = elapsed.as_millis() as u64;
    // Half a second is long for any page here: worth a line at the default level.
    if ms >= 500 {
        tracing::warn!(request_id = %id, %method, %path, status = res.status().as_u16(), ms, "slow request");
    } else {
        tracing::info!(request_id = %id, %method, %path, status = res.status().as_u16(), ms, "request");
    }
    Ok(res)
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(ApiError(AppError::NotFound).into())
    } else {
        Err(AppError::NotFound.into())
    }
}

fn bad_input(message: String, path: &str) -> actix_web::Error {
    edge_error(AppError::BadRequest(message), path)
}

/// The error as a page, or as JSON under /api.
fn edge_error(e: AppError, path: &str) -> actix_web::Error {
    if path.starts_with("/api/") {
        ApiError(e).into()
    } else {
        e.into()
    }
}

/// A body over the limit is "too large" (413), whatever else is wrong with it.
fn json_error(e: actix_web::error::JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match e {
        J::Overflow { .. } | J::OverflowKnownLength { .. } => edge_error(AppError::PayloadTooLarge, req.path()),
        e => bad_input(format!("The JSON body could not be read: {e}"), req.path()),
    }
}

fn form_error(e: actix_web::error::UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError as U;
    match e {
        U::Overflow { .. } => edge_error(AppError::PayloadTooLarge, req.path()),
        e => bad_input(format!("The form could not be read: {e}"), req.path()),
    }
}

/// The HTTP server on an already bound listener (port 0 in tests).
pub fn http_server(
    state: aweb::Data<AppState>,
    listener: TcpListener,
    workers: usize,
) -> std::io::Result<actix_web::dev::Server> {
    let request_timeout = state.config.request_timeout;
    let https = state.config.secure_cookies();
    let policy = csp(&state.config);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(aweb::FormConfig::default().limit(web::csrf::FORM_LIMIT).error_handler(form_error))
            .app_data(
                aweb::QueryConfig::default()
                    .error_handler(|e, req| bad_input(format!("The address is not valid: {e}"), req.path())),
            )
            .app_data(
                aweb::PathConfig::default()
                    .error_handler(|e, req| bad_input(format!("The address is not valid: {e}"), req.path())),
            )
            .app_data(aweb::JsonConfig::default().limit(64 * 1024).error_handler(json_error))
            .wrap(from_fn(web::csrf::protect))
            // Gzip when the client asks for it (pages and exports compress 5–10×).
            .wrap(actix_web::middleware::Compress::default())
            .wrap(security_headers(https, &policy))
            .wrap(from_fn(request_log))
            .configure(routes::configure)
            .default_service(aweb::to(not_found))
    })
    // Compressed pages go out in several writes; with Nagle's algorithm the last
    // one waits for the client's delayed ACK (40 ms per response, actix-web
    // #3444). Pages are written whole, so there is nothing to coalesce.
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    })
    .workers(workers.max(1))
    // A slow client cannot hold a worker forever.
    .client_request_timeout(request_timeout)
    .client_disconnect_timeout(Duration::from_secs(2))
    .keep_alive(Duration::from_secs(30))
    .shutdown_timeout(20)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Serves HTTP and runs the outbox worker until the server stops (SIGTERM/SIGINT),
/// then lets the worker finish the mail in hand.
pub async fn run(state: aweb::Data<AppState>, listener: TcpListener, workers: usize) -> std::io::Result<()> {
    let server = http_server(state.clone(), listener, workers)?;
    serve_with_worker(state, server).await
}

/// Runs an already built server next to the outbox worker (tests keep the server's handle).
pub async fn serve_with_worker(state: aweb::Data<AppState>, server: actix_web::dev::Server) -> std::io::Result<()> {
    let mailer = worker::Mailer::from_config(&state.config).map_err(std::io::Error::other)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = actix_web::rt::spawn(worker::run(state.clone(), mailer, stop_rx));
    let result = server.await;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    result
}
