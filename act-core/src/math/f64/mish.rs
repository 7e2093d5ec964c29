//! Mish's derivative, `f64`.
//!
//! With `t = tanh(softplus(x))` and `E = e^x`, `1 - t^2 = 4 (1 + E)^2 / δ^2` and
//! `σ(x) = E / (1 + E)`, so that
//!
//! ```text
//! mish'(x) = t + x σ(x) (1 - t^2) = E ω / δ^2,
//! ω = 4 (x + 1) + E (4x + 6) + 4 E^2 + E^3,   δ = 2 + 2E + E^2,
//! ```
//!
//! and, multiplying through by `G^4` with `G = e^-x`, for `x >= 0`:
//! `(1 + 4G + (4x + 6) G^2 + 4 (x + 1) G^3) / (1 + 2G + 2G^2)^2` (no overflow of `E^3`, and
//! every term positive). One `e^-|x|` serves both forms. The symbolic derivative rounds in
//! each of its kernels and again in the product and the sum, whose terms cancel (ratio about
//! 1.6 at x = -2.7): 3.99 ULP on the mpmath grid. Here the two polynomials, `δ^2` and the
//! quotient are carried in double-double (exact products, TwoSum) and `e^-|x|` as
//! `(1 + p) 2^k` with `1 + p` in two parts, so that what is left is the error of `p` and the
//! final rounding.

use super::{
    SCALE, SCALE_FROM, UNSCALE, at_least, at_most, exp_reduce, fm, softplus_scaled, tanh, two_prod,
};

/// Mish (Misra, 2019), `x tanh(softplus(x))`: `x tanh(s)` with `s = c softplus(x)` scaled by
/// `c` where it would leave the normal range (`x < -665`; `tanh(c s) = c tanh(s)` there) and
/// the product unscaled last, so that the subnormal tail is rounded once, as the generated
/// code of the formula computes it. `mish(-inf) = -0` (the product is `-∞ · 0` there),
/// `mish(inf) = inf`, NaN gives NaN.
///
/// ```
/// use act_core::math::f64::mish;
/// // mpmath: mish(-1.2) = -0.30883579631486252496...; an ulp is 5.6e-17 there
/// assert!((mish::<false>(-1.2) - -0.30883579631486252).abs() <= 2.0 * 5.6e-17);
/// assert_eq!(mish::<false>(f64::NEG_INFINITY), 0.0); // -0.0
/// assert!(mish::<false>(-740.0) < 0.0); // -740 e^-740, subnormal
/// ```
#[inline(always)]
pub fn mish<const FMA: bool>(x: f64) -> f64 {
    let (s, inv) = softplus_scaled::<FMA>(x);
    let y = (x * tanh::<FMA>(s)) * inv;
    if x == f64::NEG_INFINITY { -0.0 } else { y }
}

/// `a + b` as `(s, e)`, `s + e = a + b` exactly (Knuth's TwoSum, any magnitudes).
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// `h g + c` for double-words `h`, `g`, `c` (pairs `(high, low)`), not renormalised: the low
/// part may exceed half an ulp of the high one after a cancellation, which only matters at
/// the next rounding of a low part, 2^-53 relative to it.
#[inline(always)]
fn mul_add_dd<const FMA: bool>(h: (f64, f64), g: (f64, f64), c: (f64, f64)) -> (f64, f64) {
    let (p, e) = two_prod::<FMA>(h.0, g.0);
    let e = fm::<FMA>(h.0, g.1, fm::<FMA>(h.1, g.0, e));
    let (s, f) = two_sum(p, c.0);
    (s, f + (e + c.1))
}

/// Mish's derivative, `d/dx [x tanh(softplus(x))]`: `mish'(inf) = 1`, `mish'(-inf) = -0`,
/// NaN gives NaN;
/// subnormal, not 0, from `x ≈ -701` down to `x ≈ -751` (the result is `(x + 1) e^x` there,
/// computed scaled by 2^64).
///
/// ```
/// use act_core::math::f64::mish_prime;
/// assert_eq!(mish_prime::<false>(0.0), 0.6); // tanh(ln 2)
/// // mpmath: -0.10403823392538234808...; an ulp is 1.4e-17 there
/// assert!((mish_prime::<false>(-2.71) - -0.10403823392538235).abs() < 2e-17);
/// assert_eq!(mish_prime::<false>(f64::INFINITY), 1.0);
/// assert_eq!(mish_prime::<false>(f64::NEG_INFINITY), 0.0); // -0.0, the sign of f'
/// ```
#[inline(always)]
pub fn mish_prime<const FMA: bool>(x: f64) -> f64 {
    // Beyond 40, 1 to the last bit; below -760, below half the smallest subnormal (and -0,
    // the sign of the true value, as the scaled factor is still not 0 at -760).
    let x = at_least(at_most(x, 40.0), -760.0);
    let neg = x < 0.0;
    let a = -x.abs();
    let (p, s1, s2) = exp_reduce::<FMA>(a, -0.0);
    // e^a = (1 + p) s1 s2, `1 + p` in two parts (Fast2Sum: |p| < 0.42).
    let m = 1.0 + p;
    let ml = (1.0 - m) + p;
    let s = s1 * s2;
    let g = (m * s, ml * s);
    // The factor E of the x < 0 form, scaled where it leaves the normal range.
    let far = a < -SCALE_FROM;
    let (c, inv) = if far { (SCALE, UNSCALE) } else { (1.0, 1.0) };
    let sc = s1 * (s2 * c);
    let pre = if neg { (m * sc, ml * sc) } else { (1.0, 0.0) };
    // 4x is exact; 4 (x + 1) and 4x + 6 in two parts.
    let b = two_sum(4.0 * x, 4.0);
    let b6 = two_sum(4.0 * x, 6.0);
    let one = (1.0, 0.0);
    let four = (4.0, 0.0);
    // N = n0 + G (n1 + G (n2 + G n3)); D = d0 + G (d1 + G d2), d1 = 2.
    let (n3, n2, n1, n0) = if neg {
        (one, four, b6, b)
    } else {
        (b, b6, four, one)
    };
    let (d2, d0) = if neg { (1.0, 2.0) } else { (2.0, 1.0) };
    let n = mul_add_dd::<FMA>(n3, g, n2);
    let n = mul_add_dd::<FMA>(n, g, n1);
    let n = mul_add_dd::<FMA>(n, g, n0);
    let d = mul_add_dd::<FMA>((d2, 0.0), g, (2.0, 0.0));
    let d = mul_add_dd::<FMA>(d, g, (d0, 0.0));
    // q = D^2, then r + rl = N / q to first order.
    let (q, ql) = two_prod::<FMA>(d.0, d.0);
    let ql = fm::<FMA>(2.0 * d.0, d.1, ql);
    let r = n.0 / q;
    let (rq, rql) = two_prod::<FMA>(r, q);
    let rl = (((n.0 - rq) - rql) + fm::<FMA>(-r, ql, n.1)) / q;
    // pre (r + rl), one rounding, then the scale removed.
    let y = fm::<FMA>(pre.0, r, fm::<FMA>(pre.0, rl, pre.1 * r));
    y * inv
}
