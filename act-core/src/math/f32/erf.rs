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

/// `R(u) = P(u) / D(u)`, `D = (bh + bl) u P + H`, the rational function of `erfc`
/// (`erfc_mul_scaled`) and of GELU's kernels, with the product `(bh + bl) u` carried as
/// `ba + bal`; without FMA the product `ba P`, most of `D` for large `u`, is split exactly.
#[inline(always)]
fn rational_r<const FMA: bool>(u: f32, pc: &[f32; 6], hc: &[f32; 5], bh: f32, bl: f32) -> f32 {
    let pu = poly::<FMA, _>(u, pc);
    let (ba, bae) = two_prod::<FMA>(u, bh);
    let bal = fm::<FMA>(u, bl, bae);
    let hu = poly::<FMA, _>(u, hc);
    let d = if FMA {
        fm::<FMA>(ba, pu, fm::<FMA>(bal, pu, hu))
    } else {
        let (bp, bpe) = two_prod::<FMA>(ba, pu);
        bp + (bpe + (bal * pu + hu))
    };
    pu / d
}

/// `(c erfc(x (h + l)), 1/c)` for a constant `h + l` (`l` the rounding error of `h`): the
/// `*_scaled` form of [`erfc_mul`], scaled as [`exp_scaled`] scales where `erfc` is below
/// about `e^-SCALE_FROM` (GELU's `0.5 x erfc(-x/sqrt 2)` is normal down to `x = -13.2`, where
/// the `erfc` factor alone is subnormal).
///
/// `erfc(a) = e^(-a^2) P(a) / (sqrt(pi) a P(a) + H(a))` for `a >= 0.5` (`2 - ` that for `a <=
/// -0.5`), one rational function from there to the underflow (fitted by `scripts/fit_erfc.py`),
/// with one division; `1 -+ erf(|a|)` below 0.5. Branch-free: both are computed and selected. The
/// argument is never rounded: with `u = |x|`, `a^2 = u^2 m^2` (`m = |h + l|`) is formed exactly
/// (split products) for `e^(-a^2)`, which multiplies the relative error of `a^2` by `a^2` (a
/// rounded argument cost GELU 130 ulp at `x = -11.9`), and the rational function is evaluated in
/// `u`, its coefficients scaled by `m^i` (fitted apart for `m = 1/sqrt 2`, GELU's). Everything on
/// `h + l` folds at compile time.
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
    // `x^2`, not the clamped `u^2`: the same product as `exp_sq`, which a formula's
    // derivative may also call, so that LLVM computes `e^(-x^2/2)` once (beyond the clamp the
    // tail is 0). (GELU's own value and derivative have kernels: [`gelu`], [`gelu_prime`].)
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
    let r = rational_r::<FMA>(u, &pc, &hc, bh, bl);
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

/// `|x|` below which the portable GELU kernel and GELU's derivative take `erf`'s polynomial
/// ([`ERF_Q`]) rather than `R`: `ERFC_NEAR sqrt 2`.
const GELU_SMALL_LIM: f32 = (ERFC_NEAR as f64 * core::f64::consts::SQRT_2) as f32;

/// `c (1 + Q)`'s coefficients from `ERF_Q`'s `Q`, each rounded once from `f64`.
const fn one_plus_erf_q_times(c: f64) -> [f32; 5] {
    let mut out = [0.0; 5];
    let mut i = 0;
    while i < 5 {
        out[i] = (ERF_Q[i] as f64 * c) as f32;
        i += 1;
    }
    out[0] = ((1.0 + ERF_Q[0] as f64) * c) as f32;
    out
}

/// `P` of GELU's `R(u) = e^(u^2/2) erfc(u / sqrt 2) = c P(u) / (u P(u) + H(u))` on `[0.7,
/// GELU_LIM]` (`c` about `sqrt(2/pi)`, [`GELU_C_UNSCALE`] times 2^32), lowest degree first. `R` is
/// about `c / u` for large `u`, so `H / D` (`D = u P + H`) is small (0.46 at `u = 0.7`, 0.16 at 2,
/// 0.01 at 10) and the rounding errors of `P` and `H` reach `R` damped by it. The portable kernels'
/// (the FMA builds' have their own, fitted from 0). Degrees 4 and 4, fitted for minimax relative
/// error of `R` with f32 coefficients by `scripts/fit_gelu.py` (6.0e-9, 0.10 x 2^-24).
const GELU_RP: [f32; 5] = [1.0, 0.944_904_86, 0.420_456_8, 0.100_467_89, 0.011_411_386];

