//! The review dashboards: the committee's and an MC's topic review, filtered,
//! sorted and paged, and "next unreviewed".

use crate::domain::proposal::ProposalState;
use crate::domain::review as rules;
use crate::error::AppError;
use crate::services::cfp::{self, Call, Track};
use crate::services::conferences::{self as conf_service, Conference};
use crate::services::policy::{self, Reviewer, Sight};
use crate::services::review::{self as service, DashboardRow};
use crate::services::views::{call_choices, track_choices, Choice, ConferenceView};
use crate::web::context::Ctx;
use crate::web::pager::Pager;
use crate::web::render;
use crate::web::score_chart::distribution_svg;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

pub(super) fn fmt_mean(m: Option<f64>) -> Option<String> {
    m.map(|v| format!("{v:+.2}"))
}

/// A proposal on a review dashboard and the decisions page: what this
/// reviewer may see of its scores.
#[derive(Serialize)]
pub(super) struct ReviewRowView {
    id: uuid::Uuid,
    title: String,
    call: String,
    track: Option<String>,
    own: Option<String>,
    count: Option<usize>,
    conflicted: bool,
    mean: Option<String>,
    /// A string, so a spread of 0 (full agreement) still shows.
    spread: Option<String>,
    chart: Option<String>,
    submitter: Option<String>,
    state: ProposalState,
    assigned: bool,
    preference: Option<i32>,
    preference_label: Option<&'static str>,
    quick: Vec<super::reviews::QuickChoice>,
}

pub(super) fn row_view(r: &DashboardRow, role: &Reviewer) -> ReviewRowView {
    let sight = policy::row_sight(r, role);
    let (see, nothing) = (sight == Sight::All, sight == Sight::Nothing);
    let st = rules::stats(&r.scores, r.score_min, r.score_max);
    let hide_names = policy::hides_proposer(r.anonymised, role);
    ReviewRowView {
        id: r.public_id,
        title: r.title.clone(),
        call: r.call_title.clone(),
        track: r.track.clone(),
        own: if nothing { None } else { r.own_score.map(|s| format!("{s:+}")) },
        count: (!nothing).then_some(st.count),
        conflicted: nothing,
        mean: if see { fmt_mean(st.mean) } else { None },
        spread: if see { st.spread.map(|v| v.to_string()) } else { None },
        chart: (see && st.count > 0).then(|| distribution_svg(&st, r.score_min)),
        submitter: (!hide_names).then(|| r.submitter_name.clone()),
        state: r.state,
        assigned: r.assigned,
        preference: r.preference,
        preference_label: r.preference.map(rules::Preference::label),
        quick: super::reviews::quick_choices(r.preference),
    }
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct DashQuery {
    #[serde(default)]
    call: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    unreviewed: String,
    /// Only the proposals assigned to the viewer.
    #[serde(default)]
    assigned: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

/// Rows per dashboard page: filters, sorting and progress cover every row,
/// the page shows this many (a screenful to work through, cheap to render).
const PER_PAGE: usize = 50;

/// The call a dashboard is narrowed to: one of the conference's calls that the
/// person's scope covers (an MC's topic review has one call already); anything
/// else in `?call=` narrows nothing.
fn chosen_call(q: &DashQuery, role: &Reviewer, all_calls: &[Call]) -> Option<i64> {
    let c = all_calls.iter().find(|c| c.public_id.to_string() == q.call)?;
    match role {
        Reviewer::Lead(_) => None,
        Reviewer::Member(m) if !m.call_ids.is_empty() && !m.call_ids.contains(&c.id) => None,
        _ => Some(c.id),
    }
}

fn filter_and_sort<'a>(
    rows: &'a [DashboardRow],
    q: &DashQuery,
    role: &Reviewer,
    all_calls: &[Call],
) -> Vec<&'a DashboardRow> {
    let call = chosen_call(q, role, all_calls);
    let mut rows: Vec<&DashboardRow> = rows.iter().collect();
    rows.retain(|r| {
        call.is_none_or(|c| r.call_id == c)
            && (q.track.is_empty() || r.track_id.map(|t| t.to_string()) == Some(q.track.clone()))
            && (q.unreviewed.is_empty() || r.own_score.is_none())
            && (q.assigned.is_empty() || r.assigned)
    });
    let mean = |r: &DashboardRow| {
        if policy::row_sight(r, role) == Sight::All {
            rules::stats(&r.scores, r.score_min, r.score_max).mean.unwrap_or(f64::MIN)
        } else {
            f64::MIN
        }
    };
    let spread = |r: &DashboardRow| {
        if policy::row_sight(r, role) == Sight::All {
            rules::stats(&r.scores, r.score_min, r.score_max).spread.unwrap_or(-1)
        } else {
            -1
        }
    };
    match q.sort.as_str() {
        "title" => rows.sort_by_key(|r| r.title.to_lowercase()),
        "mean" => rows.sort_by(|a, b| mean(b).total_cmp(&mean(a))),
        "spread" => rows.sort_by_key(|r| std::cmp::Reverse(spread(r))),
        "count" => rows.sort_by_key(|r| r.scores.len()),
        // Unrated proposals count as "willing" (0), as automatic assignment reads them.
        "preference" => rows.sort_by_key(|r| std::cmp::Reverse(r.preference.unwrap_or(0))),
        // Submission order, with what is assigned to the viewer first.
        _ => rows.sort_by_key(|r| !r.assigned),
    }
    rows
}

