//! The reviews a person may read in bulk (the API's JSON, the organisers' CSV).

use super::*;
use crate::services::Db;

/// Every review `user` may read in the conference as their review role allows
/// (the API's JSON and CSV).
pub fn readable_reviews(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
) -> Result<Vec<reviews::ExportRow>, AppError> {
    let (scope, role) = scope(conn, user, conf, None)?;
    let in_scope: Option<Vec<i64>> = match role {
        Reviewer::Organiser => None,
        _ => Some(reviews::dashboard(conn, &scope)?.iter().map(|r| r.id).collect()),
    };
    readable(conn, user, conf, &role, in_scope.as_deref())
}

/// The reviews of the proposals in scope (`None`: all of the conference) that
/// `review_sight` lets `user` read, proposers blanked where hidden.
pub(super) fn readable(
    conn: &mut PgConnection,
    user: &User,
    conf: &Conference,
    role: &Reviewer,
    in_scope: Option<&[i64]>,
) -> Result<Vec<reviews::ExportRow>, AppError> {
    let rows = reviews::export(conn, conf.id, user.id)?;
    Ok(visible(rows, user, role, in_scope))
}

/// The rows `review_sight` lets `user` read, proposers blanked where hidden.
fn visible(
    rows: Vec<reviews::ExportRow>,
    user: &User,
    role: &Reviewer,
    in_scope: Option<&[i64]>,
) -> Vec<reviews::ExportRow> {
    rows.into_iter()
        .filter(|r| in_scope.is_none_or(|ids| ids.contains(&r.proposal_db_id)))
        .filter(|r| match review_sight(role, r.conflicted, r.reviews_visibility, r.viewer_reviewed) {
            Sight::All => true,
            Sight::Own => r.reviewer_id == user.id,
            Sight::Nothing => false,
        })
        .map(|mut r| {
            if hides_proposer(r.anonymised, role) {
                r.proposer = String::new();
                r.proposer_email = String::new();
            }
            r
        })
        .collect()
}

/// One page of the organisers' review CSV after review `after` (the header
/// on the first page), and where the next page starts (`None`: the last).
pub fn reviews_csv_page(
    Db(conn): &mut Db,
    user: &User,
    conf: &Conference,
    after: Option<i64>,
    limit: i64,
) -> Result<(String, Option<i64>), AppError> {
    check_organiser(conn, conf, user)?;
    let rows = reviews::export_page(conn, conf.id, user.id, after.unwrap_or(0), limit)?;
    let next = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.review_id)).flatten();
    let shown = visible(rows, user, &Reviewer::Organiser, None);
    let mut text = if after.is_none() { csv_header() } else { String::new() };
    text.push_str(&csv_rows(&shown));
    Ok((text, next))
}

/// The CSV of reviews (formula cells neutralised), for the organisers'
/// download and the API alike.
pub fn reviews_csv(rows: &[reviews::ExportRow]) -> String {
    let mut out = csv_header();
    out.push_str(&csv_rows(rows));
    out
}

fn csv_header() -> String {
    crate::domain::csv::row(
        &[
            "proposal",
            "title",
            "call",
            "state",
            "proposer",
            "proposer_email",
            "reviewer",
            "score",
            "comment",
            "note_to_proposer",
        ]
        .map(String::from),
    )
}

fn csv_rows(rows: &[reviews::ExportRow]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&crate::domain::csv::row(&[
            r.proposal_id.to_string(),
            r.title.clone(),
            r.call.clone(),
            r.state.to_string(),
            r.proposer.clone(),
            r.proposer_email.clone(),
            r.reviewer.clone(),
            r.score.to_string(),
            r.comment.clone(),
            r.note_to_proposer.clone(),
        ]));
    }
    out
}
