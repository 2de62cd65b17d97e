//! Organisers: calls, tracks, every proposal with filters, decisions, publishing the programme.

use crate::domain::proposal::{CallInput, ProposalState};
use crate::domain::{text, time, Problems};
use crate::error::AppError;
use crate::services::cfp::{self, Call, Filter};
use crate::services::co_location;
use crate::services::conferences::Conference;
use crate::services::views::{self, call_choices, track_choices, CallView, Choice, ConferenceView};
use crate::web::conference_page::Acting;
use crate::web::context::Ctx;
use crate::web::form::{self, Rejected};
use crate::web::render;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::convert::Infallible;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/manage", web::get().to(dashboard))
        .route("/c/{slug}/manage/calls", web::get().to(calls_page))
        .route("/c/{slug}/manage/calls", web::post().to(create_call))
        .route("/c/{slug}/manage/calls/{call}", web::get().to(edit_call_form))
        .route("/c/{slug}/manage/calls/{call}", web::post().to(update_call))
        .route("/c/{slug}/manage/tracks", web::get().to(tracks_page))
        .route("/c/{slug}/manage/tracks", web::post().to(add_track))
        .route("/c/{slug}/manage/tracks/{id}/delete", web::post().to(delete_track))
        .route("/c/{slug}/manage/tracks/{id}/hosting", web::post().to(track_hosting))
        .route("/c/{slug}/manage/proposals", web::get().to(proposals_page))
        .route("/c/{slug}/proposals/{id}/decision", web::post().to(decide))
        .route("/c/{slug}/manage/programme", web::post().to(publish));
}

async fn dashboard(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c2 = conf.clone();
    let (list, counts, mcs) = ctx.state.db(move |conn, _| cfp::organiser_overview(conn, &c2)).await?;
    let tz = cfp::tz(&conf);
    let by_state = ProposalState::ALL
        .iter()
        .map(|s| StateCount { state: s.as_str(), count: counts.iter().filter(|r| r.state == *s).count() })
        .collect();
    let title = format!("Manage · {}", conf.name);
    let data = ManagePage {
        conference: ConferenceView::of(&conf),
        calls: list.iter().map(|c| views::call(c, tz)).collect(),
        by_state,
        total: counts.len(),
        microconferences: mcs.iter().map(|m| McLink { id: m.public_id, title: &m.title }).collect(),
        published: conf.programme_published,
    };
    render::ok(&ctx, "manage", &title, data)
}

/// The organisers' overview of their conference.
#[derive(Serialize)]
struct ManagePage<'a> {
    conference: ConferenceView,
    calls: Vec<CallView>,
    by_state: Vec<StateCount>,
    total: usize,
    microconferences: Vec<McLink<'a>>,
    published: bool,
}

/// How many proposals are in a state.
#[derive(Serialize)]
struct StateCount {
    state: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct McLink<'a> {
    id: uuid::Uuid,
    title: &'a str,
}

/// The calls page: every call, and the form for a new one or the one edited.
#[derive(Serialize)]
struct CallsPage<'a> {
    conference: ConferenceView,
    calls: Vec<CallView>,
    form: &'a CallInput,
    errors: Value,
    kinds: Vec<Choice>,
    zone: String,
    editing: Option<CallView>,
}

fn call_form_page(
    ctx: &Ctx,
    conf: &Conference,
    list: &[Call],
    form: &CallInput,
    rejected: Rejected,
    editing: Option<&Call>,
) -> Result<HttpResponse, AppError> {
    let tz = cfp::tz(conf);
    let data = CallsPage {
        conference: ConferenceView::of(conf),
        calls: list.iter().map(|c| views::call(c, tz)).collect(),
        form,
        errors: rejected.errors,
        kinds: crate::domain::proposal::CallKind::ORGANISER_KINDS
            .iter()
            .map(|k| Choice::new(k.as_str(), k.label(), &form.kind))
            .collect(),
        zone: format!("{} ({})", conf.time_zone, crate::domain::conference::offset_label(tz, conf.starts_on)),
        editing: editing.map(|c| views::call(c, tz)),
    };
    render::page(ctx, rejected.status, "manage_calls", &format!("Calls · {}", conf.name), data)
}

async fn calls_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c2 = conf.clone();
    let list = ctx.state.db(move |conn, _| cfp::calls_of(conn, &c2)).await?;
    let tz = cfp::tz(&conf);
    let now = chrono::Utc::now();
    let form = CallInput {
        kind: "refereed_talk".into(),
        opens_at: time::input_value(now, tz),
        closes_at: time::input_value(now + chrono::Duration::days(30), tz),
        max_per_person: "3".into(),
        title_max: "120".into(),
        abstract_max: "5000".into(),
        ..Default::default()
    };
    call_form_page(&ctx, &conf, &list, &form, Rejected::none(), None)
}

