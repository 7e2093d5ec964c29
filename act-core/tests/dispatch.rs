//! The AVX2 and AVX-512 builds of the slice loops give bitwise the same results, for every
//! built-in, f32 and f64, forward and backward, on inputs that cover zero, subnormals, the
//! tails, infinities and NaN: both use the FMA kernels, and lane width does not change a
//! result. The portable build (no FMA) rounds differently in places; `tests/accuracy.rs`
//! holds every build, forced in turn, to the 4 ULP bound against mpmath.
//!
//! One test function: the forced level is process-wide.

use act_core::dispatch::{self, Isa};
use act_core::prelude::*;

fn inputs<F: Float>() -> Vec<F> {
    let mut v: Vec<f64> = vec![
        0.0,
        -0.0,
        1e-310,
        -1e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for k in -400..=400 {
        let m = 10f64.powf(f64::from(k) / 40.0);
        v.extend([m, -m, m * 1.37, -m * 0.73]);
    }
    v.extend((-2000..=2000).map(|i| f64::from(i) / 100.0 + 0.003));
    v.into_iter().map(F::from_f64).collect()
}

fn bits<F: Float>(v: &[F]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

/// All slice outputs of `a` at the active level.
fn elementwise_outputs<A: Elementwise, F: Float>(a: &A, x: &[F]) -> Vec<Vec<u64>> {
    let n = x.len();
    let mut y = vec![F::ZERO; n];
    a.forward_slice(x, &mut y);
    let mut d = vec![F::ZERO; n];
    a.derivative_slice(x, &mut d);
    let g: Vec<F> = (0..n)
        .map(|i| F::from_f64(1.0 - (i % 7) as f64 * 0.25))
        .collect();
    let mut gx = vec![F::ZERO; n];
    a.backward_slice(x, &g, &mut gx);
    let mut z = x.to_vec();
    a.forward_in_place(&mut z);
    vec![bits(&y), bits(&d), bits(&gx), bits(&z)]
}

fn vector_outputs<A: VectorActivation, F: Float>(a: &A, x: &[F]) -> Vec<Vec<u64>> {
    let finite: Vec<F> = x
        .iter()
        .copied()
        .filter(|v| v.to_f64().abs() < 50.0)
        .collect();
    let n = finite.len();
    let mut y = vec![F::ZERO; n];
    a.forward_slice(&finite, &mut y);
    let g: Vec<F> = (0..n).map(|i| F::from_f64((i % 5) as f64 - 2.0)).collect();
    let mut gx = vec![F::ZERO; n];
    a.backward_slice(&finite, &g, &mut gx);
    vec![bits(&y), bits(&gx)]
}

/// Every built-in's outputs (the vector ones' from `vector_outputs`), by name.
fn outputs<F: Float>() -> Vec<(&'static str, Vec<Vec<u64>>)> {
    macro_rules! all_outputs {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {{
            let x = inputs::<F>();
            vec![
                $( (stringify!($e), elementwise_outputs(&$e::default(), &x)), )*
                $( (stringify!($v), vector_outputs(&$v::default(), &x)), )*
            ]
        }};
    }
    act_core::__for_each_builtin!(all_outputs)
}

#[test]
fn the_fma_builds_agree_bit_for_bit() {
    let levels = Isa::available();
    eprintln!("levels on this machine: {levels:?}");
    let mut fma_levels = levels.into_iter().filter(|&i| i >= Isa::Avx2);
    let Some(first) = fma_levels.next() else {
        eprintln!("no FMA build on this CPU: nothing to compare");
        return;
    };
    dispatch::force(Some(first)).unwrap();
    let base = (outputs::<f32>(), outputs::<f64>());
    for isa in fma_levels {
        dispatch::force(Some(isa)).unwrap();
        assert_eq!(dispatch::active(), isa);
        let got = (outputs::<f32>(), outputs::<f64>());
        for (dtype, (b, g)) in [("f32", (&base.0, &got.0)), ("f64", (&base.1, &got.1))] {
            for ((name, bo), (_, go)) in b.iter().zip(g) {
                for (k, (bv, gv)) in bo.iter().zip(go).enumerate() {
                    let first_diff = bv.iter().zip(gv).position(|(p, q)| p != q);
                    assert!(
                        first_diff.is_none(),
                        "{name} {dtype} output {k} differs under {isa:?} from {first:?} at index {first_diff:?}"
                    );
                }
            }
        }
    }
    dispatch::force(None).unwrap();
    // Forcing a level the CPU lacks is refused.
    assert!(dispatch::force(Some(Isa::Avx512)).is_ok() || dispatch::detected() < Isa::Avx512);
    dispatch::force(None).unwrap();
    assert_eq!(dispatch::active(), dispatch::detected());
}
