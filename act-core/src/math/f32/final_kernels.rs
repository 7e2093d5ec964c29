//! The `f32` `*_final` kernels of `sigmoid`, `sigmoid'`, `tanh`, `tanh'` and `softplus`: for a
//! value that is the activation's result (`Sigmoid`, `Tanh`, `Softplus` and `LogSigmoid`, the
//! derivatives, and the backward passes, which multiply the derivative by the incoming
//! gradient), not a term of a larger formula.
//!
//! With FMA (the AVX2 and AVX-512 builds) they are lean: the slice loops are bound by the
//! FMA units (each multiply or FMA taken off the AVX-512 loop made it about 6% faster,
//! `benches/RESULTS.md`), so these kernels carry no residual corrections and no range tests:
//! - `E = e^-|x|` (or `e^(-2|x|)`) is built with one power of two lifted by 2^64 above its
//!   value (`exp_neg_lifted`), normal down to the argument's clamp, where `E` is below half the
//!   smallest subnormal;
//! - the lift is not taken off: numerator and denominator both carry it (`2^64 E / (2^64 +
//!   2^64 E)`), so the one division rounds a subnormal result once, and a normal one as
//!   without the lift;
//! - `(1 + E)^2` is `E (E + 2) + 1`, one FMA (scaled by 2^64 too), which rounds once where
//!   `d = 1 + E` then `d^2` would round twice (and double the first rounding);
//! - `tanh` takes `e^(2|x|) - 1` as `s p + (s - 1)` with a one-constant reduction of its
//!   argument (`2|x| <= 20`, see [`tanh_final`]).
//!
//! Accuracy: the exhaustive `f32` check (`benches/src/bin/exhaustive.rs`) over every input,
//! as given in `benches/RESULTS.md`; without FMA these are the portable kernels of the
//! module above, unchanged.

use super::{
    LN2_HI, LN2_LO, SHIFT, at_most, exp_neg_single, exp_q, fm, pow2_from_shifted, sigmoid_prime,
    softplus, tanh, tanh_prime,
};

/// `(p, t)` with `e^-a = 2^k (1 + p)`, `t = k + SHIFT`, for `0 <= a <= 150` (or NaN): the
/// reduction and polynomial of `exp_reduce` (two-part ln 2, `EXP_Q`), without its two-factor
/// power of two. Taking `a`, not `-a`, lets the negation fold into the FMAs (a product by -2
/// would take an FMA unit, `2a` an adder).
#[inline(always)]
fn exp_neg_parts<const FMA: bool>(a: f32) -> (f32, f32) {
    let t = fm::<FMA>(a, -core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = fm::<FMA>(-k, LN2_LO, fm::<FMA>(-k, LN2_HI, -a));
    (fm::<FMA>(r * r, exp_q::<FMA>(r), r), t)
}

/// `2^lift e^-a` for `0 <= a <= 106` (or NaN), `lift` a constant in `[64, 70]`: `s (1 + p)`
/// with one power of two `s = 2^(k + lift)`, normal over that whole range (`k >= -153`). The
/// lift is an integer constant in the exponent offset, so it costs nothing.
#[inline(always)]
pub(super) fn exp_neg_lifted<const FMA: bool>(a: f32, lift: u32) -> f32 {
    let (p, t) = exp_neg_parts::<FMA>(a);
    let s = f32::from_bits(t.to_bits().wrapping_add(127 + lift) << 23);
    fm::<FMA>(p, s, s)
}

/// 2^64, the lift of `exp_neg_lifted` here.
pub(super) const LIFT: f32 = 18_446_744_073_709_551_616.0;
/// 2^-64.
pub(super) const UNLIFT: f32 = 1.0 / LIFT;
/// 2^-68.
const UNLIFT_68: f32 = UNLIFT / 16.0;

/// `2^64 e^-|x|`, with `|x|` clamped at 105: `e^-105` is below 2^-150, so results scaled back
/// by 2^-64 round to 0 there, as they should.
#[inline(always)]
fn lifted_e<const FMA: bool>(x: f32) -> f32 {
    exp_neg_lifted::<FMA>(at_most(x.abs(), 105.0), 64)
}

/// `sigmoid(x) = 1 / (1 + e^-x)` where the result is final: `num / (1 + E)`, `E = e^-|x|`,
/// `num = E` for `x < 0`, else 1, one correctly rounded division without residual
/// corrections (about 1.7 ulp at worst, `tests/accuracy.rs`; the corrected `sigmoid` is
/// within 1.5, `tests/math_accuracy.rs`). With FMA both terms carry the lift of
/// `exp_neg_lifted`: in the normal range the same bits as `E` built unlifted.
#[inline(always)]
pub fn sigmoid_final<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        let e = exp_neg_single::<FMA>(x.abs(), -0.0);
        return (if x < 0.0 { e } else { 1.0 }) / (1.0 + e);
    }
    let ye = lifted_e::<FMA>(x);
    (if x < 0.0 { ye } else { LIFT }) / (LIFT + ye)
}

/// `sigmoid'(x) = E / (1 + E)^2`, `E = e^-|x|`, where the result is final: with FMA,
/// `2^64 E / (2^64 E (E + 2) + 2^64)`, one division, `E + 2` formed from the lifted value.
#[inline(always)]
pub fn sigmoid_prime_final<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        return sigmoid_prime::<FMA>(x);
    }
    let ye = lifted_e::<FMA>(x);
    ye / fm::<FMA>(ye, fm::<FMA>(ye, UNLIFT, 2.0), LIFT)
}

