//! Refunds: by the organisers from the desk (full or partial), of money that
//! must go back (a payment after the seat lapsed, a second payment), and those
//! made in Stripe. A card refund is recorded first and sent to Stripe after the
//! transaction with its own idempotency key; if Stripe does not answer, the
//! worker sends it again with the same key, so it happens exactly once.

use super::stripe::{self, StripeError};
use crate::domain::money::Money;
use crate::domain::payment::{PaymentMethod, RefundReason, RefundState};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::registration::{cancel_locked, notify};
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::{self as repo, NewRefund};
use crate::services::repo::registrations::{self as registrations, Registration, SettingsRow};
use crate::services::repo::users::User;
use crate::state::AppState;
use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// Stripe is asked this many times before a refund counts as failed.
const MAX_ATTEMPTS: i32 = 8;

/// Records a card refund to send (or, for money not paid by card, one the
/// organisers pay back themselves); returns its id.
pub(super) fn queue_refund(
    conn: &mut PgConnection,
    r: &Registration,
    payment_intent: &str,
    amount: &Money,
    reason: RefundReason,
    by: Option<i64>,
) -> Result<i64, AppError> {
    let state = if payment_intent.is_empty() { RefundState::Manual } else { RefundState::Pending };
    record_refund(conn, r, (payment_intent, amount), reason, state, by)
}

fn record_refund(
    conn: &mut PgConnection,
    r: &Registration,
    (payment_intent, amount): (&str, &Money),
    reason: RefundReason,
    state: RefundState,
    requested_by: Option<i64>,
) -> Result<i64, AppError> {
    let new = NewRefund {
        registration_id: r.id,
        payment_intent,
        amount_minor: amount.minor,
        currency: &amount.currency,
        reason,
        state,
        requested_by,
    };
    Ok(repo::insert_refund(conn, &new)?.id)
}

/// Counts `amount` of the registration's payment as refunded and mails the
/// person; a registration refunded in full gives up its seat. Returns the
/// refund to send to Stripe, if one is to be sent.
pub(super) fn count_refund(
    conn: &mut PgConnection,
    st: &AppState,
    (conf, settings): (&Conference, &SettingsRow),
    r: &Registration,
    amount: i64,
    reason: RefundReason,
    by: Option<&User>,
) -> Result<Option<i64>, AppError> {
    let updated = repo::add_refunded(conn, r.id, amount)?
        .ok_or_else(|| AppError::Conflict("That is more than was paid and not yet refunded.".into()))?;
    let money = Money::new(amount, &r.currency);
    let to_send = if reason == RefundReason::Stripe {
        // Stripe made it: recorded as done, nothing to send.
        record_refund(conn, r, (&r.payment_reference, &money), reason, RefundState::Succeeded, None)?;
        None
    } else {
        let intent = if r.payment_method == Some(PaymentMethod::Card) { r.payment_reference.as_str() } else { "" };
        let id = queue_refund(conn, r, intent, &money, reason, by.map(|u| u.id))?;
        (!intent.is_empty()).then_some(id)
    };
    let whole = updated.amount_refunded_minor >= updated.amount_paid_minor;
    let extra = json!({ "amount": money.to_string(), "whole": whole, "by_card": r.payment_method == Some(PaymentMethod::Card) });
    notify(conn, st, conf, &updated, "registration_refunded", extra)?;
    if whole && updated.is_active() {
        let actor = match by {
            Some(u) => u.clone(),
            None => crate::services::repo::users::find(conn, r.user_id)?,
        };
        cancel_locked(conn, st, conf, settings, &updated, ("refund", &actor))?;
    }
    Ok(to_send)
}

/// What a desk refund did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Stripe accepted it.
    Sent,
    /// Recorded; Stripe did not answer, the worker tries again.
    Queued,
    /// Recorded; the organisers pay it back themselves (bank transfer, cash).
    Manual,
}

