//! The inputs of `table`: `--from/--to` with `--step` or `--points`.

use crate::cli::GridArgs;
use crate::error::usage;
use crate::number::fmt_number as n;

/// Evenly spaced inputs, computed from the index (no accumulated rounding). Where the ends
/// and the step are short decimals (`--from -5 --step 0.1`), each input is the `f64` nearest
/// to the decimal `from + i step` (`-0.3`, not `-5 + 47 * 0.1 = -0.2999999999999998`):
/// computed as `(a + i b) / d` with integers small enough for every operation to be exact but
/// the one division, which rounds correctly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    from: f64,
    to: f64,
    len: u64,
    spacing: Spacing,
    exact: Option<Exact>,
}

/// Input `i` is `(a + i b) / d`; every integer involved is at most 2^53.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Exact {
    a: i64,
    b: i64,
    d: f64,
}

/// Integers up to this are exact in an `f64`.
const EXACT: i128 = 1 << 53;

/// `v` as `(m, p)` with `v = m / 10^p` read from its shortest decimal form, when `p <= 22`
/// (10^22 is the largest power of ten exact in an `f64`) and `|m| <= 2^53`.
fn decimal(v: f64) -> Option<(i128, u32)> {
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let after_point = mantissa.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    let digits: i128 = mantissa.replace('.', "").parse().ok()?;
    let places = after_point - exp;
    let (m, p) = if places >= 0 {
        (digits, places as u32)
    } else {
        (
            digits.checked_mul(10i128.checked_pow((-places) as u32)?)?,
            0,
        )
    };
    (p <= 22 && m.abs() <= EXACT).then_some((m, p))
}

/// `(a, b, d)` as [`Exact`] when each and `|a| + (len - 1) |b|` are at most 2^53.
fn exact(a: i128, b: i128, d: i128, len: u64) -> Option<Exact> {
    let last = a
        .abs()
        .checked_add((len.saturating_sub(1) as i128).checked_mul(b.abs())?)?;
    (last <= EXACT && d > 0 && d <= EXACT).then_some(Exact {
        a: a as i64,
        b: b as i64,
        d: d as f64,
    })
}

