//! GELU-tanh's `f32` kernels: the value `x σ(z)` and the derivative `σ(z) + x z' σ'(z)`,
//! `z = c1 x + c3 x^3` (`c1 = 2 sqrt(2/pi)`, `c3 = 0.044715 c1`), each from one exponential
//! `E = e^-|z|`, with `z` carried in two parts.

use super::*;

/// A constant known as the double-double `hi + lo`, as `f32` high and low parts.
const fn split(hi: f64, lo: f64) -> (f32, f32) {
    let h = hi as f32;
    (h, ((hi - h as f64) + lo) as f32)
}

/// `c1 = 2 sqrt(2/pi)` (mpmath: 1.59576912160573071175...), high and low parts.
const C1: (f32, f32) = split(1.595_769_121_605_730_8, -9.969_308_809_110_92e-17);
/// `c3 = 0.044715 c1`, the decimal 0.044715 exactly (mpmath: 0.0713548162726002527...).
const C3: (f32, f32) = split(0.071_354_816_272_600_25, -6.175_149_918_155_315e-19);
/// `3 c3`, the coefficient of `x^2` in `z' = c1 + 3 c3 x^2` (one part: `z'` enters no tail).
const D3: f32 = (3.0 * 0.071_354_816_272_600_25) as f32;

/// `|z|` beyond which the tail is taken as its limit: for `x < 0` below half the smallest
/// subnormal (`|x| e^-108 < 2^-152` at `x = -10.8`, where `z = -108`), for `x > 0` `σ(z)` is 1
/// to far below the rounding. Below it `k >= -156`, so `2^(k + 32)` is normal.
const ZMAX: f32 = 108.0;

/// `z = c1 x + c3 x^3 = zh + zl` (`zl` its rounding error, to about 2^-44 of `z`) and
/// `x^2`. In the left tail `e^z` multiplies the relative error of `z` by `|z|` (up to 108):
/// `z` rounded once would cost up to 50 ulp. `z = x t`, `t = c1 + c3 x^2`, every product split
/// exactly and the sum `t` by Fast2Sum (both terms positive, larger first).
#[inline(always)]
fn argument<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    let (x2, x2e) = two_prod::<FMA>(x, x);
    let (p, pe) = two_prod::<FMA>(C3.0, x2);
    let t = C1.0 + p;
    let (big, small) = if p > C1.0 { (p, C1.0) } else { (C1.0, p) };
    let te = small - (t - big);
    // With FMA, the terms known early summed first and `te` (the end of the longest path
    // here) added last: `zl` is then ready before the reduction needs it.
    let tl = if FMA {
        (fm::<FMA>(C3.0, x2e, pe) + fm::<FMA>(C3.1, x2, C1.1)) + te
    } else {
        fm::<FMA>(C3.0, x2e, pe) + fm::<FMA>(C3.1, x2, C1.1 + te)
    };
    let (zh, ze) = two_prod::<FMA>(x, t);
    (zh, fm::<FMA>(x, tl, ze), x2)
}

/// `(p, s)` with `2^32 E = s (1 + p)`, `E = e^-|z|` for `z = zh + zl`: the low part of `z`
/// enters the reduced argument, and `s = 2^(k + 32)` is built from the exponent's bits
/// (normal for `k >= -158`, `|z| <= ZMAX`; beyond, the results are not used). A product `v E`
/// is then `fma(p, v s, v s)`, with `v s` exact: one rounding, where `v` times a rounded `E`
/// takes two.
#[inline(always)]
fn exp_neg_abs_scaled<const FMA: bool>(zh: f32, zl: f32) -> (f32, f32) {
    const SIGN: u32 = 0x8000_0000;
    // `-|zh|` and `zl` with the sign flipped where `zh >= 0`, by bit operations (no compare).
    let a = f32::from_bits(zh.to_bits() | SIGN);
    let al = f32::from_bits(zl.to_bits() ^ (!zh.to_bits() & SIGN));
    let t = fm::<FMA>(a, core::f32::consts::LOG2_E, SHIFT);
    let p = if FMA {
        // `exp_reduce`'s reduction as two sums formed side by side, `(a - k ln2_hi) + (al -
        // k ln2_lo)` (the portable form), where `exp_reduce` adds `al` between its two FMAs:
        // one FMA latency less before the polynomial, the same operations.
        let k = t - SHIFT;
        let r = fm::<FMA>(-k, LN2_HI, a) + fm::<FMA>(-k, LN2_LO, al);
        fm::<FMA>(r * r, exp_q::<FMA>(r), r)
    } else {
        exp_reduce::<FMA>(a, al).0
    };
    let s = f32::from_bits(t.to_bits().wrapping_add(127 + SCALE_EXP as u32) << 23);
    (p, s)
}

/// The factors that make one numerator of both signs, `v (1 + pn) sn = 2^32 v E` for `x < 0`
/// and `2^32 v` for `x >= 0`: `sn` is `s` or `2^32` (the larger of `s` and a sign-dependent
/// floor, not a select between them: from a select, LLVM splits the division that follows
/// into two masked ones), `pn` is `p` or 0.
#[inline(always)]
fn numerator_factors(neg: bool, p: f32, s: f32) -> (f32, f32) {
    (
        if neg { p } else { 0.0 },
        at_least(s, if neg { 0.0 } else { SCALE }),
    )
}

