//! Vector activations beyond softmax, declared with the macro: forward, VJP against central
//! differences, rows, the Jacobian against the VJP, and the Jacobian's diagonal where the
//! outputs are shift-invariant (rows summing to zero) against closed forms.

use act_core::prelude::*;

activation! {
    /// Centring.
    pub vector struct Centre;
    f(x) = x - mean(x);
}

activation! {
    /// Standardisation, a reduction depending on an earlier one.
    pub vector struct Standardise;
    f(x) = { let d = x - mean(x); d / sqrt(mean(d * d) + 0.001) };
}

activation! {
    /// Scaled by the largest magnitude (a max over a non-trivial body).
    pub vector struct MaxScaled;
    f(x) = x / (1 + max(abs(x)));
}

activation! {
    /// Two sums at one level and a min.
    pub vector struct Mixed;
    f(x) = x * sum(sigmoid(x)) + sum(exp(-x * x)) - min(x);
}

activation! {
    /// Log-softmax.
    pub vector struct LogSoftmax;
    f(x) = { let m = max(x); x - m - ln(sum(exp(x - m))) };
}

/// `g · f(x)`, the scalar whose gradient the VJP computes.
fn dot<A: Activation>(a: &A, x: &[f64], g: &[f64]) -> f64 {
    let mut y = vec![0.0; x.len()];
    a.forward_slice(x, &mut y);
    y.iter().zip(g).map(|(p, q)| p * q).sum()
}

fn check_vjp<A: VectorActivation>(a: A) {
    let x = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2];
    let g = [0.5, -1.0, 0.25, 2.0, -0.75, 1.5, 0.1];
    let mut gx = [0.0; 7];
    a.backward_slice(&x, &g, &mut gx);
    for i in 0..x.len() {
        let h = 1e-5;
        let (mut xp, mut xm) = (x, x);
        xp[i] += h;
        xm[i] -= h;
        let fd = (dot(&a, &xp, &g) - dot(&a, &xm, &g)) / (2.0 * h);
        assert!(
            (gx[i] - fd).abs() <= 1e-7 * (1.0 + fd.abs()),
            "{}: grad[{i}] = {}, differences {fd}",
            A::NAME,
            gx[i]
        );
    }
    // The Jacobian's rows are the VJPs of unit vectors.
    let jac = a.jacobian(&x);
    let n = x.len();
    for (i, row) in jac.chunks(n).enumerate() {
        let mut unit = [0.0; 7];
        unit[i] = 1.0;
        let mut r = [0.0; 7];
        a.backward_slice(&x, &unit, &mut r);
        for j in 0..n {
            assert!(
                (row[j] - r[j]).abs() <= 1e-15 * (1.0 + r[j].abs()) * n as f64,
                "{}: J[{i}][{j}]",
                A::NAME
            );
        }
    }
    // Rows: two copies of x in one batch give the result twice.
    let xx: Vec<f64> = x.iter().chain(&x).copied().collect();
    let gg: Vec<f64> = g.iter().chain(&g).copied().collect();
    let mut out = vec![0.0; 14];
    a.backward_rows(&xx, 7, &gg, &mut out);
    assert_eq!(&out[..7], &gx[..]);
    assert_eq!(&out[7..], &gx[..]);
    // f32 agrees with f64 to f32 precision.
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let mut y32 = vec![0.0f32; 7];
    a.forward_slice(&x32, &mut y32);
    let mut y64 = [0.0; 7];
    a.forward_slice(&x, &mut y64);
    for (p, q) in y32.iter().zip(&y64) {
        assert!(
            (f64::from(*p) - q).abs() <= 1e-5 * (1.0 + q.abs()),
            "{}: f32 {p} vs f64 {q}",
            A::NAME
        );
    }
}

#[test]
fn general_vector_formulas_have_right_gradients() {
    check_vjp(Centre);
    check_vjp(Standardise);
    check_vjp(MaxScaled);
    check_vjp(Mixed);
    check_vjp(LogSoftmax);
    check_vjp(Softmax);
}

