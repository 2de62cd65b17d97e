//! Configuration from the environment, with defaults that work on a developer machine.

use rand::RngCore;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// Every link in mail is built from this, never from the Host header.
    pub base_url: String,
    pub smtp_url: Option<String>,
    /// PEM certificates to trust for the SMTP server as well (a private CA).
    pub smtp_ca_file: Option<PathBuf>,
    pub mail_dir: PathBuf,
    pub mail_from: String,
    /// The envelope sender, where bounces go (`PLUMBLINE_MAIL_BOUNCE`); else the From address.
    pub mail_bounce: Option<lettre::Address>,
    pub secret_key: Vec<u8>,
    /// None: the templates compiled into the binary.
    pub templates_dir: Option<PathBuf>,
    /// Reload templates from disk on every render (development).
    pub dev_templates: bool,
    pub pool_size: u32,
    pub worker_interval: Duration,
    pub mail_max_attempts: i32,
    /// First retry delay of a mail; it doubles with each failed try (capped at an hour).
    pub mail_backoff_base: Duration,
    /// How long a client may take to send its request headers (then 408).
    pub request_timeout: Duration,
    /// How long another instance's write may take to show on a cached public
    /// page (this instance's own writes show at once).
    pub page_cache_ttl: Duration,
    /// Peers whose `X-Forwarded-For` is believed (our reverse proxies).
    pub trusted_proxies: Vec<crate::domain::net::Cidr>,
    /// Lets a scraper off this machine read /metrics (`Authorization: Bearer ...`).
    pub metrics_token: Option<String>,
    /// Card payment through Stripe Checkout; `None`: card payment is not offered.
    pub stripe: Option<StripeConfig>,
}

/// Stripe's keys and where its API is (a local test double in the tests).
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    /// `https://api.stripe.com` unless pointed elsewhere.
    pub api_base: String,
    /// Where Checkout pages are (`https://checkout.stripe.com`): "Pay now" redirects there.
    pub checkout_origin: String,
}

/// Keys stay out of debug output (and so out of logs).
impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig").field("api_base", &self.api_base).finish_non_exhaustive()
    }
}

/// Both keys or neither: a secret key without the webhook secret would take
/// money and never learn that it came.
fn stripe(var: impl Fn(&str) -> Option<String>) -> Result<Option<StripeConfig>, String> {
    let api_base = var("PLUMBLINE_STRIPE_API_BASE").unwrap_or_else(|| "https://api.stripe.com".into());
    if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
        return Err(format!("PLUMBLINE_STRIPE_API_BASE must be an http(s) URL (got {api_base:?})"));
    }
    match (var("PLUMBLINE_STRIPE_SECRET_KEY"), var("PLUMBLINE_STRIPE_WEBHOOK_SECRET")) {
        (Some(secret_key), Some(webhook_secret)) => Ok(Some(StripeConfig {
            secret_key,
            webhook_secret,
            api_base: api_base.trim_end_matches('/').to_string(),
            checkout_origin: var("PLUMBLINE_STRIPE_CHECKOUT_ORIGIN")
                .unwrap_or_else(|| "https://checkout.stripe.com".into())
                .trim_end_matches('/')
                .to_string(),
        })),
        (None, None) => Ok(None),
        _ => {
            Err("PLUMBLINE_STRIPE_SECRET_KEY and PLUMBLINE_STRIPE_WEBHOOK_SECRET are set together or not at all".into())
        }
    }
}

impl Config {
    /// Served over https: cookies are `Secure` and browsers are told to stay on https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Reads the environment. The secret key, when not given, is generated once and
    /// kept in `var/secret.key` so restarts keep people logged in.
    pub fn from_env() -> Result<Config, String> {
        Config::from_vars(|k| std::env::var(k).ok())
    }