async fn load_dashboard(
    ctx: &Ctx,
    slug: String,
    mc: Option<String>,
) -> Result<std::sync::Arc<DashboardData>, AppError> {
    let user = ctx.user()?.clone();
    // A reviewer pages, sorts and filters the same rows: they are computed once
    // and kept briefly for this reviewer (any write through this instance, such
    // as their own review, drops them; others' show within the page cache TTL).
    // The key holds nothing from the query string: every filter is applied to
    // these rows, so no `?call=` makes another copy.
    let memo_key = format!("dashboard:{slug}:{}:{}", user.id, mc.as_deref().unwrap_or(""));
    let pages = ctx.state.pages.clone();
    let loaded = match pages.recall::<DashboardData>(&memo_key) {
        Some(d) => d,
        None => {
            let epoch = pages.epoch();
            let d = ctx
                .state
                .db(move |conn, _| {
                    let conf = conf_service::find(conn, &slug)?;
                    let (rows, role) = service::dashboard(conn, &user, &conf, mc.as_deref())?;
                    let all_calls = cfp::calls_of(conn, &conf)?;
                    let tracks = cfp::tracks_of(conn, &conf)?;
                    Ok(std::sync::Arc::new((conf, rows, role, all_calls, tracks)))
                })
                .await?;
            pages.remember(memo_key, epoch, d.clone());
            d
        }
    };
    Ok(loaded)
}

type DashboardData = (Conference, Vec<DashboardRow>, Reviewer, Vec<Call>, Vec<Track>);

