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
    ("organiser@example.org", "Olga Organiser", "organiser of both conferences", "Linux Foundation"),
    ("reviewer@example.org", "Rui Reviewer", "programme committee member", "Red Hat"),
    ("lead@example.org", "Lena Lead", "microconference lead", "Google"),
    ("speaker@example.org", "Sam Speaker", "speaker", "Intel"),
    ("attendee@example.org", "Ari Attendee", "attendee", "Canonical"),
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
        let people = DemoPeople { organiser: ids[1], lead: ids[3], speaker: ids[4], attendee: ids[5] };
        load_cfp(conn, &upcoming, &people, false)?;
        load_cfp(conn, &running, &people, true)?;
        registration_demo(conn, &upcoming, ids[5], &hash, 10)?;
        registration_demo(conn, &running, ids[5], &hash, 22)?;
        for conf in [&upcoming, &running] {
            review_demo(conn, conf, ids[2])?;
        }
        rooms_demo(conn, &upcoming, ids[5], false)?;
        rooms_demo(conn, &running, ids[5], true)?;
        schedule_demo(conn, &running, ids[1])?;
        Ok(())
    })
}

struct DemoPeople {
    organiser: i64,
    lead: i64,
    speaker: i64,
    attendee: i64,
}

/// LPC's microconference tracks.
pub const TRACKS: &[&str] = &[
    "Audio",
    "Bufferbloat and Networking",
    "Cloud",
    "Containers and Cgroups",
    "Desktop",
    "Development Tools",
    "Early Boot and Init Systems",
    "File and Storage Systems",
    "Mobile",
    "Power Management",
    "Scaling",
    "Tracing",
    "Unified Memory Management",
    "Virtualization",
];

/// (title, track, abstract, topics) of demo microconference proposals.
/// A demo MC: title, track, problems to discuss, candidate topics (title, description).
type DemoMc = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

const MCS: &[DemoMc] = &[
    (
        "Tracing",
        "Tracing",
        "The kernel has several tracers (ftrace, perf, BPF) that each grew their own buffers, formats and user \
         interfaces. This microconference brings their maintainers together with the people who build tools on \
         top of them, to agree on **shared infrastructure** and on what user space can rely on.",
        &[
            ("Sharing the ring buffer between ftrace and BPF", "one buffer, many producers"),
            ("User events", "tracing user space through the kernel tracer"),
            ("Trace formats", "CTF, perf.data and what tools want"),
        ],
    ),
    (
        "Containers and Cgroups",
        "Containers and Cgroups",
        "Cgroup v2 is the default everywhere, yet container runtimes still work around missing pieces: \
         delegation, memory pressure signals, and checkpoint/restore. Bring your problems and your patches.",
        &[
            ("Memory pressure for containers", "PSI per cgroup in practice"),
            ("Idmapped mounts everywhere", ""),
            ("CRIU and cgroup v2", ""),
        ],
    ),
    (
        "Power Management",
        "Power Management",
        "Energy-aware scheduling, idle states and thermal control meet on laptops and in data centres alike. \
         We want to discuss what is missing for heterogeneous CPUs and how to measure it.",
        &[("Frequency invariance on hybrid CPUs", ""), ("Thermal pressure and EAS", "")],
    ),
];

const TALKS: &[(&str, &str, &str)] = &[
    ("io_uring in production: three years later", "File and Storage Systems", "What we learnt running io_uring on a fleet of storage servers: the wins, the surprises, and the security lessons."),
    ("Rust in the block layer", "File and Storage Systems", "A tour of the first Rust block driver, what the abstractions look like, and what is still missing."),
    ("Faster boot with systemd and the kernel together", "Early Boot and Init Systems", "Measuring boot end to end and cutting seconds where firmware, kernel and init meet."),
    ("Sched-ext: writing schedulers in BPF", "Scaling", "How pluggable scheduling in BPF changes experimentation, and where it is heading."),
];

