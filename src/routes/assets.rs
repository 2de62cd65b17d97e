//! Static assets, embedded in the binary and served from memory (fast, and no
//! file-system surprises in production).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/style.css"),
    },
    Asset {
        path: "schedule-editor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/schedule-editor.js"),
    },
    Asset {
        path: "statement.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/statement.js"),
    },
    Asset { path: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/favicon.svg") },
    Asset {
        path: "ping.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../../static/ping.txt"),
    },
];

fn digest(body: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(body)[..6])
}

/// Content hashes of the embedded assets, computed once.
fn hashes() -> &'static [String] {
    static HASHES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| ASSETS.iter().map(|a| digest(a.body)).collect())
}

/// The content-hashed file names, computed once (not per request).
fn hashed_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| ASSETS.iter().zip(hashes()).map(|(a, h)| hashed_name(a.path, h)).collect())
}

fn hashed_name(path: &str, hash: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{path}.{hash}"),
    }
}

/// The URL of an asset with its content hash in the name, so it can be cached
/// for a year: a new version gets a new name.
pub fn url(path: &str) -> String {
    match ASSETS.iter().position(|a| a.path == path) {
        Some(i) => format!("/static/{}", hashed_name(path, &hashes()[i])),
        None => format!("/static/{path}"),
    }
}

#[get("/static/{path}")]
pub async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let requested = path.as_str();
    let found = ASSETS.iter().enumerate().find_map(|(i, a)| {
        if hashed_names()[i] == requested {
            Some((i, a, &hashes()[i], true))
        } else if a.path == requested {
            Some((i, a, &hashes()[i], false))
        } else {
            None
        }
    });
    let Some((i, a, hash, immutable)) = found else {
        return HttpResponse::NotFound().content_type("text/plain").body("not found");
    };
    let tag = format!("\"{hash}\"");
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(tag.as_str()) {
        return HttpResponse::NotModified().insert_header((header::ETAG, tag)).finish();
    }
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    let mut resp = HttpResponse::Ok();
    resp.content_type(a.content_type)
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"));
    match gzipped(i) {
        Some(gz) if crate::web::page_cache::accepts_gzip(&req) => {
            resp.insert_header((header::CONTENT_ENCODING, "gzip")).body(gz)
        }
        // Sent as it is: the Compress middleware would otherwise gzip it
        // again on every request (a 6-byte file went from 78,000 to 43,000 a
        // second that way).
        _ => resp.insert_header((header::CONTENT_ENCODING, "identity")).body(a.body),
    }
}

/// The `i`-th asset gzipped once, when that saves anything worth a header.
fn gzipped(i: usize) -> Option<actix_web::web::Bytes> {
    static GZIPPED: std::sync::OnceLock<Vec<Option<actix_web::web::Bytes>>> = std::sync::OnceLock::new();
    let all = GZIPPED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                let gz = crate::web::page_cache::gzip(a.body);
                (a.body.len() >= 256 && gz.len() < a.body.len()).then(|| gz.into())
            })
            .collect()
    });
    all.get(i).cloned().flatten()
}
