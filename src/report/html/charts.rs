//! The report's chart types drawn on [`super::svg`]: stacked and grouped bars, lines,
//! diverging horizontal bars and Lorenz curves; each returns one inline `<svg>`.

use super::svg::{group, legend_items, Axis, Canvas, Plot, Series, COLORS, WIDTH};
use std::fmt::Write as _;

const GAIN: &str = "#3a8d3f";
const LOSS: &str = "#d1495b";

/// Stacked bars, one per category (year); `faded` categories (projected years) are drawn
/// lighter and hatched. Each bar is labelled with its total.
pub fn stacked_bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    faded: &[bool],
    unit: &str,
) -> String {
    let height = 420.0;
    let plot = Plot::standard(height);
    let column = |i: usize| series.iter().map(move |s| s.values[i]);
    let max = (0..categories.len()).map(|i| column(i).filter(|v| *v > 0.0).sum::<f64>());
    let min = (0..categories.len()).map(|i| column(i).filter(|v| *v < 0.0).sum::<f64>());
    let axis = Axis::new(min.fold(0.0, f64::min), max.fold(0.0, f64::max));
    let mut c = Canvas::new(id, height);
    c.legend(&legend_items(series, faded));
    c.value_grid(&axis, &plot, unit);
    let band = plot.band(categories.len());
    for i in 0..categories.len() {
        let x = plot.left + band * (i as f64 + 0.2);
        let (mut up, mut down) = (0.0, 0.0);
        let projected = faded.get(i).copied().unwrap_or(false);
        for (k, v) in column(i).enumerate() {
            let (from, to) = if v >= 0.0 {
                up += v;
                (up - v, up)
            } else {
                down += v;
                (down - v, down)
            };
            let (y0, y1) = (
                axis.at(from, plot.bottom, plot.top),
                axis.at(to, plot.bottom, plot.top),
            );
            let opacity = if projected {
                r#"fill-opacity="0.45""#
            } else {
                ""
            };
            c.rect(
                x,
                y0.min(y1),
                band * 0.6,
                (y0 - y1).abs(),
                COLORS[k % COLORS.len()],
                opacity,
            );
            if projected {
                let h = c.hatch();
                c.rect(x, y0.min(y1), band * 0.6, (y0 - y1).abs(), &h, "");
            }
        }
        let top = axis.at(up, plot.bottom, plot.top);
        c.text(
            x + band * 0.3,
            top - 5.0,
            &group(up + down, 2),
            r#"font-size="12" text-anchor="middle""#,
        );
    }
    c.projected_mark(faded, &plot);
    c.category_labels(categories, &plot);
    c.finish(title)
}

/// Grouped bars: for each category one bar per series side by side.
pub fn grouped_bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    unit: &str,
) -> String {
    let height = 440.0;
    let plot = Plot::standard(height);
    let all = series.iter().flat_map(|s| s.values.iter().copied());
    let axis = Axis::new(all.clone().fold(0.0, f64::min), all.fold(0.0, f64::max));
    let mut c = Canvas::new(id, height);
    c.legend(&legend_items(series, &[]));
    c.value_grid(&axis, &plot, unit);
    let band = plot.band(categories.len());
    let bar = band * 0.8 / series.len().max(1) as f64;
    let zero = axis.at(0.0, plot.bottom, plot.top);
    for i in 0..categories.len() {
        for (k, s) in series.iter().enumerate() {
            let x = plot.left + band * (i as f64 + 0.1) + bar * k as f64;
            let y = axis.at(s.values[i], plot.bottom, plot.top);
            c.rect(
                x,
                y.min(zero),
                bar * 0.92,
                (zero - y).abs(),
                COLORS[k % COLORS.len()],
                "",
            );
        }
    }
    c.category_labels(categories, &plot);
    c.finish(title)
}

