//! Comp codes: batches for organisers and the passes of accepted microconferences.

use super::views::CodeRow;
use super::{local, zone, FormError};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::microconferences::{self as mcs, Microconference};
use crate::services::repo::registrations::{self as repo};
use crate::services::repo::users::User;
use crate::services::Db;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

pub(super) fn new_code() -> String {
    use rand::Rng;
    // No 0/O or 1/I: codes are read aloud and typed from paper.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

pub fn generate_codes(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    ticket_type: Uuid,
    label: Option<&str>,
    count: i64,
) -> Result<Vec<String>, FormError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let t = repo::ticket_type(conn, conf.id, ticket_type)?
            .ok_or_else(|| FormError::Field(FieldError::new("ticket_type", "choose a comp pass ticket type")))?;
        if !t.requires_code {
            return Err(FormError::Field(FieldError::new(
                "ticket_type",
                "codes are for ticket types that require a code",
            )));
        }
        let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
        repo::insert_codes(conn, conf.id, t.id, label, None, &codes)?;
        Ok(codes)
    })
}

/// Gives an accepted microconference its comp passes: the conference's number
/// of them, fixed on the MC now, as single-use codes for the conference's comp
/// ticket type (created when the conference has none). Running it again tops
/// up to that number and never creates more.
pub fn comp_passes_for_microconference(
    conn: &mut PgConnection,
    conf: &Conference,
    mc: &Microconference,
) -> Result<usize, AppError> {
    let n = conf.comp_passes_per_mc;
    mcs::set_comp_passes(conn, mc.id, n)?;
    let have = repo::count_mc_codes(conn, mc.id)?;
    let missing = (n as i64 - have).max(0);
    if missing == 0 {
        return Ok(0);
    }
    let comp = match repo::ticket_types(conn, conf.id)?.into_iter().find(|t| t.requires_code) {
        Some(t) => t,
        None => repo::insert_ticket_type(
            conn,
            conf.id,
            "Speaker comp pass",
            "Free pass for speakers, with a code from their microconference's leads.",
            true,
        )?,
    };
    let codes: Vec<String> = (0..missing).map(|_| new_code()).collect();
    Ok(repo::insert_codes(conn, conf.id, comp.id, Some(&format!("{} MC speakers", mc.title)), Some(mc.id), &codes)?)
}

/// The conference's comp codes, who used them and when.
pub fn codes_view(Db(conn): &mut Db, actor: &User, conf: &Conference) -> Result<Vec<CodeRow>, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    Ok(repo::codes(conn, conf.id)?
        .into_iter()
        .map(|(c, ticket_type, used_by)| CodeRow {
            code: c.code,
            label: c.label.unwrap_or_default(),
            ticket_type,
            used: c.used_at.is_some(),
            used_by,
            used_at: local(c.used_at, tz),
        })
        .collect())
}
