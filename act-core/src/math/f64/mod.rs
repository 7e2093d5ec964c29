//! `f64` kernels. See the [module overview](super) for the method and the measured accuracy.

mod erf;
mod gelu_tanh;
mod mish;
mod pow;

pub use erf::{
    GELU_NEAR_FROM, erf, erfc, erfc_mul, erfc_mul_scaled, erfc_scaled, gelu, gelu_pair, gelu_prime,
    gelu_scaled, gelu_scaled_near,
};
pub use gelu_tanh::{gelu_tanh, gelu_tanh_prime};
pub use mish::{mish, mish_prime};
pub use pow::{powf, powi};

/// Adding this (1.5 * 2^52) to a value of magnitude below 2^51 rounds it to an integer held in
/// the low mantissa bits, so the integer is available from `to_bits` without a float-to-int
/// conversion (which SSE2 and AVX2 lack for 64-bit integers).
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// ln 2 to 40 significant bits, so `k * LN2_HI` is exact for `|k| < 2^13`.
const LN2_HI: f64 = 0.693_147_180_559_208_2;
/// ln 2 - LN2_HI.
const LN2_LO: f64 = 7.371_002_565_167_799e-13;
/// Keeps the high 26 significant bits: products of two such halves are exact (Dekker).
const SPLIT_MASK: u64 = 0xFFFF_FFFF_F800_0000;

/// `(e^r - 1 - r) / r^2` on `|r| <= ln2 / 2`, Chebyshev fit (relative error 2.3e-16).
const EXP_Q: [f64; 10] = [
    0.500_000_000_000_000_1,
    0.166_666_666_666_666_7,
    0.041_666_666_666_624_164,
    0.008_333_333_333_330_065,
    0.001_388_888_891_719_671_9,
    0.000_198_412_698_630_405_45,
    2.480_152_132_236_869_2e-5,
    2.755_726_848_031_002_4e-6,
    2.762_007_587_998_336_7e-7,
    2.510_037_583_256_123_4e-8,
];

/// `(2 atanh(s) / s - 2) / s^2` as a polynomial in `z = s^2`, `z <= 0.0295`
/// (`s = (m - 1) / (m + 1)`, `m` in `[sqrt(1/2), sqrt(2))`), relative error 4.7e-16.
const LN_R: [f64; 7] = [
    0.666_666_666_666_667,
    0.399_999_999_998_995_05,
    0.285_714_286_259_754_87,
    0.222_222_111_347_950_8,
    0.181_828_891_252_617_23,
    0.153_317_216_005_560_42,
    0.146_164_496_850_434_06,
];

/// `a * b + c`: one rounding with `FMA` (only set inside code compiled with the `fma`
/// target feature, where it is one instruction), two without.
#[inline(always)]
fn fm<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Horner evaluation; `N` is a constant so the loop unrolls completely.
#[inline(always)]
fn poly<const FMA: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut acc = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = fm::<FMA>(acc, x, c[i]);
    }
    acc
}

/// `min(x, hi)` that keeps NaN (the comparison is false for NaN).
#[inline(always)]
fn at_most(x: f64, hi: f64) -> f64 {
    if x > hi { hi } else { x }
}

/// `max(x, lo)` that keeps NaN.
#[inline(always)]
fn at_least(x: f64, lo: f64) -> f64 {
    if x < lo { lo } else { x }
}

/// `2^k` for the integer `k` held in the low bits of `t = k + SHIFT`, `|k| <= 1022`.
#[inline(always)]
fn pow2_from_shifted(t: f64) -> f64 {
    // Only the low 12 bits of the sum survive the shift: they are the biased exponent.
    f64::from_bits(t.to_bits().wrapping_add(1023) << 52)
}

