//! Payment rules without I/O: how a payment was made, Stripe's webhook
//! signature, bank-transfer references with a check character, and reading a
//! bank statement. Money is integer minor units everywhere.

use super::money::{exponent, Money};
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;

stored_words! {
    /// How the money came, as stored in `registrations.payment_method`.
    pub enum PaymentMethod {
        Card = "card",
        BankTransfer = "bank_transfer",
        /// Marked paid by an organiser (cash at the desk, an invoice paid elsewhere).
        Manual = "manual",
    }
}

impl PaymentMethod {
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Card => "Card (Stripe)",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::Manual => "Recorded by the organisers",
        }
    }
}

stored_words! {
    /// Where a refund stands, as stored in `refunds.state`.
    pub enum RefundState {
        /// Recorded; Stripe has not confirmed it yet (the worker retries).
        Pending = "pending",
        Succeeded = "succeeded",
        /// Stripe refused it for good; the amount counts as not refunded.
        Failed = "failed",
        /// Paid back outside Plumbline (a bank transfer by the organisers).
        Manual = "manual",
    }
}

stored_words! {
    /// Why a refund was made, as stored in `refunds.reason`.
    pub enum RefundReason {
        Organiser = "organiser",
        /// Made in Stripe's dashboard and reported by a webhook.
        Stripe = "stripe",
        /// The payment came after the seat had lapsed and no seat was free.
        SeatLapsed = "seat_lapsed",
        /// A second payment for a registration already paid.
        Duplicate = "duplicate",
        /// Paid in another currency than the fee's.
        WrongCurrency = "wrong_currency",
    }
}

impl RefundReason {
    /// Whether the refund returns money counted as the registration's payment
    /// (the others return money that never counted).
    pub fn counts_against_payment(self) -> bool {
        matches!(self, RefundReason::Organiser | RefundReason::Stripe)
    }

    pub fn label(self) -> &'static str {
        match self {
            RefundReason::Organiser => "by the organisers",
            RefundReason::Stripe => "in Stripe",
            RefundReason::SeatLapsed => "paid after the seat had lapsed, with no seat free",
            RefundReason::Duplicate => "a second payment",
            RefundReason::WrongCurrency => "paid in the wrong currency",
        }
    }
}

// ---- Stripe webhook signatures ----

/// How far a webhook's timestamp may be from now: Stripe's own default.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    /// Signed too long ago (or in the future): a replay of an old delivery.
    OutsideTolerance,
    NoMatch,
}

impl SignatureError {
    pub fn message(&self) -> &'static str {
        match self {
            SignatureError::Missing => "The Stripe-Signature header is missing.",
            SignatureError::Malformed => "The Stripe-Signature header cannot be read.",
            SignatureError::OutsideTolerance => "The signature's timestamp is outside the tolerance.",
            SignatureError::NoMatch => "No signature matches the body.",
        }
    }
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length: new_from_slice cannot fail for it.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The `Stripe-Signature` header Stripe sends for `body` at time `t` (seconds).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", hex::encode(mac(secret, t, body).finalize().into_bytes()))
}

/// Checks a `Stripe-Signature` header (`t=...,v1=...[,v1=...]`): an HMAC-SHA256
/// of `"{t}.{body}"` under the endpoint's secret, compared in constant time,
/// with `t` within the tolerance of `now`. Returns `t`.
pub fn verify_signature(header: Option<&str>, body: &[u8], secret: &str, now: i64) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = Some(v.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            Some(("v1", v)) => v1.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if v1.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > SIGNATURE_TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    // verify_slice compares in constant time.
    if v1.iter().any(|sig| mac(secret, t, body).verify_slice(sig).is_ok()) {
        Ok(t)
    } else {
        Err(SignatureError::NoMatch)
    }
}

// ---- bank-transfer references ----

