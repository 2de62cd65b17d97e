//! Reviewing: the committee's dashboard and review pages, MC leads' topic review,
//! committee invitations, and the organisers' decisions, release, templates and export.

use crate::domain::account::Email;
use crate::domain::proposal::ProposalState;
use crate::domain::review::{self as rules, ScoreStats};
use crate::domain::{markdown, text, FieldError};
use crate::error::AppError;
use crate::services::cfp::{self, Call, Track};
use crate::services::conferences::{self as conf_service, Conference};
use crate::services::policy::{self, Reviewer, Sight};
use crate::services::review::{self as service, DashboardRow, ReviewInput};
use crate::services::views::{self, conference as conference_view};
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/review", web::get().to(dashboard))
        .route("/c/{slug}/review/next", web::get().to(next_unreviewed))
        .route("/c/{slug}/review/{id}", web::get().to(review_page))
        .route("/c/{slug}/review/{id}", web::post().to(save_review))
        .route("/c/{slug}/review/{id}/conflict", web::post().to(declare_conflict))
        .route("/c/{slug}/mc/{mc}/review", web::get().to(mc_dashboard))
        .route("/c/{slug}/mc/{mc}/release", web::post().to(mc_release))
        .route("/committee/{token}", web::get().to(committee_invitation))
        .route("/committee/{token}", web::post().to(committee_respond))
        .route("/c/{slug}/manage/committee", web::get().to(committee_page))
        .route("/c/{slug}/manage/committee", web::post().to(invite))
        .route("/c/{slug}/manage/decisions", web::get().to(decisions_page))
        .route("/c/{slug}/manage/decisions", web::post().to(bulk_decide))
        .route("/c/{slug}/manage/release", web::post().to(release))
        .route("/c/{slug}/manage/notifications", web::get().to(notifications_page))
        .route("/c/{slug}/manage/notifications", web::post().to(save_notifications))
        .route("/c/{slug}/manage/reviews.csv", web::get().to(export_csv))
        .route("/c/{slug}/proposals/{id}/conflicts", web::post().to(organiser_conflict));
}

/// A score distribution as a tiny inline bar chart: one bar per point of the
/// scale, so a split committee (bars at both ends) stands out at a glance.
pub fn distribution_svg(st: &ScoreStats, min: i32) -> String {
    let n = st.distribution.len().max(1);
    let peak = st.distribution.iter().copied().max().unwrap_or(0).max(1);
    let w = 8 * n;
    let mut bars = String::new();
    let mut words = Vec::new();
    for (i, c) in st.distribution.iter().enumerate() {
        let h = if *c == 0 { 1 } else { 2 + 14 * c / peak };
        let hue = if n > 1 { 120 * i / (n - 1) } else { 60 };
        bars.push_str(&format!(
            r#"<rect x="{}" y="{}" width="6" height="{}" style="fill:hsl({hue},55%,38%)"></rect>"#,
            i * 8,
            16 - h,
            h
        ));
        if *c > 0 {
            words.push(format!("{}×{}", min + i as i32, c));
        }
    }
    let label = if words.is_empty() { "no scores yet".to_string() } else { format!("scores {}", words.join(", ")) };
    format!(
        r#"<svg class="dist" width="{w}" height="16" viewBox="0 0 {w} 16" role="img" aria-label="{label}"><title>{label}</title>{bars}</svg>"#
    )
}

fn fmt_mean(m: Option<f64>) -> Value {
    m.map(|v| json!(format!("{v:+.2}"))).unwrap_or(Value::Null)
}

fn row_view(r: &DashboardRow, role: &Reviewer) -> Value {
    let sight = policy::row_sight(r, role);
    let see = sight == Sight::All;
    let st = rules::stats(&r.scores, r.score_min, r.score_max);
    let hide_names = policy::hides_proposer(r.anonymised, role);
    json!({
        "id": r.public_id, "title": r.title, "call": r.call_title, "track": r.track,
        "own": if sight == Sight::Nothing { None } else { r.own_score.map(|s| format!("{s:+}")) },
        "count": if sight == Sight::Nothing { Value::Null } else { json!(st.count) },
        "conflicted": sight == Sight::Nothing,
        "mean": if see { fmt_mean(st.mean) } else { Value::Null },
        // A string, so a spread of 0 (full agreement) still shows.
        "spread": if see { st.spread.map(|v| Value::from(v.to_string())).unwrap_or(Value::Null) } else { Value::Null },
        "chart": if see && st.count > 0 { Some(distribution_svg(&st, r.score_min)) } else { None },
        "submitter": if hide_names { None } else { Some(r.submitter_name.clone()) },
        "state": r.state,
    })
}

