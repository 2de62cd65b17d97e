//! HTTP routes, one file per area. Handlers are thin: form -> domain parse -> service -> render or 303.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod assets;
pub mod cfp;
pub mod co_location;
pub mod conferences;
pub mod copy;
pub mod group_mail;
pub mod health;
pub mod manage;
pub mod mc_ideas;
pub mod metrics;
pub mod microconferences;
pub mod registration;
pub mod review;
pub mod rooms;
pub mod schedule;
pub mod speakers;
pub mod unconference;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(metrics::metrics)
        .service(assets::asset)
        .service(api::scope())
        .configure(accounts::configure)
        .configure(admin::configure)
        .configure(conferences::configure)
        .configure(copy::configure)
        .configure(group_mail::configure)
        .configure(cfp::configure)
        .configure(co_location::configure)
        .configure(manage::configure)
        .configure(mc_ideas::configure)
        .configure(microconferences::configure)
        .configure(review::configure)
        .configure(schedule::configure)
        .configure(speakers::configure)
        .configure(registration::configure)
        .configure(rooms::configure)
        .configure(unconference::configure);
}

/// The client as the throttles see it: the peer address, or behind a proxy
/// listed in `PLUMBLINE_TRUSTED_PROXIES`, the address it forwarded.
pub fn client_key(req: &actix_web::HttpRequest, config: &crate::config::Config) -> String {
    client_address(req, config).map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
}

/// The client's address: the peer, or behind a trusted proxy, the one it forwarded.
pub fn client_address(req: &actix_web::HttpRequest, config: &crate::config::Config) -> Option<std::net::IpAddr> {
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    crate::domain::net::client_address(req.peer_addr().map(|a| a.ip()), forwarded, &config.trusted_proxies)
}

/// The token of an `Authorization: Bearer ...` header, if any.
pub fn bearer(req: &actix_web::HttpRequest) -> Option<&str> {
    let header = req.headers().get("authorization")?.to_str().ok()?;
    header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty())
}
