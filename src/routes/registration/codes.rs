//! Comp codes: organisers generate them for a ticket type and see who used which.

use super::*;

#[derive(Deserialize, serde::Serialize, Default, Clone)]
pub(super) struct CodesForm {
    #[serde(default)]
    ticket_type: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    count: String,
}

impl CodesForm {
    /// A fresh form: ten codes.
    fn new() -> Self {
        CodesForm { count: "10".into(), ..Default::default() }
    }

    /// The ticket type, the label (empty: none) and how many codes.
    fn parse(&self) -> Result<(Uuid, String, i64), Problems> {
        let mut p = Problems::default();
        let label = p.check(text::single_line("label", &self.label, 0, 200));
        let count = match self.count.trim().parse::<i64>() {
            Ok(n) if (1..=service::MAX_CODES_PER_BATCH).contains(&n) => Some(n),
            _ => {
                p.add("count", format!("use a whole number from 1 to {}", service::MAX_CODES_PER_BATCH));
                None
            }
        };
        let ticket_type = Uuid::parse_str(self.ticket_type.trim()).ok();
        if ticket_type.is_none() {
            p.add("ticket_type", "choose a comp pass ticket type");
        }
        match (ticket_type, label, count) {
            (Some(t), Some(label), Some(count)) => Ok((t, label, count)),
            _ => Err(p),
        }
    }
}

pub(super) async fn codes_page(
    ctx: &Ctx,
    slug: String,
    form: CodesForm,
    rejected: Rejected,
    new_codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let (conf, setup, codes) = ctx
        .state
        .db(move |conn, _| {
            let conf = conf_service::find(conn, &slug)?;
            let setup = service::setup_view(conn, &actor, &conf)?;
            let codes = service::codes_view(conn, &actor, &conf)?;
            Ok((conf, setup, codes))
        })
        .await?;
    let title = format!("Comp codes · {}", conf.name);
    render::page(
        ctx,
        rejected.status,
        "registration_codes",
        &title,
        json!({
            "conference": conf_json(&conf), "code_types": setup.code_types, "codes": codes,
            "form": form, "errors": rejected.errors, "new_codes": new_codes,
        }),
    )
}

pub(super) async fn codes(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if let Some(r) = ctx.login_first(&format!("/c/{slug}/manage/registration/codes")) {
        return Ok(r);
    }
    codes_page(&ctx, slug, CodesForm::new(), Rejected::none(), vec![]).await
}

pub(super) async fn generate_codes(
    ctx: Ctx,
    slug: web::Path<String>,
    form: web::Form<CodesForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    form::handle(
        form.into_inner(),
        CodesForm::parse,
        |(ticket_type, label, count)| {
            ctx.state.db(move |conn, _| {
                let conf = conf_service::find(conn, &s)?;
                let label = Some(label.as_str()).filter(|l| !l.is_empty());
                Ok(service::generate_codes(conn, &actor, &conf, ticket_type, label, count))
            })
        },
        field_refusal(StatusCode::UNPROCESSABLE_ENTITY),
        |input, rejected| codes_page(&ctx, slug.clone(), input, rejected, vec![]),
        // The new codes are shown once, on this page (not kept for a redirect).
        |new_codes| codes_page(&ctx, slug.clone(), CodesForm::new(), Rejected::none(), new_codes),
    )
    .await
}
