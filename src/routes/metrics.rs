//! `GET /metrics` for Prometheus: from loopback, or with the metrics token.

use crate::error::AppError;
use crate::services::{health, policy};
use crate::state::State;
use crate::web::metrics::Snapshot;
use actix_web::{get, HttpRequest, HttpResponse};

#[get("/metrics")]
pub async fn metrics(state: State, req: HttpRequest) -> Result<HttpResponse, AppError> {
    // A request a proxy forwarded is not the operator's own scraper, even when
    // the proxy itself runs on this machine: only the token admits it.
    let forwarded = req.headers().contains_key("x-forwarded-for");
    let from_loopback = !forwarded && req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    let token_matches = match (&state.config.metrics_token, super::bearer(&req)) {
        (Some(expected), Some(given)) => crate::security::same_secret(expected, given),
        _ => false,
    };
    policy::require_metrics_reader(from_loopback, token_matches)?;
    let totals = state.db(|db, _| health::totals(db)).await?;
    let (in_use, idle, max) = state.pool_usage();
    let snapshot = Snapshot {
        pool_in_use: in_use.into(),
        pool_idle: idle.into(),
        pool_max: max.into(),
        outbox_pending: totals.outbox_pending,
        outbox_oldest_pending_seconds: totals.outbox_oldest_pending_seconds,
        outbox_failed: totals.outbox_failed,
        registrations: totals.registrations,
        bookings: totals.bookings,
    };
    let body = state.metrics.render(&snapshot).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").body(body))
}