fn load_cfp(
    conn: &mut PgConnection,
    conf: &crate::repo::conferences::Conference,
    p: &DemoPeople,
    running: bool,
) -> Result<(), AppError> {
    use crate::repo::calls::{self, CallValues};
    use crate::repo::microconferences::{self as mcs, NewMc};
    use crate::repo::proposals::{self, ProposalContent};
    // Idempotent: the calls are created once; later runs leave them and their proposals alone.
    if !calls::for_conference(conn, conf.id)?.is_empty() {
        return Ok(());
    }
    for name in TRACKS {
        calls::add_track(conn, conf.id, name)?;
    }
    let tracks = calls::tracks(conn, conf.id)?;
    let track = |name: &str| tracks.iter().find(|t| t.name == name).map(|t| t.id);
    let now = Utc::now();
    let (opens, closes) = if running {
        (now - Duration::days(120), now - Duration::days(30))
    } else {
        (now - Duration::days(10), now + Duration::days(21))
    };
    let call = |conn: &mut PgConnection, kind: &str, title: &str, text: &str, closes: chrono::DateTime<Utc>| {
        calls::insert(
            conn,
            conf.id,
            None,
            &CallValues {
                kind,
                title,
                description_md: text,
                opens_at: opens,
                closes_at: closes,
                max_per_person: 3,
                title_max: 120,
                abstract_max: 5000,
            },
        )
    };
    let mc_call = call(conn, "microconference", "Microconferences", "Propose a **microconference**: a half-day working session on one area of the plumbing, with its leads and a list of candidate topics. See [the LPC guide](https://lpc.events/) for what works well.", closes)?;
    let talk_call = call(
        conn,
        "refereed_talk",
        "Refereed talks",
        "Refereed talks are 45 minutes including questions and are selected by the programme committee.",
        closes + Duration::days(7),
    )?;
    let unconf_call = call(
        conn,
        "unconference",
        "Unconference sessions and BoFs",
        "Propose a session for the small rooms. Registered attendees can do so up to and during the event.",
        if running { now + Duration::days(2) } else { closes + Duration::days(60) },
    )?;

    // Proposals in every state.
    let states = ["accepted", "submitted", "maybe"];
    for (i, (title, tr, text, topics)) in MCS.iter().enumerate() {
        let submitter = if i == 0 { p.lead } else { p.speaker };
        let prop = proposals::insert(
            conn,
            conf.id,
            mc_call.id,
            submitter,
            &ProposalContent {
                title,
                abstract_md: text,
                track_id: track(tr),
                duration_minutes: None,
                key_people: "Steven Rostedt, Masami Hiramatsu, Alexei Starovoitov",
                expected_attendance: Some(60 + 10 * i as i32),
            },
        )?;
        let topics: Vec<(String, String)> = topics.iter().map(|(t, d)| (t.to_string(), d.to_string())).collect();
        proposals::replace_topics(conn, prop.id, &topics)?;
        let state = if running { "accepted" } else { states[i % states.len()] };
        proposals::set_state(conn, prop.id, "submitted")?;
        proposals::set_state(conn, prop.id, state)?;
        if state == "accepted" {
            let start = conf.starts_on.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            let (mc, _) = mcs::upsert_for_proposal(
                conn,
                &NewMc {
                    conference_id: conf.id,
                    proposal_id: prop.id,
                    title,
                    description_md: text,
                    track_id: track(tr),
                    latest_topic_close: start,
                },
            )?;
            mcs::add_lead(conn, mc.id, submitter)?;
            let topic_call = calls::insert(
                conn,
                conf.id,
                Some(mc.id),
                &CallValues {
                    kind: "mc_topic",
                    title: &format!("Topics for the {title} microconference"),
                    description_md: "Propose a problem to discuss, a proposal, or unfinished work.",
                    opens_at: now - Duration::days(5),
                    closes_at: if running { now - Duration::days(3) } else { start - Duration::days(7) },
                    max_per_person: 3,
                    title_max: 120,
                    abstract_max: 3000,
                },
            )?;
            for (j, (t, d)) in topics.iter().enumerate() {
                let author = [p.speaker, p.attendee, p.organiser][j % 3];
                let tp = proposals::insert(
                    conn,
                    conf.id,
                    topic_call.id,
                    author,
                    &ProposalContent {
                        title: t,
                        abstract_md: if d.is_empty() { "Details to follow." } else { d },
                        track_id: None,
                        duration_minutes: Some(25),
                        key_people: "",
                        expected_attendance: None,
                    },
                )?;
                proposals::set_state(conn, tp.id, "submitted")?;
                if j < 2 || running {
                    proposals::set_state(conn, tp.id, "accepted")?;
                    proposals::set_position(conn, tp.id, Some(j as i32 + 1))?;
                }
            }
        }
    }
    for (i, (title, tr, text)) in TALKS.iter().enumerate() {
        let submitter = if i % 2 == 0 { p.speaker } else { p.lead };
        let prop = proposals::insert(
            conn,
            conf.id,
            talk_call.id,
            submitter,
            &ProposalContent {
                title,
                abstract_md: text,
                track_id: track(tr),
                duration_minutes: Some(45),
                key_people: "",
                expected_attendance: None,
            },
        )?;
        let state = if running {
            ["accepted", "accepted", "rejected", "accepted"][i]
        } else {
            ["submitted", "draft", "withdrawn", "rejected"][i]
        };
        if state != "draft" {
            proposals::set_state(conn, prop.id, "submitted")?;
        }
        proposals::set_state(conn, prop.id, state)?;
    }
    let bof = proposals::insert(
        conn,
        conf.id,
        unconf_call.id,
        p.attendee,
        &ProposalContent {
            title: "BoF: kernel CI results nobody reads",
            abstract_md: "How do we make CI results reach the people who can act on them?",
            track_id: None,
            duration_minutes: Some(45),
            key_people: "",
            expected_attendance: None,
        },
    )?;
    proposals::set_state(conn, bof.id, "submitted")?;
    if running {
        crate::repo::microconferences::set_published(conn, conf.id, true)?;
    }
    Ok(())
}