/// GELU-tanh `0.5 x (1 + tanh(z / 2)) = x σ(z)`, `z = 2 sqrt(2/pi) (x + 0.044715 x^3)`: the
/// kernel the product `x σ(z)` (what the formula becomes, `1 + tanh(v) = 2 σ(2v)`) is
/// rewritten to.
///
/// With `E = e^-|z|`: `x / (1 + E)` for `x >= 0`, `x E / (1 + E)` for `x < 0`, one division
/// with the numerator scaled by 2^32 (`2^32 x E` for `x < 0`, normal down to the underflow,
/// rounded once) and the quotient unscaled last, so that the result (subnormal from `x =
/// -10.2`) rounds once. `z` is carried in two parts (see `argument`): no condition-number
/// allowance in the left tail. Branch-free; `gelu_tanh(+∞) = +∞`, `gelu_tanh(-∞) = -0` (and
/// `-0` beyond `|z| = 108`, `x` itself for `z > 108`); NaN gives NaN.
#[inline(always)]
pub fn gelu_tanh<const FMA: bool>(x: f32) -> f32 {
    let neg = x < 0.0;
    let (zh, zl, _) = argument::<FMA>(x);
    let beyond = zh.abs() > ZMAX; // false for NaN
    let (p, s) = exp_neg_abs_scaled::<FMA>(zh, zl);
    let d = fm::<FMA>(fm::<FMA>(p, s, s), UNSCALE, 1.0);
    // `x 2^32` overflows only beyond `|z| = 108`, where `x` is taken.
    let (pn, sn) = numerator_factors(neg, p, s);
    let xs = x * sn;
    let y = (fm::<FMA>(pn, xs, xs) / d) * UNSCALE;
    // The limits by `x > 0`, not `neg`: selecting by `neg` again, LLVM computes `y` once for
    // each sign.
    let limit = if x > 0.0 { x } else { -0.0 };
    if beyond { limit } else { y }
}

/// GELU-tanh's derivative `σ(z) + x z' σ'(z)`, `z' = 2 sqrt(2/pi) (1 + 0.134145 x^2)`: one
/// kernel, one exponential, where the sum computes `σ(z)` and `σ'(z)` apart and its terms
/// cancel by up to 1.3x for `x < 0`.
///
/// With `E = e^-|z|` and `d = 1 + E`, the closed forms `E (d + x z') / d^2` for `x < 0` and `(d + x
/// z' E) / d^2` for `x >= 0` (`σ = E / d` or `1 / d`, `σ' = E / d^2`): the only cancellation left
/// is in `d + x z'` near the interior root (`x = -0.75`), formed with one rounding. `d` and the
/// numerator `2^32 E b` are carried in two parts, and the quotient is corrected by its exact
/// residual, so that `z'` and `d + x z'` are the only roundings that count (at the stride-16
/// exhaustive check the quotient rounded plainly came to 4.06 ULP). The result is unscaled last (it
/// is subnormal from `x = -10.1`). `f'(+∞) = 1`, `f'(-∞) = +0` (and beyond `|z| = 108`); NaN gives
/// NaN.
#[inline(always)]
pub fn gelu_tanh_prime<const FMA: bool>(x: f32) -> f32 {
    let neg = x < 0.0;
    let (zh, zl, x2) = argument::<FMA>(x);
    let beyond = zh.abs() > ZMAX; // false for NaN
    let (p, s) = exp_neg_abs_scaled::<FMA>(zh, zl);
    let es = fm::<FMA>(p, s, s);
    let e = es * UNSCALE;
    let d = 1.0 + e;
    // The rounding error of `d` (exact: `1 >= e`).
    let dl = (1.0 - d) + e;
    let zp = fm::<FMA>(D3, x2, C1.0);
    let m = if neg { x } else { x * e };
    let b = fm::<FMA>(m, zp, d);
    let (pn, sn) = numerator_factors(neg, p, s);
    let sb = sn * b;
    // `nb + nbe = 2^32 E b = sb (1 + pn)` (`sb - nb` is exact).
    let nb = fm::<FMA>(pn, sb, sb);
    let (nbe, dl) = if FMA {
        (fm::<FMA>(pn, sb, sb - nb), dl)
    } else {
        // And `e`'s own rounding error (`es + esl = s (1 + p)`; `s - es` and `p s` are
        // exact), which matters here where `d + x z'` rounds twice.
        let (q, qe) = two_prod::<FMA>(pn, sb);
        let esl = (s - es) + p * s;
        (((sb - nb) + q) + qe, dl + esl * UNSCALE)
    };
    // `d^2 = dd + dde`; then `nb / d^2` as `y0 = nb / dd` corrected by the exact residual
    // `nb - y0 dd`.
    let (dd, dde) = two_prod::<FMA>(d, d);
    let dde = fm::<FMA>(d + d, dl, dde);
    let r = 1.0 / dd;
    let y0 = nb * r;
    let res = if FMA {
        // The exact residual and the low parts' term side by side, summed last.
        fm::<FMA>(-y0, dd, nb) + fm::<FMA>(-y0, dde, nbe)
    } else {
        let (q, qe) = two_prod::<FMA>(y0, dd);
        fm::<FMA>(-y0, dde, ((nb - q) - qe) + nbe)
    };
    let y = fm::<FMA>(res, r, y0) * UNSCALE;
    let limit = if x > 0.0 { 1.0 } else { 0.0 };
    if beyond { limit } else { y }
}
