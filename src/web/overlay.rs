//! Pages rendered once for everyone, with holes for what differs per viewer.
//!
//! A logged-in page (the room grid at the start of the conference, a schedule
//! day, a session) is mostly the same for every viewer: only a few places say
//! who is looking (the account menu, the form token, "yours" on a booking, a
//! star). Templates mark those places with comments, which ammonia strips from
//! anything a person writes, so no content can forge one:
//!
//! - `<!--@v NAME-->`: a value of the viewer (`csrf`, `user_name`, `user_email`,
//!   `flash`), HTML-escaped here;
//! - `<!--@if KEY-->YES<!--@else-->NO<!--@fi-->`: YES when the viewer holds KEY
//!   (`viewer:user`, `star:<guid>`, `mine:<id>`, …), else NO. Choices nest.
//!
//! `Overlay::parse` reads a rendered page into pieces once; `fill` writes it
//! for one viewer. The gzip form is kept in chunks of up to `CHUNK` bytes, each
//! compressed on its own (a fresh compressor, ending on a byte boundary), so a
//! response is spliced from stored chunks: only a chunk holding a value, or a
//! choice this viewer turns, is compressed for the request (values alone are
//! written as stored blocks). The CRC of the whole is combined from the chunks'.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use flate2::{Compress, Compression, FlushCompress};
use std::collections::HashSet;

/// Literal text per compressed chunk: small enough that recompressing one
/// for a viewer is cheap, large enough that compression barely suffers.
const CHUNK: usize = 16 * 1024;

/// What the viewer of one response is: their values and the keys they hold.
#[derive(Debug, Default, Clone)]
pub struct Viewer {
    values: Vec<(&'static str, String)>,
    keys: HashSet<String>,
    /// Keys the page must have: things the viewer wrote (their booking), so a
    /// page without them is older than their own write.
    required: Vec<String>,
}

impl Viewer {
    pub fn value(&mut self, name: &'static str, v: impl Into<String>) {
        self.values.push((name, v.into()));
    }

    pub fn hold(&mut self, key: impl Into<String>) {
        self.keys.insert(key.into());
    }

    pub fn holds(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Holds `key`, and a page without it is too old for this viewer.
    pub fn need(&mut self, key: String) {
        self.required.push(key.clone());
        self.keys.insert(key);
    }

    /// Whether `page` is new enough for this viewer: it has every key they need.
    pub fn sees_own_writes_in(&self, page: &Overlay) -> bool {
        self.required.iter().all(|k| page.keys.contains(k))
    }

    fn get(&self, name: &str) -> &str {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Value(String),
    Choice { key: String, yes: Vec<Piece>, no: Vec<Piece> },
}

impl Piece {
    fn has_value(&self) -> bool {
        match self {
            Piece::Text(_) => false,
            Piece::Value(_) => true,
            Piece::Choice { yes, no, .. } => yes.iter().chain(no).any(Piece::has_value),
        }
    }

    fn write(&self, v: &Viewer, out: &mut String) {
        match self {
            Piece::Text(t) => out.push_str(t),
            Piece::Value(name) => out.push_str(&handlebars::html_escape(v.get(name))),
            Piece::Choice { key, yes, no } => {
                for p in if v.holds(key) { yes } else { no } {
                    p.write(v, out);
                }
            }
        }
    }

    fn keys<'a>(&'a self, into: &mut Vec<&'a str>) {
        if let Piece::Choice { key, yes, no } = self {
            into.push(key);
            yes.iter().chain(no).for_each(|p| p.keys(into));
        }
    }
}

/// A run of pieces compressed together.
struct Chunk {
    pieces: Vec<Piece>,
    /// The keys of its choices: a viewer holding none of them gets `deflated`.
    keys: Vec<String>,
    personal: bool,
    /// The chunk for a viewer holding no key (empty when `personal`).
    deflated: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
}

/// A page parsed into pieces, with its gzip chunks.
pub struct Overlay {
    chunks: Vec<Chunk>,
    /// The keys of all its choices.
    keys: HashSet<String>,
    /// The page's length for a viewer holding nothing, to size buffers.
    size: usize,
}

/// A marker that does not parse: the template is wrong, not the request.
#[derive(Debug, thiserror::Error)]
#[error("overlay marker: {0}")]
pub struct BadMarker(String);

impl Overlay {
    pub fn parse(html: &str) -> Result<Overlay, BadMarker> {
        let pieces = pieces(html)?;
        let size = html.len();
        let chunks = chunks(pieces);
        let keys = chunks.iter().flat_map(|c| c.keys.iter().cloned()).collect();
        Ok(Overlay { chunks, keys, size })
    }

    /// The page for `v`.
    pub fn fill(&self, v: &Viewer) -> String {
        let mut out = String::with_capacity(self.size + 256);
        for c in &self.chunks {
            for p in &c.pieces {
                p.write(v, &mut out);
            }
        }
        out
    }

