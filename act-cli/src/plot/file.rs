//! SVG and PNG plots with plotters, text rendered with the bundled DejaVu Sans.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;

use super::{Series, y_bounds};
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

/// Writes the plot to `path`, SVG or PNG by extension.
pub fn write(
    path: &Path,
    series: &[Series],
    x_range: (f64, f64),
    size: (u32, u32),
    title: &str,
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
    let result = if ext == "svg" {
        draw(
            SVGBackend::new(&partial, size).into_drawing_area(),
            series,
            x_range,
            title,
        )
        .map_err(|e| e.to_string())
    } else {
        draw(
            BitMapBackend::new(&partial, size).into_drawing_area(),
            series,
            x_range,
            title,
        )
        .map_err(|e| e.to_string())
    };
    let result = result.and_then(|()| std::fs::rename(&partial, path).map_err(|e| e.to_string()));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map_err(|e| usage(format!("cannot write {}: {e}", path.display())))
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    series: &[Series],
    (x0, x1): (f64, f64),
    title: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (y0, y1) = y_bounds(series);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let any_derivative = series.iter().any(|s| s.derivative);
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc(if any_derivative {
            "f(x), f'(x)"
        } else {
            "f(x)"
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
    for s in series {
        let colour = PALETTE[s.colour % PALETTE.len()];
        let style = colour.stroke_width(if s.derivative { 2 } else { 3 });
        let mut labelled = false;
        for segment in finite_segments(&s.points, (y0, y1)) {
            let anno = if s.derivative {
                chart.draw_series(DashedLineSeries::new(segment, 9, 6, style))?
            } else {
                chart.draw_series(LineSeries::new(segment, style))?
            };
            if !labelled {
                labelled = true;
                let dashed = s.derivative;
                anno.label(&s.label).legend(move |(x, y)| {
                    if dashed {
                        PathElement::new(vec![(x, y), (x + 8, y)], style)
                    } else {
                        PathElement::new(vec![(x, y), (x + 20, y)], style)
                    }
                });
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    root.present()
}

/// Runs of finite points (NaN and infinite values break the line), clamped a little beyond
/// the visible band so that steep lines leave the chart instead of disappearing.
fn finite_segments(points: &[(f64, f64)], (y0, y1): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let margin = y1 - y0;
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for &(x, y) in points {
        if y.is_finite() {
            current.push((x, y.clamp(y0 - margin, y1 + margin)));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_at_gaps() {
        let pts = [(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0), (3.0, 100.0)];
        let segs = finite_segments(&pts, (0.0, 4.0));
        assert_eq!(segs, vec![vec![(0.0, 1.0)], vec![(2.0, 3.0), (3.0, 8.0)]]);
    }
}