/// The exact high and low halves of `a * b` (one FMA, or Dekker's product without).
#[inline(always)]
fn two_prod<const FMA: bool>(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    if FMA {
        return (p, a.mul_add(b, -p));
    }
    let ah = f64::from_bits(a.to_bits() & SPLIT_MASK);
    let bh = f64::from_bits(b.to_bits() & SPLIT_MASK);
    let (al, bl) = (a - ah, b - bh);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// Range reduction for `e^(x + xl)` with `|x| <= 1000` (or NaN) and `|xl|` tiny against `x`:
/// returns `(p, s1, s2)` with `e^(x + xl) = (1 + p) * s1 * s2`, `|p| < 0.42`. The power of
/// two comes in two halves so that neither overflows nor underflows on its own; multiplying
/// by them in turn rounds once, also into the subnormal range.
#[inline(always)]
fn exp_reduce<const FMA: bool>(x: f64, xl: f64) -> (f64, f64, f64) {
    let t = fm::<FMA>(x, core::f64::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    // Cody-Waite: `k * LN2_HI` is exact and cancels against `x` exactly.
    // `xl = -0.0` (not 0.0) where there is no low part: `y + -0.0` folds away.
    let r = if FMA {
        fm::<FMA>(-k, LN2_LO, fm::<FMA>(-k, LN2_HI, x) + xl)
    } else {
        (x - k * LN2_HI) + (xl - k * LN2_LO)
    };
    let p = fm::<FMA>(r * r, poly::<FMA, _>(r, &EXP_Q), r);
    let t1 = (k * 0.5 + SHIFT) - SHIFT;
    let s1 = pow2_from_shifted(t1 + SHIFT);
    let s2 = pow2_from_shifted((k - t1) + SHIFT);
    (p, s1, s2)
}

/// `e^x`.
#[inline(always)]
pub fn exp<const FMA: bool>(x: f64) -> f64 {
    if FMA {
        return unscaled(exp_scaled_fma::<FMA>(x));
    }
    exp_c::<FMA>(x, 1.0)
}

/// `c e^x`, `c` a power of two, without rounding `e^x` on its own.
#[inline(always)]
fn exp_c<const FMA: bool>(x: f64, c: f64) -> f64 {
    let (p, s1, s2) = exp_reduce::<FMA>(at_least(at_most(x, 1000.0), -1000.0), -0.0);
    (1.0 + p) * s1 * (s2 * c)
}

/// [`exp_c`] of `x + xl`, `|xl|` tiny against `x`.
#[inline(always)]
fn exp_c_lo<const FMA: bool>(x: f64, xl: f64, c: f64) -> f64 {
    // Where `x` is clamped its low part goes too.
    let xl = if x.abs() > 1000.0 { 0.0 } else { xl };
    let (p, s1, s2) = exp_reduce::<FMA>(at_least(at_most(x, 1000.0), -1000.0), xl);
    (1.0 + p) * s1 * (s2 * c)
}

/// Exponent arguments `a` beyond which `e^-a` (below 2^-959) is scaled by [`SCALE`] in the
/// `*_scaled` kernels.
const SCALE_FROM: f64 = 665.0;
/// The scale of the `*_scaled` kernels, 2^64: it lifts every value down to 2^-1075 (half the
/// smallest subnormal) into the normal range, and a scaled value stays below 2^-895.
const SCALE: f64 = 18_446_744_073_709_551_616.0;
/// `log2 SCALE`.
const SCALE_EXP: f64 = 64.0;
/// `SCALE_EXP` in the exponent field.
const SCALE_BITS: u64 = 64 << 52;
/// `1 / SCALE`.
const UNSCALE: f64 = 5.421_010_862_427_522e-20;

super::fma_kernels!(f64, -1022.0, 1024.0);

/// [`sigmoid_pair`]: `f64` has no leaner form of it (`f32` has, `math::f32::sigmoid_pair_lean`).
#[inline(always)]
pub fn sigmoid_pair_lean<const FMA: bool>(x: f64) -> (f64, f64, f64) {
    sigmoid_pair::<FMA>(x)
}
/// `(silu(x), c silu'(x), 1/c)` from [`sigmoid_pair`] (SwiGLU's partials; see
/// `silu_pair_from_sigmoid_pair` in `math`).
#[inline(always)]
pub fn silu_pair<const FMA: bool>(x: f64) -> (f64, f64, f64) {
    silu_pair_from_sigmoid_pair(x, sigmoid_pair::<FMA>(x))
}

super::final_kernels!(f64);
super::atan::atan_kernel!(f64, f64_consts);
super::asinh::asinh_kernel!(f64, 268435456.0, 134217728.0);

/// `(c e^x, 1/c)`, scaled where `e^x` would be subnormal or nearly so (`x < -665`, `c =
/// 2^64`; else `c = 1`): multiplied by cofactors larger than 1 (`x e^x`), it then rounds
/// once, where the product is formed and unscaled, instead of losing bits in the subnormal
/// range first. Generated code does this for every product with such a factor.
///
/// ```
/// use act_core::math::f64::{exp, exp_scaled};
/// let (s, inv) = exp_scaled::<false>(-740.0);
/// assert!(inv < 1.0 && s.is_normal()); // e^-740 is subnormal, s is not
/// // x e^x at -712 is -4.313292185103229e-307 (mpmath): normal, though e^-712 is not
/// let x = -712.0;
/// let (s, inv) = exp_scaled::<false>(x);
/// assert_eq!(x * s * inv, -4.313292185103229e-307);
/// assert_eq!(x * exp::<false>(x), -4.3132921851032454e-307); // the subnormal lost bits
/// assert_eq!(exp_scaled::<false>(1.0), (exp::<false>(1.0), 1.0));
/// ```
#[inline(always)]
pub fn exp_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    if FMA {
        return exp_scaled_fma::<FMA>(x);
    }
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (exp_c::<FMA>(x, c), inv)
}

/// [`exp_scaled`] of `x + xl`, `|xl|` tiny against `x` (`-0.0` for none).
#[inline(always)]
fn exp_scaled_lo<const FMA: bool>(x: f64, xl: f64) -> (f64, f64) {
    if FMA {
        return exp_scaled_fma_lo::<FMA>(x, xl);
    }
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (exp_c_lo::<FMA>(x, xl, c), inv)
}

/// `e^x - 1` for `x` in `[-60, 710]` (or NaN); callers clamp.
#[inline(always)]
fn expm1_core<const FMA: bool>(x: f64) -> f64 {
    let t = fm::<FMA>(x, core::f64::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = if FMA {
        fm::<FMA>(-k, LN2_LO, fm::<FMA>(-k, LN2_HI, x))
    } else {
        (x - k * LN2_HI) - k * LN2_LO
    };
    // e^x - 1 = 2 * (h p + (h - 1/2)) with h = 2^(k-1): h - 1/2 is exact while it matters,
    // the sum rounds once, and h stays finite up to the overflow threshold.
    let h = pow2_from_shifted(t - 1.0);
    // Adding h r before the small h r^2 q term avoids rounding p = e^r - 1 on its own.
    let q = poly::<FMA, _>(r, &EXP_Q);
    if FMA {
        2.0 * fm::<FMA>(h, (r * r) * q, fm::<FMA>(h, r, h - 0.5))
    } else {
        2.0 * (((h - 0.5) + h * r) + h * (r * r * q))
    }
}

/// `e^x - 1`, accurate near 0.
#[inline(always)]
pub fn expm1<const FMA: bool>(x: f64) -> f64 {
    let y = expm1_core::<FMA>(at_least(at_most(x, 710.0), -60.0));
    // Below 2^-54, e^x - 1 = x + x^2/2 rounds to x: returned as is, which keeps the sign of
    // -0 and every subnormal exact (the reduction would round them: -5e-324 gave 0).
    if x.abs() < 5.551_115_123_125_783e-17 {
        x
    } else {
        y
    }
}

/// `ln(m 2^e) + c` for `m 2^e = x > 0` normal (finite), with `e_adj` added to the exponent and
/// `c` a small correction relative to `x` (the rounding error of `1 + x` in `log1p`).
#[inline(always)]
fn ln_core<const FMA: bool>(x: f64, e_adj: f64, c: f64) -> f64 {
    // Split x = m 2^e with m in [sqrt(1/2), sqrt(2)): offsetting the bits by those of
    // sqrt(1/2) makes the exponent field roll over exactly at m = sqrt(2).
    let bits = x.to_bits();
    let u = bits.wrapping_add(0x3FF0_0000_0000_0000 - 0x3FE6_A09E_667F_3BCD);
    let eb = u >> 52;
    let m = f64::from_bits(bits.wrapping_sub(eb.wrapping_sub(1023) << 52));
    // The exponent as a float without an int64-to-float conversion (absent before AVX-512).
    let e = f64::from_bits(0x4330_0000_0000_0000 | eb) - (4_503_599_627_370_496.0 + 1023.0) + e_adj;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let hfsq = 0.5 * f * f;
    let r = z * poly::<FMA, _>(z, &LN_R);
    // ln m = 2 atanh(s) = f - (f^2/2 - s (f^2/2 + r)); f is exact and the bracket is small.
    e * LN2_HI + (f - (hfsq - (s * (hfsq + r) + (e * LN2_LO + c))))
}

/// Natural logarithm.
#[inline(always)]
pub fn ln<const FMA: bool>(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    }; // 2^54
    let y = ln_core::<FMA>(xs, if tiny { -54.0 } else { 0.0 }, 0.0);
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    if x >= 0.0 { y } else { f64::NAN }
}

/// `ln(1 + a + b)` for `a >= -1`, `|b|` tiny against `1 + a`, without the special cases.
#[inline(always)]
fn log1p_dd<const FMA: bool>(a: f64, b: f64) -> f64 {
    let u = 1.0 + a;
    // Two-sum: `err` is exactly (1 + a) - u.
    let av = u - 1.0;
    let err = (1.0 - (u - av)) + (a - av);
    ln_core::<FMA>(u, 0.0, (err + b) / u)
}

/// `ln(1 + x)`, accurate near 0.
#[inline(always)]
pub fn log1p<const FMA: bool>(x: f64) -> f64 {
    let y = log1p_dd::<FMA>(x, 0.0);
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == -1.0 { f64::NEG_INFINITY } else { y };
    let y = if x == 0.0 { x } else { y };
    if x >= -1.0 { y } else { f64::NAN }
}

/// Hyperbolic tangent.
#[inline(always)]
pub fn tanh<const FMA: bool>(x: f64) -> f64 {
    // tanh(20) rounds to 1; clamping also keeps e^(2a) finite.
    let a = at_most(x.abs(), 20.0);
    let em = expm1_core::<FMA>(2.0 * a);
    (em / (em + 2.0)).copysign(x)
}

/// [`tanh`] where the result is final: the same kernel (`f32` has a leaner one).
#[inline(always)]
pub fn tanh_final<const FMA: bool>(x: f64) -> f64 {
    tanh::<FMA>(x)
}

/// `c e^-a` for `a >= 0` (or NaN) in one part, `c` a power of two with `c E` normal or 0.
/// Two scale factors, so that the far tail (`sigmoid(-740)`) stays subnormal, not 0.
#[inline(always)]
fn exp_neg<const FMA: bool>(a: f64, c: f64) -> f64 {
    let (p, s1, s2) = exp_reduce::<FMA>(-at_most(a, 800.0), -0.0);
    (1.0 + p) * s1 * (s2 * c)
}

/// `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid<const FMA: bool>(x: f64) -> f64 {
    sigmoid_c::<FMA>(x, 1.0)
}

