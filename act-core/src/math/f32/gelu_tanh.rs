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
    let tl = fm::<FMA>(C3.0, x2e, pe) + fm::<FMA>(C3.1, x2, C1.1 + te);
    let (zh, ze) = two_prod::<FMA>(x, t);
    (zh, fm::<FMA>(x, tl, ze), x2)
}

/// `(2^32 E, 2^32 E_lo)`, `E = e^-|z|` for `z = zh + zl`: the low part of `z` enters the
/// reduced argument, `2^(k + 32)` is built from the exponent's bits (normal for `k >= -158`,
/// `|z| <= ZMAX`; beyond, the results are not used), and `E_lo` is the rounding error of `E =
/// 2^(k + 32) (1 + p)`.
#[inline(always)]
fn exp_neg_abs_scaled<const FMA: bool>(zh: f32, zl: f32) -> (f32, f32) {
    const SIGN: u32 = 0x8000_0000;
    // `-|zh|` and `zl` with the sign flipped where `zh >= 0`, by bit operations (no compare).
    let a = f32::from_bits(zh.to_bits() | SIGN);
    let al = f32::from_bits(zl.to_bits() ^ (!zh.to_bits() & SIGN));
    let (p, _, _) = exp_reduce::<FMA>(a, al);
    let t = fm::<FMA>(a, core::f32::consts::LOG2_E, SHIFT);
    let s = f32::from_bits(t.to_bits().wrapping_add(127 + SCALE_EXP as u32) << 23);
    let e = fm::<FMA>(p, s, s);
    // `s - e` is exact (`e` within a factor 2 of `s`), and so is `p s`.
    (e, fm::<FMA>(p, s, s - e))
}

/// GELU-tanh `0.5 x (1 + tanh(z / 2)) = x σ(z)`, `z = 2 sqrt(2/pi) (x + 0.044715 x^3)`: the
/// kernel the product `x σ(z)` (what the formula becomes, `1 + tanh(v) = 2 σ(2v)`) is
/// rewritten to.
///
/// With `E = e^-|z|`: `x / (1 + E)` for `x >= 0`, `x E / (1 + E)` for `x < 0`, one division
/// with the numerator scaled by 2^32 (`2^32 E` for `x < 0`, normal down to the underflow) and
/// the quotient unscaled last, so that the result (subnormal from `x = -10.2`) rounds once.
/// `z` is carried in two parts (see `argument`): no condition-number allowance in the left
/// tail. Branch-free; `gelu_tanh(+∞) = +∞`, `gelu_tanh(-∞) = -0` (and `-0` beyond `|z| =
/// 108`, `x` itself for `z > 108`); NaN gives NaN.
#[inline(always)]
pub fn gelu_tanh<const FMA: bool>(x: f32) -> f32 {
    let neg = x < 0.0;
    let (zh, zl, _) = argument::<FMA>(x);
    let beyond = zh.abs() > ZMAX; // false for NaN
    let (es, _) = exp_neg_abs_scaled::<FMA>(zh, zl);
    let d = fm::<FMA>(es, UNSCALE, 1.0);
    // `2^32` rather than 1 for `x >= 0`, as the larger of `2^32 E` and a sign-dependent floor
    // rather than a select between them: one division for both signs (from a select LLVM makes
    // two masked ones). `x 2^32` overflows only beyond `|z| = 108`, where `x` is taken.
    let num = at_least(es, if neg { 0.0 } else { SCALE });
    let y = (x * num / d) * UNSCALE;
    // The limits by `x > 0`, not `neg`: selecting by `neg` twice, LLVM computes `y` once for
    // each sign.
    let limit = if x > 0.0 { x } else { -0.0 };
    if beyond { limit } else { y }
}

/// GELU-tanh's derivative `σ(z) + x z' σ'(z)`, `z' = 2 sqrt(2/pi) (1 + 0.134145 x^2)`: one
/// kernel, one exponential, where the sum computes `σ(z)` and `σ'(z)` apart and its terms
/// cancel by up to 1.3x for `x < 0`.
///
/// With `E = e^-|z|` and `d = 1 + E`, the closed forms `E (d + x z') / d^2` for `x < 0` and
/// `(d + x z' E) / d^2` for `x >= 0` (`σ = E / d` or `1 / d`, `σ' = E / d^2`): the only
/// cancellation left is in `d + x z'` near the interior root (`x = -0.75`), formed with one
/// rounding. `E` and `d` are carried in two parts and the quotient corrected by its exact
/// residual. `E` is scaled by 2^32 for `x < 0` and the result unscaled last (it is subnormal
/// from `x = -10.1`). `f'(+∞) = 1`, `f'(-∞) = +0` (and beyond `|z| = 108`); NaN gives NaN.
#[inline(always)]
pub fn gelu_tanh_prime<const FMA: bool>(x: f32) -> f32 {
    let neg = x < 0.0;
    let (zh, zl, x2) = argument::<FMA>(x);
    let beyond = zh.abs() > ZMAX; // false for NaN
    let (es, esl) = exp_neg_abs_scaled::<FMA>(zh, zl);
    let e = es * UNSCALE;
    let d = 1.0 + e;
    let dl = ((1.0 - d) + e) + esl * UNSCALE;
    let zp = fm::<FMA>(D3, x2, C1.0);
    let m = if neg { x } else { x * e };
    let b = fm::<FMA>(m, zp, d);
    // `2^32 E b` (`x < 0`) or `2^32 b`, as `nb + nbe`.
    let (num, numl) = if neg { (es, esl) } else { (SCALE, 0.0) };
    let (nb, nbe) = two_prod::<FMA>(num, b);
    let nbe = fm::<FMA>(numl, b, nbe);
    // `d^2 = dd + dde`.
    let (dd, dde) = two_prod::<FMA>(d, d);
    let dde = fm::<FMA>(2.0 * d, dl, dde);
    let r = 1.0 / dd;
    let y0 = nb * r;
    // The exact residual `nb - y0 dd` (one FMA; without, the product split).
    let res = if FMA {
        fm::<FMA>(-y0, dd, nb)
    } else {
        let (q, qe) = two_prod::<FMA>(y0, dd);
        (nb - q) - qe
    };
    let res = res + fm::<FMA>(-y0, dde, nbe);
    let y = fm::<FMA>(res, r, y0) * UNSCALE;
    let limit = if x > 0.0 { 1.0 } else { 0.0 };
    if beyond { limit } else { y }
}