/// An organiser refunds part or all of a registration's payment (`amount`
/// empty: all that is left).
pub async fn refund(
    st: &AppState,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    amount: String,
) -> Result<RefundOutcome, AppError> {
    let (a, c) = (actor.clone(), conf.clone());
    let to_send = st
        .db(move |db, st| {
            db.0.transaction(|conn| {
                check_organiser(conn, &c, &a)?;
                let settings = registrations::lock_settings(conn, c.id)?.ok_or(AppError::NotFound)?;
                let r = registrations::by_public_id(conn, c.id, id)?.ok_or(AppError::NotFound)?;
                let r = repo::lock_registration(conn, r.id)?;
                let left = r.amount_paid_minor - r.amount_refunded_minor;
                if !r.payment_status.has_payment() || left <= 0 {
                    return Err(AppError::Conflict("Nothing paid is left to refund on that registration.".into()));
                }
                let minor = if amount.trim().is_empty() {
                    left
                } else {
                    Money::parse("amount", &amount, &r.currency)
                        .map_err(|e| AppError::BadRequest(format!("The refund amount {}.", e.message)))?
                        .minor
                };
                if minor <= 0 || minor > left {
                    let most = Money::new(left, &r.currency);
                    return Err(AppError::BadRequest(format!("Refund more than nothing and at most {most}.")));
                }
                let queued = count_refund(conn, st, (&c, &settings), &r, minor, RefundReason::Organiser, Some(&a))?;
                Ok(queued)
            })
        })
        .await?;
    st.pages.written();
    match to_send {
        None => Ok(RefundOutcome::Manual),
        Some(refund_id) => {
            Ok(if send_refund(st, refund_id).await { RefundOutcome::Sent } else { RefundOutcome::Queued })
        }
    }
}

/// Sends one recorded card refund to Stripe; true when Stripe accepted it.
/// Refused for good (or after too many tries), it counts as failed: money
/// counted as refunded is counted as paid again and the organisers are told.
pub(super) async fn send_refund(st: &AppState, refund_id: i64) -> bool {
    let Some(cfg) = st.config.stripe.clone() else {
        return false;
    };
    let refund = match st.db(move |db, _| Ok(repo::refund(&mut *db.0, refund_id)?)).await {
        Ok(r) if r.state == RefundState::Pending => r,
        _ => return false,
    };
    let answer =
        stripe::create_refund(&cfg, &refund.payment_intent, refund.amount_minor, &refund.idempotency_key).await;
    let result = st
        .db(move |db, _| {
            db.0.transaction(|conn| -> Result<bool, AppError> {
                match answer {
                    Ok(done) => Ok(repo::settle_refund(conn, refund.id, &done.id)? == 1),
                    Err(e) => {
                        let for_good = matches!(e, StripeError::Refused(_)) || refund.attempts + 1 >= MAX_ATTEMPTS;
                        tracing::warn!(refund = refund.id, error = %e, for_good, "a Stripe refund did not go through");
                        if repo::refund_attempt_failed(conn, refund.id, &e.to_string(), for_good)? == 1 && for_good {
                            if refund.reason.counts_against_payment() {
                                repo::undo_refunded(conn, refund.registration_id, refund.amount_minor)?;
                            }
                            let money = Money::new(refund.amount_minor, &refund.currency);
                            repo::flag(conn, refund.registration_id, &format!("A refund of {money} failed: {e}"))?;
                        }
                        Ok(false)
                    }
                }
            })
        })
        .await;
    result.unwrap_or(false)
}

/// The worker's round: card refunds Stripe has not accepted yet (older than a
/// minute, so a request still sending its own is left alone).
pub async fn send_pending_refunds(st: &AppState) -> Result<usize, AppError> {
    let before = Utc::now() - Duration::minutes(1);
    let pending = st.db(move |db, _| Ok(repo::pending_refunds(&mut *db.0, before, 20)?)).await?;
    let mut sent = 0;
    for r in pending {
        if send_refund(st, r.id).await {
            sent += 1;
        }
    }
    Ok(sent)
}
