//! Terminal columns: Chinese characters take two columns, so region names are padded by
//! display width, not by `char` count (`format!("{:<10}")` would misalign them).

use unicode_width::UnicodeWidthStr;

/// `s` followed by spaces up to `width` terminal columns (nothing added if wider).
pub fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn chinese_names_take_two_columns_each() {
        assert_eq!(pad("郑州市", 10), "郑州市    ");
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("三门峡市水利局", 4), "三门峡市水利局");
    }
}
