//! Public calls, proposing, a proposer's own proposals, and invitations.

use crate::domain::proposal::{topics_to_text, CallKind, InvitationStatus, Limits, ProposalInput, ProposalState};
use crate::domain::{markdown, FieldError};
use crate::error::AppError;
use crate::services::cfp::{self, Access, Call, Track};
use crate::services::conferences::{self as conf_service, Conference};
use crate::services::policy;
use crate::services::views::{self, CallView, ConferenceView, PersonView, ProposalView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::{self, AnswerForm, Refusal, Rejected};
use crate::web::page_cache::Slot;
use crate::web::render;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/cfp", web::get().to(cfp_page))
        .route("/c/{slug}/cfp/{call}", web::get().to(call_page))
        .route("/c/{slug}/cfp/{call}/propose", web::get().to(new_form))
        .route("/c/{slug}/cfp/{call}/propose", web::post().to(create))
        .route("/c/{slug}/proposals/{id}", web::get().to(show))
        .route("/c/{slug}/proposals/{id}/edit", web::get().to(edit_form))
        .route("/c/{slug}/proposals/{id}/edit", web::post().to(update))
        .route("/c/{slug}/proposals/{id}/submit", web::post().to(submit))
        .route("/c/{slug}/proposals/{id}/withdraw", web::post().to(withdraw))
        .route("/proposals", web::get().to(mine))
        .route("/invitations/{token}", web::get().to(invitation))
        .route("/invitations/{token}", web::post().to(respond));
}

fn login_redirect(ctx: &Ctx, here: &str) -> HttpResponse {
    ctx.to_login(here)
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|v| v.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// The call for proposals is the same for everyone but the layout's account
/// menu: kept once and filled for each viewer, with no trip to the database.
async fn cfp_page(ctx: Ctx, req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slot = Slot::path(format!("/c/{slug}/cfp"));
    let viewer = std::future::ready(Ok(render::viewer(&ctx)));
    render::overlaid(&ctx, &req, slot, viewer, render_cfp_page(ctx.clone(), slug)).await
}

async fn render_cfp_page(
    ctx: Ctx,
    slug: web::Path<String>,
) -> Result<(String, std::sync::Arc<crate::web::overlay::Overlay>), AppError> {
    let slug = slug.into_inner();
    let (conf, list, tracks) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let list = cfp::calls_of(conn, &conf)?;
            let tracks = cfp::tracks_of(conn, &conf)?;
            Ok((conf, list, tracks))
        })
        .await?;
    let tz = cfp::tz(&conf);
    let title = format!("Call for proposals · {}", conf.name);
    let data = CfpPage {
        conference: ConferenceView::of(&conf),
        calls: list.iter().map(|c| views::call(c, tz)).collect(),
        tracks: tracks.iter().map(|t| t.name.as_str()).collect(),
    };
    Ok((String::new(), render::overlay_of(&ctx, "cfp", &title, data)?))
}

/// The call for proposals: every call of the conference and its tracks.
#[derive(Serialize)]
struct CfpPage<'a> {
    conference: ConferenceView,
    calls: Vec<CallView>,
    tracks: Vec<&'a str>,
}

/// A page about one call.
#[derive(Serialize)]
struct CallPage {
    conference: ConferenceView,
    call: CallView,
}

async fn load_call(ctx: &Ctx, slug: String, call_id: String) -> Result<(Conference, Call, Vec<Track>), AppError> {
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let call = cfp::find_call(conn, &conf, &call_id)?;
            let tracks = cfp::tracks_of(conn, &conf)?;
            Ok((conf, call, tracks))
        })
        .await
}

async fn call_page(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    let (conf, call, _) = load_call(&ctx, slug, call_id).await?;
    let title = format!("{} · {}", call.title, conf.name);
    let data = CallPage { conference: ConferenceView::of(&conf), call: views::call(&call, cfp::tz(&conf)) };
    render::ok(&ctx, "call", &title, data)
}

