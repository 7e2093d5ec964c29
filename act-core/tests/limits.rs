//! Limits at ±∞ of elementwise formulas whose straight-line code gives NaN there (`∞ - ∞`,
//! `∞ · 0`), through the generated code in f32 and f64: the scalar methods and every slice
//! loop. Where the limit is infinite the result must be that infinity, not the value at the
//! largest input the engine probes (`x - sqrt(abs(x))` at +∞ once gave `f64::MAX`).
//!
//! The expected limits are closed forms: for `x^2 σ(x)`, `f' = 2x σ(x) + x^2 σ(x)(1 - σ(x))`
//! tends to +∞ at +∞ and to 0 at -∞; for `x^2 / (1 + |x|)`, `f' = sign(x) (1 - 1/(1 + |x|)^2)`
//! tends to ±1; and so on for each case below. act-expr's `tests/limits.rs` checks the
//! interpreter on the same formulas.

use act_core::prelude::*;

const INF: f64 = f64::INFINITY;

macro_rules! cases {
    ($( $name:ident: $f:expr => [$v_lo:expr, $d_lo:expr, $v_hi:expr, $d_hi:expr]; )*) => {
        $(
            activation! {
                /// A test formula with a NaN in its straight-line code at an infinite input.
                pub struct $name;
                f(x) = $f;
            }
        )*
        /// Every case: its name and the failures of its generated code.
        fn failures() -> Vec<String> {
            let mut out = Vec::new();
            $(
                let want = [$v_lo, $d_lo, $v_hi, $d_hi];
                out.extend(check::<$name, f64>(stringify!($f), want));
                out.extend(check::<$name, f32>(stringify!($f), want));
            )*
            out
        }
    };
}

cases! {
    MinusRoot: x - sqrt(abs(x)) => [-INF, 1.0, INF, 1.0];
    SquareSigmoid: x * x * sigmoid(x) => [0.0, 0.0, INF, INF];
    SquareExp: x * x * exp(x) => [0.0, 0.0, INF, INF];
    LinearExp: x * exp(x) => [0.0, 0.0, INF, INF];
    LinearSoftplus: x * softplus(x) => [0.0, 0.0, INF, INF];
    SquareOverAbs: x * x / (1 + abs(x)) => [INF, -1.0, INF, 1.0];
    LogSwish: x * sigmoid(x) * ln(1 + abs(x)) => [0.0, 0.0, INF, INF];
}

activation! {
    /// Falls like `1/x`, and its derivative `(3x^2 - x^6) / (1 + x^4)^2` like `-1/x^2`.
    pub struct CubeOverQuartic;
    f(x) = powi(x, 3) / (1 + powi(x, 4));
}

/// `[f(-∞), f'(-∞), f(+∞), f'(+∞)]` from every path of `A` in `F`, against `want`.
fn check<A: Elementwise, F: Float>(formula: &str, want: [f64; 4]) -> Vec<String> {
    let a = A::default();
    let x = [-F::INFINITY, F::INFINITY];
    let mut paths: Vec<(&str, [F; 4])> = Vec::new();
    paths.push((
        "forward/derivative",
        [
            a.forward(x[0]),
            a.derivative(x[0]),
            a.forward(x[1]),
            a.derivative(x[1]),
        ],
    ));
    let (mut y, mut dy, mut gx) = ([F::ZERO; 2], [F::ZERO; 2], [F::ZERO; 2]);
    a.forward_slice(&x, &mut y);
    a.derivative_slice(&x, &mut dy);
    paths.push(("forward_slice/derivative_slice", [y[0], dy[0], y[1], dy[1]]));
    let mut inplace = x;
    a.forward_in_place(&mut inplace);
    // grad_y = -2 flips the signs and doubles: the limits times -2.
    let two = F::from_f64(-2.0);
    a.backward_slice(&x, &[two, two], &mut gx);
    paths.push((
        "forward_in_place/backward_slice(-2)",
        [inplace[0], gx[0] / two, inplace[1], gx[1] / two],
    ));
    let mut out = Vec::new();
    for (path, got) in paths {
        let got = got.map(|v| v.to_f64());
        // == rather than bits: -0 and 0 are the same limit.
        if got != want {
            out.push(format!(
                "{} ({}) {path}: [f(-inf), f'(-inf), f(inf), f'(inf)] = {got:?}, want {want:?}",
                formula,
                core::any::type_name::<F>()
            ));
        }
    }
    out
}

/// A limit the probes never settle on, falling towards 0 (at 1e30 the value is 1e-30, at 1e75
/// 1e-75): 0, not the value at the largest probe. `f32`'s derivative is left out: there
/// `(1 + x^4)^2` overflows for |x| > 6.6e4, below every probe, and the type's docs list it
/// under "Numerical limits".
#[test]
fn a_limit_falling_towards_zero_is_zero() {
    let mut wrong = check::<CubeOverQuartic, f64>("x^3 / (1 + x^4)", [0.0; 4]);
    let a = CubeOverQuartic;
    let x = [-f32::INFINITY, f32::INFINITY];
    let mut y = [f32::NAN; 2];
    a.forward_slice(&x, &mut y);
    let got = [a.forward(x[0]), a.forward(x[1]), y[0], y[1]];
    if got != [0.0; 4] {
        wrong.push(format!(
            "x^3 / (1 + x^4) (f32) f(-inf), f(inf), slice: {got:?}, want 0"
        ));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn limits_at_infinity_are_the_closed_forms() {
    let wrong = failures();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