/// `H` of [`GELU_RP`] (`H(0) = c`).
const GELU_RH: [f32; 5] = [
    0.797_884_6,
    0.390_556_9,
    0.101_061_694,
    0.011_382_94,
    5.903_811_5e-7,
];

/// `c 2^-32`: `R`'s factor `c` ([`GELU_RP`]) and the kernels' unscaling in one constant.
const GELU_C_UNSCALE: f32 = 1.857_719_8e-10;

/// `|x|` at which GELU's kernels clamp: `ERFC_MAX sqrt 2` (14.7; `GELU(-14.7)` is about
/// `-4e-48`, below half the smallest subnormal, and `2^(k + 31)` for `e^(-x^2/2) = (1 + p)
/// 2^k` stays normal up to there).
const GELU_LIM: f32 = (ERFC_MAX as f64 * core::f64::consts::SQRT_2) as f32;

/// `(u, (k + 31) 2^23, p, P(u), H(u), u^2/2)` for `u = min(|x|, GELU_LIM)`: `e^(-u^2/2) = (1
/// + p) 2^k` with `u^2/2` split exactly (`(k + 31) 2^23` wrapping, to add to an exponent
/// field), and `R`'s polynomials ([`GELU_RP`], [`GELU_RH`]).
#[inline(always)]
fn gelu_parts<const FMA: bool>(x: f32) -> (f32, u32, f32, f32, f32, f32) {
    let u = at_most(x.abs(), GELU_LIM);
    let hu = 0.5 * u;
    // `u^2 / 2 = e + el` exactly (`u/2` is exact but for subnormal `u`, negligibly).
    let (e, el) = two_prod::<FMA>(hu, u);
    let (p, _, _) = exp_reduce::<FMA>(-e, -el);
    // `k + 31 >= -126` where `u <= GELU_LIM`.
    let t = fm::<FMA>(-e, core::f32::consts::LOG2_E, SHIFT);
    let s = t.to_bits().wrapping_add(SCALE_EXP as u32 - 1) << 23;
    let pu = poly::<FMA, _>(u, &GELU_RP);
    let hu = poly::<FMA, _>(u, &GELU_RH);
    (u, s, p, pu, hu, e)
}

/// GELU, `x Φ(x) = x erfc(-x / sqrt 2) / 2` (`Φ` the standard normal CDF): the kernel the
/// product `0.5 x erfc(-x / sqrt 2)` becomes, so that the product, its scaling and the
/// `x >= 0` side's `x - x Φ(-x)` are formed inside it.
///
/// With FMA (the AVX2 and AVX-512 builds) one formula over the whole range, without a branch
/// near 0 (`gelu_fma` in the source: `R` below fitted from 0, degrees 5 and 4). Without, as
/// follows. With `u = min(|x|, 14.7)`, `E = e^(-u^2/2)` (`u^2/2` split exactly) and `R(u) =
/// e^(u^2/2) erfc(u / sqrt 2) = c P(u) / (u P(u) + H(u))` (`GELU_RP`, `GELU_RH`, one rational
/// function from `u = 1/sqrt 2` to the clamp), `u Φ(-u) = (u/2) E R`: for `x < 0` the value is
/// `-(u/2) E R`, for `x >= 0` it is `x - (u/2) E R` (the same operations on both sides: only
/// the addend, `-0` or `x`, is selected). `(u/2) E R` is formed as `(u P / (u P + H)) (1 + p)
/// 2^(k + 31)`, normal down to the underflow, and multiplied by `c 2^-32` last, so that the
/// result (subnormal from `x = -13.2`) rounds there. Beyond the clamp `x >= 14.7` gives `x`
/// and `x <= -14.7` gives `-0`, as the exact values round. Below `u = 1/sqrt 2`, `(x/2) (1 +
/// erf(x / sqrt 2))` with `erf`'s polynomial. `gelu(+∞) = +∞`, `gelu(-∞) = -0`; NaN gives NaN.
#[inline(always)]
pub fn gelu<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        gelu_fma::<false>(x).0
    } else {
        gelu_c::<FMA, false>(x).0
    }
}

