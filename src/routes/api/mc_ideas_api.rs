//! The microconference ideas board over the JSON API: list the ideas (public;
//! with a token, `me` says what you support), post one, support it or
//! volunteer to lead it, withdraw, and turn it into a draft MC proposal.
//!
//! Bodies are read after the token holder is found allowed, so a refusal
//! (401/403/404/409) never turns into a complaint about the body (422).

use super::{in_conference, in_conference_by_id, in_words, Slug, SlugAndId};
use crate::domain::mc_idea;
use crate::error::{ApiError, ErrorBody};
use crate::services::mc_ideas::{self as service, IdeaView};
use crate::state::State;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// An idea for a microconference.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct IdeaBody {
    /// 3 to 200 characters, one line.
    #[serde(default)]
    title: String,
    /// What the MC would be about (it becomes the proposal's abstract).
    #[serde(default)]
    description: String,
    /// Suggested topics, one line each (at most 30).
    #[serde(default)]
    topics: Vec<String>,
    /// `true`: you would lead it.
    #[serde(default)]
    lead: bool,
    /// Your note as a volunteer (with `lead`).
    #[serde(default)]
    note: String,
}

/// Support for an idea.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct SupportBody {
    /// `true`: you volunteer to lead it; `false`: you no longer do (and still
    /// support it); absent: as it was.
    #[serde(default)]
    lead: Option<bool>,
    /// Your note as a volunteer (with `lead: true`, at most 500 characters).
    #[serde(default)]
    note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IdeaList {
    ideas: Vec<IdeaView>,
}

/// The proposal made from an idea.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Proposed {
    /// The new draft proposal's public id.
    proposal: uuid::Uuid,
}

fn unprocessable(message: String) -> HttpResponse {
    HttpResponse::UnprocessableEntity().json(ErrorBody { error: message })
}

/// A JSON body (an empty one reads as `{}`), or why not in words.
fn read<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| format!("The JSON body could not be read: {e}"))
}

/// Every idea of the conference, most supported first (merged ones last).
/// Anyone may read it; with a token, `me` tells the holder's own support, and
/// organisers also get the ideas they hid (`hidden: true`).
#[utoipa::path(get, path = "/api/v1/conferences/{slug}/mc-ideas", tag = "mc-ideas", params(Slug),
    security((), ("token" = [])),
    responses((status = 200, body = IdeaList), (status = 401, description = "a token that is not live", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_ideas(state: State, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let ideas = if super::bearer_token(&req).is_some() {
        in_conference(&state, &req, slug, |conn, _, user, conf| service::ideas(conn, Some(user), conf)).await?
    } else {
        state
            .db(move |conn, _| {
                let conf = crate::services::conferences::find(conn, &slug)?;
                service::ideas(conn, None, &conf)
            })
            .await?
    };
    Ok(HttpResponse::Ok().json(IdeaList { ideas }))
}

/// Posts an idea (a confirmed address; while the call for microconferences
/// has not closed). You support it, and lead it with `lead: true`. At most 5
/// ideas a person a day.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/mc-ideas", tag = "mc-ideas", params(Slug),
    request_body = IdeaBody,
    responses((status = 201, body = IdeaView), (status = 401, body = ErrorBody),
        (status = 403, description = "the address is not confirmed", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the call for microconferences has closed", body = ErrorBody),
        (status = 422, description = "what is wrong with the idea, field by field", body = ErrorBody),
        (status = 429, description = "5 ideas within a day already", body = ErrorBody)))]
pub async fn post_idea(
    state: State,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let outcome = in_conference(&state, &req, slug.into_inner(), move |conn, _, user, conf| {
        service::require_may_post(conn, user, conf)?;
        let b: IdeaBody = match read(&body) {
            Ok(b) => b,
            Err(why) => return Ok(Err(why)),
        };
        match mc_idea::parse_idea(&b.title, &b.description, &b.topics, b.lead, &b.note) {
            Ok(d) => service::post(conn, user, conf, &d).map(Ok),
            Err(p) => Ok(Err(in_words(&p))),
        }
    })
    .await?;
    Ok(match outcome {
        Ok(v) => HttpResponse::Created().json(v),
        Err(why) => unprocessable(why),
    })
}

/// Supports an idea; `lead: true` volunteers to lead it (with a note),
/// `lead: false` stops volunteering. Saying it again changes nothing.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/mc-ideas/{id}/support", tag = "mc-ideas",
    params(SlugAndId), request_body = SupportBody,
    responses((status = 204, description = "saved"), (status = 401, body = ErrorBody),
        (status = 403, description = "the address is not confirmed", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the board is read-only, or the idea was merged into another", body = ErrorBody),
        (status = 422, description = "the note is too long", body = ErrorBody)))]
pub async fn support_idea(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let outcome = in_conference_by_id(&state, &req, path.into_inner(), move |conn, _, user, conf, id| {
        service::require_may_act(conn, user, conf, id)?;
        let b: SupportBody = match read(&body) {
            Ok(b) => b,
            Err(why) => return Ok(Err(why)),
        };
        match mc_idea::parse_stance(b.lead, &b.note) {
            Ok(stance) => service::support(conn, user, conf, id, &stance).map(Ok),
            Err(e) => Ok(Err(format!("{}: {}", e.field, e.message))),
        }
    })
    .await?;
    Ok(match outcome {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(why) => unprocessable(why),
    })
}

/// Withdraws your support of an idea (and any offer to lead it).
#[utoipa::path(delete, path = "/api/v1/conferences/{slug}/mc-ideas/{id}/support", tag = "mc-ideas",
    params(SlugAndId),
    responses((status = 204, description = "withdrawn (or there was none)"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "the board is read-only", body = ErrorBody)))]
pub async fn withdraw_support(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    in_conference_by_id(&state, &req, path.into_inner(), |conn, _, user, conf, id| {
        service::unsupport(conn, user, conf, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Turns an idea into a draft proposal in the open call for microconferences,
/// owned by you (a volunteer lead of it, or an organiser), with its other
/// volunteers invited as co-leads by mail. Once per idea.
#[utoipa::path(post, path = "/api/v1/conferences/{slug}/mc-ideas/{id}/propose", tag = "mc-ideas",
    params(SlugAndId),
    responses((status = 201, body = Proposed), (status = 401, body = ErrorBody),
        (status = 403, description = "neither a volunteer lead of the idea nor an organiser", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "proposed or merged already, no open call, or over the call's limits", body = ErrorBody),
        (status = 429, description = "a co-lead was sent several invitations within the hour", body = ErrorBody)))]
pub async fn propose_idea(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let proposal = in_conference_by_id(&state, &req, path.into_inner(), |conn, st, user, conf, id| {
        service::propose(conn, st, user, conf, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(Proposed { proposal }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_reads_as_an_empty_object_and_a_bad_one_says_why() {
        let b: SupportBody = read(b"  ").unwrap();
        assert!(b.lead.is_none() && b.note.is_empty());
        let b: SupportBody = read(br#"{"lead": true, "note": "yes"}"#).unwrap();
        assert_eq!((b.lead, b.note.as_str()), (Some(true), "yes"));
        assert!(read::<SupportBody>(br#"{"lead": "maybe"}"#).err().is_some_and(|e| e.contains("could not be read")));
    }
}
