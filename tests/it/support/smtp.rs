//! In-process SMTP sink for integration tests.
//!
//! Speaks just enough SMTP for lettre 0.11's
//! `AsyncSmtpTransport::from_url("smtp://127.0.0.1:PORT")` (and, started with a
//! certificate, STARTTLS and AUTH PLAIN after it), including its
//! connection pooling (several messages per connection, RSET / NOOP between).
//! Every accepted message is kept in memory and can be inspected, decoded
//! (MIME multipart, quoted-printable, base64, RFC 2047 subjects) and waited for.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;

/// One message accepted by the sink.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// Envelope sender (the address inside `MAIL FROM:<...>`, may be empty).
    pub from: String,
    /// Envelope recipients (the addresses inside `RCPT TO:<...>`).
    pub to: Vec<String>,
    /// Raw DATA, dot-unstuffed, lines joined with CRLF (no final terminator line).
    pub data: String,
    /// The message came over a connection that STARTTLS had secured.
    pub over_tls: bool,
    /// The user name the client authenticated as, if it did.
    pub auth_user: Option<String>,
}

struct Inner {
    messages: Mutex<Vec<ReceivedMail>>,
    refuse: AtomicBool,
    /// With a server certificate the sink offers STARTTLS (and AUTH after it).
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// A running SMTP sink. It serves until the process exits.
pub struct SmtpSink {
    port: u16,
    inner: Arc<Inner>,
}

impl SmtpSink {
    /// Binds 127.0.0.1:0 and serves forever on a background thread,
    /// each connection on its own thread.
    pub fn start() -> SmtpSink {
        Self::serve(None)
    }

    /// A sink that offers STARTTLS with `tls` and accepts AUTH PLAIN only after it.
    pub fn start_tls(tls: rustls::ServerConfig) -> SmtpSink {
        Self::serve(Some(Arc::new(tls)))
    }

    fn serve(tls: Option<Arc<rustls::ServerConfig>>) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("smtp sink: bind 127.0.0.1:0");
        let port = listener.local_addr().expect("smtp sink: local_addr").port();
        let inner = Arc::new(Inner { messages: Mutex::new(Vec::new()), refuse: AtomicBool::new(false), tls });
        let acc_inner = inner.clone();
        thread::Builder::new()
            .name(format!("smtp-sink-{port}"))
            .spawn(move || {
                for conn in listener.incoming() {
                    let Ok(stream) = conn else { continue };
                    let inner = acc_inner.clone();
                    let _ = thread::Builder::new().name(format!("smtp-sink-{port}-conn")).spawn(move || {
                        let _ = serve_connection(stream, &inner);
                    });
                }
            })
            .expect("smtp sink: spawn accept thread");
        SmtpSink { port, inner }
    }

    /// `smtp://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A snapshot of every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.inner.messages.lock().unwrap().clone()
    }

    /// Messages whose envelope recipients contain `to` (case-insensitive).
    pub fn messages_to(&self, to: &str) -> Vec<ReceivedMail> {
        self.messages().into_iter().filter(|m| m.is_for(to)).collect()
    }

    /// Forget every message received so far.
    pub fn clear(&self) {
        self.inner.messages.lock().unwrap().clear();
    }

    /// Polls every 50ms for a message whose recipients contain `to`
    /// (case-insensitive) and for which `pred` is true. Returns the first
    /// (oldest) such message, or None after `timeout`.
    pub fn wait_for(&self, to: &str, pred: impl Fn(&ReceivedMail) -> bool, timeout: Duration) -> Option<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = {
                let msgs = self.inner.messages.lock().unwrap();
                msgs.iter().find(|m| m.is_for(to) && pred(m)).cloned()
            };
            if found.is_some() {
                return found;
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// When true, new connections get "554 unavailable" and are closed
    /// (simulates the mail server being down). Established connections
    /// (e.g. lettre's pool) are also refused at their next command.
    pub fn set_refuse(&self, refuse: bool) {
        self.inner.refuse.store(refuse, Ordering::SeqCst);
    }
}