    /// The page for `v`, gzipped, from the stored chunks where it can.
    pub fn fill_gzip(&self, v: &Viewer) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size / 4 + 64);
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        let mut crc = crc32fast::Hasher::new();
        let mut len: u64 = 0;
        for c in &self.chunks {
            if !c.personal && !c.keys.iter().any(|k| v.holds(k)) {
                out.extend_from_slice(&c.deflated);
                crc.combine(&c.crc);
                len += c.len;
                continue;
            }
            let mut text = String::new();
            for p in &c.pieces {
                p.write(v, &mut text);
            }
            crc.update(text.as_bytes());
            len += text.len() as u64;
            if text.len() < 1024 {
                stored(text.as_bytes(), &mut out);
            } else {
                deflate(text.as_bytes(), Compression::fast(), &mut out);
            }
        }
        // The last block: empty, fixed Huffman, final.
        out.extend_from_slice(&[0x03, 0x00]);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out
    }

    /// The response for `v`: gzipped when the client takes it; never kept by
    /// shared caches, since it is this viewer's.
    pub fn respond(&self, req: &HttpRequest, v: &Viewer) -> HttpResponse {
        let mut resp = HttpResponse::Ok();
        resp.content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::VARY, "Accept-Encoding, Cookie"));
        if crate::web::page_cache::accepts_gzip(req) {
            resp.insert_header((header::CONTENT_ENCODING, "gzip"));
            resp.body(self.fill_gzip(v))
        } else {
            resp.body(self.fill(v))
        }
    }
}

const OPEN: &str = "<!--@";
const CLOSE: &str = "-->";

/// The page's markers, in order: (start, end, the words inside).
fn markers(html: &str) -> impl Iterator<Item = Result<(usize, usize, &str), BadMarker>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + html[at..].find(OPEN)?;
        let Some(len) = html[start..].find(CLOSE) else {
            at = html.len();
            return Some(Err(BadMarker(format!("unclosed at byte {start}"))));
        };
        let end = start + len + CLOSE.len();
        at = end;
        Some(Ok((start, end, html[start + OPEN.len()..start + len].trim())))
    })
}

fn pieces(html: &str) -> Result<Vec<Piece>, BadMarker> {
    let mut top = Vec::new();
    // The choices being read, innermost last: key, branches, and whether in `else`.
    let mut open: Vec<(String, [Vec<Piece>; 2], usize)> = Vec::new();
    let mut last = 0;
    for m in markers(html) {
        let (start, end, words) = m?;
        let (word, arg) = words.split_once(' ').map(|(w, a)| (w, a.trim())).unwrap_or((words, ""));
        let in_else = open.last().map(|o| o.2);
        let here = match open.last_mut() {
            Some((_, branches, i)) => &mut branches[*i],
            None => &mut top,
        };
        if start > last {
            here.push(Piece::Text(html[last..start].to_string()));
        }
        last = end;
        if word == "v" && !arg.is_empty() {
            here.push(Piece::Value(arg.to_string()));
            continue;
        }
        match (word, in_else) {
            ("if", _) if !arg.is_empty() => open.push((arg.to_string(), [Vec::new(), Vec::new()], 0)),
            ("else", Some(0)) => {
                if let Some(o) = open.last_mut() {
                    o.2 = 1;
                }
            }
            ("fi", Some(_)) => {
                if let Some((key, [yes, no], _)) = open.pop() {
                    let parent = match open.last_mut() {
                        Some((_, branches, i)) => &mut branches[*i],
                        None => &mut top,
                    };
                    parent.push(Piece::Choice { key, yes, no });
                }
            }
            _ => return Err(BadMarker(format!("<!--@{words}--> out of place at byte {start}"))),
        }
    }
    if let Some((key, ..)) = open.pop() {
        return Err(BadMarker(format!("<!--@if {key}--> has no <!--@fi-->")));
    }
    if last < html.len() {
        top.push(Piece::Text(html[last..].to_string()));
    }
    Ok(top)
}

/// Groups the pieces into chunks: each piece with a value alone (it is written
/// for every request), the rest in runs of about `CHUNK` bytes.
fn chunks(pieces: Vec<Piece>) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut run: Vec<Piece> = Vec::new();
    let mut run_len = 0;
    for p in pieces {
        if p.has_value() {
            out.extend(finish(std::mem::take(&mut run), false));
            run_len = 0;
            out.extend(finish(vec![p], true));
            continue;
        }
        run_len += match &p {
            Piece::Text(t) => t.len(),
            _ => 64,
        };
        run.push(p);
        if run_len >= CHUNK {
            out.extend(finish(std::mem::take(&mut run), false));
            run_len = 0;
        }
    }
    out.extend(finish(run, false));
    out
}

