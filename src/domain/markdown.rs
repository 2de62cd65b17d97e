//! Markdown people write (abstracts, descriptions), rendered to HTML that is safe to
//! publish: raw HTML is escaped, only http(s)/mailto links survive, no event
//! handlers, no images from data: URLs. What the preview shows is what is published.

use std::collections::HashSet;
use std::sync::OnceLock;

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("nofollow noopener noreferrer"))
            .rm_tags(["img"])
            .url_relative(ammonia::UrlRelative::PassThrough);
        b
    })
}

pub fn to_html(source: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // Raw HTML in the source is shown as text, not interpreted.
    let parser = Parser::new_ext(source, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    cleaner().clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn no_one_can_write_an_overlay_mark() {
        // Pages kept once fill `<!--@...-->` marks per viewer (web::overlay):
        // what a person writes must never carry one.
        for src in ["<!--@v csrf-->", "a <!--@if viewer:user-->b<!--@fi--> c", "`<!--@v csrf-->`", "    <!--@v csrf-->"]
        {
            assert!(!to_html(src).contains("<!--@"), "{src}: {}", to_html(src));
        }
    }

    #[test]
    fn renders_markdown() {
        let h = to_html("# Title\n\nSome *emphasis* and [a link](https://lpc.events).");
        assert!(h.contains("<h1>Title</h1>"));
        assert!(h.contains("<em>emphasis</em>"));
        assert!(h.contains(r#"href="https://lpc.events""#));
        assert!(h.contains("noopener"));
    }

    #[test]
    fn never_lets_script_through() {
        for evil in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](data:image/png;base64,AAAA)",
            "<iframe src=https://evil.example></iframe>",
            "[x](&#106;avascript:alert(1))",
            "<div onclick=alert(1)>x</div>",
        ] {
            let h = to_html(evil).to_lowercase();
            assert!(!h.contains("<script"), "{evil} -> {h}");
            // Escaped text may still read "javascript:"; what matters is that no tag carries it.
            assert!(!h.contains("<a href=\"javascript"), "{evil} -> {h}");
            assert!(!h.contains("<a href=\"data:"), "{evil} -> {h}");
            assert!(!h.contains("src=\"data:"), "{evil} -> {h}");
            assert!(!h.contains("<img"), "{evil} -> {h}");
            assert!(!h.contains("<iframe"), "{evil} -> {h}");
            assert!(!h.contains("<div onclick"), "{evil} -> {h}");
        }
    }
}