fn strip_angle(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix('<').unwrap_or(s);
    let s = s.strip_suffix('>').unwrap_or(s);
    s.trim().to_string()
}

/// Extracts the path from `FROM:<a@b> BODY=8BITMIME` / `TO:<a@b>`.
fn parse_path(arg: &str, keyword: &str) -> Option<String> {
    let arg = arg.trim_start();
    if arg.len() < keyword.len() || !arg[..keyword.len()].eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    if let Some(stripped) = rest.strip_prefix('<') {
        let end = stripped.find('>')?;
        Some(stripped[..end].trim().to_string())
    } else {
        // Lenient: bare address up to the first space.
        Some(rest.split_whitespace().next().unwrap_or("").to_string())
    }
}

fn read_line<S: Read>(reader: &mut BufReader<S>) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = reader.read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    while matches!(buf.last(), Some(b'\n') | Some(b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// What ended a session: the client left, or asked for STARTTLS.
enum Next {
    Closed,
    StartTls,
}

fn serve_connection(stream: TcpStream, inner: &Inner) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut out = stream.try_clone()?;
    if inner.refuse.load(Ordering::SeqCst) {
        out.write_all(b"554 unavailable\r\n")?;
        out.flush()?;
        let _ = out.shutdown(Shutdown::Both);
        return Ok(());
    }
    out.write_all(b"220 plumbline-test-sink ESMTP ready\r\n")?;
    let mut reader = BufReader::new(stream);
    if let (Next::StartTls, Some(tls)) = (session(&mut reader, inner, false)?, inner.tls.clone()) {
        // The client waits for our 220 before its handshake: nothing is buffered.
        let conn = rustls::ServerConnection::new(tls).map_err(std::io::Error::other)?;
        let mut secure = BufReader::new(rustls::StreamOwned::new(conn, reader.into_inner()));
        session(&mut secure, inner, true)?;
    }
    let _ = out.shutdown(Shutdown::Both);
    Ok(())
}

fn session<S: Read + Write>(reader: &mut BufReader<S>, inner: &Inner, secure: bool) -> std::io::Result<Next> {
    let reply = |reader: &mut BufReader<S>, s: &str| -> std::io::Result<()> {
        let out = reader.get_mut();
        out.write_all(s.as_bytes())?;
        out.flush()
    };
    let offer = match (&inner.tls, secure) {
        (Some(_), false) => "250-STARTTLS\r\n",
        (Some(_), true) => "250-AUTH PLAIN\r\n",
        (None, _) => "",
    };
    let mut auth_user: Option<String> = None;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();

    while let Some(line) = read_line(reader)? {
        if inner.refuse.load(Ordering::SeqCst) {
            reply(reader, "421 unavailable\r\n")?;
            break;
        }
        let (verb, arg) = match line.find(' ') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line.as_str(), ""),
        };
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                from = None;
                rcpts.clear();
                let greeting = format!(
                    "250-plumbline-test-sink greets you\r\n{offer}250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n"
                );
                reply(reader, &greeting)?;
            }
            "HELO" => {
                from = None;
                rcpts.clear();
                reply(reader, "250 plumbline-test-sink\r\n")?;
            }
            "MAIL" => match parse_path(arg, "FROM:") {
                Some(addr) => {
                    from = Some(addr);
                    rcpts.clear();
                    reply(reader, "250 2.1.0 OK\r\n")?;
                }
                None => reply(reader, "501 5.5.4 syntax: MAIL FROM:<address>\r\n")?,
            },
            "RCPT" => {
                if from.is_none() {
                    reply(reader, "503 5.5.1 need MAIL first\r\n")?;
                    continue;
                }
                match parse_path(arg, "TO:") {
                    Some(addr) if !addr.is_empty() => {
                        rcpts.push(addr);
                        reply(reader, "250 2.1.5 OK\r\n")?;
                    }
                    _ => reply(reader, "501 5.5.4 syntax: RCPT TO:<address>\r\n")?,
                }
            }
            "DATA" => {
                if from.is_none() || rcpts.is_empty() {
                    reply(reader, "503 5.5.1 need MAIL and RCPT first\r\n")?;
                    continue;
                }
                reply(reader, "354 end data with <CR><LF>.<CR><LF>\r\n")?;
                let mut lines: Vec<String> = Vec::new();
                loop {
                    let Some(l) = read_line(reader)? else {
                        return Ok(Next::Closed); // connection dropped mid-DATA: discard
                    };
                    if l == "." {
                        break;
                    }
                    lines.push(match l.strip_prefix('.') {
                        Some(rest) => rest.to_string(),
                        None => l,
                    });
                }
                let mail = ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut rcpts),
                    data: lines.join("\r\n"),
                    over_tls: secure,
                    auth_user: auth_user.clone(),
                };
                inner.messages.lock().unwrap().push(mail);
                reply(reader, "250 2.0.0 OK queued\r\n")?;
            }
            "RSET" => {
                from = None;
                rcpts.clear();
                reply(reader, "250 2.0.0 OK\r\n")?;
            }
            "STARTTLS" if inner.tls.is_some() && !secure => {
                reply(reader, "220 2.0.0 ready to start TLS\r\n")?;
                return Ok(Next::StartTls);
            }
            // AUTH PLAIN <base64 of "\0user\0password">: any password will do.
            "AUTH" if secure => {
                let plain = arg.strip_prefix("PLAIN ").unwrap_or_default();
                let decoded = base64::engine::general_purpose::STANDARD.decode(plain.trim()).unwrap_or_default();
                let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                match parts.as_slice() {
                    [_, user, _] => {
                        auth_user = Some(String::from_utf8_lossy(user).into_owned());
                        reply(reader, "235 2.7.0 authenticated\r\n")?;
                    }
                    _ => reply(reader, "535 5.7.8 bad credentials\r\n")?,
                }
            }
            "NOOP" => reply(reader, "250 2.0.0 OK\r\n")?,
            "VRFY" => reply(reader, "252 2.0.0 cannot verify\r\n")?,
            "QUIT" => {
                reply(reader, "221 2.0.0 bye\r\n")?;
                break;
            }
            _ => reply(reader, "502 5.5.2 command not implemented\r\n")?,
        }
    }
    Ok(Next::Closed)
}

