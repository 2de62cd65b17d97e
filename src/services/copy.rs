//! "Copy this conference": next year's event from this year's, with every
//! date moved by the same number of days in the conference's zone.

use crate::domain::conference::{CopyDraft, CopyInput};
use crate::domain::FieldError;
use crate::services::conferences::check_organiser;
use crate::services::repo::conferences::{self as conferences, Conference, ConferenceValues};
use crate::services::repo::copy as repo;
use crate::services::repo::users::User;
use crate::services::{Db, InputError};
use chrono::Datelike;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::Connection;

/// The form, filled in with a guess: the same name with the next year, one year later.
pub fn suggestion(conf: &Conference) -> CopyInput {
    let next = conf.starts_on.with_year(conf.starts_on.year() + 1).unwrap_or(conf.starts_on);
    let this = conf.starts_on.year().to_string();
    let next_year = (conf.starts_on.year() + 1).to_string();
    let rename = |s: &str| if s.contains(&this) { s.replace(&this, &next_year) } else { format!("{s} {next_year}") };
    CopyInput {
        name: rename(&conf.name),
        slug: rename(&conf.slug).replace(' ', "-").to_lowercase(),
        starts_on: next.to_string(),
    }
}

/// Creates the copy, its organisers those of the source, in one transaction.
pub fn copy_conference(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    input: &CopyInput,
) -> Result<Conference, InputError> {
    check_organiser(conn, conf, actor)?;
    let CopyDraft { name, slug, starts_on } = input.parse().map_err(|p| InputError::Fields(p.0))?;
    let days = (starts_on - conf.starts_on).num_days();
    let days =
        i32::try_from(days).map_err(|_| InputError::Fields(vec![FieldError::new("starts_on", "is too far away")]))?;
    let ends_on = conf.ends_on + chrono::Duration::days(i64::from(days));
    let values = ConferenceValues {
        slug: slug.as_str(),
        name: &name,
        venue: &conf.venue,
        time_zone: conf.time_zone.name(),
        starts_on,
        ends_on,
        attendance_cap: conf.attendance_cap,
        currency: &conf.currency,
    };
    let result = conn.transaction(|conn| {
        let copy = conferences::insert(conn, &values)?;
        conferences::grant_role(conn, copy.id, actor.id, conferences::ORGANISER)?;
        repo::carry_over(conn, conf.id, copy.id, days, conf.time_zone.name())?;
        Ok::<_, DbError>(copy)
    });
    match result {
        Ok(copy) => Ok(copy),
        Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("conferences_slug_key") =>
        {
            Err(InputError::Fields(vec![FieldError::new("slug", format!("“{}” is taken already", slug.as_str()))]))
        }
        Err(e) => Err(InputError::App(e.into())),
    }
}
