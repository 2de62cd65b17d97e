//! The organisers' desk: the attendee list with its filter and sales chart, the
//! CSV of attendees, and the desk's actions on one registration.

use super::*;

pub(super) async fn attendees(
    ctx: Ctx,
    slug: web::Path<String>,
    q: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/attendees")) {
        return Ok(r);
    }
    let actor = ctx.user()?.clone();
    let filter = q.into_inner();
    let f = filter.clone();
    let (conf, list, sales) = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &slug)?;
            let list = service::attendees(conn, st, &actor, &conf, &f)?;
            let sales = service::chart(conn, &actor, &conf)?;
            Ok((conf, list, sales))
        })
        .await?;
    let day = |d: &chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    let chart_days: Vec<Value> = sales.per_day.iter().map(|(d, n)| json!({ "day": day(d), "n": n })).collect();
    let chart_boundaries: Vec<Value> =
        sales.boundaries.iter().map(|(d, l)| json!({ "day": day(d), "label": l })).collect();
    let data = AttendeesPage {
        conference: conf_json(&conf),
        shown: list.rows.len(),
        filter,
        chart_svg: SalesChart::from(sales).svg(),
        chart_days,
        chart_boundaries,
        list,
    };
    let title = format!("Attendees · {}", conf.name);
    render::ok(&ctx, "registration_attendees", &title, json!(data))
}

/// The desk page: the service's attendee list, the filter as typed, and the chart.
#[derive(serde::Serialize)]
pub(super) struct AttendeesPage {
    #[serde(flatten)]
    list: service::AttendeeList,
    conference: Value,
    shown: usize,
    filter: Filter,
    chart_svg: String,
    chart_days: Vec<Value>,
    chart_boundaries: Vec<Value>,
}

pub(super) async fn attendees_csv(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    let body = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            service::csv(conn, &actor, &conf)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{slug}-attendees.csv\"")))
        .body(body))
}

#[derive(Deserialize)]
pub(super) struct DeskForm {
    #[serde(default)]
    reference: String,
}

pub(super) async fn desk(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: web::Form<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id, action) = path.into_inner();
    let id = uuid(&id)?;
    let action = match action.as_str() {
        "paid" => {
            let reference = text::single_line("reference", &form.reference, 1, 200)
                .map_err(|e| AppError::BadRequest(format!("The payment reference {}.", e.message)))?;
            DeskAction::Paid(reference)
        }
        "invoiced" => DeskAction::Invoiced,
        "cancel" => DeskAction::Cancel,
        "refund" => DeskAction::Refund,
        "check-in" => DeskAction::CheckIn,
        _ => return Err(AppError::NotFound),
    };
    let s = slug.clone();
    let flash = ctx
        .state
        .db(move |conn, st| {
            let conf = conf_service::find(conn, &s)?;
            service::desk(conn, st, &actor, &conf, id, action)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration/attendees"), Some(flash)))
}