// ---------------------------------------------------------------------------
// MIME decoding
// ---------------------------------------------------------------------------

/// A parsed MIME entity: unfolded headers (name, value) and raw body.
struct Entity {
    headers: Vec<(String, String)>,
    body: String,
}

impl Entity {
    fn parse(raw: &str) -> Entity {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = if let Some(stripped) = raw.strip_prefix('\n') {
            ("", stripped)
        } else {
            match raw.find("\n\n") {
                Some(i) => (&raw[..i], &raw[i + 2..]),
                None => (raw.as_str(), ""),
            }
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split('\n') {
            if (line.starts_with(' ') || line.starts_with('\t')) && !headers.is_empty() {
                let last = headers.last_mut().unwrap();
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else if let Some(i) = line.find(':') {
                headers.push((line[..i].trim().to_string(), line[i + 1..].trim().to_string()));
            }
        }
        Entity { headers, body: body.to_string() }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// (lower-cased media type, params with lower-cased names)
    fn content_type(&self) -> (String, Vec<(String, String)>) {
        let v = self.header("Content-Type").unwrap_or("text/plain");
        let mut parts = split_params(v).into_iter();
        let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let params = parts
            .filter_map(|p| {
                let i = p.find('=')?;
                let k = p[..i].trim().to_ascii_lowercase();
                let mut val = p[i + 1..].trim().to_string();
                if val.len() >= 2 && val.starts_with('"') && val.ends_with('"') {
                    val = val[1..val.len() - 1].replace("\\\"", "\"");
                }
                Some((k, val))
            })
            .collect();
        (mime, params)
    }

    fn decoded_body(&self) -> String {
        let cte = self.header("Content-Transfer-Encoding").unwrap_or("7bit").trim().to_ascii_lowercase();
        match cte.as_str() {
            "quoted-printable" => decode_qp(&self.body),
            "base64" => decode_b64_text(&self.body),
            _ => self.body.clone(),
        }
        .replace("\r\n", "\n")
    }

    /// Depth-first search for the first leaf part of type `want`.
    fn find_part(&self, want: &str) -> Option<String> {
        let (mime, params) = self.content_type();
        if mime.starts_with("multipart/") {
            let boundary = params.iter().find(|(k, _)| k == "boundary").map(|(_, v)| v.clone())?;
            for part in split_multipart(&self.body, &boundary) {
                if let Some(found) = Entity::parse(&part).find_part(want) {
                    return Some(found);
                }
            }
            None
        } else if mime == want {
            Some(self.decoded_body())
        } else {
            None
        }
    }
}

/// Splits a header value on ';' outside double quotes.
fn split_params(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut prev_bs = false;
    for c in v.chars() {
        match c {
            '"' if !prev_bs => {
                in_q = !in_q;
                cur.push(c);
            }
            ';' if !in_q => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
        prev_bs = c == '\\' && !prev_bs;
    }
    out.push(cur);
    out
}

/// Returns the raw parts (headers + body) of a multipart body ("\n" line ends).
fn split_multipart(body: &str, boundary: &str) -> Vec<String> {
    let delim = format!("--{boundary}");
    let close = format!("--{boundary}--");
    let mut parts = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for line in body.split('\n') {
        let l = line.trim_end_matches('\r').trim_end();
        if l == close {
            if let Some(p) = cur.take() {
                parts.push(p.join("\n"));
            }
            break;
        } else if l == delim {
            if let Some(p) = cur.take() {
                parts.push(p.join("\n"));
            }
            cur = Some(Vec::new());
        } else if let Some(p) = cur.as_mut() {
            p.push(line);
        }
    }
    if let Some(p) = cur.take() {
        parts.push(p.join("\n"));
    }
    parts
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a quoted-printable body (soft line breaks "=\r\n"/"=\n", =XX escapes).
pub fn decode_qp(s: &str) -> String {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            // soft line break, possibly with trailing whitespace before it
            let mut j = i + 1;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            if j < b.len() && b[j] == b'\n' {
                i = j + 1;
                continue;
            }
            if j + 1 < b.len() && b[j] == b'\r' && b[j + 1] == b'\n' {
                i = j + 2;
                continue;
            }
            if j >= b.len() {
                // "=" at the very end: soft break at end of text
                break;
            }
            if i + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
            }
            out.push(b'=');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_b64_bytes(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let trimmed = clean.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .unwrap_or_else(|e| panic!("smtp sink: bad base64 body ({e}): {s:?}"))
}

fn decode_b64_text(s: &str) -> String {
    String::from_utf8_lossy(&decode_b64_bytes(s)).into_owned()
}

/// Decodes RFC 2047 encoded-words (`=?charset?B?...?=`, `=?charset?Q?...?=`).
/// Whitespace between adjacent encoded-words is dropped, as the RFC says.
/// Charsets are assumed to be UTF-8 (or ASCII-compatible).
pub fn decode_rfc2047(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut pending_ws = String::new();
    let mut last_was_word = false;
    loop {
        let Some(start) = rest.find("=?") else {
            out.push_str(&pending_ws);
            out.push_str(rest);
            break;
        };
        let (before, after_start) = rest.split_at(start);
        match parse_encoded_word(after_start) {
            Some((decoded, consumed)) => {
                // text between the previous token and this word
                if !(last_was_word && before.chars().all(char::is_whitespace)) {
                    out.push_str(&pending_ws);
                    out.push_str(before);
                }
                pending_ws.clear();
                out.push_str(&decoded);
                last_was_word = true;
                rest = &after_start[consumed..];
                // hold trailing whitespace until we know whether another word follows
                let ws_len = rest.len() - rest.trim_start().len();
                pending_ws.push_str(&rest[..ws_len]);
                rest = &rest[ws_len..];
            }
            None => {
                out.push_str(&pending_ws);
                pending_ws.clear();
                out.push_str(before);
                out.push_str("=?");
                rest = &after_start[2..];
                last_was_word = false;
            }
        }
    }
    out
}

/// Parses one encoded-word at the start of `s`; returns (decoded, bytes consumed).
fn parse_encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let _charset = &body[..q1];
    let after_cs = &body[q1 + 1..];
    let q2 = after_cs.find('?')?;
    let enc = &after_cs[..q2];
    let text_start = &after_cs[q2 + 1..];
    let end = text_start.find("?=")?;
    let text = &text_start[..end];
    if text.contains(' ') {
        return None;
    }
    let decoded = match enc {
        "b" | "B" => String::from_utf8_lossy(&decode_b64_bytes(text)).into_owned(),
        "q" | "Q" => decode_qp(&text.replace('_', " ")),
        _ => return None,
    };
    let consumed = 2 + q1 + 1 + q2 + 1 + end + 2;
    Some((decoded, consumed))
}

impl ReceivedMail {
    fn entity(&self) -> Entity {
        Entity::parse(&self.data)
    }

    /// True if the envelope recipients contain `addr` (case-insensitive;
    /// surrounding `<>` are ignored).
    pub fn is_for(&self, addr: &str) -> bool {
        let want = strip_angle(addr);
        self.to.iter().any(|t| strip_angle(t).eq_ignore_ascii_case(&want))
    }

    /// A header's value, unfolded and RFC 2047-decoded (first occurrence).
    pub fn header(&self, name: &str) -> Option<String> {
        self.entity().header(name).map(decode_rfc2047)
    }

    /// The decoded Subject header ("" if absent).
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The decoded text/plain part ("\n" line endings), or "" if none.
    pub fn text_body(&self) -> String {
        self.entity().find_part("text/plain").unwrap_or_default()
    }

    /// The decoded text/html part ("\n" line endings), or "" if none.
    pub fn html_body(&self) -> String {
        self.entity().find_part("text/html").unwrap_or_default()
    }

    /// Every http(s) URL in the plain-text body, in order (handy for
    /// confirmation / reset links).
    pub fn links(&self) -> Vec<String> {
        let body = self.text_body();
        let mut out = Vec::new();
        let mut rest = body.as_str();
        while let Some(i) = rest.find("http") {
            let cand = &rest[i..];
            if cand.starts_with("http://") || cand.starts_with("https://") {
                let end = cand
                    .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"' || c == '\'')
                    .unwrap_or(cand.len());
                let url = cand[..end].trim_end_matches(['.', ',', ')', ';']);
                out.push(url.to_string());
                rest = &cand[end..];
            } else {
                rest = &cand[4..];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(data: &str) -> ReceivedMail {
        ReceivedMail {
            from: "a@x".into(),
            to: vec!["B@Example.org".into()],
            data: data.replace('\n', "\r\n"),
            over_tls: false,
            auth_user: None,
        }
    }

    #[test]
    fn smtp_qp_decoding() {
        assert_eq!(decode_qp("caf=C3=A9 ok"), "café ok");
        assert_eq!(decode_qp("a long line=\r\ncontinued"), "a long linecontinued");
        assert_eq!(decode_qp("soft=\nbreak"), "softbreak");
        assert_eq!(decode_qp("x=3Dy"), "x=y");
        assert_eq!(decode_qp("line1\r\nline2"), "line1\r\nline2");
        assert_eq!(decode_qp("bad =ZZ"), "bad =ZZ");
    }

    #[test]
    fn smtp_rfc2047_decoding() {
        assert_eq!(decode_rfc2047("plain subject"), "plain subject");
        assert_eq!(decode_rfc2047("=?utf-8?b?Q2Fmw6kgbWVldHVw?="), "Café meetup");
        assert_eq!(decode_rfc2047("=?UTF-8?Q?Caf=C3=A9_meetup?="), "Café meetup");
        // adjacent words: whitespace between them is dropped
        assert_eq!(decode_rfc2047("=?utf-8?b?Q2Fmw6k=?=\r\n =?utf-8?b?IG1lZXR1cA==?="), "Café meetup");
        assert_eq!(decode_rfc2047("Re: =?utf-8?q?caf=C3=A9?= again"), "Re: café again");
    }

    #[test]
    fn smtp_decodes_multipart_qp_and_base64() {
        let m = mail(
            "From: A <a@x>\n\
             To: b@example.org\n\
             Subject: =?utf-8?b?w4lsw6h2ZQ==?=\n\
             MIME-Version: 1.0\n\
             Content-Type: multipart/alternative;\n \
             boundary=\"BOUND\"\n\
             \n\
             --BOUND\n\
             Content-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: quoted-printable\n\
             \n\
             Hello J=C3=BCrgen, visit http://localhost:8080/confirm?token=3Dabc=\n\
             def now.\n\
             --BOUND\n\
             Content-Type: text/html; charset=utf-8\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             PHA+SGVsbG8gSsO8cmdlbjwv\n\
             cD4=\n\
             --BOUND--\n",
        );
        assert_eq!(m.subject(), "Élève");
        assert_eq!(m.text_body(), "Hello Jürgen, visit http://localhost:8080/confirm?token=abcdef now.");
        assert_eq!(m.html_body(), "<p>Hello Jürgen</p>");
        assert_eq!(m.links(), vec!["http://localhost:8080/confirm?token=abcdef".to_string()]);
        assert!(m.is_for("b@example.ORG"));
        assert!(!m.is_for("c@example.org"));
    }

    #[test]
    fn smtp_single_part_7bit() {
        let m = mail("Subject: hi\nContent-Type: text/plain\n\nline one\nline two");
        assert_eq!(m.text_body(), "line one\nline two");
        assert_eq!(m.html_body(), "");
    }

    /// Real lettre output, delivered over SMTP with lettre's async transport
    /// (pooled: two messages, the second over the same connection).
    #[test]
    fn smtp_sink_with_lettre() {
        use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

        let sink = SmtpSink::start();
        let long_plain = format!(
            "Grüße, Jürgen!\nConfirm: http://localhost:8080/confirm/{}\n.leading dot line\n{}\n",
            "x".repeat(90),
            "é".repeat(80)
        );
        let html = "<p>Grüße, <b>Jürgen</b>!</p>".to_string();
        let build = |to: &str, subject: &str| {
            Message::builder()
                .from("Plumbline <noreply@plumbline.test>".parse::<Mailbox>().unwrap())
                .to(to.parse::<Mailbox>().unwrap())
                .subject(subject)
                .multipart(
                    MultiPart::alternative()
                        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(long_plain.clone()))
                        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
                )
                .unwrap()
        };
        let subject = "Bestätigung deiner Anmeldung — a rather long subject line that has to be folded somewhere";
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let transport =
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(sink.port()).build();
            transport.send(build("Jürgen <Juergen@Example.org>", subject)).await.unwrap();
            transport.send(build("ascii@example.org", "plain ascii")).await.unwrap();
        });
        let m = sink
            .wait_for("juergen@example.org", |m| m.subject().contains("Bestätigung"), Duration::from_secs(5))
            .expect("first mail");
        assert_eq!(m.from, "noreply@plumbline.test");
        assert_eq!(m.subject(), subject);
        assert_eq!(m.text_body().trim_end(), long_plain.trim_end());
        assert_eq!(m.html_body().trim_end(), html);
        assert_eq!(m.links(), vec![format!("http://localhost:8080/confirm/{}", "x".repeat(90))]);
        let m2 = sink.wait_for("ASCII@example.org", |_| true, Duration::from_secs(5)).expect("second mail");
        assert_eq!(m2.subject(), "plain ascii");
        assert_eq!(sink.messages().len(), 2);

        // refused: sending fails
        sink.set_refuse(true);
        let failed = rt.block_on(async {
            let transport =
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(sink.port()).build();
            transport.send(build("c@example.org", "nope")).await
        });
        assert!(failed.is_err(), "sending should fail while refusing");
        sink.set_refuse(false);
        assert_eq!(sink.messages().len(), 2);
    }
}