/// `(c gelu(x), 1/c)`, for a product with other factors (GEGLU's `gelu(a) b`): [`gelu`]'s
/// value before its last rounding, `c = 2^32` for `x < -10` (else 1), so that `c gelu(x)` is
/// normal down to the clamp (`x = -14.7`, `|gelu| = 2^-157`) and the product with `b` rounds
/// once where `gelu(x)` alone is subnormal (from `x = -13.2`) or 0; below the clamp the scaled
/// value is -0, as the `erfc` product before this kernel gave (`erfc_mul_scaled`'s `ERFC_MAX`).
/// For `x >= -10` the bits of [`gelu`]. `c |gelu(x)| < 2^-41` where `c > 1`, so a product with
/// any finite `b` cannot overflow.
#[inline(always)]
pub fn gelu_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    if FMA {
        gelu_fma::<true>(x)
    } else {
        gelu_c::<FMA, true>(x)
    }
}

/// Where [`gelu_scaled_near`] gives [`gelu_scaled`]'s bits: `x >= -10`, where `c = 1`.
pub const GELU_NEAR_FROM: f32 = -GELU_LIFT_FROM;

/// [`gelu_scaled`]`(x).0` for `x >= -10`, where `1/c = 1`: [`gelu`], the same operations
/// with the tail's tests (`x < -10` for the lift, `x < -14.7` for the clamp to -0) false, as
/// they are there, and without them and their
/// selects. For the gated slice loops' chunks whose gates are all at or above
/// [`GELU_NEAR_FROM`].
#[inline(always)]
pub fn gelu_scaled_near<const FMA: bool>(x: f32) -> f32 {
    gelu::<FMA>(x)
}

/// [`gelu`] without FMA as `(c gelu(x), 1/c)`: with `SCALED`, `c = 2^32` for `x < -10` (and -0
/// below `-GELU_LIM`), else 1 (see [`gelu_scaled`]).
#[inline(always)]
fn gelu_c<const FMA: bool, const SCALED: bool>(x: f32) -> (f32, f32) {
    let (u, s, p, pu, h, e) = gelu_parts::<FMA>(x);
    // `u R / c = u P / (u P + H)`, `u P` rounded once: its error reaches the quotient damped
    // by `H / D`.
    let up = u * pu;
    let q = up / (up + h);
    // `2^32 (u/2) E R / c = q (1 + p) 2^(k + 31)`, the power of two added to the exponent
    // field: `q (1 + p)` is at least 0.38 where it is used (`u >= 1/sqrt 2`), at least 0.69
    // where `k + 31 < 0` (`u > 6.6`), and `k + 31 >= -125`, so it and the product are normal.
    // Then `c 2^-32` times that.
    let y = f32::from_bits(fm::<FMA>(q, p, q).to_bits().wrapping_add(s));
    // Scaled: `c 2^-32` times `2^32` (exact) for `x < -10`, where the addend is -0.
    let lift = SCALED && x < -GELU_LIFT_FROM;
    let k = if lift {
        GELU_C_UNSCALE * 4_294_967_296.0
    } else {
        GELU_C_UNSCALE
    };
    let large = fm::<FMA>(y, -k, if x < 0.0 { -0.0 } else { x });
    let large = if SCALED && x < -GELU_LIM { -0.0 } else { large };
    // `erf(x / sqrt 2)`, `x / sqrt 2 = ah + al`, as in `erfc_mul_scaled`.
    let h = core::f32::consts::FRAC_1_SQRT_2;
    let l = (core::f64::consts::FRAC_1_SQRT_2 - f64::from(h)) as f32;
    let (ah, ahe) = two_prod::<FMA>(x, h);
    let al = fm::<FMA>(x, l, ahe);
    let erf_x = ah + fm::<FMA>(ah, poly::<FMA, _>(e, &ERF_Q), al);
    let small = fm::<FMA>(0.5 * x, erf_x, 0.5 * x);
    let inv = if lift { UNSCALE } else { 1.0 };
    (if u < GELU_SMALL_LIM { small } else { large }, inv)
}

