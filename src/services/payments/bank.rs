//! Bank transfer: the attendee gets the bank details and a checksummed
//! reference; the organisers import the bank statement and confirm the lines
//! Plumbline matched by reference and amount.

use super::{money_arrived, Arrival};
use crate::domain::money::Money;
use crate::domain::payment::{
    parse_statement, reference_prefix, references_in, transfer_reference, LineMatch, PaymentMethod,
};
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::registration::{mine, notify};
use crate::services::repo::conferences::Conference;
use crate::services::repo::payments::{self as repo, NewBankLine, Received};
use crate::services::repo::registrations::{self as registrations, Registration};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::Connection;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The person chose to pay by bank transfer: their registration gets its
/// reference (once) and the bank details go out by mail as well.
pub fn choose_bank_transfer(
    db: &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Registration, AppError> {
    let r = mine(db, st, user, conf)?.filter(|r| r.is_active()).ok_or(AppError::NotFound)?;
    let conn = &mut *db.0;
    let allowed =
        registrations::ticket_types(conn, conf.id)?.iter().any(|t| t.id == r.ticket_type_id && t.bank_transfer);
    if !allowed || !r.payment_status.is_due() {
        return Err(AppError::Conflict("Bank transfer is not offered for this registration.".into()));
    }
    let payee = repo::settings(conn, conf.id)?;
    if payee.bank_details.trim().is_empty() {
        return Err(AppError::Conflict("The organisers have not given their bank details yet.".into()));
    }
    if r.transfer_reference.is_some() {
        return Ok(r);
    }
    // 20 random bits under the conference's letters; a clash (one in a
    // million per pair) draws again.
    for _ in 0..8 {
        let reference = transfer_reference(&reference_prefix(&conf.slug), rand::random::<u32>());
        let stored = match repo::set_transfer_reference(conn, r.id, &reference) {
            Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            other => other?,
        };
        let extra = json!({ "reference": stored.transfer_reference, "bank_details": payee.bank_details,
                            "payee": payee.legal_name });
        notify(conn, st, conf, &stored, "registration_bank_transfer", extra)?;
        return Ok(stored);
    }
    Err(AppError::Unavailable)
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub lines: usize,
    /// Lines not imported before.
    pub new: usize,
}

/// Reads a statement CSV and stores its incoming lines (again-imported lines
/// are skipped), each tied to the registration whose reference it carries.
pub fn import_statement(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    csv: &str,
) -> Result<ImportSummary, AppError> {
    check_organiser(conn, conf, actor)?;
    let lines = parse_statement(csv, &conf.currency).map_err(AppError::BadRequest)?;
    let refs: Vec<String> = lines.iter().flat_map(|l| references_in(&l.reference)).collect();
    let known = repo::by_transfer_references(conn, conf.id, &refs)?;
    let mut seen = std::collections::HashMap::new();
    let rows: Vec<NewBankLine> = lines
        .iter()
        .map(|l| {
            let fields = format!("{}|{}|{}|{}", l.booked_on, l.amount.minor, l.reference, l.payer);
            // Two equal lines in one statement are two payments: their place tells them apart.
            let n = seen.entry(fields.clone()).and_modify(|n| *n += 1).or_insert(0);
            let key = hex::encode(Sha256::digest(format!("{fields}|{n}")));
            let registration_id = references_in(&l.reference)
                .iter()
                .find_map(|r| known.iter().find(|k| k.transfer_reference.as_deref() == Some(r.as_str())))
                .map(|k| k.id);
            NewBankLine {
                line_key: key,
                booked_on: l.booked_on,
                amount_minor: l.amount.minor,
                currency: &l.amount.currency,
                reference: &l.reference,
                payer: &l.payer,
                registration_id,
            }
        })
        .collect();
    let new = repo::insert_bank_lines(conn, conf.id, &rows)?;
    Ok(ImportSummary { lines: rows.len(), new })
}

/// One statement line as the bank page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BankLineView {
    pub id: Uuid,
    pub booked_on: String,
    pub amount: String,
    pub reference: String,
    pub payer: String,
    /// matched, partial, unmatched or confirmed.
    pub state: &'static str,
    pub registration: Option<Uuid>,
    pub badge_name: Option<String>,
    pub expected: Option<String>,
    pub note: String,
    pub can_confirm: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BankPage {
    pub lines: Vec<BankLineView>,
    pub matched: usize,
    pub partial: usize,
    pub unmatched: usize,
    pub confirmed: usize,
}

/// The imported lines with how each matches now (a registration paid
/// meanwhile by card turns its line to "partial: nothing due").
pub fn bank_page(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<BankPage, AppError> {
    check_organiser(conn, conf, actor)?;
    let rows = repo::bank_lines(conn, conf.id, 500)?;
    let lines: Vec<BankLineView> = rows.into_iter().map(|(l, r)| line_view(l, r)).collect();
    let count = |s: &str| lines.iter().filter(|l| l.state == s).count();
    Ok(BankPage {
        matched: count("matched"),
        partial: count("partial"),
        unmatched: count("unmatched"),
        confirmed: count("confirmed"),
        lines,
    })
}

fn line_view(l: repo::BankLine, r: Option<Registration>) -> BankLineView {
    let received = Money::new(l.amount_minor, &l.currency);
    let due = r.as_ref().filter(|r| r.payment_status.is_due()).map(|r| Money::new(r.fee_minor, &r.currency));
    let state = if l.confirmed_at.is_some() {
        "confirmed"
    } else if r.is_some() && due.is_none() {
        "partial"
    } else {
        LineMatch::classify(&received, due.as_ref()).as_str()
    };
    let note = match (&r, &due) {
        (None, _) => "No reference of a registration found.".to_string(),
        (Some(r), None) if l.confirmed_at.is_none() => {
            format!("Nothing is due: {}.", r.payment_status.label().to_lowercase())
        }
        (Some(_), Some(d)) if *d != received && l.confirmed_at.is_none() => format!("Expected {d}."),
        _ => String::new(),
    };
    BankLineView {
        id: l.public_id,
        booked_on: l.booked_on.to_string(),
        amount: received.to_string(),
        reference: l.reference,
        payer: l.payer,
        can_confirm: due.is_some() && l.confirmed_at.is_none(),
        registration: r.as_ref().map(|r| r.public_id),
        badge_name: r.as_ref().map(|r| r.badge_name.clone()),
        expected: due.map(|d| d.to_string()),
        note,
        state,
    }
}

/// Confirms one line: its money counts as the registration's fee (an amount
/// other than the fee is counted and flagged), the receipt is mailed.
pub fn confirm_bank_line(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    line_id: Uuid,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let settings = registrations::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        let line = repo::bank_line(conn, conf.id, line_id)?.ok_or(AppError::NotFound)?;
        let registration_id = line.registration_id.ok_or_else(|| {
            AppError::Conflict("That line names no registration; mark the payment on the attendee desk.".into())
        })?;
        if line.confirmed_at.is_some() {
            return Err(AppError::Conflict("That line is confirmed already.".into()));
        }
        let r = repo::lock_registration(conn, registration_id)?;
        let reference = r.transfer_reference.clone().unwrap_or_default();
        let got =
            Received { method: PaymentMethod::BankTransfer, amount_minor: line.amount_minor, reference: &reference };
        match money_arrived(conn, st, (conf, &settings), &r, &got)? {
            Arrival::Paid => {}
            Arrival::NotDue => return Err(AppError::Conflict("Nothing is due on that registration any more.".into())),
            Arrival::NoSeat => {
                return Err(AppError::Conflict(
                    "That seat lapsed and no seat is free: pay the transfer back by bank.".into(),
                ))
            }
        }
        repo::confirm_bank_line(conn, line.id, actor.id)?;
        Ok(())
    })?;
    st.pages.written();
    Ok(())
}
