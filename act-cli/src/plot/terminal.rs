//! A terminal plot in Unicode braille: each character cell holds 2 x 4 dots.

use super::{Series, y_bounds};
use crate::number::fmt_number;

/// ANSI colours for the functions, in order.
const COLOURS: [&str; 6] = [
    "\x1b[31m", "\x1b[34m", "\x1b[32m", "\x1b[35m", "\x1b[33m", "\x1b[36m",
];
const RESET: &str = "\x1b[0m";

struct Canvas {
    cols: usize,
    rows: usize,
    bits: Vec<u8>,
    colour: Vec<Option<usize>>,
}

impl Canvas {
    fn new(cols: usize, rows: usize) -> Self {
        Canvas {
            cols,
            rows,
            bits: vec![0; cols * rows],
            colour: vec![None; cols * rows],
        }
    }

    /// Sets dot `(px, py)`, `py` counted from the top.
    fn set(&mut self, px: i64, py: i64, colour: Option<usize>) {
        if px < 0 || py < 0 || px >= 2 * self.cols as i64 || py >= 4 * self.rows as i64 {
            return;
        }
        let (px, py) = (px as usize, py as usize);
        let cell = (py / 4) * self.cols + px / 2;
        // Braille dot numbering: left column 1,2,3,7; right column 4,5,6,8.
        const BIT: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
        self.bits[cell] |= BIT[px % 2][py % 4];
        if colour.is_some() {
            self.colour[cell] = colour;
        }
    }

    /// A line between two dots; `dash` skips every other run of three dots.
    fn line(
        &mut self,
        a: (i64, i64),
        b: (i64, i64),
        colour: Option<usize>,
        dash: bool,
        phase: &mut u64,
    ) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let steps = dx.abs().max(dy.abs()).max(1);
        for k in 0..=steps {
            let x = a.0 + (dx * k + steps / 2 * dx.signum()) / steps;
            let y = a.1 + (dy * k + steps / 2 * dy.signum()) / steps;
            if !dash || (*phase / 3) % 2 == 0 {
                self.set(x, y, colour);
            }
            *phase += 1;
        }
    }
}

/// Renders the plot: y labels, braille area, x axis labels and a legend.
pub fn render(
    series: &[Series],
    (x0, x1): (f64, f64),
    cols: usize,
    rows: usize,
    color: bool,
) -> String {
    let (y0, y1) = y_bounds(series);
    let (w, h) = (2 * cols as i64, 4 * rows as i64);
    let to_px = |x: f64| ((x - x0) / (x1 - x0) * (w - 1) as f64).round() as i64;
    let to_py = |y: f64| {
        let t = ((y - y0) / (y1 - y0)).clamp(-1.0, 2.0);
        ((1.0 - t) * (h - 1) as f64).round() as i64
    };
    let mut canvas = Canvas::new(cols, rows);
    let mut phase = 0;
    // Axes, dotted.
    if y0 <= 0.0 && 0.0 <= y1 {
        let py = to_py(0.0);
        for px in (0..w).step_by(2) {
            canvas.set(px, py, None);
        }
    }
    if x0 <= 0.0 && 0.0 <= x1 {
        let px = to_px(0.0);
        for py in (0..h).step_by(2) {
            canvas.set(px, py, None);
        }
    }
    for s in series {
        let colour = Some(s.colour);
        let mut prev: Option<(i64, i64)> = None;
        for &(x, y) in &s.points {
            if !y.is_finite() {
                prev = None;
                continue;
            }
            let p = (to_px(x), to_py(y));
            match prev {
                Some(q) => canvas.line(q, p, colour, s.derivative, &mut phase),
                None => canvas.set(p.0, p.1, colour),
            }
            prev = Some(p);
        }
    }
    let top = fmt_label(y1);
    let bottom = fmt_label(y0);
    let zero_row = (y0 < 0.0 && 0.0 < y1).then(|| (to_py(0.0) / 4) as usize);
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
        let mut current: Option<usize> = None;
        for c in 0..cols {
            let i = r * cols + c;
            let colour = if color && canvas.bits[i] != 0 {
                canvas.colour[i]
            } else {
                None
            };
            if colour != current {
                if current.is_some() {
                    out.push_str(RESET);
                }
                if let Some(k) = colour {
                    out.push_str(COLOURS[k % COLOURS.len()]);
                }
                current = colour;
            }
            out.push(char::from_u32(0x2800 + u32::from(canvas.bits[i])).unwrap_or(' '));
        }
        if current.is_some() {
            out.push_str(RESET);
        }
        out.push('\n');
    }
    out.push_str(&format!("{:label_w$} └{}\n", "", "─".repeat(cols)));
    let left = fmt_label(x0);
    let right = fmt_label(x1);
    let mut axis: Vec<char> = vec![' '; cols + 2];
    let mut put = |pos: usize, text: &str| {
        for (k, ch) in text.chars().enumerate() {
            if let Some(slot) = axis.get_mut(pos + k) {
                *slot = ch;
            }
        }
    };
    put(0, &left);
    if x0 < 0.0 && 0.0 < x1 {
        let zc = (to_px(0.0) / 2) as usize + 1;
        if zc > left.chars().count() + 1 && zc + 2 < cols.saturating_sub(right.chars().count()) {
            put(zc, "0");
        }
    }
    put((cols + 1).saturating_sub(right.chars().count()), &right);
    let axis: String = axis.into_iter().collect();
    out.push_str(&format!("{:label_w$} {}\n", "", axis.trim_end()));
    let legend: Vec<String> = series
        .iter()
        .map(|s| {
            let mark = if s.derivative { "╌╌" } else { "──" };
            if color {
                format!(
                    "{}{mark}{RESET} {}",
                    COLOURS[s.colour % COLOURS.len()],
                    s.label
                )
            } else {
                format!("{mark} {}", s.label)
            }
        })
        .collect();
    out.push_str(&format!("{:label_w$}  {}\n", "", legend.join("   ")));
    out
}