    /// Reads settings through `lookup`. A value that is set but cannot be used
    /// stops the start with the variable's name: a typo must not quietly become a default.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let var = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let millis = |k: &str, default: u64, max: u64| number(k, var(k), default, 1, max).map(Duration::from_millis);
        let dev = var("PLUMBLINE_DEV").is_some_and(|v| v != "0");
        // A mail URL that cannot work (or would send a password in clear) stops the start.
        let smtp_url = var("PLUMBLINE_SMTP_URL");
        if let Some(url) = &smtp_url {
            crate::worker::smtp_plan(url)?;
        }
        let bind = var("PLUMBLINE_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let base_url = var("PLUMBLINE_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(format!("PLUMBLINE_BASE_URL must start with http:// or https:// (got {base_url:?})"));
        }
        let secret_key = match var("PLUMBLINE_SECRET_KEY") {
            Some(k) if k.len() >= 32 => k.into_bytes(),
            Some(_) => return Err("PLUMBLINE_SECRET_KEY must be at least 32 characters".into()),
            None => load_or_create_key(
                Path::new(&var("PLUMBLINE_VAR_DIR").unwrap_or_else(|| "var".into())).join("secret.key"),
            )?,
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/plumbline".into()),
            bind,
            base_url: base_url.trim_end_matches('/').to_string(),
            smtp_url,
            smtp_ca_file: var("PLUMBLINE_SMTP_CA_FILE").map(PathBuf::from),
            mail_dir: var("PLUMBLINE_MAIL_DIR").unwrap_or_else(|| "var/mail".into()).into(),
            mail_bounce: var("PLUMBLINE_MAIL_BOUNCE")
                .map(|b| b.parse().map_err(|e| format!("PLUMBLINE_MAIL_BOUNCE: {e}")))
                .transpose()?,
            mail_from: var("PLUMBLINE_MAIL_FROM").unwrap_or_else(|| "Plumbline <noreply@plumbline.invalid>".into()),
            secret_key,
            templates_dir: templates_dir(var("PLUMBLINE_TEMPLATES"), dev),
            dev_templates: dev,
            pool_size: number("PLUMBLINE_POOL_SIZE", var("PLUMBLINE_POOL_SIZE"), default_pool_size(), 1, 1000)?,
            worker_interval: millis("PLUMBLINE_WORKER_INTERVAL_MS", 2000, 3_600_000)?,
            mail_max_attempts: number("PLUMBLINE_MAIL_MAX_ATTEMPTS", var("PLUMBLINE_MAIL_MAX_ATTEMPTS"), 8, 1, 100)?,
            request_timeout: millis("PLUMBLINE_REQUEST_TIMEOUT_MS", 10_000, 600_000)?,
            page_cache_ttl: millis("PLUMBLINE_PAGE_CACHE_MS", 1000, 3_600_000)?,
            trusted_proxies: crate::domain::net::Cidr::parse_list(
                &var("PLUMBLINE_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("PLUMBLINE_TRUSTED_PROXIES: {e}"))?,
            mail_backoff_base: millis("PLUMBLINE_MAIL_BACKOFF_MS", 10_000, 3_600_000)?,
            metrics_token: match var("PLUMBLINE_METRICS_TOKEN") {
                Some(t) if t.len() < 24 => return Err("PLUMBLINE_METRICS_TOKEN must be at least 24 characters".into()),
                t => t,
            },
            stripe: stripe(var)?,
        })
    }
}

/// A whole number setting: the default when unset, an error naming the
/// variable when it is not a number in `min..=max`.
fn number<T>(name: &str, raw: Option<String>, default: T, min: T, max: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("{name} must be a whole number from {min} to {max} (got {raw:?})")),
    }
}

/// The key file holds the secret that signs CSRF tokens and feed links: only
/// the app's own user may read it (created 0600, and tightened if found wider).
pub fn load_or_create_key(path: PathBuf) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if let Ok(existing) = std::fs::read(&path) {
        if existing.len() >= 32 {
            let private = std::fs::Permissions::from_mode(0o600);
            std::fs::set_permissions(&path, private).map_err(|e| format!("cannot protect {}: {e}", path.display()))?;
            return Ok(existing);
        }
    }
    let mut key = vec![0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let hexed = hex::encode(&key).into_bytes();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let _ = std::fs::remove_file(&path);
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        f.write_all(&hexed)
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(hexed)
}

/// Twice the cores plus one, PostgreSQL's rule of thumb when the database
/// shares the machine. More connections than that only queue up inside
/// PostgreSQL: on 2 cores, 10 connections took ~15% fewer registrations a
/// second than 5, as every waiter on the seat lock woke at each commit.
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
    (2 * cores + 1).clamp(4, 32)
}

/// Templates come from a folder only when asked: `PLUMBLINE_TEMPLATES`, or
/// `templates/` in development (`PLUMBLINE_DEV`), so edits show on the next
/// request. Otherwise the binary's own copy is used, from any directory.
fn templates_dir(set: Option<String>, dev: bool) -> Option<PathBuf> {
    set.map(PathBuf::from).or_else(|| dev.then(|| PathBuf::from("templates")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: std::collections::HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut all = map.clone();
        all.entry("PLUMBLINE_SECRET_KEY".into()).or_insert_with(|| "k".repeat(40));
        Config::from_vars(move |k| all.get(k).cloned())
    }

    #[test]
    fn bad_settings_stop_the_start_with_their_name() {
        let c = with(&[]).unwrap();
        assert_eq!(c.mail_max_attempts, 8);
        assert_eq!(with(&[("PLUMBLINE_POOL_SIZE", "12")]).unwrap().pool_size, 12);
        for (k, v) in [
            ("PLUMBLINE_POOL_SIZE", "twelve"),
            ("PLUMBLINE_POOL_SIZE", "0"),
            ("PLUMBLINE_MAIL_MAX_ATTEMPTS", "-3"),
            ("PLUMBLINE_PAGE_CACHE_MS", "1s"),
            ("PLUMBLINE_REQUEST_TIMEOUT_MS", "99999999999999999999"),
            ("PLUMBLINE_TRUSTED_PROXIES", "10.0.0.0/99"),
            ("PLUMBLINE_BASE_URL", "plumbline.example"),
        ] {
            let err = with(&[(k, v)]).unwrap_err();
            assert!(err.contains(k), "{k}={v}: {err}");
        }
    }
}
