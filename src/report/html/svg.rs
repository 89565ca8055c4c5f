//! SVG drawing primitives for the HTML report: text escaping, number grouping, value axes
//! with round ticks, a canvas with legends and grids. Values arrive in display units (亿元,
//! 万元, 元); `f64` only places marks. No scripts, no external references.

/// Width of every chart in SVG user units (the page scales it to its column).
pub const WIDTH: f64 = 1200.0;

/// Series colours, in order.
pub(super) const COLORS: [&str; 6] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#e15759",
];

/// Escapes text for HTML and XML (`& < > " '`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A named series of values, one per category, in display units.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}

/// `v` with thousands separators and `decimals` decimals (`-12,345.6`).
pub fn group(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    match frac {
        "" => format!("{sign}{grouped}"),
        f => format!("{sign}{grouped}.{f}"),
    }
}

/// A value axis with round ticks covering `[min, max]` and 0.
pub(super) struct Axis {
    /// Lowest tick.
    pub(super) lo: f64,
    /// Highest tick.
    pub(super) hi: f64,
    /// Distance between ticks (1, 2, 2.5 or 5 × 10^k).
    pub(super) step: f64,
}

impl Axis {
    /// About five round ticks covering `min`, `max` and 0.
    pub(super) fn new(min: f64, max: f64) -> Axis {
        let (min, max) = (min.min(0.0), max.max(0.0));
        let span = if max > min { max - min } else { 1.0 };
        let raw = span / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = mag
            * match raw / mag {
                n if n <= 1.0 => 1.0,
                n if n <= 2.0 => 2.0,
                n if n <= 2.5 => 2.5,
                n if n <= 5.0 => 5.0,
                _ => 10.0,
            };
        Axis {
            lo: (min / step).floor() * step,
            hi: ((max / step).ceil() * step).max(step),
            step,
        }
    }

    /// Every tick value, lowest first.
    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n).map(|i| self.lo + i as f64 * self.step).collect()
    }

    /// A tick label with as many decimals as the step needs.
    pub(super) fn label(&self, v: f64) -> String {
        let decimals = if self.step >= 1.0 {
            0
        } else {
            (-self.step.log10()).ceil() as usize
        };
        group(v, decimals)
    }

    /// Position of `v` between `a` (at lo) and `b` (at hi).
    pub(super) fn at(&self, v: f64, a: f64, b: f64) -> f64 {
        a + (v - self.lo) / (self.hi - self.lo) * (b - a)
    }
}

/// An SVG being drawn; `id` prefixes its pattern ids so pages may hold many charts.
pub(super) struct Canvas {
    id: String,
    height: f64,
    body: String,
}

impl Canvas {
    /// An empty chart `height` units tall; `id` must be unique in the page.
    pub(super) fn new(id: &str, height: f64) -> Canvas {
        Canvas {
            id: esc(id),
            height,
            body: String::new(),
        }
    }

    /// The fill that hatches a mark (projected years).
    pub(super) fn hatch(&self) -> String {
        format!("url(#{}-hatch)", self.id)
    }

    /// Appends a raw SVG element.
    pub(super) fn push(&mut self, element: String) {
        self.body.push_str(&element);
        self.body.push('\n');
    }

