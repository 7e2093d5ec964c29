//! `eval --formula` as accurate as the compiled code of the same formula (a user trial found
//! the README's GELU 439 ULP off at -37 through the CLI, within 1 ULP compiled), and the sign
//! of log-softmax's saturated derivative (`1 - p` with `p = 1` is +0, not -0).
//!
//! Expected values: mpmath at the f64 inputs, from `python scripts/gen_interp_reference.py`
//! (its GELU and GELU_TANH tables, rounded to f64 by the Rust literal).

// mpmath's digits as printed (20 significant), more than an f64 holds.
#![allow(clippy::excessive_precision)]

mod common;
use common::*;

/// `(x, value, derivative)` rows of `eval ... --format csv`.
fn csv(args: &[&str]) -> Vec<(f64, f64, f64)> {
    let out = stdout(args);
    out.lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
            (v[0], v[1], v[2])
        })
        .collect()
}

fn within_4_ulp(formula: &str, xs: &[&str], want: &[(f64, f64, f64)]) {
    let mut args = vec!["eval", "--formula", formula];
    args.extend_from_slice(xs);
    args.extend(["--format", "csv"]);
    let got = csv(&args);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0);
        let (ev, ed) = (ulps_apart(g.1, w.1), ulps_apart(g.2, w.2));
        assert!(
            ev <= 4 && ed <= 4,
            "{formula} at {}: {g:?} vs mpmath {w:?}: {ev}, {ed} ULP",
            w.0
        );
    }
}

#[test]
fn the_readme_gelu_formula_is_within_4_ulp_in_the_tail() {
    within_4_ulp(
        "0.5 * x * (1 + erf(x / sqrt(2)))",
        &["-3", "-5", "-10", "-20", "-30", "-37"],
        &[
            (-3.0, -4.04969409489028358e-3, -1.1945647204183927e-2),
            (-5.0, -1.4332578593959695584e-6, -7.1469460017922946279e-6),
            (-10.0, -7.619853024160526066e-23, -7.6184000964648140857e-22),
            (
                -20.0,
                -5.5072482372124673902e-88,
                -1.1014360483133464042e-86,
            ),
            (
                -30.0,
                -1.4720141781444561179e-196,
                -4.4160316907084943701e-195,
            ),
            (
                -37.0,
                -2.1184613523340934244e-298,
                -7.8382986694185162425e-297,
            ),
        ],
    );
}

#[test]
fn a_gelu_tanh_formula_is_within_4_ulp_in_the_tail() {
    within_4_ulp(
        "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))))",
        &["-5", "-8.9", "-12.5", "-20", "-21"],
        &[
            (-5.0, -2.2917961966295060456e-7, -1.5463619875325945956e-6),
            (-8.9, -8.6119883384945792724e-28, -1.5880036765530010463e-26),
            (-12.5, -8.101996464473620915e-69, -2.8327285098472604543e-67),
            (
                -20.0,
                -3.3754509563109673197e-261,
                -2.9424328724945028643e-259,
            ),
            (
                -21.0,
                -6.0166484876314846742e-301,
                -5.7730086392704065198e-299,
            ),
        ],
    );
}

#[test]
fn log_softmax_saturated_derivative_is_plus_zero() {
    // 1 - p at the maximum, p = 1 in floating point: the sum of the other probabilities,
    // e^-1000 and e^-2000, which is +0 (closed form).
    for source in [
        &["log-softmax"][..],
        &["--formula", "x - ln(sum(exp(x)))"][..],
    ] {
        for row in [
            &["-1000", "0", "1000"][..],
            &["1000", "0", "-1000", "0.001", "16.25"][..],
        ] {
            let mut args = vec!["eval"];
            args.extend_from_slice(source);
            args.extend_from_slice(row);
            args.extend(["--format", "csv"]);
            for (x, _, d) in csv(&args) {
                let want = if x == 1000.0 { 0.0 } else { 1.0 };
                assert_eq!(d.to_bits(), f64::to_bits(want), "{args:?}: at {x}, {d}");
            }
        }
    }
}