async fn render_dashboard(ctx: Ctx, slug: String, mc: Option<String>, q: DashQuery) -> Result<HttpResponse, AppError> {
    let loaded = load_dashboard(&ctx, slug, mc.clone()).await?;
    let (conf, all_rows, role, all_calls, tracks) = &*loaded;
    let rows = filter_and_sort(all_rows, &q, role, all_calls);
    let reviewed = rows.iter().filter(|r| r.own_score.is_some()).count();
    let assigned_total = all_rows.iter().filter(|r| r.assigned).count();
    let assigned_done = all_rows.iter().filter(|r| r.assigned && r.own_score.is_some()).count();
    let pager = Pager::new(&q.page, rows.len(), PER_PAGE);
    let list = pager.window(&rows).map(|r| row_view(r, role)).collect();
    let base = match &mc {
        Some(m) => format!("/c/{}/mc/{m}/review", conf.slug),
        None => format!("/c/{}/review", conf.slug),
    };
    let qs = serde_urlencoded::to_string([
        ("call", q.call.as_str()),
        ("track", q.track.as_str()),
        ("sort", q.sort.as_str()),
    ])
    .unwrap_or_default();
    let page_link = |n: usize| {
        let unreviewed = if q.unreviewed.is_empty() { "" } else { "&unreviewed=1" };
        let assigned = if q.assigned.is_empty() { "" } else { "&assigned=1" };
        format!("{base}?{qs}{unreviewed}{assigned}&page={n}")
    };
    let here = page_link(pager.page);
    let pager = pager.view("Dashboard pages", page_link);
    let next_mc = mc.as_ref().map(|m| format!("&mc={m}")).unwrap_or_default();
    let data = DashboardPage {
        conference: ConferenceView::of(conf),
        rows: list,
        total: rows.len(),
        reviewed,
        pct: if rows.is_empty() { 0 } else { reviewed * 100 / rows.len() },
        calls: call_choices(all_calls, &q.call),
        tracks: track_choices(tracks, &q.track),
        sorts: SORTS.iter().map(|(v, l)| Choice::new(v, *l, &q.sort)).collect(),
        unreviewed: !q.unreviewed.is_empty(),
        only_assigned: !q.assigned.is_empty(),
        assigned_total,
        assigned_done,
        assigned_pct: (assigned_done * 100).checked_div(assigned_total).unwrap_or(0),
        here,
        is_mc: mc.is_some(),
        pager,
        next: format!("/c/{}/review/next?{qs}{next_mc}", conf.slug),
        base,
    };
    render::ok(&ctx, "review_dashboard", &format!("Review · {}", conf.name), data)
}

/// The orders a dashboard can be sorted in (`?sort=`), and their names.
const SORTS: [(&str, &str); 6] = [
    ("", "Assigned to me first"),
    ("preference", "My preference"),
    ("title", "Title"),
    ("mean", "Mean score"),
    ("spread", "Disagreement"),
    ("count", "Fewest reviews"),
];

#[derive(Serialize)]
struct DashboardPage {
    conference: ConferenceView,
    rows: Vec<ReviewRowView>,
    total: usize,
    reviewed: usize,
    pct: usize,
    calls: Vec<Choice>,
    tracks: Vec<Choice>,
    sorts: Vec<Choice>,
    unreviewed: bool,
    only_assigned: bool,
    assigned_total: usize,
    assigned_done: usize,
    assigned_pct: usize,
    /// This page's address: where the preference buttons come back to.
    here: String,
    is_mc: bool,
    pager: crate::web::pager::PagerView,
    base: String,
    next: String,
}

pub(super) async fn dashboard(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    render_dashboard(ctx, slug.into_inner(), None, q.into_inner()).await
}

pub(super) async fn mc_dashboard(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    q: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc) = path.into_inner();
    render_dashboard(ctx, slug, Some(mc), q.into_inner()).await
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    #[serde(flatten)]
    q: DashQuery,
    mc: Option<String>,
}

pub(super) async fn next_unreviewed(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let NextQuery { mut q, mc } = q.into_inner();
    q.unreviewed = "1".into();
    let loaded = load_dashboard(&ctx, slug.clone(), mc.clone()).await?;
    let rows = filter_and_sort(&loaded.1, &q, &loaded.2, &loaded.3);
    match rows.first() {
        Some(r) => Ok(render::redirect(&ctx, &format!("/c/{slug}/review/{}", r.public_id), None)),
        None => {
            let back = match mc {
                Some(m) => format!("/c/{slug}/mc/{m}/review"),
                None => format!("/c/{slug}/review"),
            };
            Ok(render::redirect(&ctx, &back, Some("all-reviewed")))
        }
    }
}
