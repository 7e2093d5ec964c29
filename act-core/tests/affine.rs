//! The affine rule: `c·u + k` near its root is evaluated as `c·(u - u0) + r` (root rounded,
//! residual exact), so Keras's hard sigmoid `clamp(0.2 x + 0.5, 0, 1)` is accurate just above
//! -2.5, where `fl(0.2 x) + 0.5` cancels. The reference is an independent path: the fused
//! multiply-add `0.2.mul_add(x, 0.5)`, the correctly rounded value of `c x + k` (constants as
//! the f64 values of the literals, as act reads them).

use act_core::prelude::*;

activation! {
    /// Keras 2's hard sigmoid.
    pub struct KerasHardSigmoid;
    f(x) = clamp(0.2 * x + 0.5, 0, 1);
}

/// |got - want| in units of the spacing of floats at `want` (`ulp` of the type).
fn ulps(got: f64, want: f64, ulp: f64) -> f64 {
    (got - want).abs() / ulp
}

fn ulp64(v: f64) -> f64 {
    v.abs().next_up() - v.abs()
}

fn ulp32(v: f64) -> f64 {
    let a = (v as f32).abs();
    f64::from(a.next_up() - a)
}

#[test]
fn affine_expressions_are_accurate_near_their_root() {
    // f64: the first 2000 floats above -2.5, and points farther out.
    let mut xs = Vec::new();
    let mut x = -2.5f64;
    for _ in 0..2000 {
        x = x.next_up();
        xs.push(x);
    }
    xs.extend([-2.49, -2.4, -2.0, -1.0, 0.0, 1.0, 2.4, 2.499]);
    let mut worst = 0.0f64;
    for &x in &xs {
        let want = 0.2f64.mul_add(x, 0.5);
        let got = KerasHardSigmoid.forward(x);
        let e = ulps(got, want, ulp64(want));
        worst = worst.max(e);
        assert!(e <= 1.0, "f64 x = {x:e}: {got:e}, exact {want:e} ({e} ULP)");
    }
    // f32: the first 2000 floats above -2.5.
    let mut x = -2.5f32;
    for _ in 0..2000 {
        x = x.next_up();
        let want = 0.2f64.mul_add(f64::from(x), 0.5);
        let got = f64::from(KerasHardSigmoid.forward(x));
        let e = ulps(got, want, ulp32(want));
        assert!(e <= 1.0, "f32 x = {x:e}: {got:e}, exact {want:e} ({e} ULP)");
    }
    println!("worst f64 error near the root: {worst:.2} ULP");
    // The textbook evaluation is far off there: the check can fail.
    let x = (-2.5f64).next_up().next_up();
    let naive = 0.2 * x + 0.5;
    let want = 0.2f64.mul_add(x, 0.5);
    assert!(ulps(naive, want, ulp64(want)) > 10.0);
}
