//! Registration use cases: fee tiers, registering under the cap, the waitlist and
//! its offers, comp codes, and the organisers' desk. Each use case is one
//! transaction; every seat decision first locks the conference's
//! `registration_settings` row, and the decision itself is made in SQL.

use crate::domain::fees::{self, format_input, format_local, Tier, TierDraft};
use crate::domain::money::Money;
use crate::domain::registration::{
    self as rules, RegistrationDraft, Settings, CONFIRMED, INVOICED, NOT_DUE, OFFERED, UNPAID, WAITLISTED,
};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::repo::conferences::Conference;
use crate::repo::registrations::{
    self as repo, NewRegistration, Registration, SettingsRow, TicketType, TierRow, TierValues,
};
use crate::repo::users::{self, User};
use crate::services::conferences::{is_organiser, require_organiser};
use crate::services::mail;
use crate::state::AppState;
use crate::web::chart::SalesChart;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::{Connection, PgConnection};
use serde_json::{json, Value};
use uuid::Uuid;

pub const DEFAULT_OFFER_HOURS: i32 = 48;
/// How long an unpaid seat is held unless the organisers set otherwise (the column's default too).
pub const DEFAULT_HOLD_HOURS: i32 = 72;
pub const MAX_CODES_PER_BATCH: i64 = 500;

// ---- for other features (issue 3: calls for proposals) ----

/// True when the person holds a confirmed registration for the conference.
pub fn is_confirmed_attendee(conn: &mut PgConnection, conference_id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(repo::is_confirmed(conn, conference_id, user_id)?)
}

/// True when the conference has at least one ticket type.
pub fn registration_configured(conn: &mut PgConnection, conference_id: i64) -> Result<bool, AppError> {
    Ok(repo::has_ticket_types(conn, conference_id)?)
}

// ---- helpers ----

pub fn zone(conf: &Conference) -> Tz {
    conf.time_zone
}

fn money(minor: i64, currency: &str) -> String {
    Money::new(minor, currency).to_string()
}

fn local(at: Option<DateTime<Utc>>, tz: Tz) -> Option<String> {
    at.map(|t| format_local(t, tz))
}

fn tiers_of(rows: &[TierRow], ticket_type_id: i64) -> Vec<Tier> {
    rows.iter().filter(|r| r.ticket_type_id == ticket_type_id).filter_map(TierRow::tier).collect()
}

fn link(st: &AppState, conf: &Conference) -> String {
    format!("{}/c/{}/registration", st.config.base_url, conf.slug)
}

// ---- the public fee table ----

/// The fee table of a conference at `at`: ticket types, their tiers with the one in
/// force marked, and when the price next changes. Used by the conference page,
/// the register form and the API.
pub fn fee_table(conn: &mut PgConnection, conf: &Conference, at: DateTime<Utc>) -> Result<Value, AppError> {
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::tiers_for_conference(conn, conf.id)?;
    let settings = repo::settings(conn, conf.id)?;
    let list: Vec<Value> = types
        .iter()
        .map(|t| {
            let tiers = tiers_of(&rows, t.id);
            let current = fees::tier_at(&tiers, at);
            let tier_list: Vec<Value> = tiers
                .iter()
                .map(|x| {
                    json!({
                        "label": x.label, "amount": x.amount.to_string(), "amount_minor": x.amount.minor,
                        "currency": x.amount.currency, "valid_from": x.from, "valid_until": x.until,
                        "from_label": format_local(x.from, tz), "until_label": format_local(x.until, tz),
                        "current": current.is_some_and(|c| c.id == x.id), "past": x.until <= at,
                    })
                })
                .collect();
            let current_json = if t.requires_code {
                Some(json!({ "label": "Comp pass", "amount": money(0, &conf.currency), "amount_minor": 0, "currency": conf.currency }))
            } else {
                current.map(|c| json!({ "label": c.label, "amount": c.amount.to_string(), "amount_minor": c.amount.minor, "currency": c.amount.currency }))
            };
            json!({
                "id": t.public_id, "name": t.name, "description": t.description,
                "requires_code": t.requires_code,
                "on_sale": current_json.is_some(),
                "current": current_json,
                "summary": if t.requires_code { None } else { fees::price_summary(&tiers, at, tz) },
                "tiers": tier_list,
            })
        })
        .collect();
    let (opens_at, closes_at) = settings.as_ref().map(|s| (s.opens_at, s.closes_at)).unwrap_or((None, None));
    let taken = repo::seats_taken(conn, conf.id)?;
    Ok(json!({
        "configured": !types.is_empty(),
        "open": !types.is_empty() && rules::window_open(opens_at, closes_at, at),
        "opens_at": local(opens_at, tz), "closes_at": local(closes_at, tz),
        "not_yet_open": opens_at.is_some_and(|o| at < o),
        "time_zone": conf.time_zone, "currency": conf.currency,
        "at": at, "at_label": format_local(at, tz),
        "cap": conf.attendance_cap, "full": taken >= conf.attendance_cap as i64,
        "ticket_types": list,
    }))
}

/// The fee table as the conference page shows it now.
pub fn public_fees(conn: &mut PgConnection, conf: &Conference) -> Result<Value, AppError> {
    fee_table(conn, conf, Utc::now())
}

// ---- organiser set-up ----