/// A committee with reviews, released decisions, and comp passes for the accepted MCs.
fn review_demo(
    conn: &mut PgConnection,
    conf: &crate::repo::conferences::Conference,
    reviewer: i64,
) -> Result<(), AppError> {
    use crate::repo::reviews;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    // Decisions in the demo are already released (the MCs exist and run their topic calls).
    diesel::sql_query("UPDATE proposals SET decision_released_at = COALESCE(decision_released_at, now()) WHERE conference_id = $1 AND state IN ('accepted', 'rejected')")
        .bind::<BigInt, _>(conf.id)
        .execute(conn)?;
    for mc in crate::repo::microconferences::for_conference(conn, conf.id)? {
        crate::repo::microconferences::set_comp_passes(conn, mc.id, conf.comp_passes_per_mc)?;
        crate::services::registration::comp_codes_for_microconference(
            conn,
            conf,
            mc.id,
            &mc.title,
            conf.comp_passes_per_mc,
        )?;
    }
    let mut committee = vec![(reviewer, "reviewer@example.org".to_string())];
    for n in 1..=4 {
        let email = format!("person{n:02}@example.org");
        if let Some(u) = users::find_by_email(conn, &email)? {
            committee.push((u.id, email));
        }
    }
    for (uid, email) in &committee {
        reviews::add_accepted(
            conn,
            conf.id,
            *uid,
            email,
            &security::hash_token(&format!("demo-committee-{}-{email}", conf.id)),
        )?;
    }
    let scope = |uid: i64| reviews::Scope {
        conference_id: conf.id,
        viewer_id: uid,
        topic_call: None,
        call_ids: vec![],
        track_ids: vec![],
        include_conflicted: false,
    };
    let comments = [
        "Clear problem statement; the right people are named.",
        "Overlaps with last year's talk; needs new data.",
        "Strong topic for this audience.",
        "Abstract is vague about what will be decided.",
    ];
    for (i, (uid, _)) in committee.iter().enumerate() {
        // The demo reviewer leaves a few unreviewed, so "next unreviewed" has work to do.
        for (j, row) in reviews::dashboard(conn, &scope(*uid))?.iter().enumerate() {
            if i == 0 && j % 3 == 2 {
                continue;
            }
            // A leaning per proposal plus some disagreement, so the bars differ.
            let score = ((row.id % 4) as i32 - 1 + ((i * 7 + j) % 3) as i32 - 1).clamp(-2, 2);
            reviews::upsert_review(conn, row.id, *uid, score, comments[(i + j) % comments.len()], "")?;
        }
    }
    Ok(())
}