fn finish(pieces: Vec<Piece>, personal: bool) -> Option<Chunk> {
    if pieces.is_empty() {
        return None;
    }
    let mut keys = Vec::new();
    pieces.iter().for_each(|p| p.keys(&mut keys));
    let keys = keys.into_iter().map(str::to_string).collect();
    let mut crc = crc32fast::Hasher::new();
    let mut deflated = Vec::new();
    let mut len = 0;
    if !personal {
        let mut text = String::new();
        for p in &pieces {
            p.write(&Viewer::default(), &mut text);
        }
        crc.update(text.as_bytes());
        len = text.len() as u64;
        deflate(text.as_bytes(), Compression::default(), &mut deflated);
    }
    Some(Chunk { pieces, keys, personal, deflated, crc, len })
}

/// Raw deflate of `data` with a compressor of its own, ending with a sync
/// flush: byte-aligned, not final, referring to nothing before it.
fn deflate(data: &[u8], level: Compression, out: &mut Vec<u8>) {
    let mut c = Compress::new(level, false);
    out.reserve(data.len() / 2 + 64);
    loop {
        let read = c.total_in() as usize;
        let before = c.total_out();
        // Only fails on a misuse of the stream state, which this loop never makes.
        if c.compress_vec(&data[read..], out, FlushCompress::Sync).is_err() {
            break;
        }
        let done = c.total_in() as usize == data.len();
        if done && c.total_out() == before {
            break;
        }
        if out.len() == out.capacity() {
            out.reserve(data.len() / 4 + 64);
        } else if done {
            break;
        }
    }
}

/// `data` as stored (uncompressed) deflate blocks; the stream is byte-aligned.
fn stored(data: &[u8], out: &mut Vec<u8>) {
    for part in data.chunks(u16::MAX as usize) {
        let n = part.len() as u16;
        out.push(0x00);
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(!n).to_le_bytes());
        out.extend_from_slice(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(data: &[u8]) -> String {
        let mut s = String::new();
        flate2::read::GzDecoder::new(data).read_to_string(&mut s).expect("valid gzip");
        s
    }

    const PAGE: &str =
        "<header><!--@if viewer:user--><a>@<!--@v user_name--></a><!--@else--><a>Log in</a><!--@fi--></header>\
        <p>A <!--@if mine:1-->yours<!--@else-->taken<!--@fi--> room</p><input value=\"<!--@v csrf-->\">";

    fn viewer() -> Viewer {
        let mut v = Viewer::default();
        v.hold("viewer:user");
        v.value("user_name", "Ada <Lovelace>");
        v.value("csrf", "tok");
        v
    }

    #[test]
    fn fills_values_escaped_and_choices_by_key() {
        let o = Overlay::parse(PAGE).unwrap();
        assert_eq!(
            o.fill(&viewer()),
            "<header><a>@Ada &lt;Lovelace&gt;</a></header><p>A taken room</p><input value=\"tok\">"
        );
        let mut v = viewer();
        v.hold("mine:1");
        assert!(o.fill(&v).contains("A yours room"));
        assert_eq!(o.fill(&Viewer::default()), "<header><a>Log in</a></header><p>A taken room</p><input value=\"\">");
    }

    #[test]
    fn gzip_is_the_filled_page_for_every_viewer() {
        // Large enough for several chunks, with a choice in a later one.
        let big = format!("{}{}", "<tr><td>row</td></tr>\n".repeat(3000), PAGE).repeat(2);
        let o = Overlay::parse(&big).unwrap();
        assert!(o.chunks.len() > 4, "{} chunks", o.chunks.len());
        let mut mine = viewer();
        mine.hold("mine:1");
        for v in [Viewer::default(), viewer(), mine] {
            let gz = o.fill_gzip(&v);
            assert_eq!(gunzip(&gz), o.fill(&v));
            assert!(gz.len() < big.len() / 10, "compressed well: {} of {}", gz.len(), big.len());
        }
    }

    #[test]
    fn choices_nest() {
        let o = Overlay::parse("<!--@if a-->A<!--@if b-->B<!--@else-->b<!--@fi--><!--@else-->-<!--@fi-->.").unwrap();
        let mut v = Viewer::default();
        assert_eq!(o.fill(&v), "-.");
        v.hold("a");
        assert_eq!(o.fill(&v), "Ab.");
        v.hold("b");
        assert_eq!(o.fill(&v), "AB.");
        assert!(o.keys.contains("b"), "inner keys count: a viewer holding one gets the chunk rewritten");
    }

    #[test]
    fn a_page_without_markers_is_one_text() {
        let o = Overlay::parse("plain").unwrap();
        assert_eq!(o.fill(&viewer()), "plain");
        assert_eq!(gunzip(&o.fill_gzip(&viewer())), "plain");
        assert_eq!(gunzip(&Overlay::parse("").unwrap().fill_gzip(&viewer())), "");
    }

    #[test]
    fn broken_markers_are_refused() {
        for bad in [
            "<!--@if a-->x",
            "<!--@else-->",
            "<!--@fi-->",
            "<!--@if a--><!--@if b--><!--@fi-->",
            "<!--@if a--><!--@else--><!--@else--><!--@fi-->",
            "<!--@v-->",
            "<!--@what x-->",
            "<!--@if a",
        ] {
            assert!(Overlay::parse(bad).is_err(), "{bad}");
        }
    }
}
