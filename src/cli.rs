//! The command line: serve, migrate, check, demo, user add, token issue, backup.

mod check;

use crate::config::Config;
use crate::domain::account::{parse_token_lifetime, ApiScope, Email, NewPassword};
use crate::services::accounts;
use crate::services::seed::{bench as bench_data, demo};
use crate::services::Db;
use crate::{db, security};
use clap::{Parser, Subcommand};
use std::io::Read;

#[derive(Parser)]
#[command(name = "plumbline", version, about = "Run a plumbers-style technical conference")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web app (and send queued mail).
    Serve {
        /// Load the demo data first (its accounts have a published password, so
        /// only on a loopback address unless --demo-public is given too).
        #[arg(long)]
        demo: bool,
        /// Allow --demo on a public address (a public demo site).
        #[arg(long, requires = "demo")]
        demo_public: bool,
    },
    /// Create the database if needed and run pending migrations.
    Migrate,
    /// Check the settings against the real database and mail server: one line
    /// per check, ok or what to fix; exits non-zero on any failure.
    Check,
    /// Load the demo conferences and accounts (idempotent).
    Demo {
        /// Also build the large benchmark conference `bench` at this scale
        /// (1 = 20 microconferences, 900 proposals, 10,000 reviews, 2,000
        /// registrations, 40 rooms, 1,500 bookings, 500 sessions); needs a fresh database.
        #[arg(long)]
        scale: Option<i64>,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent backup of the database with pg_dump (custom format),
    /// then check that pg_restore can read it back.
    Backup {
        /// Where to write the dump.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create (or update) a verified account; the password is read from stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        site_admin: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Print a new personal API token for a user (whose address is confirmed).
    Issue {
        #[arg(long)]
        email: String,
        /// `read` (GET only) or `read-write`.
        #[arg(long, default_value = "read")]
        scope: String,
        /// How long it lives, like 30d, 12h or 90m; no expiry when left out.
        #[arg(long)]
        expires_in: Option<String>,
        /// A name to recognise it by on the account page.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

pub fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve { demo: with_demo, demo_public } => {
            if with_demo && !demo_public && !is_loopback(&config.bind) {
                return Err(format!(
                    "refusing --demo on {}: the demo accounts have a published password. Bind to 127.0.0.1, \
                     or add --demo-public for a public demo site.",
                    config.bind
                ));
            }
            serve(config, with_demo)
        }
        Command::Check => check::run(&config),
        Command::Migrate => {
            db::prepare(&config.database_url, 1).map_err(|e| e.to_string())?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo { scale } => {
            let pool = db::prepare(&config.database_url, 2).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let db = &mut Db::new(&mut conn);
            demo::load(db).map_err(|e| e.for_operator())?;
            print_demo_accounts();
            if let Some(scale) = scale {
                let started = std::time::Instant::now();
                let loaded = bench_data::load(db, scale).map_err(|e| format!("{e:?}"))?;
                let s = &loaded.sizes;
                println!(
                    "benchmark conference /c/{} at scale {} in {:.1} s: {} microconferences with {} topics, {} talks, \
                     {} unconference proposals, {} reviewers, {} attendees, {} rooms, {} bookings, schedule version {}",
                    bench_data::SLUG,
                    s.scale,
                    started.elapsed().as_secs_f64(),
                    s.microconferences,
                    s.microconferences * s.topics_per_mc,
                    s.talks,
                    s.unconference,
                    s.reviewers,
                    s.attendees,
                    s.halls + s.small_rooms,
                    s.bookings,
                    loaded.schedule_version
                );
            }
            Ok(())
        }
        Command::User { command: UserCommand::Add { email, name, site_admin } } => {
            let email = Email::parse(&email).map_err(|e| format!("email {}", e.message))?;
            let name =
                crate::domain::text::single_line("name", &name, 1, 200).map_err(|e| format!("name {}", e.message))?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| e.to_string())?;
            let password = NewPassword::parse("password", password.trim_end_matches(['\r', '\n']))
                .map_err(|e| format!("password {}", e.message))?;
            let hash = security::hash_password(password.expose())?;
            let pool = db::prepare(&config.database_url, 1).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let user = accounts::add_confirmed(&mut Db::new(&mut conn), &email, &name, &hash, site_admin)
                .map_err(|e| e.to_string())?;
            println!("user {} <{}>{}", user.name, user.email, if user.is_site_admin { " (site admin)" } else { "" });
            Ok(())
        }
        Command::Backup { out } => backup(&config.database_url, &out),
        Command::Token { command: TokenCommand::Issue { email, scope, expires_in, name } } => {
            let email = Email::parse(&email).map_err(|e| format!("email {}", e.message))?;
            let request = accounts::TokenRequest {
                name: crate::domain::text::single_line("name", &name, 1, 100)
                    .map_err(|e| format!("name {}", e.message))?,
                scope: ApiScope::parse(&scope).map_err(|e| format!("--scope {}", e.message))?,
                lifetime: parse_token_lifetime(expires_in.as_deref().unwrap_or(""))
                    .map_err(|e| format!("--expires-in {}", e.message))?,
            };
            let pool = db::prepare(&config.database_url, 1).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let db = &mut Db::new(&mut conn);
            let user = accounts::by_email(db, &email)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no user with email {email}"))?;
            let token = accounts::issue_api_token(db, &user, &request).map_err(|e| e.to_string())?;
            println!("{token}");
            Ok(())
        }
    }
}

/// pg_dump takes a consistent snapshot while the app keeps running; the
/// restore check lists the archive's contents so a truncated file is caught now,
/// not on the day it is needed.
fn backup(database_url: &str, out: &std::path::Path) -> Result<(), String> {
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(out)
        .arg(database_url)
        .status()
        .map_err(|e| format!("cannot run pg_dump (install postgresql-client): {e}"))?;
    if !status.success() {
        return Err(format!("pg_dump failed ({status})"));
    }
    let list = std::process::Command::new("pg_restore")
        .arg("--list")
        .arg(out)
        .output()
        .map_err(|e| format!("cannot run pg_restore: {e}"))?;
    let listing = String::from_utf8_lossy(&list.stdout);
    let tables = listing.lines().filter(|l| l.contains(" TABLE DATA ")).count();
    if !list.status.success() || tables == 0 {
        return Err(format!("the backup in {} does not read back", out.display()));
    }
    println!("backup written to {} ({tables} tables); restore with: pg_restore --clean --if-exists --no-owner -d <database> {}", out.display(), out.display());
    Ok(())
}

/// Whether every address `bind` resolves to is a loopback address.
fn is_loopback(bind: &str) -> bool {
    use std::net::ToSocketAddrs;
    match bind.to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

fn print_demo_accounts() {
    println!("Demo accounts (password: {}):", demo::DEMO_PASSWORD);
    for (email, role) in demo::ACCOUNTS.iter().map(|a| (a.0, a.2)) {
        println!("  {email:<26} {role}");
    }
}

fn serve(config: Config, with_demo: bool) -> Result<(), String> {
    let bind = config.bind.clone();
    let base_url = config.base_url.clone();
    let state = crate::build_state(config)?;
    if with_demo {
        state.db_now(|db| Ok(demo::load(db))).map_err(|e| e.to_string())?.map_err(|e| e.for_operator())?;
        print_demo_accounts();
    }
    let listener = std::net::TcpListener::bind(&bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    tracing::info!(address = %format!("http://{bind}"), links_in_mail = %base_url, "Plumbline is listening");
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    actix_web::rt::System::new().block_on(crate::run(state, listener, workers)).map_err(|e| e.to_string())
}
