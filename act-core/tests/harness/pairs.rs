//! The gated and parameter-partial tables (`gated/NAME.T.csv`, `params/NAME.T.csv`, made by
//! `scripts/gen_gated_reference.py`) and their checks, shared by act-core's `tests/gated.rs`
//! and the user crate's tests.

use act_core::prelude::*;

use super::*;

pub struct PairRow<F> {
    pub a: F,
    pub b: F,
    pub a_hex: String,
    pub value: Exact,
    pub da: Exact,
    pub db: Exact,
    pub root: bool,
    pub kappa_value: f64,
    pub kappa_da: f64,
}

pub fn parse_pairs<F: TestFloat>(name: &str) -> Vec<PairRow<F>> {
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
    assert!(
        rows.len() >= super::super::MIN_POINTS,
        "{name}: only {} rows",
        rows.len()
    );
    rows
}

pub fn check_gated<G: Gated, F: TestFloat>(with_kappa: bool) -> [Stats; 3] {
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
                flush: false,
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

pub trait Bits {
    fn to_bits_u64(self) -> u64;
}
impl<F: Float> Bits for F {
    fn to_bits_u64(self) -> u64 {
        let v = self.to_f64();
        if v.is_nan() { u64::MAX } else { v.to_bits() }
    }
}

pub fn check_params<A: ParamGradients, F: TestFloat>() -> Vec<Stats> {
    check_params_allowing::<A, F>(|_| Allow::default())
}

/// [`check_params`] with an allowance that depends on the input `x` (Celu's ∂/∂alpha near 0).
pub fn check_params_allowing<A: ParamGradients, F: TestFloat>(
    allow: impl Fn(f64) -> Allow,
) -> Vec<Stats> {
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
                allow(x.to_f64()),
            );
            stats[j].record(
                "backward_params",
                c[0],
                x.to_f64(),
                &exact,
                summed[j],
                allow(x.to_f64()),
            );
        }
        rows += 1;
    }
    for s in &mut stats {
        s.points = rows;
    }
    assert!(
        rows >= super::super::MIN_POINTS,
        "{}: only {rows} rows",
        A::NAME
    );
    stats
}
