//! `f64` kernels. See the [module overview](super) for the method and the measured accuracy.

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

/// `(2 atanh(s) / s - 2 - (2/3) s^2) / s^4` in `z = s^2`, relative error 6.5e-17: the tail of
/// `ln` for `powf`, which needs `ln x` to about 2^-66 because `y` multiplies its error.
const LN_T: [f64; 8] = [
    0.4,
    0.285_714_285_714_293_64,
    0.222_222_222_216_562_32,
    0.181_818_183_353_144_04,
    0.153_845_949_708_954_57,
    0.133_348_042_382_253_45,
    0.117_062_485_409_223_86,
    0.117_230_510_280_977_53,
];

/// `erf(x) / x - 1` as a polynomial in `t = x^2`, `|x| <= 0.5`. Subtracting 1 makes the
/// rounding errors of the polynomial scale with 0.13 instead of 1.13.
const ERF_Q: [f64; 9] = [
    0.128_379_167_095_512_56,
    -0.376_126_389_031_834_76,
    0.112_837_916_709_253_53,
    -0.026_866_170_632_887_928,
    0.005_223_977_373_021_47,
    -0.000_854_829_775_367_496_6,
    0.000_120_533_351_243_537_41,
    -1.484_584_925_970_786_9e-5,
    1.472_586_548_055_674_4e-6,
];

/// The centre `K` of the map `w = (a - K) / (a + K)` used for erfc.
const ERFC_K: f64 = 4.0;
/// `(a + K) e^(a^2) erfc(a)` as a polynomial in `w = (a - K) / (a + K)`, for `a` in
/// `[0, 27.3]` (`w` in `[-1, 0.745]`), relative error 5.7e-17. The map sends the half line
/// to a finite interval on which this scaled erfc is smooth, so one polynomial covers it.
const ERFC_G: [f64; 23] = [
    1.095_995_661_000_491,
    -0.976_548_729_080_882_1,
    0.773_208_702_265_237_6,
    -0.540_853_831_313_221_1,
    0.330_851_587_877_980_36,
    -0.174_010_937_240_416_9,
    0.076_381_514_910_057_21,
    -0.026_370_053_332_646_057,
    0.006_112_055_647_155_079,
    -0.000_280_958_933_570_534_6,
    -0.000_455_052_631_116_019_15,
    0.000_176_813_185_958_426_96,
    -3.635_356_241_899_366_4e-6,
    -1.886_214_349_007_293_2e-5,
    4.694_769_789_602_143e-6,
    1.426_926_570_458_686_4e-6,
    -8.465_104_078_034_652e-7,
    -7.917_897_139_385_448e-8,
    1.241_272_398_342_856_3e-7,
    3.584_194_280_337_122_7e-9,
    -1.523_055_087_765_104_6e-8,
    -7.226_225_720_845_654e-10,
    8.812_683_043_308_519e-10,
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
    // Keeps the sign of -0.
    if x == 0.0 { x } else { y }
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
    if FMA {
        let (ce, inv) = scale_exp_if(x < -SCALE_FROM);
        return (
            sigmoid_fma1(exp_neg_single::<FMA>(x.abs(), ce), x < 0.0),
            inv,
        );
    }
    let (c, inv) = scale_if(x < -SCALE_FROM);
    (sigmoid_c::<FMA>(x, c), inv)
}