/// `P` of the FMA builds' GELU, `R(u) = e^(u^2/2) erfc(u / sqrt 2) = c P(u) / (u P(u) + H(u))`
/// on the whole range `[0, GELU_LIM]` (no separate branch near 0), `c` that of
/// [`GELU_C_UNSCALE`]: `P = 1 + u A(u)`, these the coefficients of `A`, lowest degree first
/// (`P(0) = 1` is implicit: the kernel forms `u P = u + u^2 A` with one rounding). Degrees 5 and
/// 4, fitted for minimax relative error of `R` with f32 coefficients by `scripts/fit_gelu.py 5 4
/// 0` (1.7e-9, 0.03 x 2^-24).
const GELU_WA: [f32; 5] = [
    1.078_513_7,
    0.559_198_5,
    0.167_777_87,
    0.029_116_247,
    0.002_410_693_8,
];

/// `H` of [`GELU_WA`]'s fit, lowest degree first (`H(0) = c`).
const GELU_WH: [f32; 5] = [
    0.797_884_6,
    0.497_149_26,
    0.163_272_52,
    0.029_100_414,
    0.002_411_078_4,
];

/// [`EXP_Q`] for [`gelu_fma`]'s reduced argument `w = -2r` (`e^r`, `|r| <= ln2 / 2`): the
/// coefficients of `Q(-w/2) / 2`, `q_i (-1)^i 2^-(i + 1)` (exact scalings), so that `-w + w^2
/// Q(-w/2) / 2 = 2 (e^r - 1)`.
const GELU_EXP2: [f32; 5] = [
    EXP_Q[0] * 0.5,
    -EXP_Q[1] * 0.25,
    EXP_Q[2] * 0.125,
    -EXP_Q[3] * 0.0625,
    EXP_Q[4] * 0.031_25,
];

/// `log2` of [`gelu_fma`]'s scaling `2^(k + 47)` of its quotient (through the denominator's
/// exponent): the quotient is then normal for every `u` down to the smallest subnormal, and the
/// scaled denominator stays below the overflow up to `u = GELU_LIM` (`k >= -156`).
const GELU_FMA_SCALE_EXP: f32 = 47.0;

/// GELU with FMA ([`gelu`]'s AVX2 and AVX-512 builds): one formula over the whole range,
/// no branch near 0, 22 FMA-unit instructions per vector.
///
/// With `u = min(|x|, GELU_LIM)`, `s + sl = u^2` (exact), `E = e^(-u^2/2) = (1 + p) 2^k`, `R =
/// c P / D` ([`GELU_WA`], [`GELU_WH`]), `D = u P + H`, the value is `x - (u/2) E R` for `x >=
/// 0` and `-(u/2) E R` for `x < 0`, one FMA for both (the addend `x` or `-0`): `q m + addend`
/// with `q = 2^(k + 47) u P / D` and `m = -(c 2^-49) (2 + 2p)`:
/// - the exponential's reduction from `u^2` rather than `u^2/2` (`w = -2r = s + 2k ln2 + sl`,
///   `k = round(-s log2(e) / 2)`), its polynomial in `w` ([`GELU_EXP2`]) giving `2p`; the low
///   parts (`sl` and `2k ln2_lo`) summed first, so that `w` rounds once;
/// - `u P = u + s A(u)` (one FMA), its rounding shared by numerator and denominator;
/// - `D = (u P + u H_1(u)) + c` (`H = c + u H_1`) below `u P = c`: the first sum is small, so
///   that `D` rounds about once (the form `u P + H` rounds `H` and `D`, 3.7 ulp near 0 where
///   nothing is damped); `(c + u H_1) + u P` above, where `H`'s rounding is damped by `H / D`;
/// - `2^(k + 47)` subtracted from `D`'s exponent field (`D` is normal), so that the quotient
///   is scaled without a multiplication and normal down to the smallest subnormal `u` (the
///   value's `x/2` there).
///
/// `x >= 14.7` gives `x`, `x <= -14.7` gives `-0`, as the exact values round; `gelu(+∞) = +∞`,
/// `gelu(-∞) = -0`; NaN gives NaN.
///
/// With `SCALED` ([`gelu_scaled`]): `(c gelu(x), 1/c)`, the factor `m` times `c = 2^32` (exact)
/// for `x < -10`, -0 below `-GELU_LIM`; else `1/c = 1` and the bits of the value.
#[inline(always)]
fn gelu_fma<const SCALED: bool>(x: f32) -> (f32, f32) {
    let f = gelu_fma_parts(x, &GELU_WA, &GELU_WH);
    // `D 2^-(k + 47)`: `D >= c` is normal, and below 2^122 (`D` < 2^13 at `u = 14.7`).
    let d = f32::from_bits(f.d.to_bits().wrapping_sub(f.t.to_bits() << 23));
    // `2^(k + 47) q`, normal for every `u` (at least `2^-102` where `k = 0`, `2^-109` at the
    // clamp).
    let q = f.up / d;
    // `(u/2) E R = (c 2^-49) (2 + 2p) 2^(k + 47) q`: the factor `m = -(c 2^-49) (2 + 2p)`
    // rounded once, then the value in one FMA (a rounded `2^(k + 48) q (1 + p)`, multiplied
    // by `c 2^-49` last, cost up to 0.2 ulp more).
    let lift = SCALED && x < -GELU_LIFT_FROM;
    let k = if lift {
        GELU_FMA_C * 4_294_967_296.0
    } else {
        GELU_FMA_C
    };
    let m = f.p2.mul_add(-k, -2.0 * k);
    // The addend `x` for `x >= 0`, `-0` for `x < 0`: the smaller of the bit patterns of `x`
    // and `-0` as unsigned integers (one instruction; a select takes a comparison and a blend).
    let y = q.mul_add(m, f32::from_bits(x.to_bits().min((-0.0f32).to_bits())));
    let y = if SCALED && x < -GELU_LIM { -0.0 } else { y };
    (y, if lift { UNSCALE } else { 1.0 })
}

