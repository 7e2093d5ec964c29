//! `plot`: sample the activations, then draw them in the terminal or to a file.

mod file;
mod terminal;

use crate::cli::PlotArgs;
use crate::error::usage;
use crate::output::Ctx;
use crate::source::Curve;

/// Fewest samples per curve in a file; a wide image gets two per pixel column.
const MIN_FILE_SAMPLES: usize = 801;

/// One line of the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text, e.g. `relu` or `relu'`.
    pub label: String,
    /// True for a derivative.
    pub derivative: bool,
    /// Runs of points to join with lines: broken at the kinks the activation declares (where
    /// a derivative jumps) and where a value is not finite.
    pub segments: Vec<Vec<(f64, f64)>>,
}

/// The next `f64` above `x` (finite `x`).
fn up(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// The next `f64` below `x` (finite `x`).
fn down(x: f64) -> f64 {
    -up(-x)
}

/// The sample inputs of one piece: `n` evenly spaced over `[from, to]`; an end at a kink is
/// moved one ULP inside, so that the piece takes its own side's value there.
fn piece_inputs(from: f64, to: f64, n: usize, open_left: bool, open_right: bool) -> Vec<f64> {
    let n = n.max(2);
    (0..n)
        .map(|i| {
            if i == 0 {
                if open_left { up(from) } else { from }
            } else if i + 1 == n {
                if open_right { down(to) } else { to }
            } else {
                from + (to - from) * i as f64 / (n - 1) as f64
            }
        })
        .collect()
}

/// Splits `points` where `y` is not finite.
fn finite_runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (x, y) in points {
        if y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Inputs of a vector activation's curve: softmax of a vector depends on every entry, so its
/// plot shows one fixed vector, [`VECTOR_POINTS`] evenly spaced x from `from` to `to`, the
/// inputs of `act-cli table NAME --from FROM --to TO --points 101` (the same numbers), not
/// one sample per pixel or character column (the plot would change with the width).
pub const VECTOR_POINTS: u64 = 101;

/// The [`VECTOR_POINTS`] inputs, computed as `table --points` computes them.
fn vector_inputs(from: f64, to: f64) -> Vec<f64> {
    let args = crate::cli::GridArgs {
        from,
        to,
        step: None,
        points: Some(VECTOR_POINTS),
    };
    // `plot` has checked that from < to, both finite: a valid grid.
    let grid = crate::grid::Grid::new(&args).expect("a valid grid");
    let mut xs = vec![0.0; VECTOR_POINTS as usize];
    grid.fill(0, &mut xs);
    xs
}

/// Samples each curve (and its derivative) with about `n` points over `[from, to]`, one piece
/// between each pair of kinks. A vector activation is applied to one fixed vector of
/// [`VECTOR_POINTS`] inputs (whatever `n`), and its legend says so.
pub fn sample(
    curves: &[Box<dyn Curve>],
    from: f64,
    to: f64,
    n: usize,
    derivative: bool,
) -> Vec<Series> {
    let mut out = Vec::new();
    for c in curves {
        let mut cuts: Vec<f64> = c
            .kinks()
            .into_iter()
            .filter(|k| *k > from && *k < to)
            .collect();
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut ends = vec![from];
        ends.extend(&cuts);
        ends.push(to);
        let pieces: Vec<Vec<f64>> = if c.is_vector() {
            // The plotted values are those of one fixed vector, whatever the width.
            vec![vector_inputs(from, to)]
        } else {
            ends.windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let share = ((w[1] - w[0]) / (to - from) * n as f64).ceil() as usize;
                    piece_inputs(w[0], w[1], share + 1, i > 0, i + 2 < ends.len())
                })
                .collect()
        };
        let xs: Vec<f64> = pieces.iter().flatten().copied().collect();
        let (mut v, mut d) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        c.table(&xs, &mut v, &mut d);
        let label = if c.is_vector() {
            format!("{} ({VECTOR_POINTS} x as one vector)", c.display_label())
        } else {
            c.display_label()
        };
        let split = |ys: &[f64]| {
            let mut segments = Vec::new();
            let mut start = 0;
            for p in &pieces {
                let end = start + p.len();
                let points = xs[start..end]
                    .iter()
                    .copied()
                    .zip(ys[start..end].iter().copied());
                segments.extend(finite_runs(points));
                start = end;
            }
            segments
        };
        // A formula declares no kinks: its jumps are found by bisection instead.
        let find_jumps = c.properties().is_none() && !c.is_vector();
        let segments = |ys: &[f64], which: Which| {
            let segments = split(ys);
            if find_jumps {
                split_at_jumps(c.as_ref(), segments, which)
            } else {
                segments
            }
        };
        out.push(Series {
            label: label.clone(),
            derivative: false,
            segments: segments(&v, Which::Value),
        });
        if derivative {
            out.push(Series {
                label: format!("{}'", c.display_label()),
                derivative: true,
                segments: segments(&d, Which::Derivative),
            });
        }
    }
    out
}

