//! What an operator watches, in the Prometheus text format: requests by route
//! and status, latency, the database pool, the outbox, and what people did
//! (registrations, bookings). Request figures are counted by this instance;
//! the rest is read from the database when scraped, so every instance reports
//! the same totals.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's pattern (`/c/{slug}/rooms`), never the path: paths carry
    /// secrets and would make a series per conference.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

/// Figures read when scraped (from the pool and the database).
pub struct Snapshot {
    pub pool_in_use: i64,
    pub pool_idle: i64,
    pub pool_max: i64,
    pub outbox_pending: i64,
    pub outbox_oldest_pending_seconds: i64,
    pub outbox_failed: i64,
    pub registrations: i64,
    pub bookings: i64,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram>,
    gauges: [Gauge; 8],
}

const GAUGES: [(&str, &str); 8] = [
    ("db_pool_in_use", "Database connections in use by this instance"),
    ("db_pool_idle", "Idle database connections of this instance"),
    ("db_pool_max", "Largest database pool of this instance"),
    ("outbox_pending", "Mails waiting to be sent"),
    ("outbox_oldest_pending_seconds", "Age of the oldest mail waiting to be sent"),
    ("outbox_failed", "Mails given up on (see /admin/outbox)"),
    ("registrations", "Registrations, all conferences, any status"),
    ("room_bookings", "Live room bookings, all conferences"),
];

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("plumbline");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route and status", requests.clone());
        let latency = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            // 1 ms to about 4 s.
            Histogram::new(exponential_buckets(0.001, 2.0, 13))
        });
        registry.register("http_request_duration_seconds", "Time to answer a request, by route", latency.clone());
        let gauges: [Gauge; 8] = Default::default();
        for ((name, help), gauge) in GAUGES.iter().zip(gauges.iter()) {
            registry.register(*name, *help, gauge.clone());
        }
        Metrics { registry, requests, latency, gauges }
    }
}

impl Metrics {
    /// Counts one answered request; `route` is the matched pattern or "unmatched".
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels { method: method.to_string(), route: route.to_string(), status };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&RouteLabel { route: route.to_string() }).observe(seconds);
    }

    /// The exposition text, with the scraped figures.
    pub fn render(&self, s: &Snapshot) -> Result<String, std::fmt::Error> {
        let values = [
            s.pool_in_use,
            s.pool_idle,
            s.pool_max,
            s.outbox_pending,
            s.outbox_oldest_pending_seconds,
            s.outbox_failed,
            s.registrations,
            s.bookings,
        ];
        for (gauge, v) in self.gauges.iter().zip(values) {
            gauge.set(v);
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
