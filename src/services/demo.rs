//! Demo data with dates relative to today, so everything is live: one upcoming
//! conference (calls and registration open) and one running this week.

use crate::error::AppError;
use crate::repo::conferences::{self as conf_repo, ConferenceValues, ORGANISER};
use crate::repo::users;
use crate::security;
use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};

pub const DEMO_PASSWORD: &str = "plumbline-demo";

/// (email, name, role shown on start, affiliation)
pub const ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    ("admin@example.org", "Ada Admin", "site admin", "Plumbline"),
    (
        "organiser@example.org",
        "Olga Organiser",
        "organiser of both conferences",
        "Linux Foundation",
    ),
    (
        "reviewer@example.org",
        "Rui Reviewer",
        "programme committee member",
        "Red Hat",
    ),
    (
        "lead@example.org",
        "Lena Lead",
        "microconference lead",
        "Google",
    ),
    ("speaker@example.org", "Sam Speaker", "speaker", "Intel"),
    (
        "attendee@example.org",
        "Ari Attendee",
        "attendee",
        "Canonical",
    ),
];

pub fn load(conn: &mut PgConnection) -> Result<(), AppError> {
    // One hash for every demo account: hashing is slow on purpose.
    let hash = security::hash_password(DEMO_PASSWORD).map_err(AppError::internal)?;
    let today = Utc::now().date_naive();
    conn.transaction(|conn| {
        let mut ids = Vec::new();
        for (email, name, role, affiliation) in ACCOUNTS {
            let u = users::upsert(conn, email, name, &hash, *role == "site admin")?;
            users::update_profile(
                conn,
                u.id,
                name,
                affiliation,
                &format!("{name} works on the Linux plumbing at {affiliation}."),
            )?;
            ids.push(u.id);
        }
        let upcoming = conf_repo::upsert(
            conn,
            &ConferenceValues {
                slug: "lpc-demo",
                name: "Linux Plumbers Conference (demo)",
                venue: "Austria Center Vienna, Vienna",
                time_zone: "Europe/Vienna",
                starts_on: today + Duration::days(75),
                ends_on: today + Duration::days(77),
                attendance_cap: 300,
                currency: "USD",
            },
        )?;
        let running = conf_repo::upsert(
            conn,
            &ConferenceValues {
                slug: "kernel-week-demo",
                name: "Kernel Plumbing Week (demo, running now)",
                venue: "Hyatt Regency, Lisbon",
                time_zone: "Europe/Lisbon",
                starts_on: today - Duration::days(1),
                ends_on: today + Duration::days(2),
                // Small, so the demo shows a full conference with a waitlist.
                attendance_cap: 20,
                currency: "EUR",
            },
        )?;
        for conf in [&upcoming, &running] {
            conf_repo::grant_role(conn, conf.id, ids[1], ORGANISER)?;
            conf_repo::grant_role(conn, conf.id, ids[2], "reviewer")?;
        }
        registration_demo(conn, &upcoming, ids[5], &hash, 10)?;
        registration_demo(conn, &running, ids[5], &hash, 22)?;
        Ok(())
    })
}

const DEMO_NAMES: &[&str] = &[
    "Alex Kernel",
    "Bea Scheduler",
    "Chen Tracer",
    "Dana Cgroup",
    "Eli Netdev",
    "Fatima Rust",
    "Gus Bpf",
    "Hana Mm",
    "Ivan Fs",
    "Jo Audio",
    "Kim Power",
    "Lars Vfio",
    "Mia Iommu",
    "Nils Io",
    "Olu Perf",
    "Pia Kvm",
    "Quinn Arm",
    "Ravi Riscv",
    "Sofia Gpu",
    "Tom Usb",
    "Uma Acpi",
    "Vik Crypto",
];

