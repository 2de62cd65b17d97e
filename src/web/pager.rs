//! Paging a long list: which page a request shows and the links to its neighbours.

use serde_json::{json, Value};

/// One page of `total` items, `per_page` at a time.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    total: usize,
    per_page: usize,
}

impl Pager {
    /// `requested` is what `?page=` said: anything unreadable or out of range
    /// shows the nearest page rather than an error (links get stale as lists shrink).
    pub fn new(requested: &str, total: usize, per_page: usize) -> Self {
        let pages = total.div_ceil(per_page).max(1);
        let page = requested.parse::<usize>().unwrap_or(1).clamp(1, pages);
        Pager { page, pages, total, per_page }
    }

    /// The items on this page.
    pub fn window<'a, T>(&self, items: &'a [T]) -> impl Iterator<Item = &'a T> {
        items.iter().skip((self.page - 1) * self.per_page).take(self.per_page)
    }

    /// The pager as the templates show it; `link(n)` is the URL of page n.
    pub fn view(&self, link: impl Fn(usize) -> String) -> Value {
        let (page, pages) = (self.page, self.pages);
        json!({
            "page": page, "pages": pages, "many": pages > 1,
            "first": if self.total == 0 { 0 } else { (page - 1) * self.per_page + 1 },
            "last": (page * self.per_page).min(self.total),
            "prev": (page > 1).then(|| link(page - 1)), "next": (page < pages).then(|| link(page + 1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn out_of_range_pages_show_the_nearest() {
        assert_eq!(Pager::new("x", 120, 50).page, 1);
        assert_eq!(Pager::new("9", 120, 50).page, 3);
        assert_eq!(Pager::new("0", 0, 50).pages, 1);
        let v = Pager::new("2", 120, 50).view(|n| format!("?page={n}"));
        assert_eq!((v["first"].as_u64(), v["last"].as_u64()), (Some(51), Some(100)));
        assert_eq!(v["prev"], "?page=1");
        assert_eq!(v["next"], "?page=3");
    }
}
