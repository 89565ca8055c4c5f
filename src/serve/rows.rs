//! Report tables as JSON rows for the API: one object per row keyed by the CSV's column
//! names, in the CSV's order; money as the CSV writes it (a string of yuan with two
//! decimals), absent values as `null`, counts and years as numbers, derived statistics as
//! numbers. Written straight into a buffer (a settlement of every year is thousands of
//! rows; the answer must take milliseconds).

use crate::money::write_yuan;
use crate::report::table::{Table, Values};
use crate::scenario::compare::county_per_capita;
use crate::settlement::SettlementRow;
use std::fmt::Write;

/// Appends `s` as a JSON string.
pub fn push_str(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a derived statistic: a JSON number, or `null` when absent or not finite.
pub fn push_f64(out: &mut String, f: Option<f64>) {
    match f {
        Some(f) if f.is_finite() => {
            let _ = write!(out, "{f}");
        }
        _ => out.push_str("null"),
    }
}

/// Appends fen as the CSV writes them, a JSON string of yuan (`"-1234.56"`).
fn push_yuan(out: &mut String, fen: i64) {
    out.push('"');
    write_yuan(out, fen);
    out.push('"');
}

fn push_cell(out: &mut String, v: &Values, i: usize) {
    match v {
        Values::Text(v) => push_str(out, &v[i]),
        Values::Label(v) => push_str(out, v[i]),
        Values::Int(v) => crate::money::write_int(out, v[i]),
        Values::OptInt(v) => match v[i] {
            Some(x) => crate::money::write_int(out, x),
            None => out.push_str("null"),
        },
        Values::Money(v) => push_yuan(out, v[i]),
        Values::OptMoney(v) => match v[i] {
            Some(x) => push_yuan(out, x),
            None => out.push_str("null"),
        },
        Values::Bool(v) => out.push_str(if v[i] { "true" } else { "false" }),
        Values::Float(v) => push_f64(out, v[i]),
    }
}

/// Appends the rows of `t` as a JSON array of objects.
pub fn push_rows(out: &mut String, t: &Table) {
    // each cell's key written once: `"name":`, after a comma but for the first column
    let keys: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(j, (n, _))| {
            let mut s = String::from(if j > 0 { "," } else { "" });
            push_str(&mut s, n);
            s.push(':');
            s
        })
        .collect();
    out.push('[');
    for i in 0..t.height() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (key, (_, v)) in keys.iter().zip(&t.columns) {
            out.push_str(key);
            push_cell(out, v, i);
        }
        out.push('}');
    }
    out.push(']');
}

/// Points of the Lorenz curve (洛伦兹曲线) of county per-capita available resources in
/// `year` — the counties of the comparison's Gini ([`county_per_capita`]) — poorest first:
/// `(share of counties, share of the total)`, from `(0, 0)` to `(1, 1)`.
pub fn lorenz(rows: &[SettlementRow], year: i32) -> Vec<(f64, f64)> {
    let mut values = county_per_capita(rows, year);
    values.sort_by(f64::total_cmp);
    let total: f64 = values.iter().sum();
    let n = values.len() as f64;
    let mut points = vec![(0.0, 0.0)];
    let mut cumulative = 0.0;
    for (i, v) in values.iter().enumerate() {
        cumulative += v;
        let share = if total == 0.0 {
            0.0
        } else {
            cumulative / total
        };
        points.push(((i + 1) as f64 / n, share));
    }
    points
}

/// Appends Lorenz points as `[[x, y], …]`, 6 decimals.
pub fn push_points(out: &mut String, points: &[(f64, f64)]) {
    out.push('[');
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{x:.6},{y:.6}]");
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Values::*;

    #[test]
    fn rows_are_valid_json_with_money_as_csv_text() {
        let t = Table::new("t")
            .col("name", Text(vec!["a\"b".into(), "温县".into()]))
            .col("amount", Money(vec![-123_456, 5]))
            .col("per_head", OptMoney(vec![None, Some(100)]))
            .col("gini", Float(vec![Some(0.25), Some(f64::NAN)]))
            .col("projected", Bool(vec![false, true]));
        let mut out = String::new();
        push_rows(&mut out, &t);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["name"], "a\"b");
        assert_eq!(v[0]["amount"], "-1234.56");
        assert_eq!(v[1]["amount"], "0.05");
        assert!(v[0]["per_head"].is_null());
        assert_eq!(v[1]["per_head"], "1.00");
        assert_eq!(v[0]["gini"], 0.25);
        assert!(v[1]["gini"].is_null());
        assert_eq!(v[1]["projected"], true);
    }
}