/// Lines over categories (years); segments into `faded` categories are dashed and their
/// points hollow. The last value of each line is labelled.
pub fn lines(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    faded: &[bool],
    unit: &str,
) -> String {
    let height = 400.0;
    let plot = Plot::standard(height);
    let all = series.iter().flat_map(|s| s.values.iter().copied());
    let axis = Axis::new(all.clone().fold(0.0, f64::min), all.fold(0.0, f64::max));
    let mut c = Canvas::new(id, height);
    let mut items = legend_items(series, &[]);
    if faded.iter().any(|&f| f) {
        items.push(("虚线/空心 = 预测 projected".into(), "#ffffff".into(), false));
    }
    c.legend(&items);
    c.value_grid(&axis, &plot, unit);
    c.projected_mark(faded, &plot);
    let band = plot.band(categories.len());
    for (k, s) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let pts: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    plot.left + band * (i as f64 + 0.5),
                    axis.at(*v, plot.bottom, plot.top),
                )
            })
            .collect();
        for i in 1..pts.len() {
            let dash = if faded.get(i).copied().unwrap_or(false) {
                r#"stroke-dasharray="6 4""#
            } else {
                ""
            };
            c.line(
                pts[i - 1],
                pts[i],
                color,
                &format!(r#"stroke-width="2.5" {dash}"#),
            );
        }
        for (i, (x, y)) in pts.iter().enumerate() {
            let fill = if faded.get(i).copied().unwrap_or(false) {
                "#ffffff"
            } else {
                color
            };
            c.push(format!(
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{fill}" stroke="{color}" stroke-width="2"/>"#
            ));
        }
        if let (Some((x, y)), Some(v)) = (pts.last(), s.values.last()) {
            c.text(
                x - 8.0,
                y - 9.0,
                &group(*v, 2),
                &format!(r#"font-size="12" text-anchor="end" fill="{color}""#),
            );
        }
    }
    c.category_labels(categories, &plot);
    c.finish(title)
}

