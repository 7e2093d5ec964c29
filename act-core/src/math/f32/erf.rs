//! `f32` erf and erfc: a polynomial below 0.5, else one rational function
//! `erfc(a) = e^-(a^2) P(a) / (sqrt(pi) a P(a) + H(a))` (see the [module overview](crate::math)).

use super::*;

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
