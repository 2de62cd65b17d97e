//! "Pay now": a Stripe Checkout Session for the fee frozen on the registration.

use super::product_name;
use super::stripe::{self, CheckoutRequest, StripeError};
use crate::error::AppError;
use crate::services::registration::mine;
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::{self as repo, NewCheckout};
use crate::services::repo::users::User;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};

/// Stripe keeps a session open between 30 minutes and 24 hours.
const SESSION_MIN: Duration = Duration::minutes(30);
const SESSION_MAX: Duration = Duration::hours(23);

/// What a new session needs, gathered in one read.
struct Plan {
    registration_id: i64,
    public_id: String,
    amount_minor: i64,
    currency: String,
    product: String,
    email: String,
    idempotency_key: String,
    expires_at: DateTime<Utc>,
}

/// The URL of Stripe's payment page for the person's registration: an open
/// session for the same amount is reused; a new one is made with an
/// idempotency key derived from the registration and how many sessions it
/// had, so a retried request (a timeout, a double click) gets the same
/// session back rather than a second one.
pub async fn pay_by_card(st: &AppState, user: &User, conf: &Conference) -> Result<String, AppError> {
    let cfg = st.config.stripe.clone().ok_or(AppError::NotFound)?;
    let (u, c) = (user.clone(), conf.clone());
    let plan = st
        .db(move |db, st| {
            let r = mine(db, st, &u, &c)?.filter(|r| r.is_active()).ok_or(AppError::NotFound)?;
            if !r.payment_status.is_due() || r.fee_minor <= 0 {
                return Err(AppError::Conflict("Nothing is due on your registration.".into()));
            }
            let conn = &mut *db.0;
            let now = Utc::now();
            if let Some(url) = repo::live_checkout(conn, r.id, r.fee_minor, now + Duration::minutes(5))? {
                return Ok(Err(url));
            }
            let n = repo::checkout_count(conn, r.id)?;
            // While the seat is held, the page lives no longer than the hold.
            let until = r.hold_expires_at.unwrap_or(now + SESSION_MAX).clamp(now + SESSION_MIN, now + SESSION_MAX);
            Ok(Ok(Plan {
                registration_id: r.id,
                public_id: r.public_id.to_string(),
                amount_minor: r.fee_minor,
                currency: r.currency.clone(),
                product: product_name(conn, &c, &r)?,
                email: u.email.clone(),
                idempotency_key: format!("plumbline-checkout-{}-{}-{n}", r.public_id, r.fee_minor),
                expires_at: until,
            }))
        })
        .await?;
    let plan = match plan {
        Err(url) => return Ok(url),
        Ok(p) => p,
    };
    let back = format!("{}/c/{}/registration", st.config.base_url, conf.slug);
    let request = CheckoutRequest {
        amount_minor: plan.amount_minor,
        currency: &plan.currency,
        product_name: &plan.product,
        registration_id: &plan.public_id,
        customer_email: &plan.email,
        success_url: &format!("{back}?paid=1"),
        cancel_url: &back,
        expires_at: plan.expires_at,
    };
    let session = stripe::create_checkout(&cfg, &request, &plan.idempotency_key).await.map_err(|e| {
        tracing::warn!(error = %e, "creating a Stripe Checkout Session failed");
        match e {
            StripeError::Retry(_) => AppError::Unavailable,
            StripeError::Refused(_) => {
                AppError::Conflict("Card payment refused this request; please tell the organisers.".into())
            }
        }
    })?;
    let url = session.url.clone();
    st.db(move |db, _| {
        let new = NewCheckout {
            registration_id: plan.registration_id,
            stripe_id: &session.id,
            url: &session.url,
            amount_minor: plan.amount_minor,
            currency: &plan.currency,
            idempotency_key: &plan.idempotency_key,
            expires_at: DateTime::from_timestamp(session.expires_at, 0).unwrap_or(plan.expires_at),
        };
        Ok(repo::insert_checkout(&mut *db.0, &new)?)
    })
    .await?;
    Ok(url)
}
