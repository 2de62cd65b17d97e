//! `plumbline check`: what an operator runs before (and after) starting the
//! server. Each line says ok or what to fix; any failure makes the exit status
//! non-zero. Settings that cannot be read at all already stopped in `Config`.

use crate::config::Config;
use crate::db::{self, redact_url};
use diesel::{Connection, PgConnection};
use diesel_migrations::MigrationHarness;

/// One line of the report.
struct Line {
    ok: bool,
    what: &'static str,
    says: String,
}

/// Runs every check, prints the report, and fails when any check failed.
pub fn run(config: &Config) -> Result<(), String> {
    let lines = [database(config), mail(config), base_url(config), secret_key()];
    for l in &lines {
        println!("{:<4} {:<10} {}", if l.ok { "ok" } else { "FAIL" }, l.what, l.says);
    }
    match lines.iter().filter(|l| !l.ok).count() {
        0 => Ok(()),
        n => Err(format!("{n} check(s) failed")),
    }
}

fn database(config: &Config) -> Line {
    let url = redact_url(&config.database_url);
    let mut conn = match PgConnection::establish(&config.database_url) {
        Ok(c) => c,
        Err(e) => {
            let says = format!("cannot connect to {url}: {e} (set DATABASE_URL)");
            return Line { ok: false, what: "database", says };
        }
    };
    match conn.pending_migrations(db::MIGRATIONS) {
        Ok(p) if p.is_empty() => Line { ok: true, what: "database", says: format!("{url}, schema up to date") },
        Ok(p) => Line {
            ok: true,
            what: "database",
            says: format!("{url}, {} migration(s) pending: `plumbline migrate` (or `serve`) applies them", p.len()),
        },
        Err(e) => Line { ok: false, what: "database", says: format!("{url}: cannot read the migrations: {e}") },
    }
}

fn mail(config: &Config) -> Line {
    let Some(url) = &config.smtp_url else {
        let says = format!("no PLUMBLINE_SMTP_URL: mail is written to files in {}", config.mail_dir.display());
        return Line { ok: true, what: "mail", says };
    };
    let shown = redact_url(url);
    let answer =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string()).and_then(
            |runtime| {
                // The transport's connection pool lives on the runtime, so it is made inside it.
                // Connecting includes EHLO, TLS as the URL asks, and AUTH when it carries credentials.
                runtime.block_on(async {
                    let transport = crate::worker::smtp_transport(url, config.smtp_ca_file.as_deref())?;
                    transport.test_connection().await.map_err(|e| e.to_string())
                })
            },
        );
    match answer {
        Ok(true) => {
            Line { ok: true, what: "mail", says: format!("{shown} answers (EHLO, TLS and login as configured)") }
        }
        Ok(false) => Line { ok: false, what: "mail", says: format!("{shown} connected but did not answer NOOP") },
        Err(e) => Line { ok: false, what: "mail", says: format!("{shown}: {e} (check PLUMBLINE_SMTP_URL)") },
    }
}

fn base_url(config: &Config) -> Line {
    let base = &config.base_url;
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let local = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if base.starts_with("https://") || local {
        Line { ok: true, what: "base url", says: format!("{base} (links in mail point here)") }
    } else {
        let says = format!(
            "{base} is public but not https://: logins would cross the network in clear (set PLUMBLINE_BASE_URL)"
        );
        Line { ok: false, what: "base url", says }
    }
}

fn secret_key() -> Line {
    // Config has already refused a short key; say where it comes from, since
    // several instances must share one.
    let says = match std::env::var("PLUMBLINE_SECRET_KEY") {
        Ok(_) => "from PLUMBLINE_SECRET_KEY".to_string(),
        Err(_) => "kept in var/secret.key (several instances need the same PLUMBLINE_SECRET_KEY)".to_string(),
    };
    Line { ok: true, what: "secret key", says }
}
