//! Gated built-ins and parameter gradients against mpmath, with the criterion of
//! `tests/accuracy.rs` (4 ULP of the exact value, tails included; flush below the normal
//! range; GeGlu `4 + κ` as Gelu; near the interior root of ∂f/∂a, an absolute error of
//! `8 eps · |b|`, the size of the terms that cancel there, times the factor b).
//!
//! The data (`tests/data/gated/`, `tests/data/params/`) comes from
//! `scripts/gen_gated_reference.py`. Print the table of worst errors with
//!
//! ```text
//! cargo test -p act-core --test gated -- --nocapture
//! ```

use act_core::prelude::*;

mod harness;
use harness::*;

const DATA_SUBDIR: &str = "tests/data";
const MIN_POINTS: usize = 700;

struct PairRow<F> {
    a: F,
    b: F,
    a_hex: String,
    value: Exact,
    da: Exact,
    db: Exact,
    root: bool,
    kappa_value: f64,
    kappa_da: f64,
}

fn parse_pairs<F: TestFloat>(name: &str) -> Vec<PairRow<F>> {
    let text = read_data(&format!(
        "gated/{}.{}.csv",
        name.to_lowercase(),
        F::TYPE_NAME
    ));
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!(c.len(), 11, "{name}: bad row {line}");
        let kappa = |s: &str| {
            if s == "inf" {
                f64::INFINITY
            } else {
                s.parse().unwrap()
            }
        };
        rows.push(PairRow {
            a: F::from_hex(c[0]),
            b: F::from_hex(c[1]),
            a_hex: format!("({}, {})", c[0], c[1]),
            value: Exact::parse::<F>(c[2], c[3]),
            da: Exact::parse::<F>(c[4], c[5]),
            db: Exact::parse::<F>(c[6], c[7]),
            root: c[8] == "1",
            kappa_value: kappa(c[9]),
            kappa_da: kappa(c[10]),
        });
    }
    assert!(rows.len() >= MIN_POINTS, "{name}: only {} rows", rows.len());
    rows
}

fn check_gated<G: Gated, F: TestFloat>(with_kappa: bool) -> [Stats; 3] {
    let rows = parse_pairs::<F>(G::NAME);
    let a: Vec<F> = rows.iter().map(|r| r.a).collect();
    let b: Vec<F> = rows.iter().map(|r| r.b).collect();
    let n = rows.len();
    let g = G::default();
    let mut y = vec![F::ZERO; n];
    g.forward_slice(&a, &b, &mut y);
    let (mut ga, mut gb) = (vec![F::ZERO; n], vec![F::ZERO; n]);
    g.backward_slice(&a, &b, &vec![F::ONE; n], &mut ga, &mut gb);
    // The halves layout: one row per pair, cols = 1.
    let mut x = Vec::with_capacity(2 * n);
    for i in 0..n {
        x.extend([a[i], b[i]]);
    }
    let mut yh = vec![F::ZERO; n];
    g.forward_halves(&x, 1, &mut yh);
    let mut gx = vec![F::ZERO; 2 * n];
    g.backward_halves(&x, 1, &vec![F::ONE; n], &mut gx);

    let mut sv = Stats::new(G::NAME, F::TYPE_NAME, "value", with_kappa);
    let mut sa = Stats::new(G::NAME, F::TYPE_NAME, "d/da", with_kappa);
    let mut sb = Stats::new(G::NAME, F::TYPE_NAME, "d/db", false);
    for (i, r) in rows.iter().enumerate() {
        let xv = r.a.to_f64();
        let kv = if with_kappa { r.kappa_value } else { 0.0 };
        let ka = if with_kappa { r.kappa_da } else { 0.0 };
        let eps = F::EPSILON.to_f64();
        let root_abs = r.root.then(|| 8.0 * eps * r.b.to_f64().abs());
        let (pa, pb) = g.partials(r.a, r.b);
        let vals = [
            ("forward", g.forward(r.a, r.b)),
            ("forward_slice", y[i]),
            ("forward_halves", yh[i]),
        ];
        for (path, c) in vals {
            sv.record(
                path,
                &r.a_hex,
                xv,
                &r.value,
                c,
                Allow {
                    extra_ulps: kv,
                    ..Allow::default()
                },
            );
        }
        for (path, c) in [
            ("partials", pa),
            ("backward_slice", ga[i]),
            ("backward_halves", gx[2 * i]),
        ] {
            let allow = Allow {
                extra_ulps: ka,
                root_abs,
                abs: None,
            };
            sa.record(path, &r.a_hex, xv, &r.da, c, allow);
        }
        for (path, c) in [
            ("partials", pb),
            ("backward_slice", gb[i]),
            ("backward_halves", gx[2 * i + 1]),
        ] {
            // ∂f/∂b is f's first factor: the value's κ applies.
            sb.record(
                path,
                &r.a_hex,
                xv,
                &r.db,
                c,
                Allow {
                    extra_ulps: kv,
                    ..Allow::default()
                },
            );
        }
        assert_eq!(
            pa.to_bits_u64(),
            ga[i].to_bits_u64(),
            "{} partials vs slice",
            G::NAME
        );
    }
    sb.has_kappa = with_kappa;
    for s in [&mut sv, &mut sa, &mut sb] {
        s.points = n;
    }
    [sv, sa, sb]
}