struct FormPage<'a> {
    conf: &'a Conference,
    call: &'a Call,
    tracks: &'a [Track],
    input: &'a ProposalInput,
    errors: Value,
    preview: Option<String>,
    action: String,
    editing: bool,
}

/// The proposal form as the template reads it.
#[derive(Serialize)]
struct ProposalFormView<'a> {
    conference: ConferenceView,
    call: CallView,
    form: &'a ProposalInput,
    errors: Value,
    tracks: Vec<TrackChoice<'a>>,
    has_tracks: bool,
    is_mc: bool,
    duration: Option<DurationRange>,
    duration_label: &'static str,
    people_label: &'static str,
    preview: Option<String>,
    action: String,
    editing: bool,
}

#[derive(Serialize)]
struct TrackChoice<'a> {
    id: String,
    name: &'a str,
    selected: bool,
}

#[derive(Serialize)]
struct DurationRange {
    min: i32,
    max: i32,
}

fn form_page(ctx: &Ctx, status: StatusCode, f: FormPage) -> Result<HttpResponse, AppError> {
    let kind = f.call.kind;
    let topic = kind == CallKind::McTopic;
    let title = if f.editing { format!("Edit: {}", f.input.title) } else { format!("Propose: {}", f.call.title) };
    let data = ProposalFormView {
        conference: ConferenceView::of(f.conf),
        call: views::call(f.call, cfp::tz(f.conf)),
        form: f.input,
        errors: f.errors,
        tracks: f
            .tracks
            .iter()
            .map(|t| TrackChoice { id: t.id.to_string(), name: &t.name, selected: t.id.to_string() == f.input.track })
            .collect(),
        has_tracks: !f.tracks.is_empty() && !topic,
        is_mc: kind == CallKind::Microconference,
        duration: kind.duration_range().map(|(min, max)| DurationRange { min, max }),
        duration_label: if topic { "Time wanted (minutes)" } else { "Duration (minutes)" },
        people_label: if topic { "Presenters" } else { kind.people_label() },
        preview: f.preview,
        action: f.action,
        editing: f.editing,
    };
    render::page(ctx, status, "proposal_form", &title, data)
}