    /// A rectangle; `extra` holds further attributes.
    pub(super) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        self.push(format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}" {extra}/>"#,
            w.max(0.0),
            h.max(0.0)
        ));
    }

    /// A line segment; `extra` holds further attributes.
    pub(super) fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        stroke: &str,
        extra: &str,
    ) {
        self.push(format!(
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" {extra}/>"#
        ));
    }

    /// Escaped text at (x, y); `extra` holds further attributes.
    pub(super) fn text(&mut self, x: f64, y: f64, text: &str, extra: &str) {
        self.push(format!(
            r#"<text x="{x:.1}" y="{y:.1}" {extra}>{}</text>"#,
            esc(text)
        ));
    }

    /// A legend row at the top: (label, fill, hatched).
    pub(super) fn legend(&mut self, items: &[(String, String, bool)]) {
        let mut x = 80.0;
        for (label, fill, hatched) in items {
            self.rect(x, 14.0, 14.0, 14.0, fill, "");
            if *hatched {
                let h = self.hatch();
                self.rect(x, 14.0, 14.0, 14.0, &h, r##"stroke="#888""##);
            }
            self.text(x + 20.0, 26.0, label, r#"font-size="13""#);
            x += 34.0
                + label
                    .chars()
                    .map(|c| if c.is_ascii() { 7.0 } else { 13.0 })
                    .sum::<f64>();
        }
    }

    /// Horizontal grid lines and value labels on the left, unit above them.
    pub(super) fn value_grid(&mut self, axis: &Axis, plot: &Plot, unit: &str) {
        for t in axis.ticks() {
            let y = axis.at(t, plot.bottom, plot.top);
            let stroke = if t == 0.0 { "#555" } else { "#e3e3e3" };
            self.line((plot.left, y), (plot.right, y), stroke, "");
            let label = axis.label(t);
            self.text(
                plot.left - 6.0,
                y + 4.0,
                &label,
                r#"font-size="12" text-anchor="end""#,
            );
        }
        self.text(
            plot.left - 6.0,
            plot.top - 10.0,
            unit,
            r#"font-size="12" text-anchor="end""#,
        );
    }

    /// Category labels under the plot, one per band.
    pub(super) fn category_labels(&mut self, categories: &[String], plot: &Plot) {
        let band = plot.band(categories.len());
        for (i, c) in categories.iter().enumerate() {
            let x = plot.left + band * (i as f64 + 0.5);
            self.text(
                x,
                plot.bottom + 18.0,
                c,
                r#"font-size="13" text-anchor="middle""#,
            );
        }
    }

    /// A dashed line before the first projected category, labelled 预测.
    pub(super) fn projected_mark(&mut self, faded: &[bool], plot: &Plot) {
        if let Some(i) = faded.iter().position(|&f| f).filter(|&i| i > 0) {
            let x = plot.left + plot.band(faded.len()) * i as f64;
            self.line(
                (x, plot.top),
                (x, plot.bottom),
                "#888",
                r#"stroke-dasharray="5 4""#,
            );
            self.text(
                x + 6.0,
                plot.top + 12.0,
                "预测 projected →",
                r##"font-size="12" fill="#666""##,
            );
        }
    }

    /// The finished `<svg>` with its title and hatch pattern.
    pub(super) fn finish(self, title: &str) -> String {
        format!(
            concat!(
                r#"<svg viewBox="0 0 {w} {h:.0}" width="{w}" height="{h:.0}" role="img" aria-label="{t}">"#,
                "\n<title>{t}</title>\n<defs>",
                r#"<pattern id="{id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">"#,
                r##"<rect width="2.5" height="6" fill="#ffffff" fill-opacity="0.8"/></pattern></defs>"##,
                "\n{body}</svg>"
            ),
            w = WIDTH,
            h = self.height,
            t = esc(title),
            id = self.id,
            body = self.body
        )
    }
}

/// The plotting area of a chart.
pub(super) struct Plot {
    /// Left edge (value labels sit to its left).
    pub(super) left: f64,
    /// Right edge.
    pub(super) right: f64,
    /// Top edge (the legend sits above it).
    pub(super) top: f64,
    /// Bottom edge (category labels sit below it).
    pub(super) bottom: f64,
}

impl Plot {
    /// The usual plot of a chart `height` units tall.
    pub(super) fn standard(height: f64) -> Plot {
        Plot {
            left: 90.0,
            right: WIDTH - 20.0,
            top: 60.0,
            bottom: height - 40.0,
        }
    }

    /// Width of one of `n` categories.
    pub(super) fn band(&self, n: usize) -> f64 {
        (self.right - self.left) / n.max(1) as f64
    }
}

/// Legend entries of the series, plus the hatched 预测 swatch when some columns are projected.
pub(super) fn legend_items(series: &[Series], faded: &[bool]) -> Vec<(String, String, bool)> {
    let mut items: Vec<_> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), COLORS[i % COLORS.len()].to_string(), false))
        .collect();
    if faded.iter().any(|&f| f) {
        items.push(("预测 projected".into(), "#9aa5b1".into(), true));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_groups() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(group(1234567.891, 2), "1,234,567.89");
        assert_eq!(group(-1234.4, 0), "-1,234");
        assert_eq!(group(-0.001, 2), "0.00");
        let a = Axis::new(0.0, 87.0);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 100.0, 20.0));
    }
}
