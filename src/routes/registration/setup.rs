//! The organisers' registration set-up: settings, ticket types and their fee tiers.

use super::*;
use crate::domain::fees::TierDraft;
use crate::services::accounts::User;
use crate::services::PgConnection;

/// Which form on the set-up page is shown again, and what was typed in it.
pub(super) enum Typed {
    Nothing,
    Settings(SettingsInput),
    TicketType(TicketTypeForm),
    Tier(Uuid, TierInput),
}

pub(super) async fn setup_page(at: &Acting, typed: Typed, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let (actor, conf) = (at.user.clone(), at.conf.clone());
    let view = at.ctx.state.db(move |conn, _| service::setup_view(conn, &actor, &conf)).await?;
    let mut page = SetupPage {
        view,
        settings_errors: conference_page::no_errors(),
        type_form: TicketTypeShown::default(),
        type_errors: conference_page::no_errors(),
    };
    match typed {
        Typed::Nothing => {}
        Typed::Settings(input) => {
            page.view.settings_form = input;
            page.settings_errors = rejected.errors;
        }
        Typed::TicketType(input) => {
            page.type_form = TicketTypeShown::from(input);
            page.type_errors = rejected.errors;
        }
        Typed::Tier(id, input) => {
            for t in page.view.ticket_types.iter_mut().filter(|t| t.id == id) {
                t.tier_form = input.clone();
                t.tier_errors = rejected.errors.clone();
            }
        }
    }
    let title = format!("Registration set-up · {}", at.conf.name);
    conference_page::page(&at.ctx, rejected.status, "registration_setup", &title, &at.conf, page)
}

/// The set-up page: the service's view and the forms as typed.
#[derive(Serialize)]
pub(super) struct SetupPage {
    #[serde(flatten)]
    view: service::SetupView,
    settings_errors: Value,
    type_form: TicketTypeShown,
    type_errors: Value,
}

/// The new ticket type form as shown again (the box as ticked or not).
#[derive(Serialize, Default)]
pub(super) struct TicketTypeShown {
    name: String,
    description: String,
    requires_code: bool,
}

impl From<TicketTypeForm> for TicketTypeShown {
    fn from(f: TicketTypeForm) -> Self {
        TicketTypeShown { name: f.name, description: f.description, requires_code: f.requires_code.is_some() }
    }
}

pub(super) async fn setup(at: Acting) -> Result<HttpResponse, AppError> {
    setup_page(&at, Typed::Nothing, Rejected::none()).await
}

pub(super) async fn save_settings(at: Acting, form: web::Form<SettingsInput>) -> Result<HttpResponse, AppError> {
    let tz = service::zone(&at.conf);
    let (actor, conf) = (at.user.clone(), at.conf.clone());
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |settings| async {
            let saved = at.ctx.state.db(move |conn, st| service::save_settings(conn, st, &actor, &conf, &settings));
            saved.await.map(Ok::<_, Infallible>)
        },
        never,
        |input, rejected| setup_page(&at, Typed::Settings(input), rejected),
        |()| async { form::see_other(&at.ctx, &setup_path(&at.conf), "registration-settings-saved") },
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

pub(super) async fn add_ticket_type(at: Acting, form: web::Form<TicketTypeForm>) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let requires_code = input.requires_code.is_some();
    let (actor, conf) = (at.user.clone(), at.conf.clone());
    form::handle(
        input,
        TicketTypeForm::parse,
        |(name, description)| {
            at.ctx.state.db(move |conn, _| {
                Ok(service::add_ticket_type(conn, &actor, &conf, &name, &description, requires_code))
            })
        },
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&at, Typed::TicketType(input), rejected),
        |_| async { form::see_other(&at.ctx, &setup_path(&at.conf), "ticket-type-added") },
    )
    .await
}

/// A fee tier's form (adding one under a ticket type, or editing one): parsed
/// in the conference's zone and currency, saved by `save`, shown again by
/// `again`, and back to the set-up page with `flash`.
async fn tier_form<Save, Again, AgainFut>(
    at: &Acting,
    input: TierInput,
    save: Save,
    again: Again,
    flash: &str,
) -> Result<HttpResponse, AppError>
where
    Save: FnOnce(&mut PgConnection, &User, &Conference, &TierDraft) -> Result<(), FormError> + Send + 'static,
    Again: FnOnce(TierInput, Rejected) -> AgainFut,
    AgainFut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    let (tz, currency) = (service::zone(&at.conf), at.conf.currency.clone());
    let (actor, conf) = (at.user.clone(), at.conf.clone());
    form::handle(
        input,
        |input| input.parse(tz, &currency),
        |draft| at.ctx.state.db(move |conn, _| Ok(save(conn, &actor, &conf, &draft))),
        field_refusal(StatusCode::CONFLICT),
        again,
        |()| async { form::see_other(&at.ctx, &setup_path(&at.conf), flash) },
    )
    .await
}

pub(super) async fn add_tier(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let id = uuid(&path.1)?;
    tier_form(
        &at,
        form.into_inner(),
        move |conn, actor, conf, draft| service::add_tier(conn, actor, conf, id, draft),
        |input, rejected| setup_page(&at, Typed::Tier(id, input), rejected),
        "tier-added",
    )
    .await
}

/// A fee tier's edit page beside its form.
#[derive(Serialize)]
struct TierPage {
    id: Uuid,
}

pub(super) async fn tier_page(
    at: &Acting,
    id: Uuid,
    typed: Option<TierInput>,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let (actor, conf) = (at.user.clone(), at.conf.clone());
    let stored = at.ctx.state.db(move |conn, _| service::tier_for_edit(conn, &actor, &conf, id)).await?;
    let title = format!("Edit fee tier · {}", at.conf.name);
    let form = typed.unwrap_or(stored.form);
    conference_page::form_page(
        &at.ctx,
        "registration_tier",
        &title,
        &at.conf,
        TierPage { id: stored.id },
        form,
        rejected,
    )
}

pub(super) async fn edit_tier(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    tier_page(&at, uuid(&path.1)?, None, Rejected::none()).await
}

pub(super) async fn update_tier(
    at: Acting,
    path: web::Path<(String, String)>,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let id = uuid(&path.1)?;
    tier_form(
        &at,
        form.into_inner(),
        move |conn, actor, conf, draft| service::update_tier(conn, actor, conf, id, draft),
        |input, rejected| tier_page(&at, id, Some(input), rejected),
        "tier-saved",
    )
    .await
}

pub(super) async fn delete_tier(at: Acting, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let Acting { ctx, user, conf } = at;
    let id = uuid(&path.1)?;
    let to = setup_path(&conf);
    ctx.state.db(move |conn, _| service::delete_tier(conn, &user, &conf, id)).await?;
    Ok(render::redirect(&ctx, &to, Some("tier-deleted")))
}