#[derive(Deserialize, Default, Clone)]
struct DashQuery {
    #[serde(default)]
    call: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    unreviewed: String,
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
        _ => {}
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
    let pages = rows.len().div_ceil(PER_PAGE).max(1);
    let page = q.page.parse::<usize>().unwrap_or(1).clamp(1, pages);
    let list: Vec<Value> = rows.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE).map(|r| row_view(r, role)).collect();
    let calls_opt: Vec<Value> = all_calls
        .iter()
        .map(|c| json!({ "value": c.public_id, "label": c.title, "selected": c.public_id.to_string() == q.call }))
        .collect();
    let tracks_opt: Vec<Value> = tracks
        .iter()
        .map(|t| json!({ "value": t.id.to_string(), "label": t.name, "selected": t.id.to_string() == q.track }))
        .collect();
    let sorts: Vec<Value> = [
        ("", "Submission order"),
        ("title", "Title"),
        ("mean", "Mean score"),
        ("spread", "Disagreement"),
        ("count", "Fewest reviews"),
    ]
    .iter()
    .map(|(v, l)| json!({ "value": v, "label": l, "selected": *v == q.sort }))
    .collect();
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
        format!("{base}?{qs}{unreviewed}&page={n}")
    };
    let pager = json!({
        "page": page, "pages": pages, "many": pages > 1,
        "first": if rows.is_empty() { 0 } else { (page - 1) * PER_PAGE + 1 }, "last": (page * PER_PAGE).min(rows.len()),
        "prev": (page > 1).then(|| page_link(page - 1)), "next": (page < pages).then(|| page_link(page + 1)),
    });
    render::ok(
        &ctx,
        "review_dashboard",
        &format!("Review · {}", conf.name),
        json!({
            "conference": conference_view(conf), "rows": list, "total": rows.len(), "reviewed": reviewed,
            "pct": if rows.is_empty() { 0 } else { reviewed * 100 / rows.len() },
            "calls": calls_opt, "tracks": tracks_opt, "sorts": sorts, "unreviewed": !q.unreviewed.is_empty(),
            "is_mc": mc.is_some(), "pager": pager, "base": base, "next": format!("/c/{}/review/next?{qs}{}", conf.slug, mc.as_ref().map(|m| format!("&mc={m}")).unwrap_or_default()),
        }),
    )
}

async fn dashboard(ctx: Ctx, slug: web::Path<String>, q: web::Query<DashQuery>) -> Result<HttpResponse, AppError> {
    render_dashboard(ctx, slug.into_inner(), None, q.into_inner()).await
}

async fn mc_dashboard(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    q: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, mc) = path.into_inner();
    render_dashboard(ctx, slug, Some(mc), q.into_inner()).await
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(flatten)]
    q: DashQuery,
    mc: Option<String>,
}

async fn next_unreviewed(
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

struct ReviewForm {
    score: String,
    comment: String,
    note: String,
}

async fn review_page_with(
    ctx: &Ctx,
    slug: String,
    id: String,
    status: StatusCode,
    typed: Option<ReviewForm>,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let data = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let (p, call, role) = service::reviewable(conn, &user, &conf, &id)?;
            let seen = service::reviews_seen(conn, &user, &p, &call, &role)?;
            let (own, see) = (seen.own, seen.sight == Sight::All);
            let tracks = cfp::tracks_of(conn, &conf)?;
            let (topics, proposer) = service::review_subject(conn, &p, &call, &role)?;
            let st = rules::stats(&seen.scores, call.score_min, call.score_max);
            let others: Vec<Value> = seen
                .others
                .iter()
                .map(|(r, name)| json!({ "reviewer": name, "score": format!("{:+}", r.score), "comment_html": markdown::to_html(&r.comment), "note": r.note_to_proposer }))
                .collect();
            let open = rules::review_open(call.review_opens_at, call.review_closes_at, chrono::Utc::now());
            let back = service::review_home(conn, &conf, &call)?;
            Ok((conf, p, call, tracks, topics, proposer, own, others, see, st, open, role, back))
        })
        .await?;
    let (conf, p, call, tracks, topics, proposer, own, others, see, st, open, role, back) = data;
    let tz = cfp::tz(&conf);
    let form = match typed {
        Some(f) => json!({ "score": f.score, "comment": f.comment, "note": f.note }),
        None => match &own {
            Some(r) => json!({ "score": r.score.to_string(), "comment": r.comment, "note": r.note_to_proposer }),
            None => json!({ "score": "", "comment": "", "note": "" }),
        },
    };
    let selected = form["score"].as_str().unwrap_or_default().to_string();
    let scale: Vec<Value> = rules::scale(call.score_min, call.score_max, &call.score_labels)
        .into_iter()
        .map(|(v, label)| json!({ "value": v.to_string(), "shown": format!("{v:+}"), "label": label, "checked": v.to_string() == selected }))
        .collect();
    let mut proposal = views::proposal(&p, &call, &tracks, &topics, "", tz);
    proposal["submitter"] = Value::Null;
    render::page(
        ctx,
        status,
        "review",
        &format!("Review: {}", p.title),
        json!({
            "conference": conference_view(&conf), "proposal": proposal, "proposer": proposer, "call": views::call(&call, tz),
            "scale": scale, "form": form, "errors": errors, "has_own": own.is_some(), "others": others, "see_others": see,
            "mean": fmt_mean(st.mean), "count": st.count, "chart": if see && st.count > 0 { Some(distribution_svg(&st, call.score_min)) } else { None },
            "open": open, "is_organiser": matches!(role, Reviewer::Organiser),
            "back": back,
        }),
    )
}

