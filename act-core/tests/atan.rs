//! `atan` in the formula language: its kernels over the whole f32 range, and an activation
//! declared with it (value and derivative in both types, tails included) against independent
//! references. The kernels' mpmath table is in `tests/math_accuracy.rs`.

use act_core::prelude::*;
use act_core::{activation, math};

activation! {
    /// The arctangent, `atan(x)`, in `(-pi/2, pi/2)`.
    pub struct ArcTan;
    f(x) = atan(x);
}

/// `|got - want|` in ulps of `want` (an `f32` value held in an `f64`), for normal `want`.
fn ulps_f32(got: f32, want: f64) -> f64 {
    let w = want as f32;
    let ulp = f64::from(f32::from_bits(w.abs().to_bits() + 1) - w.abs());
    (f64::from(got) - want).abs() / ulp
}

/// `|got - want|` in ulps of `want`, with `want` a double-double `hi + lo`.
fn ulps_f64(got: f64, hi: f64, lo: f64) -> f64 {
    let ulp = f64::from_bits(hi.abs().to_bits() + 1) - hi.abs();
    ((got - hi) - lo).abs() / ulp
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

fn inputs() -> Vec<f64> {
    let mut xs: Vec<f64> = (-4000..=4000).map(|i| f64::from(i) / 400.0).collect();
    for k in -60..=60 {
        let v = 10f64.powf(f64::from(k) / 4.0);
        xs.extend([v, -v]);
    }
    xs.extend([1e-300, 1e100, 1e150, 1e153, -1e153, 1e200, 1e300, f64::MAX]);
    xs
}

#[test]
fn the_activation_computes_atan_and_its_derivative_within_the_budget() {
    let a = ArcTan;
    assert_eq!(ArcTan::FORMULA, "atan(x)");
    assert_eq!(ArcTan::DERIVATIVE, "1 / (1 + powi(x, 2))");
    let (mut v64, mut d64, mut v32, mut d32) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for x in inputs() {
        // The value is the kernel's (checked against mpmath in `tests/math_accuracy.rs`),
        // in its portable or its FMA form, depending on the build the dispatch picks.
        let got = a.forward(x);
        let kernel = [math::f64::atan::<false>(x), math::f64::atan::<true>(x)];
        assert!(
            kernel.contains(&got),
            "atan({x:e}) = {got:e}, kernels give {kernel:?}"
        );
        v64 = v64.max(ulps_f64(got, libm::atan(x), 0.0));
        let (dh, dl) = derivative_reference(x);
        if dh >= f64::MIN_POSITIVE {
            d64 = d64.max(ulps_f64(a.derivative(x), dh, dl));
        }
        let x32 = x as f32;
        if x32.is_finite() {
            let xf = f64::from(x32);
            v32 = v32.max(ulps_f32(a.forward(x32), libm::atan(xf)));
            let (dh, dl) = derivative_reference(xf);
            if dh + dl >= f64::from(f32::MIN_POSITIVE) {
                d32 = d32.max(ulps_f32(a.derivative(x32), dh + dl));
            }
        }
    }
    println!(
        "ulp: f64 value {v64:.2} (against libm), derivative {d64:.2}; f32 value {v32:.2}, derivative {d32:.2}"
    );
    for (what, e) in [
        ("f64 value", v64),
        ("f64 derivative", d64),
        ("f32 value", v32),
        ("f32 derivative", d32),
    ] {
        assert!(e <= 4.0, "{what}: {e} ulp");
    }
    assert_eq!(a.forward(f64::INFINITY), std::f64::consts::FRAC_PI_2);
    assert_eq!(a.derivative(f64::INFINITY), 0.0);
    assert!(a.forward(f64::NAN).is_nan());
    assert_eq!(
        a.range().to_string(),
        "(-1.5707963267948966, 1.5707963267948966)"
    );
}