/// The registration set-up page: settings (as typed in the conference zone),
/// ticket types with their tiers, and comp code batches.
pub fn setup_view(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let settings = repo::settings(conn, conf.id)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let rows = repo::tiers_for_conference(conn, conf.id)?;
    let now = Utc::now();
    let list: Vec<Value> = types
        .iter()
        .map(|t| {
            let tiers: Vec<Value> = rows
                .iter()
                .filter(|r| r.ticket_type_id == t.id)
                .filter_map(|r| r.tier().map(|x| (r, x)))
                .map(|(r, x)| {
                    json!({
                        "id": r.public_id, "label": x.label, "amount": x.amount.to_string(),
                        "from_label": format_local(x.from, tz), "until_label": format_local(x.until, tz),
                        "current": x.contains(now),
                    })
                })
                .collect();
            json!({
                "id": t.public_id, "name": t.name, "description": t.description,
                "requires_code": t.requires_code, "tiers": tiers,
                "tier_form": { "label": "", "amount": "", "valid_from": "", "valid_until": "" },
                "tier_errors": {},
            })
        })
        .collect();
    let form = match &settings {
        Some(s) => json!({
            "opens_at": s.opens_at.map(|t| format_input(t, tz)).unwrap_or_default(),
            "closes_at": s.closes_at.map(|t| format_input(t, tz)).unwrap_or_default(),
            "attendance_cap": conf.attendance_cap.to_string(),
            "offer_hours": s.offer_hours.to_string(),
            "hold_hours": s.hold_hours.to_string(),
        }),
        None => json!({
            "opens_at": "", "closes_at": "", "attendance_cap": conf.attendance_cap.to_string(),
            "offer_hours": DEFAULT_OFFER_HOURS.to_string(), "hold_hours": DEFAULT_HOLD_HOURS.to_string(),
        }),
    };
    Ok(json!({
        "settings_form": form,
        "ticket_types": list,
        "code_types": types.iter().filter(|t| t.requires_code).map(|t| json!({ "id": t.public_id, "name": t.name })).collect::<Vec<_>>(),
    }))
}

pub fn save_settings(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    s: &Settings,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        repo::ensure_settings(conn, conf.id)?;
        repo::lock_settings(conn, conf.id)?;
        // A new hold applies to seats confirmed from now on; deadlines already
        // given stay as they were told.
        repo::save_settings(conn, conf.id, s.opens_at, s.closes_at, s.offer_hours, s.hold_hours)?;
        repo::set_cap(conn, conf.id, s.attendance_cap)?;
        // A larger cap frees seats: offer them to the waitlist.
        let conf = Conference { attendance_cap: s.attendance_cap, ..conf.clone() };
        fill_seats_locked(conn, st, &conf, s.offer_hours)?;
        Ok(())
    })
}

pub fn add_ticket_type(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    name: &str,
    description: &str,
    requires_code: bool,
) -> Result<TicketType, FormError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        repo::ensure_settings(conn, conf.id)?;
        match repo::insert_ticket_type(conn, conf.id, name, description, requires_code) {
            Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Err(FormError::Field(
                FieldError::new("name", "this conference already has a ticket type with that name"),
            )),
            other => Ok(other?),
        }
    })
}

/// Why a form was refused: a field to mark, or something else (shown at the top).
#[derive(Debug)]
pub enum FormError {
    Field(FieldError),
    App(AppError),
}

impl From<AppError> for FormError {
    fn from(e: AppError) -> Self {
        FormError::App(e)
    }
}

impl From<DbError> for FormError {
    fn from(e: DbError) -> Self {
        FormError::App(e.into())
    }
}

impl FormError {
    /// For the JSON API: one message.
    pub fn into_app(self) -> AppError {
        match self {
            FormError::App(e) => e,
            FormError::Field(f) => AppError::BadRequest(format!("{}: {}", f.field, f.message)),
        }
    }
}

fn overlap_error(other: &Tier, tz: Tz) -> FormError {
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

fn tier_write(
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
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    ticket_type: Uuid,
    draft: &TierDraft,
) -> Result<(), FormError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let t = repo::ticket_type(conn, conf.id, ticket_type)?.ok_or(AppError::NotFound)?;
        if t.requires_code {
            return Err(FormError::App(AppError::BadRequest("Comp passes are free: they have no fee tiers.".into())));
        }
        tier_write(conn, conf, t.id, None, draft)
    })
}

/// A tier for its edit form (404 unless it belongs to this conference).
pub fn tier_for_edit(conn: &mut PgConnection, actor: &User, conf: &Conference, tier: Uuid) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
    let t = row.tier().ok_or(AppError::NotFound)?;
    Ok(json!({
        "id": row.public_id,
        "form": {
            "label": t.label, "amount": t.amount.plain(),
            "valid_from": format_input(t.from, tz), "valid_until": format_input(t.until, tz),
        },
    }))
}

/// Changes a tier. Registrations keep the fee stored on them.
pub fn update_tier(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    tier: Uuid,
    draft: &TierDraft,
) -> Result<(), FormError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
        tier_write(conn, conf, row.ticket_type_id, Some(row.id), draft)
    })
}

pub fn delete_tier(conn: &mut PgConnection, actor: &User, conf: &Conference, tier: Uuid) -> Result<(), AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let row = repo::tier(conn, conf.id, tier)?.ok_or(AppError::NotFound)?;
        repo::delete_tier(conn, row.id)?;
        Ok(())
    })
}

