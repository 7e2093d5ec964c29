//! Range and shape properties for parameter values other than the defaults, found at run time
//! by the analysis the `activation!` macro runs at compile time for the defaults
//! (`act_expr::analysis::analyse`), applied to the generated code.

use std::borrow::Cow;

use crate::{Properties, Range, Saturation};

/// The functions the analysis needs, for one activation at its current parameters.
pub struct Analysed<'a> {
    /// `f(x)`.
    pub f: &'a dyn Fn(f64) -> f64,
    /// `f'(x)`.
    pub df: &'a dyn Fn(f64) -> f64,
    /// `switch(k, x)`: the `k`-th switching expression (`a - b` of a branch condition, `max`,
    /// `min`, or the argument of an `abs`), whose sign changes are the candidate kinks.
    pub switch: &'a dyn Fn(usize, f64) -> f64,
    /// How many switching expressions there are.
    pub switches: usize,
    /// The declared `range = (LO, HI)` at the current parameters, if any.
    pub declared: Option<(f64, f64)>,
}

impl Analysed<'_> {
    /// The range and the properties. A declared bound replaces the analysed one where the
    /// two agree (it is exact where the analysis rounds); where they disagree, the analysis,
    /// which looked at the function, wins: the declaration was checked at the defaults only.
    pub fn run(&self) -> (Range, Properties) {
        let (mut r, s) = act_expr::analysis::analyse(self.f, self.df, self.switch, self.switches);
        if let Some((lo, hi)) = self.declared {
            if act_expr::analysis::same_bound(lo, r.min) {
                r.min = lo + 0.0;
            }
            if act_expr::analysis::same_bound(hi, r.max) {
                r.max = hi + 0.0;
            }
        }
        let range = Range::new(r.min, r.min_attained, r.max, r.max_attained);
        let properties = Properties {
            monotonic: s.monotonic,
            bounded_below: r.min.is_finite(),
            bounded_above: r.max.is_finite(),
            zero_centred: s.zero_centred,
            smooth: s.kinks.is_empty(),
            kinks: Cow::Owned(s.kinks),
            value_at_zero: s.value_at_zero,
            derivative_at_zero: s.derivative_at_zero,
            saturating: Saturation {
                left: s.saturating_left,
                right: s.saturating_right,
            },
        };
        (range, properties)
    }
}
