//! The organisers' desk: payment, invoices, cancelling, refunds, check-in, and the attendee list.

use super::own::cancel_locked;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
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
    Refund,
    CheckIn,
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
                let paid = repo::mark_paid(conn, r.id, &reference)?;
                changed(paid, "Only an unpaid or invoiced registration can be marked paid.", "registration-paid")
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
            DeskAction::Refund => {
                let refunded = repo::mark_refunded(conn, r.id)?;
                let flash = changed(refunded, "Only a paid registration can be refunded.", "registration-refunded")?;
                if r.is_active() {
                    cancel_locked(conn, st, conf, &settings, &r, ("refund", actor))?;
                }
                Ok(flash)
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