/// `tanh'(x) = 4E / (1 + E)^2`, `E = e^(-2|x|)`, where the result is final: with FMA,
/// `2^66 E / (2^66 E (E + 2) / 4 + 2^64)`, one division. `|x|` is clamped at 53, where `4E`
/// is below 2^-150.
#[inline(always)]
pub fn tanh_prime_final<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        return tanh_prime::<FMA>(x);
    }
    // 2^64 * 4E.
    let y4 = exp_neg_lifted::<FMA>(2.0 * at_most(x.abs(), 53.0), 66);
    // (E + 2) / 4.
    let u = fm::<FMA>(y4, UNLIFT_68, 0.5);
    y4 / fm::<FMA>(y4, u, LIFT)
}

/// `ln 2` rounded to `f32`, for [`tanh_final`]'s one-constant reduction.
const LN2_F32: f32 = core::f32::consts::LN_2;

/// `tanh(x)` where the result is final: with FMA, `em = e^(2|x|) - 1` as `s p + (s - 1)`
/// (`e^r = 1 + p`, `s = 2^k`; `s - 1` is exact up to `k = 24`, beyond which `em` exceeds
/// 2^24), then `em / (em + 2)` with the sign of `x`, as [`tanh`]. `2|x|` is clamped at 20
/// (`tanh(10)` rounds to 1), so `k <= 29` and `r = 2|x| - k ln2` takes `ln 2` in one part: its
/// rounding (1.9e-9) moves `r` by `δ <= 1.9e-9 k`, `em` by `(em + 1) δ`, and `tanh` by at most
/// `2 (em + 1) δ / (em + 2)^2`, under 2e-9 where `k > 0` (largest at `k = 1`, where `tanh`
/// is above 0.17: an eighth of its ulp); at `k = 0` the reduction is exact.
#[inline(always)]
pub fn tanh_final<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        return tanh::<FMA>(x);
    }
    let a2 = 2.0 * at_most(x.abs(), 10.0);
    let t = fm::<FMA>(a2, core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = fm::<FMA>(-k, LN2_F32, a2);
    let p = fm::<FMA>(r * r, exp_q::<FMA>(r), r);
    let s = pow2_from_shifted(t);
    let em = fm::<FMA>(p, s, s - 1.0);
    (em / (em + 2.0)).copysign(x)
}

/// `(atanh(s) / s - 1) / z` in `z = s^2 <= 1/9`, a cubic minimax fit of its relative error
/// (`scripts/fit_softplus.py`: 4.2e-7 with these `f32` coefficients; the term it enters is
/// at most 4% of the result, so that is below 2e-8 of it).
const ATANH_R: [f32; 4] = [0.333_333_2, 0.200_038_46, 0.141_167_01, 0.134_354_37];

/// `softplus(x) = ln(1 + e^x)` where the result is final: with FMA, `max(x, 0) + ln(1 + E)`,
/// `E = e^-|x|` in `(0, 1]`, and `ln(1 + E) = 2 atanh(s) = 2s + 2s z R(z)`, `s = E / (2 + E)`
/// (at most 1/3), `z = s^2`, `R` a cubic (`scripts/fit_softplus.py`). One division and no
/// reduction of the logarithm's argument: `1 + E` is never formed (its rounding would cost
/// `E`'s low bits in the tail), and `2 + E` rounds by at most half an ulp of a value in
/// `[2, 3]`. Over every `f32` input (AVX-512; every 16th in AVX2), within 2.8 ULP
/// (x = -2.757); the plain kernel,
/// which forms `ln(1 + E)` in double-word arithmetic, within 1.1 and 2.5 times slower
/// (`benches/RESULTS.md`).
///
/// `E` carries the lift of `exp_neg_lifted` (2^64) into `s`, and an FMA takes it off while it adds
/// `max(x, 0)`: `fma(2^64 s, 2^-63, max(x, 0))` rounds once, so a subnormal result (`x` below about
/// -87.3, where `s^3` flushes to 0) is rounded once. That sum is formed beside the polynomial,
/// which the last FMA adds (`s z 2R`, with `s z` from the unlifted `s`). `|x|` is clamped at 105,
/// where `e^-105` is below half the smallest subnormal: `softplus(-inf) = 0`, `softplus(inf) =
/// inf`, NaN gives NaN. Without FMA this is [`softplus`].
#[inline(always)]
pub fn softplus_final<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        return softplus::<FMA>(x);
    }
    let ye = lifted_e::<FMA>(x);
    // 2 + E, then 2^64 s.
    let sl = ye / fm::<FMA>(ye, UNLIFT, 2.0);
    // z = s^2 from the unlifted s: in the far tail it flushes, where 2s z R is negligible.
    let s = sl * UNLIFT;
    let z = s * s;
    // `max(x, 0) + 2s` (the lift taken off inside the FMA: one rounding, exact for `x <= 0`
    // where the result is normal) beside the polynomial, then `+ s z 2R`, one FMA after it.
    let pos = if x > 0.0 { x } else { 0.0 };
    let base = fm::<FMA>(sl, 2.0 * UNLIFT, pos);
    // `2R` in Estrin's form, `(r0 + r1 z) + z^2 (r2 + r3 z)`: two steps after `z^2`.
    let r2 = |i: usize| 2.0 * ATANH_R[i];
    let lo = fm::<FMA>(r2(1), z, r2(0));
    let hi = fm::<FMA>(r2(3), z, r2(2));
    fm::<FMA>(s * z, fm::<FMA>(z * z, hi, lo), base)
}
