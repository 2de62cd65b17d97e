//! The outbox worker: sends queued mail with retries and exponential backoff.
//! Rows are claimed with `FOR UPDATE SKIP LOCKED`, so any number of app
//! instances can run a worker and no mail is claimed twice.

use crate::error::AppError;
use crate::services::mail::{self as outbox, Failure, OutboxMail};
use crate::state::AppState;
use actix_web::web;
use chrono::Utc;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development without SMTP: each mail is written as an .eml file.
    Files(PathBuf),
}

impl Mailer {
    pub fn from_config(config: &crate::config::Config) -> Result<Mailer, String> {
        match &config.smtp_url {
            Some(url) => smtp_transport(url, config.smtp_ca_file.as_deref()).map(Mailer::Smtp),
            None => Ok(Mailer::Files(config.mail_dir.clone())),
        }
    }

    async fn send(&self, id: i64, message: Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(dir) => {
                let dir = dir.clone();
                let bytes = message.formatted();
                web::block(move || {
                    std::fs::create_dir_all(&dir)?;
                    std::fs::write(dir.join(format!("{id:08}.eml")), bytes)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
            }
        }
    }
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtp://host`: plain, for a relay on this machine or a catcher.
    None,
    /// `smtp://host?tls=opportunistic`: STARTTLS when offered (a downgrade is possible).
    Opportunistic,
    /// `smtp://host:587?tls=required`: STARTTLS or no mail.
    Required,
    /// `smtps://host:465`: TLS from the first byte.
    Wrapper,
}

/// What `PLUMBLINE_SMTP_URL` asks for, read with the URL forms lettre accepts.
#[derive(Debug, PartialEq, Eq)]
pub struct SmtpPlan {
    pub host: String,
    pub tls: SmtpTls,
    pub with_credentials: bool,
}

/// Reads the SMTP URL and refuses a password that would cross the network in
/// clear: credentials need TLS (required or from the start) unless the server
/// is on this machine.
pub fn smtp_plan(url: &str) -> Result<SmtpPlan, String> {
    let bad = |why: &str| {
        format!("PLUMBLINE_SMTP_URL: {why} (forms: smtps://user:pass@host:465, smtp://user:pass@host:587?tls=required, smtp://localhost:25)")
    };
    let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?.to_string();
    let tls_param = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
    let tls = match (parsed.scheme(), tls_param.as_deref()) {
        ("smtp", None) => SmtpTls::None,
        ("smtp", Some("opportunistic")) => SmtpTls::Opportunistic,
        ("smtp", Some("required")) => SmtpTls::Required,
        ("smtps", None) => SmtpTls::Wrapper,
        (scheme, tls) => return Err(bad(&format!("unknown scheme {scheme:?} with tls={tls:?}"))),
    };
    let with_credentials = !parsed.username().is_empty() || parsed.password().is_some();
    let loopback = host == "localhost"
        || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if with_credentials && matches!(tls, SmtpTls::None | SmtpTls::Opportunistic) && !loopback {
        return Err(bad(&format!("a password for {host} would be sent without TLS; use smtps:// or ?tls=required")));
    }
    Ok(SmtpPlan { host, tls, with_credentials })
}

/// The SMTP transport for `url` (lettre's own URL parser), trusting the PEM
/// certificates in `ca_file` as well when given (a private CA).
pub fn smtp_transport(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let plan = smtp_plan(url)?;
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("PLUMBLINE_SMTP_URL: {e}"))?
        .timeout(Some(Duration::from_secs(15)));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("PLUMBLINE_SMTP_CA_FILE {}: {e}", path.display()))?;
        let cert =
            Certificate::from_pem(&pem).map_err(|e| format!("PLUMBLINE_SMTP_CA_FILE {}: {e}", path.display()))?;
        let params = TlsParameters::builder(plan.host.clone())
            .add_root_certificate(cert)
            .build_rustls()
            .map_err(|e| format!("PLUMBLINE_SMTP_CA_FILE: {e}"))?;
        builder = match plan.tls {
            SmtpTls::None => builder,
            SmtpTls::Opportunistic => builder.tls(Tls::Opportunistic(params)),
            SmtpTls::Required => builder.tls(Tls::Required(params)),
            SmtpTls::Wrapper => builder.tls(Tls::Wrapper(params)),
        };
    }
    Ok(builder.build())
}

/// Delay before the next try after `attempts` failed ones: base, 2×base, 4×base … capped at one hour.
pub fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let exp = (attempts.clamp(1, 20) - 1) as u32;
    let ms = (base.as_millis() as i64).saturating_mul(1i64 << exp).min(3_600_000);
    chrono::Duration::milliseconds(ms)
}

/// A transactional mail: text and HTML parts, a `Date`, and a `Message-ID` made
/// from the outbox row, so a retry of the same mail carries the same id and a
/// receiving server can drop the duplicate. Bounces go to the configured
/// address (the envelope sender) when there is one.
fn build_message(config: &crate::config::Config, mail: &OutboxMail) -> Result<Message, String> {
    let from: Mailbox = config.mail_from.parse().map_err(|e| format!("bad sender: {e}"))?;
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("bad recipient: {e}"))?;
    let domain = url::Url::parse(&config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "plumbline.invalid".into());
    let mut builder = Message::builder();
    if let Some(bounce) = &config.mail_bounce {
        let envelope =
            lettre::address::Envelope::new(Some(bounce.clone()), vec![to.email.clone()]).map_err(|e| e.to_string())?;
        builder = builder.envelope(envelope);
    }
    builder
        .from(from)
        .to(to)
        .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)))
        .date_now()
        .subject(mail.subject.clone())
        .multipart(body_parts(mail)?)
        .map_err(|e| e.to_string())
}