async fn review_page(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    review_page_with(&ctx, slug, id, StatusCode::OK, None, json!({})).await
}

#[derive(Deserialize)]
struct ReviewPost {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    note: String,
}

async fn save_review(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ReviewPost>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let f = form.into_inner();
    let mut problems = crate::domain::Problems::default();
    // The scale is checked against the call by the service; here only that it is a number.
    let score = problems.check(rules::parse_score(&f.score, -10, 10));
    let comment = problems.check(text::multi_line("comment", &f.comment, 0, 10000));
    let note = problems.check(text::multi_line("note", &f.note, 0, 5000));
    let typed = ReviewForm { score: f.score.clone(), comment: f.comment.clone(), note: f.note.clone() };
    let (Some(score), Some(comment), Some(note)) = (score, comment, note) else {
        return review_page_with(
            &ctx,
            slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(typed),
            errors_json(&problems.0),
        )
        .await;
    };
    let (s2, i2) = (slug.clone(), id.clone());
    let result = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            service::save_review(conn, &user, &conf, &i2, &ReviewInput { score, comment, note })
        })
        .await;
    match result {
        Ok(()) => Ok(render::redirect(&ctx, &format!("/c/{slug}/review/{id}"), Some("review-saved"))),
        Err(AppError::Conflict(m)) => {
            review_page_with(
                &ctx,
                slug,
                id,
                StatusCode::CONFLICT,
                Some(typed),
                errors_json(&[FieldError::new("form", m)]),
            )
            .await
        }
        Err(AppError::BadRequest(m)) => {
            review_page_with(
                &ctx,
                slug,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(typed),
                errors_json(&[FieldError::new("score", m)]),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn declare_conflict(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let s2 = slug.clone();
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            service::declare_conflict(conn, &user, &conf, &id)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/review"), Some("conflict-declared")))
}

async fn mc_release(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, mc) = path.into_inner();
    let user = ctx.user()?.clone();
    let (s2, m2) = (slug.clone(), mc.clone());
    let d = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s2)?;
            service::release(conn, st, &user, &conf, Some(&m2))
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/mc/{mc}/manage"), Some(&flash_left("decisions-released", d))))
}

async fn committee_invitation(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let (m, conf) = ctx.state.db(move |conn, _| service::member_invitation(conn, &t)).await?;
    let here = format!("/committee/{token}");
    let q = serde_urlencoded::to_string([("next", here.as_str())]).unwrap_or_default();
    render::ok(
        &ctx,
        "committee_invitation",
        "Programme committee",
        json!({
            "token": token, "conference": conf.name, "email": m.email, "status": m.status, "pending": m.status == "invited",
            "login": format!("/login?{q}"), "signup": format!("/signup?{q}"), "review": format!("/c/{}/review", conf.slug),
        }),
    )
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn committee_respond(
    ctx: Ctx,
    token: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    // An unknown invitation is 404 whatever the form says.
    let t = token.to_string();
    ctx.state.db(move |conn, _| service::member_invitation(conn, &t).map(|_| ())).await?;
    let accept = match form.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("Choose accept or decline.".into())),
    };
    let token = token.into_inner();
    let conf = ctx.state.db(move |conn, _| service::respond_membership(conn, &user, &token, accept)).await?;
    if accept {
        Ok(render::redirect(&ctx, &format!("/c/{}/review", conf.slug), Some("committee-joined")))
    } else {
        Ok(render::redirect(&ctx, "/", Some("invitation-declined")))
    }
}