/// Axis labels: up to 4 significant digits.
fn fmt_label(v: f64) -> String {
    let r = format!("{:.4}", v);
    let r = r.trim_end_matches('0').trim_end_matches('.');
    let r = if r == "-0" { "0" } else { r };
    if v.abs() >= 1e5 || (v != 0.0 && v.abs() < 1e-3) {
        fmt_number(v)
    } else {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str, f: impl Fn(f64) -> f64) -> Series {
        let points = (0..=100)
            .map(|i| -5.0 + 0.1 * i as f64)
            .map(|x| (x, f(x)))
            .collect();
        Series {
            label: label.into(),
            derivative: false,
            colour: 0,
            points,
        }
    }

    #[test]
    fn draws_a_ramp_with_labels() {
        let s = render(
            &[line("relu", |x: f64| x.max(0.0))],
            (-5.0, 5.0),
            40,
            10,
            false,
        );
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 10 + 3);
        assert!(lines[0].starts_with(" 5.25 ┤"), "{s}");
        assert!(lines[9].starts_with("-0.25 ┤"), "{s}");
        assert!(
            lines[11].contains("-5") && lines[11].trim_end().ends_with('5'),
            "{s}"
        );
        assert_eq!(lines[12].trim(), "── relu");
        // The top-right cell holds the end of the ramp.
        assert_ne!(lines[0].chars().last(), Some('\u{2800}'), "{s}");
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn colours_only_when_asked_and_gaps_for_nan() {
        let s = render(
            &[line("f", |x| if x < 0.0 { f64::NAN } else { x })],
            (-5.0, 5.0),
            30,
            6,
            true,
        );
        assert!(s.contains("\x1b[31m") && s.contains(RESET));
        let flat = render(&[line("c", |_| 2.0)], (-5.0, 5.0), 30, 6, false);
        assert!(flat.starts_with("3 ┤"), "{flat}");
        assert!(flat.lines().nth(5).unwrap().starts_with("1 ┤"), "{flat}");
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(fmt_label(5.25), "5.25");
        assert_eq!(fmt_label(-0.0), "0");
        assert_eq!(fmt_label(1.0 / 3.0), "0.3333");
        assert_eq!(fmt_label(1e6), "1000000");
        assert_eq!(fmt_label(1e-7), "1e-7");
    }
}
