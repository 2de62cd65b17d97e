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

/// The codes page beside its form: the ticket types that take codes, the codes
/// so far, and the ones just made (shown once).
#[derive(Serialize)]
struct CodesPage {
    code_types: Vec<service::TicketTypeOption>,
    codes: Vec<service::CodeRow>,
    new_codes: Vec<String>,
}

pub(super) async fn codes_page(
    at: &Acting,
    form: CodesForm,
    rejected: Rejected,
    new_codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let (setup, codes) = at
        .db(|conn, st, actor, conf| {
            Ok((service::setup_view(conn, st, actor, conf)?, service::codes_view(conn, actor, conf)?))
        })
        .await?;
    let title = format!("Comp codes · {}", at.conf.name);
    let view = CodesPage { code_types: setup.code_types, codes, new_codes };
    conference_page::form_page(&at.ctx, "registration_codes", &title, &at.conf, view, form, rejected)
}

pub(super) async fn codes(at: Acting) -> Result<HttpResponse, AppError> {
    codes_page(&at, CodesForm::new(), Rejected::none(), vec![]).await
}

pub(super) async fn generate_codes(at: Acting, form: web::Form<CodesForm>) -> Result<HttpResponse, AppError> {
    form::handle(
        form.into_inner(),
        CodesForm::parse,
        |(ticket_type, label, count)| {
            at.db(move |conn, _, actor, conf| {
                let label = Some(label.as_str()).filter(|l| !l.is_empty());
                Ok(service::generate_codes(conn, actor, conf, ticket_type, label, count))
            })
        },
        field_refusal(StatusCode::UNPROCESSABLE_ENTITY),
        |input, rejected| codes_page(&at, input, rejected, vec![]),
        // The new codes are shown once, on this page (not kept for a redirect).
        |new_codes| codes_page(&at, CodesForm::new(), Rejected::none(), new_codes),
    )
    .await
}
