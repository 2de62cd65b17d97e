//! HTTP routes, one file per area. Handlers are thin: form -> domain parse -> service -> render or 303.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod assets;
pub mod cfp;
pub mod conferences;
pub mod health;
pub mod manage;
pub mod microconferences;
pub mod registration;
pub mod review;
pub mod rooms;
pub mod schedule;
pub mod views;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(assets::asset)
        .service(api::scope())
        .configure(accounts::configure)
        .configure(admin::configure)
        .configure(conferences::configure)
        .configure(cfp::configure)
        .configure(manage::configure)
        .configure(microconferences::configure)
        .configure(review::configure)
        .configure(schedule::configure)
        .configure(registration::configure)
        .configure(rooms::configure);
}

/// The client as the throttle sees it: the peer address (proxies would set this up explicitly).
pub fn client_key(req: &actix_web::HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
}