trait Bits {
    fn to_bits_u64(self) -> u64;
}
impl<F: Float> Bits for F {
    fn to_bits_u64(self) -> u64 {
        let v = self.to_f64();
        if v.is_nan() { u64::MAX } else { v.to_bits() }
    }
}

#[test]
fn gated_builtins_within_4_ulp_of_mpmath() {
    let mut failures = String::new();
    for_each_isa(|isa| {
        let mut all = Vec::new();
        // Every gated built-in; GeGlu's factor is GELU, with Gelu's `4 + κ` criterion.
        macro_rules! run {
            ($($g:ident),*) => {
                $(
                    let kappa = $g::NAME == "GeGlu";
                    all.extend(check_gated::<$g, f32>(kappa));
                    all.extend(check_gated::<$g, f64>(kappa));
                )*
            };
        }
        act_core::__for_each_gated!(run);
        println!(
            "\nGated built-ins against mpmath, {isa:?} build:\n{}",
            render(&all)
        );
        let f = failures_report(&all);
        if !f.is_empty() {
            failures += &format!("{isa:?} build:\n{f}");
        }
    });
    assert!(failures.is_empty(), "accuracy failures:\n{failures}");
}

fn check_params<A: ParamGradients, F: TestFloat>() -> Vec<Stats> {
    let text = read_data(&format!(
        "params/{}.{}.csv",
        A::NAME.to_lowercase(),
        F::TYPE_NAME
    ));
    let k = A::PARAMS.len();
    assert_eq!(A::PARAM_DERIVATIVES.len(), k);
    let mut stats: Vec<Stats> = (0..k)
        .map(|j| Stats::new(A::NAME, F::TYPE_NAME, ["d/dθ0", "d/dθ1"][j], false))
        .collect();
    let act = A::default();
    let mut rows = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!(c.len(), 1 + 2 * k, "{}: bad row {line}", A::NAME);
        let x = F::from_hex(c[0]);
        let mut d = vec![F::ZERO; k];
        act.param_derivatives(x, &mut d);
        let mut summed = vec![F::ZERO; k];
        act.backward_params(&[x], &[F::ONE], &mut summed);
        for j in 0..k {
            let exact = Exact::parse::<F>(c[1 + 2 * j], c[2 + 2 * j]);
            stats[j].record(
                "param_derivatives",
                c[0],
                x.to_f64(),
                &exact,
                d[j],
                Allow::default(),
            );
            stats[j].record(
                "backward_params",
                c[0],
                x.to_f64(),
                &exact,
                summed[j],
                Allow::default(),
            );
        }
        rows += 1;
    }
    for s in &mut stats {
        s.points = rows;
    }
    assert!(rows >= MIN_POINTS, "{}: only {rows} rows", A::NAME);
    stats
}

#[test]
fn parameter_partials_within_4_ulp_of_mpmath() {
    let mut failures = String::new();
    for_each_isa(|isa| {
        let mut all = Vec::new();
        all.extend(check_params::<PRelu, f32>());
        all.extend(check_params::<PRelu, f64>());
        all.extend(check_params::<LeakyRelu, f32>());
        all.extend(check_params::<LeakyRelu, f64>());
        all.extend(check_params::<Elu, f32>());
        all.extend(check_params::<Elu, f64>());
        all.extend(check_params::<Selu, f32>());
        all.extend(check_params::<Selu, f64>());
        println!(
            "\nParameter partials against mpmath, {isa:?} build:\n{}",
            render(&all)
        );
        let f = failures_report(&all);
        if !f.is_empty() {
            failures += &format!("{isa:?} build:\n{f}");
        }
    });
    assert!(failures.is_empty(), "accuracy failures:\n{failures}");
}

/// The checker can fail: ∂f/∂a of SwiGLU perturbed by 6 ULP is rejected.
#[test]
fn gated_checker_rejects_a_wrong_partial() {
    let rows = parse_pairs::<f64>("SwiGlu");
    let bad = rows
        .iter()
        .filter(|r| !r.root && r.da.rounded.is_finite() && r.da.rounded.abs() > 1e-300)
        .filter(|r| {
            let (pa, _) = SwiGlu.partials(r.a, r.b);
            let wrong = pa * (1.0 + 6.0 * f64::EPSILON);
            judge(&r.da, wrong, Allow::default()).0 == Verdict::Fail
        })
        .count();
    assert!(bad > 500, "only {bad} perturbed partials were rejected");
}
