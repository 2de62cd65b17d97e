//! Compiles the templates into the binary, so `plumbline serve` needs no files
//! beside it. Writes `$OUT_DIR/templates.rs`: every `templates/**/*.hbs` as a
//! (name, source) pair, named by its path without the extension.

use std::path::{Path, PathBuf};

fn hbs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            hbs_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "hbs") {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    hbs_files(&root, &mut files);
    files.sort();
    let mut code = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for path in files {
        let relative = path.strip_prefix(&root).expect("under templates").to_string_lossy().replace('\\', "/");
        let name = relative.trim_end_matches(".hbs");
        if name.starts_with('.') {
            continue;
        }
        code.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    std::fs::write(out, code).expect("write templates.rs");
}
