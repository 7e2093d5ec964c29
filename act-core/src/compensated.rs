//! Compensated arithmetic for generated code: a product by a double-double constant with one
//! rounding, the rounding error of a sum, and `exp` corrected by an argument's error.

use crate::Float;

/// `a * (hi + lo)` for a constant known as a double-double, with one rounding: the product
/// `a * h` is computed exactly as `p + err` (Dekker's product, branch-free and without FMA,
/// which would be a slow library call on targets without it), then `err + a * l` corrects `p`.
/// Where the correction is not finite (`a` huge or infinite), the plain product.
#[inline(always)]
pub fn mul_split<F: Float>(a: F, hi: f64, lo: f64) -> F {
    let (h, l) = F::split_constant(hi, lo);
    let p = a * h;
    let s = F::from_f64(F::SPLITTER);
    let ta = a * s;
    let a1 = ta - (ta - a);
    let a2 = a - a1;
    let th = h * s;
    let h1 = th - (th - h);
    let h2 = h - h1;
    let err = ((a1 * h1 - p) + a1 * h2 + a2 * h1) + a2 * h2;
    let c = err + a * l;
    p + F::select(c.abs() <= F::MAX, c, F::ZERO)
}

/// The rounding error of `s = p + q` (Knuth's two-sum: `p + q = s + err` exactly); NaN where
/// an operand is infinite.
#[inline(always)]
pub fn two_sum_err<F: Float>(p: F, q: F, s: F) -> F {
    let bp = s - p;
    (p - (s - bp)) + (q - bp)
}

/// `exp(u + err)` from `e = exp(u)` and a tiny `err`: `e + e err` (the next term, `e err^2/2`,
/// is below the rounding); `e` itself where the correction is not a number (an infinite
/// input: `exp(-∞ - m) = 0`, with `err` NaN).
#[inline(always)]
pub fn exp_corrected<F: Float>(e: F, err: F) -> F {
    let c = e * err;
    e + F::select(c.is_nan(), F::ZERO, c)
}
