//! Shared output plumbing: the context commands write to, text and markdown tables, wrapping.

use std::io::{self, Write};

use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
};

/// A comfy-table preset with no borders and one line under the header.
const HEADER_LINE_ONLY: &str = "     ─             ";

use crate::catalog::Entry;
use crate::number::write_number;

/// What a command needs besides its arguments.
pub struct Ctx<'a> {
    /// The built-in activations.
    pub entries: &'a [Entry],
    /// Standard output (buffered).
    pub out: &'a mut dyn Write,
    /// Colour the output (a terminal, and NO_COLOR unset).
    pub color: bool,
    /// Columns the text output must fit in: see [`output_width`].
    pub width: usize,
}

impl Ctx<'_> {
    /// Width to wrap prose at: the output's width, at most 100 (longer lines are hard to
    /// read).
    pub fn wrap_width(&self) -> usize {
        self.width.min(100)
    }
}

/// Narrowest width the text output is laid out for.
pub const MIN_WIDTH: usize = 40;

/// The width text output fits in: the terminal's when standard output is a terminal, else
/// `COLUMNS` when it holds a number, else 80. Never below [`MIN_WIDTH`].
pub fn output_width(terminal_columns: Option<u16>, columns_env: Option<&str>) -> usize {
    let width = match terminal_columns {
        Some(w) => usize::from(w),
        None => columns_env
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            .unwrap_or(80),
    };
    width.max(MIN_WIDTH)
}

/// Whether to colour: standard output is a terminal and NO_COLOR is unset or empty.
pub fn color_wanted(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// How a column of a text table is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Numbers: right-aligned, never wrapped.
    Number,
    /// Names and short values: left-aligned, never wrapped.
    Word,
    /// Sentences: left-aligned, wrapped at spaces to fit the width.
    Prose,
}

/// An aligned text table that fits in `width` columns by wrapping its [`Kind::Prose`] columns
/// (comfy-table's dynamic arrangement); `kinds[i]` lays out column `i`.
pub fn text_table(
    header: &[&str],
    rows: &[Vec<String>],
    kinds: &[Kind],
    color: bool,
    width: usize,
) -> String {
    let mut table = Table::new();
    table
        .load_preset(HEADER_LINE_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX))
        .force_no_tty();
    if color {
        table.enforce_styling();
    }
    table.set_header(header.iter().map(|h| {
        let cell = Cell::new(h);
        if color {
            cell.add_attribute(Attribute::Bold).fg(Color::Cyan)
        } else {
            cell
        }
    }));
    for row in rows {
        table.add_row(row.iter().map(Cell::new));
    }
    for (i, &kind) in kinds.iter().enumerate() {
        if let Some(col) = table.column_mut(i) {
            col.set_cell_alignment(if kind == Kind::Number {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
            if kind != Kind::Prose {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    // comfy-table pads every line to the table's width.
    let mut s = String::new();
    for line in table.to_string().lines() {
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Escapes a Markdown table cell.
pub fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes a Markdown table header; `numeric[i]` right-aligns column `i`.
pub fn md_header(out: &mut dyn Write, header: &[&str], numeric: &[bool]) -> io::Result<()> {
    write!(out, "|")?;
    for h in header {
        write!(out, " {} |", md_cell(h))?;
    }
    write!(out, "\n|")?;
    for i in 0..header.len() {
        let right = numeric.get(i).copied().unwrap_or(false);
        write!(out, "{}|", if right { " ---: " } else { " --- " })?;
    }
    writeln!(out)
}

/// A whole Markdown table.
pub fn md_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[bool],
) -> io::Result<()> {
    md_header(out, header, numeric)?;
    for row in rows {
        write!(out, "|")?;
        for cell in row {
            write!(out, " {} |", md_cell(cell))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A CSV table (the csv crate quotes as needed).
pub fn csv_table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// A JSON number, `null` when not finite (JSON has no inf or NaN).
pub fn write_json_number(out: &mut dyn Write, v: f64) -> io::Result<()> {
    if v.is_finite() {
        write_number(out, v)
    } else {
        out.write_all(b"null")
    }
}

/// A JSON value for a number (`null` when not finite), at full precision.
pub fn json_number(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Greedy word wrap of `text` at `width`, each line prefixed by `indent` (the first by
/// `first`).
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !empty && line_len + 1 + w > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
            line_len = indent.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += w;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words() {
        let s = wrap("aaa bbb ccc ddd", 9, "- ", "  ");
        assert_eq!(s, "- aaa bbb\n  ccc ddd\n");
        assert_eq!(wrap("", 10, "x ", "  "), "x\n");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let mut out = Vec::new();
        md_table(
            &mut out,
            &["a", "b"],
            &[vec!["x|y".into(), "1".into()]],
            &[false, true],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| a | b |\n| --- | ---: |\n| x\\|y | 1 |\n"
        );
    }

    #[test]
    fn json_numbers_are_null_when_not_finite() {
        let mut out = Vec::new();
        write_json_number(&mut out, f64::NAN).unwrap();
        write_json_number(&mut out, 1e-20).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "null1e-20");
    }

    #[test]
    fn text_table_aligns_numbers_right() {
        let rows = vec![
            vec!["a".into(), "1".into()],
            vec!["bbb".into(), "-10.5".into()],
        ];
        let t = text_table(
            &["name", "value"],
            &rows,
            &[Kind::Word, Kind::Number],
            false,
            80,
        );
        let lines: Vec<&str> = t.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("a  ") && l.trim_end().ends_with("    1")),
            "{t}"
        );
        assert!(!t.contains('\x1b'));
    }
}
