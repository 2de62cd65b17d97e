//! The organisers' registration set-up: settings, ticket types and their fee tiers.

use super::*;

/// Which form on the set-up page is shown again, and what was typed in it.
pub(super) enum Typed {
    Nothing,
    Settings(SettingsInput),
    TicketType(TicketTypeForm),
    Tier(Uuid, TierInput),
}

pub(super) async fn setup_page(
    ctx: &Ctx,
    slug: String,
    typed: Typed,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, mut data) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let data = service::setup_view(conn, &actor, &conf)?;
            Ok((conf, data))
        })
        .await?;
    let mut settings_errors = json!({});
    let mut type_form = TicketTypeForm::default();
    let mut type_errors = json!({});
    match typed {
        Typed::Nothing => {}
        Typed::Settings(input) => {
            data.settings_form = input;
            settings_errors = rejected.errors;
        }
        Typed::TicketType(input) => {
            type_form = input;
            type_errors = rejected.errors;
        }
        Typed::Tier(id, input) => {
            for t in data.ticket_types.iter_mut().filter(|t| t.id == id) {
                t.tier_form = input.clone();
                t.tier_errors = rejected.errors.clone();
            }
        }
    }
    let title = format!("Registration set-up · {}", conf.name);
    let page = SetupPage {
        view: data,
        conference: conf_json(&conf),
        settings_errors,
        type_form: json!({
            "name": type_form.name, "description": type_form.description,
            "requires_code": type_form.requires_code.is_some(),
        }),
        type_errors,
    };
    render::page(ctx, rejected.status, "registration_setup", &title, json!(page))
}

/// The set-up page: the service's view and the forms as typed.
#[derive(serde::Serialize)]
pub(super) struct SetupPage {
    #[serde(flatten)]
    view: service::SetupView,
    conference: Value,
    settings_errors: Value,
    type_form: Value,
    type_errors: Value,
}

pub(super) async fn setup(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration")) {
        return Ok(r);
    }
    setup_page(&ctx, slug, Typed::Nothing, Rejected::none()).await
}

pub(super) async fn save_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<SettingsInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let conf = find_conf(&ctx, &slug).await?;
    let tz = service::zone(&conf);
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |settings| async {
            let saved = ctx.state.db(move |conn, st| service::save_settings(conn, st, &actor, &conf, &settings));
            saved.await.map(Ok::<_, Infallible>)
        },
        never,
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::Settings(input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "registration-settings-saved") },
    )
    .await
}

#[derive(Deserialize, serde::Serialize, Default, Clone)]
pub(super) struct TicketTypeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    requires_code: Option<String>,
}

impl TicketTypeForm {
    /// Name and description, checked.
    fn parse(&self) -> Result<(String, String), Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 100));
        let description = p.check(text::multi_line("description", &self.description, 0, 500));
        match (name, description) {
            (Some(name), Some(description)) => Ok((name, description)),
            _ => Err(p),
        }
    }
}

pub(super) async fn add_ticket_type(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<TicketTypeForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let input = form.into_inner();
    let requires_code = input.requires_code.is_some();
    let s = slug.clone();
    form::handle(
        input,
        TicketTypeForm::parse,
        |(name, description)| {
            ctx.state.db(move |conn, _| {
                let conf = conf_service::find(conn, &s)?;
                Ok(service::add_ticket_type(conn, &actor, &conf, &name, &description, requires_code))
            })
        },
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::TicketType(input), rejected),
        |_| async { form::see_other(&ctx, &setup_path(&slug), "ticket-type-added") },
    )
    .await
}

pub(super) async fn add_tier(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let (tz, currency) = (service::zone(&conf), conf.currency.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(tz, &currency),
        |draft| ctx.state.db(move |conn, _| Ok(service::add_tier(conn, &actor, &conf, id, &draft))),
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&ctx, slug.clone(), Typed::Tier(id, input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "tier-added") },
    )
    .await
}

pub(super) async fn tier_page(
    ctx: &Ctx,
    slug: String,
    id: Uuid,
    typed: Option<TierInput>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, mut data) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let data = service::tier_for_edit(conn, &actor, &conf, id)?;
            Ok((conf, data))
        })
        .await?;
    if let Some(input) = typed {
        data.form = input;
    }
    let title = format!("Edit fee tier · {}", conf.name);
    let page = json!({
        "id": data.id, "form": data.form, "errors": rejected.errors, "conference": conf_json(&conf),
    });
    render::page(ctx, rejected.status, "registration_tier", &title, page)
}

pub(super) async fn edit_tier(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/tiers/{id}")) {
        return Ok(r);
    }
    tier_page(&ctx, slug, uuid(&id)?, None, Rejected::none()).await
}

pub(super) async fn update_tier(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let conf = find_conf(&ctx, &slug).await?;
    let (tz, currency) = (service::zone(&conf), conf.currency.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(tz, &currency),
        |draft| ctx.state.db(move |conn, _| Ok(service::update_tier(conn, &actor, &conf, id, &draft))),
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| tier_page(&ctx, slug.clone(), id, Some(input), rejected),
        |()| async { form::see_other(&ctx, &setup_path(&slug), "tier-saved") },
    )
    .await
}

pub(super) async fn delete_tier(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (slug, id) = path.into_inner();
    let id = uuid(&id)?;
    let s = slug.clone();
    ctx.state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &s)?;
            service::delete_tier(conn, &actor, &conf, id)
        })
        .await?;
    Ok(render::redirect(&ctx, &format!("/c/{slug}/manage/registration"), Some("tier-deleted")))
}