// ---- comp codes ----

fn new_code() -> String {
    use rand::Rng;
    // No 0/O or 1/I: codes are read aloud and typed from paper.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

pub fn generate_codes(
    conn: &mut PgConnection,
    actor: &User,
    conf: &Conference,
    ticket_type: Uuid,
    label: Option<&str>,
    count: i64,
) -> Result<Vec<String>, FormError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let t = repo::ticket_type(conn, conf.id, ticket_type)?
            .ok_or_else(|| FormError::Field(FieldError::new("ticket_type", "choose a comp pass ticket type")))?;
        if !t.requires_code {
            return Err(FormError::Field(FieldError::new(
                "ticket_type",
                "codes are for ticket types that require a code",
            )));
        }
        let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
        repo::insert_codes(conn, conf.id, t.id, label, &codes)?;
        Ok(codes)
    })
}

/// Gives an accepted microconference its comp passes: `n` single-use codes for
/// the conference's comp ticket type (created when the conference has none).
/// Running it again tops up to `n` and never creates more.
pub fn comp_codes_for_microconference(
    conn: &mut PgConnection,
    conf: &Conference,
    mc_id: i64,
    title: &str,
    n: i32,
) -> Result<usize, AppError> {
    let have = repo::count_mc_codes(conn, mc_id)?;
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
    Ok(repo::insert_mc_codes(conn, conf.id, comp.id, mc_id, &format!("{title} MC speakers"), &codes)?)
}

pub fn codes_view(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<Vec<Value>, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    Ok(repo::codes(conn, conf.id)?
        .into_iter()
        .map(|(c, ticket_type, used_by)| {
            json!({
                "code": c.code, "label": c.label.unwrap_or_default(), "ticket_type": ticket_type,
                "used": c.used_at.is_some(), "used_by": used_by, "used_at": local(c.used_at, tz),
            })
        })
        .collect())
}

// ---- registering ----

/// What registration mails say about a registration (stored or about to be).
struct MailFacts<'a> {
    fee_minor: i64,
    currency: &'a str,
    tier_label: &'a str,
    badge_name: &'a str,
    offer_expires_at: Option<DateTime<Utc>>,
    hold_expires_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a Registration> for MailFacts<'a> {
    fn from(r: &'a Registration) -> Self {
        MailFacts {
            fee_minor: r.fee_minor,
            currency: &r.currency,
            tier_label: &r.tier_label,
            badge_name: &r.badge_name,
            offer_expires_at: r.offer_expires_at,
            hold_expires_at: r.hold_expires_at,
        }
    }
}

impl<'a> From<&'a NewRegistration<'a>> for MailFacts<'a> {
    fn from(r: &'a NewRegistration<'a>) -> Self {
        MailFacts {
            fee_minor: r.fee_minor,
            currency: r.currency,
            tier_label: r.tier_label,
            badge_name: r.badge_name,
            offer_expires_at: None,
            hold_expires_at: r.hold_expires_at,
        }
    }
}

fn mail_data(conf: &Conference, st: &AppState, r: MailFacts, ticket_type: &str, name: &str) -> Value {
    let tz = zone(conf);
    json!({
        "name": name, "conference": conf.name, "ticket_type": ticket_type,
        "fee": money(r.fee_minor, r.currency), "tier": r.tier_label, "badge_name": r.badge_name,
        "link": link(st, conf), "offer_expires_at": local(r.offer_expires_at, tz),
        "hold_expires_at": local(r.hold_expires_at, tz),
        "free": r.fee_minor == 0,
    })
}

fn ticket_type_name(conn: &mut PgConnection, conf: &Conference, id: i64) -> Result<String, AppError> {
    Ok(repo::ticket_types(conn, conf.id)?.into_iter().find(|t| t.id == id).map(|t| t.name).unwrap_or_default())
}

fn notify(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
    what: &str,
    extra: Value,
) -> Result<(), AppError> {
    let user = users::find(conn, r.user_id)?;
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    notify_person(conn, st, conf, r, (&user, &tt), what, extra)
}

/// `notify` for a caller that has the person and the ticket type's name at
/// hand (registering, inside the seat lock: two queries fewer there).
fn notify_person(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
    (user, tt): (&User, &str),
    what: &str,
    extra: Value,
) -> Result<(), AppError> {
    let mut data = mail_data(conf, st, r.into(), tt, &user.name);
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    mail::queue(conn, st, &user.email, &subject(conf, what), what, data)?;
    Ok(())
}

fn subject(conf: &Conference, what: &str) -> String {
    match what {
        "registration_confirmed" => format!("Registration confirmed: {}", conf.name),
        "registration_waitlisted" => format!("You are on the waitlist for {}", conf.name),
        "registration_offer" => format!("A seat is free for you at {}", conf.name),
        "registration_lapsed" => format!("Your unpaid seat has lapsed: {}", conf.name),
        _ => format!("Registration cancelled: {}", conf.name),
    }
}

/// Offers free seats to the waitlist, in order, each offer by mail. Call with the
/// settings row locked.
fn fill_seats_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    offer_hours: i32,
) -> Result<usize, AppError> {
    let mut n = 0;
    while let Some(offer) = repo::offer_next(conn, conf.id, offer_hours)? {
        notify(conn, st, conf, &offer, "registration_offer", json!({ "hours": offer_hours }))?;
        n += 1;
    }
    Ok(n)
}