/// A published schedule for the running conference: keynote, MC blocks with
/// their topics, talks, a tutorial and breaks, in the big hall (the small rooms
/// stay for attendees' bookings).
fn schedule_demo(
    conn: &mut PgConnection,
    conf: &crate::repo::conferences::Conference,
    organiser: i64,
) -> Result<(), AppError> {
    use crate::repo::schedule::{self as sr, NewItem};
    use chrono::TimeZone;
    if !sr::items(conn, conf.id)?.is_empty() {
        return Ok(());
    }
    let actor = users::find(conn, organiser)?;
    crate::services::schedule::import_accepted(conn, &actor, conf)?;
    for (kind, title, speakers, text) in [
        (
            "keynote",
            "Keynote: thirty years of plumbing",
            "Linus Keynoter",
            "Where the plumbing came from, and what the next decade needs from it.",
        ),
        (
            "tutorial",
            "Tutorial: tracing a latency problem end to end",
            "Tina Tutor",
            "Bring a laptop: perf, ftrace and BPF on one real bug.",
        ),
        ("break", "Lunch", "", ""),
        ("break", "Coffee", "", ""),
    ] {
        sr::insert_item(
            conn,
            conf.id,
            &NewItem { kind, proposal_id: None, title, abstract_md: text, speakers, track_id: None },
        )?;
    }
    let Some(hall) = sr::rooms_of(conn, conf.id)?.into_iter().find(|r| !r.bookable) else { return Ok(()) };
    let tz: chrono_tz::Tz = conf.time_zone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let at = |day: i64, h: u32, m: u32| {
        let local = (today + Duration::days(day)).and_hms_opt(h, m, 0).unwrap_or_default();
        tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
    };
    let items = sr::items(conn, conf.id)?;
    let mcs: Vec<_> = items.iter().filter(|i| i.kind == "microconference").collect();
    let talks: Vec<_> = items.iter().filter(|i| i.kind == "talk").collect();
    let by_title = |t: &str| items.iter().find(|i| i.title == t);
    let mut plan: Vec<(&crate::repo::schedule::Item, i64, u32, u32, i64)> = Vec::new();
    if let Some(k) = by_title("Keynote: thirty years of plumbing") {
        plan.push((k, 0, 9, 0, 60));
    }
    if let Some(mc) = mcs.first() {
        plan.push((mc, 0, 10, 0, 150));
    }
    if let Some(l) = by_title("Lunch") {
        plan.push((l, 0, 12, 30, 60));
    }
    for (n, t) in talks.iter().enumerate().take(2) {
        plan.push((t, 0, 13, 30 + 45 * n as u32 % 60, 45));
    }
    if let Some(c) = by_title("Coffee") {
        plan.push((c, 0, 15, 0, 30));
    }
    if let Some(mc) = mcs.get(1) {
        plan.push((mc, 1, 9, 0, 150));
    }
    if let Some(t) = by_title("Tutorial: tracing a latency problem end to end") {
        plan.push((t, 1, 13, 0, 90));
    }
    if let Some(mc) = mcs.get(2) {
        plan.push((mc, 1, 15, 0, 150));
    }
    if let Some(t) = talks.get(2) {
        plan.push((t, 2, 9, 0, 45));
    }
    for (item, day, h, m, minutes) in plan {
        // Talks start 13:30 and 14:15.
        let (h, m) = if m >= 60 { (h + 1, m - 60) } else { (h, m) };
        if let Some(start) = at(day, h, m) {
            sr::place(conn, item, hall.id, start, start + Duration::minutes(minutes), organiser)?;
        }
    }
    crate::services::schedule::publish(conn, &actor, conf)?;
    Ok(())
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
                payment_status: if fee == 0 { "not_due" } else { "unpaid" },
                hold_expires_at: (fee > 0)
                    .then(|| Utc::now() + Duration::hours(crate::services::registration::DEFAULT_HOLD_HOURS.into())),
            },
        )?;
        reg::backdate(conn, r.id, at)?;
        if r.status == "confirmed" && fee > 0 && i % 2 == 0 {
            reg::mark_paid(conn, r.id, &format!("DEMO-{:04}", 1000 + i))?;
        }
    }
    Ok(())
}

/// (name, seats, equipment, where, attendees book it)
const DEMO_ROOMS: &[(&str, i32, &str, &str, bool)] = &[
    ("Hall A", 600, "stage, projector, microphones, streaming", "Ground floor", false),
    ("Room 1.61", 20, "projector, whiteboard", "First floor, east wing", true),
    ("Room 1.62", 12, "whiteboard", "First floor, east wing", true),
    ("Room 1.85", 30, "projector, video call kit", "First floor, west wing", true),
    ("Room 2.15", 10, "whiteboard, round table", "Second floor", true),
];

/// (room, local start "HH:MM", minutes, title)
const DEMO_BOOKINGS: &[(&str, &str, i64, &str)] = &[
    ("Room 1.61", "09:00", 60, "BoF: kernel CI results nobody reads"),
    ("Room 1.62", "10:30", 60, "Rust for Linux: reviewing the block abstractions"),
    ("Room 1.85", "13:00", 90, "sched_ext hacking session"),
    ("Room 2.15", "14:00", 60, "io_uring and containers: planning"),
    ("Room 1.61", "16:00", 60, "Tracing tools users meet-up"),
    ("Room 1.62", "19:00", 60, "Kernel documentation sprint"),
];