/// Diverging horizontal bars: gains (largest first) above losses (largest first), each row
/// labelled with its name beside the zero line and its value at the end of the bar.
pub fn diverging_bars(
    id: &str,
    title: &str,
    gains: &[(String, f64)],
    losses: &[(String, f64)],
    unit: &str,
) -> String {
    let row = 21.0;
    let heading = 26.0;
    let height = 70.0 + 2.0 * heading + row * (gains.len() + losses.len()) as f64 + 20.0;
    let plot = Plot {
        left: 150.0,
        right: WIDTH - 150.0,
        top: 56.0,
        bottom: height - 20.0,
    };
    let all = gains.iter().chain(losses).map(|(_, v)| *v);
    let axis = Axis::new(all.clone().fold(0.0, f64::min), all.fold(0.0, f64::max));
    let mut c = Canvas::new(id, height);
    c.text(plot.left, 26.0, unit, r##"font-size="12" fill="#555""##);
    for t in axis.ticks() {
        let x = axis.at(t, plot.left, plot.right);
        c.line(
            (x, plot.top),
            (x, plot.bottom),
            if t == 0.0 { "#555" } else { "#e6e6e6" },
            "",
        );
        c.text(
            x,
            plot.top - 6.0,
            &axis.label(t),
            r#"font-size="12" text-anchor="middle""#,
        );
    }
    let zero = axis.at(0.0, plot.left, plot.right);
    let mut y = plot.top + 4.0;
    for (label, rows, color) in [
        ("增加最多 top gains", gains, GAIN),
        ("减少最多 top losses", losses, LOSS),
    ] {
        c.text(
            plot.left - 140.0,
            y + 17.0,
            label,
            r#"font-size="13" font-weight="bold""#,
        );
        y += heading;
        if rows.is_empty() {
            c.text(
                zero + 8.0,
                y + 14.0,
                "（无 none）",
                r##"font-size="12" fill="#777""##,
            );
            y += row;
        }
        for (name, v) in rows {
            let x = axis.at(*v, plot.left, plot.right);
            c.rect(x.min(zero), y + 3.0, (x - zero).abs(), row - 6.0, color, "");
            let (name_x, name_anchor, value_x, value_anchor) = if *v >= 0.0 {
                (zero - 6.0, "end", x + 5.0, "start")
            } else {
                (zero + 6.0, "start", x - 5.0, "end")
            };
            c.text(
                name_x,
                y + 15.0,
                name,
                &format!(r#"font-size="13" text-anchor="{name_anchor}""#),
            );
            c.text(
                value_x,
                y + 15.0,
                &group(*v, 2),
                &format!(r#"font-size="12" text-anchor="{value_anchor}" fill="{color}""#),
            );
            y += row;
        }
    }
    c.finish(title)
}

/// Lorenz curves of per-capita values: share of counties (poorest first) against share of
/// the total, with the line of equality. Each curve is (legend text, values); `notes` are
/// printed under the legend.
pub fn lorenz(id: &str, title: &str, curves: &[(String, Vec<f64>)], notes: &[String]) -> String {
    let height = 500.0;
    let plot = Plot {
        left: 90.0,
        right: 490.0,
        top: 50.0,
        bottom: 450.0,
    };
    let mut c = Canvas::new(id, height);
    let unit = Axis {
        lo: 0.0,
        hi: 1.0,
        step: 0.2,
    };
    for t in unit.ticks() {
        let (x, y) = (
            unit.at(t, plot.left, plot.right),
            unit.at(t, plot.bottom, plot.top),
        );
        c.line((plot.left, y), (plot.right, y), "#e6e6e6", "");
        c.line((x, plot.top), (x, plot.bottom), "#e6e6e6", "");
        let pct = format!("{:.0}%", t * 100.0);
        c.text(
            plot.left - 6.0,
            y + 4.0,
            &pct,
            r#"font-size="12" text-anchor="end""#,
        );
        c.text(
            x,
            plot.bottom + 16.0,
            &pct,
            r#"font-size="12" text-anchor="middle""#,
        );
    }
    c.line(
        (plot.left, plot.bottom),
        (plot.right, plot.top),
        "#999",
        r#"stroke-dasharray="4 4""#,
    );
    c.text(
        plot.right + 8.0,
        plot.top + 4.0,
        "均等线 equality",
        r##"font-size="12" fill="#777""##,
    );
    c.text(
        (plot.left + plot.right) / 2.0,
        plot.bottom + 32.0,
        "县（按人均可用财力由低到高）累计占比 share of counties",
        r#"font-size="12" text-anchor="middle""#,
    );
    c.text(
        plot.left - 60.0,
        plot.top - 14.0,
        "可用财力累计占比 share of per-capita total",
        r#"font-size="12""#,
    );
    for (k, (name, values)) in curves.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let total: f64 = sorted.iter().sum();
        let n = sorted.len().max(1) as f64;
        let mut pts = String::new();
        let mut acc = 0.0;
        let _ = write!(pts, "{:.1},{:.1}", plot.left, plot.bottom);
        for (i, v) in sorted.iter().enumerate() {
            acc += v;
            let share = if total > 0.0 { acc / total } else { 0.0 };
            let x = unit.at((i + 1) as f64 / n, plot.left, plot.right);
            let _ = write!(pts, " {x:.1},{:.1}", unit.at(share, plot.bottom, plot.top));
        }
        let dash = if k > 0 {
            r#"stroke-dasharray="7 4""#
        } else {
            ""
        };
        c.push(format!(
            r#"<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2.5" {dash}/>"#
        ));
        let y = 120.0 + 26.0 * k as f64;
        c.line(
            (560.0, y - 5.0),
            (600.0, y - 5.0),
            color,
            &format!(r#"stroke-width="3" {dash}"#),
        );
        c.text(610.0, y, name, r#"font-size="14""#);
    }
    for (i, line) in notes.iter().enumerate() {
        let y = 130.0 + 26.0 * curves.len() as f64 + 20.0 * i as f64;
        c.text(560.0, y, line, r#"font-size="13""#);
    }
    c.finish(title)
}
