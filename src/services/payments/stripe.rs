//! Stripe's HTTP API, the two calls Plumbline makes: create a Checkout Session
//! and create a refund. Form-encoded requests with the secret key as Bearer
//! token and an `Idempotency-Key`, JSON answers. The base URL comes from
//! configuration, so the tests point the same code at a local double.

use crate::config::StripeConfig;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::sync::OnceLock;
use std::time::Duration;

/// One client (and its connection pool) for the process.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default()
    })
}

#[derive(Debug)]
pub enum StripeError {
    /// No answer, or Stripe's own trouble (5xx, 429): the same request, with
    /// the same idempotency key, may be tried again.
    Retry(String),
    /// Stripe refused the request (4xx): trying again will not help.
    Refused(String),
}

impl std::fmt::Display for StripeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StripeError::Retry(m) => write!(f, "Stripe did not answer usably: {m}"),
            StripeError::Refused(m) => write!(f, "Stripe refused: {m}"),
        }
    }
}

/// What a Checkout Session is made from.
pub struct CheckoutRequest<'a> {
    pub amount_minor: i64,
    /// ISO code; sent in lower case as Stripe writes it.
    pub currency: &'a str,
    /// "Conference · ticket type", shown on Stripe's page and the card statement.
    pub product_name: &'a str,
    /// The registration's public id.
    pub registration_id: &'a str,
    pub customer_email: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub expires_at: DateTime<Utc>,
}

impl CheckoutRequest<'_> {
    /// The form fields, in Stripe's bracket notation.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        vec![
            ("mode", "payment".into()),
            ("line_items[0][quantity]", "1".into()),
            ("line_items[0][price_data][currency]", self.currency.to_lowercase()),
            ("line_items[0][price_data][unit_amount]", self.amount_minor.to_string()),
            ("line_items[0][price_data][product_data][name]", self.product_name.into()),
            ("client_reference_id", self.registration_id.into()),
            ("metadata[registration_id]", self.registration_id.into()),
            ("payment_intent_data[metadata][registration_id]", self.registration_id.into()),
            ("customer_email", self.customer_email.into()),
            ("success_url", self.success_url.into()),
            ("cancel_url", self.cancel_url.into()),
            ("expires_at", self.expires_at.timestamp().to_string()),
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: String,
}

async fn post<T: serde::de::DeserializeOwned>(
    cfg: &StripeConfig,
    path: &str,
    form: &[(&str, String)],
    idempotency_key: &str,
) -> Result<T, StripeError> {
    let body = serde_urlencoded::to_string(form).map_err(|e| StripeError::Refused(e.to_string()))?;
    let answer = client()
        .post(format!("{}{path}", cfg.api_base))
        .bearer_auth(&cfg.secret_key)
        .header("Idempotency-Key", idempotency_key)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| StripeError::Retry(e.without_url().to_string()))?;
    let status = answer.status();
    let bytes = answer.bytes().await.map_err(|e| StripeError::Retry(e.without_url().to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| StripeError::Retry(format!("unreadable answer: {e}")));
    }
    let message = serde_json::from_slice::<ErrorBody>(&bytes)
        .map(|b| b.error.message)
        .unwrap_or_else(|_| format!("HTTP {status}"));
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 409 {
        Err(StripeError::Retry(message))
    } else {
        Err(StripeError::Refused(message))
    }
}

/// `POST /v1/checkout/sessions`.
pub async fn create_checkout(
    cfg: &StripeConfig,
    req: &CheckoutRequest<'_>,
    idempotency_key: &str,
) -> Result<CheckoutSession, StripeError> {
    post(cfg, "/v1/checkout/sessions", &req.form(), idempotency_key).await
}

/// `POST /v1/refunds` for part or all of a payment intent.
pub async fn create_refund(
    cfg: &StripeConfig,
    payment_intent: &str,
    amount_minor: i64,
    idempotency_key: &str,
) -> Result<Refund, StripeError> {
    let form = [("payment_intent", payment_intent.to_string()), ("amount", amount_minor.to_string())];
    post(cfg, "/v1/refunds", &form, idempotency_key).await
}
