//! `atan` in the formula language: its kernels over the whole f32 range, and an activation
//! declared with it (value and derivative in both types, tails included) against independent
//! references. The kernels' mpmath table is in `tests/math_accuracy.rs`.

use act_core::prelude::*;
use act_core::{activation, math};

mod unary;
use unary::*;

activation! {
    /// The arctangent, `atan(x)`, in `(-pi/2, pi/2)`.
    pub struct ArcTan;
    f(x) = atan(x);
}

#[test]
fn f32_kernels_are_within_one_ulp_on_a_sweep_of_every_binade() {
    // Every 4099th f32 bit pattern (about a million inputs, every binade, both signs) against
    // `libm::atan` in f64, rounded once: an f64 value is accurate to far below an f32 ulp.
    let mut worst = [(0.0f64, 0.0f32); 2];
    for bits in (0..u32::MAX).step_by(4099) {
        let x = f32::from_bits(bits);
        if x.is_nan() {
            continue;
        }
        let want = libm::atan(f64::from(x));
        for (i, got) in [math::f32::atan::<false>(x), math::f32::atan::<true>(x)]
            .into_iter()
            .enumerate()
        {
            let e = if want.abs() < f64::from(f32::MIN_POSITIVE) {
                // atan(x) = x to far below half a subnormal spacing there.
                if got == x { 0.0 } else { f64::INFINITY }
            } else {
                ulps_f32(got, want)
            };
            if e > worst[i].0 {
                worst[i] = (e, x);
            }
        }
    }
    for (form, (e, x)) in ["portable", "fma"].iter().zip(worst) {
        assert!(e <= 1.0, "{form}: {e} ulp at x = {x:e}");
    }
}

/// `1 / (1 + x^2)` in double-double: `x^2` split exactly, the sum carried in two parts, the
/// reciprocal corrected to first order.
fn derivative_reference(x: f64) -> (f64, f64) {
    let p = x * x;
    if !p.is_finite() || p > 1e300 {
        return (1.0 / p, 0.0);
    }
    let pe = x.mul_add(x, -p);
    let s = 1.0 + p;
    let (big, small) = if p > 1.0 { (p, 1.0) } else { (1.0, p) };
    let s_lo = (small - (s - big)) + pe;
    let r = 1.0 / s;
    let r_lo = r * ((1.0 - r * s) - r * s_lo);
    let r_lo = if r_lo.is_finite() { r_lo } else { 0.0 };
    (r + r_lo, (r - (r + r_lo)) + r_lo)
}

#[test]
fn the_activation_computes_atan_and_its_derivative_within_the_budget() {
    let a = ArcTan;
    assert_eq!(ArcTan::FORMULA, "atan(x)");
    assert_eq!(ArcTan::DERIVATIVE, "1 / (1 + powi(x, 2))");
    check_activation(
        &a,
        "atan",
        [math::f64::atan::<false>, math::f64::atan::<true>],
        libm::atan,
        derivative_reference,
    );
    assert_eq!(a.forward(f64::INFINITY), std::f64::consts::FRAC_PI_2);
    assert_eq!(a.derivative(f64::INFINITY), 0.0);
    assert!(a.forward(f64::NAN).is_nan());
    assert_eq!(
        a.range().to_string(),
        "(-1.5707963267948966, 1.5707963267948966)"
    );
}
