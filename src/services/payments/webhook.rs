//! `POST /webhooks/stripe`: Stripe tells us what happened. Each event is
//! verified by its signature, handled once (a replay of the same event id
//! changes nothing), and handled in one transaction with the conference's
//! seats locked. Refunds it decides on are recorded there and sent after.

use super::refunds::{queue_refund, send_refund};
use super::{money_arrived, Arrival};
use crate::domain::money::Money;
use crate::domain::payment::{verify_signature, PaymentMethod, RefundReason};
use crate::error::AppError;
use crate::services::registration::{expire_locked, notify};
use crate::services::repo::payments::{self as repo, Received};
use crate::services::repo::registrations::{self as registrations, Registration};
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// `checkout.session.*`'s object, the fields we read.
#[derive(Deserialize)]
struct Session {
    id: String,
    #[serde(default)]
    payment_status: String,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    payment_intent: Option<String>,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

/// `charge.refunded`'s object: the total refunded so far on the payment.
#[derive(Deserialize)]
struct Charge {
    payment_intent: Option<String>,
    amount_refunded: i64,
    currency: String,
}

/// What the webhook did, for its answer and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    Handled,
    /// The event id was handled before: nothing changed.
    Replay,
    /// A kind of event, or an object, Plumbline has nothing to do with.
    Ignored,
}

/// Verifies and handles one delivery. A bad or missing signature is 400 and
/// changes nothing; so is a body that is not an event.
pub async fn stripe_webhook(st: &AppState, signature: Option<&str>, body: &[u8]) -> Result<WebhookOutcome, AppError> {
    let cfg = st.config.stripe.as_ref().ok_or(AppError::NotFound)?;
    let now = chrono::Utc::now().timestamp();
    verify_signature(signature, body, &cfg.webhook_secret, now)
        .map_err(|e| AppError::BadRequest(e.message().into()))?;
    let event: Event =
        serde_json::from_slice(body).map_err(|_| AppError::BadRequest("The body is not a Stripe event.".into()))?;
    let (outcome, refunds) = st
        .db(move |db, st| {
            db.0.transaction(|conn| -> Result<_, AppError> {
                if !repo::claim_event(conn, &event.id, &event.kind)? {
                    return Ok((WebhookOutcome::Replay, vec![]));
                }
                let object = event.data.object;
                match event.kind.as_str() {
                    "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
                        session_paid(conn, st, parse(object)?)
                    }
                    "checkout.session.expired" => {
                        // The seat hold runs on: the person may pay again until it ends.
                        let s: Session = parse(object)?;
                        repo::set_checkout_state(conn, &s.id, "expired")?;
                        Ok((WebhookOutcome::Handled, vec![]))
                    }
                    "charge.refunded" => charge_refunded(conn, st, parse(object)?),
                    _ => Ok((WebhookOutcome::Ignored, vec![])),
                }
            })
        })
        .await?;
    for id in refunds {
        send_refund(st, id).await;
    }
    if outcome == WebhookOutcome::Handled {
        st.pages.written();
    }
    Ok(outcome)
}

fn parse<T: serde::de::DeserializeOwned>(object: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(object).map_err(|e| AppError::BadRequest(format!("The event's object cannot be read: {e}")))
}

type Handled = (WebhookOutcome, Vec<i64>);

/// The registration a session was made for, by its public id.
fn registration_of(conn: &mut PgConnection, s: &Session) -> Result<Option<Registration>, AppError> {
    let id = s.metadata.get("registration_id").or(s.client_reference_id.as_ref());
    let Some(id) = id.and_then(|i| Uuid::parse_str(i).ok()) else {
        return Ok(None);
    };
    Ok(repo::by_public_id(conn, id)?)
}

