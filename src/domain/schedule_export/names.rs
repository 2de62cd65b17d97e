//! The names schedule apps file sessions under: the acronym and the slugs.

use super::*;
use crate::domain::schedule::Event;

/// The conference acronym from its URL slug, fitting both schemas: the XSD wants
/// `[a-z0-9_-]{4,}`, the JSON schema `[a-z0-9_-][a-z0-9_]{3,}` (no hyphen after
/// the first character) and the event slugs need a hyphen-free first part, so
/// every other character becomes `_`, padded to four.
pub(super) fn acronym(conference_slug: &str) -> String {
    let mut a: String = conference_slug
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' })
        .collect();
    while a.len() < 4 {
        a.push('_');
    }
    a
}

/// Common Latin letters with diacritics and ligatures, so "Jiří" slugs as "jiri", not "ji".
pub(super) const FOLDS: &[(&str, &str)] = &[
    ("àáâãäåāăąǎ", "a"),
    ("çćĉċč", "c"),
    ("ďđð", "d"),
    ("èéêëēĕėęě", "e"),
    ("ĝğġģ", "g"),
    ("ĥħ", "h"),
    ("ìíîïĩīĭįı", "i"),
    ("ĵ", "j"),
    ("ķ", "k"),
    ("ĺļľŀł", "l"),
    ("ñńņňŉ", "n"),
    ("òóôõöøōŏőǒ", "o"),
    ("ŕŗř", "r"),
    ("śŝşšș", "s"),
    ("ţťŧț", "t"),
    ("ùúûüũūŭůűųǔ", "u"),
    ("ŵ", "w"),
    ("ýÿŷ", "y"),
    ("źżž", "z"),
    ("ß", "ss"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("þ", "th"),
];

pub(super) fn fold_letter(c: char) -> Option<&'static str> {
    FOLDS.iter().find(|(from, _)| from.contains(c)).map(|&(_, to)| to)
}

/// Lower-case ASCII letters and digits, words joined by single hyphens, no
/// hyphen at either end. Anything that is not a letter or digit separates words.
pub(super) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let mut piece = [0u8; 4];
        let word = if c.is_ascii_alphanumeric() { Some(&*c.encode_utf8(&mut piece)) } else { fold_letter(c) };
        match word {
            Some(w) => {
                if gap && !out.is_empty() {
                    out.push('-');
                }
                gap = false;
                out.push_str(w);
            }
            None => gap = true,
        }
    }
    out
}

/// `{acronym}-{id}-{title}`. The acronym has no hyphen, so it is the XSD's
/// `[a-z0-9_]{4,}` first part; `{id}-{title}` needs at least four characters and
/// ends in a letter or digit (JSON schema); the id makes the slug unique.
pub(super) fn event_slug(acronym: &str, ev: &Event) -> String {
    let mut title = slugify(&ev.title);
    title.truncate(MAX_TITLE_SLUG); // ASCII only, so any byte index is a character boundary
    let title = title.trim_end_matches('-');
    // With a one-digit id, a title part under two characters would leave `{id}-{title}` too short.
    match title.len() {
        0 => format!("{acronym}-{}-session", ev.id),
        1 => format!("{acronym}-{}-{title}-session", ev.id),
        _ => format!("{acronym}-{}-{title}", ev.id),
    }
}

/// Fits the XSD (`[a-z][a-z0-9-]+`) and the JSON schema (`[a-z0-9_-]+[a-z0-9]`).
pub(super) fn track_slug(name: &str) -> String {
    let s = slugify(name);
    match s.chars().next() {
        None => "track".into(),
        Some(c) if !c.is_ascii_lowercase() => format!("t-{s}"),
        Some(_) if s.len() < 2 => format!("{s}-track"),
        Some(_) => s,
    }
}

/// The JSON schema's `time_zone_name` pattern is `^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$`,
/// which (searched, as JSON Schema does) means "starts Area/City" or "ends in UTC".
/// Zones like "Etc/GMT+2" or "EST5EDT" fail it; then the name is left out (it is
/// optional) and the explicit offsets on every time carry the meaning.
pub(super) fn fits_json_zone_pattern(name: &str) -> bool {
    fn word(s: &str) -> Option<&str> {
        let mut chars = s.char_indices();
        let first_upper = matches!(chars.next(), Some((_, c)) if c.is_ascii_uppercase());
        let end = chars.find(|(_, c)| !c.is_ascii_lowercase()).map_or(s.len(), |(i, _)| i);
        (first_upper && end >= 2).then(|| &s[end..])
    }
    let area_city = word(name).and_then(|rest| rest.strip_prefix('/')).and_then(word).is_some();
    area_city || name.ends_with("UTC")
}
