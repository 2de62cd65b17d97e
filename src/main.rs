use clap::Parser;

fn main() {
    limit_malloc_arenas();
    if let Err(e) = init_logging() {
        eprintln!("plumbline: {e}");
        std::process::exit(1);
    }
    let cli = plumbline::cli::Cli::parse();
    if let Err(e) = plumbline::cli::run(cli) {
        eprintln!("plumbline: {e}");
        std::process::exit(1);
    }
}

/// One line per event on standard output: text for people, or with
/// `PLUMBLINE_LOG_FORMAT=json` one JSON object per line for a log collector
/// (the request id is a field of every request line).
fn init_logging() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    match std::env::var("PLUMBLINE_LOG_FORMAT").as_deref() {
        Err(_) | Ok("" | "text") => builder.init(),
        Ok("json") => builder.json().flatten_event(true).init(),
        Ok(other) => return Err(format!("PLUMBLINE_LOG_FORMAT must be text or json, not {other:?}")),
    }
    Ok(())
}

/// glibc gives every thread that allocates its own arena (up to 8 per core);
/// with actix's workers and the blocking pool that is most of the resident
/// memory under load. Two arenas hold the same load in about half the memory.
/// Large buffers (rendered exports, their gzip) are kept for reuse instead of
/// being mapped and unmapped each time: fresh pages fault in slowly on a VM.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; it runs before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 16 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}