/// Ends offers that ran out, moves unpaid seats whose hold ran out to the back
/// of the waitlist, and passes the freed seats on. Call with the settings row
/// locked. Returns how many offers and holds ended.
fn expire_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
) -> Result<usize, AppError> {
    let expired = repo::expire_due_offers(conn, conf.id)?;
    for r in &expired {
        notify(conn, st, conf, r, "registration_cancelled", json!({ "reason": "expired", "bookings_cancelled": 0 }))?;
    }
    let lapsed = lapse_locked(conn, st, conf, settings)?;
    fill_seats_locked(conn, st, conf, settings.offer_hours)?;
    Ok(expired.len() + lapsed)
}

/// Unpaid seats past their hold go to the back of the waitlist rather than
/// being cancelled: the person keeps their fee and a place in the queue
/// without registering again, while those who waited longer get the seat
/// first. Their bookings that have not started end with the seat.
fn lapse_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
) -> Result<usize, AppError> {
    let lapsed = repo::lapse_due_holds(conn, conf.id)?;
    let tz = zone(conf);
    for l in &lapsed {
        let r = &l.registration;
        let bookings = crate::services::rooms::cancel_future_bookings(conn, conf.id, r.user_id, None)?;
        let extra = json!({
            "held_until": format_local(l.held_until, tz), "hold_hours": settings.hold_hours,
            "bookings_cancelled": bookings,
        });
        notify(conn, st, conf, r, "registration_lapsed", extra)?;
    }
    Ok(lapsed.len())
}

/// Lazily ends the conference's run-out offers and holds (cheap when there are none).
pub fn refresh(conn: &mut PgConnection, st: &AppState, conf: &Conference) -> Result<(), AppError> {
    if !repo::has_due_deadlines(conn, conf.id)? {
        return Ok(());
    }
    conn.transaction(|conn| {
        if let Some(s) = repo::lock_settings(conn, conf.id)? {
            expire_locked(conn, st, conf, &s)?;
        }
        Ok(())
    })
}

/// The periodic sweep (the worker calls it), so run-out offers and unpaid
/// holds pass on without traffic. Safe with any number of app instances: each
/// conference is settled under its settings row lock, and the statements that
/// end offers and holds only touch rows still due, so a second run (here or in
/// another instance) finds nothing and mails nobody twice.
pub fn expire_deadlines(conn: &mut PgConnection, st: &AppState) -> Result<usize, AppError> {
    let mut n = 0;
    for conference_id in repo::conferences_with_due_deadlines(conn)? {
        n += conn.transaction(|conn| -> Result<usize, AppError> {
            let conf = repo::conference_by_id(conn, conference_id)?;
            match repo::lock_settings(conn, conference_id)? {
                Some(s) => expire_locked(conn, st, &conf, &s),
                None => Ok(0),
            }
        })?;
    }
    if n > 0 {
        // Seats changed without a request: cached pages ("full", the room board) are stale.
        st.pages.written();
    }
    Ok(n)
}

/// An account without a verified address may not register (the page offers a
/// new link next to it; seats are kept for people we can reach).
fn verify_first() -> FormError {
    FormError::App(AppError::Unverified)
}