/// A Checkout Session was paid: the fee is counted once, under the seat lock.
/// A payment for a seat that lapsed with none free, a second payment, or one
/// in another currency is returned (and flagged), never kept silently.
fn session_paid(conn: &mut PgConnection, st: &AppState, s: Session) -> Result<Handled, AppError> {
    repo::set_checkout_state(conn, &s.id, "complete")?;
    if s.payment_status != "paid" {
        // An asynchronous method still under way: its own event follows.
        return Ok((WebhookOutcome::Ignored, vec![]));
    }
    let (Some(found), Some(amount), Some(intent)) = (registration_of(conn, &s)?, s.amount_total, &s.payment_intent)
    else {
        tracing::warn!(session = %s.id, "a paid Checkout Session names no registration of ours");
        return Ok((WebhookOutcome::Ignored, vec![]));
    };
    let conf = registrations::conference_by_id(conn, found.conference_id)?;
    // Seats first, then the registration: the order every seat decision takes.
    let settings = registrations::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
    expire_locked(conn, st, &conf, &settings)?;
    let settings = registrations::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
    let r = repo::lock_registration(conn, found.id)?;
    let currency = s.currency.unwrap_or_default().to_uppercase();
    let got = Money::new(amount, &currency);
    if currency != r.currency {
        let note = format!("A card payment of {got} came in another currency than the fee's; it is being refunded.");
        return returned(conn, st, (&conf, &r), (intent, &got), RefundReason::WrongCurrency, &note);
    }
    let received = Received { method: PaymentMethod::Card, amount_minor: amount, reference: intent };
    match money_arrived(conn, st, (&conf, &settings), &r, &received)? {
        Arrival::Paid => Ok((WebhookOutcome::Handled, vec![])),
        Arrival::NotDue => {
            let note = format!("A second card payment of {got} arrived ({intent}); it is being refunded.");
            returned(conn, st, (&conf, &r), (intent, &got), RefundReason::Duplicate, &note)
        }
        Arrival::NoSeat => {
            let note = format!(
                "A card payment of {got} arrived after the seat had lapsed, with no seat free; it is being refunded."
            );
            returned(conn, st, (&conf, &r), (intent, &got), RefundReason::SeatLapsed, &note)
        }
    }
}

/// Money that does not count as the fee goes back: a refund recorded now and
/// sent after the transaction, a flag for the organisers, a mail to the person.
fn returned(
    conn: &mut PgConnection,
    st: &AppState,
    (conf, r): (&crate::services::repo::conferences::Conference, &Registration),
    (intent, got): (&str, &Money),
    reason: RefundReason,
    note: &str,
) -> Result<Handled, AppError> {
    let refund = queue_refund(conn, r, intent, got, reason, None)?;
    repo::flag(conn, r.id, note)?;
    let extra = json!({ "amount": got.to_string(), "why": reason.label() });
    notify(conn, st, conf, r, "registration_payment_returned", extra)?;
    Ok((WebhookOutcome::Handled, vec![refund]))
}

/// A refund made in Stripe (or one of ours, reported back): the total refunded
/// on the payment is what Stripe says. Our own refunds were counted when made,
/// so their report changes nothing and mails nobody twice.
fn charge_refunded(conn: &mut PgConnection, st: &AppState, c: Charge) -> Result<Handled, AppError> {
    let Some(intent) = c.payment_intent else {
        return Ok((WebhookOutcome::Ignored, vec![]));
    };
    let Some(found) = repo::by_payment_intent(conn, &intent)? else {
        return Ok((WebhookOutcome::Ignored, vec![]));
    };
    let conf = registrations::conference_by_id(conn, found.conference_id)?;
    let settings = registrations::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
    let r = repo::lock_registration(conn, found.id)?;
    let more = c.amount_refunded.min(r.amount_paid_minor) - r.amount_refunded_minor;
    if more <= 0 || !c.currency.eq_ignore_ascii_case(&r.currency) {
        return Ok((WebhookOutcome::Handled, vec![]));
    }
    super::refunds::count_refund(conn, st, (&conf, &settings), &r, more, RefundReason::Stripe, None)?;
    Ok((WebhookOutcome::Handled, vec![]))
}
