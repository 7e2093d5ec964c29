//! Shared by the tests of the formula language's unary functions (`atan.rs`, `asinh.rs`):
//! ulp distances, the input grid, and the check of an activation declared with one of them.
#![allow(dead_code)] // each test file uses some of these

use act_core::Elementwise;

/// `|got - want|` in ulps of `want` (an `f32` value held in an `f64`), for normal `want`.
pub fn ulps_f32(got: f32, want: f64) -> f64 {
    let w = want as f32;
    let ulp = f64::from(f32::from_bits(w.abs().to_bits() + 1) - w.abs());
    (f64::from(got) - want).abs() / ulp
}

/// `|got - want|` in ulps of `want`, with `want` a double-double `hi + lo`.
pub fn ulps_f64(got: f64, hi: f64, lo: f64) -> f64 {
    let ulp = f64::from_bits(hi.abs().to_bits() + 1) - hi.abs();
    ((got - hi) - lo).abs() / ulp
}

/// A fine grid over [-10, 10], every quarter decade from 1e-15 to 1e15 with both signs, and
/// the far tail up to `f64::MAX`.
pub fn inputs() -> Vec<f64> {
    let mut xs: Vec<f64> = (-4000..=4000).map(|i| f64::from(i) / 400.0).collect();
    for k in -60..=60 {
        let v = 10f64.powf(f64::from(k) / 4.0);
        xs.extend([v, -v]);
    }
    xs.extend([1e-300, 1e100, 1e150, 1e153, -1e153, 1e200, 1e300, f64::MAX]);
    xs
}

/// Checks an activation `f(x) = g(x)` over [`inputs`]: its f64 value is one of `kernels`
/// (the portable and FMA forms, whichever the dispatch picks), and value and derivative in
/// f64 and f32 are within 4 ulps of `value_ref` (an independent f64 function) and
/// `derivative_ref` (double-double); derivatives are compared where they are normal numbers.
pub fn check_activation<A: Elementwise>(
    a: &A,
    name: &str,
    kernels: [fn(f64) -> f64; 2],
    value_ref: fn(f64) -> f64,
    derivative_ref: fn(f64) -> (f64, f64),
) {
    let (mut v64, mut d64, mut v32, mut d32) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for x in inputs() {
        let got = a.forward(x);
        let kernel = kernels.map(|k| k(x));
        assert!(
            kernel.contains(&got),
            "{name}({x:e}) = {got:e}, kernels give {kernel:?}"
        );
        v64 = v64.max(ulps_f64(got, value_ref(x), 0.0));
        let (dh, dl) = derivative_ref(x);
        if dh >= f64::MIN_POSITIVE {
            d64 = d64.max(ulps_f64(a.derivative(x), dh, dl));
        }
        let x32 = x as f32;
        if x32.is_finite() {
            let xf = f64::from(x32);
            v32 = v32.max(ulps_f32(a.forward(x32), value_ref(xf)));
            let (dh, dl) = derivative_ref(xf);
            if dh + dl >= f64::from(f32::MIN_POSITIVE) {
                d32 = d32.max(ulps_f32(a.derivative(x32), dh + dl));
            }
        }
    }
    println!(
        "{name} ulp: f64 value {v64:.2} (against libm), derivative {d64:.2}; f32 value {v32:.2}, derivative {d32:.2}"
    );
    for (what, e) in [
        ("f64 value", v64),
        ("f64 derivative", d64),
        ("f32 value", v32),
        ("f32 derivative", d32),
    ] {
        assert!(e <= 4.0, "{name} {what}: {e} ulp");
    }
}
