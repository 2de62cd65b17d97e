//! Rendered public pages and exports for anonymous visitors, kept in memory
//! with their gzip form, so a page opened by 300 people at once is rendered
//! once.
//!
//! Freshness has two parts. Within this instance, any write (a non-GET request)
//! moves the epoch and every entry is checked again, so people see their own
//! changes at once. Across instances, an entry is trusted for `ttl` (one second
//! by default) and then checked against its data key (for the schedule: the
//! published version and the bookings) with one small query; an unchanged key
//! keeps the rendered bytes, so the exports are rendered and compressed once per
//! publication, not once per second.
//!
//! Remembered values (the conference, its ticketing, its room setup, a
//! reviewer's rows) have an epoch of their own, which every write moves except
//! an attendee adding a registration or a booking (`written_by_attendee`): at a
//! thousand registrations a second the ticketing was otherwise read again for
//! nearly every one of them.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// More distinct pages than this and the cache starts over. Pages are kept
/// by `Slot`, so junk in a URL never makes a new one; this is the last line.
const MAX_ENTRIES: usize = 4096;

/// Where a page sits in the cache: its path, rebuilt by the page from what its
/// route matched (`/c/{slug}/schedule` with the slug it looked up), and only
/// the query parameters the page reads, each as the page understands it.
/// Everything else in a URL names the same page: `?x=1` … `?x=10000`, a
/// percent-encoded slug or a reordered query string are one entry, not ten
/// thousand. The cache takes no other key, so no page can be kept by its raw URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot(String);

impl Slot {
    /// A page that reads no query parameters.
    pub fn path(path: impl Into<String>) -> Slot {
        Slot(path.into())
    }

    /// The page reads `name`, as `value` (normalised by the page: two values
    /// that show the same page must be equal; empty is the same as absent).
    /// Call in a fixed order.
    pub fn param(mut self, name: &str, value: &str) -> Slot {
        if !value.is_empty() {
            let pair = serde_urlencoded::to_string([(name, value)]).unwrap_or_default();
            self.0.push(if self.0.contains('?') { '&' } else { '?' });
            self.0.push_str(&pair);
        }
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where this page's overlay (see `web::overlay`) is kept, beside the
    /// anonymous page.
    pub fn overlay(&self) -> Slot {
        Slot(format!("overlay:{}", self.0))
    }
}

pub struct CachedPage {
    /// What the page was rendered from; equal keys mean equal pages.
    pub key: String,
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub body: Bytes,
    pub gzip: Bytes,
    /// The page with holes for its viewer, for pages kept that way.
    pub overlay: Option<Arc<crate::web::overlay::Overlay>>,
    checked: Instant,
    epoch: u64,
    /// `PageCache::strong_epoch` when it was rendered.
    strong: u64,
    /// Set while one request renders this page again: the others are given
    /// this (slightly stale) page meanwhile instead of all rendering it too.
    refreshing: AtomicBool,
}

/// Held by the request that renders a stale page again; dropping it (the page
/// stored, or the request failed) lets the next request try.
pub struct Refreshing {
    page: Arc<CachedPage>,
    /// Stale because of a write through this instance (not just its age):
    /// the writer expects to see it, so it is rendered before answering.
    after_local_write: bool,
}

impl Refreshing {
    /// The stale page being refreshed.
    pub fn page(&self) -> Arc<CachedPage> {
        self.page.clone()
    }

    pub fn after_local_write(&self) -> bool {
        self.after_local_write
    }
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        self.page.refreshing.store(false, Ordering::Release);
    }
}

impl CachedPage {
    /// The page, gzipped when the client accepts it.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let mut resp = HttpResponse::Ok();
        resp.content_type(self.content_type)
            .insert_header((header::CACHE_CONTROL, self.cache_control))
            .insert_header((header::VARY, "Accept-Encoding"));
        if accepts_gzip(req) {
            // Already compressed: the Compress middleware leaves it alone.
            resp.insert_header((header::CONTENT_ENCODING, "gzip"));
            resp.body(self.gzip.clone())
        } else {
            resp.body(self.body.clone())
        }
    }
}

