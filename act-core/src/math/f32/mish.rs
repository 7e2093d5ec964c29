//! Mish and its derivative, `f32`: the value as a lean kernel with FMA, the derivative's
//! closed form computed in `f64`.
//!
//! The derivative:
//! The closed form of `math/f64/mish.rs` (`E ω / δ^2`, and its mirror in `e^-x` for
//! `x >= 0`), evaluated in plain `f64` arithmetic and rounded once to `f32`. Without FMA
//! `E` is `f64`'s `exp`: the error in `f64` (a few `f64` ulps) is far below an `f32` ulp, so
//! the result is within about half an `f32` ulp (0.50 over every input). With FMA `E` is the
//! `f32` exponential, lifted by 2^64 (`mish_prime_lifted`): half the vectors and half the
//! polynomial of `f64`'s, and 1.85x the speed of the all-`f64` kernel (AVX-512, `drive
//! mish_d`); its error, within an `f32` ulp, passes to the result times the condition number
//! in `E`, within 1.87 ULP over every input (`benches/RESULTS.md`). In `f32`, the symbolic
//! derivative `t + x σ(x) (1 - t^2)` reached 5.56 ULP (x = -2.71, portable; 4.51 with FMA),
//! and the closed form 6.1 ULP (x = -0.20): the cancellation between its terms and the
//! roundings of its polynomials need the wider type. `f64`'s range also holds every `f32`
//! tail: the subnormal results (down to `x ≈ -108.5`) round once, with no scaling.

use super::final_kernels::{LIFT, UNLIFT, exp_neg_lifted};
use super::{at_least, at_most, fm};
use crate::math::f64::exp as exp64;

/// Mish (Misra, 2019), `x tanh(softplus(x))`: `mish(-inf) = -0`, `mish(inf) = inf`, NaN gives
/// NaN; subnormal, not 0, down to `x ≈ -108.5`.
///
/// With FMA, one exponential `E = e^-|x|` and one division: `tanh(ln(1 + e^x))` is
/// `((1 + e^x)^2 - 1) / ((1 + e^x)^2 + 1)`, that is
/// - `E (E + 2) / (E (E + 2) + 2)` for `x < 0`, and
/// - `(1 + 2E) / (1 + 2E + 2E^2)` for `x >= 0` (the same multiplied through by `E^2`),
///
/// sums of positive terms, each numerator and denominator one or two roundings. For `x < 0`
/// `E` carries the lift of `exp_neg_lifted` (2^64) in the numerator and `2^64` multiplies
/// the denominator (exactly), so that `x N / D` rounds a subnormal result once; the roundings
/// of `x N` and of the quotient are taken back (its remainder, exact with FMA). `x` is
/// clamped at -110, where the result is below half the smallest subnormal. Within 3.25 ULP
/// over every `f32` input in the AVX-512 build (x = -7.581; 3.19 over every 16th in the AVX2
/// build too; `benches/RESULTS.md`). Without FMA, the same
/// closed form in `f64`, rounded once.
///
/// ```
/// use act_core::math::f32::mish;
/// // mpmath: mish(-1.2) = -0.30883579631...; mish(2) = 1.94395895953...; within an ulp
/// assert!((mish::<false>(-1.2) - -0.3088358).abs() <= 3e-8);
/// assert!((mish::<false>(2.0) - 1.943959).abs() <= 1.2e-7);
/// assert_eq!(mish::<false>(f32::NEG_INFINITY), 0.0); // -0.0
/// assert!(mish::<false>(-100.0) < 0.0); // -100 e^-100, subnormal
/// ```
#[inline(always)]
pub fn mish<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        // The same closed form in f64, rounded once.
        let x = f64::from(at_least(x, -110.0));
        let e = exp64::<FMA>(-x.abs());
        let (n, d) = if x < 0.0 {
            let n = e * (e + 2.0);
            (n, n + 2.0)
        } else {
            let n = 1.0 + 2.0 * e;
            (n, n + 2.0 * e * e)
        };
        return (x * n / d) as f32;
    }
    let x = at_least(x, -110.0);
    // No upper clamp: above 110 `E` may be anything, but the result is then `x` (below).
    let ye = exp_neg_lifted::<FMA>(x.abs(), 64);
    let e = ye * UNLIFT;
    // x < 0: 2^64 E (E + 2) over 2^64 (E (E + 2) + 2), the denominator's lift inside its FMA
    // (the same bits as `(E (E + 2) + 2) 2^64`, one step less).
    let ep2 = fm::<FMA>(ye, UNLIFT, 2.0);
    let num_neg = fm::<FMA>(ye, e, 2.0 * ye);
    let den_neg = fm::<FMA>(ye, ep2, 2.0 * LIFT);
    // x >= 0: (1 + 2E) over (1 + 2E) + 2E^2, `1 + 2E` from the lifted `E` (same bits).
    let num_pos = fm::<FMA>(ye, 2.0 * UNLIFT, 1.0);
    let den_pos = fm::<FMA>(2.0 * e, e, num_pos);
    let (n, d) = if x < 0.0 {
        (num_neg, den_neg)
    } else {
        (num_pos, den_pos)
    };
    // x N / D with the roundings of the product and the quotient taken back: `x N` in two
    // parts, `q = x N (1 / D)`, and its remainder `x N - q D` (exact with FMA) divided by `D`
    // once more with the same reciprocal.
    let xn = x * n;
    let xl = fm::<FMA>(x, n, -xn);
    let y = 1.0 / d;
    let q = xn * y;
    let r = fm::<FMA>(-q, d, xn) + xl;
    let m = fm::<FMA>(r, y, q);
    // Beyond 12, `tanh(softplus(x)) = 1 - 2 e^-2x + ...` rounds to 1 (and `x = inf` would
    // make the remainder NaN).
    if x > 12.0 { x } else { m }
}

