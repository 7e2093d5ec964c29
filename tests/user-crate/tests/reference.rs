//! The user crate's activations against mpmath (data: `scripts/gen_reference.py`), f32 and f64,
//! |x| up to f64::MAX, with act-core's criterion (see `common/mod.rs`): 4 ULP of the exact
//! value, `4 + κ` where the formula rounds a transcendental's argument (the gelu-tanh form and
//! `erfc(-x / sqrt(2))`), flush below the normal range, 8 eps near the derivative's interior
//! root. Print the table with
//!
//! ```text
//! cargo test --manifest-path tests/user-crate/Cargo.toml -- --nocapture
//! ```

#[path = "../../../act-core/tests/harness/mod.rs"]
mod common;

/// Where `common` finds the reference tables, below this crate.
const DATA_SUBDIR: &str = "tests/data";
/// Points each table must have.
const MIN_POINTS: usize = 500;

use act_core::prelude::*;
use act_user_crate::{
    ArticleSigmoid, ArticleTanh, ErfGelu, LetMish, LogSoftmax, SoftPiecewise, Softsign, SwishBeta,
    TextbookSoftplus, design,
};
use common::*;

fn run<A: Elementwise>(file: &str, a: A, all: &mut Vec<Stats>) {
    fn one<A: Elementwise, F: TestFloat>(file: &str, a: &A) -> [Stats; 2] {
        let table = parse_table::<F>(file);
        let xs: Vec<F> = table.points.iter().map(|p| p.x).collect();
        check_outputs(file, &table, &outputs_of(a, &xs))
    }
    all.extend(one::<A, f32>(file, &a));
    all.extend(one::<A, f64>(file, &a));
}

#[test]
fn user_activations_match_mpmath() {
    let mut failures = String::new();
    for_each_isa(|isa| {
        let mut all = Vec::new();
        run("ErfGelu", ErfGelu, &mut all);
        run("TextbookSoftplus", TextbookSoftplus, &mut all);
        run("ArticleSigmoid", ArticleSigmoid, &mut all);
        run("ArticleTanh", ArticleTanh, &mut all);
        run("GeluTanh", design::GeluTanh, &mut all);
        run("LetMish", LetMish, &mut all);
        run("Elu_1", design::Elu::default(), &mut all);
        run("Elu_2.5", design::Elu::new(2.5), &mut all);
        run("SwishBeta_1", SwishBeta::default(), &mut all);
        run("SwishBeta_2", SwishBeta::new(2.0), &mut all);
        run("SwishBeta_0.5", SwishBeta::new(0.5), &mut all);
        run("SoftPiecewise", SoftPiecewise, &mut all);
        run("Softsign", Softsign, &mut all);
        println!(
            "\nUser crate against mpmath, {isa:?} build:\n{}",
            render(&all)
        );
        let f = failures_report(&all);
        if !f.is_empty() {
            failures += &format!("{isa:?} build:\n{f}");
        }
    });
    assert!(failures.is_empty(), "accuracy failures:\n{failures}");
}

/// `(f(-inf), f(inf), f'(-inf), f'(inf))`: NaN in gives NaN, ±inf gives the limits, no finite
/// input gives NaN.
fn special<A: Elementwise>(a: A, limits: (f64, f64, f64, f64), problems: &mut Vec<String>) {
    fn one<A: Elementwise, F: TestFloat>(
        a: &A,
        l: (f64, f64, f64, f64),
        problems: &mut Vec<String>,
    ) {
        let close = |got: F, want: f64| {
            let g = got.to_f64();
            if want == 0.0 || want.is_infinite() {
                g == want
            } else {
                (g - want).abs() <= 4.0 * F::EPSILON.to_f64() * want.abs()
            }
        };
        let inf = F::INFINITY;
        for (what, got, want) in [
            ("f(-inf)", a.forward(-inf), l.0),
            ("f(inf)", a.forward(inf), l.1),
            ("f'(-inf)", a.derivative(-inf), l.2),
            ("f'(inf)", a.derivative(inf), l.3),
        ] {
            if !close(got, want) {
                problems.push(format!(
                    "{} {}: {what} = {got}, expected {want}",
                    A::NAME,
                    F::TYPE_NAME
                ));
            }
        }
        if !a.forward(F::NAN).is_nan() || !a.derivative(F::NAN).is_nan() {
            problems.push(format!(
                "{} {}: NaN does not give NaN",
                A::NAME,
                F::TYPE_NAME
            ));
        }
        let top: u64 = if F::P == 24 {
            0x7f80_0000
        } else {
            0x7ff0_0000_0000_0000
        };
        let mut nan_at = Vec::new();
        for k in 0..10_000u64 {
            let x = F::from_hex(&format!("{:x}", k * (top / 10_000)));
            for x in [x, -x] {
                if a.forward(x).is_nan() || a.derivative(x).is_nan() {
                    nan_at.push(x.to_f64());
                }
            }
        }
        if let Some(first) = nan_at.first() {
            problems.push(format!(
                "{} {}: NaN at {} finite inputs, e.g. {first:e}",
                A::NAME,
                F::TYPE_NAME,
                nan_at.len()
            ));
        }
    }
    one::<A, f32>(&a, limits, problems);
    one::<A, f64>(&a, limits, problems);
}