pub fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|c| {
        let mut parts = c.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// Text shared with its owner (e.g. a rendered export), servable without a copy.
pub struct SharedText(pub Arc<str>);

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Set on a request (see `attendee_write`) that only adds an attendee's own
/// registration or booking; the request log then calls `written_by_attendee`.
pub struct AttendeeWrite;

/// Marks this request as an attendee's registration or booking.
pub fn attendee_write(req: &HttpRequest) {
    req.extensions_mut().insert(AttendeeWrite);
}

pub struct PageCache {
    ttl: Duration,
    epoch: AtomicU64,
    /// Moved by every local write but an attendee's registration or booking
    /// (or star): those leave a page to be renewed in the background, since
    /// the writer sees their own through their viewer's keys, not the page.
    strong_epoch: AtomicU64,
    /// Moved by every write but an attendee's registration or booking.
    memo_epoch: AtomicU64,
    entries: Mutex<HashMap<Slot, Arc<CachedPage>>>,
    memos: Mutex<HashMap<String, Memo>>,
}

/// A value computed for one person (e.g. a reviewer's dashboard rows), kept
/// under the same freshness rules as the pages.
struct Memo {
    checked: Instant,
    epoch: u64,
    value: Arc<dyn std::any::Any + Send + Sync>,
    /// When a request set out to compute it again; meanwhile the others get
    /// this value. A claim older than `CLAIM` (the computation failed) lapses.
    claimed: Option<Instant>,
}

const CLAIM: Duration = Duration::from_secs(2);

/// How long a page may lag behind attendees' own writes through this instance.
const ATTENDEE_LAG: Duration = Duration::from_millis(200);

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(Duration::from_secs(1))
    }
}

