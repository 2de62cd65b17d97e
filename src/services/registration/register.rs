//! Registering under the cap: the fee is the tier in force (or a comp code), decided on the server.

use super::notify::{mail_data, notify_person, subject};
use super::waitlist::{expire_locked, refresh};
use super::{tiers_of, zone, FormError};
use crate::domain::fees::{self, format_local};
use crate::domain::money::Money;
use crate::domain::registration::{PaymentStatus, RegistrationDraft, Status};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::repo::conferences::Conference;
use crate::services::repo::registrations::{self as repo, NewRegistration, Registration, TicketType};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::services::{mail, policy};
use crate::state::AppState;
use chrono::Utc;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::{Connection, PgConnection};
use serde_json::json;

/// An account without a verified address may not register (the page offers a
/// new link next to it; seats are kept for people we can reach).
pub(super) fn verify_first() -> FormError {
    FormError::App(AppError::Unverified)
}

/// Registers `user`: the fee is the tier in force now (or a comp code), stored on
/// the row; PostgreSQL decides confirmed or waitlisted under the conference lock.
/// Only a verified address may register (the web form and the API both come
/// here; a trigger refuses the row too).
pub fn register(
    Db(conn): &mut Db,
    st: &AppState,
    user: &User,
    conf: &Conference,
    draft: &RegistrationDraft,
) -> Result<Registration, FormError> {
    // Throwaway addresses could otherwise take every seat.
    policy::require_verified(user)?;
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
    // A bundle price is for people already registered at the co-located conference.
    if let Some(other) = t.for_registrants_of {
        if !crate::services::repo::co_location::confirmed_at_any(conn, &[other], user.id)? {
            let name = crate::services::repo::conferences::by_id(conn, other)?.name;
            return Err(FormError::Field(FieldError::new(
                "ticket_type",
                format!("“{}” is only for people with a confirmed registration for {name}", t.name),
            )));
        }
    }
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
    if new.payment_status == PaymentStatus::Unpaid {
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
pub(super) fn is_unverified_refusal(e: &DbError) -> bool {
    matches!(e, DbError::DatabaseError(DatabaseErrorKind::CheckViolation, info)
        if info.constraint_name() == Some("account_unverified"))
}

/// The fields of a registration about to be inserted; the fee comes from the
/// tier (or the comp code) chosen on the server, never from the client.
pub(super) fn new_registration<'a>(
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
        payment_status: if fee.minor == 0 { PaymentStatus::NotDue } else { PaymentStatus::Unpaid },
        hold_expires_at: None,
    }
}

/// A comp pass: the code is claimed and the seat taken in one transaction, so a
/// refused registration never uses up the code.
pub(super) fn register_with_code(
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
    let template = if r.status == Status::Waitlisted { "registration_waitlisted" } else { "registration_confirmed" };
    notify_person(conn, st, conf, &r, (user, &t.name), template, json!({}))?;
    Ok(r)
}

/// The registration settings and when the first live waitlist offer runs out.
pub(super) type Window = Option<(repo::SettingsRow, Option<chrono::DateTime<Utc>>)>;

pub(super) fn window(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
) -> Result<std::sync::Arc<Window>, AppError> {
    st.pages.memo(format!("registration-window:{}", conf.id), || -> Result<Window, AppError> {
        Ok(repo::registration_window(conn, conf.id)?)
    })
}

/// A conference's ticket types and their fee tiers.
pub(super) type Ticketing = (Vec<TicketType>, Vec<repo::TierRow>);

/// The ticket types and fee tiers of a conference, remembered for the page
/// cache's TTL (an organiser's change through this instance shows at once).
/// Which tier is in force is still decided at the instant of registering.
pub(super) fn ticketing(
    conn: &mut PgConnection,
    st: &AppState,
    conf: &Conference,
) -> Result<std::sync::Arc<Ticketing>, AppError> {
    st.pages.memo(format!("ticketing:{}", conf.id), || -> Result<Ticketing, AppError> {
        Ok((repo::ticket_types(conn, conf.id)?, repo::tiers_for_conference(conn, conf.id)?))
    })
}

pub(super) fn not_open() -> FormError {
    FormError::App(AppError::Conflict("Registration is not open for this conference.".into()))
}

pub(super) fn already_registered() -> FormError {
    FormError::App(AppError::Conflict("You are already registered for this conference.".into()))
}
