//! `f32` kernels. See the [module overview](super) for the method and the measured accuracy.
//!
//! Everything is computed in `f32` (so a vector register holds twice as many lanes as for
//! `f64`) with lower-degree polynomials, except `powi` and `powf`, which go through `f64`:
//! their error grows with the exponent, and `f64` absorbs that growth for free.

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

/// `erf(x) / x - 1` in `t = x^2`, `|x| <= 0.5` (subtracting 1 shrinks the rounding errors).
const ERF_Q: [f32; 5] = [
    0.128_379_17,
    -0.376_126_08,
    0.112_828_314,
    -0.026_757_732,
    0.004_719_082_7,
];

/// `a` beyond which `erfc(a)` (below 2^-160) is taken as 0: half the smallest subnormal even
/// after the `*_scaled` kernels' factor 2^32 and a cofactor below 2^8.
const ERFC_MAX: f32 = 10.4;
/// `a` below which [`erfc_mul_scaled`] takes `1 -+ erf(|a|)`.
const ERFC_NEAR: f32 = 0.5;
/// `R(a) = e^(a^2) erfc(a) = P(a) / (sqrt(pi) a P(a) + H(a))` on `[0, ERFC_MAX]`: `P`, lowest
/// degree first. `R` is about `1 / (sqrt(pi) a)` for large `a`, so `H / D`, the part of the
/// denominator `D` that the polynomials carry on their own, is small (0.45 at `a = 0.5`, 0.09
/// at 2) and their rounding errors enter `R` damped by it. Fitted for minimax relative error
/// of `R` with f32 coefficients by `scripts/fit_erfc.py` (1.8e-9).
const ERFC_P: [f32; 6] = [
    1.0,
    1.536_762,
    1.133_950_6,
    0.484_420_66,
    0.119_834_03,
    0.014_185_869,
];
/// `H` of [`ERFC_P`].
const ERFC_H: [f32; 5] = [1.0, 0.892_687_26, 0.417_402_03, 0.106_157_28, 0.012_573_089];
/// The same `P` and `H` in `u = a sqrt 2` (denominator `sqrt(pi/2) u P(u) + H(u)`), fitted
/// apart (2.0e-9): GELU's `erfc(-x / sqrt 2)` then takes `|x|` itself and its argument is
/// never rounded.
const GELU_P: [f32; 6] = [
    1.0,
    1.086_654_8,
    0.566_975_24,
    0.171_268_54,
    0.029_958_501,
    0.002_507_73,
];
/// `H` of [`GELU_P`].
const GELU_H: [f32; 5] = [1.0, 0.631_225_2, 0.208_700_97, 0.037_532_266, 0.003_143_27];

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
    let p = fm::<FMA>(r * r, poly::<FMA, _>(r, &EXP_Q), r);
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