impl PageCache {
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            epoch: AtomicU64::new(0),
            strong_epoch: AtomicU64::new(0),
            memo_epoch: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            memos: Mutex::new(HashMap::new()),
        }
    }

    /// A value remembered under `key`: fresh, or stale while another request
    /// computes it again. `None`: compute it (this request has the claim).
    pub fn recall<T: std::any::Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let mut memos = self.memos.lock().ok()?;
        let m = memos.get_mut(key)?;
        let fresh = m.epoch == self.epoch() && m.checked.elapsed() < self.ttl;
        if !fresh {
            if m.claimed.is_some_and(|c| c.elapsed() < CLAIM) {
                return m.value.clone().downcast::<T>().ok();
            }
            m.claimed = Some(Instant::now());
            return None;
        }
        m.value.clone().downcast::<T>().ok()
    }

    /// Remembers `value` under `key` (read the epoch before computing it).
    pub fn remember<T: std::any::Any + Send + Sync>(&self, key: String, epoch: u64, value: Arc<T>) {
        if let Ok(mut memos) = self.memos.lock() {
            if memos.len() >= MAX_ENTRIES && !memos.contains_key(&key) {
                memos.clear();
            }
            memos.insert(key, Memo { checked: Instant::now(), epoch, value, claimed: None });
        }
    }

    /// The value remembered under `key`, or `compute`d now and remembered (for
    /// synchronous callers; an async caller uses `recall` and `remember`).
    pub fn memo<T, E>(&self, key: String, compute: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E>
    where
        T: std::any::Any + Send + Sync,
    {
        if let Some(v) = self.recall(&key) {
            return Ok(v);
        }
        let epoch = self.epoch();
        let v = Arc::new(compute()?);
        self.remember(key, epoch, v.clone());
        Ok(v)
    }

    /// The current epoch of remembered values, to pass to `remember` for a
    /// value computed from now on.
    pub fn epoch(&self) -> u64 {
        self.memo_epoch.load(Ordering::Relaxed)
    }

    /// Something was written through this instance: check every page and
    /// remembered value again.
    pub fn written(&self) {
        self.epoch.fetch_add(1, Ordering::Relaxed);
        self.strong_epoch.fetch_add(1, Ordering::Relaxed);
        self.memo_epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// An attendee added a registration or a booking: pages are checked again,
    /// remembered values (which never hold those) stay.
    pub fn written_by_attendee(&self) {
        self.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The page, if it may be served without asking the database: fresh, or
    /// stale while another request renders it again. `Err` with a guard means
    /// this request is the one to render it (keep the guard until it is stored).
    pub fn lookup(&self, slot: &Slot) -> Result<Arc<CachedPage>, Option<Refreshing>> {
        let page = self.entries.lock().ok().and_then(|e| e.get(slot).cloned()).ok_or(None)?;
        if self.is_fresh(&page) {
            return Ok(page);
        }
        if page.refreshing.swap(true, Ordering::AcqRel) {
            return Ok(page);
        }
        let after_local_write = page.strong != self.strong_epoch.load(Ordering::Relaxed);
        Err(Some(Refreshing { page, after_local_write }))
    }

    /// The page only if fresh (tests and callers that must not see stale pages).
    pub fn fresh(&self, slot: &Slot) -> Option<Arc<CachedPage>> {
        let page = self.entries.lock().ok()?.get(slot).cloned()?;
        self.is_fresh(&page).then_some(page)
    }

    /// Younger than the ttl and written since by nobody here; or written since
    /// only by attendees adding their own bookings, registrations or stars and
    /// younger than `ATTENDEE_LAG`: in a rush those come many a second, and
    /// rendering the page again after each kept a core busy for nothing anyone
    /// waits for (each attendee sees their own through their viewer's keys).
    fn is_fresh(&self, page: &CachedPage) -> bool {
        let age = page.checked.elapsed();
        if age >= self.ttl {
            return false;
        }
        page.epoch == self.epoch.load(Ordering::Relaxed)
            || (page.strong == self.strong_epoch.load(Ordering::Relaxed) && age < ATTENDEE_LAG)
    }

    /// The page rendered from `key`, whatever its age, stamped fresh again.
    pub fn revalidate(&self, slot: &Slot, key: &str) -> Option<Arc<CachedPage>> {
        let mut entries = self.entries.lock().ok()?;
        let old = entries.get(slot).filter(|p| p.key == key)?;
        let page = Arc::new(CachedPage {
            key: old.key.clone(),
            content_type: old.content_type,
            cache_control: old.cache_control,
            body: old.body.clone(),
            gzip: old.gzip.clone(),
            overlay: old.overlay.clone(),
            checked: Instant::now(),
            epoch: self.epoch.load(Ordering::Relaxed),
            strong: self.strong_epoch.load(Ordering::Relaxed),
            refreshing: AtomicBool::new(false),
        });
        entries.insert(slot.clone(), page.clone());
        Some(page)
    }

    /// How many pages are kept for anonymous visitors (the rest of memory follows it).
    pub fn page_count(&self) -> usize {
        self.entries.lock().map(|e| e.keys().filter(|s| !s.0.starts_with("overlay:")).count()).unwrap_or(0)
    }

    /// How many pages are kept with holes for their viewers (`web::overlay`).
    pub fn overlay_count(&self) -> usize {
        self.entries.lock().map(|e| e.keys().filter(|s| s.0.starts_with("overlay:")).count()).unwrap_or(0)
    }

    /// How many values are remembered.
    pub fn memo_count(&self) -> usize {
        self.memos.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Keeps a freshly rendered page (and its gzip form).
    pub fn store(
        &self,
        slot: &Slot,
        key: String,
        content_type: &'static str,
        cache_control: &'static str,
        body: impl AsRef<[u8]> + Send + 'static,
    ) -> Arc<CachedPage> {
        // Read the epoch before compressing: a write meanwhile makes this entry stale.
        let (epoch, strong) = self.page_epoch();
        let gzip = gzip(body.as_ref());
        let page = Arc::new(CachedPage {
            key,
            content_type,
            cache_control,
            // Shares the caller's buffer (an export kept elsewhere too) instead of copying it.
            body: Bytes::from_owner(body),
            gzip: Bytes::from(gzip),
            overlay: None,
            checked: Instant::now(),
            epoch,
            strong,
            refreshing: AtomicBool::new(false),
        });
        self.keep(slot, page.clone());
        page
    }

    /// Keeps a page with holes for its viewers (read the epoch before rendering it).
    pub fn store_overlay(
        &self,
        slot: &Slot,
        key: String,
        (epoch, strong): (u64, u64),
        overlay: Arc<crate::web::overlay::Overlay>,
    ) {
        let page = Arc::new(CachedPage {
            key,
            content_type: "text/html; charset=utf-8",
            cache_control: "no-store",
            body: Bytes::new(),
            gzip: Bytes::new(),
            overlay: Some(overlay),
            checked: Instant::now(),
            epoch,
            strong,
            refreshing: AtomicBool::new(false),
        });
        self.keep(slot, page);
    }

    /// The epochs of pages, to pass to `store_overlay` for a page rendered from now on.
    pub fn page_epoch(&self) -> (u64, u64) {
        (self.epoch.load(Ordering::Relaxed), self.strong_epoch.load(Ordering::Relaxed))
    }

    fn keep(&self, slot: &Slot, page: Arc<CachedPage>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES && !entries.contains_key(slot) {
                entries.clear();
            }
            entries.insert(slot.clone(), page);
        }
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 4), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn fresh_until_a_write_or_the_ttl() {
        let a = Slot::path("/a");
        let cache = PageCache::new(Duration::from_millis(50));
        cache.store(&a, "k1".into(), "text/html", "no-store", "hello".to_string());
        assert!(cache.fresh(&a).is_some());
        cache.written();
        assert!(cache.fresh(&a).is_none(), "a local write makes it stale");
        assert!(cache.revalidate(&a, "k2").is_none(), "another key is another page");
        assert!(cache.revalidate(&a, "k1").is_some());
        assert!(cache.fresh(&a).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.fresh(&a).is_none(), "older than the ttl");
    }

    #[test]
    fn one_request_renders_a_stale_page_again_while_the_others_get_it_stale() {
        let a = Slot::path("/a");
        let cache = PageCache::new(Duration::from_millis(10));
        cache.store(&a, "k".into(), "text/html", "no-store", "old".to_string());
        std::thread::sleep(Duration::from_millis(20));
        let guard = cache.lookup(&a).err().flatten().expect("the first request renders");
        assert_eq!(cache.lookup(&a).ok().unwrap().body, "old", "the others get the stale page");
        drop(guard);
        let guard = cache.lookup(&a).err().flatten().expect("a failed render lets the next one try");
        cache.store(&a, "k".into(), "text/html", "no-store", "new".to_string());
        drop(guard);
        assert_eq!(cache.lookup(&a).ok().unwrap().body, "new");
        assert!(matches!(cache.lookup(&Slot::path("/b")), Err(None)), "nothing cached: render");
    }

    #[test]
    fn remembered_values_follow_the_same_freshness() {
        let cache = PageCache::new(Duration::from_millis(50));
        cache.remember("k".into(), cache.epoch(), Arc::new(vec![1, 2, 3]));
        assert_eq!(*cache.recall::<Vec<i32>>("k").unwrap(), vec![1, 2, 3]);
        assert!(cache.recall::<String>("k").is_none(), "another type is not confused with it");
        cache.written();
        assert!(cache.recall::<Vec<i32>>("k").is_none(), "stale: this caller recomputes");
        assert_eq!(*cache.recall::<Vec<i32>>("k").unwrap(), vec![1, 2, 3], "meanwhile the others get it stale");
        cache.remember("k".into(), cache.epoch(), Arc::new(vec![4]));
        assert_eq!(*cache.recall::<Vec<i32>>("k").unwrap(), vec![4]);
    }

    #[test]
    fn an_attendees_registration_or_booking_leaves_remembered_values_but_not_pages() {
        let a = Slot::path("/a");
        let cache = PageCache::new(Duration::from_secs(60));
        cache.remember("ticketing".into(), cache.epoch(), Arc::new(7));
        cache.store(&a, "k1".into(), "text/html", "no-store", "hello".to_string());
        cache.written_by_attendee();
        assert_eq!(*cache.recall::<i32>("ticketing").unwrap(), 7, "still fresh");
        std::thread::sleep(ATTENDEE_LAG);
        assert!(cache.fresh(&a).is_none(), "the page is checked again once it lags by ATTENDEE_LAG");
        cache.store(&a, "k1".into(), "text/html", "no-store", "hello".to_string());
        cache.written_by_attendee();
        assert!(cache.fresh(&a).is_some(), "a page just rendered is not rendered again for each booking");
        cache.written();
        assert!(cache.recall::<i32>("ticketing").is_none(), "any other write: computed again");
    }

    #[test]
    fn a_slot_is_the_path_and_the_parameters_the_page_reads() {
        let s = Slot::path("/c/x/schedule").param("view", "room").param("day", "2030-09-18");
        assert_eq!(s.as_str(), "/c/x/schedule?view=room&day=2030-09-18");
        assert_eq!(
            Slot::path("/c/x/schedule").param("view", "").param("day", "2030-09-18").as_str(),
            "/c/x/schedule?day=2030-09-18"
        );
        assert_eq!(Slot::path("/p").param("q", "a&b=c").as_str(), "/p?q=a%26b%3Dc", "a value cannot add a parameter");
    }

    #[test]
    fn gzip_only_when_accepted() {
        let a = Slot::path("/a");
        let cache = PageCache::default();
        let page = cache.store(&a, String::new(), "text/plain", "no-store", "x".repeat(1000));
        assert!(page.gzip.len() < 100);
        let plain = page.respond(&TestRequest::default().to_http_request());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let req = TestRequest::default().insert_header((header::ACCEPT_ENCODING, "br, gzip;q=0.8")).to_http_request();
        assert_eq!(page.respond(&req).headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        let refused = TestRequest::default().insert_header((header::ACCEPT_ENCODING, "gzip;q=0")).to_http_request();
        assert!(page.respond(&refused).headers().get(header::CONTENT_ENCODING).is_none());
    }
}