/// Registers `user`: the fee is the tier in force now (or a comp code), stored on
/// the row; PostgreSQL decides confirmed or waitlisted under the conference lock.
/// Only a verified address may register (the web form and the API both come
/// here; a trigger refuses the row too).
pub fn register(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    draft: &RegistrationDraft,
) -> Result<Registration, FormError> {
    // Throwaway addresses could otherwise take every seat.
    if !user.is_verified() {
        return Err(verify_first());
    }
    // Checks first, from what is remembered for at most a second: they are for
    // the message; the statement that takes the seat checks the window again
    // and the database refuses a second active registration.
    let window = window(conn, st, conf)?;
    let Some((settings, first_deadline)) = window.as_ref() else {
        return Err(AppError::Conflict("Registration is not open for this conference.".into()).into());
    };
    let now = Utc::now();
    let tz = zone(conf);
    if let Some(o) = settings.opens_at.filter(|o| now < *o) {
        return Err(AppError::Conflict(format!("Registration opens on {}.", format_local(o, tz))).into());
    }
    if let Some(c) = settings.closes_at.filter(|c| now >= *c) {
        return Err(AppError::Conflict(format!("Registration closed on {}.", format_local(c, tz))).into());
    }
    // An offer or an unpaid hold ran out: settle that before deciding this seat.
    let due = first_deadline.is_some_and(|t| t <= now);
    let ticketing = ticketing(conn, st, conf)?;
    let wanted = draft.ticket_type.trim().to_lowercase();
    let t = ticketing
        .0
        .iter()
        .find(|t| t.public_id.to_string() == wanted || t.name.to_lowercase() == wanted)
        .cloned()
        .ok_or_else(|| FormError::Field(FieldError::new("ticket_type", "choose one of the ticket types")))?;
    if t.requires_code {
        return conn.transaction(|conn| register_with_code(conn, st, user, conf, draft, &t));
    }
    let tiers = tiers_of(&ticketing.1, t.id);
    let Some(tier) = fees::tier_at(&tiers, now) else {
        return Err(FormError::Field(FieldError::new(
            "ticket_type",
            format!("“{}” is not on sale at the moment", t.name),
        )));
    };
    let mut new = new_registration(conf, user, &t, draft, (Some(tier.id), &tier.label, &tier.amount, None));
    if new.payment_status == UNPAID {
        // Fixed here so that the mail says exactly what the row will hold.
        new.hold_expires_at = Some(now + chrono::Duration::hours(settings.hold_hours.into()));
    }
    // Both possible mails are composed now, so the statement that takes the
    // seat also queues the right one without coming back to us.
    let compose = |what: &str| {
        let data = mail_data(conf, st, (&new).into(), &t.name, &user.name);
        mail::compose(st, &user.email, &subject(conf, what), what, data)
    };
    let (confirmed, waitlisted) = (compose("registration_confirmed")?, compose("registration_waitlisted")?);
    if due {
        refresh(conn, st, conf)?;
        // The remembered window still holds the deadlines that ran out.
        st.pages.written();
    }
    match repo::register_in_one_statement(conn, &new, &confirmed.as_new_mail(), &waitlisted.as_new_mail()) {
        Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("registrations_one_active_idx") =>
        {
            Err(already_registered())
        }
        Err(e) if is_unverified_refusal(&e) => Err(verify_first()),
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(not_open()),
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// The database's last word on an unverified address (the address was
/// unverified in another session after this request loaded the person).
fn is_unverified_refusal(e: &DbError) -> bool {
    matches!(e, DbError::DatabaseError(DatabaseErrorKind::CheckViolation, info)
        if info.constraint_name() == Some("account_unverified"))
}

/// The fields of a registration about to be inserted; the fee comes from the
/// tier (or the comp code) chosen on the server, never from the client.
fn new_registration<'a>(
    conf: &'a Conference,
    user: &User,
    t: &TicketType,
    draft: &'a RegistrationDraft,
    (fee_tier_id, tier_label, fee, comp_code_id): (Option<i64>, &'a str, &'a Money, Option<i64>),
) -> NewRegistration<'a> {
    NewRegistration {
        conference_id: conf.id,
        user_id: user.id,
        ticket_type_id: t.id,
        fee_tier_id,
        tier_label,
        fee_minor: fee.minor,
        currency: &fee.currency,
        comp_code_id,
        badge_name: &draft.badge_name,
        affiliation: &draft.affiliation,
        dietary: &draft.dietary,
        accessibility: &draft.accessibility,
        public_listing: draft.public_listing,
        payment_status: if fee.minor == 0 { NOT_DUE } else { UNPAID },
        hold_expires_at: None,
    }
}

/// A comp pass: the code is claimed and the seat taken in one transaction, so a
/// refused registration never uses up the code.
fn register_with_code(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    draft: &RegistrationDraft,
    t: &TicketType,
) -> Result<Registration, FormError> {
    let Some(code) = draft.code.as_deref() else {
        return Err(FormError::Field(FieldError::new("code", "this ticket type needs a comp code")));
    };
    let claimed = match repo::claim_code(conn, conf.id, code, user.id)? {
        Some(c) if c.ticket_type_id == t.id => c,
        Some(_) => return Err(FormError::Field(FieldError::new("code", format!("this code is not for “{}”", t.name)))),
        None => {
            let message = if repo::code(conn, conf.id, code)?.is_some() {
                "this code was already used; each code works once"
            } else {
                "this code is not valid for this conference"
            };
            return Err(FormError::Field(FieldError::new("code", message)));
        }
    };
    let Some(settings) = repo::lock_settings(conn, conf.id)? else {
        return Err(AppError::Conflict("Registration is not open for this conference.".into()).into());
    };
    expire_locked(conn, st, conf, &settings)?;
    let free = Money::new(0, &conf.currency);
    let new = new_registration(conf, user, t, draft, (None, "Comp pass", &free, Some(claimed.id)));
    let r = match repo::insert_taking_seat(conn, &new) {
        Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("registrations_one_active_idx") =>
        {
            return Err(already_registered())
        }
        // Closed since the checks above: the statement inserted nothing.
        Err(DbError::NotFound) => return Err(not_open()),
        Err(e) if is_unverified_refusal(&e) => return Err(verify_first()),
        other => other?,
    };
    let template = if r.status == WAITLISTED { "registration_waitlisted" } else { "registration_confirmed" };
    notify_person(conn, st, conf, &r, (user, &t.name), template, json!({}))?;
    Ok(r)
}

/// The registration settings and when the first live waitlist offer runs out.
type Window = Option<(repo::SettingsRow, Option<chrono::DateTime<Utc>>)>;

fn window(conn: &mut PgConnection, st: &AppState, conf: &Conference) -> Result<std::sync::Arc<Window>, AppError> {
    st.pages.memo(format!("registration-window:{}", conf.id), || -> Result<Window, AppError> {
        Ok(repo::registration_window(conn, conf.id)?)
    })
}

/// A conference's ticket types and their fee tiers.
type Ticketing = (Vec<TicketType>, Vec<repo::TierRow>);

/// The ticket types and fee tiers of a conference, remembered for the page
/// cache's TTL (an organiser's change through this instance shows at once).
/// Which tier is in force is still decided at the instant of registering.
fn ticketing(conn: &mut PgConnection, st: &AppState, conf: &Conference) -> Result<std::sync::Arc<Ticketing>, AppError> {
    st.pages.memo(format!("ticketing:{}", conf.id), || -> Result<Ticketing, AppError> {
        Ok((repo::ticket_types(conn, conf.id)?, repo::tiers_for_conference(conn, conf.id)?))
    })
}

