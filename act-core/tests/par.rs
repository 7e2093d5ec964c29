//! The `par_*` methods (feature `rayon`) give the serial methods' bits, for every built-in,
//! above and below the serial threshold, with chunk edges that are not multiples of the vector
//! width, in f32, f64 and (with `half`) f16.
#![cfg(feature = "rayon")]

use act_core::par::PAR_MIN_LEN;
use act_core::prelude::*;

/// Deterministic inputs over [-60, 60] with special values spread in.
fn inputs<F: Float>(n: usize) -> Vec<F> {
    let specials = [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-40,
        -1e30,
    ];
    (0..n)
        .map(|i| {
            if i % 9973 == 0 {
                F::from_f64(specials[(i / 9973) % specials.len()])
            } else {
                let u = ((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64;
                F::from_f64(u / (1u64 << 53) as f64 * 120.0 - 60.0)
            }
        })
        .collect()
}

fn bits_equal<F: Float>(a: &[F], b: &[F], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (p, q)) in a.iter().zip(b).enumerate() {
        let same = p.to_f64().to_bits() == q.to_f64().to_bits() || p.is_nan() && q.is_nan();
        assert!(same, "{what}: element {i}: parallel {p}, serial {q}");
    }
}

/// A pool of four threads, so that the parallel path runs on any machine.
fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
}

fn elementwise<A: Elementwise, F: Float>(a: A, n: usize) {
    let x = inputs::<F>(n);
    let g: Vec<F> = inputs::<F>(n + 5)[5..].to_vec();
    let (mut p, mut s) = (vec![F::ZERO; n], vec![F::ZERO; n]);
    a.par_forward_slice(&x, &mut p);
    a.forward_slice(&x, &mut s);
    bits_equal(&p, &s, &format!("{} forward {n}", A::NAME));
    a.par_derivative_slice(&x, &mut p);
    a.derivative_slice(&x, &mut s);
    bits_equal(&p, &s, &format!("{} derivative {n}", A::NAME));
    a.par_backward_slice(&x, &g, &mut p);
    a.backward_slice(&x, &g, &mut s);
    bits_equal(&p, &s, &format!("{} backward {n}", A::NAME));
    let mut in_place = x.clone();
    a.par_forward_in_place(&mut in_place);
    a.forward_slice(&x, &mut s);
    bits_equal(&in_place, &s, &format!("{} in place {n}", A::NAME));
}

fn vector<A: VectorActivation, F: Float>(a: A, rows: usize, cols: usize) {
    let n = rows * cols;
    let x = inputs::<F>(n);
    let g: Vec<F> = inputs::<F>(n + 3)[3..].to_vec();
    let (mut p, mut s) = (vec![F::ZERO; n], vec![F::ZERO; n]);
    a.par_forward_rows(&x, cols, &mut p);
    a.forward_rows(&x, cols, &mut s);
    bits_equal(&p, &s, &format!("{} forward rows {rows}x{cols}", A::NAME));
    a.par_backward_rows(&x, cols, &g, &mut p);
    a.backward_rows(&x, cols, &g, &mut s);
    bits_equal(&p, &s, &format!("{} backward rows {rows}x{cols}", A::NAME));
    // One vector: serial by design, the same bits.
    a.par_forward_slice(&x, &mut p);
    a.forward_slice(&x, &mut s);
    bits_equal(&p, &s, &format!("{} forward slice {n}", A::NAME));
    a.par_backward_slice(&x, &g, &mut p);
    a.backward_slice(&x, &g, &mut s);
    bits_equal(&p, &s, &format!("{} backward slice {n}", A::NAME));
}

fn every_builtin<F: Float>() {
    macro_rules! each {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
            for n in [0, 1, 1000, PAR_MIN_LEN - 1, PAR_MIN_LEN + 4099] {
                $(elementwise::<$e, F>($e::default(), n);)*
            }
            for (rows, cols) in [(0, 7), (3, 10), (13_109, 10), (401, 333), (1, 40_001)] {
                $(vector::<$v, F>($v::default(), rows, cols);)*
            }
        };
    }
    act_core::__for_each_builtin!(each);
}

#[test]
fn par_matches_serial_f32() {
    pool().install(every_builtin::<f32>);
}

#[test]
fn par_matches_serial_f64() {
    pool().install(every_builtin::<f64>);
}

#[cfg(feature = "half")]
#[test]
fn par_matches_serial_f16() {
    pool().install(every_builtin::<half::f16>);
}

#[test]
fn par_in_the_global_pool_matches_serial() {
    elementwise::<Gelu, f32>(Gelu, PAR_MIN_LEN + 70_001);
    vector::<Softmax, f32>(Softmax, 2000, 100);
    vector::<Softmax, f32>(Softmax, 1400, 100);
}

#[test]
#[should_panic(expected = "length mismatch: `x` has 140000 elements but `y` has 139999")]
fn par_forward_slice_checks_lengths_before_splitting() {
    let (x, mut y) = (vec![0.0f32; 140_000], vec![0.0; 139_999]);
    pool().install(|| Relu.par_forward_slice(&x, &mut y));
}

#[test]
#[should_panic(expected = "not a whole number of rows of 7 columns")]
fn par_forward_rows_checks_the_row_length() {
    let (x, mut y) = (vec![0.0f32; 140_001], vec![0.0; 140_001]);
    pool().install(|| Softmax.par_forward_rows(&x, 7, &mut y));
}

#[test]
#[should_panic(expected = "length mismatch: `x` has 140000 elements but `grad_x` has 4")]
fn par_backward_slice_checks_lengths() {
    let x = vec![0.0f32; 140_000];
    pool().install(|| Tanh.par_backward_slice(&x, &x, &mut [0.0; 4]));
}
