//! Demo calls, proposals, microconferences and reviews.

use super::DemoPeople;
use crate::domain::proposal::{CallKind, ProposalState};
use crate::error::AppError;
use crate::security;
use crate::services::repo::users;
use chrono::{Duration, Utc};
use diesel::PgConnection;

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

pub(super) fn load_cfp(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    p: &DemoPeople,
    running: bool,
) -> Result<(), AppError> {
    use crate::services::repo::calls::{self, CallValues};
    use crate::services::repo::microconferences::{self as mcs, NewMc};
    use crate::services::repo::proposals::{self, ProposalContent};
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
    let call = |conn: &mut PgConnection, kind: CallKind, title: &str, text: &str, closes: chrono::DateTime<Utc>| {
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
    let mc_call = call(conn, CallKind::Microconference, "Microconferences", "Propose a **microconference**: a half-day working session on one area of the plumbing, with its leads and a list of candidate topics. See [the LPC guide](https://lpc.events/) for what works well.", closes)?;
    let talk_call = call(
        conn,
        CallKind::RefereedTalk,
        "Refereed talks",
        "Refereed talks are 45 minutes including questions and are selected by the programme committee.",
        closes + Duration::days(7),
    )?;
    let unconf_call = call(
        conn,
        CallKind::Unconference,
        "Unconference sessions and BoFs",
        "Propose a session for the small rooms. Registered attendees can do so up to and during the event.",
        if running { now + Duration::days(2) } else { closes + Duration::days(60) },
    )?;

    // Proposals in every state.
    let states = [ProposalState::Accepted, ProposalState::Submitted, ProposalState::Maybe];
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
        let state = if running { ProposalState::Accepted } else { states[i % states.len()] };
        proposals::set_state(conn, prop.id, ProposalState::Submitted)?;
        proposals::set_state(conn, prop.id, state)?;
        if state == ProposalState::Accepted {
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
                    kind: CallKind::McTopic,
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
                proposals::set_state(conn, tp.id, ProposalState::Submitted)?;
                if j < 2 || running {
                    proposals::set_state(conn, tp.id, ProposalState::Accepted)?;
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
            [ProposalState::Accepted, ProposalState::Accepted, ProposalState::Rejected, ProposalState::Accepted][i]
        } else {
            [ProposalState::Submitted, ProposalState::Draft, ProposalState::Withdrawn, ProposalState::Rejected][i]
        };
        if state != ProposalState::Draft {
            proposals::set_state(conn, prop.id, ProposalState::Submitted)?;
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
    proposals::set_state(conn, bof.id, ProposalState::Submitted)?;
    if running {
        crate::services::repo::microconferences::set_published(conn, conf.id, true)?;
    }
    Ok(())
}

/// A committee with reviews, released decisions, and comp passes for the accepted MCs.
pub(super) fn review_demo(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    reviewer: i64,
) -> Result<(), AppError> {
    use crate::services::repo::reviews;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    // Decisions in the demo are already released (the MCs exist and run their topic calls).
    diesel::sql_query("UPDATE proposals SET decision_released_at = COALESCE(decision_released_at, now()) WHERE conference_id = $1 AND state IN ('accepted', 'rejected')")
        .bind::<BigInt, _>(conf.id)
        .execute(conn)?;
    for mc in crate::services::repo::microconferences::for_conference(conn, conf.id)? {
        crate::services::registration::comp_passes_for_microconference(conn, conf, &mc)?;
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
                // Assigned to the demo reviewer, who says how much they want each.
                crate::services::repo::assignments::assign(
                    conn,
                    &[(row.id, *uid)],
                    crate::domain::review::AssignmentSource::Manual,
                    None,
                )?;
                crate::services::repo::assignments::set_preference(conn, row.id, *uid, [50, 0, -50][(j / 3) % 3])?;
                continue;
            }
            // A leaning per proposal plus some disagreement, so the bars differ.
            let score = ((row.id % 4) as i32 - 1 + ((i * 7 + j) % 3) as i32 - 1).clamp(-2, 2);
            reviews::upsert_review(conn, row.id, *uid, score, comments[(i + j) % comments.len()], "")?;
        }
    }
    Ok(())
}
