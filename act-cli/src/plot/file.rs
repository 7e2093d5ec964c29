//! SVG and PNG plots with plotters, text rendered with the bundled DejaVu Sans.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Series;
use crate::error::usage;

/// DejaVu Sans (Bitstream Vera license, see `assets/DejaVuSans-LICENSE.txt`): PNG text must
/// render on machines without system fonts.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Category10, one colour per function.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            // The font is compiled in and known to parse; a failure would only lose text.
            let _ = register_font("sans-serif", style, FONT);
        }
    });
}

/// Writes the plot to `path`, SVG or PNG by extension, with `x` and `y` as the axes' ranges.
pub fn write(
    path: &Path,
    series: &[Series],
    x: (f64, f64),
    y: (f64, f64),
    size: (u32, u32),
    title: &str,
    variable: &str,
) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext != "svg" && ext != "png" {
        return Err(usage(format!(
            "--output must end in .svg or .png, got '{}'",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(usage(format!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    // Drawn into a file beside the target and renamed into place when complete, so a failure
    // leaves no partial plot behind.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = dir.join(format!(".{name}.{}.partial.{ext}", std::process::id()));
    register_fonts();
    let plot = Plot {
        series,
        x,
        y,
        title,
        variable,
        brush: ext == "png",
    };
    let result = if ext == "svg" {
        plot.draw(SVGBackend::new(&partial, size).into_drawing_area())
            .map_err(|e| e.to_string())
    } else {
        plot.draw(BitMapBackend::new(&partial, size).into_drawing_area())
            .map_err(|e| e.to_string())
    };
    let result = result.and_then(|()| std::fs::rename(&partial, path).map_err(|e| e.to_string()));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map_err(|e| usage(format!("cannot write {}: {e}", path.display())))
}

/// What to draw.
struct Plot<'a> {
    series: &'a [Series],
    x: (f64, f64),
    y: (f64, f64),
    title: &'a str,
    /// The input along the x axis: `x`, or `a`/`b` for a gated activation with the other held.
    variable: &'a str,
    /// Draw wide lines with a brush of one-pixel lines (bitmaps).
    brush: bool,
}

/// Legend text size and line height in pixels for `n` entries in `height` pixels: 16 px text
/// while they fit, smaller (down to 9 px) for many series.
fn legend_metrics(n: usize, height: u32) -> (u32, u32) {
    let line = (height.saturating_sub(40) / n.max(1) as u32).clamp(11, 24);
    let font = (line * 2 / 3).clamp(9, 16);
    (font, line)
}

/// The palette colour of each series: a function and its derivative share one.
fn colours(series: &[Series]) -> Vec<RGBColor> {
    let mut function = 0usize;
    series
        .iter()
        .map(|s| {
            if !s.derivative && !std::ptr::eq(s, &series[0]) {
                function += 1;
            }
            PALETTE[function % PALETTE.len()]
        })
        .collect()
}

impl Plot<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let (width, height) = root.dim_in_pixel();
        // The legend has a column of its own on the right, as wide as its longest label, so
        // that it never covers the curves, however many there are.
        let (font, line) = legend_metrics(self.series.len(), height);
        let longest = self
            .series
            .iter()
            .map(|s| s.label.chars().count())
            .max()
            .unwrap_or(0) as u32;
        let legend_w = (longest * font * 3 / 5 + 64).min(width * 2 / 5);
        let (plot_area, legend_area) = root.split_horizontally(width - legend_w);
        let (x0, x1) = self.x;
        let (y0, y1) = self.y;
        let mut builder = ChartBuilder::on(&plot_area);
        // A title that would not fit is left out: the legend names every curve.
        if self.title.chars().count() as u32 * 14 < width - legend_w {
            builder.caption(self.title, ("sans-serif", 26));
        }
        let mut chart = builder
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let any_derivative = self.series.iter().any(|s| s.derivative);
        chart
            .configure_mesh()
            .x_desc(self.variable)
            .y_desc(if any_derivative {
                // `f'(x)`; a gated input held the other fixed: `df/da` (ASCII: the fonts).
                match self.variable {
                    "x" => "f(x), f'(x)".to_string(),
                    v => format!("f({v}), df/d{v}"),
                }
            } else {
                format!("f({})", self.variable)
            })
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .light_line_style(BLACK.mix(0.05))
            .bold_line_style(BLACK.mix(0.15))
            .draw()?;
        let axis = BLACK.mix(0.45).stroke_width(1);
        if y0 < 0.0 && 0.0 < y1 {
            chart.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], axis))?;
        }
        if x0 < 0.0 && 0.0 < x1 {
            chart.draw_series(LineSeries::new([(0.0, y0), (0.0, y1)], axis))?;
        }
        let colours = colours(self.series);
        for (s, colour) in self.series.iter().zip(&colours) {
            for segment in &s.segments {
                for run in clip(segment, self.y) {
                    let pixels: Vec<(i32, i32)> =
                        run.iter().map(|p| chart.backend_coord(p)).collect();
                    self.stroke(&root, pixels, *colour, s.derivative)?;
                }
            }
        }
        // The legend: a sample of each line and its label, top to bottom.
        for (i, (s, colour)) in self.series.iter().zip(&colours).enumerate() {
            let y = 24 + (i as u32 * line) as i32 + line as i32 / 2;
            let (lx, ly) = (width - legend_w, 0);
            let sample = vec![(lx as i32 + 8, ly + y), (lx as i32 + 44, ly + y)];
            self.stroke(&root, sample, *colour, s.derivative)?;
            let text = TextStyle::from(("sans-serif", font).into_font())
                .pos(Pos::new(HPos::Left, VPos::Center));
            legend_area.draw(&Text::new(s.label.clone(), (52, y), text))?;
        }
        root.present()
    }

    /// Draws a line through pixel `points`: 3 pixels wide for a function, 2 and dashed for a
    /// derivative. Into a bitmap the line is stamped with a square brush of one-pixel lines,
    /// which stays as even as a one-pixel line (plotters' wide lines are jagged there); an SVG
    /// gets a real stroke.
    fn stroke<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        points: Vec<(i32, i32)>,
        colour: RGBColor,
        derivative: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let width = if derivative { 2 } else { 3 };
        let offsets: Vec<i32> = if self.brush {
            if derivative {
                vec![0, 1]
            } else {
                vec![-1, 0, 1]
            }
        } else {
            vec![0]
        };
        let style = colour.stroke_width(if self.brush { 1 } else { width });
        for &dx in &offsets {
            for &dy in &offsets {
                let shifted: Vec<(i32, i32)> =
                    points.iter().map(|&(x, y)| (x + dx, y + dy)).collect();
                if derivative {
                    area.draw(&DashedPathElement::new(shifted, 9, 6, style))?;
                } else {
                    area.draw(&PathElement::new(shifted, style))?;
                }
            }
        }
        Ok(())
    }
}