/// `(c sigmoid(x), 1/c)`, scaled for `x < -665`; see [`exp_scaled`].
#[inline(always)]
pub fn sigmoid_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    sigmoid_scaled_c::<FMA, true>(x)
}

/// [`sigmoid_scaled`] with `TAIL`; without, its form for `x >= -665` (see
/// [`sigmoid_scaled_lean_near`]). One body for the two, so that the near form's operations
/// are the scaled kernel's.
#[inline(always)]
fn sigmoid_scaled_c<const FMA: bool, const TAIL: bool>(x: f64) -> (f64, f64) {
    let far = TAIL && x < -SCALE_FROM;
    if FMA {
        let (ce, inv) = scale_exp_if(far);
        return (
            sigmoid_fma1(exp_neg_single::<FMA>(x.abs(), ce), x < 0.0),
            inv,
        );
    }
    let (c, inv) = scale_if(far);
    (sigmoid_c::<FMA>(x, c), inv)
}

/// [`sigmoid_scaled`]: for `f64` the FMA build's one-part form is already the lean one.
#[inline(always)]
pub fn sigmoid_scaled_lean<const FMA: bool>(x: f64) -> (f64, f64) {
    sigmoid_scaled::<FMA>(x)
}

/// Where [`sigmoid_scaled_lean_near`] and [`silu_scaled_near`] give the bits of
/// [`sigmoid_scaled_lean`] and [`silu_scaled`]: `x >= -665`, where `c = 1`.
pub const SIGMOID_LEAN_NEAR_FROM: f64 = -SCALE_FROM;
/// See [`SIGMOID_LEAN_NEAR_FROM`].
pub const SILU_NEAR_FROM: f64 = -SCALE_FROM;