/// `e^x - 1` for `x` in `[-20, 89]` (or NaN).
#[inline(always)]
fn expm1_core<const FMA: bool>(x: f32) -> f32 {
    let t = fm::<FMA>(x, core::f32::consts::LOG2_E, SHIFT);
    let k = t - SHIFT;
    let r = if FMA {
        fm::<FMA>(-k, LN2_LO, fm::<FMA>(-k, LN2_HI, x))
    } else {
        (x - k * LN2_HI) - k * LN2_LO
    };
    // 2 (h p + (h - 1/2)) with h = 2^(k-1): see the f64 version.
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
pub fn expm1<const FMA: bool>(x: f32) -> f32 {
    let y = expm1_core::<FMA>(at_least(at_most(x, 89.0), -20.0));
    if x == 0.0 { x } else { y }
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
/// (`x sigmoid(x)` as the result, not a term of a sum that may cancel).
#[inline(always)]
pub fn sigmoid_scaled_lean<const FMA: bool>(x: f32) -> (f32, f32) {
    let (ce, inv) = scale_exp_if(x < -SCALE_FROM);
    let e = exp_neg_single::<FMA>(x.abs(), ce);
    // Scaled, `c E <= 2^-67`: `1 + c E` rounds to 1 as `1 + E` does.
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

/// `c` times [`ERFC_P`]'s (or another fit's) coefficients scaled to the variable `u = a / m`:
/// `p_i m^i`, rounded once from `f64`. Constant arguments fold at compile time.
#[inline(always)]
fn in_u<const N: usize>(c: &[f32; N], m: f64) -> [f32; N] {
    let mut out = [0.0; N];
    let mut mi = 1.0f64;
    let mut i = 0;
    while i < N {
        out[i] = (f64::from(c[i]) * mi) as f32;
        mi *= m;
        i += 1;
    }
    out
}

/// `(c erfc(x (h + l)), 1/c)` for a constant `h + l` (`l` the rounding error of `h`): the
/// `*_scaled` form of [`erfc_mul`], scaled as [`exp_scaled`] scales where `erfc` is below
/// about `e^-SCALE_FROM` (GELU's `0.5 x erfc(-x/sqrt 2)` is normal down to `x = -13.2`, where
/// the `erfc` factor alone is subnormal).
///
/// `erfc(a) = e^(-a^2) P(a) / (sqrt(pi) a P(a) + H(a))` for `a >= 0.5` (`2 - ` that for
/// `a <= -0.5`), one rational function from there to the underflow (fitted by
/// `scripts/fit_erfc.py`), with one division; `1 -+ erf(|a|)` below 0.5. Branch-free: both are computed and selected. The
/// argument is never rounded: with `u = |x|`, `a^2 = u^2 m^2` (`m = |h + l|`) is formed
/// exactly (split products) for `e^(-a^2)`, which multiplies the relative error of `a^2` by
/// `a^2` (a rounded argument cost GELU 130 ulp at `x = -11.9`), and the rational function is
/// evaluated in `u`, its coefficients scaled by `m^i` (fitted apart for `m = 1/sqrt 2`,
/// GELU's). Everything on `h + l` folds at compile time.
#[inline(always)]
pub fn erfc_mul_scaled<const FMA: bool>(x: f32, h: f32, l: f32) -> (f32, f32) {
    let m = f64::from(h) + f64::from(l);
    let am = m.abs();
    let (pc, hc) = if am as f32 == core::f32::consts::FRAC_1_SQRT_2 {
        (GELU_P, GELU_H)
    } else if am == 1.0 {
        (ERFC_P, ERFC_H)
    } else {
        (in_u(&ERFC_P, am), in_u(&ERFC_H, am))
    };
    // `sqrt(pi) m = bh + bl`.
    let b = 2.0 / core::f64::consts::FRAC_2_SQRT_PI * am;
    let bh = b as f32;
    let bl = (b - f64::from(bh)) as f32;
    // `m^2 = m2h + m2l`; `h + l` holds `m` to about 2^-48, so a low part under 2^-40 is noise.
    let m2 = am * am;
    let m2h = m2 as f32;
    let m2l = (m2 - f64::from(m2h)) as f32;
    let m2l = if f64::from(m2l.abs()) <= m2 * 1e-12 {
        0.0
    } else {
        m2l
    };
    let lim = (f64::from(ERFC_MAX) / am) as f32;
    let small_lim = (f64::from(ERFC_NEAR) / am) as f32;
    let u = x.abs();
    let beyond = u > lim; // false for NaN
    let u = at_most(u, lim);
    // `x^2`, not the clamped `u^2`: the same product as `exp_sq`, which GELU's derivative
    // also calls, so that LLVM computes `e^(-x^2/2)` once (beyond the clamp the tail is 0).
    let (sq, sql) = two_prod::<FMA>(x, x);
    // As in `exp_scaled_sq` (where `x^2` overflows the low part is NaN), for the same reason.
    let sql = if sq <= f32::MAX { sql } else { 0.0 };
    let (e, el) = if m2l == 0.0 && m2h.to_bits() & 0x007F_FFFF == 0 {
        // A power of two (GELU's 1/2): the products are exact.
        (sq * m2h, sql * m2h)
    } else {
        let (p, pe) = two_prod::<FMA>(sq, m2h);
        (p, pe + fm::<FMA>(sql, m2h, sq * m2l))
    };
    // erfc(a) for a = x m < 0 is 2 - erfc(|a|).
    let neg = (x < 0.0) != (m < 0.0);
    // `2^k` is built as `2^(k + 32)` where `a^2 > 69` (`k >= -157`: `a <= 10.4`), so it is
    // normal; the result is scaled (`c = 2^32`) only in the tail towards 0: for `a < 0` the
    // tail is below 2^-67 and `2 - c T` rounds to 2 as `2 - T` does.
    let far = e > SCALE_FROM;
    let (ce, _) = scale_exp_if(far);
    let inv = if far && !neg { UNSCALE } else { 1.0 };
    let (p, _, _) = exp_reduce::<FMA>(-e, -el);
    let s = pow2_from_shifted(fm::<FMA>(-e, core::f32::consts::LOG2_E, SHIFT) + ce);
    // `R = P / D`, `D = sqrt(pi) a P + H` with `sqrt(pi) a = u (bh + bl)` carried as
    // `ba + bal`.
    let pu = poly::<FMA, _>(u, &pc);
    let (ba, bae) = two_prod::<FMA>(u, bh);
    let bal = fm::<FMA>(u, bl, bae);
    let hu = poly::<FMA, _>(u, &hc);
    let d = if FMA {
        fm::<FMA>(ba, pu, fm::<FMA>(bal, pu, hu))
    } else {
        // Without FMA the product `ba P`, most of `D` for large `a`, is split exactly.
        let (bp, bpe) = two_prod::<FMA>(ba, pu);
        bp + (bpe + (bal * pu + hu))
    };
    let r = pu / d;
    // `r (1 + p) 2^k` without rounding `1 + p` first.
    let tail = fm::<FMA>(r, p, r) * s;
    let tail = if beyond { 0.0 } else { tail };
    let large = if neg { 2.0 - tail } else { tail };
    // Below `a = 0.5`, `1 -+ erf(a)`: there `erfc` is near 1, and `P` and `D` (just above 1,
    // rounded to 2^-23) would cost it 4 ulp. `erf(a) = a + a Q(a^2)`, `a = u |h + l|` carried
    // as `ah + al`.
    let (ah, ahe) = two_prod::<FMA>(u, h.abs());
    let al = fm::<FMA>(u, if h < 0.0 { -l } else { l }, ahe);
    let erf_a = ah + fm::<FMA>(ah, poly::<FMA, _>(e, &ERF_Q), al);
    let small = if neg { 1.0 + erf_a } else { 1.0 - erf_a };
    (if u < small_lim { small } else { large }, inv)
}

/// `erfc(x (h + l))` for a constant `h + l`: see [`erfc_mul_scaled`].
#[inline(always)]
pub fn erfc_mul<const FMA: bool>(x: f32, h: f32, l: f32) -> f32 {
    unscaled(erfc_mul_scaled::<FMA>(x, h, l))
}

/// `(c erfc(x), 1/c)`, see [`erfc_mul_scaled`].
#[inline(always)]
pub fn erfc_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    erfc_mul_scaled::<FMA>(x, 1.0, 0.0)
}

/// Error function: `x + x P(x^2)` below 0.5, `1 - erfc(|x|)` above.
#[inline(always)]
pub fn erf<const FMA: bool>(x: f32) -> f32 {
    let a = x.abs();
    let small = fm::<FMA>(a, poly::<FMA, _>(a * a, &ERF_Q), a);
    let large = 1.0 - erfc_mul::<FMA>(a, 1.0, 0.0);
    (if a < 0.5 { small } else { large }).copysign(x)
}

/// Complementary error function `1 - erf(x)`, accurate for large `x`.
#[inline(always)]
pub fn erfc<const FMA: bool>(x: f32) -> f32 {
    erfc_mul::<FMA>(x, 1.0, 0.0)
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