/// Rooms (four small ones and a hall attendees cannot book) and booking rules
/// for a conference; for the running one, bookings today by confirmed
/// attendees, one happening now, and the hall blocked for the microconferences.
/// Rooms are created once; hours follow the conference's moving dates, and
/// today's bookings are added when today has none, so every run stays live.
fn rooms_demo(
    conn: &mut PgConnection,
    conf: &crate::repo::conferences::Conference,
    attendee: i64,
    running: bool,
) -> Result<(), AppError> {
    use crate::domain::booking::{resolve, BookingKind, Hours, Rules, Span};
    use crate::repo::rooms::{self as rr, NewBooking, RoomValues};
    use chrono::NaiveTime;
    if rr::rooms_of(conn, conf.id)?.is_empty() {
        for (i, (name, capacity, equipment, location, bookable)) in DEMO_ROOMS.iter().enumerate() {
            rr::insert_room(
                conn,
                conf.id,
                &RoomValues { name, capacity: *capacity, equipment, location, bookable: *bookable, position: i as i32 },
            )?;
        }
        let opens_days_before = if running { None } else { Some(1) };
        rr::save_settings(
            conn,
            conf.id,
            &Rules { slot_minutes: 30, max_minutes: 120, opens_days_before, max_per_person_day: 2 },
        )?;
    }
    let days = crate::services::rooms::conference_days(conf);
    let (open_h, close_h) = if running { (8, 22) } else { (9, 18) };
    let hm = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
    if !rr::hours(conn, conf.id)?.iter().any(|h| days.contains(&h.day)) {
        let hours: Vec<Hours> =
            days.iter().map(|d| Hours { day: *d, opens: hm(open_h), closes: hm(close_h) }).collect();
        rr::replace_hours(conn, conf.id, &hours)?;
    }
    if !running {
        return Ok(());
    }
    let tz = crate::services::rooms::tz(conf);
    let now = Utc::now();
    let today = crate::domain::booking::local_day(now, tz);
    let bounds = crate::services::rooms::day_bounds(today, tz);
    if !rr::bookings_between(conn, conf.id, bounds.start, bounds.end)?.is_empty() {
        return Ok(());
    }
    let rooms = rr::rooms_of(conn, conf.id)?;
    let room = |name: &str| rooms.iter().find(|r| r.name == name).map(|r| r.id);
    // Bookers: confirmed attendees, the demo attendee first.
    let mut people = vec![attendee];
    for i in 1..=22 {
        if let Some(u) = users::find_by_email(conn, &format!("person{i:02}@example.org"))? {
            people.push(u.id);
        }
    }
    let mut bookers = Vec::new();
    for id in people {
        if crate::repo::registrations::is_confirmed(conn, conf.id, id)? {
            bookers.push(id);
        }
    }
    let bof = crate::repo::proposals::of_person(conn, attendee)?
        .into_iter()
        .find(|(r, c)| *c == conf.id && r.call_kind == "unconference")
        .map(|(r, _)| r.id);
    let at = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").ok().and_then(|t| resolve(today.and_time(t), tz, true));
    // (room, range, title, kind, booker, linked proposal)
    type Wanted<'a> = (i64, Span, &'a str, BookingKind, i64, Option<i64>);
    let mut wanted: Vec<Wanted> = Vec::new();
    for (i, (name, start, minutes, title)) in DEMO_BOOKINGS.iter().enumerate() {
        let (Some(room_id), Some(start), Some(user)) = (room(name), at(start), bookers.get(i % bookers.len().max(1)))
        else {
            continue;
        };
        let proposal = if i == 0 { bof } else { None };
        wanted.push((
            room_id,
            Span::new(start, start + Duration::minutes(*minutes)),
            title,
            BookingKind::Booking,
            *user,
            proposal,
        ));
    }
    // Something on now, on the half hour, when the rooms are open.
    let local = now.with_timezone(&tz).time();
    if local >= hm(open_h) && local < hm(close_h - 1) {
        let minute = chrono::Timelike::minute(&local);
        let slot =
            now - Duration::minutes((minute % 30) as i64) - Duration::seconds(chrono::Timelike::second(&local) as i64);
        if let (Some(room_id), Some(user)) = (room("Room 2.15"), bookers.get(6 % bookers.len().max(1))) {
            wanted.push((
                room_id,
                Span::new(slot, slot + Duration::minutes(60)),
                "Hallway track overflow: BPF questions",
                BookingKind::Booking,
                *user,
                None,
            ));
        }
    }
    for (room_id, span, title, kind, user_id, proposal_id) in wanted {
        let nb = NewBooking {
            conference_id: conf.id,
            room_id,
            user_id,
            kind,
            title,
            description: "Demo booking: all welcome.",
            proposal_id,
            span,
        };
        // Each in its own savepoint: a clash with a real booking skips the demo one.
        match conn.transaction(|c| rr::insert_booking(c, &nb)) {
            Err(e) if rr::is_clash(&e) => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}
