//! Paging a long list: which page a request shows and the links to its
//! neighbours, keeping the list's filter in every link.

use serde::{Deserialize, Serialize};

/// `?page=` as a list page reads it, beside its filter.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: String,
}

/// One page of `total` items, `per_page` at a time.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    total: usize,
    per_page: usize,
}

/// The pager as `templates/pager.hbs` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    pub page: usize,
    pub pages: usize,
    pub many: bool,
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Names the navigation for screen readers ("Attendee pages").
    pub label: &'static str,
}

impl Pager {
    /// `requested` is what `?page=` said: anything unreadable or out of range
    /// shows the nearest page rather than an error (links get stale as lists shrink).
    pub fn new(requested: &str, total: usize, per_page: usize) -> Self {
        let pages = total.div_ceil(per_page).max(1);
        let page = requested.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
        Pager { page, pages, total, per_page }
    }

    /// The items on this page.
    pub fn window<'a, T>(&self, items: &'a [T]) -> impl Iterator<Item = &'a T> {
        items.iter().skip((self.page - 1) * self.per_page).take(self.per_page)
    }

    /// The pager as the templates show it; `link(n)` is the URL of page n.
    pub fn view(&self, label: &'static str, link: impl Fn(usize) -> String) -> PagerView {
        let (page, pages) = (self.page, self.pages);
        PagerView {
            page,
            pages,
            many: pages > 1,
            first: if self.total == 0 { 0 } else { (page - 1) * self.per_page + 1 },
            last: (page * self.per_page).min(self.total),
            total: self.total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            label,
        }
    }
}

/// The page `requested` of `rows`, `per_page` at a time, with links to the
/// others at `path` that keep the filter `keep` (its empty fields left out).
pub fn page_of<T>(
    rows: Vec<T>,
    requested: &str,
    per_page: usize,
    path: &str,
    keep: &impl Serialize,
    label: &'static str,
) -> (Vec<T>, PagerView) {
    let pager = Pager::new(requested, rows.len(), per_page);
    let query = serde_urlencoded::to_string(keep).unwrap_or_default();
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.ends_with('=')).collect();
    let view = pager.view(label, |n| link(path, &kept, n));
    let rows = rows.into_iter().skip((pager.page - 1) * per_page).take(per_page).collect();
    (rows, view)
}

/// The URL of page `n` of the list at `path`, with the `kept` query pairs.
pub fn link(path: &str, kept: &[&str], n: usize) -> String {
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("{path}?{q}page={n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_pages_show_the_nearest() {
        assert_eq!(Pager::new("x", 120, 50).page, 1);
        assert_eq!(Pager::new("9", 120, 50).page, 3);
        assert_eq!(Pager::new("0", 0, 50).pages, 1);
        let v = Pager::new("2", 120, 50).view("Pages", |n| format!("?page={n}"));
        assert_eq!((v.first, v.last), (51, 100));
        assert_eq!(v.prev.as_deref(), Some("?page=1"));
        assert_eq!(v.next.as_deref(), Some("?page=3"));
    }

    #[test]
    fn a_page_of_rows_keeps_the_filter_in_its_links() {
        #[derive(Serialize)]
        struct F {
            q: &'static str,
            status: &'static str,
        }
        let (rows, v) = page_of((1..=120).collect(), "2", 50, "/x", &F { q: "a&b", status: "" }, "Pages");
        assert_eq!(rows.first(), Some(&51));
        assert_eq!(rows.len(), 50);
        assert_eq!(v.next.as_deref(), Some("/x?q=a%26b&page=3"));
        assert_eq!(v.total, 120);
    }
}