/// Which of a curve's outputs a series holds.
#[derive(Clone, Copy)]
enum Which {
    Value,
    Derivative,
}

/// `c`'s value or derivative at `x` (an elementwise curve).
fn at(c: &dyn Curve, x: f64, which: Which) -> f64 {
    let (mut v, mut d) = ([0.0], [0.0]);
    c.table(&[x], &mut v, &mut d);
    match which {
        Which::Value => v[0],
        Which::Derivative => d[0],
    }
}

/// Splits the segments where the curve jumps: between two samples whose values differ by more
/// than a twentieth of the series' spread, the step is narrowed by bisection to adjacent
/// floats; if it does not shrink with the interval, the curve is discontinuous there and the
/// line is broken (a smooth but steep curve keeps its line).
fn split_at_jumps(
    c: &dyn Curve,
    segments: Vec<Vec<(f64, f64)>>,
    which: Which,
) -> Vec<Vec<(f64, f64)>> {
    let (lo, hi) = segments
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let threshold = (hi - lo) / 20.0;
    if threshold.is_nan() || threshold <= 0.0 {
        return segments;
    }
    let mut out = Vec::new();
    for segment in segments {
        let mut current: Vec<(f64, f64)> = Vec::new();
        for (i, &p) in segment.iter().enumerate() {
            if let Some(&q) = i.checked_sub(1).and_then(|j| segment.get(j)) {
                let step = (p.1 - q.1).abs();
                if step > threshold {
                    let (mut a, mut b) = (q, p);
                    for _ in 0..1100 {
                        let m = a.0 + (b.0 - a.0) / 2.0;
                        if m <= a.0 || m >= b.0 {
                            break;
                        }
                        let ym = at(c, m, which);
                        if !ym.is_finite() {
                            break;
                        }
                        if (ym - a.1).abs() >= (b.1 - ym).abs() {
                            b = (m, ym);
                        } else {
                            a = (m, ym);
                        }
                    }
                    if (b.1 - a.1).abs() > step / 2.0 {
                        current.push(a);
                        out.push(std::mem::take(&mut current));
                        current.push(b);
                    }
                }
            }
            current.push(p);
        }
        out.push(current);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The y interval to show: all finite values, padded by 5%, never empty.
pub fn y_bounds(series: &[Series]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in series {
        for &(_, y) in s.segments.iter().flatten() {
            lo = lo.min(y);
            hi = hi.max(y);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (-1.0, 1.0);
    }
    if !(hi - lo).is_finite() {
        // Values near ±MAX on both sides: a span that overflows would make the axis infinite.
        // Show ±MAX/4 (the padded span stays finite); larger values are drawn clipped.
        (lo, hi) = (lo.max(-f64::MAX / 4.0), hi.min(f64::MAX / 4.0));
    }
    if hi - lo < 1e-12 * (1.0 + lo.abs()) {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// `act-cli plot`.
pub fn run(args: &PlotArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves = args
        .sources
        .resolve(ctx.entries, &args.params, &args.gated)?;
    let (from, to) = (args.from, args.to);
    if !from.is_finite() || !to.is_finite() || from >= to {
        return Err(usage(format!(
            "--from must be less than --to, both finite; got {from} and {to}"
        )));
    }
    if !(to - from).is_finite() {
        return Err(usage(format!(
            "--from {from:e} to --to {to:e} spans more than the largest number (1.8e308); narrow it"
        )));
    }
    if let Some((lo, hi)) = args.ylim {
        if !(hi - lo).is_finite() {
            return Err(usage(format!(
                "--ylim {lo:e},{hi:e} spans more than the largest number (1.8e308); narrow it"
            )));
        }
    }
    let title = curves
        .iter()
        .map(|c| c.display_label())
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
            // Two samples per pixel column: straight pieces shorter than a pixel.
            let n = MIN_FILE_SAMPLES.max(2 * size.0 as usize);
            let series = sample(&curves, from, to, n, args.derivative);
            let y = args.ylim.unwrap_or_else(|| y_bounds(&series));
            let variable = match curves.first().map(|c| c.variable()) {
                Some(v) if curves.iter().all(|c| c.variable() == v) => v,
                _ => "x",
            };
            file::write(path, &series, (from, to), y, size, &title, variable)?;
            writeln!(ctx.out, "wrote {}", path.display())?;
        }
        None => {
            let cols = args.width.map_or_else(
                || ctx.width.saturating_sub(10).clamp(20, 160),
                |w| w as usize,
            );
            let rows = args.height.map_or(20, |h| h as usize);
            if !(10..=1000).contains(&cols) || !(4..=500).contains(&rows) {
                return Err(usage(format!(
                    "plot size {cols}x{rows} out of range (width 10..=1000, height 4..=500 characters)"
                )));
            }
            // Four samples per character column: the steep parts are joined up.
            let series = sample(&curves, from, to, 4 * cols, args.derivative);
            let y = args.ylim.unwrap_or_else(|| y_bounds(&series));
            let text = terminal::render(&series, (from, to), y, (cols, rows), ctx);
            write!(ctx.out, "{text}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_bounds_stay_finite_when_the_values_span_more_than_max() {
        let series = [Series {
            label: "f".into(),
            derivative: false,
            segments: vec![vec![(0.0, -1e308), (1.0, 1e308)]],
        }];
        let (lo, hi) = y_bounds(&series);
        assert!((hi - lo).is_finite(), "{lo} {hi}");
        assert!(lo < 0.0 && hi > 0.0);
    }

    #[test]
    fn neighbours() {
        assert!(up(0.0) > 0.0 && down(0.0) < 0.0);
        assert!(up(1.0) > 1.0 && down(1.0) < 1.0);
        assert!(up(-1.0) > -1.0 && down(-1.0) < -1.0);
    }

    #[test]
    fn pieces_stop_short_of_kinks() {
        let xs = piece_inputs(-1.0, 0.0, 3, false, true);
        assert_eq!(xs[..2], [-1.0, -0.5]);
        assert!(xs[2] < 0.0 && xs[2] > -1e-300);
    }

    #[test]
    fn a_vector_activation_plots_the_same_values_at_every_width() {
        let softmax = crate::source::builtin(crate::catalog::builtins(), "softmax").unwrap();
        let curves = vec![softmax];
        let narrow = sample(&curves, -5.0, 5.0, 80, true);
        let wide = sample(&curves, -5.0, 5.0, 2400, true);
        assert_eq!(narrow, wide);
        assert_eq!(narrow[0].label, "softmax (101 x as one vector)");
        let points: Vec<(f64, f64)> = narrow[0].segments.concat();
        assert_eq!(points.len(), 101);
        // The largest input takes the most mass; the entries sum to 1.
        let sum: f64 = points.iter().map(|p| p.1).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        assert_eq!(points[100].0, 5.0);
    }

    #[test]
    fn runs_split_at_non_finite_values() {
        let pts = [
            (0.0, 1.0),
            (1.0, f64::NAN),
            (2.0, 3.0),
            (3.0, f64::INFINITY),
        ];
        let runs = finite_runs(pts.into_iter());
        assert_eq!(runs, vec![vec![(0.0, 1.0)], vec![(2.0, 3.0)]]);
    }
}
