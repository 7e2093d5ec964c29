//! `f32` kernels. See the [module overview](super) for the method and the measured accuracy.
//!
//! Everything is computed in `f32` (so a vector register holds twice as many lanes as for
//! `f64`) with lower-degree polynomials, except `powi` and `powf`, which go through `f64`:
//! their error grows with the exponent, and `f64` absorbs that growth for free.

mod erf;
mod final_kernels;
mod gelu_tanh;
mod mish;
pub(crate) mod scalar;
mod silu;

pub use erf::{
    GELU_NEAR_FROM, erf, erfc, erfc_mul, erfc_mul_scaled, erfc_scaled, gelu, gelu_pair, gelu_prime,
    gelu_scaled, gelu_scaled_near,
};
pub use final_kernels::{
    sigmoid_final, sigmoid_prime_final, softplus_final, tanh_final, tanh_prime_final,
};
pub use gelu_tanh::{gelu_tanh, gelu_tanh_prime};
pub use mish::{mish, mish_prime};
pub use silu::{SILU_NEAR_FROM, silu, silu_prime, silu_scaled, silu_scaled_near};

/// Adding this (1.5 * 2^23) rounds a value below 2^22 to an integer held in the low mantissa
/// bits, readable with `to_bits`.
const SHIFT: f32 = 12_582_912.0;
/// ln 2 to 16 significant bits, so `k * LN2_HI` is exact for `|k| < 2^8`.
const LN2_HI: f32 = 0.693_145_75;
/// ln 2 - LN2_HI.
const LN2_LO: f32 = 1.428_606_8e-6;
/// Keeps the high 12 significant bits: products of two such halves are exact (Dekker).
const SPLIT_MASK: u32 = 0xFFFF_F000;

/// `(e^r - 1 - r) / r^2` on `|r| <= ln2 / 2`, Chebyshev fit (relative error 1.4e-7).
const EXP_Q: [f32; 5] = [
    0.5,
    0.166_665_78,
    0.041_666_556,
    0.008_363_173,
    0.001_392_617_6,
];

/// `(2 atanh(s) / s - 2) / s^2` in `z = s^2`, `z <= 0.0295`, relative error 3.0e-7.
const LN_R: [f32; 3] = [0.666_666_87, 0.399_887_8, 0.295_799_5];

/// `a * b + c`: one rounding with `FMA` (only set inside code compiled with the `fma`
/// target feature, where it is one instruction), two without.
#[inline(always)]
fn fm<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Horner evaluation; `N` is a constant so the loop unrolls completely.
#[inline(always)]
fn poly<const FMA: bool, const N: usize>(x: f32, c: &[f32; N]) -> f32 {
    let mut acc = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = fm::<FMA>(acc, x, c[i]);
    }
    acc
}

/// `min(x, hi)` that keeps NaN.
#[inline(always)]
fn at_most(x: f32, hi: f32) -> f32 {
    if x > hi { hi } else { x }
}

/// `max(x, lo)` that keeps NaN.
#[inline(always)]
fn at_least(x: f32, lo: f32) -> f32 {
    if x < lo { lo } else { x }
}

/// `2^k` for the integer `k` held in the low bits of `t = k + SHIFT`, `|k| <= 126`.
#[inline(always)]
fn pow2_from_shifted(t: f32) -> f32 {
    f32::from_bits(t.to_bits().wrapping_add(127) << 23)
}