/// `c 2^-49` (`GELU_C_UNSCALE` is `c 2^-32`): the last factor of [`gelu_fma`] and
/// [`gelu_prime_fma`], whose quotients are scaled by `2^(k + 47)`.
const GELU_FMA_C: f32 = GELU_C_UNSCALE * (1.0 / 131_072.0);

/// [`gelu_fma`]'s and [`gelu_prime_fma`]'s exponential and rational function (the same
/// operations with their own coefficients: a kernel taking both, GEGLU's backward, forms the
/// exponential once).
struct GeluFmaParts {
    /// `min(|x|, GELU_LIM)`.
    u: f32,
    /// `k + SHIFT + 47` (`E = e^(-u^2/2) = (1 + p) 2^k`): its low bits hold `k + 47`.
    t: f32,
    /// `2p`.
    p2: f32,
    /// `A(u)` ([`GELU_WA`] or [`GELU_DA`]): `P = 1 + u A`.
    a: f32,
    /// `u P = u + u^2 A`, rounded once.
    up: f32,
    /// `D = u P + H`, rounded about once near 0.
    d: f32,
}

/// [`gelu_fma`]'s exponential and rational function up to the quotient (see there), with
/// `A`'s coefficients `wa` and `H`'s `wh` (`H(0) = c`).
#[inline(always)]
fn gelu_fma_parts(x: f32, wa: &[f32; 5], wh: &[f32; 5]) -> GeluFmaParts {
    const HALF_LOG2_E: f32 = core::f32::consts::LOG2_E * 0.5;
    // `k + SHIFT + 47`: the low bits of `t` hold `k + 47`, shifted into an exponent field below.
    const SHIFT_D: f32 = SHIFT + GELU_FMA_SCALE_EXP;
    let u = at_most(x.abs(), GELU_LIM);
    let s = u * u;
    let sl = u.mul_add(u, -s);
    let t = s.mul_add(-HALF_LOG2_E, SHIFT_D);
    let k = t - SHIFT_D;
    // `w = s + sl + 2k ln2 = -2r`: `s + 2k ln2_hi` is exact, the low parts are far smaller.
    let w_hi = k.mul_add(2.0 * LN2_HI, s);
    let w_lo = k.mul_add(2.0 * LN2_LO, sl);
    let w = w_hi + w_lo;
    // `2p = -w + w^2 Q(-w/2)/2`, Estrin's scheme as in `exp_q`.
    let w2 = w * w;
    let lo = GELU_EXP2[1].mul_add(w, GELU_EXP2[0]);
    let hi = GELU_EXP2[3].mul_add(w, GELU_EXP2[2]);
    let qw = w2.mul_add(GELU_EXP2[4].mul_add(w2, hi), lo);
    let p2 = w2.mul_add(qw, -w);
    // `u P = u + u^2 A(u)`: `s` for `u^2` (its rounding error is shared by `u P` in the
    // numerator and the denominator, damped by `H / D`). `A` in Estrin's form, `(a0 + a1 u) +
    // s ((a2 + a3 u) + s a4)`: three FMAs deep from `u` where Horner's scheme is four, on the
    // chain to the division.
    let a = s.mul_add(
        s.mul_add(wa[4], wa[3].mul_add(u, wa[2])),
        wa[1].mul_add(u, wa[0]),
    );
    let up = a.mul_add(s, u);
    let h1 = poly::<true, _>(u, &[wh[1], wh[2], wh[3], wh[4]]);
    // `D = (u H_1 + a) + b`, `a` the smaller of `u P` and `c`, `b` the larger (both positive,
    // compared as integers so that the two FMAs are not formed for a select): near 0 the
    // first sum is small and `D` rounds about once; beyond `u P = c` (`u` about 0.5) the
    // rounding of `H = c + u H_1` reaches `D` damped by `H / D`.
    let (ub, cb) = (up.to_bits(), wh[0].to_bits());
    let d = h1.mul_add(u, f32::from_bits(ub.min(cb))) + f32::from_bits(ub.max(cb));
    GeluFmaParts { u, t, p2, a, up, d }
}

