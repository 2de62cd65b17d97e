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
    Asset { path: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/favicon.svg") },
    Asset {
        path: "ping.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../../static/ping.txt"),
    },
];

fn etag(body: &[u8]) -> String {
    use sha2::Digest;
    format!("\"{}\"", hex::encode(&sha2::Sha256::digest(body)[..8]))
}

#[get("/static/{path}")]
pub async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(a) = ASSETS.iter().find(|a| a.path == path.as_str()) else {
        return HttpResponse::NotFound().content_type("text/plain").body("not found");
    };
    let tag = etag(a.body);
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(tag.as_str()) {
        return HttpResponse::NotModified().insert_header((header::ETAG, tag)).finish();
    }
    HttpResponse::Ok()
        .content_type(a.content_type)
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(a.body)
}
