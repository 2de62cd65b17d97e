//! A server-rendered SVG chart of registrations per day against the tier
//! boundaries and the cap. No JavaScript; readable by screen readers through
//! `<title>`/`<desc>` (and the page shows the same numbers in a table).

use crate::error::escape_html;
use chrono::NaiveDate;

pub struct SalesChart {
    /// New registrations per day (any status), in the conference's calendar.
    pub per_day: Vec<(NaiveDate, i64)>,
    /// Days on which a tier starts, with a short label.
    pub boundaries: Vec<(NaiveDate, String)>,
    pub cap: i64,
    pub today: NaiveDate,
}

impl From<crate::services::registration::Sales> for SalesChart {
    fn from(s: crate::services::registration::Sales) -> Self {
        SalesChart { per_day: s.per_day, boundaries: s.boundaries, cap: s.cap, today: s.today }
    }
}

const W: f64 = 720.0;
const H: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 40.0;

impl SalesChart {
    fn range(&self) -> (NaiveDate, NaiveDate) {
        let first = self.per_day.iter().map(|(d, _)| *d).chain(std::iter::once(self.today)).min().unwrap_or(self.today);
        let last = self
            .per_day
            .iter()
            .map(|(d, _)| *d)
            .chain(self.boundaries.iter().map(|(d, _)| *d))
            .chain(std::iter::once(self.today))
            .max()
            .unwrap_or(self.today);
        // Keep the chart readable: at most a year after the first day.
        let last = last.min(first + chrono::Duration::days(365));
        (first, last.max(first))
    }

    pub fn total(&self) -> i64 {
        self.per_day.iter().map(|(_, n)| n).sum()
    }

    pub fn description(&self) -> String {
        let (first, last) = self.range();
        let best = self.per_day.iter().max_by_key(|(_, n)| *n);
        let mut d = format!(
            "{} registrations from {} to {}, against a cap of {}.",
            self.total(),
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y"),
            self.cap
        );
        if let Some((day, n)) = best {
            d.push_str(&format!(" The busiest day was {} with {}.", day.format("%-d %b %Y"), n));
        }
        if !self.boundaries.is_empty() {
            let list: Vec<String> =
                self.boundaries.iter().map(|(d, l)| format!("{} on {}", l, d.format("%-d %b %Y"))).collect();
            d.push_str(&format!(" Price tiers start: {}.", list.join("; ")));
        }
        d
    }

    pub fn svg(&self) -> String {
        let (first, last) = self.range();
        let days = (last - first).num_days().max(1) as f64;
        let cumulative_max = self.total();
        let ymax = (self.cap.max(cumulative_max).max(1) as f64) * 1.1;
        let plot_w = W - LEFT - RIGHT;
        let plot_h = H - TOP - BOTTOM;
        let x = |d: NaiveDate| LEFT + ((d - first).num_days() as f64 / days) * plot_w;
        let y = |v: f64| TOP + plot_h - (v / ymax) * plot_h;
        let bar_w = (plot_w / (days + 1.0)).clamp(1.0, 24.0);

        let mut s = String::new();
        s.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">"
        ));
        s.push_str("<title id=\"chart-title\">Registrations per day, with the cap and the price tiers</title>");
        s.push_str(&format!("<desc id=\"chart-desc\">{}</desc>", escape_html(&self.description())));
        // Axes.
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#555\"/><line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#555\"/>",
            b = TOP + plot_h,
            r = W - RIGHT
        ));
        s.push_str(&format!(
            "<text x=\"{tx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">0</text><text x=\"{tx}\" y=\"{ty2:.1}\" font-size=\"11\" text-anchor=\"end\">{top}</text>",
            tx = LEFT - 6.0,
            ty = TOP + plot_h + 4.0,
            ty2 = y(ymax / 1.1) + 4.0,
            top = (ymax / 1.1).round() as i64
        ));
        s.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{yy}\" font-size=\"11\">{a}</text><text x=\"{r}\" y=\"{yy}\" font-size=\"11\" text-anchor=\"end\">{b}</text>",
            yy = H - 12.0,
            r = W - RIGHT,
            a = first.format("%-d %b %Y"),
            b = last.format("%-d %b %Y")
        ));
        // Tier boundaries.
        for (d, label) in &self.boundaries {
            if *d < first || *d > last {
                continue;
            }
            let bx = x(*d);
            s.push_str(&format!(
                "<line x1=\"{bx:.1}\" y1=\"{TOP}\" x2=\"{bx:.1}\" y2=\"{b}\" stroke=\"#8a4b00\" stroke-dasharray=\"4 3\"/><text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"10\" fill=\"#8a4b00\">{l}</text>",
                b = TOP + plot_h,
                tx = bx + 3.0,
                ty = TOP - 6.0,
                l = escape_html(label)
            ));
        }
        // The cap.
        let cy = y(self.cap as f64);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{cy:.1}\" x2=\"{r}\" y2=\"{cy:.1}\" stroke=\"#b00020\" stroke-width=\"2\"/><text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"11\" fill=\"#b00020\" text-anchor=\"end\">cap {cap}</text>",
            r = W - RIGHT,
            tx = W - RIGHT - 2.0,
            ty = cy - 4.0,
            cap = self.cap
        ));
        // Bars per day and the running total.
        let mut points = Vec::new();
        let mut running = 0;
        let mut sorted = self.per_day.clone();
        sorted.sort();
        for (d, n) in &sorted {
            if *d > last {
                continue;
            }
            let bx = x(*d) - bar_w / 2.0;
            let by = y(*n as f64);
            s.push_str(&format!(
                "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"#3f6fb5\"><title>{day}: {n}</title></rect>",
                h = TOP + plot_h - by,
                day = d.format("%-d %b %Y")
            ));
            running += n;
            points.push(format!("{:.1},{:.1}", x(*d), y(running as f64)));
        }
        if points.len() > 1 {
            s.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#1b7f3b\" stroke-width=\"2\"/>",
                points.join(" ")
            ));
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessible_and_escaped() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let c = SalesChart {
            per_day: vec![(d("2027-06-01"), 3), (d("2027-06-03"), 5)],
            boundaries: vec![(d("2027-06-10"), "Late <&>".into())],
            cap: 10,
            today: d("2027-06-05"),
        };
        let svg = c.svg();
        assert!(svg.contains("<title id=\"chart-title\">"));
        assert!(svg.contains("8 registrations from 1 Jun 2027 to 10 Jun 2027, against a cap of 10."));
        assert!(svg.contains("Late &lt;&amp;&gt;"));
        assert!(!svg.contains("<&>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("<polyline"));
    }
}
