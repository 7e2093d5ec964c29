//! Range and shape analysis of a function of one variable, given its value and derivative.
//!
//! Works on closures so that the same code serves the macro at compile time (through the
//! interpreter) and act-core at run time (through the generated code, for parameter values
//! other than the defaults).
//!
//! The infimum is the least of: the limits at ±∞ (read off the grid's outermost numbers where
//! an intermediate overflows and `f(±∞)` is NaN), the values at the critical points (where
//! `f'` changes sign, located by bisection to full precision), at the kinks given by the
//! caller, and on a grid over [-16, 16] (which catches flat pieces such as relu's). It is
//! attained when a finite input reaches it. The supremum likewise.

/// The range of a function and where its extremes are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeInfo {
    /// Infimum (may be -∞).
    pub min: f64,
    /// Supremum (may be ∞).
    pub max: f64,
    /// Whether a finite input gives the infimum.
    pub min_attained: bool,
    /// Whether a finite input gives the supremum.
    pub max_attained: bool,
    /// An input giving the infimum, when attained.
    pub argmin: Option<f64>,
    /// An input giving the supremum, when attained.
    pub argmax: Option<f64>,
}

/// The grid the analysis samples: dense over [-16, 16], logarithmic out to ±1e300.
pub fn grid() -> Vec<f64> {
    let mut xs: Vec<f64> = (-1024..=1024).map(|i| f64::from(i) / 64.0).collect();
    for k in -240..=2400 {
        let v = 10f64.powf(f64::from(k) / 8.0);
        xs.push(v);
        xs.push(-v);
    }
    xs.push(f64::MAX);
    xs.push(-f64::MAX);
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// Points where `g` changes sign on `xs`, refined by bisection, and the points of `xs` where
/// `g` is exactly 0 with `|x| <= 16` or with opposite signs on either side. (Farther out an
/// exact 0 between values of one sign is more likely an underflow, as of sigmoid' at -1000,
/// than a true zero.)
pub fn sign_changes(g: &dyn Fn(f64) -> f64, xs: &[f64]) -> Vec<f64> {
    let mut roots = Vec::new();
    let vals: Vec<f64> = xs.iter().map(|&x| g(x)).collect();
    // By signs, not by `a * b < 0`, which underflows to -0 for 1e-300 times 1e-30.
    let opposite = |a: f64, b: f64| (a < 0.0 && b > 0.0) || (a > 0.0 && b < 0.0);
    for i in 0..xs.len() {
        let crossing = i > 0 && i + 1 < xs.len() && opposite(vals[i - 1], vals[i + 1]);
        if vals[i] == 0.0 && (xs[i].abs() <= 16.0 || crossing) {
            roots.push(xs[i]);
        }
        if i + 1 < xs.len() && opposite(vals[i], vals[i + 1]) {
            roots.push(bisect(g, xs[i], xs[i + 1], vals[i]));
        }
    }
    roots
}

/// The midpoint of `lo < hi` in the order of the floating-point numbers (halving the count of
/// numbers between them), so that bisection reaches adjacent numbers in about 64 steps even
/// between 0 and 1e-30 with a root at 1e-300.
pub(crate) fn midpoint(lo: f64, hi: f64) -> f64 {
    if lo < 0.0 && hi > 0.0 {
        0.0
    } else if lo >= 0.0 {
        // `abs` for a lower end of -0, whose sign bit would count as a huge number.
        let (a, b) = (lo.abs().to_bits(), hi.to_bits());
        f64::from_bits(a / 2 + b / 2 + (a & b & 1))
    } else {
        -midpoint(-hi, -lo)
    }
}

fn bisect(g: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64, glo: f64) -> f64 {
    for _ in 0..200 {
        let mid = midpoint(lo, hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let gm = g(mid);
        if gm == 0.0 {
            return mid;
        }
        if (gm < 0.0) == (glo < 0.0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // The endpoint where |g| is smaller.
    if g(lo).abs() <= g(hi).abs() { lo } else { hi }
}

/// The limit of `f` at `side` × ∞ (`side` is -1 or 1), or NaN where `f` has no numbers out
/// there (outside its domain).
///
/// `f(±∞)` is the limit unless an intermediate overflows on the way: `sqrt(x^2 + 1) - x` computes
/// `∞ - ∞` (NaN) at ∞, and ∞ from x = 1.3e154 on, where `x^2` is ∞, though it falls towards 0. So
/// the analysis walks out along the grid beyond 16, then to ±∞, while the values move the way `f'`
/// says they do; the first step against it by more than a relative 1e-6 (rounding noise) is the
/// overflow, and so is a NaN value or derivative. If the walk reaches ±∞, `f(±∞)` is the limit.
/// Else, where the last two values it trusted agree to a relative 1e-9, `f` has settled and the
/// limit is that value; where they shrink towards 0, it is 0; where they grow, it is ±∞ in the
/// direction `f` is still moving: an enclosure, not a guess at a finite bound (`log1p(x^2) - x`,
/// which falls without bound, is -1.3e154 at the last input trusted).
fn limit(f: &dyn Fn(f64) -> f64, df: &dyn Fn(f64) -> f64, xs: &[f64], side: f64) -> f64 {
    let mut tail: Vec<f64> = xs.iter().copied().filter(|&x| x * side > 16.0).collect();
    if side < 0.0 {
        tail.reverse();
    }
    tail.push(side * f64::INFINITY);
    let mut trusted: Vec<f64> = Vec::new();
    // The way f moved at the last value trusted: the sign of f' × side.
    let mut last_way = 0.0;
    for &x in &tail {
        let (v, way) = (f(x), df(x) * side);
        // A NaN derivative (an overflow inside it, `x^4` in `x / (1 + x^2)`'s) says nothing
        // of the way `f` moves, and the values beyond may be noise (`exp(x) / (exp(x) +
        // exp(2x))` is 0.57 at -745, where `exp(x)` is subnormal): trust none from there.
        if v.is_nan() || (way.is_nan() && x.is_finite()) {
            break;
        }
        if let Some(&prev) = trusted.last() {
            // Rising where f' is positive at one end and negative at neither; falling the
            // other way round; unknown where f' changes sign or is 0 (rounded) at both.
            let (up, down) = (last_way > 0.0 || way > 0.0, last_way < 0.0 || way < 0.0);
            let noise =
                v == prev || (v - prev).abs() <= 1e-6 * v.abs().max(prev.abs()).min(f64::MAX);
            if !noise && ((up && !down && v < prev) || (down && !up && v > prev)) {
                break;
            }
        }
        trusted.push(v);
        last_way = way;
    }
    if trusted.len() == tail.len() {
        return trusted[trusted.len() - 1];
    }
    match trusted[..] {
        [] => f64::NAN,
        [.., o] if o.is_infinite() => o,
        [.., i, o] if o == i || (o - i).abs() <= 1e-9 * o.abs().max(i.abs()) => o,
        // Shrinking towards 0 without settling: decaying to 0 (`x / (1 + x^2)` is 1e-100 at
        // 1e100, where its derivative's `x^4` has long overflowed and lost its sign).
        [.., i, o] if o.abs() < i.abs() && o * i >= 0.0 => 0.0,
        [.., i, o] if o < i => f64::NEG_INFINITY,
        [.., i, o] if o > i => f64::INFINITY,
        [.., o] => o,
    }
}

/// The range of `f` over the real line. `df` is its derivative; `kinks` are inputs where `f`
/// or `f'` may jump (branch thresholds), whose values are candidates too.
pub fn range(f: &dyn Fn(f64) -> f64, df: &dyn Fn(f64) -> f64, kinks: &[f64]) -> RangeInfo {
    let xs = grid();
    // The kinks first: an extreme is reported at the first candidate giving it, and at a
    // corner (`sqrt(x^2 + 1) - abs(x)`'s maximum 1 at 0) the grid's inputs next to it
    // (-1e-30) round to the same value. Reported there, the extreme would be taken for a
    // smooth turn and settled over rounding noise (0.9999999999999999).
    // Kinks beyond the grid's [-16, 16] come after it: an extreme first met at a far kink
    // (`x < 0 ? 0 : limit` with `limit = -1e300` has its maximum 0 at the kink -1e300 too)
    // would be reported out there, where it is taken for the limit at -∞, not attained.
    let (near, far): (Vec<f64>, Vec<f64>) = kinks.iter().partition(|k| k.abs() <= 16.0);
    let mut candidates: Vec<f64> = Vec::new();
    for &k in &near {
        candidates.extend([k, k.next_down(), k.next_up()]);
    }
    candidates.extend(xs.iter().copied().filter(|x| x.abs() <= 16.0));
    candidates.extend(sign_changes(df, &xs));
    for &k in &far {
        candidates.extend([k, k.next_down(), k.next_up()]);
    }
    let mut lo = (f64::INFINITY, None);
    let mut hi = (f64::NEG_INFINITY, None);
    for x in candidates {
        let y = f(x);
        if y < lo.0 {
            lo = (y, Some(x));
        }
        if y > hi.0 {
            hi = (y, Some(x));
        }
    }
    let limits = [limit(f, df, &xs, -1.0), limit(f, df, &xs, 1.0)];
    let lim_lo = limits.iter().copied().fold(f64::INFINITY, f64::min);
    let lim_hi = limits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // An extreme equal to a limit at ±∞ is attained only on a flat piece at a moderate input
    // (hardtanh's 1 from x = 1 on), not where `f` merely rounds to its limit while still
    // moving (`x / (1 + abs(x))` is 1 at 1e300, `1 - exp(-x * x)` at 16, and neither reaches 1).
    // Likewise at a kink: `log1p(x^2) - 2 log1p(abs(x))` is 0 at x = 0 and tends to 0.
    let near_kink = |x: f64| {
        kinks
            .iter()
            .any(|&k| k == x || k.next_up() == x || k.next_down() == x)
    };
    let flat =
        |at: Option<f64>| at.is_some_and(|x| x.abs() <= 1e6 && (df(x) == 0.0 || near_kink(x)));
    let (min, min_attained, argmin) = if lim_lo < lo.0 || (lim_lo == lo.0 && !flat(lo.1)) {
        (lim_lo, false, None)
    } else {
        (lo.0, true, lo.1)
    };
    let (max, max_attained, argmax) = if lim_hi > hi.0 || (lim_hi == hi.0 && !flat(hi.1)) {
        (lim_hi, false, None)
    } else {
        (hi.0, true, hi.1)
    };
    // `+ 0.0` turns a bound of -0 (ELU with alpha = 0 gives `0 * (e^x - 1) = -0`) into 0.
    let (min, argmin) = match argmin {
        Some(x) if min_attained && !near_kink(x) => settle(f, x, min, false, kinks),
        _ => (min, argmin),
    };
    let (max, argmax) = match argmax {
        Some(x) if max_attained && !near_kink(x) => settle(f, x, max, true, kinks),
        _ => (max, argmax),
    };
    let (min, max) = (min + 0.0, max + 0.0);
    RangeInfo {
        min,
        max,
        min_attained: min_attained && min.is_finite(),
        max_attained: max_attained && max.is_finite(),
        argmin: argmin.filter(|_| min.is_finite()),
        argmax: argmax.filter(|_| max.is_finite()),
    }
}

/// The value an attained extreme `y` at `x` (a smooth critical point or a flat piece, not a kink)
/// is reported as, and an input giving it: the value `f` takes most often on 65 evenly spaced
/// inputs (a step of no power of two) over the middle of the neighbourhood where it stays within 3
/// ULP of `y` (a tie goes to the sounder value, the larger for a maximum). There the exact function
/// is flat to a fraction of an ULP, so the computed values are the rounded extreme plus rounding
/// noise, and the noise can pass the extreme: the interpreter gives `sigmoid(x) * (1 - sigmoid(x))`
/// one ULP above 0.25 all along [-2.4e-9, -1e-9], though the exact maximum is 0.25 (at 0) and the
/// generated code never exceeds it. Reporting the greatest computed value would claim that noise is
/// a value the function attains.
///
/// Where a kink lies inside that neighbourhood the extreme is a corner, not a turn: the
/// exact function is not flat there, and the value at the kink (exact where the formula's
/// pieces meet, as `sqrt(x^2 + 1) - abs(x)`'s 1 at 0) is reported with the kink.
fn settle(
    f: &dyn Fn(f64) -> f64,
    x: f64,
    y: f64,
    is_max: bool,
    kinks: &[f64],
) -> (f64, Option<f64>) {
    let ulp = y.abs().next_up() - y.abs();
    let within = |t: f64, band: f64| {
        let v = f(t);
        t.is_finite() && (v - y).abs() <= band * ulp
    };
    // The widest offset `max(|x|, 1) 2^-k` (k from 62 down) on both sides within 3 ULP.
    let scale = x.abs().max(1.0);
    let mut w = 0.0;
    for k in (0..=62).rev() {
        let d = scale * 2f64.powi(-k);
        if within(x + d, 3.0) && within(x - d, 3.0) {
            w = d;
        } else {
            break;
        }
    }
    let corner = kinks
        .iter()
        .copied()
        .filter(|&k| (k - x).abs() <= w.max(f64::MIN_POSITIVE))
        .find(|&k| (f(k) - y).abs() <= 3.0 * ulp);
    if let Some(k) = corner {
        return (f(k), Some(k));
    }
    let mut near: Vec<(f64, f64)> = (-32..=32)
        // A step that is no power of two: on a dyadic lattice every input would share the
        // low bits of `x`, and with them the rounding errors.
        .map(|i| x + w * f64::from(i) * 0.007_737_2)
        .map(|t| (f(t), t))
        .filter(|&(v, t)| t.is_finite() && (v - y).abs() <= 4.0 * ulp)
        .collect();
    if near.is_empty() {
        return (y, Some(x));
    }
    // Most frequent value; a tie to the larger for a maximum, the smaller for a minimum.
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = (0usize, y);
    let mut i = 0;
    while i < near.len() {
        let v = near[i].0;
        let count = near[i..].iter().take_while(|p| p.0 == v).count();
        if count > best.0 || (count == best.0 && (v > best.1) == is_max) {
            best = (count, v);
        }
        i += count;
    }
    let v = best.1;
    let at = near
        .iter()
        .filter(|p| p.0 == v)
        .map(|p| p.1)
        .min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()));
    (v, at)
}

/// Range and shape of `f` at once: the entry point the macro uses at compile time (through
/// the interpreter, at the declared defaults) and `act_core` at run time (through the generated
/// code, at the current parameter values), so both report the same facts for the same numbers.
///
/// `switch(k, x)` for `k < switches` is the `k`-th switching expression of the formula and its
/// derivative (`a - b` for each `if a CMP b`, `max(a, b)`, `min(a, b)`, the argument of each
/// `abs`): the kinks are where one of them changes sign.
pub fn analyse(
    f: &dyn Fn(f64) -> f64,
    df: &dyn Fn(f64) -> f64,
    switch: &dyn Fn(usize, f64) -> f64,
    switches: usize,
) -> (RangeInfo, Shape) {
    let xs = grid();
    let mut kinks = Vec::new();
    for k in 0..switches {
        kinks.extend(sign_changes(&|x| switch(k, x), &xs));
    }
    kinks.sort_by(f64::total_cmp);
    kinks.dedup();
    let r = range(f, df, &kinks);
    let s = shape(f, df, &r, &kinks);
    (r, s)
}

/// Whether two bounds are the same number up to the rounding of the expressions that gave
/// them (relative 1e-12). Infinite bounds are the same only when equal: the relative test
/// would call every number "close" to an infinity.
pub fn same_bound(a: f64, b: f64) -> bool {
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-12 * a.abs().max(b.abs()))
}

/// Shape of a function, as reported by `act_core::Properties`.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// `f' >= 0` everywhere, or `f' <= 0` everywhere.
    pub monotonic: bool,
    /// `f(0) = 0` and `f` takes values of both signs.
    pub zero_centred: bool,
    /// Inputs where `f` or `f'` jumps.
    pub kinks: Vec<f64>,
    /// `f(0)`.
    pub value_at_zero: f64,
    /// `f'(0)`.
    pub derivative_at_zero: f64,
    /// `f'(x) -> 0` as `x -> -∞`.
    pub saturating_left: bool,
    /// `f'(x) -> 0` as `x -> ∞`.
    pub saturating_right: bool,
}