#[test]
fn nan_and_limits() {
    for_each_isa(|_| nan_and_limits_at_this_level());
}

fn nan_and_limits_at_this_level() {
    let inf = f64::INFINITY;
    let mut p = Vec::new();
    special(ErfGelu, (0.0, inf, 0.0, 1.0), &mut p);
    special(TextbookSoftplus, (0.0, inf, 0.0, 1.0), &mut p);
    special(ArticleSigmoid, (0.0, 1.0, 0.0, 0.0), &mut p);
    special(ArticleTanh, (-1.0, 1.0, 0.0, 0.0), &mut p);
    special(design::GeluTanh, (0.0, inf, 0.0, 1.0), &mut p);
    special(LetMish, (0.0, inf, 0.0, 1.0), &mut p);
    special(design::Elu::default(), (-1.0, inf, 0.0, 1.0), &mut p);
    special(design::Elu::new(2.5), (-2.5, inf, 0.0, 1.0), &mut p);
    special(SwishBeta::new(2.0), (0.0, inf, 0.0, 1.0), &mut p);
    special(SoftPiecewise, (-0.5, inf, 0.0, 0.0), &mut p);
    special(Softsign, (-1.0, 1.0, 0.0, 0.0), &mut p);
    assert!(p.is_empty(), "special values:\n{}", p.join("\n"));
}

#[test]
fn ranges_are_exact() {
    fn near(a: f64, b: f64) -> bool {
        a == b || (a - b).abs() <= 4.0 * f64::EPSILON * b.abs()
    }
    let mut p = Vec::new();
    let mut expect = |name: &str, r: Range, min: f64, min_att: bool, max: f64, max_att: bool| {
        if !(near(r.min(), min)
            && near(r.max(), max)
            && r.min_attained() == min_att
            && r.max_attained() == max_att)
        {
            p.push(format!(
                "{name}: range {r} ({:?}), expected min {min} ({min_att}), max {max} ({max_att})",
                r
            ));
        }
    };
    let inf = f64::INFINITY;
    expect(
        "Elu::new(2.5)",
        design::Elu::new(2.5).range(),
        -2.5,
        false,
        inf,
        false,
    );
    expect(
        "Elu",
        design::Elu::default().range(),
        -1.0,
        false,
        inf,
        false,
    );
    expect(
        "ArticleSigmoid",
        ArticleSigmoid.range(),
        0.0,
        false,
        1.0,
        false,
    );
    expect("ArticleTanh", ArticleTanh.range(), -1.0, false, 1.0, false);
    expect(
        "TextbookSoftplus",
        TextbookSoftplus.range(),
        0.0,
        false,
        inf,
        false,
    );
    expect(
        "SoftPiecewise",
        SoftPiecewise.range(),
        -0.5,
        false,
        inf,
        false,
    );
    expect("Softsign", Softsign.range(), -1.0, false, 1.0, false);
    // 1 is attained: a one-element input (the shape a / sum(a) proves it for every length).
    expect(
        "design::Softmax",
        design::Softmax.range(),
        0.0,
        false,
        1.0,
        true,
    );
    // minima of the swish-like ones, attained at the interior root of f' (mpmath)
    expect(
        "SwishBeta",
        SwishBeta::default().range(),
        -0.278_464_542_761_073_8,
        true,
        inf,
        false,
    );
    expect(
        "SwishBeta::new(2)",
        SwishBeta::new(2.0).range(),
        -0.139_232_271_380_536_9,
        true,
        inf,
        false,
    );
    expect(
        "ErfGelu",
        ErfGelu.range(),
        -0.169_971_207_479_903_66,
        true,
        inf,
        false,
    );
    expect(
        "GeluTanh",
        design::GeluTanh.range(),
        -0.170_040_750_571_254_06,
        true,
        inf,
        false,
    );
    expect(
        "LetMish",
        LetMish.range(),
        -0.308_843_413_017_250_4,
        true,
        inf,
        false,
    );
    // the minimum is attained: f(x0) equals it to a few ULP
    let x0 = -1.278_464_542_761_074;
    let m = SwishBeta::default().forward(x0);
    if !near(m, SwishBeta::default().range().min()) {
        p.push(format!(
            "SwishBeta: f(x0) = {m}, range min {}",
            SwishBeta::default().range().min()
        ));
    }
    assert!(p.is_empty(), "{}", p.join("\n"));
}

#[test]
fn declared_derivative_is_used_and_metadata_exists() {
    assert_eq!(Softsign.derivative(3.0f64), 1.0 / 16.0);
    assert_eq!(Softsign.derivative(0.0f64), 1.0);
    assert!(!Softsign::DERIVATIVE.is_empty() && !LetMish::FORMULA.is_empty());
    assert_eq!(SwishBeta::new(2.0).params(), vec![("beta", 2.0)]);
    assert_eq!(design::Elu::NAME, "Elu");
}

