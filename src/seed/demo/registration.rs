//! Demo ticket types, fee tiers and registrations.

use crate::domain::payment::PaymentMethod;
use crate::domain::registration::{PaymentStatus, Status};
use crate::error::AppError;
use crate::services::repo::payments;
use crate::services::repo::users;
use chrono::{Duration, Utc};
use diesel::PgConnection;

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
pub(super) fn registration_demo(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    attendee_id: i64,
    hash: &str,
    people: usize,
) -> Result<(), AppError> {
    use crate::domain::fees::parse_local;
    use crate::services::repo::registrations::{self as reg, NewRegistration, TierValues};
    if reg::has_ticket_types(conn, conf.id)? {
        return Ok(());
    }
    let tz = crate::services::registration::zone(conf);
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let midnight = |days: i64| {
        parse_local("demo", &(today + Duration::days(days)).to_string(), tz).map_err(|e| AppError::internal(e.message))
    };
    reg::ensure_settings(conn, conf.id)?;
    reg::save_settings(
        conn,
        conf.id,
        Some(midnight(-100)?),
        None,
        48,
        crate::services::registration::DEFAULT_HOLD_HOURS,
    )?;
    let regular = reg::insert_ticket_type(conn, conf.id, "Regular", "Full access to every track.", false)?;
    let student = reg::insert_ticket_type(conn, conf.id, "Student", "With a valid student ID.", false)?;
    // Regular and student tickets may be paid by bank transfer too, to the demo payee.
    payments::allow_bank_transfer(conn, regular.id, true)?;
    payments::allow_bank_transfer(conn, student.id, true)?;
    let payee = payments::PaymentSettings {
        legal_name: "Plumbers Conference e.V. (demo)".into(),
        address: "Musterstrasse 1\n1010 Vienna\nAustria".into(),
        tax_id: "ATU00000000".into(),
        bank_details: "IBAN AT00 0000 0000 0000 0000 (demo)\nBIC DEMOATWW\nErste Demo Bank".into(),
    };
    payments::save_settings(conn, conf.id, &payee)?;
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
            &TierValues { label, amount_minor: amount, currency: cur, from: midnight(from)?, until: midnight(until)? },
        )?;
    }
    let codes: Vec<String> = (0..5).map(|i| format!("DEMO{}COMP{i}", conf.id)).collect();
    reg::insert_codes(conn, conf.id, comp.id, Some("Tracing MC speakers"), None, &codes)?;

    let mut who = vec![(attendee_id, "Ari Attendee".to_string())];
    for (i, name) in DEMO_NAMES.iter().take(people).enumerate() {
        let email = format!("person{:02}@example.org", i + 1);
        let u = users::upsert(conn, &email, name, hash, false)?;
        who.push((u.id, name.to_string()));
    }
    let tiers = reg::tiers_for_conference(conn, conf.id)?;
    for (i, (user_id, name)) in who.iter().enumerate() {
        // Spread over the last 60 days, the attendee first.
        let at = now - Duration::days(60 - (i as i64 * 57 / who.len().max(1) as i64)) - Duration::hours(i as i64 % 7);
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
                payment_status: if fee == 0 { PaymentStatus::NotDue } else { PaymentStatus::Unpaid },
                hold_expires_at: (fee > 0)
                    .then(|| Utc::now() + Duration::hours(crate::services::registration::DEFAULT_HOLD_HOURS.into())),
            },
        )?;
        reg::backdate(conn, r.id, at)?;
        if r.status == Status::Confirmed && fee > 0 && i % 2 == 0 {
            let reference = format!("DEMO-{:04}", 1000 + i);
            let got =
                payments::Received { method: PaymentMethod::BankTransfer, amount_minor: fee, reference: &reference };
            payments::record_payment(conn, r.id, &got)?;
        }
    }
    Ok(())
}