/// The numbers as integers over one power of ten: `([m1, m2, ...], 10^p)`.
fn common_scale<const N: usize>(vs: [f64; N]) -> Option<([i128; N], i128)> {
    let ds = vs.map(decimal);
    let p = ds.iter().map(|d| d.map(|(_, p)| p)).max()??;
    let mut ms = [0i128; N];
    for (m, d) in ms.iter_mut().zip(ds) {
        let (dm, dp) = d?;
        *m = dm.checked_mul(10i128.pow(p - dp))?;
    }
    Some((ms, 10i128.pow(p)))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Spacing {
    Step(f64),
    Points,
}

/// Most rows a grid may have (beyond that even streaming takes hours).
const MAX_ROWS: u64 = 1 << 40;

impl Grid {
    /// Checks the arguments: finite ends, `from <= to`, `step > 0`, `points >= 2` (1 where
    /// `from == to`).
    pub fn new(args: &GridArgs) -> anyhow::Result<Grid> {
        let (from, to) = (args.from, args.to);
        if !from.is_finite() || !to.is_finite() {
            return Err(usage(format!(
                "--from and --to must be finite, got {} and {}",
                n(from),
                n(to)
            )));
        }
        if from > to {
            return Err(usage(format!(
                "--from ({}) must not be greater than --to ({})",
                n(from),
                n(to)
            )));
        }
        if let Some(points) = args.points {
            if points == 0 {
                return Err(usage("--points must be at least 1"));
            }
            // Both ends are included, so one input covers an interval only when it is a point.
            if points == 1 && from != to {
                return Err(usage(format!(
                    "--points 1 cannot include both --from {} and --to {}: give --points 2 or \
                     more, or a single input with --from X --to X",
                    n(from),
                    n(to)
                )));
            }
            if points > MAX_ROWS {
                return Err(usage(format!("--points must be at most {MAX_ROWS}")));
            }
            // from + (to - from) i / (n - 1) = (A (n - 1) + (T - A) i) / ((n - 1) 10^p).
            let exact = common_scale([from, to]).and_then(|([a, t], scale)| {
                let k = (points.max(2) - 1) as i128;
                exact(a.checked_mul(k)?, t - a, scale.checked_mul(k)?, points)
            });
            return Ok(Grid {
                from,
                to,
                len: points,
                spacing: Spacing::Points,
                exact,
            });
        }
        let step = args.step.unwrap_or(1.0);
        if step.is_nan() || step <= 0.0 {
            return Err(usage(format!(
                "--step must be greater than 0, got {}",
                n(step)
            )));
        }
        // In decimal where the numbers allow: (T - A) / S whole steps, and each input
        // (A + i S) / 10^p.
        if let Some(([a, t, s], scale)) = common_scale([from, to, step]) {
            let intervals = (t - a) / s;
            let len = (intervals < MAX_ROWS as i128).then_some(intervals as u64 + 1);
            if let Some(exact) = len.and_then(|len| exact(a, s, scale, len)) {
                return Ok(Grid {
                    from,
                    to,
                    len: intervals as u64 + 1,
                    spacing: Spacing::Step(step),
                    exact: Some(exact),
                });
            }
        }
        // The span in steps, without forming `to - from` (infinite beyond ±MAX).
        let span = if (to - from).is_finite() {
            (to - from) / step
        } else {
            to / step - from / step
        };
        // A small tolerance so that --to is included despite rounding (0.1 steps to 1).
        let intervals = (span * (1.0 + 1e-12) + 1e-9).floor();
        if intervals.is_nan() || intervals >= MAX_ROWS as f64 {
            return Err(usage(format!(
                "--step {} from {} to {} gives {} rows, more than {MAX_ROWS}: take a larger \
                 --step, or --points",
                n(step),
                n(from),
                n(to),
                crate::number::fmt_digits(intervals + 1.0, 3)
            )));
        }
        Ok(Grid {
            from,
            to,
            len: intervals as u64 + 1,
            spacing: Spacing::Step(step),
            exact: None,
        })
    }

    /// Number of inputs.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The `i`-th input.
    pub fn x(&self, i: u64) -> f64 {
        // The first input is --from as given (-0 stays -0).
        if i == 0 {
            return self.from;
        }
        if let Some(Exact { a, b, d }) = self.exact {
            return (a + i as i64 * b) as f64 / d;
        }
        match self.spacing {
            // `i * step` may pass MAX while `from + i * step` does not (from = -1.5e308).
            Spacing::Step(step) if (i as f64 * step).is_finite() => self.from + i as f64 * step,
            Spacing::Step(step) => (self.from / 2.0 + i as f64 * (step / 2.0)) * 2.0,
            Spacing::Points if self.len == 1 => self.from,
            Spacing::Points if i + 1 == self.len => self.to,
            Spacing::Points => {
                let t = i as f64 / (self.len - 1) as f64;
                if (self.to - self.from).is_finite() {
                    self.from + (self.to - self.from) * t
                } else {
                    // A span beyond ±MAX: weights, whose terms cannot overflow.
                    self.from * (1.0 - t) + self.to * t
                }
            }
        }
    }

    /// Fills `out` with inputs `start..start + out.len()`.
    pub fn fill(&self, start: u64, out: &mut [f64]) {
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = self.x(start + k as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(from: f64, to: f64, step: Option<f64>, points: Option<u64>) -> anyhow::Result<Grid> {
        Grid::new(&GridArgs {
            from,
            to,
            step,
            points,
        })
    }

    #[test]
    fn default_grid_is_minus_five_to_five() {
        let g = grid(-5.0, 5.0, None, None).unwrap();
        assert_eq!(g.len(), 11);
        assert_eq!((g.x(0), g.x(5), g.x(10)), (-5.0, 0.0, 5.0));
    }

    #[test]
    fn fractional_steps_include_the_end() {
        let g = grid(0.0, 1.0, Some(0.1), None).unwrap();
        assert_eq!(g.len(), 11);
        assert!((g.x(10) - 1.0).abs() < 1e-15);
        assert_eq!(grid(0.0, 1.0, Some(0.3), None).unwrap().len(), 4);
    }

    #[test]
    fn points_hit_both_ends() {
        let g = grid(-1.0, 2.0, None, Some(4)).unwrap();
        let xs: Vec<f64> = (0..4).map(|i| g.x(i)).collect();
        assert_eq!(xs, [-1.0, 0.0, 1.0, 2.0]);
        assert_eq!(grid(3.0, 3.0, None, Some(1)).unwrap().x(0), 3.0);
        assert_eq!(grid(3.0, 3.0, None, None).unwrap().len(), 1);
    }

    #[test]
    fn decimal_grids_give_the_nearest_f64_to_each_decimal_input() {
        // Reference: the decimal input `from + i step` written out and parsed (correctly
        // rounded by Rust's parser), against the grid's arithmetic.
        let g = grid(-5.0, 5.0, Some(0.1), None).unwrap();
        assert_eq!(g.len(), 101);
        for i in 0..101 {
            let k = i as i64 - 50;
            let sign = if k < 0 { "-" } else { "" };
            let want: f64 = format!("{sign}{}.{}", k.abs() / 10, k.abs() % 10)
                .parse()
                .unwrap();
            assert_eq!(g.x(i), want, "{i}");
        }
        assert_eq!(g.x(47), -0.3);
        assert_eq!(grid(0.0, 1.0, Some(0.1), None).unwrap().x(3), 0.3);
        assert_eq!(grid(0.0, 1.0, Some(0.1), None).unwrap().x(10), 1.0);
        assert_eq!(grid(1.25, 2.0, Some(0.05), None).unwrap().x(7), 1.6);
        // --points: (from (n - 1) + (to - from) i) / (n - 1), one rounding.
        let g = grid(0.0, 1.0, None, Some(11)).unwrap();
        assert_eq!((g.x(3), g.x(7)), (0.3, 0.7));
        let g = grid(0.0, 1.0, None, Some(4)).unwrap();
        assert_eq!((g.x(1), g.x(2)), (1.0 / 3.0, 2.0 / 3.0));
        // -0 stays -0; a grid too fine for exact integers falls back to from + i step.
        assert!(grid(-0.0, 1.0, None, None).unwrap().x(0).is_sign_negative());
        let g = grid(0.0, 1.0, Some(1e-300), None);
        assert!(g.is_err());
    }

    #[test]
    fn spans_beyond_the_largest_number_stay_finite() {
        let g = grid(-1e308, 1e308, None, Some(5)).unwrap();
        let xs: Vec<f64> = (0..5).map(|i| g.x(i)).collect();
        assert_eq!(xs, [-1e308, -5e307, 0.0, 5e307, 1e308]);
        let g = grid(-1.5e308, 1e308, Some(5e307), None).unwrap();
        assert_eq!(g.len(), 6);
        let xs: Vec<f64> = (0..6).map(|i| g.x(i)).collect();
        assert!(xs.iter().all(|x| x.is_finite()), "{xs:?}");
        assert_eq!((xs[0], xs[5]), (-1.5e308, 1e308));
    }

    #[test]
    fn rejects_bad_grids() {
        let msg = |r: anyhow::Result<Grid>| r.unwrap_err().to_string();
        assert!(msg(grid(1.0, 0.0, None, None)).contains("must not be greater"));
        assert!(msg(grid(0.0, 1.0, Some(0.0), None)).contains("greater than 0"));
        assert!(msg(grid(0.0, 1.0, Some(-1.0), None)).contains("greater than 0"));
        assert!(msg(grid(0.0, 1.0, Some(f64::NAN), None)).contains("greater than 0"));
        assert!(msg(grid(0.0, 1.0, None, Some(0))).contains("at least 1"));
        // One point cannot hold both ends of an interval: say how to ask for what was meant.
        assert_eq!(
            msg(grid(-5.0, 5.0, None, Some(1))),
            "--points 1 cannot include both --from -5 and --to 5: give --points 2 or more, or \
             a single input with --from X --to X"
        );
        assert!(msg(grid(f64::NEG_INFINITY, 1.0, None, None)).contains("finite"));
        assert!(msg(grid(0.0, 1.0, Some(1e-300), None)).contains("more than"));
    }
}
