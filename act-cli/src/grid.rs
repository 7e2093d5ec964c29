//! The inputs of `table`: `--from/--to` with `--step` or `--points`.

use crate::cli::GridArgs;
use crate::error::usage;
use crate::number::fmt_number as n;

/// Evenly spaced inputs, computed from the index (no accumulated rounding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    from: f64,
    to: f64,
    len: u64,
    spacing: Spacing,
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
                "--from and --to must be finite, got {from} and {to}"
            )));
        }
        if from > to {
            return Err(usage(format!(
                "--from ({from}) must not be greater than --to ({to})"
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
            return Ok(Grid {
                from,
                to,
                len: points,
                spacing: Spacing::Points,
            });
        }
        let step = args.step.unwrap_or(1.0);
        if step.is_nan() || step <= 0.0 {
            return Err(usage(format!(
                "--step must be greater than 0, got {}",
                n(step)
            )));
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
        })
    }

    /// Number of inputs.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The `i`-th input.
    pub fn x(&self, i: u64) -> f64 {
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
