//! The organisers' desk: the attendee list with its filter and sales chart, the
//! CSV of attendees, and the desk's actions on one registration.

use super::*;

/// Attendees on the desk page at a time: 2,000 rows were a 3 MB page.
const ATTENDEES_PER_PAGE: usize = 50;

pub(super) async fn attendees(
    at: Acting,
    q: web::Query<Filter>,
    p: web::Query<crate::web::pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = q.into_inner();
    let f = filter.clone();
    let requested = p.page.trim().parse::<usize>().unwrap_or(1);
    let (list, sales) = at
        .db(move |conn, st, actor, conf| {
            Ok((
                service::attendees(conn, st, actor, conf, &f, requested, ATTENDEES_PER_PAGE)?,
                service::chart(conn, actor, conf)?,
            ))
        })
        .await?;
    let shown = list.matching;
    let path = format!("/c/{}/manage/registration/attendees", at.conf.slug);
    let query = serde_urlencoded::to_string(&filter).unwrap_or_default();
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.ends_with('=')).collect();
    let pager = crate::web::pager::Pager::new(&list.page.to_string(), list.matching, ATTENDEES_PER_PAGE)
        .view("Attendee pages", |n| crate::web::pager::link(&path, &kept, n));
    let data = AttendeesPage {
        shown,
        pager,
        filter,
        chart_days: sales.days(),
        chart_boundaries: sales.tier_starts(),
        chart_svg: SalesChart::from(sales).svg(),
        list,
    };
    let title = format!("Attendees · {}", at.conf.name);
    conference_page::page(&at.ctx, StatusCode::OK, "registration_attendees", &title, &at.conf, data)
}

/// The desk page: the service's attendee list, the filter as typed, and the chart.
#[derive(Serialize)]
pub(super) struct AttendeesPage {
    #[serde(flatten)]
    list: service::AttendeeList,
    shown: usize,
    pager: crate::web::pager::PagerView,
    filter: Filter,
    chart_svg: String,
    chart_days: Vec<service::SalesDay>,
    chart_boundaries: Vec<service::TierStart>,
}

/// Every registration as CSV, streamed a page at a time.
pub(super) async fn attendees_csv(at: Acting) -> Result<HttpResponse, AppError> {
    let (user, conf) = (at.user.clone(), at.conf.clone());
    let filename = format!("{}-attendees.csv", at.conf.slug);
    crate::web::csv_stream::respond(&at.ctx.state, &filename, move |db, after| {
        service::csv_page(db, &user, &conf, after, crate::web::csv_stream::PAGE_ROWS)
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct DeskForm {
    #[serde(default)]
    reference: String,
    /// For a refund: how much (empty: all that is left).
    #[serde(default)]
    amount: String,
}

pub(super) async fn desk(
    at: Acting,
    path: web::Path<(String, String, String)>,
    form: web::Form<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, action) = path.into_inner();
    let id = path_id(&id)?;
    let action = match action.as_str() {
        "paid" => {
            let reference = text::single_line("reference", &form.reference, 1, 200)
                .map_err(|e| AppError::BadRequest(format!("The payment reference {}.", e.message)))?;
            DeskAction::Paid(reference)
        }
        "invoiced" => DeskAction::Invoiced,
        "cancel" => DeskAction::Cancel,
        "refund" => return super::payments::refund(at, id, form.into_inner().amount).await,
        "check-in" => DeskAction::CheckIn,
        "clear-flags" => DeskAction::ClearFlags,
        _ => return Err(AppError::NotFound),
    };
    let flash = at.db(move |conn, st, actor, conf| service::desk(conn, st, actor, conf, id, action)).await?;
    Ok(render::redirect(&at.ctx, &format!("/c/{}/manage/registration/attendees", at.conf.slug), Some(flash)))
}
