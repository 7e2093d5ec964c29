//! Mish's derivative, `f32`, computed in `f64`.
//!
//! The closed form of `math/f64/mish.rs` (`E ω / δ^2`, and its mirror in `e^-x` for
//! `x >= 0`), evaluated in plain `f64` arithmetic with `f64`'s `exp` and rounded once to
//! `f32`: its error in `f64` (a few `f64` ulps) is far below an `f32` ulp, so the result is
//! within about half an `f32` ulp. In `f32`, the symbolic derivative `t + x σ(x) (1 - t^2)`
//! reached 5.56 ULP (x = -2.71, portable; 4.51 with FMA), and the closed form 6.1 ULP
//! (x = -0.20): the cancellation between its terms and the roundings of its polynomials
//! need the wider type. `f64`'s range also holds every `f32` tail: the subnormal results
//! (down to `x ≈ -104`) round once, with no scaling.

use crate::math::f64::exp as exp64;

/// `a b + c` in `f64`: one rounding with `FMA`, two without.
#[inline(always)]
fn fm64<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Mish's derivative, `d/dx [x tanh(softplus(x))]`: `mish'(inf) = 1`, `mish'(-inf) = -0` (the
/// sign of `f'` there), NaN gives NaN;
/// subnormal, not 0, down to `x ≈ -104`.
///
/// ```
/// use act_core::math::f32::mish_prime;
/// assert_eq!(mish_prime::<false>(0.0), 0.6); // tanh(ln 2)
/// assert_eq!(mish_prime::<false>(-2.706749), -0.10414288); // mpmath: -0.1041428852...
/// assert_eq!(mish_prime::<false>(f32::INFINITY), 1.0);
/// assert!(mish_prime::<false>(-100.0) < 0.0); // -99 e^-100, subnormal
/// ```
#[inline(always)]
pub fn mish_prime<const FMA: bool>(x: f32) -> f32 {
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