/// The exact high and low halves of `a * b` (Dekker's product).
#[inline(always)]
fn two_prod<const FMA: bool>(a: f32, b: f32) -> (f32, f32) {
    let p = a * b;
    if FMA {
        return (p, a.mul_add(b, -p));
    }
    let ah = f32::from_bits(a.to_bits() & SPLIT_MASK);
    let bh = f32::from_bits(b.to_bits() & SPLIT_MASK);
    let (al, bl) = (a - ah, b - bh);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// [`EXP_Q`] at `r`. With FMA in Estrin's scheme, `(q0 + q1 r) + r^2 ((q2 + q3 r) + q4 r^2)`:
/// three dependent operations after `r` instead of Horner's four (the same number of
/// instructions, since `exp_reduce` forms `r^2` anyway), which is 4 cycles off the dependency
/// chain that sets the speed of a one-element call (`Sigmoid.forward(x)` in a loop). The
/// portable build keeps Horner's form.
#[inline(always)]
fn exp_q<const FMA: bool>(r: f32) -> f32 {
    if !FMA {
        return poly::<FMA, _>(r, &EXP_Q);
    }
    let r2 = r * r;
    let lo = fm::<FMA>(EXP_Q[1], r, EXP_Q[0]);
    let hi = fm::<FMA>(EXP_Q[3], r, EXP_Q[2]);
    fm::<FMA>(r2, fm::<FMA>(EXP_Q[4], r2, hi), lo)
}

/// `e^(x + xl) = (1 + p) * s1 * s2` for `|x| <= 150` (or NaN), see the `f64` version.
#[inline(always)]
fn exp_reduce<const FMA: bool>(x: f32, xl: f32) -> (f32, f32, f32) {
    let t = fm::<FMA>(x, core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    // `xl = -0.0` (not 0.0) where there is no low part: `y + -0.0` folds away.
    let r = if FMA {
        fm::<FMA>(-k, LN2_LO, fm::<FMA>(-k, LN2_HI, x) + xl)
    } else {
        (x - k * LN2_HI) + (xl - k * LN2_LO)
    };
    let p = fm::<FMA>(r * r, exp_q::<FMA>(r), r);
    let t1 = (k * 0.5 + SHIFT) - SHIFT;
    let s1 = pow2_from_shifted(t1 + SHIFT);
    let s2 = pow2_from_shifted((k - t1) + SHIFT);
    (p, s1, s2)
}

/// `c e^-a = hi + lo` for `a >= 0` (or NaN), `c` a power of two.
#[inline(always)]
fn exp_neg_dd<const FMA: bool>(a: f32, c: f32) -> (f32, f32) {
    let (p, s1, s2) = exp_reduce::<FMA>(-at_most(a, 150.0), -0.0);
    let y = 1.0 + p;
    let yl = (1.0 - y) + p;
    let s2 = s2 * c;
    (y * s1 * s2, yl * s1 * s2)
}

/// `e^x`.
#[inline(always)]
pub fn exp<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return unscaled(exp_scaled_fma::<FMA>(x));
    }
    exp_c::<FMA>(x, 1.0)
}

/// `c e^x`, `c` a power of two, without rounding `e^x` on its own.
#[inline(always)]
fn exp_c<const FMA: bool>(x: f32, c: f32) -> f32 {
    let (p, s1, s2) = exp_reduce::<FMA>(at_least(at_most(x, 150.0), -150.0), -0.0);
    (1.0 + p) * s1 * (s2 * c)
}

/// [`exp_c`] of `x + xl`, `|xl|` tiny against `x`.
#[inline(always)]
fn exp_c_lo<const FMA: bool>(x: f32, xl: f32, c: f32) -> f32 {
    // Where `x` is clamped its low part goes too.
    let xl = if x.abs() > 150.0 { 0.0 } else { xl };
    let (p, s1, s2) = exp_reduce::<FMA>(at_least(at_most(x, 150.0), -150.0), xl);
    (1.0 + p) * s1 * (s2 * c)
}

/// Exponent arguments `a` beyond which `e^-a` (below 2^-99) is scaled by [`SCALE`] in the
/// `*_scaled` kernels.
const SCALE_FROM: f32 = 69.0;
/// The scale of the `*_scaled` kernels, 2^32: it lifts every value down to 2^-150 (half the
/// smallest subnormal) into the normal range, and a scaled value stays below 2^-67.
const SCALE: f32 = 4_294_967_296.0;
/// `log2 SCALE`.
const SCALE_EXP: f32 = 32.0;
/// `SCALE_EXP` in the exponent field.
const SCALE_BITS: u32 = 32 << 23;
/// `1 / SCALE`.
const UNSCALE: f32 = 2.328_306_4e-10;

super::fma_kernels!(f32, -126.0, 128.0);
super::atan::atan_kernel!(f32, f32_consts);
super::asinh::asinh_kernel!(f32, 4096.0, 4096.0);

/// `(c e^x, 1/c)`, scaled where `e^x` would be subnormal or nearly so: multiplied by
/// cofactors larger than 1 (`x e^x`), it then rounds once, where the product is formed and
/// unscaled, instead of losing bits in the subnormal range first.
#[inline(always)]
pub fn exp_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    if FMA {
        return exp_scaled_fma::<FMA>(x);
    }
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (exp_c::<FMA>(x, c), inv)
}