/// [`sigmoid_scaled_lean`]`(x).0` for `x >= -665`, where `1/c = 1`: the same operations
/// with the tail test `x < -665` false, as it is there, without that test and its selects.
/// For the gated slice loops' chunks whose gates are all at or above
/// [`SIGMOID_LEAN_NEAR_FROM`].
#[inline(always)]
pub fn sigmoid_scaled_lean_near<const FMA: bool>(x: f64) -> f64 {
    sigmoid_scaled_c::<FMA, false>(x).0
}

/// SiLU (Swish) `x sigmoid(x)` (Elfwing et al. 2018; Ramachandran et al. 2017): the product
/// with [`sigmoid_scaled_lean`]'s scaled factor, unscaled last, so that the subnormal tail is
/// rounded once. At `x = -∞` the product is `-∞ · 0`; the limit -0 is selected.
#[inline(always)]
pub fn silu<const FMA: bool>(x: f64) -> f64 {
    let (s, inv) = sigmoid_scaled_lean::<FMA>(x);
    let y = (x * s) * inv;
    if x == f64::NEG_INFINITY { -0.0 } else { y }
}

/// `(c silu(x), 1/c)`, for a product with other factors (SwiGLU's `silu(a) b`): [`silu`]'s
/// product before its unscaling, `c = 2^64` where `x < -665` (else 1), as
/// [`sigmoid_scaled_lean`] scales (`c |silu(x)| < 2^-800` there, so a product with any finite
/// factor cannot overflow spuriously). At `x = -∞` the scaled value is -0 (the limit).
#[inline(always)]
pub fn silu_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    let (s, inv) = sigmoid_scaled_lean::<FMA>(x);
    let y = x * s;
    (if x == f64::NEG_INFINITY { -0.0 } else { y }, inv)
}

