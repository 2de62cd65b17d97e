//! The organisers' registration set-up: settings, ticket types and their fee tiers.

use super::*;
use crate::domain::fees::TierDraft;
use crate::services::accounts::User;
use crate::services::Db;

/// Which form on the set-up page is shown again, and what was typed in it.
pub(super) enum Typed {
    Nothing,
    Settings(SettingsInput),
    TicketType(TicketTypeForm),
    Tier(Uuid, TierInput),
}

pub(super) async fn setup_page(at: &Acting, typed: Typed, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let view = at.db(service::setup_view).await?;
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
    bundle_for: String,
}

impl From<TicketTypeForm> for TicketTypeShown {
    fn from(f: TicketTypeForm) -> Self {
        TicketTypeShown {
            name: f.name,
            description: f.description,
            requires_code: f.requires_code.is_some(),
            bundle_for: f.bundle_for,
        }
    }
}

pub(super) async fn setup(at: Acting) -> Result<HttpResponse, AppError> {
    setup_page(&at, Typed::Nothing, Rejected::none()).await
}

pub(super) async fn save_settings(at: Acting, form: web::Form<SettingsInput>) -> Result<HttpResponse, AppError> {
    let tz = service::zone(&at.conf);
    form::handle(
        form.into_inner(),
        |input| input.parse(tz),
        |settings| async {
            let saved = at.db(move |conn, st, actor, conf| service::save_settings(conn, st, actor, conf, &settings));
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
    /// The slug of a co-located conference whose registrants alone may buy it (a bundle price).
    #[serde(default)]
    bundle_for: String,
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
    let bundle_for = input.bundle_for.clone();
    form::handle(
        input,
        TicketTypeForm::parse,
        |(name, description)| {
            at.db(move |conn, _, actor, conf| {
                Ok(service::add_ticket_type(conn, actor, conf, &name, &description, requires_code, &bundle_for))
            })
        },
        field_refusal(StatusCode::CONFLICT),
        |input, rejected| setup_page(&at, Typed::TicketType(input), rejected),
        |_| async { form::see_other(&at.ctx, &setup_path(&at.conf), "ticket-type-added") },
    )
    .await
}

/// What saves a fee tier's form: adding one under the ticket type `id`, or
/// changing the tier `id`.
type SaveTier = fn(&mut Db, &User, &Conference, Uuid, &TierDraft) -> Result<(), FormError>;

/// A fee tier's form: parsed in the conference's zone and currency, saved by
/// `save` for `id`, shown again by `again`, and back to the set-up page with `flash`.
async fn tier_form<Again, AgainFut>(
    at: &Acting,
    id: Uuid,
    input: TierInput,
    save: SaveTier,
    again: Again,
    flash: &str,
) -> Result<HttpResponse, AppError>
where
    Again: FnOnce(TierInput, Rejected) -> AgainFut,
    AgainFut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    let (tz, currency) = (service::zone(&at.conf), at.conf.currency.clone());
    form::handle(
        input,
        |input| input.parse(tz, &currency),
        |draft| at.db(move |conn, _, actor, conf| Ok(save(conn, actor, conf, id, &draft))),
        field_refusal(StatusCode::CONFLICT),
        again,
        |()| async { form::see_other(&at.ctx, &setup_path(&at.conf), flash) },
    )
    .await
}

pub(super) async fn add_tier(
    at: Acting,
    PathId(id): PathId,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let again = |input, rejected| setup_page(&at, Typed::Tier(id, input), rejected);
    tier_form(&at, id, form.into_inner(), service::add_tier, again, "tier-added").await
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
    let stored = at.db(move |conn, _, actor, conf| service::tier_for_edit(conn, actor, conf, id)).await?;
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

pub(super) async fn edit_tier(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    tier_page(&at, id, None, Rejected::none()).await
}

pub(super) async fn update_tier(
    at: Acting,
    PathId(id): PathId,
    form: web::Form<TierInput>,
) -> Result<HttpResponse, AppError> {
    let again = |input, rejected| tier_page(&at, id, Some(input), rejected);
    tier_form(&at, id, form.into_inner(), service::update_tier, again, "tier-saved").await
}

pub(super) async fn delete_tier(at: Acting, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    at.db(move |conn, _, actor, conf| service::delete_tier(conn, actor, conf, id)).await?;
    Ok(render::redirect(&at.ctx, &setup_path(&at.conf), Some("tier-deleted")))
}
