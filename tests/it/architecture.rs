//! The layers point one way (routes -> services -> repo -> db) and the domain
//! is pure. These read the source, so a new shortcut fails here, not in review.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    assert!(!out.is_empty(), "no Rust files under {}", dir.display());
    out
}

/// Every line of the files under `dir` (relative to the crate) that mentions any of `banned`.
fn offending_lines(dir: &str, banned: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            if banned.iter().any(|b| line.contains(b)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

// The compiler already refuses `services::repo` and the connection inside a
// `Db` outside the services (CI's first clippy run builds without the tests'
// `test-support` feature); this also catches a route that would open its own
// connection or pool.
const NOT_FOR_THE_WEB_LAYER: [&str; 7] =
    ["repo::", "diesel::", "PgConnection", "Db::new", "testing::", "crate::db", ".pool()"];

#[test]
fn routes_never_touch_the_repo_or_diesel() {
    let found = offending_lines("src/routes", &NOT_FOR_THE_WEB_LAYER);
    assert!(found.is_empty(), "routes must go through services:\n{}", found.join("\n"));
}

#[test]
fn the_web_layer_never_touches_the_repo_or_diesel() {
    let found = offending_lines("src/web", &NOT_FOR_THE_WEB_LAYER);
    assert!(found.is_empty(), "src/web must go through services:\n{}", found.join("\n"));
}

#[test]
fn the_domain_is_pure() {
    let found = offending_lines("src/domain", &["diesel", "actix", "crate::repo", "crate::services"]);
    assert!(found.is_empty(), "src/domain must do no I/O and know no layer above it:\n{}", found.join("\n"));
}

#[test]
fn the_checks_see_a_shortcut() {
    // The scanner itself works: the repo layer does name diesel.
    assert!(!offending_lines("src/repo", &["diesel::"]).is_empty());
}

/// The route areas (the modules directly under src/routes), by their names.
fn route_areas() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut areas: Vec<String> = std::fs::read_dir(&root)
        .expect("src/routes")
        .map(|e| e.expect("directory entry").path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|x| x == "rs")).then_some(stem)
        })
        .filter(|name| name != "mod")
        .collect();
    areas.sort();
    areas.dedup();
    areas
}

#[test]
fn no_route_area_calls_another() {
    // Shared code lives in services or src/web; a route file reaches only its own
    // folder (`super::` inside an area's folder) and the routes root's helpers.
    let mut found = offending_lines("src/routes", &["crate::routes::", "super::super::"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let sibling_paths: Vec<String> = route_areas().iter().map(|a| format!("super::{a}::")).collect();
    // In an area's own module file (src/routes/x.rs or src/routes/x/mod.rs),
    // `super::` is the routes root, so `super::<area>::` would be another area.
    let area_files = std::fs::read_dir(&root).expect("src/routes").filter_map(|entry| {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            Some(path.join("mod.rs")).filter(|p| p.exists())
        } else {
            Some(path).filter(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
        }
    });
    for path in area_files {
        let text = std::fs::read_to_string(&path).expect("source file");
        for (n, line) in text.lines().enumerate() {
            if sibling_paths.iter().any(|s| line.contains(s.as_str())) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a route area must not call another (move shared code to services or src/web):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_area_check_knows_the_areas() {
    let areas = route_areas();
    for a in ["api", "review", "schedule", "rooms"] {
        assert!(areas.iter().any(|x| x == a), "{a} missing from {areas:?}");
    }
}
