//! The one CSV writer: RFC 4180 quoting, and every cell neutralised against
//! spreadsheet formulas (OWASP CSV injection), because organisers open these
//! exports in spreadsheets and the cells hold what proposers and attendees typed.

/// A cell that a spreadsheet will not run as a formula: cells beginning with
/// `=`, `+`, `-`, `@` (or a tab / carriage return) get a leading `'`; then quoted
/// when needed.
pub fn cell(raw: &str) -> String {
    let neutral = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_string() };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One record, CRLF-terminated.
pub fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
        assert_eq!(cell("Ada, Lovelace"), "\"Ada, Lovelace\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("a=b"), "a=b", "only a leading sign makes a formula");
    }

    #[test]
    fn rows_end_in_crlf() {
        assert_eq!(row(&["a".into(), "=b".into()]), "a,'=b\r\n");
        assert_eq!(row(&["a,b".into(), "c".into()]), "\"a,b\",c\r\n");
        assert_eq!(row(&[]), "\r\n");
    }
}
