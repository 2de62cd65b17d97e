use clap::Parser;

fn main() {
    limit_malloc_arenas();
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
