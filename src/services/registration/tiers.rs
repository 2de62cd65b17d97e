//! Fee tiers of a ticket type: add, edit, delete; tiers of one type never overlap.

use super::views::TierEdit;
use super::{tiers_of, zone, FormError};
use crate::domain::fees::{self, format_input, format_local, Tier, TierDraft, TierInput};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, TierValues};
use crate::services::repo::users::User;
use crate::services::Db;
use chrono_tz::Tz;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

pub(super) fn overlap_error(other: &Tier, tz: Tz) -> FormError {
    FormError::Field(FieldError::new(
        "valid_from",
        format!(
            "overlaps the tier “{}” ({} to {}); tiers of one ticket type must not overlap",
            other.label,
            format_local(other.from, tz),
            format_local(other.until, tz)
        ),
    ))
}

pub(super) fn tier_write(
    conn: &mut PgConnection,
    conf: &Conference,
    ticket_type_id: i64,
    except: Option<i64>,
    draft: &TierDraft,
) -> Result<(), FormError> {
    let tz = zone(conf);
    let existing = tiers_of(&repo::tiers_for_type(conn, ticket_type_id)?, ticket_type_id);
    if let Some(other) = fees::overlapping(&existing, draft.from, draft.until, except) {
        return Err(overlap_error(other, tz));
    }
    let values = TierValues {
        label: &draft.label,
        amount_minor: draft.amount.minor,
        currency: &conf.currency,
        from: draft.from,
        until: draft.until,
    };
    let result = match except {
        Some(id) => repo::update_tier(conn, id, &values),
        None => repo::insert_tier(conn, ticket_type_id, &values).map(|_| ()),
    };
    match result {
        // The database is the last word (two organisers saving at once).
        Err(DbError::DatabaseError(DatabaseErrorKind::ExclusionViolation, _)) => Err(FormError::Field(
            FieldError::new("valid_from", "overlaps another tier of this ticket type; tiers must not overlap"),
        )),
        other => Ok(other?),
    }
}

pub fn add_tier(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    ticket_type: Uuid,
    draft: &TierDraft,
) -> Result<(), FormError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let t = repo::ticket_type(conn, conf.id, ticket_type)?.ok_or(AppError::NotFound)?;
        if t.requires_code {
            return Err(FormError::App(AppError::BadRequest("Comp passes are free: they have no fee tiers.".into())));
        }
        tier_write(conn, conf, t.id, None, draft)
    })
}

/// A tier for its edit form (404 unless it belongs to this conference).
pub fn tier_for_edit(Db(conn): &mut Db, actor: &User, conf: &Conference, tier: Uuid) -> Result<TierEdit, AppError> {
    check_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
    let t = row.tier().ok_or(AppError::NotFound)?;
    Ok(TierEdit {
        id: row.public_id,
        form: TierInput {
            label: t.label.clone(),
            amount: t.amount.plain(),
            valid_from: format_input(t.from, tz),
            valid_until: format_input(t.until, tz),
        },
    })
}

/// Changes a tier. Registrations keep the fee stored on them.
pub fn update_tier(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    tier: Uuid,
    draft: &TierDraft,
) -> Result<(), FormError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
        tier_write(conn, conf, row.ticket_type_id, Some(row.id), draft)
    })
}

pub fn delete_tier(Db(conn): &mut Db, actor: &User, conf: &Conference, tier: Uuid) -> Result<(), AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
        repo::delete_tier(conn, row.id)?;
        Ok(())
    })
}