/// [`silu_scaled`]`(x).0` for `x >= -665`, where `1/c = 1`: `x` times
/// [`sigmoid_scaled_lean_near`] (the bits of the scaled kernel's factor there), without the
/// select at `x = -∞` (below the bound).
#[inline(always)]
pub fn silu_scaled_near<const FMA: bool>(x: f64) -> f64 {
    x * sigmoid_scaled_lean_near::<FMA>(x)
}

/// SiLU's derivative `sigmoid(x) + x sigmoid'(x)`, from [`sigmoid_pair`] (one exponential;
/// `sigmoid'` scaled, unscaled after the product with `x`). At `x = ±∞` the product is
/// `±∞ · 0`; the limits 1 and -0 (approached from below) are selected.
#[inline(always)]
pub fn silu_prime<const FMA: bool>(x: f64) -> f64 {
    let (s, p, inv) = sigmoid_pair::<FMA>(x);
    let y = s + (x * p) * inv;
    let limit = if x > 0.0 { 1.0 } else { -0.0 };
    if x.abs() == f64::INFINITY { limit } else { y }
}

/// `c sigmoid(x)` for `c = 1`, or a power of two with `x < -665` (where `c E` is still far
/// below 1, so `1 + c E` rounds to 1 as `1 + E` does).
#[inline(always)]
fn sigmoid_c<const FMA: bool>(x: f64, c: f64) -> f64 {
    // E = e^-|x|: sigmoid(|x|) = 1 / (1 + E), sigmoid(-|x|) = E / (1 + E).
    let e = exp_neg::<FMA>(x.abs(), c);
    let neg = x < 0.0;
    if FMA {
        return sigmoid_fma1(e, neg);
    }
    let d = 1.0 + e;
    let dl = (1.0 - d) + e; // exact: the rounding error of d
    let y0 = (if neg { e } else { 1.0 }) / d;
    // 1 / d is y0 or 1 - y0; the correction removes the rounding of d (up to 1 ulp).
    let q = if neg { 1.0 - y0 } else { y0 };
    y0 - (y0 * dl) * q
}

/// `c E / (1 + E)^2` for `en = c E`, `E = e` (possibly flushed) in `[0, 1]`, `c` 1 or 4:
/// `s (1 - s)` with `s = E / (1 + E)`, corrected for the rounding of `1 + E`.
#[inline(always)]
fn bell<const FMA: bool>(en: f64, e: f64, inv_c: f64) -> f64 {
    let d = 1.0 + e;
    let dl = (1.0 - d) + e;
    let s = en / d;
    let q = 1.0 - s * inv_c; // 1 / d, roughly
    let s = s - (s * dl) * q;
    s * (1.0 - s * inv_c)
}

/// `sigmoid'(x) = sigmoid(x) sigmoid(-x) = e / (1 + e)^2` with `e = e^-|x|`.
#[inline(always)]
pub fn sigmoid_prime<const FMA: bool>(x: f64) -> f64 {
    if FMA {
        return unscaled(sigmoid_prime_scaled_fma::<FMA>(x));
    }
    let e = exp_neg::<FMA>(x.abs(), 1.0);
    bell::<FMA>(e, e, 1.0)
}

/// `(c sigmoid'(x), 1/c)`, scaled for `|x| > 665`; see [`exp_scaled`].
#[inline(always)]
pub fn sigmoid_prime_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    if FMA {
        return sigmoid_prime_scaled_fma::<FMA>(x);
    }
    let a = x.abs();
    let (c, inv) = scale_if(a > SCALE_FROM);
    let e = exp_neg::<FMA>(a, c);
    (bell::<FMA>(e, e * inv, inv), inv)
}

