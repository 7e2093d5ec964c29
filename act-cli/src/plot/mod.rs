//! `plot`: sample the activations, then draw them in the terminal or to a file.

mod file;
mod terminal;

use crate::cli::PlotArgs;
use crate::error::usage;
use crate::output::Ctx;
use crate::source::Curve;

/// Samples per curve.
const SAMPLES: usize = 801;

/// One line of the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text, e.g. `relu` or `relu'`.
    pub label: String,
    /// True for a derivative (drawn dashed).
    pub derivative: bool,
    /// Index of the function (derivatives share their function's colour).
    pub colour: usize,
    /// Sample points; y may be non-finite (a gap).
    pub points: Vec<(f64, f64)>,
}

/// Samples each curve (and its derivative) at `n` points over `[from, to]`.
pub fn sample(
    curves: &[Box<dyn Curve>],
    from: f64,
    to: f64,
    n: usize,
    derivative: bool,
) -> Vec<Series> {
    let xs: Vec<f64> = (0..n)
        .map(|i| {
            if i + 1 == n {
                to
            } else {
                from + (to - from) * i as f64 / (n - 1) as f64
            }
        })
        .collect();
    let mut out = Vec::new();
    for (i, c) in curves.iter().enumerate() {
        let (mut v, mut d) = (vec![0.0; n], vec![0.0; n]);
        c.table(&xs, &mut v, &mut d);
        let label = c.label();
        out.push(Series {
            label: label.clone(),
            derivative: false,
            colour: i,
            points: xs.iter().copied().zip(v).collect(),
        });
        if derivative {
            out.push(Series {
                label: format!("{label}'"),
                derivative: true,
                colour: i,
                points: xs.iter().copied().zip(d).collect(),
            });
        }
    }
    out
}

/// The y interval to show: all finite values, padded by 5%, never empty.
pub fn y_bounds(series: &[Series]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in series {
        for &(_, y) in &s.points {
            if y.is_finite() {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
    }
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    if hi - lo < 1e-12 * (1.0 + lo.abs()) {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// `act-cli plot`.
pub fn run(args: &PlotArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves = args.sources.resolve(ctx.entries, &args.params)?;
    let (from, to) = (args.from, args.to);
    if !from.is_finite() || !to.is_finite() || from >= to {
        return Err(usage(format!(
            "--from must be less than --to, both finite; got {from} and {to}"
        )));
    }
    let series = sample(&curves, from, to, SAMPLES, args.derivative);
    let title = curves
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    match &args.output {
        Some(path) => {
            let size = (args.width.unwrap_or(960), args.height.unwrap_or(600));
            if !(200..=8000).contains(&size.0) || !(150..=8000).contains(&size.1) {
                return Err(usage(format!(
                    "image size {}x{} out of range (width 200..=8000, height 150..=8000)",
                    size.0, size.1
                )));
            }
            file::write(path, &series, (from, to), size, &title)?;
            writeln!(ctx.out, "wrote {}", path.display())?;
        }
        None => {
            let term_cols = ctx.width;
            let cols = args.width.map_or_else(
                || term_cols.saturating_sub(12).clamp(20, 160),
                |w| w as usize,
            );
            let rows = args.height.map_or(20, |h| h as usize);
            if !(10..=1000).contains(&cols) || !(4..=500).contains(&rows) {
                return Err(usage(format!(
                    "plot size {cols}x{rows} out of range (width 10..=1000, height 4..=500 characters)"
                )));
            }
            let text = terminal::render(&series, (from, to), cols, rows, ctx.color);
            write!(ctx.out, "{text}")?;
        }
    }
    Ok(())
}