/// The shape of `f`, given its range and the candidate kinks.
pub fn shape(
    f: &dyn Fn(f64) -> f64,
    df: &dyn Fn(f64) -> f64,
    range: &RangeInfo,
    kinks: &[f64],
) -> Shape {
    let xs = grid();
    let ds: Vec<f64> = xs.iter().map(|&x| df(x)).filter(|d| !d.is_nan()).collect();
    let monotonic = ds.iter().all(|&d| d >= 0.0) || ds.iter().all(|&d| d <= 0.0);
    let mut jumps: Vec<f64> = Vec::new();
    for &k in kinks {
        let h = 1e-7 * k.abs().max(1.0);
        let (l, r) = (df(k - h), df(k + h));
        let (fl, fr) = (f(k - h), f(k + h));
        let jump = |l: f64, r: f64| (l - r).abs() > 1e-4 * (1.0 + l.abs() + r.abs());
        // A kink jumps at the floats next to it too; a smooth turn narrower than `h` (CELU
        // with alpha = 1e-300, Squareplus with b = 1e-30) does not.
        let (a, b) = (k.next_down(), k.next_up());
        let at_floats = jump(df(a), df(b)) || jump(f(a), f(b));
        if (jump(l, r) || jump(fl, fr)) && at_floats && !jumps.contains(&k) {
            jumps.push(k);
        }
    }
    jumps.sort_by(f64::total_cmp);
    let f0 = f(0.0);
    Shape {
        monotonic,
        zero_centred: f0 == 0.0 && range.min < 0.0 && range.max > 0.0,
        kinks: jumps,
        value_at_zero: f0,
        derivative_at_zero: df(0.0),
        saturating_left: df(f64::NEG_INFINITY) == 0.0,
        saturating_right: df(f64::INFINITY) == 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_roots_at_any_scale() {
        for root in [1e-300, -1e-300, 3.0, -2.5e200, 0.1] {
            let g = |x: f64| x - root;
            let xs = grid();
            let found = sign_changes(&g, &xs);
            assert_eq!(found, vec![root], "{root}");
        }
        assert_eq!(midpoint(-0.0, 1.0), midpoint(0.0, 1.0));
        assert_eq!(midpoint(-1.0, 1.0), 0.0);
    }

    fn sigmoid(x: f64) -> f64 {
        crate::eval::sigmoid(x)
    }

    #[test]
    fn swish_minimum_is_found_and_attained() {
        // Closed form: the minimum of x σ(x) is at x* = -1 - W(e^-1), value x* + 1 ... checked
        // here through its defining property f'(x*) = 0 and against the value in the issue.
        let f = |x: f64| x * sigmoid(x);
        let df = |x: f64| sigmoid(x) + x * sigmoid(x) * sigmoid(-x);
        let r = range(&f, &df, &[]);
        assert!(r.min_attained && !r.max_attained);
        assert!((r.min - -0.2784645427610738).abs() < 1e-16, "{}", r.min);
        assert!((r.argmin.unwrap() - -1.278_464_542_761_074).abs() < 1e-8);
        assert_eq!(r.max, f64::INFINITY);
    }

    #[test]
    fn limits_are_not_attained_and_flat_pieces_are() {
        let r = range(&sigmoid, &|x| crate::eval::sigmoid_prime(x), &[]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (0.0, 1.0, false, false)
        );
        let relu = |x: f64| if x > 0.0 { x } else { 0.0 };
        let drelu = |x: f64| if x > 0.0 { 1.0 } else { 0.0 };
        let r = range(&relu, &drelu, &[0.0]);
        assert_eq!(
            (r.min, r.min_attained, r.max, r.max_attained),
            (0.0, true, f64::INFINITY, false)
        );
        let s = shape(&relu, &drelu, &r, &[0.0]);
        assert_eq!(s.kinks, vec![0.0]);
        assert!(s.monotonic && !s.zero_centred && s.saturating_left && !s.saturating_right);
    }

    #[test]
    fn a_tail_whose_intermediate_overflows_has_its_limit_read_from_the_grid() {
        let xs = grid();
        // log1p(x^2) - x falls without bound (f' = 2x / (1 + x^2) - 1 <= 0). At ∞ it is
        // ∞ - ∞ = NaN, and from x = 1.8e154 on, where `x * x` is ∞, it is ∞. Reading NaN as
        // no limit took f(16) = -10.45 for an attained minimum.
        let f = |x: f64| (x * x).ln_1p() - x;
        let df = |x: f64| 2.0 * x / (1.0 + x * x) - 1.0;
        assert!(f(f64::INFINITY).is_nan() && f(1e160) == f64::INFINITY);
        assert_eq!(limit(&f, &df, &xs, 1.0), f64::NEG_INFINITY);
        let r = range(&f, &df, &[]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (f64::NEG_INFINITY, f64::INFINITY, false, false)
        );
        // sqrt(x^2 + 1) - x falls to 0 (closed form 1 / (sqrt(x^2 + 1) + x)), never reaching
        // it; computed, it is 0 from 1e8 on and ∞ past 1.3e154. It was an attained 0.0312 at 16.
        let g = |x: f64| (x * x + 1.0).sqrt() - x;
        let dg = |x: f64| x / (x * x + 1.0).sqrt() - 1.0;
        assert!(g(f64::INFINITY).is_nan() && g(1e160) == f64::INFINITY);
        let r = range(&g, &dg, &[]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (0.0, f64::INFINITY, false, false)
        );
        // (x - 1) / x is ∞ / ∞ at ±∞ and tends to 1 from below at ∞ and from above at -∞.
        let q = |x: f64| (x - 1.0) / x;
        let dq = |x: f64| 1.0 / (x * x);
        assert!(q(f64::INFINITY).is_nan());
        assert_eq!(limit(&q, &dq, &xs, 1.0), 1.0);
        assert_eq!(limit(&q, &dq, &xs, -1.0), 1.0);
        // x e^-x is ∞ · 0 at ∞, where it tends to 0; its maximum is 1/e at x = 1.
        let h = |x: f64| x * (-x).exp();
        let dh = |x: f64| (1.0 - x) * (-x).exp();
        assert!(h(f64::INFINITY).is_nan());
        assert_eq!(limit(&h, &dh, &xs, 1.0), 0.0);
        let r = range(&h, &dh, &[]);
        assert_eq!((r.min, r.min_attained), (f64::NEG_INFINITY, false));
        assert!(r.max_attained && (r.max - (-1f64).exp()).abs() <= f64::EPSILON / 2.0);
        // NaN all along a tail (outside the domain) gives no limit there.
        let root = |x: f64| x.sqrt();
        let droot = |x: f64| 0.5 / x.sqrt();
        assert!(limit(&root, &droot, &xs, -1.0).is_nan());
        assert_eq!(limit(&root, &droot, &xs, 1.0), f64::INFINITY);
    }

    #[test]
    fn a_limit_reached_only_by_rounding_is_not_attained() {
        // The limits at ±∞ as the interpreter gives them.
        let softsign = |x: f64| {
            if x.is_infinite() {
                x.signum()
            } else {
                x / (1.0 + x.abs())
            }
        };
        let dsoftsign = |x: f64| 1.0 / ((1.0 + x.abs()) * (1.0 + x.abs()));
        let r = range(&softsign, &dsoftsign, &[]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (-1.0, 1.0, false, false)
        );
        let bump = |x: f64| 1.0 - (-x * x).exp();
        let dbump = |x: f64| 2.0 * x * (-x * x).exp();
        let r = range(&bump, &dbump, &[]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (0.0, 1.0, true, false)
        );
        // A flat piece at the limit is attained.
        let hardtanh = |x: f64| x.clamp(-1.0, 1.0);
        let dhardtanh = |x: f64| if x.abs() < 1.0 { 1.0 } else { 0.0 };
        let r = range(&hardtanh, &dhardtanh, &[-1.0, 1.0]);
        assert!(r.min_attained && r.max_attained);
    }

    #[test]
    fn rounding_noise_at_a_turn_is_not_reported_as_attained() {
        // `1 - x^2` as a noisy kernel might compute it: one ULP high on a stretch of inputs
        // around the turn (where the analysis's grid and bisection land), right elsewhere.
        // The maximum is 1, the value the function rounds to at the turn; 1 + 2^-52 is noise.
        let f = |x: f64| {
            let v = 1.0 - x * x;
            if x.abs() < 1e-9 { v.next_up() } else { v }
        };
        let df = |x: f64| -2.0 * x;
        assert_eq!(f(0.0), 1.0 + f64::EPSILON);
        let r = range(&f, &df, &[]);
        assert_eq!((r.max, r.max_attained), (1.0, true));
        assert_eq!(f(r.argmax.unwrap()), 1.0);
        // An exact turn keeps its value, and a kink is left alone.
        let r = range(&|x: f64| 0.5 - x * x, &|x: f64| -2.0 * x, &[]);
        assert_eq!((r.max, r.max_attained), (0.5, true));
        assert_eq!(0.5 - r.argmax.unwrap().powi(2), 0.5);
        let vee = |x: f64| (x - 0.3).abs() - 0.3;
        let dvee = |x: f64| if x < 0.3 { -1.0 } else { 1.0 };
        let r = range(&vee, &dvee, &[0.3]);
        assert_eq!((r.min, r.min_attained, r.argmin), (-0.3, true, Some(0.3)));
    }

    #[test]
    fn an_extreme_at_a_corner_is_the_value_at_the_kink() {
        // sqrt(x^2 + 1) - |x| = 1 / (sqrt(x^2 + 1) + |x|): its maximum is 1, at the kink 0,
        // and it falls to 0 at ±∞. The grid's -1e-30 gives 1 too and came first; taken for a
        // smooth turn, the maximum was settled to 0.9999999999999999 at -5.6e-17.
        let f = |x: f64| (x * x + 1.0).sqrt() - x.abs();
        let df = |x: f64| x / (x * x + 1.0).sqrt() - if x >= 0.0 { 1.0 } else { -1.0 };
        let r = range(&f, &df, &[0.0]);
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained, r.argmax),
            (0.0, 1.0, false, true, Some(0.0))
        );
        // The same corner reached from a candidate next to it: settle hands it to the kink.
        assert_eq!(settle(&f, -1e-30, 1.0, true, &[0.0]), (1.0, Some(0.0)));
        // A corner minimum likewise: |x| - sqrt(x^2 + 1) is -1 at 0.
        let r = range(&|x| -f(x), &|x| -df(x), &[0.0]);
        assert_eq!((r.min, r.min_attained, r.argmin), (-1.0, true, Some(0.0)));
    }

    #[test]
    fn tanh_is_zero_centred_and_saturates_both_ways() {
        let r = range(&f64::tanh, &|x| crate::eval::tanh_prime(x), &[]);
        assert_eq!((r.min, r.max, r.min_attained), (-1.0, 1.0, false));
        let s = shape(&f64::tanh, &|x| crate::eval::tanh_prime(x), &r, &[]);
        assert!(s.zero_centred && s.monotonic && s.saturating_left && s.saturating_right);
        assert!(s.kinks.is_empty());
    }
}
