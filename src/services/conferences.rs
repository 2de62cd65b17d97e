//! Conferences: creation by site admins, organiser appointments, and who may do what.

use crate::domain::account::Email;
use crate::domain::conference::ConferenceDraft;
use crate::error::AppError;
pub use crate::services::repo::conferences::Conference;
use crate::services::repo::conferences::{self as repo, ConferenceValues, ORGANISER};
use crate::services::repo::users::{self, User};
use crate::services::Db;
use crate::services::{mail, policy};
use crate::state::AppState;
use diesel::{Connection, PgConnection};
use serde_json::json;

pub fn values(d: &ConferenceDraft) -> ConferenceValues<'_> {
    ConferenceValues {
        slug: d.slug.as_str(),
        name: &d.name,
        venue: &d.venue,
        time_zone: d.time_zone.name(),
        starts_on: d.starts_on,
        ends_on: d.ends_on,
        attendance_cap: d.attendance_cap,
        currency: &d.currency,
    }
}

pub fn create(Db(conn): &mut Db, actor: &User, draft: &ConferenceDraft) -> Result<Conference, AppError> {
    policy::require_site_admin(Some(actor))?;
    match repo::insert(conn, &values(draft)) {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(AppError::Conflict(format!("The slug “{}” is already taken.", draft.slug.as_str())))
        }
        other => Ok(other?),
    }
}

/// Every conference, for the home page and the API's list.
pub fn list(Db(conn): &mut Db) -> Result<Vec<Conference>, AppError> {
    Ok(repo::list(conn)?)
}

/// The conference's organisers, as its public page names them.
pub fn organisers(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<User>, AppError> {
    Ok(repo::members_with_role(conn, conf.id, ORGANISER)?)
}

/// The organisers' own page: who organises, and which addresses are invited
/// but have no verified account yet. Organisers only.
pub fn organiser_team(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
) -> Result<(Vec<User>, Vec<String>), AppError> {
    check_organiser(conn, conf, actor)?;
    Ok((organisers(&mut Db::new(conn), conf)?, repo::pending_invitations(conn, conf.id, ORGANISER)?))
}

pub fn find(Db(conn): &mut Db, slug: &str) -> Result<Conference, AppError> {
    // Anything that cannot be a slug names no conference; no need to ask the database.
    if crate::domain::conference::Slug::parse(slug).map(|s| s.as_str() != slug).unwrap_or(true) {
        return Err(AppError::NotFound);
    }
    repo::by_slug(conn, slug)?.ok_or(AppError::NotFound)
}

/// `find`, remembered for the page cache's TTL: the hot API and page paths
/// look the conference up on every request, and it changes rarely (an
/// organiser's edit through this instance shows at once).
pub fn find_cached(Db(conn): &mut Db, st: &crate::state::AppState, slug: &str) -> Result<Conference, AppError> {
    Ok((*st.pages.memo(format!("conference:{slug}"), || find(&mut Db::new(conn), slug))?).clone())
}

/// Looks up the facts `policy::organises` decides on (a site admin needs no lookup).
pub fn is_organiser(Db(conn): &mut Db, conf: &Conference, user: &User) -> Result<bool, AppError> {
    organises(conn, conf, user)
}

/// Organisers of a conference (and site admins) may manage it; everyone else is refused.
pub fn require_organiser(Db(conn): &mut Db, conf: &Conference, user: &User) -> Result<(), AppError> {
    check_organiser(conn, conf, user)
}

/// `is_organiser` inside a use case's transaction.
pub(in crate::services) fn organises(
    conn: &mut PgConnection,
    conf: &Conference,
    user: &User,
) -> Result<bool, AppError> {
    let has_role = !user.is_site_admin && repo::has_role(conn, conf.id, user.id, ORGANISER)?;
    Ok(policy::organises(user.is_site_admin, has_role))
}

/// `require_organiser` inside a use case's transaction.
pub(in crate::services) fn check_organiser(
    conn: &mut PgConnection,
    conf: &Conference,
    user: &User,
) -> Result<(), AppError> {
    policy::require_organising(organises(conn, conf, user)?)
}

pub enum Appointed {
    Granted,
    AlreadyOrganiser,
    Invited,
}

/// Appoints an organiser by email: a role at once when the account exists and is
/// verified, otherwise an invitation that becomes a role when the address is verified.
pub fn appoint_organiser(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    email: &Email,
) -> Result<Appointed, AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let link = format!("{}/c/{}", st.config.base_url, conf.slug);
        crate::services::limits::invitation_mail(conn, email.as_str(), actor)?;
        match users::find_by_email(conn, email.as_str())? {
            Some(user) if user.is_verified() => {
                if !repo::grant_role(conn, conf.id, user.id, ORGANISER)? {
                    return Ok(Appointed::AlreadyOrganiser);
                }
                mail::queue(
                    conn,
                    st,
                    &user.email,
                    &format!("You are now an organiser of {}", conf.name),
                    "organiser_appointed",
                    json!({ "name": user.name, "conference": conf.name, "link": link, "by": actor.name, "has_account": true }),
                )?;
                Ok(Appointed::Granted)
            }
            existing => {
                repo::invite(conn, conf.id, email.as_str(), ORGANISER)?;
                let name = existing.map(|u| u.name).unwrap_or_default();
                mail::queue(
                    conn,
                    st,
                    email.as_str(),
                    &format!("You are invited to organise {}", conf.name),
                    "organiser_appointed",
                    json!({ "name": name, "conference": conf.name, "link": format!("{}/signup", st.config.base_url), "by": actor.name, "has_account": false }),
                )?;
                Ok(Appointed::Invited)
            }
        }
    })
}
