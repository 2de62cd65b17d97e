//! A score distribution drawn as a tiny inline SVG bar chart (the review
//! dashboard, the decisions page and a proposal's review page show it).

use crate::domain::review::ScoreStats;

/// A score distribution as a tiny inline bar chart: one bar per point of the
/// scale, so a split committee (bars at both ends) stands out at a glance.
pub fn distribution_svg(st: &ScoreStats, min: i32) -> String {
    let n = st.distribution.len().max(1);
    let peak = st.distribution.iter().copied().max().unwrap_or(0).max(1);
    let w = 8 * n;
    let mut bars = String::new();
    let mut words = Vec::new();
    for (i, c) in st.distribution.iter().enumerate() {
        let h = if *c == 0 { 1 } else { 2 + 14 * c / peak };
        let hue = if n > 1 { 120 * i / (n - 1) } else { 60 };
        bars.push_str(&format!(
            r#"<rect x="{}" y="{}" width="6" height="{}" style="fill:hsl({hue},55%,38%)"></rect>"#,
            i * 8,
            16 - h,
            h
        ));
        if *c > 0 {
            words.push(format!("{}×{}", min + i as i32, c));
        }
    }
    let label = if words.is_empty() { "no scores yet".to_string() } else { format!("scores {}", words.join(", ")) };
    format!(
        r#"<svg class="dist" width="{w}" height="16" viewBox="0 0 {w} 16" role="img" aria-label="{label}"><title>{label}</title>{bars}</svg>"#
    )
}