async fn new_form(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    if ctx.user.is_none() {
        return Ok(login_redirect(&ctx, &format!("/c/{slug}/cfp/{call_id}/propose")));
    }
    let (conf, call, tracks) = load_call(&ctx, slug.clone(), call_id.clone()).await?;
    let input = ProposalInput {
        duration: call.kind.duration_range().map(|(min, _)| min.max(30).to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let proposing = Proposing::New { call_id };
    proposal_page(&ctx, &slug, (&conf, &call, &tracks), &proposing, &input, Rejected::none(), None)
}

#[derive(Deserialize)]
struct ProposalForm {
    #[serde(flatten)]
    input: ProposalInput,
    /// "preview", "draft" or "submit".
    #[serde(default)]
    action: String,
}

fn limits<'a>(call: &Call, track_ids: &'a [i64], own_email: &'a str) -> Limits<'a> {
    Limits { kind: call.kind, title_max: call.title_max, abstract_max: call.abstract_max, track_ids, own_email }
}

/// A service refusal (closed call, cap reached…) shown on the form with the input kept.
fn refusal(e: AppError) -> Refusal {
    let form = |status, m: String| Refusal::Again(Rejected::fields(status, &[FieldError::new("form", m)]));
    match e {
        AppError::Conflict(m) => form(StatusCode::CONFLICT, m),
        AppError::BadRequest(m) => form(StatusCode::UNPROCESSABLE_ENTITY, m),
        AppError::Forbidden => form(StatusCode::FORBIDDEN, "You may not propose in this call.".into()),
        AppError::TooManyRequests => Refusal::Again(Rejected::fields(
            StatusCode::TOO_MANY_REQUESTS,
            &[FieldError::new("people", crate::services::limits::INVITED_TOO_OFTEN)],
        )),
        other => Refusal::Fail(other),
    }
}

/// What a proposal form saves: a new proposal in a call, or the proposal `id` edited.
#[derive(Clone)]
enum Proposing {
    New { call_id: String },
    Edit { id: String },
}

/// The proposal form, new or edited, with `input` as typed.
fn proposal_page(
    ctx: &Ctx,
    slug: &str,
    (conf, call, tracks): (&Conference, &Call, &[Track]),
    proposing: &Proposing,
    input: &ProposalInput,
    rejected: Rejected,
    preview: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (action, editing) = match proposing {
        Proposing::New { call_id } => (format!("/c/{slug}/cfp/{call_id}/propose"), false),
        Proposing::Edit { id } => (format!("/c/{slug}/proposals/{id}/edit"), true),
    };
    let f = FormPage { conf, call, tracks, input, errors: rejected.errors, preview, action, editing };
    form_page(ctx, rejected.status, f)
}

/// What came of a proposal form that read well.
enum Saved {
    /// "preview": nothing saved, the abstract as it will look.
    Preview(String),
    /// Saved; where the proposal is.
    Proposal(String),
}

/// The proposal form posted, for a new proposal or an edit: the same checks,
/// preview, refusals and answers; only the service call and the addresses differ.
async fn save_proposal(
    ctx: &Ctx,
    slug: &str,
    (conf, call, tracks): (Conference, Call, Vec<Track>),
    form: ProposalForm,
    proposing: Proposing,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let ProposalForm { input, action } = form;
    let track_ids: Vec<i64> = tracks.iter().map(|t| t.id).collect();
    let page = |input: &ProposalInput, rejected: Rejected, preview| {
        proposal_page(ctx, slug, (&conf, &call, &tracks), &proposing, input, rejected, preview)
    };
    let typed = input.clone();
    let submit = action == "submit";
    let email = user.email.clone();
    form::handle(
        input,
        |input| input.parse(&limits(&call, &track_ids, &email)),
        |draft| async {
            if action == "preview" {
                return Ok(Ok(Saved::Preview(markdown::to_html(&draft.abstract_md))));
            }
            let (c, call, target) = (conf.clone(), call.clone(), proposing.clone());
            let saved = ctx
                .state
                .db(move |conn, st| match target {
                    Proposing::New { .. } => {
                        cfp::propose(conn, st, &user, &c, &call, &draft, submit).map(|p| p.public_id.to_string())
                    }
                    Proposing::Edit { id } => cfp::edit(conn, st, &user, &c, &id, &draft, submit).map(|_| id),
                })
                .await;
            Ok(saved.map(Saved::Proposal))
        },
        refusal,
        |input, rejected| std::future::ready(page(&input, rejected, None)),
        |saved| {
            std::future::ready(match saved {
                Saved::Preview(html) => page(&typed, Rejected::none(), Some(html)),
                Saved::Proposal(id) => form::see_other(
                    ctx,
                    &format!("/c/{slug}/proposals/{id}"),
                    if submit { "proposal-submitted" } else { "proposal-saved" },
                ),
            })
        },
    )
    .await
}

async fn create(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ProposalForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    ctx.user()?;
    let loaded = load_call(&ctx, slug.clone(), call_id.clone()).await?;
    save_proposal(&ctx, &slug, loaded, form.into_inner(), Proposing::New { call_id }).await
}

async fn load_visible(
    ctx: &Ctx,
    slug: String,
    id: String,
) -> Result<(Conference, cfp::Proposal, Call, Access, Vec<Track>), AppError> {
    let user = ctx.user.clone();
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let (p, call, a) = cfp::visible_proposal(conn, user.as_ref(), &conf, &id)?;
            let tracks = cfp::tracks_of(conn, &conf)?;
            Ok((conf, p, call, a, tracks))
        })
        .await
}