fn not_open() -> FormError {
    FormError::App(AppError::Conflict("Registration is not open for this conference.".into()))
}

fn already_registered() -> FormError {
    FormError::App(AppError::Conflict("You are already registered for this conference.".into()))
}

/// A registration as its owner (or an organiser) sees it.
pub fn view(conn: &mut PgConnection, conf: &Conference, r: &Registration) -> Result<Value, AppError> {
    let tz = zone(conf);
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    let position = if r.status == WAITLISTED {
        // In order of joining the waitlist, as offers are made.
        let all = repo::for_conference(conn, conf.id)?;
        let key = |x: &Registration| (x.waitlisted_at, x.id);
        Some(all.iter().filter(|(x, _, _)| x.status == WAITLISTED && key(x) <= key(r)).count())
    } else {
        None
    };
    Ok(json!({
        "id": r.public_id, "status": r.status, "status_label": rules::status_label(&r.status),
        "active": r.is_active(), "confirmed": r.status == CONFIRMED, "waitlisted": r.status == WAITLISTED,
        "offered": r.status == OFFERED,
        "ticket_type": tt, "badge_name": r.badge_name, "affiliation": r.affiliation,
        "dietary": r.dietary, "accessibility": r.accessibility, "public_listing": r.public_listing,
        "fee": money(r.fee_minor, &r.currency), "fee_minor": r.fee_minor, "currency": r.currency,
        "tier": r.tier_label, "payment_status": r.payment_status,
        "payment_label": rules::payment_label(&r.payment_status), "payment_reference": r.payment_reference,
        "paid": r.payment_status == rules::PAID, "invoiced": r.payment_status == INVOICED,
        "invoiced_at": local(r.invoiced_at, tz),
        // The seat is held until then unless paid (times in the conference's zone).
        "hold_expires_at": local(r.hold_expires_at, tz),
        "registered_at": format_local(r.created_at, tz),
        "confirmed_at": local(r.confirmed_at, tz), "paid_at": local(r.paid_at, tz),
        "offer_expires_at": local(r.offer_expires_at, tz),
        "cancelled_at": local(r.cancelled_at, tz), "checked_in_at": local(r.checked_in_at, tz),
        "waitlist_position": position,
    }))
}