async fn committee_page_with(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    email: &str,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let c2 = conf.clone();
    let (members, all_calls, tracks) = ctx.state.db(move |conn, _| service::committee(conn, &c2)).await?;
    let name_of_call = |id: &i64| all_calls.iter().find(|c| c.id == *id).map(|c| c.title.clone()).unwrap_or_default();
    let name_of_track = |id: &i64| tracks.iter().find(|t| t.id == *id).map(|t| t.name.clone()).unwrap_or_default();
    let list: Vec<Value> = members
        .iter()
        .map(|(m, name)| json!({
            "email": m.email, "name": name, "status": m.status,
            "calls": m.call_ids.iter().map(name_of_call).collect::<Vec<_>>(), "tracks": m.track_ids.iter().map(name_of_track).collect::<Vec<_>>(),
        }))
        .collect();
    render::page(
        ctx,
        status,
        "committee",
        &format!("Committee · {}", conf.name),
        json!({
            "conference": conference_view(&conf), "members": list, "form": { "email": email }, "errors": errors,
            "calls": all_calls.iter().map(|c| json!({ "id": c.id.to_string(), "title": c.title })).collect::<Vec<_>>(),
            "tracks": tracks.iter().map(|t| json!({ "id": t.id.to_string(), "name": t.name })).collect::<Vec<_>>(),
        }),
    )
}

async fn committee_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    committee_page_with(&ctx, conf, StatusCode::OK, "", json!({})).await
}

/// Forms with repeated keys (checkboxes) as a list of pairs.
fn pairs(body: &web::Bytes) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))
}

fn ids(pairs: &[(String, String)], key: &str) -> Result<Vec<i64>, AppError> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.parse::<i64>().map_err(|_| AppError::BadRequest(format!("Unknown {key}."))))
        .collect()
}

async fn invite(ctx: Ctx, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let form = pairs(&body)?;
    let raw_email = form.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()).unwrap_or_default();
    let email = match Email::parse(&raw_email) {
        Ok(e) => e,
        Err(e) => {
            return committee_page_with(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, &raw_email, errors_json(&[e]))
                .await
        }
    };
    let (call_ids, track_ids) = (ids(&form, "call")?, ids(&form, "track")?);
    let user = ctx.user()?.clone();
    let c2 = conf.clone();
    let new =
        ctx.state.db(move |conn, st| service::invite_member(conn, st, &user, &c2, &email, &call_ids, &track_ids)).await;
    let new = match new {
        Err(AppError::TooManyRequests) => {
            let errors = errors_json(&[FieldError::new("email", crate::services::limits::INVITED_TOO_OFTEN)]);
            return committee_page_with(&ctx, conf, StatusCode::TOO_MANY_REQUESTS, &raw_email, errors).await;
        }
        other => other?,
    };
    Ok(render::redirect(
        &ctx,
        &format!("/c/{slug}/manage/committee"),
        Some(if new { "member-invited" } else { "member-updated" }),
    ))
}

async fn decisions_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    let user = ctx.user()?.clone();
    let c2 = conf.clone();
    let rows = ctx.state.db(move |conn, _| service::decision_rows(conn, &user, &c2)).await?;
    let unreleased = |conflicted: bool| {
        rows.iter()
            .filter(|r| r.conflicted == conflicted)
            .filter(|r| (r.state == "accepted" || r.state == "rejected") && r.decision_released_at.is_none())
            .count()
    };
    let (unreleased, left_for_others) = (unreleased(false), unreleased(true));
    let list: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = row_view(r, &Reviewer::Organiser);
            v["released"] = json!(r.decision_released_at.is_some());
            v
        })
        .collect();
    render::ok(
        &ctx,
        "decisions",
        &format!("Decisions · {}", conf.name),
        json!({
            "conference": conference_view(&conf), "rows": list, "unreleased": unreleased,
            "left_for_others": left_for_others,
        }),
    )
}