/// Crockford's base 32: no I, L, O or U, so a reference read aloud or typed
/// from paper is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The check character: Luhn mod 32 over the body, which catches every
/// single wrong character and every swap of two neighbours.
fn check_char(body: &str) -> Option<char> {
    let n = 32;
    let mut factor = 2;
    let mut sum = 0;
    for c in body.bytes().rev() {
        let mut addend = factor * value_of(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        addend = addend / n + addend % n;
        sum += addend;
    }
    let check = (n - sum % n) % n;
    Some(ALPHABET[check as usize] as char)
}

/// The letters that start a conference's references: the slug's first letters, e.g. "LPC".
pub fn reference_prefix(slug: &str) -> String {
    let p: String = slug.chars().filter(|c| c.is_ascii_alphabetic()).take(4).collect::<String>().to_uppercase();
    if p.is_empty() {
        "REG".into()
    } else {
        p
    }
}

/// A receipt's number as printed: the conference's letters and the sequence, e.g. "LPC-00042".
pub fn receipt_label(slug: &str, number: i32) -> String {
    format!("{}-{number:05}", reference_prefix(slug))
}

/// A reference such as `LPC-7K3Q-9` from the prefix and 20 random bits.
pub fn transfer_reference(prefix: &str, random: u32) -> String {
    let body: String = (0..4).map(|i| ALPHABET[((random >> (5 * (3 - i))) & 31) as usize] as char).collect();
    let check = check_char(&body).unwrap_or('0');
    format!("{prefix}-{body}-{check}")
}

/// The valid references written anywhere in a bank line's free text (banks
/// change case, drop or add dashes and spaces). Typos fail the check character
/// and are not returned.
pub fn references_in(text: &str) -> Vec<String> {
    let upper = text.to_uppercase();
    let tokens = upper.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
    let mut found = Vec::new();
    for token in tokens {
        let compact: String = token.chars().filter(|c| *c != '-').collect();
        // A prefix of 1-4 letters, then 4 body characters and the check.
        for plen in 1..=4usize {
            if compact.len() != plen + 5 || !compact[..plen].chars().all(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            let (prefix, rest) = compact.split_at(plen);
            let (body, check) = rest.split_at(4);
            if check_char(body).map(|c| c.to_string()) == Some(check.to_string()) {
                let r = format!("{prefix}-{body}-{check}");
                if !found.contains(&r) {
                    found.push(r);
                }
            }
        }
    }
    found
}

// ---- bank statements ----

/// One line of a bank statement as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// 1-based line number in the file, for messages.
    pub line: usize,
    pub booked_on: NaiveDate,
    pub amount: Money,
    pub reference: String,
    pub payer: String,
}

/// Reads a statement CSV with a header naming the columns `date`, `amount`,
/// `reference` and `payer` (any order, any case; `;` or `,` separated, as banks
/// export). Outgoing money (negative amounts) is skipped. Amounts are in `currency`.
pub fn parse_statement(csv: &str, currency: &str) -> Result<Vec<StatementLine>, String> {
    let mut rows = csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = rows.next().ok_or("The statement is empty.")?;
    let sep = if header.matches(';').count() > header.matches(',').count() { ';' } else { ',' };
    let names: Vec<String> = split_csv(header, sep).iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |want: &[&str]| names.iter().position(|n| want.iter().any(|w| n == w));
    let (Some(d), Some(a), Some(r)) =
        (col(&["date", "booking date", "booked on"]), col(&["amount"]), col(&["reference", "description", "purpose"]))
    else {
        return Err("The first line must name the columns date, amount, reference and payer.".into());
    };
    let p = col(&["payer", "name", "from"]);
    let mut out = Vec::new();
    for (i, raw) in rows {
        let cells = split_csv(raw, sep);
        let cell = |k: usize| cells.get(k).map(|s| s.trim()).unwrap_or("");
        let n = i + 1;
        let booked_on =
            parse_date(cell(d)).ok_or_else(|| format!("Line {n}: the date {:?} cannot be read.", cell(d)))?;
        let Some(amount) = parse_amount(cell(a), currency) else {
            return Err(format!("Line {n}: the amount {:?} cannot be read.", cell(a)));
        };
        if amount.minor <= 0 {
            continue;
        }
        let payer = p.map(cell).unwrap_or("").chars().take(300).collect();
        out.push(StatementLine { line: n, booked_on, amount, reference: cell(r).chars().take(500).collect(), payer });
    }
    Ok(out)
}

/// Splits one CSV line, honouring double quotes ("" inside quotes is a quote).
fn split_csv(line: &str, sep: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
}

/// A statement amount: "300.00", "-20", "1,234.56", or with a decimal comma
/// as European banks write it ("1.234,56", "300,00"). Negative stays negative.
pub fn parse_amount(raw: &str, currency: &str) -> Option<Money> {
    let v: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
    let v = v.trim_start_matches('+');
    let (negative, v) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let exp = exponent(currency) as usize;
    let decimal_comma =
        v.rfind(',').is_some_and(|i| v.len() - i - 1 == exp && exp > 0 && v.rfind('.').is_none_or(|d| d < i));
    let normal = if decimal_comma { v.replace('.', "").replace(',', ".") } else { v.to_string() };
    let m = Money::parse("amount", &normal, currency).ok()?;
    Some(Money::new(if negative { -m.minor } else { m.minor }, currency))
}

/// What a statement line is to a registration that owes `due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMatch {
    /// Its reference and amount match a registration that owes exactly that.
    Matched,
    /// Its reference matches, but the amount differs (or nothing is owed any more).
    Partial,
    /// No valid reference of a registration of this conference.
    Unmatched,
}