/// `tanh'(x) = sech(x)^2 = 4e / (1 + e)^2` with `e = e^(-2|x|)`.
#[inline(always)]
pub fn tanh_prime<const FMA: bool>(x: f64) -> f64 {
    if FMA {
        return unscaled(tanh_prime_scaled_fma::<FMA>(x));
    }
    // 4e scaled in the exponent, so it does not lose bits where e alone is subnormal.
    let e4 = exp_neg::<FMA>(2.0 * x.abs(), 4.0);
    bell::<FMA>(e4, e4 * 0.25, 0.25)
}

/// `(c tanh'(x), 1/c)`, scaled for `|x| > 332.5`; see [`exp_scaled`].
#[inline(always)]
pub fn tanh_prime_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    if FMA {
        return tanh_prime_scaled_fma::<FMA>(x);
    }
    let a2 = 2.0 * x.abs();
    let (c, inv) = scale_if(a2 > SCALE_FROM);
    let e4 = exp_neg::<FMA>(a2, 4.0 * c);
    (bell::<FMA>(e4, e4 * (0.25 * inv), 0.25 * inv), inv)
}

/// `ln(1 + e^x)`, accurate in both tails.
#[inline(always)]
pub fn softplus<const FMA: bool>(x: f64) -> f64 {
    softplus_c::<FMA>(x, false).0
}

/// [`softplus`] where the result is final: the same kernel in `f64` (the lean form is the
/// `f32` one, `math::f32::softplus_final`).
#[inline(always)]
pub fn softplus_final<const FMA: bool>(x: f64) -> f64 {
    softplus::<FMA>(x)
}

/// `(c softplus(x), 1/c)`, scaled for `x < -665`; see [`exp_scaled`].
#[inline(always)]
pub fn softplus_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    softplus_c::<FMA>(x, x < -SCALE_FROM)
}

/// [`softplus_scaled`] where `far` (then `softplus(x) = E (1 - E/2) = E` to 2^-960).
#[inline(always)]
fn softplus_c<const FMA: bool>(x: f64, far: bool) -> (f64, f64) {
    // softplus(x) = max(x, 0) + ln(1 + e^-|x|); the NaN test is false so NaN reaches log1p.
    let (p, s1, s2) = exp_reduce::<FMA>(-at_most(x.abs(), 800.0), -0.0);
    let y = 1.0 + p;
    let yl = (1.0 - y) + p;
    let (eh, el) = (y * s1 * s2, yl * s1 * s2);
    let l = log1p_dd::<FMA>(eh, el);
    let pos = if x > 0.0 { x } else { 0.0 };
    let (c, inv) = scale_if(far);
    let tail = (y * s1) * (s2 * c);
    (if far { tail } else { pos + l }, inv)
}

/// Shared by `powf` here and in `f32` (which computes in `f64`): IEEE 754 `pow` semantics
/// around a magnitude `mag = |x|^y` computed by the caller's own core.
#[inline(always)]
pub(crate) fn pow_finish(x: f64, y: f64, mag: f64) -> f64 {
    let ay = y.abs();
    // Parity of y without a float-to-int conversion: below 2^52, adding 2^52 puts the
    // integer part in the low bits; from 2^53 on every float is an even integer.
    let t = ay + 4_503_599_627_370_496.0;
    let int_below = (t - 4_503_599_627_370_496.0) == ay;
    let is_int = ay >= 4_503_599_627_370_496.0 || int_below;
    let odd = (ay < 4_503_599_627_370_496.0 && int_below && t.to_bits() & 1 == 1)
        || ((4_503_599_627_370_496.0..9_007_199_254_740_992.0).contains(&ay)
            && ay.to_bits() & 1 == 1);
    let r = if x.is_sign_negative() && odd {
        -mag
    } else {
        mag
    };
    let r = if x < 0.0 && x.is_finite() && !is_int && ay.is_finite() {
        f64::NAN
    } else {
        r
    };
    // 1^y and x^0 are 1 even for NaN; (-1)^(+-inf) is 1.
    let r = if x.abs() == 1.0 && ay == f64::INFINITY {
        1.0
    } else {
        r
    };
    let r = if x == 1.0 || y == 0.0 { 1.0 } else { r };
    if x.is_nan() && y != 0.0 { x } else { r }
}
