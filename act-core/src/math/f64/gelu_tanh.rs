//! GELU-tanh's `f64` kernels: the product `x σ(z)` and the sum `σ(z) + x z' σ'(z)` computed
//! as the formula and its derivative computed them before the kernels (the `f32` kernels form
//! them in closed form; here `σ(z)` and `σ'(z)` are corrected by the rounding error of `z`,
//! computed in double-double).

use super::{sigmoid_pair, sigmoid_scaled_lean};
use crate::Float;
use crate::compensated::{mul_split, odd_cubic_err, sigmoid_corrected, sigmoid_prime_corrected};

/// `2 sqrt(2/pi)` as a double-double (mpmath).
const C1: (f64, f64) = (1.595_769_121_605_730_8, -9.969_308_809_110_92e-17);
/// `0.044715 * 2 sqrt(2/pi)`, the decimal 0.044715 exactly (mpmath).
const C3: (f64, f64) = (0.071_354_816_272_600_25, -6.175_149_918_155_315e-19);
/// The decimal 0.044715 (`f64` and its remainder).
const C: (f64, f64) = (0.044_715, 2.196_021_142_708_559_5e-18);

/// `|x|` beyond which the results are the limits (`x` or `-0`, 1 or 0), so that `±∞` gives
/// them rather than `∞ * 0`.
const LIMIT: f64 = 1000.0;

/// `z = 2 sqrt(2/pi) (x + 0.044715 x^3)` and its rounding error.
#[inline(always)]
fn argument(x: f64) -> (f64, f64) {
    let x3 = <f64 as Float>::powi(x, 3);
    let z = mul_split(x + mul_split(x3, C.0, C.1), C1.0, C1.1);
    (z, odd_cubic_err(x, z, C1.0, C1.1, C3.0, C3.1))
}

/// GELU-tanh `x σ(z)`, `z = 2 sqrt(2/pi) (x + 0.044715 x^3)`: `σ(z)` scaled in the tail and
/// corrected by the rounding error of `z` (in the tail `σ` multiplies its argument's relative
/// error by `|z|`), the product unscaled last.
#[inline(always)]
pub fn gelu_tanh<const FMA: bool>(x: f64) -> f64 {
    if x.abs() > LIMIT {
        return if x > 0.0 { x } else { -0.0 };
    }
    let (z, err) = argument(x);
    let (s, inv) = sigmoid_scaled_lean::<FMA>(z);
    let s = sigmoid_corrected(s, s * inv, err);
    x * s * inv
}

/// GELU-tanh's derivative `σ(z) + x z' σ'(z)`, `z' = 2 sqrt(2/pi) (1 + 0.134145 x^2)`:
/// `σ(z)` and `σ'(z)` from one division, both corrected by the rounding error of `z`;
/// `1 + 0.134145 x^2` as `0.134145 (x^2 - r) + l` about its root `r` (carried in two parts).
#[inline(always)]
pub fn gelu_tanh_prime<const FMA: bool>(x: f64) -> f64 {
    if x.abs() > LIMIT {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    let (z, err) = argument(x);
    let (s, ps, pi) = sigmoid_pair::<FMA>(z);
    let ps = sigmoid_prime_corrected(ps, s, err);
    let s = sigmoid_corrected(s, s, err);
    let x2 = <f64 as Float>::powi(x, 2);
    let q = 0.134_145 * (x2 + 7.454_620_000_745_463) + 1.973_875_517_378_455_7e-17;
    let t = mul_split(x, C1.0, C1.1) * q * ps;
    s + t * pi
}
