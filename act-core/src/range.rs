//! [`Range`]: the set of values an activation takes.

use core::fmt;

/// The range of an activation over the real line: infimum, supremum, and whether each is
/// attained at a finite input, for the exact function.
///
/// Computed values are rounded, so they can meet a bound the exact function only
/// approaches: `Sigmoid.forward(40.0)` is exactly 1.0 in f64 (the exact value is
/// 1 - 4.2e-18), and `Selu.forward(-40.0)` is exactly `Selu.range().min()`, though
/// neither bound is attained; next to an interior extreme (Swish's minimum) a computed value
/// may pass the bound by a few ULP. Test values against a range with that in mind.
///
/// An attained bound at a smooth turn is a value the function takes there (`0.25` for
/// `sigmoid(x) * (1 - sigmoid(x))`), not the largest value rounding gives next to it.
///
/// A `vector` activation's range holds for every input length (softmax's `(0, 1]`: 1 for a
/// one-element input). Where its shape proves none and none is declared, it is unknown and
/// given as [`Range::REAL`], which then means "not analysed", not "unbounded" (see
/// `activation!`).
///
/// ```
/// use act_core::prelude::*;
/// let r = Relu.range();
/// assert_eq!((r.min(), r.max()), (0.0, f64::INFINITY));
/// assert!(r.min_attained() && !r.max_attained());
/// assert_eq!(r.to_string(), "[0, ∞)");
/// assert_eq!(Sigmoid.range().to_string(), "(0, 1)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    min: f64,
    max: f64,
    min_attained: bool,
    max_attained: bool,
}

impl Range {
    /// A range from its bounds and whether they are attained. An infinite bound is never
    /// attained, whatever the flag says; a bound of -0 is stored (and printed) as 0. The
    /// bounds are taken as given: `min <= max` and no NaN is the caller's to ensure.
    pub const fn new(min: f64, min_attained: bool, max: f64, max_attained: bool) -> Self {
        Range {
            min: min + 0.0,
            max: max + 0.0,
            min_attained: min_attained && min.is_finite(),
            max_attained: max_attained && max.is_finite(),
        }
    }

    /// The whole real line, `(-∞, ∞)`.
    pub const REAL: Range = Range::new(f64::NEG_INFINITY, false, f64::INFINITY, false);

    /// The infimum (may be `-∞`).
    pub const fn min(&self) -> f64 {
        self.min
    }
    /// The supremum (may be `∞`).
    pub const fn max(&self) -> f64 {
        self.max
    }
    /// Whether some finite input gives exactly the infimum.
    pub const fn min_attained(&self) -> bool {
        self.min_attained
    }
    /// Whether some finite input gives exactly the supremum.
    pub const fn max_attained(&self) -> bool {
        self.max_attained
    }
    /// Whether `y` is a value of the range.
    pub fn contains(&self, y: f64) -> bool {
        let above = if self.min_attained {
            y >= self.min
        } else {
            y > self.min
        };
        let below = if self.max_attained {
            y <= self.max
        } else {
            y < self.max
        };
        above && below
    }
    /// Whether both bounds are finite.
    pub fn is_bounded(&self) -> bool {
        self.min.is_finite() && self.max.is_finite()
    }
}

fn write_bound(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    if v == f64::INFINITY {
        f.write_str("∞")
    } else if v == f64::NEG_INFINITY {
        f.write_str("-∞")
    } else {
        // The shortest exact form: `1e300` rather than 301 digits, `0.5` rather than `5e-1`.
        let plain = format!("{v}");
        let sci = format!("{v:e}");
        f.write_str(if sci.len() < plain.len() {
            &sci
        } else {
            &plain
        })
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.min_attained { "[" } else { "(" })?;
        write_bound(f, self.min)?;
        f.write_str(", ")?;
        write_bound(f, self.max)?;
        f.write_str(if self.max_attained { "]" } else { ")" })
    }
}
