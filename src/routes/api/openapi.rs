//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the API, derived
//! from the handlers' `#[utoipa::path]` attributes and the view types the
//! handlers answer with, so it cannot drift from what they send. The test
//! `tests/it/openapi.rs` validates it and checks every route of `api::scope`
//! is in it.

use super::booking_api::{self, BookingBody};
use super::mc_ideas_api::{self, IdeaBody, SupportBody};
use super::registration_api;
use super::review_api::{self, AutoBody, PreferenceBody};
use super::unconference_api::{self, InterestBody, PlanBody, SessionBody};
use crate::domain::registration::RegistrationInput;
use crate::error::ErrorBody;
use crate::services::rooms::views::{BookingDetail, Refused, TakenRefusal};
use actix_web::HttpResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plumbline API",
        description = "A conference's programme, registration and rooms. Send a personal token as \
            `Authorization: Bearer <token>` (issued on the account page, scope `read` for GET or \
            `read-write`). Errors answer `{\"error\": \"...\"}`; refused bookings add a `reason`.",
    ),
    paths(
        super::conferences,
        super::conference,
        super::me,
        super::proposals,
        super::microconferences,
        super::reviews,
        super::schedule,
        registration_api::register,
        registration_api::list,
        registration_api::mine,
        registration_api::cancel_mine,
        registration_api::by_id,
        registration_api::fees,
        booking_api::rooms,
        booking_api::room_bookings,
        booking_api::book,
        booking_api::cancel,
        review_api::put_preference,
        review_api::auto_assign,
        review_api::assignments,
        unconference_api::propose,
        unconference_api::interest,
        unconference_api::sessions,
        unconference_api::plan,
        unconference_api::autoplan,
        unconference_api::set_autoplan,
        mc_ideas_api::list_ideas,
        mc_ideas_api::post_idea,
        mc_ideas_api::support_idea,
        mc_ideas_api::withdraw_support,
        mc_ideas_api::propose_idea,
        document,
    ),
    components(schemas(ErrorBody, RegistrationInput, BookingBody, BookingDetail, Refused, TakenRefusal, PreferenceBody, AutoBody, SessionBody, InterestBody, PlanBody, crate::services::unconference_planner::StandingOrder, IdeaBody, SupportBody)),
    modifiers(&BearerToken),
    security(("token" = [])),
    tags(
        (name = "conferences"), (name = "accounts"), (name = "proposals"), (name = "reviews"),
        (name = "schedule"), (name = "registration"), (name = "rooms"), (name = "unconference"), (name = "mc-ideas"),
        (name = "meta"),
    ),
)]
pub struct ApiDoc;

/// Declares the bearer token scheme that `security(("token" = []))` names.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme("token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The document as JSON, built once: it depends only on the code.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    // Serialising plain structs of strings and maps cannot fail.
    DOC.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(json())
}
