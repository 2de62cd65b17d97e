//! Next year's conference from this year's: what carries over (calls, tracks,
//! ticket types with fee tiers, registration and payee settings, rooms with
//! booking rules and hours, mail templates, organisers), with every instant
//! moved by whole days in the conference's own zone, so a tier that starts on
//! 18 August at 00:00 local time starts on the new 18 August at 00:00 local,
//! whatever daylight saving does in between. Proposals, registrations, reviews,
//! bookings and the schedule stay behind.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::PgConnection;

/// `$col` moved by $3 days of local time in zone $4.
fn shift(col: &str) -> String {
    format!("((({col}) AT TIME ZONE $4) + make_interval(days => $3)) AT TIME ZONE $4")
}

/// Copies everything that carries over from conference `from` into `to`.
pub fn carry_over(conn: &mut PgConnection, from: i64, to: i64, days: i32, zone: &str) -> QueryResult<()> {
    let statements = [
        "UPDATE conferences t SET comp_passes_per_mc = f.comp_passes_per_mc, speaker_reminder_days = f.speaker_reminder_days, \
           conflict_by_affiliation = f.conflict_by_affiliation \
         FROM conferences f WHERE f.id = $1 AND t.id = $2"
            .to_string(),
        "INSERT INTO conference_roles (conference_id, user_id, role) \
         SELECT $2, user_id, role FROM conference_roles WHERE conference_id = $1 AND role = 'organiser' \
           ON CONFLICT DO NOTHING"
            .to_string(),
        "INSERT INTO tracks (conference_id, name, position) \
         SELECT $2, name, position FROM tracks WHERE conference_id = $1"
            .to_string(),
        // The conference's own calls; an MC's call for topics belongs to that MC and stays.
        format!(
            "INSERT INTO calls (conference_id, kind, title, description_md, opens_at, closes_at, max_per_person, \
               title_max, abstract_max, review_opens_at, review_closes_at, score_min, score_max, score_labels, \
               anonymised, reviews_visibility, reviews_wanted) \
             SELECT $2, kind, title, description_md, {}, {}, max_per_person, title_max, abstract_max, {}, {}, \
               score_min, score_max, score_labels, anonymised, reviews_visibility, reviews_wanted \
             FROM calls WHERE conference_id = $1 AND microconference_id IS NULL ORDER BY id",
            shift("opens_at"),
            shift("closes_at"),
            shift("review_opens_at"),
            shift("review_closes_at")
        ),
        // Review criteria follow their call (matched by title: the copies keep them).
        "INSERT INTO review_criteria (call_id, position, name, weight) \
         SELECT nc.id, rc.position, rc.name, rc.weight FROM review_criteria rc \
         JOIN calls oc ON oc.id = rc.call_id AND oc.conference_id = $1 AND oc.microconference_id IS NULL \
         JOIN calls nc ON nc.conference_id = $2 AND nc.title = oc.title AND nc.kind = oc.kind ORDER BY rc.id \
         ON CONFLICT DO NOTHING"
            .to_string(),
        "INSERT INTO ticket_types (conference_id, name, description, requires_code, bank_transfer) \
         SELECT $2, name, description, requires_code, bank_transfer FROM ticket_types \
         WHERE conference_id = $1 ORDER BY id"
            .to_string(),
        format!(
            "INSERT INTO fee_tiers (ticket_type_id, label, amount_minor, currency, valid) \
             SELECT nt.id, f.label, f.amount_minor, f.currency, tstzrange({}, {}, '[)') \
             FROM fee_tiers f JOIN ticket_types ot ON ot.id = f.ticket_type_id AND ot.conference_id = $1 \
             JOIN ticket_types nt ON nt.conference_id = $2 AND nt.name = ot.name ORDER BY f.id",
            shift("lower(f.valid)"),
            shift("upper(f.valid)")
        ),
        format!(
            "INSERT INTO registration_settings (conference_id, opens_at, closes_at, offer_hours, hold_hours) \
             SELECT $2, {}, {}, offer_hours, hold_hours FROM registration_settings WHERE conference_id = $1",
            shift("opens_at"),
            shift("closes_at")
        ),
        "INSERT INTO payment_settings (conference_id, legal_name, address, tax_id, bank_details) \
         SELECT $2, legal_name, address, tax_id, bank_details FROM payment_settings \
         WHERE conference_id = $1"
            .to_string(),
        "INSERT INTO rooms (conference_id, name, capacity, equipment, location, bookable, position) \
         SELECT $2, name, capacity, equipment, location, bookable, position FROM rooms \
         WHERE conference_id = $1 ORDER BY position, id"
            .to_string(),
        "INSERT INTO room_booking_settings (conference_id, slot_minutes, max_booking_minutes, opens_days_before, \
           max_per_person_day) \
         SELECT $2, slot_minutes, max_booking_minutes, opens_days_before, max_per_person_day \
         FROM room_booking_settings WHERE conference_id = $1"
            .to_string(),
        "INSERT INTO room_booking_hours (conference_id, day, opens, closes) \
         SELECT $2, day + $3, opens, closes FROM room_booking_hours WHERE conference_id = $1"
            .to_string(),
        "INSERT INTO notification_templates (conference_id, decision, subject, body) \
         SELECT $2, decision, subject, body FROM notification_templates \
         WHERE conference_id = $1"
            .to_string(),
    ];
    // Each statement is given all four values (PostgreSQL knows their types
    // from the binding, so a statement may leave some unused).
    for sql in statements {
        diesel::sql_query(sql)
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(to)
            .bind::<Integer, _>(days)
            .bind::<Text, _>(zone)
            .execute(conn)?;
    }
    Ok(())
}