#[test]
fn jacobian_diagonals_keep_relative_accuracy_where_outputs_saturate() {
    // x = [3, -40]: y0 = 1 / (1 + e^-43) rounds to 1; the diagonal y0 (1 - y0) = y0 y1 is
    // e^-43 / (1 + e^-43)^2, not 0.
    let e = (-43f64).exp();
    let j00 = e / ((1.0 + e) * (1.0 + e));
    let jac = Softmax.jacobian(&[3.0f64, -40.0]);
    assert!(
        (jac[0] - j00).abs() <= 4.0 * f64::EPSILON * j00,
        "softmax J00 = {:e}, expected {j00:e}",
        jac[0]
    );
    // Log-softmax: J00 = 1 - y0 = y1 = e / (1 + e).
    let jac = LogSoftmax.jacobian(&[3.0f64, -40.0]);
    let y1 = e / (1.0 + e);
    assert!(
        (jac[0] - y1).abs() <= 4.0 * f64::EPSILON * y1,
        "log-softmax J00 = {:e}, expected {y1:e}",
        jac[0]
    );
    // Centring is shift-invariant too: 1 - 1/n either way.
    let jac = Centre.jacobian(&[1.0f64, 2.0, 4.0, 8.0]);
    assert_eq!(jac[0], 0.75);
}

/// A mean whose sum overflows is still the mean: `mean(x)` of values near the type's
/// largest is not ±∞ (each length takes a different build: short, medium, long, and rows).
/// Closed forms: the mean of `n` copies of `v` is `v`, so `x - mean(x)` is 0; of `v` and
/// `-v/2` alternating (even `n`), `v/4`. Both up to the sum's rounding, `n eps |v|`.
#[test]
fn means_of_huge_values_do_not_overflow() {
    fn check<F: Float + core::fmt::Debug>(huge: F) {
        for n in [2usize, 3, 10, 16, 17, 40, 64, 65, 300, 4096] {
            let tol = (huge * F::EPSILON).to_f64() * n as f64;
            let near = |got: F, want: f64| (got.to_f64() - want).abs() <= tol;
            let x = vec![huge; n];
            let mut y = vec![F::NAN; n];
            Centre.forward_slice(&x, &mut y);
            assert!(y.iter().all(|&v| near(v, 0.0)), "{n}: {:?}", &y[..2]);
            // Rows of `n`: the batched build.
            let rows = [x.clone(), x.clone()].concat();
            let mut out = vec![F::NAN; 2 * n];
            Centre.forward_rows(&rows, n, &mut out);
            assert!(out.iter().all(|&v| near(v, 0.0)), "rows of {n}");
            if n % 2 == 0 {
                let half = huge / F::from_f64(-2.0);
                let alt: Vec<F> = (0..n)
                    .map(|i| if i % 2 == 0 { huge } else { half })
                    .collect();
                Centre.forward_slice(&alt, &mut y);
                let mean = huge.to_f64() / 4.0;
                assert!(near(y[0], huge.to_f64() - mean), "{n}: {:?}", y[0]);
                assert!(near(y[1], half.to_f64() - mean), "{n}: {:?}", y[1]);
            }
            // A row holding +∞ keeps its IEEE values: the mean is ∞, so x - mean is -∞ for
            // the finite elements and NaN (∞ - ∞) for the infinite one.
            let mut inf = x.clone();
            inf[n / 2] = F::INFINITY;
            Centre.forward_slice(&inf, &mut y);
            for (i, v) in y.iter().enumerate() {
                let ok = if i == n / 2 {
                    v.is_nan()
                } else {
                    *v == -F::INFINITY
                };
                assert!(ok, "{n} with ∞: y[{i}] = {v:?}");
            }
        }
    }
    check(1e308f64);
    check(f64::MAX);
    check(3e38f32);
    check(f32::MAX);
}

activation! {
    /// Shifted by the maximum, not divided by anything: its Jacobian's diagonal, `1 - [i is
    /// the max's position]`, has no NaN of its own to carry.
    pub vector struct FromMax;
    f(x) = x - max(x);
}

/// NaN in gives NaN out for the Jacobian's diagonal too: a row holding NaN makes every value
/// of `x - max(x)` and `x - mean(x)` NaN, and the diagonal follows the value.
#[test]
fn a_row_holding_nan_has_a_nan_diagonal_where_its_value_is_nan() {
    let x = [f64::NAN, 1.0, -2.0];
    for a in [&FromMax as &dyn act_core::DynActivation, &Centre] {
        let (mut v, mut d) = ([0.0; 3], [0.0; 3]);
        a.table(&x, &mut v, &mut d);
        assert!(v.iter().all(|v| v.is_nan()), "{v:?}");
        assert!(d.iter().all(|d| d.is_nan()), "{d:?}");
    }
    // An ordinary row: numbers (closed forms: 1 - [i = argmax]; 1 - 1/n).
    let x = [0.5, 1.0, -2.0];
    let (mut v, mut d) = ([0.0; 3], [0.0; 3]);
    act_core::DynActivation::table(&FromMax, &x, &mut v, &mut d);
    assert_eq!(d, [1.0, 0.0, 1.0]);
    act_core::DynActivation::table(&Centre, &x, &mut v, &mut d);
    // (the element at the max is minus the sum of the row's others: a rounding or two)
    assert!(
        d.iter()
            .all(|d| (d - 2.0 / 3.0).abs() <= 4.0 * f64::EPSILON),
        "{d:?}"
    );
}