/// [`sigmoid_scaled`]: for `f64` the FMA build's one-part form is already the lean one.
#[inline(always)]
pub fn sigmoid_scaled_lean<const FMA: bool>(x: f64) -> (f64, f64) {
    sigmoid_scaled::<FMA>(x)
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

/// `erfc(a)` for `a >= 0` (or NaN), accurate in relative terms down to underflow.
#[inline(always)]
fn erfc_pos<const FMA: bool>(a: f64) -> f64 {
    erfc_pos_lo::<FMA>(a, 0.0, 1.0)
}

/// [`erfc_pos`] of `a + al`, `|al|` tiny against `a`: the low part enters `a^2`, whose
/// rounding `e^(-a^2)` would amplify `a^2` times; in the rest it changes the result by about
/// `al / a` relative, under half an ulp, and is left out. Times `c`, a power of two, without
/// rounding `erfc` on its own (for [`exp_scaled`]'s scaling of tiny factors).
#[inline(always)]
fn erfc_pos_lo<const FMA: bool>(a: f64, al: f64, c: f64) -> f64 {
    // Where `a` is clamped, its low part goes too.
    let zero = a > 28.0;
    let al = if zero { 0.0 } else { al };
    let a = at_most(a, 28.0); // erfc(27.3) already underflows to 0
    // a^2 = sq + sql exactly, so e^-(a^2) loses nothing to the rounding of a^2 (which would
    // cost up to a^2 ulps at a = 26).
    let (sq, sql) = two_prod::<FMA>(a, a);
    let sql = fm::<FMA>(2.0 * a, al, sql);
    let (p, s1, s2) = exp_reduce::<FMA>(-sq, -sql);
    let w = (a - ERFC_K) / (a + ERFC_K);
    let y = poly::<FMA, _>(w, &ERFC_G) / (a + ERFC_K);
    // y (1 + p) without rounding 1 + p first.
    // Beyond the clamp `erfc` is below 2^-160 (f32) or 2^-1100 (f64): 0 even when scaled by
    // `c`, rather than `c erfc(28.0)`.
    let v = (y + y * p) * s1 * (s2 * c);
    if zero { 0.0 } else { v }
}

/// `erfc(x (h + l))` for a constant `h + l` (`l` the rounding error of `h`), with the
/// product carried as `a + al` (exactly, up to `x l`): a rounded argument would cost
/// up to `a^2` ulps in the tail, where `erfc(a)` is about `e^(-a^2)` (GELU's
/// `erfc(-x/sqrt 2)`: 130 ulp at `x = -11.9` in f32), and the low part goes into
/// `e^(-a^2)`'s argument instead. Where the product overflows, the plain product.
#[inline(always)]
pub fn erfc_mul<const FMA: bool>(x: f64, h: f64, l: f64) -> f64 {
    unscaled(erfc_mul_scaled::<FMA>(x, h, l))
}

/// `(c erfc(x (h + l)), 1/c)`: [`erfc_mul`] scaled as [`exp_scaled`] scales, where
/// `erfc` is below about `e^-SCALE_FROM` (GELU's `0.5 x erfc(-x/sqrt 2)` is normal down
/// to `x = -13.2` in f32, where the `erfc` factor alone is subnormal).
#[inline(always)]
pub fn erfc_mul_scaled<const FMA: bool>(x: f64, h: f64, l: f64) -> (f64, f64) {
    let (p, e) = two_prod::<FMA>(x, h);
    let c = e + x * l;
    let ok = c.abs() <= f64::MAX;
    let s = p + c;
    let (a, al) = if ok { (s, (p - s) + c) } else { (p, 0.0) };
    let aa = a.abs();
    let aal = if a < 0.0 { -al } else { al };
    // Below 0.5, 1 -+ erf(|a|), well conditioned: the low part does not matter.
    let m = aa + aa * poly::<FMA, _>(aa * aa, &ERF_Q);
    let small = if a < 0.0 { 1.0 + m } else { 1.0 - m };
    // Only the tail towards 0 (`a > 0`); for `a < 0` erfc is near 2.
    let (c, inv) = scale_if(a > 0.0 && a * a > SCALE_FROM);
    let t = erfc_pos_lo::<FMA>(aa, aal, c);
    let large = if a < 0.0 { 2.0 - t } else { t };
    (if aa < 0.5 { small } else { large }, inv)
}

/// `(c erfc(x), 1/c)`, see [`erfc_mul_scaled`].
#[inline(always)]
pub fn erfc_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    erfc_mul_scaled::<FMA>(x, 1.0, 0.0)
}

/// Error function.
#[inline(always)]
pub fn erf<const FMA: bool>(x: f64) -> f64 {
    let a = x.abs();
    let small = a + a * poly::<FMA, _>(a * a, &ERF_Q);
    let large = 1.0 - erfc_pos::<FMA>(a);
    (if a < 0.5 { small } else { large }).copysign(x)
}

/// Complementary error function `1 - erf(x)`, accurate for large `x`.
#[inline(always)]
pub fn erfc<const FMA: bool>(x: f64) -> f64 {
    let a = x.abs();
    // Below 0.5, 1 -+ erf(a) is better conditioned than the e^(-a^2) form.
    let e = a + a * poly::<FMA, _>(a * a, &ERF_Q);
    let small = if x < 0.0 { 1.0 + e } else { 1.0 - e };
    let c = erfc_pos::<FMA>(a);
    let large = if x < 0.0 { 2.0 - c } else { c };
    if a < 0.5 { small } else { large }
}

/// Double-double product, normalised; past overflow the low part (NaN from inf - inf) is 0.
#[inline(always)]
fn dd_mul<const FMA: bool>(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (ph, pl) = two_prod::<FMA>(ah, bh);
    let pl = pl + (ah * bl + al * bh);
    let h = ph + pl;
    if h.is_finite() {
        (h, (ph - h) + pl)
    } else {
        (ph, 0.0)
    }
}

