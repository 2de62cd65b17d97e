//! A receipt as a one-page A4 PDF: Helvetica (one of the fonts every PDF
//! reader has, so nothing is embedded), text in WinAnsi encoding, and an
//! uncompressed content stream, so the text can be read back from the file.

use crate::services::payments::Receipt;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// The text as WinAnsi bytes: Latin-1 maps to itself, the euro sign and
/// typographic dashes and quotes to their places, anything else to '?'.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '€' => 0x80,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '·' => 0xB7,
            c if (c as u32) < 0x7F && (c as u32) >= 0x20 => c as u8,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

/// Lines of text down the page, each at its size.
struct Page {
    content: Content,
    y: f32,
}

impl Page {
    fn line(&mut self, font: Name, size: f32, text: &str) {
        self.content.begin_text();
        self.content.set_font(font, size);
        self.content.next_line(56.0, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
        self.y -= size * 1.45;
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

pub fn render(r: &Receipt) -> Vec<u8> {
    let (catalog, tree, page_id, regular_id, bold_id, content_id, info_id) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6), Ref::new(7));
    let (regular, bold) = (Name(b"F1"), Name(b"F2"));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    page.parent(tree);
    page.contents(content_id);
    page.resources().fonts().pair(regular, regular_id).pair(bold, bold_id);
    page.finish();
    for (id, name) in [(regular_id, &b"Helvetica"[..]), (bold_id, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id).base_font(Name(name)).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!("Receipt {}", r.number);
    pdf.document_info(info_id).title(TextStr(&title)).creator(TextStr("Plumbline"));

    let mut p = Page { content: Content::new(), y: 780.0 };
    p.line(bold, 20.0, &title);
    p.line(regular, 10.0, &format!("Issued {} ({} time)", r.issued_at, r.time_zone));
    p.gap(14.0);
    p.line(bold, 11.0, &r.payee_name);
    for l in &r.payee_address {
        p.line(regular, 10.0, l);
    }
    if !r.payee_tax_id.is_empty() {
        p.line(regular, 10.0, &format!("Tax id: {}", r.payee_tax_id));
    }
    p.gap(14.0);
    p.line(bold, 11.0, "Received from");
    p.line(regular, 10.0, &format!("{} <{}>", r.payer_name, r.payer_email));
    p.gap(14.0);
    p.line(bold, 11.0, "For");
    p.line(regular, 10.0, &format!("Registration for {} ({})", r.item, r.tier));
    p.line(regular, 10.0, &format!("Registration number {}", r.registration_id));
    p.gap(14.0);
    p.line(bold, 14.0, &format!("Amount paid: {} ({})", r.amount, r.currency));
    p.line(regular, 10.0, &format!("Payment method: {}", r.method));
    if !r.payment_reference.is_empty() {
        p.line(regular, 10.0, &format!("Payment reference: {}", r.payment_reference));
    }
    if let Some(refunded) = &r.refunded {
        p.line(regular, 10.0, &format!("Refunded since: {refunded}"));
    }
    p.gap(20.0);
    p.line(regular, 9.0, &format!("{} · receipt numbers count up without gaps per conference.", r.conference));
    pdf.stream(content_id, &p.content.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_maps_to_win_ansi() {
        assert_eq!(super::win_ansi("€5 · Zoë ✓"), vec![0x80, b'5', b' ', 0xB7, b' ', b'Z', b'o', 0xEB, b' ', b'?']);
    }
}
