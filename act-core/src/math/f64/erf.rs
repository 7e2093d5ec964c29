//! `f64` erf and erfc: a polynomial below 0.5, else `erfc(a) = e^-(a^2) G(w) / (a + K)` over
//! the map `w = (a - K) / (a + K)` (see the [module overview](crate::math)).

use super::*;

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
    erfc_mul_c::<FMA, false>(x, h, l)
}

/// [`erfc_mul_scaled`]; with `NEAR`, for arguments `a = x (h + l)` with `a^2 <= 665` where
/// `a > 0`, without the tail's test, whose value is false there: `c = 1`, the same
/// bits.
#[inline(always)]
fn erfc_mul_c<const FMA: bool, const NEAR: bool>(x: f64, h: f64, l: f64) -> (f64, f64) {
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
    let (c, inv) = scale_if(!NEAR && a > 0.0 && a * a > SCALE_FROM);
    let t = erfc_pos_lo::<FMA>(aa, aal, c);
    let large = if a < 0.0 { 2.0 - t } else { t };
    (if aa < 0.5 { small } else { large }, inv)
}

/// `-1/sqrt 2` as a double-double `(hi, lo)`: GELU's argument of `erfc` is `x (hi + lo)`.
const NEG_FRAC_1_SQRT_2: (f64, f64) =
    (-core::f64::consts::FRAC_1_SQRT_2, 4.833_646_656_726_457e-17);

/// GELU, `x Φ(x) = x erfc(-x / sqrt 2) / 2`: the kernel the product `0.5 x erfc(-x / sqrt 2)`
/// becomes, computed as that product was before the kernel (`erfc` of `x` times `-1/sqrt 2`
/// carried in two parts, scaled in the tail; the product unscaled last). (The `f32` kernel
/// forms the product and the `x >= 0` side's `x - x Φ(-x)` inside.)
#[inline(always)]
pub fn gelu<const FMA: bool>(x: f64) -> f64 {
    let (h, l) = NEG_FRAC_1_SQRT_2;
    let (s, inv) = erfc_mul_scaled::<FMA>(x, h, l);
    0.5 * x * s * inv
}

/// `(c gelu(x), 1/c)`, for a product with other factors (GEGLU's `gelu(a) b`): [`gelu`]'s
/// product before its unscaling, `c` that of [`erfc_mul_scaled`] (2^64 in the tail towards 0,
/// from `x = -36.5`), so that the product with `b` rounds once where `gelu(x)` alone is
/// subnormal.
#[inline(always)]
pub fn gelu_scaled<const FMA: bool>(x: f64) -> (f64, f64) {
    let (h, l) = NEG_FRAC_1_SQRT_2;
    let (s, inv) = erfc_mul_scaled::<FMA>(x, h, l);
    (0.5 * x * s, inv)
}

/// Where [`gelu_scaled_near`] gives [`gelu_scaled`]'s bits: `x >= -36`, where `erfc`'s
/// argument `a = -x / sqrt 2` has `a^2 <= 648 < 665` and `c = 1`.
pub const GELU_NEAR_FROM: f64 = -36.0;

/// [`gelu_scaled`]`(x).0` for `x >= -36`, where `1/c = 1`: the same operations without
/// the tail's test (false there). For the gated slice loops' chunks whose gates
/// are all at or above [`GELU_NEAR_FROM`].
#[inline(always)]
pub fn gelu_scaled_near<const FMA: bool>(x: f64) -> f64 {
    let (h, l) = NEG_FRAC_1_SQRT_2;
    0.5 * x * erfc_mul_c::<FMA, true>(x, h, l).0
}

/// GELU's derivative `Φ(x) + x φ(x) = erfc(-x / sqrt 2) / 2 + x e^(-x^2/2) / sqrt(2 pi)`
/// (`Φ`, `φ` the standard normal CDF and density), the sum of the two kernels the formula
/// calls (`erfc` of `x` times `-1/sqrt 2` carried in two parts, and `e^(-x^2/2)` with `x^2`
/// split exactly), each term unscaled before the sum. (The `f32` kernel shares
/// `e^(-x^2/2)` between the terms; here the sum is kept as it was before the kernel.)
#[inline(always)]
pub fn gelu_prime<const FMA: bool>(x: f64) -> f64 {
    // `-1/sqrt 2 = h + l` and `1/sqrt(2 pi)`, from mpmath.
    let (h, l) = NEG_FRAC_1_SQRT_2;
    let c = 0.398_942_280_401_432_7;
    let (s1, i1) = erfc_mul_scaled::<FMA>(x, h, l);
    let (s2, i2) = exp_scaled_sq::<FMA>(x, -0.5);
    // Beyond 40 the density term is below the subnormal range (and `inf * 0` would be NaN).
    let dens = if x.abs() > 40.0 { 0.0 } else { x * c * s2 * i2 };
    0.5 * s1 * i1 + dens
}

/// `(gelu(x), c gelu'(x), 1/c)` (GEGLU's partials `gelu(a)` and `b gelu'(a)`): [`gelu`] and
/// [`gelu_prime`] from one `erfc` and one `e^(-x^2/2)`, where the two kernels compute each
/// twice. `gelu'` is scaled as `e^(-x^2/2)` is (`c = 2^64` where `x^2/2 > 665`, for `x < 0`
/// only), the `erfc`
/// term brought to that scale (a power of two, exact unless it underflows, where it is below
/// `2^-64` of the density term), so that a product with a large cofactor keeps its precision
/// where `gelu'` is subnormal (`x < -37.5`). `gelu` is [`gelu`]'s value, bit for bit.
#[inline(always)]
pub fn gelu_pair<const FMA: bool>(x: f64) -> (f64, f64, f64) {
    let (h, l) = NEG_FRAC_1_SQRT_2;
    let c = 0.398_942_280_401_432_7;
    let (s1, i1) = erfc_mul_scaled::<FMA>(x, h, l);
    let (s2, i2) = exp_scaled_sq::<FMA>(x, -0.5);
    // As in `gelu_prime`: beyond 40 the density term is 0 (`inf * 0` would be NaN).
    let dens = if x.abs() > 40.0 { 0.0 } else { x * c * s2 };
    // Scaled in the negative tail only (a scaled `gelu'` near 1 times a large cofactor would
    // overflow); elsewhere `gelu_prime`'s sum, bit for bit.
    let tail = x < 0.0 && i2 != 1.0;
    let (j, k) = if tail { (i1 / i2, 1.0) } else { (i1, i2) };
    (
        0.5 * x * s1 * i1,
        0.5 * s1 * j + dens * k,
        if tail { i2 } else { 1.0 },
    )
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