/// [`exp_scaled`] of `x + xl`, `|xl|` tiny against `x` (`-0.0` for none).
#[inline(always)]
fn exp_scaled_lo<const FMA: bool>(x: f32, xl: f32) -> (f32, f32) {
    if FMA {
        return exp_scaled_fma_lo::<FMA>(x, xl);
    }
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (exp_c_lo::<FMA>(x, xl, c), inv)
}

/// [`EXP_Q`] doubled (exactly): [`expm1_core`]'s FMA form takes its final doubling into the
/// polynomial.
const EXP_Q2: [f32; 5] = [
    2.0 * EXP_Q[0],
    2.0 * EXP_Q[1],
    2.0 * EXP_Q[2],
    2.0 * EXP_Q[3],
    2.0 * EXP_Q[4],
];

/// `e^x - 1` for `x` in `[-20, 89]` (or NaN).
///
/// With FMA, `2 h r^2 q(r) + 2 (h r + (h - 1/2))` (`h = 2^(k-1)`) has its dependency chain
/// cut short after `r`: `q` in Estrin's form (three dependent operations instead of Horner's
/// four), `h r^2` formed beside it, and the doubling taken into `q`'s coefficients and into
/// the second term (exact: `q > 0` on the range, so that term is below the result and
/// overflows only where the result does), so the last step is one FMA. `h r^2` is exact (a
/// power of two times `r^2`) and `(h r^2) q` is no longer rounded on its own. Over every `f32`
/// input, ELU's value (`expm1` for `x <= 0`) is within 1.249 ULP (x = -0.397; 1.237 at
/// -0.400 in Horner's form).
#[inline(always)]
fn expm1_core<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return expm1_core_fma(x);
    }
    let t = fm::<FMA>(x, core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // 2 (h p + (h - 1/2)) with h = 2^(k-1): see the f64 version.
    let h = pow2_from_shifted(t - 1.0);
    // Adding h r before the small h r^2 q term avoids rounding p = e^r - 1 on its own.
    let q = poly::<FMA, _>(r, &EXP_Q);
    2.0 * (((h - 0.5) + h * r) + h * (r * r * q))
}

/// [`expm1_core`]'s FMA form (see there).
#[inline(always)]
fn expm1_core_fma(x: f32) -> f32 {
    let t = x.mul_add(core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = (-k).mul_add(LN2_LO, (-k).mul_add(LN2_HI, x));
    // `pow2_from_shifted(t - 1.0)` with the `- 1` in the bits (one instruction fewer): `t`'s
    // unit in the last place is 1 while `|k| < 2^22`.
    let h = f32::from_bits(t.to_bits().wrapping_add(126) << 23);
    let r2 = r * r;
    let lo = EXP_Q2[1].mul_add(r, EXP_Q2[0]);
    let hi = EXP_Q2[3].mul_add(r, EXP_Q2[2]);
    let q2 = r2.mul_add(EXP_Q2[4].mul_add(r2, hi), lo);
    (h * r2).mul_add(q2, 2.0 * h.mul_add(r, h - 0.5))
}

/// `e^x - 1`, accurate near 0.
#[inline(always)]
pub fn expm1<const FMA: bool>(x: f32) -> f32 {
    let y = expm1_core::<FMA>(at_least(at_most(x, 89.0), -20.0));
    // Below 2^-25, e^x - 1 rounds to x: see the f64 version.
    if x.abs() < 2.980_232_2e-8 { x } else { y }
}

/// `ln(x 2^e_adj) + c` for normal finite `x > 0`, see the `f64` version.
#[inline(always)]
fn ln_core<const FMA: bool>(x: f32, e_adj: f32, c: f32) -> f32 {
    let bits = x.to_bits();
    let u = bits.wrapping_add(0x3F80_0000 - 0x3F35_04F3);
    let eb = u >> 23;
    let m = f32::from_bits(bits.wrapping_sub(eb.wrapping_sub(127) << 23));
    let e = (eb as i32 - 127) as f32 + e_adj;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let hfsq = 0.5 * f * f;
    let r = z * poly::<FMA, _>(z, &LN_R);
    e * LN2_HI + (f - (hfsq - (s * (hfsq + r) + (e * LN2_LO + c))))
}

/// Natural logarithm.
#[inline(always)]
pub fn ln<const FMA: bool>(x: f32) -> f32 {
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * 16_777_216.0 } else { x }; // 2^24
    let y = ln_core::<FMA>(xs, if tiny { -24.0 } else { 0.0 }, 0.0);
    let y = if x == f32::INFINITY { x } else { y };
    let y = if x == 0.0 { f32::NEG_INFINITY } else { y };
    if x >= 0.0 { y } else { f32::NAN }
}

