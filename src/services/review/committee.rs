//! The programme committee: organisers invite members, invitees answer.

use super::*;
use crate::services::Db;

pub fn invite_member(
    Db(conn): &mut Db,
    st: &AppState,
    actor: &User,
    conf: &Conference,
    email: &Email,
    call_ids: &[i64],
    track_ids: &[i64],
) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        check_organiser(conn, conf, actor)?;
        let own_calls: Vec<i64> = calls::for_conference(conn, conf.id)?.iter().map(|c| c.id).collect();
        let own_tracks: Vec<i64> = calls::tracks(conn, conf.id)?.iter().map(|t| t.id).collect();
        if call_ids.iter().any(|c| !own_calls.contains(c)) || track_ids.iter().any(|t| !own_tracks.contains(t)) {
            return Err(AppError::BadRequest("Choose calls and tracks of this conference.".into()));
        }
        let token = security::new_token();
        let new = reviews::invite_member(conn, conf.id, email.as_str(), &security::hash_token(&token), call_ids, track_ids)?;
        if new {
            crate::services::limits::invitation_mail(conn, email.as_str(), actor)?;
            mail::queue(
                conn,
                st,
                email.as_str(),
                &format!("Join the programme committee of {}", conf.name),
                "committee_invitation",
                json!({ "conference": conf.name, "inviter": actor.name, "link": format!("{}/committee/{}", st.config.base_url, token) }),
            )?;
        }
        Ok(new)
    })
}

pub fn member_invitation(Db(conn): &mut Db, token: &str) -> Result<(Member, Conference), AppError> {
    if token.len() > 64 {
        return Err(AppError::NotFound);
    }
    let m = reviews::member_by_token(conn, &security::hash_token(token))?.ok_or(AppError::NotFound)?;
    let conf = crate::services::repo::conferences::by_id(conn, m.conference_id)?;
    Ok((m, conf))
}

pub fn respond_membership(Db(conn): &mut Db, user: &User, token: &str, accept: bool) -> Result<Conference, AppError> {
    conn.transaction(|conn| {
        let (m, conf) = member_invitation(&mut Db::new(conn), token)?;
        crate::services::policy::require_addressee(user, &m.email)?;
        if m.status != "invited" {
            return Err(AppError::Conflict(format!("This invitation was already {}.", m.status)));
        }
        reviews::respond(conn, m.id, user.id, accept)?;
        Ok(conf)
    })
}

/// Members (with pending invitation addresses), calls and tracks, as `committee` gives them.
pub type Committee = (Vec<(Member, Option<String>)>, Vec<Call>, Vec<calls::Track>);

/// The committee as organisers manage it: members (with their pending
/// invitation address, if any) and the calls and tracks they may be limited to.
pub fn committee(Db(conn): &mut Db, conf: &Conference) -> Result<Committee, AppError> {
    Ok((reviews::members(conn, conf.id)?, calls::for_conference(conn, conf.id)?, calls::tracks(conn, conf.id)?))
}
