//! A call's review settings: the score scale and its labels, blind review,
//! when reviewers see each other's reviews, the review window, and how many
//! reviews each proposal wants.

use super::*;
use crate::domain::review::ReviewSettings;
use crate::services::Db;

/// Saves a call's review settings (organisers). A scale that changes after
/// reviews were written against it is refused with the reason: the scores
/// already given would mean something else.
pub fn save_review_settings(
    Db(conn): &mut Db,
    actor: &User,
    conf: &Conference,
    call: &Call,
    s: &ReviewSettings,
) -> Result<(), AppError> {
    check_organiser(conn, conf, actor)?;
    conn.transaction(|conn| {
        let call = calls::lock(conn, call.id)?;
        if call.conference_id != conf.id {
            return Err(AppError::NotFound);
        }
        let scale_changes = (s.score_min, s.score_max) != (call.score_min, call.score_max);
        if scale_changes {
            let written = reviews::count_for_call(conn, call.id)?;
            if written > 0 {
                return Err(AppError::Conflict(format!(
                    "The scale stays {:+} to {:+}: {written} review{} already use{} it, and their scores would mean \
                     something else on another scale. The labels and everything else can change.",
                    call.score_min,
                    call.score_max,
                    if written == 1 { "" } else { "s" },
                    if written == 1 { "s" } else { "" },
                )));
            }
        }
        let current: Vec<(String, i32)> =
            calls::criteria(conn, call.id)?.into_iter().map(|c| (c.name, c.weight)).collect();
        let wanted: Vec<(String, i32)> = s.criteria.iter().map(|c| (c.name.clone(), c.weight)).collect();
        if current != wanted {
            let written = reviews::count_for_call(conn, call.id)?;
            if written > 0 {
                return Err(AppError::Conflict(format!(
                    "The criteria stay as they are: {written} review{} already score{} them, and their totals would \
                     mean something else.",
                    if written == 1 { "" } else { "s" },
                    if written == 1 { "s" } else { "" },
                )));
            }
            calls::set_criteria(conn, call.id, &s.criteria)?;
        }
        calls::set_review_settings(conn, call.id, s)?;
        Ok(())
    })
}

/// A call's weighted criteria, in order (organisers set them; reviewers score them).
pub fn review_criteria(Db(conn): &mut Db, call: &Call) -> Result<Vec<calls::CriterionRow>, AppError> {
    Ok(calls::criteria(conn, call.id)?)
}