/// `A` of [`gelu_prime_fma`]'s rational function, lowest degree first (`P = 1 + u A`, `P(0) =
/// 1` implicit): `c P / (u P + H)` fitted to `R(u) - (sqrt(2/pi) - c) u` on `[0, GELU_LIM]`
/// (`R` of [`GELU_RP`], `c` of [`GELU_C_UNSCALE`], `sqrt(2/pi)` rounded to `f32`), so that
/// `c (P / D - u) = R - sqrt(2/pi) u` without a correction for `c != sqrt(2/pi)`. The error is
/// minimised relative to `|R - sqrt(2/pi) u|` (at least `0.1 c` near its root `u = 0.75`), what
/// the derivative is proportional to; degrees 5 and 4, f32 coefficients,
/// `scripts/fit_gelu.py 5 4 0 --prime` (3.4e-9, 0.06 x 2^-24).
const GELU_DA: [f32; 5] = [
    0.832_196_06,
    0.324_144_42,
    0.062_667_355,
    0.003_908_703_6,
    -0.000_442_955_93,
];

/// `H` of [`GELU_DA`]'s fit, lowest degree first (`H(0) = c`).
const GELU_DH: [f32; 5] = [
    0.797_884_6,
    0.300_616_3,
    0.065_231_46,
    0.003_807_643,
    -0.000_440_749_7,
];

/// GELU's derivative with FMA ([`gelu_prime`]'s AVX2 and AVX-512 builds): one formula over
/// the whole range, no branch near 0, [`gelu_fma`]'s exponential and its form of `R` with
/// coefficients of its own ([`GELU_DA`], [`GELU_DH`]).
///
/// With `u`, `E = (1 + p) 2^k`, `D = u P + H` as there (`P = 1 + u A`), `c (P / D - u) = R -
/// sqrt(2/pi) u`, and `σ = 1` for `x < 0` (sign bit set), `-1` otherwise, `f'(x) = [x >= 0]
/// + σ E (R - sqrt(2/pi) u) / 2 = [x >= 0] + (c/2) E N / D` with
///
/// `N = σ (P - u D) = σ + x_c (D - A)`,  `x_c = -σ u` (`x` clamped),
///
/// so that `P` is never rounded: `D - A` rounds, then `N` once (near 0 `N` is about 1 and the
/// result about 1/2, its errors undamped; near the root `x = -0.75` `N` cancels, to a few eps
/// in absolute terms; in the tail `N` is about `-u D`). The quotient `q` is scaled by `2^(k +
/// 47)` through `D`'s exponent as in [`gelu_fma`] (normal down to the underflow), and the
/// result is `q (2 c 2^-49) + ((c 2^-49) q (2p) + [x >= 0])`: the factor `2 + 2p` is not
/// rounded on its own (near 0 `2p` is about `-x^2` and the inner sum's rounding is damped by
/// it; a rounded factor `(c 2^-49) (2 + 2p)` cost 0.5 ulp more). `+ 0.0` makes an underflowed
/// negative value `+0`, as the sum `0.5 erfc + x φ` gives. `f'(+∞) = 1`, `f'(-∞) = +0`, NaN
/// gives NaN.
#[inline(always)]
fn gelu_prime_fma<const SCALED: bool>(x: f32) -> (f32, f32) {
    const SIGN: u32 = 0x8000_0000;
    let f = gelu_fma_parts(x, &GELU_DA, &GELU_DH);
    let xs = x.to_bits() & SIGN;
    // `σ`: `1` where the sign bit is set, `-1` where not; `x_c = -σ u`.
    let sigma = f32::from_bits(xs ^ (-1.0f32).to_bits());
    let xc = f32::from_bits(f.u.to_bits() | xs);
    let n = xc.mul_add(f.d - f.a, sigma);
    // `D 2^-(k + 47)`, normal as in `gelu_fma`.
    let d = f32::from_bits(f.d.to_bits().wrapping_sub(f.t.to_bits() << 23));
    let q = n / d;
    // `[x >= 0] = (1 - σ) / 2`, exact.
    // Scaled (GEGLU's pair): `2^32` times that where `x < -10`, 0 below the clamp; every
    // operand only `2^32` larger, so the roundings are the same where the unscaled result is
    // normal, and the scaled one stays normal down to the clamp.
    let lift = SCALED && x < -GELU_LIFT_FROM;
    let k = if lift {
        GELU_FMA_C * 4_294_967_296.0
    } else {
        GELU_FMA_C
    };
    let inner = (q * k).mul_add(f.p2, sigma.mul_add(-0.5, 0.5));
    let r = q.mul_add(2.0 * k, inner) + 0.0;
    let r = if SCALED && x < -GELU_LIM { 0.0 } else { r };
    (r, if lift { UNSCALE } else { 1.0 })
}

