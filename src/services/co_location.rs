//! Co-located events (the Linux Plumbers Conference beside LinuxCon): each
//! keeps its own registration, cap, fees and organisers. A site admin groups
//! them; a track one conference's committee selects may be held at another
//! (its sessions then appear in both schedules, once, saying where), and who
//! may attend a track or book a room is explicit: its own registrants, or
//! those of either event.

use crate::error::AppError;
use crate::services::conferences::check_organiser;
use crate::services::policy;
use crate::services::repo::calls;
use crate::services::repo::co_location as repo;
use crate::services::repo::conferences::{self as conferences, Conference};
use crate::services::repo::users::User;
use crate::services::Db;
use diesel::Connection;

/// Who may attend a track or book a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenTo {
    /// The registrants of its own conference.
    Own,
    /// The registrants of any conference co-located with it.
    CoLocated,
}

impl OpenTo {
    pub fn parse(raw: &str) -> Result<OpenTo, AppError> {
        match raw.trim() {
            "own" | "" => Ok(OpenTo::Own),
            "co_located" => Ok(OpenTo::CoLocated),
            _ => Err(AppError::BadRequest("Open to: “own” or “co_located”.".into())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OpenTo::Own => "own",
            OpenTo::CoLocated => "co_located",
        }
    }
}

/// The conferences beside this one.
pub fn partners(Db(conn): &mut Db, conf: &Conference) -> Result<Vec<Conference>, AppError> {
    Ok(repo::partners(conn, conf)?)
}

/// Groups two conferences as co-located (site admins). Their dates must overlap.
pub fn co_locate(Db(conn): &mut Db, actor: &User, a: &str, b: &str) -> Result<(), AppError> {
    policy::require_site_admin(Some(actor))?;
    let find = |conn: &mut diesel::PgConnection, slug: &str| {
        conferences::by_slug(conn, slug)?.ok_or_else(|| AppError::BadRequest(format!("No conference “{slug}”.")))
    };
    let (a, b) = (find(conn, a)?, find(conn, b)?);
    if a.id == b.id {
        return Err(AppError::BadRequest("Choose two different conferences.".into()));
    }
    if a.starts_on > b.ends_on || b.starts_on > a.ends_on {
        return Err(AppError::BadRequest(format!(
            "{} ({} to {}) and {} ({} to {}) do not overlap: co-located events run at the same time.",
            a.name, a.starts_on, a.ends_on, b.name, b.starts_on, b.ends_on
        )));
    }
    conn.transaction(|conn| repo::join(conn, &a, &b).map(|_| ()))?;
    Ok(())
}

/// Takes a conference out of its group (site admins); its shared tracks are held at home again.
pub fn separate(Db(conn): &mut Db, actor: &User, slug: &str) -> Result<(), AppError> {
    policy::require_site_admin(Some(actor))?;
    let conf = conferences::by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    conn.transaction(|conn| repo::leave(conn, &conf))?;
    Ok(())
}

/// Every conference with its partners, for the site admins' page.
pub fn groups(Db(conn): &mut Db, actor: &User) -> Result<Vec<(Conference, Vec<Conference>)>, AppError> {
    policy::require_site_admin(Some(actor))?;
    let mut out = Vec::new();
    for c in conferences::list(conn)? {
        let partners = repo::partners(conn, &c)?;
        out.push((c, partners));
    }
    Ok(out)
}

/// Sets where a track is held (this conference, or the slug of a co-located
/// one) and who may attend it. Organisers of the selecting conference.
pub fn set_track(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    track_id: i64,
    held_at: &str,
    open_to: OpenTo,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    let host = match held_at.trim() {
        "" => None,
        slug if slug == conf.slug => None,
        slug => Some(
            repo::partners(conn, conf)?
                .into_iter()
                .find(|p| p.slug == slug)
                .ok_or_else(|| AppError::BadRequest(format!("“{slug}” is not co-located with {}.", conf.name)))?
                .id,
        ),
    };
    if repo::set_track_hosting(conn, conf.id, track_id, host, open_to.as_str())? == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A track as the API and the pages describe it (fields in alphabetical order).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrackInfo {
    /// The slug of the conference whose schedule holds its sessions.
    pub hosted_by: String,
    pub name: String,
    /// The slugs of the conferences whose registrants may attend.
    pub open_to: Vec<String>,
    /// The slug of the conference whose call and committee select it.
    pub selected_by: String,
}

/// A conference with the events beside it and its tracks (its own and those it holds for others).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ConferenceInfo {
    pub co_located: Vec<String>,
    pub ends_on: chrono::NaiveDate,
    pub name: String,
    pub slug: String,
    pub starts_on: chrono::NaiveDate,
    pub time_zone: String,
    pub tracks: Vec<TrackInfo>,
    pub venue: String,
}

pub fn info(Db(conn): &mut Db, conf: &Conference) -> Result<ConferenceInfo, AppError> {
    let partners = repo::partners(conn, conf)?;
    let slug_of = |id: i64| {
        if id == conf.id {
            conf.slug.clone()
        } else {
            partners.iter().find(|p| p.id == id).map(|p| p.slug.clone()).unwrap_or_default()
        }
    };
    let mut tracks = calls::tracks(conn, conf.id)?;
    tracks.extend(repo::hosted_tracks(conn, conf.id)?);
    let tracks = tracks
        .into_iter()
        .map(|t| {
            let (selected_by, hosted_by) = (slug_of(t.conference_id), slug_of(t.hosted_by.unwrap_or(t.conference_id)));
            let open_to = match OpenTo::parse(&t.open_to) {
                Ok(OpenTo::CoLocated) => {
                    let mut all = vec![conf.slug.clone()];
                    all.extend(partners.iter().map(|p| p.slug.clone()));
                    all.sort();
                    all
                }
                _ => vec![selected_by.clone()],
            };
            TrackInfo { hosted_by, name: t.name, open_to, selected_by }
        })
        .collect();
    Ok(ConferenceInfo {
        co_located: partners.iter().map(|p| p.slug.clone()).collect(),
        ends_on: conf.ends_on,
        name: conf.name.clone(),
        slug: conf.slug.clone(),
        starts_on: conf.starts_on,
        time_zone: conf.time_zone.name().to_string(),
        tracks,
        venue: conf.venue.clone(),
    })
}

/// Where a person holds a confirmed registration: at this conference, and
/// at one co-located with it. Read once per booking, in one query.
#[derive(Debug, Clone, Copy)]
pub struct Registered {
    pub here: bool,
    pub beside: bool,
}

impl Registered {
    /// Whether they may book a room open to `room_open_to` ("own" or "co_located").
    pub fn may_use_room(self, room_open_to: &str) -> bool {
        self.here || (self.beside && matches!(OpenTo::parse(room_open_to), Ok(OpenTo::CoLocated)))
    }
}

pub fn registered(Db(conn): &mut Db, conf: &Conference, user_id: i64) -> Result<Registered, AppError> {
    let mut at = vec![conf.id];
    at.extend(repo::partners(conn, conf)?.iter().map(|p| p.id));
    let confirmed = repo::confirmed_among(conn, &at, user_id)?;
    Ok(Registered { here: confirmed.contains(&conf.id), beside: confirmed.iter().any(|&c| c != conf.id) })
}

/// The co-located conferences and whether `user` is registered at each (for their registration page).
pub fn beside_for(Db(conn): &mut Db, conf: &Conference, user_id: i64) -> Result<Vec<(Conference, bool)>, AppError> {
    let partners = repo::partners(conn, conf)?;
    let ids: Vec<i64> = partners.iter().map(|p| p.id).collect();
    let mine = repo::confirmed_among(conn, &ids, user_id)?;
    Ok(partners
        .into_iter()
        .map(|p| {
            let registered = mine.contains(&p.id);
            (p, registered)
        })
        .collect())
}

/// A track on the organisers' tracks page, with where it may be held.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackRow {
    pub id: i64,
    pub name: String,
    /// This conference first, then the co-located ones; one is chosen.
    pub held_at: Vec<Choice>,
    pub open_to_co_located: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Choice {
    pub slug: String,
    pub name: String,
    pub chosen: bool,
}

/// The tracks page's material: this conference's tracks with where each is
/// held, and the tracks it holds for co-located conferences (track, selected by).
pub type TrackRows = (Vec<TrackRow>, Vec<(String, String)>);

pub fn track_rows(Db(conn): &mut Db, conf: &Conference) -> Result<TrackRows, AppError> {
    let partners = repo::partners(conn, conf)?;
    let rows = calls::tracks(conn, conf.id)?
        .into_iter()
        .map(|t| {
            let mut held_at = vec![Choice {
                slug: conf.slug.clone(),
                name: format!("{} (here)", conf.name),
                chosen: t.hosted_by.is_none(),
            }];
            held_at.extend(partners.iter().map(|p| Choice {
                slug: p.slug.clone(),
                name: p.name.clone(),
                chosen: t.hosted_by == Some(p.id),
            }));
            TrackRow { id: t.id, name: t.name, held_at, open_to_co_located: t.open_to == OpenTo::CoLocated.as_str() }
        })
        .collect();
    let held_here = repo::hosted_tracks(conn, conf.id)?
        .into_iter()
        .map(|t| {
            let by = partners.iter().find(|p| p.id == t.conference_id).map(|p| p.name.clone()).unwrap_or_default();
            (t.name, by)
        })
        .collect();
    Ok((rows, held_here))
}
