//! `asinh` in the formula language: its kernels over the whole f32 range, and an activation
//! declared with it (value and derivative in both types, tails included) against independent
//! references. The kernels' mpmath table is in `tests/math_accuracy.rs`.

use act_core::prelude::*;
use act_core::{activation, math};

mod unary;
use unary::*;

activation! {
    /// The inverse hyperbolic sine, `asinh(x)`: odd, unbounded, logarithmic in the tails.
    pub struct ArSinh;
    f(x) = asinh(x);
}

#[test]
fn f32_kernels_are_within_two_ulp_on_a_sweep_of_every_binade() {
    // Every 4099th f32 bit pattern (about a million inputs, every binade, both signs) against
    // `libm::asinh` in f64, rounded once: an f64 value is accurate to far below an f32 ulp.
    let mut worst = [(0.0f64, 0.0f32); 2];
    for bits in (0..u32::MAX).step_by(4099) {
        let x = f32::from_bits(bits);
        if x.is_nan() {
            continue;
        }
        let want = libm::asinh(f64::from(x));
        for (i, got) in [math::f32::asinh::<false>(x), math::f32::asinh::<true>(x)]
            .into_iter()
            .enumerate()
        {
            let e = if want.abs() < f64::from(f32::MIN_POSITIVE) {
                // asinh(x) = x to far below half a subnormal spacing there.
                if got == x { 0.0 } else { f64::INFINITY }
            } else if want.is_infinite() {
                if f64::from(got) == want {
                    0.0
                } else {
                    f64::INFINITY
                }
            } else {
                ulps_f32(got, want)
            };
            if e > worst[i].0 {
                worst[i] = (e, x);
            }
        }
    }
    println!(
        "f32 asinh sweep: portable {:.2} ulp at {:e}, fma {:.2} ulp at {:e}",
        worst[0].0, worst[0].1, worst[1].0, worst[1].1
    );
    for (form, (e, x)) in ["portable", "fma"].iter().zip(worst) {
        assert!(e <= 2.0, "{form}: {e} ulp at x = {x:e}");
    }
}

#[test]
fn f32_derivative_kernels_are_within_one_ulp_on_a_sweep_of_every_binade() {
    // asinh'(x) = 1 / sqrt(1 + x^2) against `1 / hypot(1, x)` in f64 (no overflow there).
    for fma in [false, true] {
        for bits in (0..u32::MAX).step_by(4099) {
            let x = f32::from_bits(bits);
            let want = 1.0 / 1f64.hypot(f64::from(x));
            if x.is_nan() || want < f64::from(f32::MIN_POSITIVE) {
                continue;
            }
            let got = if fma {
                math::f32::asinh_prime::<true>(x)
            } else {
                math::f32::asinh_prime::<false>(x)
            };
            let e = ulps_f32(got, want);
            assert!(e <= 1.0, "fma {fma}: {e} ulp at x = {x:e}");
        }
    }
}

/// `1 / sqrt(1 + x^2)` in double-double: `x^2` split exactly, the sum carried in two parts,
/// the square root and the reciprocal corrected to first order.
fn derivative_reference(x: f64) -> (f64, f64) {
    let p = x * x;
    if !p.is_finite() || p > 1e300 {
        return (1.0 / x.abs(), 0.0);
    }
    let pe = x.mul_add(x, -p);
    let s = 1.0 + p;
    let (big, small) = if p > 1.0 { (p, 1.0) } else { (1.0, p) };
    let s_lo = (small - (s - big)) + pe;
    // sqrt(s + s_lo) = r + (s - r^2 + s_lo) / (2r)
    let r = s.sqrt();
    let r_lo = ((-r).mul_add(r, s) + s_lo) / (2.0 * r);
    // 1 / (r + r_lo) = q + (1 - q r - q r_lo) / (r + r_lo)
    let q = 1.0 / r;
    let q_lo = ((-q).mul_add(r, 1.0) - q * r_lo) / r;
    (q + q_lo, (q - (q + q_lo)) + q_lo)
}

#[test]
fn the_activation_computes_asinh_and_its_derivative_within_the_budget() {
    let a = ArSinh;
    assert_eq!(ArSinh::FORMULA, "asinh(x)");
    assert_eq!(ArSinh::DERIVATIVE, "1 / sqrt(1 + powi(x, 2))");
    check_activation(
        &a,
        "asinh",
        [math::f64::asinh::<false>, math::f64::asinh::<true>],
        libm::asinh,
        derivative_reference,
    );
    assert_eq!(a.forward(f64::INFINITY), f64::INFINITY);
    assert_eq!(a.forward(f64::NEG_INFINITY), f64::NEG_INFINITY);
    assert_eq!(a.derivative(f64::INFINITY), 0.0);
    assert!(a.forward(f64::NAN).is_nan());
    assert_eq!(a.range().to_string(), "(-∞, ∞)");
}