/// `sqrt(2/pi) / c` (`c` of [`GELU_C_UNSCALE`]) as `f32` high and low parts: the density's
/// factor `2/sqrt(2 pi)` in GELU's derivative, over `c`.
const GELU_PRIME_K: (f32, f32) = {
    let k = 0.797_884_560_802_865_4 / (GELU_C_UNSCALE as f64 * 4_294_967_296.0);
    let kh = k as f32;
    (kh, (k - kh as f64) as f32)
};

/// GELU's derivative `Φ(x) + x φ(x)` (`Φ`, `φ` the standard normal CDF and density): one
/// kernel, so that `E = e^(-x^2/2)` is computed once for both terms, where the sum
/// `0.5 erfc(-x / sqrt 2) + x e^(-x^2/2) / sqrt(2 pi)` computes it twice.
///
/// With FMA (the AVX2 and AVX-512 builds) one formula over the whole range, without a branch
/// near 0 (`gelu_prime_fma` in the source: `N / D` with `D` as in [`gelu`]'s FMA form and its
/// own `R` fitted from 0, `N = σ + x (D - A)`). Without, as follows.
///
/// With `u = min(|x|, 14.7)` and `R(u) = e^(u^2/2) erfc(u / sqrt 2) = c P / D` (the rational
/// function of [`gelu`], `D = u P + H`, `u P` split exactly), `Φ(-u) = E R / 2`, so above
/// `u = 1/sqrt 2`
/// - `x < 0`: `f'(x) = E (R - 2u/sqrt(2 pi)) / 2`,
/// - `x >= 0`: `f'(x) = 1 - E (R - 2u/sqrt(2 pi)) / 2`,
///
/// with `E (R - 2u/sqrt(2 pi)) / (2c) = (P / D - u sqrt(2/pi) / c) (1 + p) 2^(k + 31 - 32)`
/// formed scaled by 2^32, normal down to the underflow, and multiplied by `c 2^-32` last, so
/// that the result, subnormal from `x = -13.7`, rounds once; `u^2/2` is
/// split exactly for `E`. An underflowed (negative) value is `+0`. Below `u = 1/sqrt 2`,
/// `f'(x) = 1/2 + x (A(x^2/2) + E / sqrt(2 pi))` (`GELU_PRIME_SMALL`). `f'(+∞) = 1`, `f'(-∞) =
/// +0`; NaN gives NaN.
#[inline(always)]
pub fn gelu_prime<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return gelu_prime_fma::<false>(x).0;
    }
    gelu_prime_c::<FMA, false>(x).0
}

/// `x` below `-GELU_LIFT_FROM` is where [`gelu_pair`] scales the derivative: `|gelu'(-10)| =
/// 7.7e-22`, so `2^32 |gelu'|` is below `2^-30` there and a product by any finite cofactor
/// stays finite.
const GELU_LIFT_FROM: f32 = 10.0;

