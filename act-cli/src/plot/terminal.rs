//! A terminal plot in characters: each series has its own marker (and, on a colour terminal,
//! its own colour), so that every line, derivatives included, can be told apart with or
//! without colour; the legend says which marker is which.

use super::Series;
use crate::number::fmt_digits;
use crate::output::{Ctx, wrap};

/// One marker per series, in order; past the end they repeat (the legend still tells).
const MARKERS: [char; 12] = ['*', 'o', '+', 'x', '#', '@', '%', '&', '=', '$', '~', '^'];
/// ANSI colours for the series, in order.
const COLOURS: [&str; 12] = [
    "\x1b[31m", "\x1b[34m", "\x1b[32m", "\x1b[35m", "\x1b[33m", "\x1b[36m", "\x1b[91m", "\x1b[94m",
    "\x1b[92m", "\x1b[95m", "\x1b[93m", "\x1b[96m",
];
const RESET: &str = "\x1b[0m";

/// The plot area: one character per cell, and the series that drew it.
struct Grid {
    cols: usize,
    rows: usize,
    cells: Vec<char>,
    owner: Vec<Option<usize>>,
}

impl Grid {
    fn set(&mut self, col: usize, row: usize, c: char, owner: Option<usize>) {
        if col < self.cols && row < self.rows {
            self.cells[row * self.cols + col] = c;
            self.owner[row * self.cols + col] = owner;
        }
    }
}

/// The labels of the top and bottom rows: 4 significant digits, more where 4 would show the
/// same number twice, fewer where the label would pass 8 characters (the room `render`
/// keeps for it).
fn y_labels(y0: f64, y1: f64) -> (String, String) {
    let fits = |d: usize| {
        let (t, b) = (fmt_digits(y1, d), fmt_digits(y0, d));
        (t.chars().count() <= 8 && b.chars().count() <= 8).then_some((t, b))
    };
    let mut best = (1..=4).rev().find_map(fits);
    for d in 5..=8 {
        match &best {
            Some((t, b)) if t == b => best = fits(d).or(best),
            _ => break,
        }
    }
    best.unwrap_or_else(|| (fmt_digits(y1, 1), fmt_digits(y0, 1)))
}