/// Ticket types, tiers around today, comp codes and registrations (some paid,
/// and for a full conference a waitlist). Skipped when the conference already
/// has ticket types, so `serve --demo` can run it every time.
fn registration_demo(
    conn: &mut PgConnection,
    conf: &crate::repo::conferences::Conference,
    attendee_id: i64,
    hash: &str,
    people: usize,
) -> Result<(), AppError> {
    use crate::domain::fees::parse_local;
    use crate::repo::registrations::{self as reg, NewRegistration, TierValues};
    if reg::has_ticket_types(conn, conf.id)? {
        return Ok(());
    }
    let tz = crate::services::registration::zone(conf);
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let midnight = |days: i64| {
        parse_local("demo", &(today + Duration::days(days)).to_string(), tz)
            .map_err(|e| AppError::internal(e.message))
    };
    reg::ensure_settings(conn, conf.id)?;
    reg::save_settings(conn, conf.id, Some(midnight(-100)?), None, 48)?;
    let regular = reg::insert_ticket_type(
        conn,
        conf.id,
        "Regular",
        "Full access to every track.",
        false,
    )?;
    let student =
        reg::insert_ticket_type(conn, conf.id, "Student", "With a valid student ID.", false)?;
    let comp = reg::insert_ticket_type(
        conn,
        conf.id,
        "Speaker comp pass",
        "For microconference speakers, with a code from the leads.",
        true,
    )?;
    let cur = conf.currency.as_str();
    for (t, label, amount, from, until) in [
        (&regular, "Early bird", 27500, -100, -30),
        (&regular, "Regular", 30000, -30, 30),
        (&regular, "Late", 40000, 30, 120),
        (&student, "Student", 10000, -100, 120),
    ] {
        reg::insert_tier(
            conn,
            t.id,
            &TierValues {
                label,
                amount_minor: amount,
                currency: cur,
                from: midnight(from)?,
                until: midnight(until)?,
            },
        )?;
    }
    let codes: Vec<String> = (0..5).map(|i| format!("DEMO{}COMP{i}", conf.id)).collect();
    reg::insert_codes(conn, conf.id, comp.id, Some("Tracing MC speakers"), &codes)?;

    let mut who = vec![(attendee_id, "Ari Attendee".to_string())];
    for (i, name) in DEMO_NAMES.iter().take(people).enumerate() {
        let email = format!("person{:02}@example.org", i + 1);
        let u = users::upsert(conn, &email, name, hash, false)?;
        who.push((u.id, name.to_string()));
    }
    let tiers = reg::tiers_for_conference(conn, conf.id)?;
    for (i, (user_id, name)) in who.iter().enumerate() {
        // Spread over the last 60 days, the attendee first.
        let at = now
            - Duration::days(60 - (i as i64 * 57 / who.len().max(1) as i64))
            - Duration::hours(i as i64 % 7);
        let student_ticket = i % 5 == 3;
        let use_code = i == 2;
        let t = if use_code {
            &comp
        } else if student_ticket {
            &student
        } else {
            &regular
        };
        let (tier_id, tier_label, fee, code_id) = if use_code {
            let c = reg::claim_code(conn, conf.id, &codes[0], *user_id)?;
            (None, "Comp pass".to_string(), 0, c.map(|c| c.id))
        } else {
            match tiers
                .iter()
                .filter_map(|r| r.tier().map(|x| (r, x)))
                .find(|(r, x)| r.ticket_type_id == t.id && x.contains(at))
            {
                Some((r, x)) => (Some(r.id), x.label, x.amount.minor, None),
                None => continue,
            }
        };
        let r = reg::insert_taking_seat(
            conn,
            &NewRegistration {
                conference_id: conf.id,
                user_id: *user_id,
                ticket_type_id: t.id,
                fee_tier_id: tier_id,
                tier_label: &tier_label,
                fee_minor: fee,
                currency: cur,
                comp_code_id: code_id,
                badge_name: name,
                affiliation: "",
                dietary: if i % 6 == 1 { "vegetarian" } else { "" },
                accessibility: "",
                public_listing: i % 3 != 2,
                payment_status: if fee == 0 { "not_due" } else { "unpaid" },
            },
        )?;
        reg::backdate(conn, r.id, at)?;
        if r.status == "confirmed" && fee > 0 && i % 2 == 0 {
            reg::mark_paid(conn, r.id, &format!("DEMO-{:04}", 1000 + i))?;
        }
    }
    Ok(())
}