// ---- Ranges the shape proves (they were (-∞, ∞), "unbounded", without a declaration). ----

activation! {
    /// Softmax with a temperature, no declared range.
    pub vector struct TempSoftmax(t = 1.0);
    f(x) = exp(x / t) / sum(exp(x / t));
    where t > 0;
}

activation! {
    /// Softmax without the shift, no declared range.
    pub vector struct PlainSoftmax;
    f(x) = exp(x) / sum(exp(x));
}

activation! {
    /// Softmin, no declared range.
    pub vector struct PlainSoftmin;
    f(x) = exp(-x) / sum(exp(-x));
}

activation! {
    /// Log-softmax, no declared range.
    pub vector struct PlainLogSoftmax;
    f(x) = x - ln(sum(exp(x)));
}

activation! {
    /// Log-softmax shifted by the maximum, no declared range.
    pub vector struct ShiftedLogSoftmax;
    f(x) = x - max(x) - ln(sum(exp(x - max(x))));
}

/// Every output of `a` on a few inputs (one element, ties, spreads, huge gaps).
fn outputs(a: &dyn act_core::DynActivation) -> Vec<f64> {
    let inputs: [&[f64]; 7] = [
        &[0.0],
        &[-3.5],
        &[1.0, 2.0, 3.0],
        &[0.0, 0.0],
        &[-40.0, 40.0, 0.5, 7.0],
        &[1e3, -1e3],
        &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    ];
    let mut ys = Vec::new();
    for xs in inputs {
        let (mut y, mut d) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        a.table(xs, &mut y, &mut d);
        ys.extend(y);
    }
    ys
}

#[test]
fn softmax_shapes_have_their_range_without_a_declaration() {
    let probabilities: [&dyn act_core::DynActivation; 4] = [
        &TempSoftmax::default(),
        &TempSoftmax::new(0.25),
        &PlainSoftmax,
        &PlainSoftmin,
    ];
    for a in probabilities {
        let (r, p) = (a.range(), a.properties());
        assert_eq!(r.to_string(), "(0, 1]", "{}", a.name());
        assert!(p.bounded_below && p.bounded_above, "{}", a.name());
        // 1 is attained (a one-element input); every value lies in [0, 1] (0 by underflow).
        let ys = outputs(a);
        assert!(ys.contains(&1.0), "{}", a.name());
        assert!(
            ys.iter().all(|&y| (0.0..=1.0).contains(&y)),
            "{}: {ys:?}",
            a.name()
        );
    }
    let logs: [&dyn act_core::DynActivation; 2] = [&PlainLogSoftmax, &ShiftedLogSoftmax];
    for a in logs {
        let (r, p) = (a.range(), a.properties());
        assert_eq!(r.to_string(), "(-∞, 0]", "{}", a.name());
        assert!(!p.bounded_below && p.bounded_above, "{}", a.name());
        let ys = outputs(a);
        assert!(ys.contains(&0.0), "{}", a.name());
        assert!(ys.iter().all(|&y| y <= 0.0), "{}: {ys:?}", a.name());
    }
}

#[test]
fn built_in_softmax_shapes_report_the_attained_bound() {
    assert_eq!(Softmax.range().to_string(), "(0, 1]");
    assert_eq!(Softmin.range().to_string(), "(0, 1]");
    assert_eq!(LogSoftmax.range().to_string(), "(-∞, 0]");
    let mut y = [0.0];
    Softmax.forward_slice(&[123.0], &mut y);
    assert_eq!(y, [1.0]);
    LogSoftmax.forward_slice(&[123.0], &mut y);
    assert_eq!(y, [0.0]);
}

#[test]
fn other_vector_shapes_are_not_proven() {
    // Unknown, reported as (-∞, ∞) (documented as "not analysed"): `x - mean(x)` is in fact
    // unbounded, `x / (1 + max(abs(x)))` is in (-1, 1), and neither is claimed here.
    assert_eq!(Centre.range(), act_core::Range::REAL);
    assert_eq!(MaxScaled.range(), act_core::Range::REAL);
}