/// The person's registration for the conference (active, else the latest), after lazily ending run-out offers.
pub fn mine(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Option<Registration>, AppError> {
    refresh(conn, st, conf)?;
    Ok(repo::latest_for_user(conn, conf.id, user.id)?)
}

/// One registration by its public id: its owner and the conference's organisers
/// see it; for anyone else it does not exist (404, not 403).
pub fn by_id(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
    id: Uuid,
) -> Result<Registration, AppError> {
    refresh(conn, st, conf)?;
    let r = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
    if r.user_id == user.id || is_organiser(conn, conf, user)? {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

/// Ends a registration and, in the same transaction, the person's room
/// bookings that have not started (booking needs a confirmed seat); `by` is
/// who cancelled (the person or an organiser).
fn cancel_locked(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    settings: &SettingsRow,
    r: &Registration,
    (reason, by): (&str, &User),
) -> Result<Registration, AppError> {
    let cancelled = repo::cancel(conn, r.id)?
        .ok_or_else(|| AppError::Conflict("That registration is already cancelled.".into()))?;
    let bookings = crate::services::rooms::cancel_future_bookings(conn, conf.id, r.user_id, Some(by.id))?;
    let extra = json!({ "reason": reason, "bookings_cancelled": bookings });
    notify(conn, st, conf, &cancelled, "registration_cancelled", extra)?;
    if r.status == CONFIRMED || r.status == OFFERED {
        // The seat goes to the first on the waitlist, in this same transaction.
        fill_seats_locked(conn, st, conf, settings.offer_hours)?;
    }
    Ok(cancelled)
}

/// The person cancels their own active registration (or declines an offer).
pub fn cancel_mine(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Registration, AppError> {
    conn.transaction(|conn| {
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        expire_locked(conn, st, conf, &settings)?;
        let r = repo::active_for_user(conn, conf.id, user.id)?.ok_or(AppError::NotFound)?;
        cancel_locked(conn, st, conf, &settings, &r, ("self", user))
    })
}

/// Takes a live offer: confirmed at the fee fixed when the person joined the waitlist.
pub fn accept_offer(
    conn: &mut PgConnection,
    st: &AppState,
    user: &User,
    conf: &Conference,
) -> Result<Registration, AppError> {
    conn.transaction(|conn| {
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        expire_locked(conn, st, conf, &settings)?;
        let r = repo::accept_offer(conn, conf.id, user.id)?
            .ok_or_else(|| AppError::Conflict("There is no open offer for you: it may have expired.".into()))?;
        notify(conn, st, conf, &r, "registration_confirmed", json!({}))?;
        Ok(r)
    })
}

// ---- the organisers' desk ----

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
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    id: Uuid,
    action: DeskAction,
) -> Result<&'static str, AppError> {
    conn.transaction(|conn| {
        require_organiser(conn, conf, actor)?;
        let settings = repo::lock_settings(conn, conf.id)?.ok_or(AppError::NotFound)?;
        let r = repo::by_public_id(conn, conf.id, id)?.ok_or(AppError::NotFound)?;
        match action {
            DeskAction::Paid(reference) => {
                repo::mark_paid(conn, r.id, &reference)?.ok_or_else(|| {
                    AppError::Conflict("Only an unpaid or invoiced registration can be marked paid.".into())
                })?;
                Ok("registration-paid")
            }
            DeskAction::Invoiced => {
                repo::mark_invoiced(conn, r.id)?.ok_or_else(|| {
                    AppError::Conflict("Only a confirmed registration not yet paid can be marked invoiced.".into())
                })?;
                Ok("registration-invoiced")
            }
            DeskAction::Cancel => {
                cancel_locked(conn, st, conf, &settings, &r, ("organiser", actor))?;
                Ok("registration-cancelled-by-organiser")
            }
            DeskAction::Refund => {
                repo::mark_refunded(conn, r.id)?
                    .ok_or_else(|| AppError::Conflict("Only a paid registration can be refunded.".into()))?;
                if r.is_active() {
                    cancel_locked(conn, st, conf, &settings, &r, ("refund", actor))?;
                }
                Ok("registration-refunded")
            }
            DeskAction::CheckIn => {
                repo::check_in(conn, r.id)?.ok_or_else(|| {
                    AppError::Conflict("Only a confirmed registration can be checked in, once.".into())
                })?;
                Ok("registration-checked-in")
            }
        }
    })
}

#[derive(Debug, Default, serde::Deserialize, serde::Serialize, Clone)]
pub struct Filter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub ticket_type: String,
    #[serde(default)]
    pub payment: String,
    #[serde(default)]
    pub q: String,
}

/// The attendee list with totals over the whole conference and the rows matching `filter`.
pub fn attendees(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    filter: &Filter,
) -> Result<Value, AppError> {
    require_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let all = repo::for_conference(conn, conf.id)?;
    let type_name = |id: i64| types.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
    let count = |f: &dyn Fn(&Registration) -> bool| all.iter().filter(|(r, _, _)| f(r)).count();
    let sum = |f: &dyn Fn(&Registration) -> bool| -> i64 {
        all.iter().filter(|(r, _, _)| f(r)).map(|(r, _, _)| r.fee_minor).sum()
    };
    let by_type: Vec<Value> = types
        .iter()
        .map(|t| json!({ "name": t.name, "confirmed": count(&|r| r.ticket_type_id == t.id && r.status == CONFIRMED) }))
        .collect();
    let mut tier_labels: Vec<String> =
        all.iter().filter(|(r, _, _)| r.status == CONFIRMED).map(|(r, _, _)| r.tier_label.clone()).collect();
    tier_labels.sort();
    tier_labels.dedup();
    let by_tier: Vec<Value> = tier_labels
        .iter()
        .map(|l| json!({ "label": l, "confirmed": count(&|r| r.status == CONFIRMED && &r.tier_label == l) }))
        .collect();
    let totals = json!({
        "confirmed": count(&|r| r.status == CONFIRMED),
        "waitlisted": count(&|r| r.status == WAITLISTED),
        "offered": count(&|r| r.status == OFFERED),
        "cancelled": count(&|r| !r.is_active()),
        "paid": count(&|r| r.payment_status == rules::PAID),
        "unpaid": count(&|r| r.status == CONFIRMED && r.payment_status == UNPAID),
        "invoiced": count(&|r| r.status == CONFIRMED && r.payment_status == INVOICED),
        "checked_in": count(&|r| r.checked_in_at.is_some()),
        "revenue": money(sum(&|r| r.payment_status == rules::PAID), &conf.currency),
        "outstanding": money(
            sum(&|r| r.status == CONFIRMED && (r.payment_status == UNPAID || r.payment_status == INVOICED)),
            &conf.currency,
        ),
        "cap": conf.attendance_cap,
        "by_type": by_type, "by_tier": by_tier,
    });
    let q = filter.q.trim().to_lowercase();
    let rows: Vec<Value> = all
        .iter()
        .filter(|(r, _, _)| match filter.status.as_str() {
            "" => true,
            "inactive" => !r.is_active(),
            s => r.status == s,
        })
        .filter(|(r, _, _)| filter.payment.is_empty() || r.payment_status == filter.payment)
        .filter(|(r, _, _)| {
            filter.ticket_type.is_empty()
                || types.iter().any(|t| t.id == r.ticket_type_id && t.public_id.to_string() == filter.ticket_type)
        })
        .filter(|(r, name, email)| {
            q.is_empty()
                || name.to_lowercase().contains(&q)
                || email.contains(&q)
                || r.badge_name.to_lowercase().contains(&q)
                || r.affiliation.to_lowercase().contains(&q)
        })
        .map(|(r, name, email)| {
            json!({
                "id": r.public_id, "name": name, "email": email, "badge_name": r.badge_name,
                "affiliation": r.affiliation, "ticket_type": type_name(r.ticket_type_id),
                "tier": r.tier_label, "fee": money(r.fee_minor, &r.currency),
                "status": r.status, "status_label": rules::status_label(&r.status),
                "payment_status": r.payment_status, "payment_label": rules::payment_label(&r.payment_status),
                "payment_reference": r.payment_reference,
                "can_mark_paid": (r.payment_status == UNPAID || r.payment_status == INVOICED) && r.status == CONFIRMED,
                "can_mark_invoiced": r.payment_status == UNPAID && r.status == CONFIRMED,
                "hold_expires_at": local(r.hold_expires_at, tz),
                "can_refund": r.payment_status == rules::PAID,
                "can_cancel": r.is_active(),
                "can_check_in": r.status == CONFIRMED && r.checked_in_at.is_none(),
                "checked_in_at": local(r.checked_in_at, tz),
                "registered_at": format_local(r.created_at, tz),
                "offer_expires_at": local(r.offer_expires_at, tz),
                "dietary": r.dietary, "accessibility": r.accessibility,
            })
        })
        .collect();
    let type_options: Vec<Value> =
        types.iter().map(|t| json!({ "id": t.public_id.to_string(), "name": t.name })).collect();
    Ok(json!({ "totals": totals, "rows": rows, "ticket_types": type_options }))
}

/// The attendee list as CSV; every cell neutralised against spreadsheet formulas.
pub fn csv(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<String, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let types = repo::ticket_types(conn, conf.id)?;
    let mut out = crate::domain::csv::row(
        &[
            "id",
            "name",
            "email",
            "badge_name",
            "affiliation",
            "ticket_type",
            "tier",
            "fee",
            "currency",
            "status",
            "payment",
            "payment_reference",
            "dietary",
            "accessibility",
            "public_listing",
            "registered_at",
            "checked_in_at",
        ]
        .map(String::from),
    );
    for (r, name, email) in repo::for_conference(conn, conf.id)? {
        let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.clone()).unwrap_or_default();
        out.push_str(&crate::domain::csv::row(&[
            r.public_id.to_string(),
            name,
            email,
            r.badge_name.clone(),
            r.affiliation.clone(),
            tt,
            r.tier_label.clone(),
            Money::new(r.fee_minor, &r.currency).plain(),
            r.currency.clone(),
            r.status.clone(),
            r.payment_status.clone(),
            r.payment_reference.clone(),
            r.dietary.clone(),
            r.accessibility.clone(),
            if r.public_listing { "yes" } else { "no" }.to_string(),
            r.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            r.checked_in_at.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
        ]));
    }
    Ok(out)
}