/// Renders the plot: y labels, the plot area, x labels and a legend, within `cols + 10`
/// characters (the y labels take at most 8).
pub fn render(
    series: &[Series],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    (cols, rows): (usize, usize),
    ctx: &Ctx<'_>,
) -> String {
    let mut grid = Grid {
        cols,
        rows,
        cells: vec![' '; cols * rows],
        owner: vec![None; cols * rows],
    };
    let col_of = |x: f64| ((x - x0) / (x1 - x0) * (cols - 1) as f64).round();
    // Row as a real number: 0 at the top (y1), rows - 1 at the bottom (y0).
    let row_of = |y: f64| (y1 - y) / (y1 - y0) * (rows - 1) as f64;
    // Axes first, so that the curves draw over them.
    let zero_row = (y0 <= 0.0 && 0.0 <= y1).then(|| row_of(0.0).round() as usize);
    let zero_col = (x0 <= 0.0 && 0.0 <= x1).then(|| col_of(0.0) as usize);
    if let Some(r) = zero_row {
        for c in 0..cols {
            grid.set(c, r, '─', None);
        }
    }
    if let Some(c) = zero_col {
        for r in 0..rows {
            let cross = Some(r) == zero_row;
            grid.set(c, r, if cross { '┼' } else { '│' }, None);
        }
    }
    let last_row = (rows - 1) as f64;
    // Derivatives first, so that where lines meet the functions stay visible.
    let mut order: Vec<(usize, &Series)> = series.iter().enumerate().collect();
    order.sort_by_key(|(_, s)| !s.derivative);
    for (k, s) in order {
        let marker = MARKERS[k % MARKERS.len()];
        for segment in &s.segments {
            let mut prev: Option<(f64, f64)> = None;
            for &(x, y) in segment {
                let (c, r) = (col_of(x), row_of(y));
                // Joins the previous point with a vertical run in this column when the line
                // is steep, clipped to the plot area.
                let (lo, hi) = match prev {
                    Some((pc, pr)) if pc == c || pc + 1.0 == c => (r.min(pr), r.max(pr)),
                    _ => (r, r),
                };
                let (lo, hi) = (lo.max(0.0).round(), hi.min(last_row).round());
                let mut row = lo;
                while row <= hi {
                    grid.set(c as usize, row as usize, marker, Some(k));
                    row += 1.0;
                }
                prev = Some((c, r));
            }
        }
    }
    let (top, bottom) = y_labels(y0, y1);
    let label_w = top.chars().count().max(bottom.chars().count()).max(1);
    let mut out = String::new();
    for r in 0..rows {
        let label = if r == 0 {
            top.clone()
        } else if r == rows - 1 {
            bottom.clone()
        } else if Some(r) == zero_row {
            "0".to_string()
        } else {
            String::new()
        };
        let tick = if label.is_empty() { '│' } else { '┤' };
        out.push_str(&format!("{label:>label_w$} {tick}"));
        // One escape sequence per run of cells of the same series.
        let mut current: Option<usize> = None;
        for c in 0..cols {
            let i = r * cols + c;
            let owner = grid.owner[i].filter(|_| ctx.color);
            if owner != current {
                if current.is_some() {
                    out.push_str(RESET);
                }
                if let Some(k) = owner {
                    out.push_str(COLOURS[k % COLOURS.len()]);
                }
                current = owner;
            }
            out.push(grid.cells[i]);
        }
        if current.is_some() {
            out.push_str(RESET);
        }
        // Trailing spaces carry nothing.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out.push_str(&format!("{:label_w$} └{}\n", "", "─".repeat(cols)));
    let left = fmt_digits(x0, 4);
    let right = fmt_digits(x1, 4);
    let mut axis: Vec<char> = vec![' '; cols + 1];
    let mut put = |pos: usize, text: &str| {
        for (k, ch) in text.chars().enumerate() {
            if let Some(slot) = axis.get_mut(pos + k) {
                *slot = ch;
            }
        }
    };
    put(0, &left);
    if let Some(zc) = zero_col {
        let zc = zc + 1;
        if x0 < 0.0 && zc > left.chars().count() + 1 && zc + 2 < cols.saturating_sub(right.len()) {
            put(zc, "0");
        }
    }
    put((cols + 1).saturating_sub(right.chars().count()), &right);
    let axis: String = axis.into_iter().collect();
    out.push_str(&format!("{:label_w$} {}\n", "", axis.trim_end()));
    let items: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let marker = MARKERS[k % MARKERS.len()];
            if ctx.color {
                format!("{}{marker}{RESET} {}", COLOURS[k % COLOURS.len()], s.label)
            } else {
                format!("{marker} {}", s.label)
            }
        })
        .collect();
    // The legend wraps between items; ANSI codes take no room, so wrap the plain text and
    // colour it afterwards.
    let plain: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let marker = MARKERS[k % MARKERS.len()];
            format!("{marker}\u{e000}{}", s.label.replace(' ', "\u{e000}"))
        })
        .collect();
    let indent = " ".repeat(label_w + 2);
    // Items are kept whole (a placeholder for their spaces) and broken only between each other.
    let wrapped = wrap(
        &plain.join("\u{e000}\u{e000} "),
        ctx.width,
        &indent,
        &indent,
    );
    let mut legend: String = wrapped
        .lines()
        .map(|l| format!("{}\n", l.replace('\u{e000}', " ").trim_end()))
        .collect();
    if ctx.color {
        for (p, colored) in plain.iter().zip(&items) {
            legend = legend.replacen(&p.replace('\u{e000}', " "), colored, 1);
        }
    }
    out.push_str(&legend);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Ctx;

    fn line(label: &str, f: impl Fn(f64) -> f64) -> Series {
        let points = (0..=100)
            .map(|i| -5.0 + 0.1 * i as f64)
            .map(|x| (x, f(x)))
            .collect();
        Series {
            label: label.into(),
            derivative: false,
            segments: vec![points],
        }
    }

    fn draw(series: &[Series], y: (f64, f64), color: bool) -> String {
        let mut sink = Vec::new();
        let ctx = Ctx {
            entries: &[],
            out: &mut sink,
            color,
            width: 80,
        };
        render(series, (-5.0, 5.0), y, (40, 10), &ctx)
    }

    #[test]
    fn y_labels_fit_eight_characters_and_differ() {
        assert_eq!(
            y_labels(-0.004754, 0.09992),
            ("0.0999".into(), "-0.00475".into())
        );
        assert_eq!(
            y_labels(0.5000002, 0.5000008),
            ("0.500001".into(), "0.5".into())
        );
        assert_eq!(y_labels(0.0, 1.0), ("1".into(), "0".into()));
        let (t, b) = y_labels(-1.234e-300, 5.0);
        assert!(t.len() <= 8 && b.len() <= 8, "{t} {b}");
    }

    #[test]
    fn draws_a_ramp_with_labels() {
        let s = draw(&[line("relu", |x: f64| x.max(0.0))], (-0.25, 5.25), false);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 10 + 3);
        assert!(lines[0].starts_with(" 5.25 ┤"), "{s}");
        assert!(lines[9].starts_with("-0.25 ┤"), "{s}");
        assert!(lines[11].contains("-5") && lines[11].ends_with('5'), "{s}");
        assert_eq!(lines[12].trim(), "* relu");
        // The top-right cell holds the end of the ramp.
        assert!(lines[0].ends_with('*'), "{s}");
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn every_series_has_its_own_marker_and_colour() {
        let a = line("a", |x| x);
        let b = line("b", |x| -x);
        let s = draw(&[a.clone(), b.clone()], (-5.0, 5.0), false);
        assert!(s.contains('*') && s.contains('o'), "{s}");
        assert!(s.contains("* a") && s.contains("o b"), "{s}");
        let c = draw(&[a, b], (-5.0, 5.0), true);
        assert!(c.contains("\x1b[31m*") && c.contains("\x1b[34mo"), "{c}");
    }

    #[test]
    fn values_outside_the_limits_are_not_drawn() {
        let s = draw(&[line("big", |_| 100.0)], (-1.0, 1.0), false);
        assert!(!s.lines().take(10).any(|l| l.contains('*')), "{s}");
    }
}