async fn show(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (conf, p, call, access, tracks) = load_visible(&ctx, slug, id).await?;
    // A released decision (not one taken back by a withdrawal since).
    let released = p.decision_released_at.is_some() && p.state.decision().is_some();
    let viewer = ctx.user()?.clone();
    let p2 = p.clone();
    let cfp::ProposalPage { topics, people, submitter, notes, state, viewer_conflicted: conflicted } =
        ctx.state.db(move |conn, _| cfp::proposal_page(conn, &viewer, &p2, released)).await?;
    let tz = cfp::tz(&conf);
    // Proposers were given the proposal as disclosed; the deciders see the decision.
    let insider = access.sees_decisions();
    let open = cfp::status_of(&call) == crate::domain::proposal::CallStatus::Open;
    let actions =
        policy::proposal_actions(&access, conflicted, open, call.microconference_id.is_some(), state, p.state);
    let data = ProposalPage {
        conference: ConferenceView::of(&conf),
        call: views::call(&call, tz),
        proposal: views::proposal(&p, &call, &tracks, &topics, Some(&submitter), tz),
        decision: released.then(|| Decision { state: p.state, note: &p.decision_note, reviewer_notes: notes }),
        unreleased: insider && !released && p.state.decision().is_some(),
        people: views::people(&people),
        can_edit: actions.can_edit,
        can_submit: actions.can_submit,
        can_withdraw: actions.can_withdraw,
        can_decide: actions.can_decide,
        conflicted_organiser: actions.conflicted_organiser,
        decisions: DECISIONS
            .iter()
            .filter(|(s, _)| *s != p.state)
            .map(|&(value, label)| Labelled { value, label })
            .collect(),
    };
    render::ok(&ctx, "proposal", &p.title, data)
}

/// What an organiser may turn a proposal into, and the button's words.
const DECISIONS: [(ProposalState, &str); 4] = [
    (ProposalState::Accepted, "Accept"),
    (ProposalState::Maybe, "Keep as maybe"),
    (ProposalState::Rejected, "Reject"),
    (ProposalState::Submitted, "Back to submitted"),
];

/// A proposal's page.
#[derive(Serialize)]
struct ProposalPage<'a> {
    conference: ConferenceView,
    call: CallView,
    proposal: ProposalView,
    /// The released decision, once it is released.
    decision: Option<Decision<'a>>,
    unreleased: bool,
    people: Vec<PersonView>,
    can_edit: bool,
    can_submit: bool,
    can_withdraw: bool,
    can_decide: bool,
    conflicted_organiser: bool,
    decisions: Vec<Labelled>,
}

#[derive(Serialize)]
struct Decision<'a> {
    state: ProposalState,
    note: &'a str,
    reviewer_notes: Vec<String>,
}

#[derive(Serialize)]
struct Labelled {
    value: ProposalState,
    label: &'static str,
}

