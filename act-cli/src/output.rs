//! Shared output plumbing: the context commands write to, text and markdown tables, wrapping.

use std::io::{self, Write};

use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
};

/// A comfy-table preset with no borders and one line under the header.
const HEADER_LINE_ONLY: &str = "     ─             ";

use crate::catalog::Entry;

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

/// One aligned table, comfy-table's dynamic arrangement wrapping the [`Kind::Prose`] columns.
fn aligned(
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

/// Narrowest a [`Kind::Prose`] column is allowed to get before the table is printed as
/// records instead: below this a sentence is a word or two per line.
const MIN_PROSE_WIDTH: usize = 24;

/// An aligned text table that fits in `width` columns; `kinds[i]` lays out column `i`.
///
/// Where it is too wide, it degrades in the way that keeps it readable: a table of numbers and
/// words is split into several tables, each repeating the first column (the key, e.g. `x`),
/// and a table with sentences (or one whose key and a single column do not fit) becomes one
/// record per row, each cell on its own line under the row's first cell.
pub fn text_table(
    header: &[&str],
    rows: &[Vec<String>],
    kinds: &[Kind],
    color: bool,
    width: usize,
) -> String {
    text_table_keyed(header, rows, kinds, color, width, 1)
}

/// [`text_table`] with the first `keys` columns repeated in every split table (`a` and `b`
/// of a gated activation).
pub fn text_table_keyed(
    header: &[&str],
    rows: &[Vec<String>],
    kinds: &[Kind],
    color: bool,
    width: usize,
    keys: usize,
) -> String {
    // Characters each column takes, its padding included (one space each side).
    let natural: Vec<usize> = (0..header.len())
        .map(|i| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.lines().map(|l| l.chars().count()).max().unwrap_or(0))
                .max()
                .unwrap_or(0);
            let least = if kinds.get(i) == Some(&Kind::Prose) {
                MIN_PROSE_WIDTH
            } else {
                widest
            };
            least
                .max(header[i].chars().count())
                .min(widest.max(header[i].chars().count()))
                + 2
        })
        .collect();
    // The rule under the header runs the full width, the last column's padding included.
    let fits = |columns: &[usize]| columns.iter().map(|&i| natural[i]).sum::<usize>() <= width;
    let all: Vec<usize> = (0..header.len()).collect();
    if fits(&all) {
        return aligned(header, rows, kinds, color, width);
    }
    let keys = keys.min(header.len());
    let prose = kinds.contains(&Kind::Prose);
    let key_columns: Vec<usize> = (0..keys).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    if !prose && keys < header.len() {
        let mut current = key_columns.clone();
        for i in keys..header.len() {
            current.push(i);
            if !fits(&current) && current.len() > keys + 1 {
                current.pop();
                groups.push(std::mem::replace(&mut current, key_columns.clone()));
                current.push(i);
            }
        }
        groups.push(current);
    }
    if !groups.is_empty() && groups.iter().all(|g| fits(g)) {
        let mut s = String::new();
        for (n, g) in groups.iter().enumerate() {
            if n > 0 {
                s.push('\n');
            }
            let h: Vec<&str> = g.iter().map(|&i| header[i]).collect();
            let k: Vec<Kind> = g
                .iter()
                .map(|&i| kinds.get(i).copied().unwrap_or(Kind::Word))
                .collect();
            let r: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    g.iter()
                        .map(|&i| row.get(i).cloned().unwrap_or_default())
                        .collect()
                })
                .collect();
            s.push_str(&aligned(&h, &r, &k, color, width));
        }
        return s;
    }
    records(header, rows, color, width)
}

