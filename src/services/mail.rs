//! Composing mail from `templates/email/` and queueing it in the outbox.

use crate::error::AppError;
use crate::repo::outbox::{self, NewMail};
use crate::state::AppState;
use diesel::PgConnection;
use serde_json::Value;

/// Renders `email/<name>.txt` and `email/<name>.html` with `data` (plus `base_url`)
/// and queues the mail. Call it inside the transaction of the change it reports.
pub fn queue(
    conn: &mut PgConnection,
    st: &AppState,
    to: &str,
    subject: &str,
    name: &str,
    mut data: Value,
) -> Result<i64, AppError> {
    if to.contains(['\r', '\n']) || subject.contains(['\r', '\n']) {
        return Err(AppError::BadRequest("Mail headers must not contain line breaks.".into()));
    }
    if let Value::Object(map) = &mut data {
        map.insert("base_url".into(), Value::String(st.config.base_url.clone()));
        map.insert("subject".into(), Value::String(subject.to_string()));
    }
    let text = st.templates.render(&format!("email/{name}.txt"), &data)?;
    let html = st.templates.render(&format!("email/{name}.html"), &data)?;
    Ok(outbox::insert(conn, &NewMail { recipient: to, subject, body_text: &text, body_html: &html })?)
}