/// Registrations per day against the tier boundaries and the cap.
pub fn chart(conn: &mut PgConnection, actor: &User, conf: &Conference) -> Result<SalesChart, AppError> {
    require_organiser(conn, conf, actor)?;
    let tz = zone(conf);
    let per_day = repo::per_day(conn, conf.id, conf.time_zone.name())?.into_iter().map(|d| (d.day, d.n)).collect();
    let mut boundaries: Vec<(chrono::NaiveDate, String)> = repo::tiers_for_conference(conn, conf.id)?
        .iter()
        .filter_map(TierRow::tier)
        .map(|t| (t.from.with_timezone(&tz).date_naive(), format!("{} {}", t.label, t.amount)))
        .collect();
    boundaries.sort();
    boundaries.dedup();
    Ok(SalesChart {
        per_day,
        boundaries,
        cap: conf.attendance_cap as i64,
        today: Utc::now().with_timezone(&tz).date_naive(),
    })
}

/// Confirmed attendees who agreed to be listed publicly.
pub fn public_attendees(conn: &mut PgConnection, conf: &Conference) -> Result<Vec<Value>, AppError> {
    Ok(repo::public_list(conn, conf.id)?
        .into_iter()
        .map(|(badge_name, affiliation)| json!({ "name": badge_name, "affiliation": affiliation }))
        .collect())
}

/// For the JSON API: a registration with its frozen fee.
pub fn api_view(conn: &mut PgConnection, conf: &Conference, r: &Registration) -> Result<Value, AppError> {
    let tt = ticket_type_name(conn, conf, r.ticket_type_id)?;
    Ok(api_json(r, &tt))
}

/// `api_view` with the ticket type's name from the remembered ticketing.
pub fn api_view_cached(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
    r: &Registration,
) -> Result<Value, AppError> {
    let ticketing = ticketing(conn, st, conf)?;
    let tt = ticketing.0.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
    Ok(api_json(r, tt))
}

fn api_json(r: &Registration, tt: &str) -> Value {
    json!({
        "id": r.public_id, "status": r.status, "ticket_type": tt, "badge_name": r.badge_name,
        "affiliation": r.affiliation, "fee_minor": r.fee_minor, "currency": r.currency,
        "fee": money(r.fee_minor, &r.currency), "tier": r.tier_label,
        "payment_status": r.payment_status, "created_at": r.created_at,
        "offer_expires_at": r.offer_expires_at, "hold_expires_at": r.hold_expires_at,
        "checked_in_at": r.checked_in_at,
    })
}

/// Every registration of the conference for organisers (API).
pub fn api_list(
    conn: &mut PgConnection,
    st: &AppState,
    actor: &User,
    conf: &Conference,
) -> Result<Vec<Value>, AppError> {
    require_organiser(conn, conf, actor)?;
    refresh(conn, st, conf)?;
    let rows = repo::for_conference(conn, conf.id)?;
    let types = repo::ticket_types(conn, conf.id)?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, name, email) in rows {
        let tt = types.iter().find(|t| t.id == r.ticket_type_id).map(|t| t.name.as_str()).unwrap_or_default();
        let mut v = api_json(&r, tt);
        if let Value::Object(m) = &mut v {
            m.insert("name".into(), json!(name));
            m.insert("email".into(), json!(email));
        }
        out.push(v);
    }
    Ok(out)
}