/// One record per row: the first cell as a heading, then `header  cell` for the others, the
/// cells wrapped at `width` under themselves.
fn records(header: &[&str], rows: &[Vec<String>], color: bool, width: usize) -> String {
    let key_w = header
        .iter()
        .skip(1)
        .map(|h| h.chars().count())
        .max()
        .unwrap_or(0);
    let indent = " ".repeat(key_w + 4);
    let mut s = String::new();
    for row in rows {
        let title = row.first().map_or("", String::as_str);
        if color {
            s.push_str(&format!("\x1b[1m{title}\x1b[0m\n"));
        } else {
            s.push_str(title);
            s.push('\n');
        }
        for (h, cell) in header.iter().zip(row).skip(1) {
            if cell.is_empty() {
                continue;
            }
            s.push_str(&wrap(cell, width, &format!("  {h:<key_w$}  "), &indent));
        }
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

/// JSON has no inf or NaN: they are written as the strings `"Infinity"`, `"-Infinity"` and
/// `"NaN"`, which JavaScript's `Number()` and Python's `float()` read back (`null` would lose
/// which one it was).
fn non_finite(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// A JSON number at full precision, written as serde_json writes an `f64` everywhere else in
/// act-cli's JSON (`0.0`, `-1.5`, `1e-300`); not finite, a string (see [`non_finite`]).
pub fn write_json_number(out: &mut dyn Write, v: f64) -> io::Result<()> {
    if v.is_finite() {
        serde_json::to_writer(out, &v).map_err(io::Error::other)
    } else {
        write!(out, "\"{}\"", non_finite(v))
    }
}

/// A JSON value for a number at full precision; not finite, a string (see [`non_finite`]).
pub fn json_number(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or_else(
        || serde_json::Value::String(non_finite(v).to_string()),
        serde_json::Value::Number,
    )
}

/// `  key  value` with the value wrapped under itself at `width` (the key padded to `key_w`);
/// where a word of the value would not fit beside the key, the value goes on the lines below
/// the key, indented by 4.
pub fn key_value(key: &str, value: &str, key_w: usize, width: usize) -> String {
    let first = format!("  {key:<key_w$}  ");
    let indent = " ".repeat(first.chars().count());
    let longest = value
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    if indent.len() + longest > width {
        format!("  {key}\n{}", wrap(value, width, "    ", "    "))
    } else {
        wrap(value, width, &first, &indent)
    }
}

/// Greedy word wrap of `text` at `width`, each line prefixed by `indent` (the first by
/// `first`).
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_len = first.chars().count();
    let mut empty = true;
    // A word longer than a whole line (a long call in a note) is cut at the line's end.
    let room = width.saturating_sub(first.chars().count().max(indent.chars().count()));
    let words = text.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        let size = if room >= 10 && chars.len() > room {
            room
        } else {
            chars.len().max(1)
        };
        chars
            .chunks(size)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        let word = word.as_str();
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
    fn long_words_go_under_their_key() {
        assert_eq!(key_value("k", "a b", 3, 20), "  k    a b\n");
        assert_eq!(
            key_value("recommended for", "multiclass-classification", 15, 40),
            "  recommended for\n    multiclass-classification\n"
        );
    }

    #[test]
    fn wraps_words() {
        assert_eq!(
            wrap("x (nn.LeakyReLU(negative_slope=0.01))", 16, "  ", "  "),
            "  x\n  (nn.LeakyReLU(\n  negative_slope\n  =0.01))\n"
        );
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
    fn json_numbers_name_inf_and_nan() {
        let mut out = Vec::new();
        for v in [f64::NAN, 1e-20, f64::INFINITY, f64::NEG_INFINITY] {
            write_json_number(&mut out, v).unwrap();
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"NaN\" 1e-20 \"Infinity\" \"-Infinity\" "
        );
        let values: Vec<String> = [f64::NEG_INFINITY, 0.5, f64::NAN]
            .map(|v| json_number(v).to_string())
            .into();
        assert_eq!(values, ["\"-Infinity\"", "0.5", "\"NaN\""]);
    }

    #[test]
    fn narrow_number_tables_split_and_repeat_the_key() {
        let rows = vec![
            vec![
                "-12".into(),
                "6.144174602e-6".into(),
                "6.144136851e-6".into(),
            ],
            vec![
                "-11".into(),
                "0.00001670142185".into(),
                "0.00001670114291".into(),
            ],
        ];
        let kinds = [Kind::Number; 3];
        let header = ["x", "value", "derivative"];
        // 5 + 18 + 18 = 41 columns: one table at 41, two at 40.
        let one = text_table(&header, &rows, &kinds, false, 41);
        assert_eq!(one.lines().count(), 4, "{one}");
        let two = text_table(&header, &rows, &kinds, false, 40);
        assert_eq!(two.lines().count(), 9, "{two}");
        assert!(two.lines().all(|l| l.chars().count() <= 40), "{two}");
        assert_eq!(two.matches("-12").count(), 2, "the key is repeated: {two}");
        assert!(two.contains("value") && two.contains("derivative"));
        // Two keys (a gated table's a and b) are repeated together.
        let rows = vec![vec!["1".into(), "2".into(), "x".repeat(20), "y".repeat(20)]];
        let t = text_table_keyed(
            &["a", "b", "v", "d"],
            &rows,
            &[Kind::Number; 4],
            false,
            40,
            2,
        );
        assert_eq!(t.matches(" 1  2 ").count(), 2, "{t}");
    }

    #[test]
    fn narrow_tables_with_sentences_become_records() {
        let rows = vec![vec![
            "sigmoid".into(),
            "(0, 1)".into(),
            "Logistic sigmoid: squashes any input into (0, 1).".into(),
        ]];
        let kinds = [Kind::Word, Kind::Word, Kind::Prose];
        let t = text_table(&["name", "range", "summary"], &rows, &kinds, false, 40);
        assert_eq!(
            t,
            "sigmoid\n  range    (0, 1)\n  summary  Logistic sigmoid: squashes\n           any input into (0, 1).\n"
        );
        // Wide enough for the sentence column at its minimum: a table.
        let t = text_table(&["name", "range", "summary"], &rows, &kinds, false, 60);
        assert!(t.contains('─'), "{t}");
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
