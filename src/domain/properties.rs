//! Property tests of the parsers of user input: thousands of random and hostile
//! strings, a bounded number per run (set PLUMBLINE_PROP_CASES for more), from a
//! fixed seed so a failure reproduces. The properties: nothing panics, what is
//! accepted is well formed, and Markdown never yields active content.

use super::account::{Email, NewPassword};
use super::conference::{parse_currency, parse_date, parse_time_zone, Slug};
use super::markdown;
use super::money::Money;
use super::proposal::{parse_int, CallKind, Limits, ProposalInput};
use super::text;
use super::time;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn cases() -> usize {
    std::env::var("PLUMBLINE_PROP_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000)
}

const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "data:text/html,<b>",
    "\"",
    "'",
    "<",
    ">",
    "&",
    "&#x6A;",
    "onerror=",
    "<img src=x onerror=alert(1)>",
    "[x](",
    ")",
    "](javascript:",
    "\0",
    "\r\n",
    "\n",
    "\t",
    "\u{7}",
    "\u{202e}",
    "\u{fffd}",
    "é",
    "日本",
    "🙂",
    "2027-03-28T02:30",
    "2027-10-31 02:30",
    "24:00",
    "-1",
    "+",
    "1e9",
    "99999999999999999999",
    "1,275.00",
    "275,50",
    ".",
    ",",
    "@",
    "a@b.c",
    " ",
    "%00",
    "${x}",
    "{{x}}",
    "\\",
    "/",
    "--",
    "' OR 1=1 --",
    "<!--",
    "```",
    "**",
    "_",
    "#",
    "|",
    "![x](data:image/png;base64,AAAA)",
    "<a href=\"javascript:x\">",
    "<svg onload=x>",
];

fn random_input(rng: &mut StdRng) -> String {
    let mut s = String::new();
    for _ in 0..rng.gen_range(0..8) {
        if rng.gen_bool(0.6) {
            s.push_str(PIECES[rng.gen_range(0..PIECES.len())]);
        } else {
            for _ in 0..rng.gen_range(0..6) {
                // Any scalar value, control characters included.
                let c = char::from_u32(rng.gen_range(0..0x11000)).unwrap_or('x');
                s.push(c);
            }
        }
    }
    s
}

#[test]
fn parsers_never_panic_and_accept_only_well_formed_values() {
    let mut rng = StdRng::seed_from_u64(0x5eed_1234);
    let tz: chrono_tz::Tz = chrono_tz::Europe::Vienna;
    for _ in 0..cases() {
        let raw = random_input(&mut rng);
        if let Ok(e) = Email::parse(&raw) {
            assert!(!e.as_str().contains(|c: char| c.is_control() || c.is_whitespace()), "{raw:?}");
            assert!(e.as_str().contains('@'));
        }
        let _ = NewPassword::parse("p", &raw);
        if let Ok(s) = Slug::parse(&raw) {
            assert!(s.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{raw:?}");
        }
        if let Ok(c) = parse_currency(&raw) {
            assert_eq!(c.len(), 3);
        }
        let _ = parse_time_zone(&raw);
        let _ = parse_date("d", &raw);
        if let Ok(n) = parse_int("n", &raw, 1, 100) {
            assert!((1..=100).contains(&n));
        }
        if let Ok(t) = time::parse_local("t", &raw, tz) {
            // An accepted local time reads back as the same wall-clock time.
            let shown = time::input_value(t, tz);
            assert!(raw.trim().starts_with(&shown[..10]), "{raw:?} -> {shown}");
        }
        if let Ok(m) = Money::parse("amount", &raw, "USD") {
            assert!(m.minor >= 0, "{raw:?}");
        }
        if let Ok(v) = text::single_line("f", &raw, 0, 200) {
            assert!(!v.contains(|c: char| c.is_control()), "{raw:?}");
        }
        if let Ok(v) = text::multi_line("f", &raw, 0, 2000) {
            assert!(!v.contains(|c: char| c.is_control() && c != '\n' && c != '\t'), "{raw:?}");
        }
        let input = ProposalInput {
            title: raw.clone(),
            abstract_md: raw.clone(),
            topics: raw.clone(),
            people: raw.clone(),
            duration: raw.clone(),
            ..Default::default()
        };
        let _ = input.parse(&Limits {
            kind: CallKind::Microconference,
            title_max: 120,
            abstract_max: 5000,
            track_ids: &[],
            own_email: "me@example.org",
        });
    }
}

#[test]
fn markdown_never_produces_active_content() {
    let mut rng = StdRng::seed_from_u64(0xfeed_beef);
    for _ in 0..cases() {
        let raw = random_input(&mut rng);
        let html = markdown::to_html(&raw).to_lowercase();
        // Text is escaped, so every literal '<' starts a real tag: check each tag.
        for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
            let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace()).next().unwrap_or_default();
            assert!(
                !["script", "img", "iframe", "svg", "object", "style", "form", "input"].contains(&name),
                "<{tag}> from {raw:?}"
            );
            assert!(
                !tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on")),
                "handler in <{tag}> from {raw:?}"
            );
            assert!(!tag.contains("javascript:") && !tag.contains("data:"), "<{tag}> from {raw:?}");
        }
    }
}