/// `x^n` by binary powering; the exponent is not data, so the loop over its bits is fine.
/// Beyond `|n| = 3` the product is carried as a double-double so that the error stays near
/// one rounding whatever `n`.
#[inline(always)]
pub fn powi(x: f64, n: i32) -> f64 {
    let m = n.unsigned_abs();
    let y = match m {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        _ => {
            let (mut rh, mut rl) = (1.0, 0.0);
            let (mut bh, mut bl) = (x, 0.0);
            let mut e = m;
            loop {
                if e & 1 == 1 {
                    (rh, rl) = dd_mul::<false>(rh, rl, bh, bl);
                }
                e >>= 1;
                if e == 0 {
                    break;
                }
                (bh, bl) = dd_mul::<false>(bh, bl, bh, bl);
            }
            rh + rl
        }
    };
    if n < 0 { 1.0 / y } else { y }
}

/// `ln|x|` as a double-double `(hi, lo)` good to about 2^-66 relative, for `x` finite, not 0.
#[inline(always)]
fn ln_dd<const FMA: bool>(x: f64) -> (f64, f64) {
    let x = x.abs();
    let tiny = x < f64::MIN_POSITIVE;
    let x = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    };
    let bits = x.to_bits();
    let u = bits.wrapping_add(0x3FF0_0000_0000_0000 - 0x3FE6_A09E_667F_3BCD);
    let eb = u >> 52;
    let m = f64::from_bits(bits.wrapping_sub(eb.wrapping_sub(1023) << 52));
    let e = f64::from_bits(0x4330_0000_0000_0000 | eb) - (4_503_599_627_370_496.0 + 1023.0)
        + if tiny { -54.0 } else { 0.0 };
    // s = f / (2 + f) as sh + sl.
    let f = m - 1.0;
    let v = 2.0 + f;
    let vl = (2.0 - v) + f;
    let sh = f / v;
    let (ph, pl) = two_prod::<FMA>(sh, v);
    let sl = (((f - ph) - pl) - sh * vl) / v;
    // ln m = 2s + (2/3) s^3 + s^5 P(s^2): the first two terms in double-double, the rest is
    // below 2^-12 of the total and needs no care.
    let (zh, zl) = two_prod::<FMA>(sh, sh);
    let (ch, cl) = two_prod::<FMA>(sh, zh);
    let cl = cl + sh * zl + 3.0 * zh * sl;
    const TWO_THIRDS_HI: f64 = 0.666_666_666_666_666_6;
    const TWO_THIRDS_LO: f64 = 3.700_743_415_417_188e-17;
    let (th, tl) = two_prod::<FMA>(TWO_THIRDS_HI, ch);
    let tl = tl + TWO_THIRDS_HI * cl + TWO_THIRDS_LO * ch;
    let rest = ch * zh * poly::<FMA, _>(zh, &LN_T);
    // Sum e ln2 + 2s + (2/3)s^3 + rest, largest first.
    let a = e * LN2_HI;
    let b = 2.0 * sh;
    let hi1 = a + b;
    let lo1 = if a.abs() >= b.abs() {
        (a - hi1) + b
    } else {
        (b - hi1) + a
    };
    let hi2 = hi1 + th;
    let lo2 = (hi1 - hi2) + th;
    let lo = lo1 + lo2 + (tl + 2.0 * sl + rest + e * LN2_LO);
    let hi = hi2 + lo;
    (hi, (hi2 - hi) + lo)
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

/// `x^y` (IEEE 754 `pow` special cases).
#[inline(always)]
pub fn powf<const FMA: bool>(x: f64, y: f64) -> f64 {
    let (lh, ll) = ln_dd::<FMA>(x);
    let (ph, pl) = two_prod::<FMA>(y, lh);
    let pl = pl + y * ll;
    // Out of range (or infinite: 0^y, inf^y, x^inf): e^(+-1000) over/underflows correctly and
    // the low part, possibly NaN from inf - inf, is dropped.
    let big = ph.is_nan() || ph.abs() > 1000.0;
    let ph = at_least(at_most(ph, 1000.0), -1000.0);
    let pl = if big { 0.0 } else { pl };
    let (p, s1, s2) = exp_reduce::<FMA>(ph, pl);
    let mag = (1.0 + p) * s1 * s2;
    // ln|x| = +-inf for x = 0 or inf: then x^y is inf or 0 by the sign of y ln|x|.
    let inf_ln = x == 0.0 || x.is_infinite();
    let lnx = if x == 0.0 {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let mag = if inf_ln {
        exp::<FMA>(at_least(at_most(y * lnx, 1000.0), -1000.0))
    } else {
        mag
    };
    pow_finish(x, y, mag)
}