impl LineMatch {
    pub fn classify(received: &Money, due: Option<&Money>) -> LineMatch {
        match due {
            None => LineMatch::Unmatched,
            Some(d) if d == received => LineMatch::Matched,
            Some(_) => LineMatch::Partial,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineMatch::Matched => "matched",
            LineMatch::Partial => "partial",
            LineMatch::Unmatched => "unmatched",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_refuse() {
        let body = br#"{"id":"evt_1"}"#;
        let h = sign("whsec_x", 1_000, body);
        assert_eq!(verify_signature(Some(&h), body, "whsec_x", 1_100), Ok(1_000));
        assert_eq!(verify_signature(Some(&h), body, "whsec_y", 1_100), Err(SignatureError::NoMatch));
        assert_eq!(verify_signature(Some(&h), b"{}", "whsec_x", 1_100), Err(SignatureError::NoMatch));
        assert_eq!(verify_signature(Some(&h), body, "whsec_x", 1_301), Err(SignatureError::OutsideTolerance));
        assert_eq!(verify_signature(None, body, "whsec_x", 1_000), Err(SignatureError::Missing));
        assert_eq!(verify_signature(Some("t=x,v1=00"), body, "s", 0), Err(SignatureError::Malformed));
        assert_eq!(verify_signature(Some("t=1000"), body, "s", 1000), Err(SignatureError::Malformed));
        // A rolled secret: Stripe sends one v1 per secret; any may match.
        let two = format!("{},v1={}", sign("old", 1_000, body), &sign("whsec_x", 1_000, body)[10..]);
        assert_eq!(verify_signature(Some(&two), body, "whsec_x", 1_000), Ok(1_000));
    }

    #[test]
    fn references_carry_a_check_that_catches_typos() {
        let r = transfer_reference("LPC", 0x3_a5c7);
        assert!(regex_like(&r), "{r}");
        assert_eq!(references_in(&format!("Payment {r} thanks")), vec![r.clone()]);
        assert_eq!(references_in(&r.to_lowercase().replace('-', "")), vec![r.clone()]);
        // Every single-character change in the body is caught.
        let body = &r[4..8];
        for (i, _) in body.char_indices() {
            for c in ALPHABET.iter().map(|b| *b as char) {
                let mut typo: Vec<char> = body.chars().collect();
                if typo[i] == c {
                    continue;
                }
                typo[i] = c;
                let t = format!("LPC-{}-{}", typo.iter().collect::<String>(), &r[9..]);
                assert!(references_in(&t).is_empty(), "{t} passed for {r}");
            }
        }
        // Swapped neighbours are caught.
        let b: Vec<char> = body.chars().collect();
        if b[0] != b[1] {
            let t = format!("LPC-{}{}{}{}-{}", b[1], b[0], b[2], b[3], &r[9..]);
            assert!(references_in(&t).is_empty());
        }
        assert_eq!(reference_prefix("lpc2026"), "LPC");
        assert_eq!(reference_prefix("2026"), "REG");
    }

    fn regex_like(r: &str) -> bool {
        let parts: Vec<&str> = r.split('-').collect();
        parts.len() == 3 && parts[1].len() == 4 && parts[2].len() == 1
    }

    #[test]
    fn statements_read_as_banks_write_them() {
        let csv = "Date;Amount;Reference;Payer\n2026-08-01;300,00;\"LPC-AB12-X; thanks\";Jo\n02.08.2026;-20,00;fee;Bank\n\n03/08/2026;1.234,56;x;\n";
        let lines = parse_statement(csv, "EUR").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].amount, Money::new(30_000, "EUR"));
        assert_eq!(lines[0].reference, "LPC-AB12-X; thanks");
        assert_eq!(lines[1].amount.minor, 123_456);
        assert_eq!(lines[1].line, 5);
        let us = parse_statement("date,amount,reference,payer\n2026-08-01,\"1,234.50\",r,p\n", "USD").unwrap();
        assert_eq!(us[0].amount.minor, 123_450);
        assert!(parse_statement("when,how much\n", "EUR").unwrap_err().contains("columns"));
        assert!(parse_statement("date,amount,reference\nyesterday,1,r\n", "EUR").unwrap_err().contains("Line 2"));
        assert!(parse_statement("date,amount,reference\n2026-01-01,lots,r\n", "EUR").unwrap_err().contains("amount"));
    }

    #[test]
    fn lines_are_classified_by_amount() {
        let due = Money::new(30_000, "EUR");
        assert_eq!(LineMatch::classify(&Money::new(30_000, "EUR"), Some(&due)), LineMatch::Matched);
        assert_eq!(LineMatch::classify(&Money::new(20_000, "EUR"), Some(&due)), LineMatch::Partial);
        assert_eq!(LineMatch::classify(&Money::new(20_000, "EUR"), None), LineMatch::Unmatched);
    }
}
