//! Demo ideas on the upcoming conference's MC ideas board: one with two
//! volunteers, one merged duplicate, a few comments.

use super::DemoPeople;
use crate::error::AppError;
use crate::services::repo::mc_ideas as repo;
use diesel::PgConnection;

pub(super) fn ideas_demo(
    conn: &mut PgConnection,
    conf: &crate::services::repo::conferences::Conference,
    p: &DemoPeople,
) -> Result<(), AppError> {
    // Idempotent: a board with ideas is left alone.
    if !repo::list(conn, conf.id, 0, true)?.is_empty() {
        return Ok(());
    }
    let topics = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cc = repo::insert(
        conn,
        conf.id,
        p.lead,
        "Confidential computing",
        "TDX, SEV-SNP and CCA guests are landing piece by piece: where do the host, the guest and the \
         firmware still disagree, and what is left before distributions can ship it?",
        &topics(&["Attestation and measured boot", "Guest memory: private and shared", "Device assignment: TDISP"]),
    )?;
    repo::support(conn, cc.id, p.lead, Some(true), "Ran a confidential computing MC before")?;
    repo::support(conn, cc.id, p.speaker, Some(true), "I work on SEV-SNP guests")?;
    repo::support(conn, cc.id, p.attendee, None, "")?;
    repo::add_comment(conn, cc.id, p.attendee, "Would love a slot on attestation tooling for distributions.")?;

    let testing = repo::insert(
        conn,
        conf.id,
        p.attendee,
        "Kernel testing and fuzzing",
        "KernelCI, syzbot, KUnit and kselftests: sharing results, fewer flaky tests, and fixing what fuzzers find.",
        &topics(&["Common result format", "Flaky tests", "syzbot reproducers"]),
    )?;
    repo::support(conn, testing.id, p.attendee, None, "")?;
    repo::support(conn, testing.id, p.speaker, None, "")?;
    let duplicate = repo::insert(conn, conf.id, p.speaker, "Testing & fuzzing", "A room for the testing people.", &[])?;
    repo::support(conn, duplicate.id, p.speaker, Some(true), "")?;
    repo::add_comment(conn, duplicate.id, p.organiser, "Same area as “Kernel testing and fuzzing”: merged there.")?;
    repo::merge(conn, duplicate.id, testing.id)?;
    Ok(())
}
