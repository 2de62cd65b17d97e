//! Composing mail from `templates/email/` and queueing it in the outbox.

use crate::domain::mail::MailStatus;
use crate::error::AppError;
use crate::services::policy;
pub use crate::services::repo::outbox::OutboxMail;
use crate::services::repo::outbox::{self, NewMail};
use crate::services::repo::users::User;
use crate::services::Db;
use crate::state::AppState;
use diesel::PgConnection;
use serde_json::Value;

/// A composed mail, not yet queued.
pub struct Composed {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Carries a single-use link: its body is blanked once sent.
    pub holds_secret: bool,
    pub attachment: Option<Attachment>,
}

/// A file sent with a mail (a text file: a calendar entry).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub body: String,
}

impl Composed {
    pub fn as_new_mail(&self) -> NewMail<'_> {
        NewMail {
            recipient: &self.to,
            subject: &self.subject,
            body_text: &self.text,
            body_html: &self.html,
            holds_secret: self.holds_secret,
            attachment_name: self.attachment.as_ref().map(|a| a.name.as_str()),
            attachment_type: self.attachment.as_ref().map(|a| a.content_type.as_str()),
            attachment_body: self.attachment.as_ref().map(|a| a.body.as_str()),
        }
    }
}

/// Mails whose link is a secret (whoever holds it can confirm, reset or answer).
const SECRET_TEMPLATES: [&str; 4] = ["verify", "reset", "proposal_invitation", "committee_invitation"];

/// Renders `email/<name>.txt` and `email/<name>.html` with `data` (plus `base_url`).
pub fn compose(st: &AppState, to: &str, subject: &str, name: &str, mut data: Value) -> Result<Composed, AppError> {
    if to.contains(['\r', '\n']) || subject.contains(['\r', '\n']) {
        return Err(AppError::BadRequest("Mail headers must not contain line breaks.".into()));
    }
    if let Value::Object(map) = &mut data {
        map.insert("base_url".into(), Value::String(st.config.base_url.clone()));
        map.insert("subject".into(), Value::String(subject.to_string()));
    }
    let text = st.templates.render(&format!("email/{name}.txt"), &data)?;
    let html = st.templates.render(&format!("email/{name}.html"), &data)?;
    let holds_secret = SECRET_TEMPLATES.contains(&name);
    Ok(Composed { to: to.to_string(), subject: subject.to_string(), text, html, holds_secret, attachment: None })
}

/// Composes a mail and queues it. Call it inside the transaction of the change it reports.
pub fn queue(
    conn: &mut PgConnection,
    st: &AppState,
    to: &str,
    subject: &str,
    name: &str,
    data: Value,
) -> Result<i64, AppError> {
    let mail = compose(st, to, subject, name, data)?;
    Ok(outbox::insert(conn, &mail.as_new_mail())?)
}

/// `queue` with a file attached.
pub fn queue_with_attachment(
    conn: &mut PgConnection,
    st: &AppState,
    (to, subject): (&str, &str),
    name: &str,
    data: Value,
    attachment: Attachment,
) -> Result<i64, AppError> {
    let mut mail = compose(st, to, subject, name, data)?;
    mail.attachment = Some(attachment);
    Ok(outbox::insert(conn, &mail.as_new_mail())?)
}

/// The site admins' outbox page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxPage {
    /// One page of the mails shown, newest first.
    pub mails: Vec<OutboxRow>,
    /// How many mails failed in all.
    pub failed: usize,
    /// How many mails are shown in all (of the status), and the page (from 1).
    pub matching: usize,
    pub page: usize,
    /// The status shown (empty: all).
    pub status: String,
}

/// A mail on the outbox page (not its body).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub error: Option<String>,
    pub created: String,
    pub failed: bool,
}

impl From<OutboxMail> for OutboxRow {
    fn from(m: OutboxMail) -> Self {
        OutboxRow {
            id: m.id,
            failed: m.status == MailStatus::Failed,
            to: m.recipient,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            error: m.last_error,
            created: crate::domain::time::display(m.created_at, chrono_tz::UTC),
        }
    }
}

/// The site admins' outbox page: the latest mail (of one status, if chosen) and
/// how many mails failed in all.
pub fn outbox_view(
    Db(conn): &mut Db,
    actor: &User,
    status: Option<MailStatus>,
    page: usize,
    per_page: usize,
) -> Result<OutboxPage, AppError> {
    policy::require_site_admin(Some(actor))?;
    let per = per_page.max(1) as i64;
    let matching = outbox::count(conn, status)?;
    let page = (page.max(1) as i64).min(((matching + per - 1) / per).max(1));
    Ok(OutboxPage {
        mails: outbox::recent(conn, status, (page - 1) * per, per)?.into_iter().map(OutboxRow::from).collect(),
        failed: outbox::count(conn, Some(MailStatus::Failed))? as usize,
        matching: matching as usize,
        page: page as usize,
        status: status.map(MailStatus::as_str).unwrap_or_default().to_string(),
    })
}

/// A site admin sends a failed mail again: it goes back in the queue. Mail that
/// is pending or sent is left alone, so nobody gets it twice.
pub fn resend_failed(Db(conn): &mut Db, actor: &User, id: i64) -> Result<(), AppError> {
    policy::require_site_admin(Some(actor))?;
    if outbox::requeue(conn, id)? == 0 {
        return Err(AppError::Conflict("Only failed mail can be sent again.".into()));
    }
    Ok(())
}

/// The worker claims up to `limit` due mails for `lease_secs`; another instance
/// skips them until the lease runs out, so no mail is claimed twice.
pub fn claim_due(Db(conn): &mut Db, limit: i64, lease_secs: i32) -> Result<Vec<OutboxMail>, AppError> {
    Ok(outbox::claim_due(conn, limit, lease_secs)?)
}

/// What became of a claimed batch: the sent ones in one statement, then each
/// failure with its retry time (or given up).
pub fn record_batch(Db(conn): &mut Db, sent: &[i64], failed: &[Failure]) -> Result<(), AppError> {
    outbox::mark_sent(conn, sent)?;
    for f in failed {
        outbox::mark_attempt_failed(conn, f.id, &f.error, f.give_up, f.retry_at)?;
    }
    Ok(())
}

/// A mail the worker could not send.
pub struct Failure {
    pub id: i64,
    pub error: String,
    pub give_up: bool,
    pub retry_at: chrono::DateTime<chrono::Utc>,
}