/// `ln(1 + a + b)` for `a >= -1`, `|b|` tiny against `1 + a`.
#[inline(always)]
fn log1p_dd<const FMA: bool>(a: f32, b: f32) -> f32 {
    let u = 1.0 + a;
    let av = u - 1.0;
    let err = (1.0 - (u - av)) + (a - av);
    ln_core::<FMA>(u, 0.0, (err + b) / u)
}

/// `ln(1 + x)`, accurate near 0.
#[inline(always)]
pub fn log1p<const FMA: bool>(x: f32) -> f32 {
    let y = log1p_dd::<FMA>(x, 0.0);
    let y = if x == f32::INFINITY { x } else { y };
    let y = if x == -1.0 { f32::NEG_INFINITY } else { y };
    let y = if x == 0.0 { x } else { y };
    if x >= -1.0 { y } else { f32::NAN }
}

/// Hyperbolic tangent.
#[inline(always)]
pub fn tanh<const FMA: bool>(x: f32) -> f32 {
    let a = at_most(x.abs(), 10.0); // tanh(10) rounds to 1
    let em = expm1_core::<FMA>(2.0 * a);
    (em / (em + 2.0)).copysign(x)
}

/// `c e^-a` for `a >= 0` (or NaN) in one part, `c` a power of two. Two scale factors, so
/// that the tail stays subnormal rather than 0 (`x sigmoid(x)` is normal at `x = -91`).
#[inline(always)]
fn exp_neg<const FMA: bool>(a: f32, c: f32) -> f32 {
    let (p, s1, s2) = exp_reduce::<FMA>(-at_most(a, 150.0), -0.0);
    (1.0 + p) * s1 * (s2 * c)
}

/// `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        // One-part e: enough on its own (`sigmoid+fma` in tests/math_accuracy.rs); in
        // products (the scaled form below) the error adds to the other factors', and the
        // two-part form is used.
        return sigmoid_fma1(exp_neg::<FMA>(x.abs(), 1.0), x < 0.0);
    }
    sigmoid_c::<FMA>(x, 1.0)
}

/// `(c sigmoid(x), 1/c)`, scaled for `x < -69`; see [`exp_scaled`].
#[inline(always)]
pub fn sigmoid_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (sigmoid_c::<FMA>(x, c), inv)
}

/// [`sigmoid_scaled`] in a cheaper and less accurate form (a one-part `e`, one division, no
/// residual corrections; both builds): for a factor whose error is not amplified afterwards
/// (`a sigmoid(b)` as the result, not a term of a sum that may cancel). Scaled by `2^64`
/// below -69, with one range test (`silu.rs`), so that `c sigmoid(x)` stays normal down to
/// -131: with `2^32` it was subnormal below -109.5, and GLU's `1e30 sigmoid(-120)` in the
/// portable build was 5e-5 off.
#[inline(always)]
pub fn sigmoid_scaled_lean<const FMA: bool>(x: f32) -> (f32, f32) {
    silu::sigmoid_scaled_lean_2_64::<FMA>(x)
}

/// Where [`sigmoid_scaled_lean_near`] gives [`sigmoid_scaled_lean`]'s bits: `x >= -69`,
/// where `c = 1`.
pub const SIGMOID_LEAN_NEAR_FROM: f32 = -SCALE_FROM;

/// [`sigmoid_scaled_lean`]`(x).0` for `x >= -69`, where `1/c = 1`: the kernel's
/// operations with its tail test `x < -69` false (as it is there), without that test and its
/// two selects (`silu.rs`). For the gated slice loops' chunks whose gates are all at or above
/// [`SIGMOID_LEAN_NEAR_FROM`].
#[inline(always)]
pub fn sigmoid_scaled_lean_near<const FMA: bool>(x: f32) -> f32 {
    silu::sigmoid_scaled_lean_near::<FMA>(x)
}

/// `(sigmoid(x), c sigmoid'(x), 1/c)` with one division, for final factors (GLU's partials):
/// see `silu.rs`.
#[inline(always)]
pub fn sigmoid_pair_lean<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    silu::sigmoid_pair_lean::<FMA>(x)
}

