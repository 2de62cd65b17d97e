use clap::Parser;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_target(false)
        .init();
    let cli = plumbline::cli::Cli::parse();
    if let Err(e) = plumbline::cli::run(cli) {
        eprintln!("plumbline: {e}");
        std::process::exit(1);
    }
}
