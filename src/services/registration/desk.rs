//! The organisers' desk: payment by hand, invoices, cancelling, check-in (refunds are in services::payments).

use super::own::cancel_locked;
use crate::domain::payment::PaymentMethod;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::payments::Arrival;
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::Received;
use crate::services::repo::registrations::{self as repo, Registration};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use diesel::Connection;
use uuid::Uuid;

pub enum DeskAction {
    Paid(String),
    /// An invoice went out: payment is due, but the seat no longer lapses.
    Invoiced,
    Cancel,
    CheckIn,
    /// The organisers looked at the notes on the money.
    ClearFlags,
}

/// Returns the flash key for the outcome.
pub fn desk(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    action: DeskAction,
) -> Result<&'static str, AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        let r = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
        match action {
            DeskAction::Paid(reference) => {
                // Recorded like any money that arrives: the receipt number, the seat, the mail.
                let got = Received { method: PaymentMethod::Manual, amount_minor: r.fee_minor, reference: &reference };
                match crate::services::payments::money_arrived(conn, st, (conf, &settings), &r, &got)? {
                    Arrival::Paid => Ok("registration-paid"),
                    Arrival::NotDue => {
                        Err(AppError::Conflict("Only an unpaid or invoiced registration can be marked paid.".into()))
                    }
                    Arrival::NoSeat => {
                        Err(AppError::Conflict("That registration holds no seat and none is free.".into()))
                    }
                }
            }
            DeskAction::ClearFlags => {
                crate::services::repo::payments::clear_flags(conn, r.id, actor.id)?;
                Ok("payment-flag-cleared")
            }
            DeskAction::Invoiced => {
                let invoiced = repo::mark_invoiced(conn, r.id)?;
                let refusal = "Only a confirmed registration not yet paid can be marked invoiced.";
                changed(invoiced, refusal, "registration-invoiced")
            }
            DeskAction::Cancel => {
                cancel_locked(conn, st, conf, &settings, &r, ("organiser", actor))?;
                Ok("registration-cancelled-by-organiser")
            }
            DeskAction::CheckIn => {
                let checked_in = repo::check_in(conn, r.id)?;
                changed(checked_in, "Only a confirmed registration can be checked in, once.", "registration-checked-in")
            }
        }
    })
}

/// The flash key when a guarded desk update changed the registration; when it
/// changed nothing, the registration was not in a state that allows it.
fn changed(updated: Option<Registration>, refusal: &str, flash: &'static str) -> Result<&'static str, AppError> {
    updated.map(|_| flash).ok_or_else(|| AppError::Conflict(refusal.into()))
}