/// `(silu(x), c silu'(x), 1/c)` with one division, for final factors (SwiGLU's partials):
/// see `silu.rs`.
#[inline(always)]
pub fn silu_pair<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    silu::silu_pair::<FMA>(x)
}

/// The earlier [`sigmoid_scaled_lean`], scaled by `2^32` with `exp_neg_single`'s gradual
/// underflow: the portable SiLU's factor (unchanged, so that its bits are too).
#[inline(always)]
pub(crate) fn sigmoid_scaled_lean_2_32<const FMA: bool>(x: f32) -> (f32, f32) {
    let (ce, inv) = scale_exp_if(x < -SCALE_FROM);
    let e = exp_neg_single::<FMA>(x.abs(), ce);
    // Scaled, `c E <= 2^-67`: `1 + c E` rounds to 1 as `1 + E` does. (`d` formed beside `E`,
    // as `sigmoid_pair` does, shortens the chain of a one-element call but costs the slice
    // loop 3%: one more addition and a select.)
    ((if x < 0.0 { e } else { 1.0 }) / (1.0 + e), inv)
}

/// `c sigmoid(x)` for `c = 1`, or a power of two with `x < -69` (where `c E` is still far
/// below 1, so `1 + c E` rounds to 1 as `1 + E` does).
#[inline(always)]
fn sigmoid_c<const FMA: bool>(x: f32, c: f32) -> f32 {
    let (eh, el) = exp_neg_dd::<FMA>(x.abs(), c);
    if FMA {
        return sigmoid_fma(eh, el, x < 0.0);
    }
    let d = 1.0 + eh;
    let dl = ((1.0 - d) + eh) + el;
    let neg = x < 0.0;
    let num = if neg { eh } else { 1.0 };
    let numl = if neg { el } else { 0.0 };
    let y0 = num / d;
    let q = if neg { 1.0 - y0 } else { y0 };
    y0 + (numl - y0 * dl) * q
}

/// `sigmoid` with FMA from `E = e + el` (possibly scaled, see [`sigmoid_c`]): one division,
/// `y0 = num / (1 + E)` as `num * r`, `r = 1 / d`, then corrected by the exact residual
/// `num - y0 d` (one FMA), the low part of `E` and the rounding error of `d = 1 + e`.
#[inline(always)]
fn sigmoid_fma(e: f32, el: f32, neg: bool) -> f32 {
    let d = 1.0 + e;
    let dl = ((1.0 - d) + e) + el;
    let r = 1.0 / d;
    let num = if neg { e } else { 1.0 };
    let numl = if neg { el } else { 0.0 };
    let y0 = num * r;
    let res = y0.mul_add(-d, num) + numl;
    y0.mul_add(-dl, res).mul_add(r, y0)
}

/// `c E / (1 + E)^2` for `en = c E`, `E = e` (possibly flushed) in `[0, 1]`, `c` 1 or 4:
/// `s (1 - s)` with `s = E / (1 + E)`, corrected for the rounding of `1 + E`.
#[inline(always)]
fn bell<const FMA: bool>(en: f32, e: f32, inv_c: f32) -> f32 {
    let d = 1.0 + e;
    let dl = (1.0 - d) + e;
    let s = en / d;
    let q = 1.0 - s * inv_c; // 1 / d, roughly
    let s = s - (s * dl) * q;
    s * (1.0 - s * inv_c)
}

/// `sigmoid'(x) = e / (1 + e)^2` with `e = e^-|x|`.
#[inline(always)]
pub fn sigmoid_prime<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return unscaled(sigmoid_prime_scaled_fma::<FMA>(x));
    }
    let e = exp_neg::<FMA>(x.abs(), 1.0);
    bell::<FMA>(e, e, 1.0)
}

/// `(c sigmoid'(x), 1/c)`, scaled for `|x| > 69`; see [`exp_scaled`].
#[inline(always)]
pub fn sigmoid_prime_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    if FMA {
        return sigmoid_prime_scaled_fma::<FMA>(x);
    }
    // The two-part `E` and `bell_dd`, as the portable `tanh'`: swish' = sigmoid + x sigmoid'
    // cancels by up to 1.3x near x = -4.8, and the one-part form's 2.5 ulp took it to 5.7
    // (found by the exhaustive check, benches/src/bin/exhaustive.rs).
    let a = x.abs();
    let (c, inv) = scale_if(a > SCALE_FROM);
    let (eh, el) = exp_neg_dd::<FMA>(a, c);
    (bell_dd::<FMA>(eh, el), inv)
}