async fn bulk_decide(ctx: Ctx, slug: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let form = pairs(&body)?;
    let state = form
        .iter()
        .find(|(k, _)| k == "state")
        .and_then(|(_, v)| ProposalState::parse(v))
        .ok_or_else(|| AppError::BadRequest("Choose a decision.".into()))?;
    let chosen: Vec<String> = form.iter().filter(|(k, _)| k == "proposal").map(|(_, v)| v.clone()).collect();
    if chosen.is_empty() {
        return Err(AppError::BadRequest("Tick at least one proposal.".into()));
    }
    let user = ctx.user()?.clone();
    let d = ctx.state.db(move |conn, _| service::decide_many(conn, &user, &conf, &chosen, state)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/decisions"), Some(&flash_left("decision-saved", d))))
}

/// The flash key of a bulk action, saying how many were left for another organiser.
fn flash_left(key: &str, d: service::Done) -> String {
    if d.left_for_others == 0 {
        key.to_string()
    } else {
        format!("{key}-left:{}", d.left_for_others)
    }
}

async fn release(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let user = ctx.user()?.clone();
    let d = ctx.state.db(move |conn, st| service::release(conn, st, &user, &conf, None)).await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/decisions"), Some(&flash_left("decisions-released", d))))
}

async fn notifications_page_with(
    ctx: &Ctx,
    conf: Conference,
    status: StatusCode,
    typed: Option<Value>,
    errors: Value,
) -> Result<HttpResponse, AppError> {
    let cid = conf.id;
    let (acc, rej) = ctx
        .state
        .db(move |conn, _| {
            Ok((
                service::notification_template(conn, cid, "accepted")?,
                service::notification_template(conn, cid, "rejected")?,
            ))
        })
        .await?;
    let form = typed.unwrap_or_else(|| json!({ "accepted_subject": acc.0, "accepted_body": acc.1, "rejected_subject": rej.0, "rejected_body": rej.1 }));
    render::page(
        ctx,
        status,
        "notifications",
        &format!("Notification mail · {}", conf.name),
        json!({
            "conference": conference_view(&conf), "form": form, "errors": errors,
            "placeholders": rules::PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>(),
        }),
    )
}

async fn notifications_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    notifications_page_with(&ctx, conf, StatusCode::OK, None, json!({})).await
}

#[derive(Deserialize, serde::Serialize)]
struct TemplatesForm {
    #[serde(default)]
    accepted_subject: String,
    #[serde(default)]
    accepted_body: String,
    #[serde(default)]
    rejected_subject: String,
    #[serde(default)]
    rejected_body: String,
}

async fn save_notifications(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<TemplatesForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let conf = ctx.organised(slug.clone()).await?;
    let f = form.into_inner();
    let mut p = crate::domain::Problems::default();
    let a_s = p.check(text::single_line("accepted_subject", &f.accepted_subject, 1, 200));
    let a_b = p.check(text::multi_line("accepted_body", &f.accepted_body, 1, 10000));
    let r_s = p.check(text::single_line("rejected_subject", &f.rejected_subject, 1, 200));
    let r_b = p.check(text::multi_line("rejected_body", &f.rejected_body, 1, 10000));
    let (Some(a_s), Some(a_b), Some(r_s), Some(r_b)) = (a_s, a_b, r_s, r_b) else {
        let typed = serde_json::to_value(&f).map_err(AppError::internal)?;
        return notifications_page_with(&ctx, conf, StatusCode::UNPROCESSABLE_ENTITY, Some(typed), errors_json(&p.0))
            .await;
    };
    let user = ctx.user()?.clone();
    ctx.state
        .db(move |conn, _| {
            service::save_notification_template(conn, &user, &conf, "accepted", &a_s, &a_b)?;
            service::save_notification_template(conn, &user, &conf, "rejected", &r_s, &r_b)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/notifications"), Some("templates-saved")))
}

async fn export_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let conf = ctx.organised(slug.into_inner()).await?;
    let user = ctx.user()?.clone();
    let c2 = conf.clone();
    let rows = ctx.state.db(move |conn, _| service::organiser_reviews(conn, &user, &c2)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-reviews.csv\"", conf.slug)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(service::reviews_csv(&rows)))
}

#[derive(Deserialize)]
struct ConflictForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    conflicted: String,
}

async fn organiser_conflict(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ConflictForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let user = ctx.user()?.clone();
    let on = form.conflicted != "0";
    let raw_email = form.email.clone();
    let (s2, i2) = (slug.clone(), id.clone());
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s2)?;
            // Who may do this is settled before what they typed is looked at.
            conf_service::require_organiser(conn, &conf, &user)?;
            let email = Email::parse(&raw_email).map_err(|e| AppError::BadRequest(format!("Email {}.", e.message)))?;
            service::set_conflict(conn, &user, &conf, &i2, email.as_str(), on)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/proposals/{id}"), Some("conflict-set")))
}