// ---------------------------------------------------------------------------------------------
// LogSoftmax (vector) and the documented Softmax
// ---------------------------------------------------------------------------------------------

/// Value: 4 ULP, or absolute `(4 + n) eps (1 + |x_i - max x|)` (the terms `x - m` and the log of
/// the rounded sum). VJP `g - softmax(x) sum(g)`: 4 ULP or absolute `(4 + n + max|x - m|) eps s_i`
/// with `s_i = |g_i| + softmax_i sum|g|`. Jacobian `δ_ij - softmax_j`: `4 + 2(4 + n + max|x - m|)`
/// ULP of each entry (the diagonal `1 - softmax_i` = the sum of the others, no forced
/// cancellation).
fn check_log_softmax<F: TestFloat>(all: &mut Vec<Stats>) {
    let eps = F::EPSILON.to_f64();
    let mut st = [
        Stats::new("LogSoftmax", F::TYPE_NAME, "value", true),
        Stats::new("LogSoftmax", F::TYPE_NAME, "vjp", true),
        Stats::new("LogSoftmax", F::TYPE_NAME, "jacobian", true),
    ];
    for c in parse_vector_cases::<F>(&format!("logsoftmax.{}.txt", F::TYPE_NAME), "scale") {
        let n = c.x.len();
        let nf = n as f64;
        let dmax = c.amp.iter().cloned().fold(0.0, f64::max);
        let mut y = vec![F::ZERO; n];
        LogSoftmax.forward_slice(&c.x, &mut y);
        let mut gx = vec![F::ZERO; n];
        LogSoftmax.backward_slice(&c.x, &c.g, &mut gx);
        let mut rows_y = vec![F::ZERO; 2 * n];
        let twice: Vec<F> = c.x.iter().chain(c.x.iter()).copied().collect();
        LogSoftmax.forward_rows(&twice, n, &mut rows_y);
        let what = format!("slice:{}", c.name);
        for i in 0..n {
            let xh = c.x[i].bits_hex();
            let xv = c.x[i].to_f64();
            let av = Allow {
                abs: Some((4.0 + nf) * eps * c.amp[i]),
                ..Allow::default()
            };
            st[0].record(&what, &xh, xv, &c.y[i], y[i], av);
            st[0].record(
                &format!("rows:{}", c.name),
                &xh,
                xv,
                &c.y[i],
                rows_y[n + i],
                av,
            );
            let ab = Allow {
                abs: Some((4.0 + nf + dmax) * eps * c.vjp_scale[i]),
                ..Allow::default()
            };
            st[1].record(&what, &xh, xv, &c.vjp[i], gx[i], ab);
        }
        st[0].points += 2 * n;
        st[1].points += n;
        if let Some(reference) = &c.jacobian {
            let jac = LogSoftmax.jacobian(&c.x);
            assert_eq!(jac.len(), n * n);
            for (k, (r, &v)) in reference.iter().zip(&jac).enumerate() {
                let label = format!("{}[{},{}]", c.name, k / n, k % n);
                let aj = Allow {
                    extra_ulps: 2.0 * (4.0 + nf + dmax),
                    ..Allow::default()
                };
                st[2].record(&what, &label, f64::NAN, r, v, aj);
            }
            st[2].points += n * n;
        }
    }
    all.extend(st);
}

#[test]
fn log_softmax_matches_mpmath() {
    for_each_isa(|_| log_softmax_matches_mpmath_at_this_level());
}

fn log_softmax_matches_mpmath_at_this_level() {
    let mut all = Vec::new();
    check_log_softmax::<f32>(&mut all);
    check_log_softmax::<f64>(&mut all);
    println!("\nLogSoftmax against mpmath:\n{}", render(&all));
    let failures = failures_report(&all);
    assert!(failures.is_empty(), "LogSoftmax failures:\n{failures}");
}

#[test]
fn design_softmax_agrees_with_the_builtin() {
    for_each_isa(|_| design_softmax_agrees_with_the_builtin_at_this_level());
}

fn design_softmax_agrees_with_the_builtin_at_this_level() {
    for x in [
        vec![1000.0, 710.0, 709.0, -3.0],
        vec![0.5; 5],
        vec![3.0, -40.0, 1.0],
        vec![-1e300, 0.0],
    ] {
        let (mut a, mut b) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        design::Softmax.forward_slice(&x, &mut a);
        Softmax.forward_slice(&x, &mut b);
        for (u, v) in a.iter().zip(&b) {
            assert!(
                (u - v).abs() <= 4.0 * f64::EPSILON * v.abs()
                    || (u.abs() < 1e-300 && v.abs() < 1e-300),
                "{x:?}: {a:?} vs {b:?}"
            );
        }
        let mut one = [0.0];
        design::Softmax.forward_slice(&[x[0]], &mut one);
        assert_eq!(one[0], 1.0);
    }
}
