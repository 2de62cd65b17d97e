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
            Some(url) => {
                let (host, port, creds) = parse_smtp_url(url)?;
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(port)
                    .timeout(Some(Duration::from_secs(15)));
                if let Some((user, pass)) = creds {
                    b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(user, pass));
                }
                Ok(Mailer::Smtp(b.build()))
            }
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

/// Host, port and optional (user, password) of the SMTP relay.
pub type SmtpTarget = (String, u16, Option<(String, String)>);

/// `smtp://[user:pass@]host[:port]` (a local relay or catcher; no TLS in this build).
pub fn parse_smtp_url(url: &str) -> Result<SmtpTarget, String> {
    let bad = || format!("PLUMBLINE_SMTP_URL must look like smtp://host:port, not {url:?}");
    let rest = url.strip_prefix("smtp://").ok_or_else(bad)?.trim_end_matches('/');
    let (creds, hostport) = match rest.rsplit_once('@') {
        Some((c, h)) => {
            let (u, p) = c.split_once(':').unwrap_or((c, ""));
            (Some((u.to_string(), p.to_string())), h)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (hostport, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_string(), port, creds))
}

/// Delay before the next try after `attempts` failed ones: base, 2×base, 4×base … capped at one hour.
pub fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let exp = (attempts.clamp(1, 20) - 1) as u32;
    let ms = (base.as_millis() as i64).saturating_mul(1i64 << exp).min(3_600_000);
    chrono::Duration::milliseconds(ms)
}

fn build_message(from: &str, mail: &OutboxMail) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("bad sender: {e}"))?;
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("bad recipient: {e}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.body_html.clone())),
        )
        .map_err(|e| e.to_string())
}

/// Claims and sends one batch; returns how many mails were handled.
pub async fn run_once(state: &web::Data<AppState>, mailer: &Mailer) -> Result<usize, AppError> {
    let batch = state.db(|db, _| outbox::claim_due(db, 20, 120)).await?;
    let n = batch.len();
    let mut sent = Vec::with_capacity(n);
    let mut failed = Vec::new();
    for mail in batch {
        match build_message(&state.config.mail_from, &mail) {
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
    fn smtp_urls() {
        assert_eq!(super::parse_smtp_url("smtp://127.0.0.1:2525").unwrap(), ("127.0.0.1".into(), 2525, None));
        assert_eq!(super::parse_smtp_url("smtp://mail").unwrap().1, 25);
        assert_eq!(super::parse_smtp_url("smtp://u:p@mail:1025").unwrap().2, Some(("u".into(), "p".into())));
        assert!(super::parse_smtp_url("http://x").is_err());
        assert!(super::parse_smtp_url("smtp://x:notaport").is_err());
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