/// Text and HTML as alternatives; with an attachment, both inside multipart/mixed.
fn body_parts(mail: &OutboxMail) -> Result<MultiPart, String> {
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.body_html.clone()));
    match (&mail.attachment_name, &mail.attachment_type, &mail.attachment_body) {
        (Some(name), Some(kind), Some(body)) => {
            let kind = ContentType::parse(kind).map_err(|e| format!("attachment type {kind:?}: {e}"))?;
            let file = lettre::message::Attachment::new(name.clone()).body(body.clone(), kind);
            Ok(MultiPart::mixed().multipart(alternative).singlepart(file))
        }
        _ => Ok(alternative),
    }
}

/// Claims and sends one batch; returns how many mails were handled.
pub async fn run_once(state: &web::Data<AppState>, mailer: &Mailer) -> Result<usize, AppError> {
    let batch = state.db(|db, _| outbox::claim_due(db, 20, 120)).await?;
    let n = batch.len();
    let mut sent = Vec::with_capacity(n);
    let mut failed = Vec::new();
    for mail in batch {
        match build_message(&state.config, &mail) {
            Ok(m) => match mailer.send(mail.id, m).await {
                Ok(()) => sent.push(mail.id),
                Err(e) => failed.push((mail, e, false)),
            },
            // A mail that cannot be built will never be sent: fail it at once.
            Err(e) => failed.push((mail, e, true)),
        }
    }
    // One statement (and one commit) records the batch's sent mails; a crash
    // before it only means the batch is sent again once its lease runs out.
    let max = state.config.mail_max_attempts;
    let base = state.config.mail_backoff_base;
    state
        .db(move |db, _| {
            let failures: Vec<Failure> = failed
                .into_iter()
                .map(|(mail, error, permanent)| {
                    let give_up = permanent || mail.attempts >= max;
                    tracing::warn!(mail = mail.id, attempts = mail.attempts, give_up, %error, "mail not sent");
                    Failure { id: mail.id, error, give_up, retry_at: Utc::now() + backoff(base, mail.attempts) }
                })
                .collect();
            outbox::record_batch(db, &sent, &failures)
        })
        .await?;
    Ok(n)
}

/// Runs until `stop` turns true; a mail being sent is finished first.
pub async fn run(state: web::Data<AppState>, mailer: Mailer, mut stop: watch::Receiver<bool>) {
    let mut pruned_at: Option<std::time::Instant> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        // Throttle counters of windows long past are forgotten now and then.
        if pruned_at.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(3600)) {
            pruned_at = Some(std::time::Instant::now());
            if let Err(e) = state.db(|conn, _| crate::services::limits::forget_old(conn)).await {
                tracing::warn!(error = %e, "could not prune the rate-limit counters");
            }
        }
        // Waitlist offers and unpaid holds that ran out pass to the next person even without traffic.
        if let Err(e) = state.db(crate::services::registration::expire_deadlines).await {
            tracing::warn!(error = %e, "could not expire waitlist offers and unpaid holds");
        }
        // Speakers who have not confirmed are reminded after the organisers' number of days.
        if let Err(e) = state.db(crate::services::speakers::send_reminders).await {
            tracing::warn!(error = %e, "could not send speaker reminders");
        }
        // The organisers' daily unconference plan, once per conference and local day.
        if let Err(e) = state.db(crate::services::unconference_planner::run_scheduled).await {
            tracing::warn!(error = %e, "could not run the daily unconference plans");
        }
        // Card refunds Stripe did not accept yet go again, with the same idempotency key.
        if state.config.stripe.is_some() {
            if let Err(e) = crate::services::payments::send_pending_refunds(&state).await {
                tracing::warn!(error = %e, "could not send pending refunds");
            }
        }
        let handled = match run_once(&state, &mailer).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "outbox worker could not reach the database");
                0
            }
        };
        if handled > 0 {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(state.config.worker_interval) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn smtp_urls_in_lettres_forms() {
        use super::{smtp_plan, SmtpTls};
        let tls = |u: &str| smtp_plan(u).unwrap().tls;
        assert_eq!(tls("smtp://127.0.0.1:2525"), SmtpTls::None);
        assert_eq!(tls("smtp://u:p@mail.example.org:587?tls=required"), SmtpTls::Required);
        assert_eq!(tls("smtps://u:p@mail.example.org"), SmtpTls::Wrapper);
        assert_eq!(tls("smtp://mail?tls=opportunistic"), SmtpTls::Opportunistic);
        assert!(smtp_plan("smtp://u:p@mail.example.org:587?tls=required").unwrap().with_credentials);
        assert!(smtp_plan("http://x").is_err());
        assert!(smtp_plan("smtp://x:notaport").is_err());
        assert!(smtp_plan("smtp://x?tls=sometimes").is_err());
    }

    #[test]
    fn a_password_never_crosses_the_network_in_clear() {
        use super::smtp_plan;
        let err = smtp_plan("smtp://u:p@mail.example.org:587").unwrap_err();
        assert!(err.contains("without TLS"), "{err}");
        assert!(smtp_plan("smtp://u:p@mail.example.org?tls=opportunistic").is_err());
        // On this machine there is no network to cross.
        assert!(smtp_plan("smtp://u:p@127.0.0.1:25").is_ok());
        assert!(smtp_plan("smtp://u:p@localhost:25").is_ok());
        assert!(smtp_plan("smtp://u:p@[::1]:25").is_ok());
    }

    #[test]
    fn backoff_grows_and_caps() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1).num_seconds(), 10);
        assert_eq!(backoff(base, 2).num_seconds(), 20);
        assert_eq!(backoff(base, 4).num_seconds(), 80);
        assert_eq!(backoff(base, 30).num_seconds(), 3600);
    }
}