/// The parts of a polyline inside the band `y0 <= y <= y1`, each ending where the line
/// crosses the band's edge (found by linear interpolation). `x` increases along the line.
fn clip(points: &[(f64, f64)], (y0, y1): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| (y0..=y1).contains(&y);
    let crossing = |a: (f64, f64), b: (f64, f64), edge: f64| {
        let t = (edge - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), edge)
    };
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, &p) in points.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| points[j]);
        if let Some(q) = prev {
            // Where the piece from q to p enters or leaves the band.
            let mut hits: Vec<(f64, f64)> = [y0, y1]
                .into_iter()
                .filter(|&e| (q.1 - e) * (p.1 - e) < 0.0)
                .map(|e| crossing(q, p, e))
                .collect();
            hits.sort_by(|a, b| a.0.total_cmp(&b.0));
            if hits.len() == 2 {
                // Straight across the band.
                out.push(hits);
            } else if let Some(h) = hits.pop() {
                run.push(h);
                if !inside(p.1) {
                    out.push(std::mem::take(&mut run));
                }
            }
        }
        if inside(p.1) {
            run.push(p);
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out.retain(|r| r.len() >= 2 || (points.len() == 1 && r.len() == 1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_stop_at_the_edges() {
        // Up through the top at x = 1, back in at x = 3, out through the bottom at 4.5.
        let pts = [(0.0, 1.0), (2.0, 3.0), (4.0, 1.0), (5.0, -1.0)];
        assert_eq!(
            clip(&pts, (0.0, 2.0)),
            vec![
                vec![(0.0, 1.0), (1.0, 2.0)],
                vec![(3.0, 2.0), (4.0, 1.0), (4.5, 0.0)]
            ]
        );
        // Across the whole band between two samples.
        assert_eq!(
            clip(&[(0.0, -1.0), (2.0, 3.0)], (0.0, 2.0)),
            vec![vec![(0.5, 0.0), (1.5, 2.0)]]
        );
        assert!(clip(&[(0.0, 5.0), (1.0, 6.0)], (0.0, 2.0)).is_empty());
    }

    #[test]
    fn functions_and_their_derivatives_share_a_colour() {
        let s = |label: &str, derivative| Series {
            label: label.into(),
            derivative,
            segments: vec![],
        };
        let series = [s("a", false), s("a'", true), s("b", false), s("b'", true)];
        let c = colours(&series);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[2], c[3]);
        assert_ne!(c[0], c[2]);
    }

    #[test]
    fn many_series_get_smaller_legend_text() {
        assert_eq!(legend_metrics(4, 600), (16, 24));
        let (font, line) = legend_metrics(30, 600);
        assert!(30 * line <= 600 && font >= 9, "{font} {line}");
    }
}