/// `a b + c` in `f64`: one rounding with `FMA`, two without.
#[inline(always)]
fn fm64<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Mish's derivative, `d/dx [x tanh(softplus(x))]`: `mish'(inf) = 1`, `mish'(-inf) = -0` (the
/// sign of `f'` there), NaN gives NaN;
/// subnormal, not 0, down to `x ≈ -108.5`.
///
/// The closed form `E ω / δ^2` (`E = e^x`) evaluated in `f64` and rounded once. Without FMA
/// `E` is `f64`'s exponential: within 0.50 ULP over every `f32` input. With FMA (the AVX2 and
/// AVX-512 builds) `E` is the `f32` exponential lifted by 2^64 (normal over the clamped range
/// `[-112, 40]`), about half the work: within 1.87 ULP over every `f32` input, its error
/// the exponential's times the condition number of f' in `E` (`benches/RESULTS.md`).
///
/// ```
/// use act_core::math::f32::mish_prime;
/// assert_eq!(mish_prime::<false>(0.0), 0.6); // tanh(ln 2)
/// assert_eq!(mish_prime::<true>(0.0), 0.6);
/// assert_eq!(mish_prime::<false>(-2.706749), -0.10414288); // mpmath: -0.1041428852...
/// assert_eq!(mish_prime::<false>(f32::INFINITY), 1.0);
/// assert!(mish_prime::<false>(-100.0) < 0.0); // -99 e^-100, subnormal
/// ```
#[inline(always)]
pub fn mish_prime<const FMA: bool>(x: f32) -> f32 {
    if FMA {
        return mish_prime_lifted(x);
    }
    let x = f64::from(x);
    // Beyond 40, 1 to the last bit; below -120, below half the smallest f32 subnormal. The
    // comparisons are false for NaN, which goes through.
    let x = if x > 40.0 { 40.0 } else { x };
    let x = if x < -120.0 { -120.0 } else { x };
    let neg = x < 0.0;
    let g = exp64::<FMA>(-x.abs());
    let x4 = 4.0 * x;
    // N = n0 + G (n1 + G (n2 + G n3)); D = d0 + G (2 + G d2); mish' = pre N / D^2.
    let (n3, n2, n1, n0) = if neg {
        (1.0, 4.0, x4 + 6.0, x4 + 4.0)
    } else {
        (x4 + 4.0, x4 + 6.0, 4.0, 1.0)
    };
    let (d2, d0) = if neg { (1.0, 2.0) } else { (2.0, 1.0) };
    let n = fm64::<FMA>(fm64::<FMA>(fm64::<FMA>(n3, g, n2), g, n1), g, n0);
    let d = fm64::<FMA>(fm64::<FMA>(d2, g, 2.0), g, d0);
    let pre = if neg { g } else { 1.0 };
    (pre * n / (d * d)) as f32
}

/// [`mish_prime`] with FMA: `E = e^x` from the `f32` exponential (16 lanes a vector with
/// AVX-512, where `f64`'s takes two vectors and a polynomial twice as long), lifted by 2^64 so
/// that it is normal over the whole clamped range `[-112, 40]` (`2^64 e^-112` is 2^-98, `2^64
/// e^40` is 2^122), then the closed form in `f64`: `E ω / δ^2` with `ω = 4(x + 1) + (4x + 6) E
/// + 4 E^2 + E^3` and `δ = 2 + 2E + E^2`. One form for both signs: in `f64` neither `E^4`
/// (at most `e^160`) nor `e^-112` leaves the range, and for `x >= 0` every term is positive.
///
/// Error: `f64`'s roundings are far below an `f32` ulp, so the result's error is that of `E`
/// (the `f32` exponential's, within an ulp) times the condition number of `f'` in `E`,
/// `S = 1 + E ω'/ω - 2 E δ'/δ` (about 1 for `x` below -3, below 1 for `x >= 0`, large only
/// near `f'`'s root at -1.19, inside the interior-root allowance), plus the final rounding.
/// Below `x = -112` the result is below half the smallest subnormal and rounds to -0; above
/// 40 it is 1 to the last bit. NaN goes through the clamps (their comparisons are false).
#[inline(always)]
fn mish_prime_lifted(x: f32) -> f32 {
    let x = at_least(at_most(x, 40.0), -112.0);
    // `exp_neg_lifted(-x)`: its reduction and `2^(k + 64)` hold for -40 <= -x <= 112 (k from
    // -162 to 58).
    let e = f64::from(exp_neg_lifted::<true>(-x, 64)) * f64::from(UNLIFT);
    let x = f64::from(x);
    let x4 = 4.0 * x;
    let omega = fm64::<true>(fm64::<true>(e + 4.0, e, x4 + 6.0), e, x4 + 4.0);
    let delta = fm64::<true>(e + 2.0, e, 2.0);
    (e * omega / (delta * delta)) as f32
}