/// `E / (1 + E)^2` for `E = eh + el` in `[0, 1]`, without FMA: the portable `tanh'`, whose
/// error feeds into Mish's derivative, needs the two-part `E` (the FMA build gets there with a
/// one-part `E` and exact residuals, `bell_fma`).
#[inline(always)]
fn bell_dd<const FMA: bool>(eh: f32, el: f32) -> f32 {
    let d = 1.0 + eh;
    let dl = ((1.0 - d) + eh) + el;
    let (dd, dd_err) = two_prod::<FMA>(d, d);
    let ddl = dd_err + 2.0 * d * dl;
    let y0 = eh / dd;
    let r = f32::from_bits(0x7EF3_11C7u32.wrapping_sub(dd.to_bits()));
    let r = r * (2.0 - dd * r);
    y0 + (el - y0 * ddl) * r
}

/// `tanh'(x) = 4e / (1 + e)^2` with `e = e^(-2|x|)`.
#[inline(always)]
pub fn tanh_prime<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return unscaled(tanh_prime_scaled_fma::<FMA>(x));
    }
    tanh_prime_c::<FMA>(2.0 * x.abs(), 1.0)
}

/// `(c tanh'(x), 1/c)`, scaled for `|x| > 34.5`; see [`exp_scaled`]. Where scaled,
/// `1 + c E` still rounds to 1, so `bell_dd` returns `c E` to within `E`.
#[inline(always)]
pub fn tanh_prime_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    if FMA {
        return tanh_prime_scaled_fma::<FMA>(x);
    }
    let a2 = 2.0 * x.abs();
    let (c, inv) = scale_if(a2 > SCALE_FROM);
    (tanh_prime_c::<FMA>(a2, c), inv)
}

/// `c tanh'(a2 / 2)` for `a2 >= 0`, `c` 1 or (where `a2 > 69`) a power of two: the portable form.
#[inline(always)]
fn tanh_prime_c<const FMA: bool>(a2: f32, c: f32) -> f32 {
    let (eh, el) = exp_neg_dd::<FMA>(a2, c);
    4.0 * bell_dd::<FMA>(eh, el)
}

/// `ln(1 + e^x)`, accurate in both tails.
#[inline(always)]
pub fn softplus<const FMA: bool>(x: f32) -> f32 {
    softplus_c::<FMA>(x, false).0
}

/// `(c softplus(x), 1/c)`, scaled for `x < -69`; see [`exp_scaled`].
#[inline(always)]
pub fn softplus_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    softplus_c::<FMA>(x, x < -SCALE_FROM)
}

/// [`softplus_scaled`] where `far` (then `softplus(x) = E (1 - E/2) = E` to 2^-99).
#[inline(always)]
fn softplus_c<const FMA: bool>(x: f32, far: bool) -> (f32, f32) {
    let (p, s1, s2) = exp_reduce::<FMA>(-at_most(x.abs(), 150.0), -0.0);
    let y = 1.0 + p;
    let yl = (1.0 - y) + p;
    let (eh, el) = (y * s1 * s2, yl * s1 * s2);
    let l = log1p_dd::<FMA>(eh, el);
    let pos = if x > 0.0 { x } else { 0.0 };
    let (c, inv) = scale_if(far);
    let tail = (y * s1) * (s2 * c);
    (if far { tail } else { pos + l }, inv)
}

/// `x^n`, by binary powering in `f64` (exact enough for any `n` an activation uses), then
/// rounded once.
#[inline(always)]
pub fn powi(x: f32, n: i32) -> f32 {
    let mut e = n.unsigned_abs();
    let mut b = x as f64;
    let mut r = 1.0f64;
    while e > 0 {
        if e & 1 == 1 {
            r *= b;
        }
        e >>= 1;
        if e > 0 {
            b *= b;
        }
    }
    (if n < 0 { 1.0 / r } else { r }) as f32
}

/// `x^y` (IEEE 754 `pow` special cases), as `e^(y ln|x|)` in `f64`, where the product's
/// rounding error (|y ln x| < 104 ulps of f64) is far below an f32 ulp.
#[inline(always)]
pub fn powf<const FMA: bool>(x: f32, y: f32) -> f32 {
    let (x, y) = (x as f64, y as f64);
    let mag = super::f64::exp::<FMA>(y * super::f64::ln::<FMA>(x.abs()));
    super::f64::pow_finish(x, y, mag) as f32
}