/// `(gelu(x), c gelu'(x), 1/c)` (GEGLU's partials `gelu(a)` and `b gelu'(a)`): [`gelu`]'s
/// value, and [`gelu_prime`]'s scaled by `c = 2^32` for `x < -10` (else 1), where its value
/// is formed scaled by `2^32` anyway: `c gelu'(x)` is normal down to the clamp (`x = -14.7`,
/// `|gelu'| = 2^-153`), so that a product with a large cofactor keeps its precision where
/// `gelu'` is subnormal (from `x = -13.7`); below the clamp it is 0.
#[inline(always)]
pub fn gelu_pair<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    let (cp, inv) = if FMA {
        gelu_prime_fma::<true>(x)
    } else {
        gelu_prime_c::<FMA, true>(x)
    };
    (gelu::<FMA>(x), cp, inv)
}

/// [`gelu_prime`]'s form without FMA as `(c gelu'(x), 1/c)`: with `SCALED`, `c = 2^32` for `x <
/// -10` (and 0 below `-GELU_LIM`), else 1.
#[inline(always)]
fn gelu_prime_c<const FMA: bool, const SCALED: bool>(x: f32) -> (f32, f32) {
    let (kh, kl) = GELU_PRIME_K;
    let (u, s, p, pu, hu, e) = gelu_parts::<FMA>(x);
    // `u P` split exactly.
    let (up, upe) = two_prod::<FMA>(u, pu);
    let d = up + (upe + hu);
    let q = pu / d;
    // `w / c = R / c - u sqrt(2/pi) / c`, the product split exactly.
    let (t, te) = two_prod::<FMA>(u, kh);
    let w = (q - t) - (te + u * kl);
    // `2^32 E w / (2c) = (w / c) (1 + p) 2^(k + 31)`, without rounding `E` first; then
    // `x < 0`: `c 2^-32` times it (`+0` where it underflows), `x >= 0`: 1 minus that.
    // (Multiplied by `2^(k + 31)`, not added to the exponent field as `gelu` does: `w` may
    // round to 0 near the root.)
    let ew = fm::<FMA>(w, p, w) * f32::from_bits(s.wrapping_add(127 << 23));
    let neg = x < 0.0;
    // Scaled: `c` times that for `x < 0` (`c 2^-32` times `2^32`, exact), 0 below the clamp.
    let lift = SCALED && x < -GELU_LIFT_FROM;
    let k = if lift {
        GELU_C_UNSCALE * 4_294_967_296.0
    } else {
        GELU_C_UNSCALE
    };
    // `+ 0.0`: an underflowed negative value is `+0` (the FMA rounds it to `-0`), the zero
    // the sum `0.5 erfc + x φ` gives.
    let large = fm::<FMA>(if neg { ew } else { -ew }, k, if neg { 0.0 } else { 1.0 }) + 0.0;
    let large = if SCALED && x < -GELU_LIM { 0.0 } else { large };
    // `E / sqrt(2 pi) = (ch 2^-31) (1 + p) 2^(k + 31)`: the constant scaled exactly, the power
    // of two added to the exponent field (`ch 2^-31 (1 + p)` and the product are normal).
    let chs = FRAC_1_SQRT_2PI * (UNSCALE * 2.0);
    let ce = f32::from_bits(fm::<FMA>(chs, p, chs).to_bits().wrapping_add(s));
    let small = fm::<FMA>(x, poly::<FMA, _>(e, &GELU_PRIME_SMALL) + ce, 0.5);
    let near = u < GELU_SMALL_LIM;
    let inv = if lift { UNSCALE } else { 1.0 };
    (if near { small } else { large }, inv)
}

/// `1/sqrt(2 pi)` rounded to `f32` (the density's factor in GELU's derivative).
const FRAC_1_SQRT_2PI: f32 = 0.398_942_3;

/// GELU's derivative below `|x| = 1/sqrt 2`: `Φ(x) = 1/2 + x A(x^2/2)`, `A(t) = (1 + Q(t)) /
/// (2 sqrt 2)` from `ERF_Q`'s `Q` (`erf(a) = a (1 + Q(a^2))`, `a = x / sqrt 2`), each
/// coefficient rounded once from `f64`.
const GELU_PRIME_SMALL: [f32; 5] = one_plus_erf_q_times(0.5 * core::f64::consts::FRAC_1_SQRT_2);

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