async fn edit_form(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (conf, p, call, access, tracks) = load_visible(&ctx, slug.clone(), id.clone()).await?;
    policy::require_proposer(&access)?;
    if cfp::status_of(&call) != crate::domain::proposal::CallStatus::Open {
        return Err(AppError::Conflict("This call has closed: proposals can no longer be changed.".into()));
    }
    let pid = p.id;
    let (topics, people, state) = ctx
        .state
        .db(move |conn, _| {
            let (topics, people) = cfp::content_of(conn, pid)?;
            Ok((topics, people, cfp::proposer_state(conn, pid)?))
        })
        .await?;
    if !state.proposer_may_edit() {
        return Err(AppError::Conflict(format!("A proposal that is {} can no longer be edited.", state.as_str())));
    }
    let input = ProposalInput {
        title: p.title.clone(),
        abstract_md: p.abstract_md.clone(),
        track: p.track_id.map(|t| t.to_string()).unwrap_or_default(),
        duration: p.duration_minutes.map(|d| d.to_string()).unwrap_or_default(),
        key_people: p.key_people.clone(),
        expected_attendance: p.expected_attendance.map(|d| d.to_string()).unwrap_or_default(),
        topics: topics_to_text(&topics),
        people: people
            .iter()
            .filter(|x| x.status != InvitationStatus::Declined)
            .map(|x| x.email.clone())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let proposing = Proposing::Edit { id };
    proposal_page(&ctx, &slug, (&conf, &call, &tracks), &proposing, &input, Rejected::none(), None)
}

async fn update(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ProposalForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    ctx.user()?;
    let (conf, _p, call, access, tracks) = load_visible(&ctx, slug.clone(), id.clone()).await?;
    policy::require_proposer(&access)?;
    save_proposal(&ctx, &slug, (conf, call, tracks), form.into_inner(), Proposing::Edit { id }).await
}

async fn submit(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    proposer_button(&at, path.into_inner(), true).await
}

async fn withdraw(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    proposer_button(&at, path.into_inner(), false).await
}

/// The proposer's two buttons on a proposal's page: submit it, or withdraw
/// it; back to the page with what happened.
async fn proposer_button(at: &Acting, (slug, id): (String, String), submit: bool) -> Result<HttpResponse, AppError> {
    let i2 = id.clone();
    at.db(
        move |conn, st, user, conf| {
            if submit {
                cfp::submit(conn, st, user, conf, &i2)
            } else {
                cfp::withdraw(conn, st, user, conf, &i2)
            }
        },
    )
    .await?;
    let flash = if submit { "proposal-submitted" } else { "proposal-withdrawn" };
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/proposals/{id}"), Some(flash)))
}

async fn mine(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if ctx.user.is_none() {
        return Ok(login_redirect(&ctx, "/proposals"));
    }
    let user = ctx.user()?.clone();
    let rows = ctx.state.db(move |conn, _| cfp::my_proposals(conn, &user)).await?;
    let proposals = rows.iter().map(|(r, c)| views::own_proposal(r, c)).collect();
    render::ok(&ctx, "my_proposals", "My proposals", MyProposals { proposals })
}

#[derive(Serialize)]
struct MyProposals {
    proposals: Vec<views::OwnProposalView>,
}

/// An invitation to be named on a proposal, as its addressee reads it.
#[derive(Serialize)]
struct InvitationPage {
    token: String,
    proposal_title: String,
    conference: String,
    inviter: String,
    kind_label: &'static str,
    email: String,
    status: InvitationStatus,
    pending: bool,
    login: String,
    signup: String,
    link: String,
}

async fn invitation(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let inv = ctx.state.db(move |conn, _| cfp::invitation(conn, &t)).await?;
    let here = format!("/invitations/{token}");
    let data = InvitationPage {
        link: format!("/c/{}/proposals/{}", inv.conference.slug, inv.proposal.public_id),
        kind_label: inv.call.kind.label(),
        pending: inv.person.status == InvitationStatus::Invited,
        login: format!("/login?next={}", urlencode(&here)),
        signup: format!("/signup?next={}", urlencode(&here)),
        token,
        proposal_title: inv.proposal.title,
        conference: inv.conference.name,
        inviter: inv.inviter.name,
        email: inv.person.email,
        status: inv.person.status,
    };
    render::ok(&ctx, "invitation", "Invitation", data)
}

async fn respond(ctx: Ctx, token: web::Path<String>, form: web::Form<AnswerForm>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let user = ctx.user()?.clone();
    // An unknown invitation is 404 whatever the form says.
    let t = token.clone();
    ctx.state.db(move |conn, _| cfp::invitation(conn, &t).map(|_| ())).await?;
    let accept = form.accepts()?;
    let inv = ctx.state.db(move |conn, _| cfp::respond(conn, &user, &token, accept)).await?;
    if accept {
        Ok(render::redirect(
            &ctx,
            &format!("/c/{}/proposals/{}", inv.conference.slug, inv.proposal.public_id),
            Some("invitation-accepted"),
        ))
    } else {
        Ok(render::redirect(&ctx, "/proposals", Some("invitation-declined")))
    }
}