async fn create_call(ctx: Ctx, slug: web::Path<String>, form: web::Form<CallInput>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c = conf.clone();
    form::handle(
        form.into_inner(),
        |input| input.parse(cfp::tz(&conf), None),
        |draft| async {
            let user = ctx.user()?.clone();
            let created = ctx.state.db(move |conn, _| cfp::create_call(conn, &user, &c, &draft));
            created.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |input, rejected| new_call_again(&ctx, &conf, input, rejected),
        |_| std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/manage/calls"), "call-saved")),
    )
    .await
}

/// The calls page with the new call's form as typed.
async fn new_call_again(
    ctx: &Ctx,
    conf: &Conference,
    input: CallInput,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let list = ctx.state.db(move |conn, _| cfp::calls_of(conn, &c2)).await?;
    call_form_page(ctx, conf, &list, &input, rejected, None)
}

fn input_of(c: &Call, conf: &Conference) -> CallInput {
    let tz = cfp::tz(conf);
    CallInput {
        kind: c.kind.to_string(),
        title: c.title.clone(),
        description: c.description_md.clone(),
        opens_at: time::input_value(c.opens_at, tz),
        closes_at: time::input_value(c.closes_at, tz),
        max_per_person: c.max_per_person.to_string(),
        title_max: c.title_max.to_string(),
        abstract_max: c.abstract_max.to_string(),
    }
}

async fn edit_call_form(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c2 = conf.clone();
    let (call, list) =
        ctx.state.db(move |conn, _| Ok((cfp::find_call(conn, &c2, &call_id)?, cfp::calls_of(conn, &c2)?))).await?;
    call_form_page(&ctx, &conf, &list, &input_of(&call, &conf), Rejected::none(), Some(&call))
}

async fn update_call(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<CallInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, call_id) = path.into_inner();
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c2 = conf.clone();
    let (call, list) =
        ctx.state.db(move |conn, _| Ok((cfp::find_call(conn, &c2, &call_id)?, cfp::calls_of(conn, &c2)?))).await?;
    let fixed = call.microconference_id.map(|_| crate::domain::proposal::CallKind::McTopic);
    let (c, saved) = (conf.clone(), call.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(cfp::tz(&conf), fixed),
        |draft| async {
            let user = ctx.user()?.clone();
            let updated = ctx.state.db(move |conn, _| cfp::update_call(conn, &user, &c, &saved, &draft));
            updated.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |input, rejected| std::future::ready(call_form_page(&ctx, &conf, &list, &input, rejected, Some(&call))),
        |_| std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/manage/calls"), "call-saved")),
    )
    .await
}

async fn tracks_page_with(
    ctx: &Ctx,
    conf: &Conference,
    name: &str,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let (list, held_here) = ctx.state.db(move |conn, _| co_location::track_rows(conn, &c2)).await?;
    let co_located = list.first().is_some_and(|t| t.held_at.len() > 1);
    let data = TracksPage {
        conference: ConferenceView::of(conf),
        tracks: list,
        co_located,
        held_here: held_here.into_iter().map(|(track, selected_by)| HeldHere { track, selected_by }).collect(),
        form: TrackForm { name: name.to_string() },
        errors: rejected.errors,
    };
    render::page(ctx, rejected.status, "manage_tracks", &format!("Tracks · {}", conf.name), data)
}

/// The tracks page: every track and the form for a new one.
#[derive(Serialize)]
struct TracksPage {
    conference: ConferenceView,
    tracks: Vec<co_location::TrackRow>,
    /// Whether any conference is co-located with this one (the hosting form shows then).
    co_located: bool,
    /// Tracks co-located conferences select and this one holds.
    held_here: Vec<HeldHere>,
    form: TrackForm,
    errors: Value,
}

#[derive(Serialize)]
struct HeldHere {
    track: String,
    selected_by: String,
}

#[derive(Deserialize)]
struct HostingForm {
    #[serde(default)]
    held_at: String,
    #[serde(default)]
    open_to: String,
}

/// Where a track is held (here or at a co-located conference) and who may attend it.
async fn track_hosting(
    at: Acting,
    path: web::Path<(String, i64)>,
    form: web::Form<HostingForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let f = form.into_inner();
    at.organising(move |conn, _, user, conf| {
        let open_to = co_location::OpenTo::parse(&f.open_to)?;
        co_location::set_track(conn, user, conf, id, &f.held_at, open_to)
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/tracks"), Some("track-hosting-saved")))
}

async fn tracks_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    tracks_page_with(&ctx, &conf, "", Rejected::none()).await
}

#[derive(Deserialize, Serialize)]
struct TrackForm {
    #[serde(default)]
    name: String,
}

async fn add_track(ctx: Ctx, slug: web::Path<String>, form: web::Form<TrackForm>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let c = conf.clone();
    form::handle(
        form.into_inner(),
        |form| text::single_line("name", &form.name, 1, 100).map_err(|e| Problems(vec![e])),
        |name| async {
            let user = ctx.user()?.clone();
            let added = ctx.state.db(move |conn, _| cfp::add_track(conn, &user, &c, &name));
            added.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |form, rejected| tracks_again(&ctx, &conf, form, rejected),
        |added| {
            let flash = if added { "track-added" } else { "track-exists" };
            std::future::ready(form::see_other(&ctx, &format!("/c/{slug}/manage/tracks"), flash))
        },
    )
    .await
}

async fn tracks_again(
    ctx: &Ctx,
    conf: &Conference,
    form: TrackForm,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    tracks_page_with(ctx, conf, &form.name, rejected).await
}

async fn delete_track(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    at.organising(move |conn, _, user, conf| cfp::delete_track(conn, user, conf, id)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/manage/tracks"), Some("track-deleted")))
}

#[derive(Deserialize, serde::Serialize, Default)]
struct ListQuery {
    #[serde(default)]
    call: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    state: String,
}

/// A proposal on the organisers' list, with its speakers' answers once accepted.
#[derive(Serialize)]
struct ListedProposal {
    #[serde(flatten)]
    row: views::ProposalRowView,
    speakers: Option<String>,
}

/// Proposals on the organisers' list at a time.
const PROPOSALS_PER_PAGE: usize = 100;

async fn proposals_page(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<ListQuery>,
    p: web::Query<crate::web::pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    let Acting { ctx, conf, .. } = Acting::organiser(ctx, &slug).await?;
    let q = q.into_inner();
    let c2 = conf.clone();
    let (call_q, track_q, state_q) = (q.call.clone(), q.track.clone(), q.state.clone());
    let (rows, list, tracks, answers) = ctx
        .state
        .db(move |conn, _| {
            let answers = crate::services::speakers::answer_summary(conn, &c2)?;
            let list = cfp::calls_of(conn, &c2)?;
            let tracks = cfp::tracks_of(conn, &c2)?;
            let call_id = list.iter().find(|c| c.public_id.to_string() == call_q).map(|c| c.id);
            let track_id = tracks.iter().find(|t| t.id.to_string() == track_q).map(|t| t.id);
            let state = state_q.parse::<ProposalState>().ok();
            let f = Filter { call_id, track_id, state, exclude_topic_calls: true };
            Ok((cfp::proposal_list(conn, &c2, &f)?, list, tracks, answers))
        })
        .await?;
    let tz = cfp::tz(&conf);
    let count = rows.len();
    let path = format!("/c/{}/manage/proposals", conf.slug);
    let (rows, pager) = crate::web::pager::page_of(rows, &p.page, PROPOSALS_PER_PAGE, &path, &q, "Proposal pages");
    let data = ProposalsPage {
        conference: ConferenceView::of(&conf),
        proposals: rows
            .iter()
            .map(|r| {
                let speakers = answers.iter().find(|(p, _)| *p == r.public_id).map(|(_, said)| said.clone());
                ListedProposal { row: views::row(r, tz), speakers }
            })
            .collect(),
        count,
        pager,
        calls: call_choices(&list, &q.call),
        tracks: track_choices(&tracks, &q.track),
        states: ProposalState::ALL.iter().map(|s| Choice::new(s.as_str(), s.as_str(), &q.state)).collect(),
    };
    render::ok(&ctx, "manage_proposals", &format!("Proposals · {}", conf.name), data)
}

/// Every proposal of the conference, filtered by call, track and state.
#[derive(Serialize)]
struct ProposalsPage {
    conference: ConferenceView,
    proposals: Vec<ListedProposal>,
    count: usize,
    pager: crate::web::pager::PagerView,
    calls: Vec<Choice>,
    tracks: Vec<Choice>,
    states: Vec<Choice>,
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    state: String,
    /// The note to the proposer, sent with the decision when it is released.
    note: Option<String>,
}

async fn decide(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let i2 = id.clone();
    at.db(move |conn, _, user, conf| {
        // Who may decide is settled before the form is read.
        crate::services::review::require_decider(conn, user, conf, &i2)?;
        let to = form
            .state
            .parse::<ProposalState>()
            .map_err(|_| AppError::BadRequest("Choose accepted, maybe, rejected or submitted.".into()))?;
        let note = match &form.note {
            Some(n) => Some(
                crate::domain::text::multi_line("note", n, 0, 5000)
                    .map_err(|e| AppError::BadRequest(format!("The note {}.", e.message)))?,
            ),
            None => None,
        };
        crate::services::review::decide(conn, user, conf, &i2, to, note.as_deref())
    })
    .await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{slug}/proposals/{id}"), Some("decision-saved")))
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    published: String,
}

async fn publish(at: Acting, slug: web::Path<String>, form: web::Form<PublishForm>) -> Result<HttpResponse, AppError> {
    let on = form.published == "1";
    at.organising(move |conn, _, user, conf| cfp::set_programme_published(conn, user, conf, on)).await?;
    Ok(render::redirect(
        &at.ctx,
        &format!("/c/{slug}/manage"),
        Some(if on { "programme-published" } else { "programme-hidden" }),
    ))
}
