//! The fused sums and folds of the vector activations (`act_core::__private::sum_lanes` and
//! friends) have a second build for inputs of at most 16 elements, in registers
//! (`act_core::__private::short`), which the slice methods take for such inputs. Results must
//! not depend on the build: these tests compare both with the plain 256-lane algorithm,
//! written out here, bit for bit, at every length from 0 to 600 (0 to 16 for the short build)
//! and on inputs with signed zeros, infinities and NaN.

use act_core::__private::{self as long, short};
use act_core::Float;

/// Element `i` into lane `i % 256` (lanes start at `init`), then the lanes combined pairwise.
fn reference<F: Float>(v: &[F], init: F, combine: impl Fn(F, F) -> F) -> F {
    let mut lanes = [init; 256];
    for (i, &x) in v.iter().enumerate() {
        lanes[i % 256] = combine(lanes[i % 256], x);
    }
    let mut width = 256;
    while width > 1 {
        width /= 2;
        for p in 0..width {
            lanes[p] = combine(lanes[p], lanes[p + width]);
        }
    }
    lanes[0]
}

/// Deterministic inputs of mixed magnitude and sign, so that the order of additions shows in
/// the last bits, with the special values sprinkled in when `specials` is set.
fn inputs<F: Float>(n: usize, seed: u64, specials: bool) -> Vec<F> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|i| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let v = (u - 0.4) * 10f64.powi((i % 7) as i32 - 3);
            let special = [-0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
            if specials && (s >> 7) % 29 == 0 {
                F::from_f64(special[(s >> 13) as usize % special.len()])
            } else {
                F::from_f64(v)
            }
        })
        .collect()
}

fn same<F: Float>(a: F, b: F) -> bool {
    a.to_f64().to_bits() == b.to_f64().to_bits() || (a.is_nan() && b.is_nan())
}

/// A sum over three inputs, as the backward pass takes them.
type Sum3<F> = fn(&[F], &[F], &[F]) -> [F; 1];

/// One build's four helpers, for a given length bound.
struct Helpers<F: Float> {
    name: &'static str,
    max_len: usize,
    sum2: fn(&[F]) -> [F; 2],
    sum_store: fn(&[F], &mut [F]) -> [F; 1],
    sum3: Sum3<F>,
    max: fn(&[F]) -> F,
    min_neg: fn(&[F]) -> F,
}

fn long_helpers<F: Float>() -> Helpers<F> {
    Helpers {
        name: "long",
        max_len: usize::MAX,
        sum2: |x| long::sum_lanes(x, |v| [v, v * v]),
        sum_store: |x, out| long::sum_lanes_store(x, out, |v| ([v + v], v * v)),
        sum3: |x, g, e| long::sum_lanes3(x, g, e, |a, b, c| [a * b + c]),
        max: |x| long::fold_blocks(x, -F::INFINITY, |v| v, F::max),
        min_neg: |x| long::fold_blocks(x, F::INFINITY, |v| -v, F::min),
    }
}

fn short_helpers<F: Float>() -> Helpers<F> {
    Helpers {
        name: "short",
        max_len: short::LEN,
        sum2: |x| short::sum_lanes(x, |v| [v, v * v]),
        sum_store: |x, out| short::sum_lanes_store(x, out, |v| ([v + v], v * v)),
        sum3: |x, g, e| short::sum_lanes3(x, g, e, |a, b, c| [a * b + c]),
        max: |x| short::fold_blocks(x, -F::INFINITY, |v| v, F::max),
        min_neg: |x| short::fold_blocks(x, F::INFINITY, |v| -v, F::min),
    }
}

fn check<F: Float + std::fmt::Debug>(h: Helpers<F>) {
    let add = |a: F, b: F| a + b;
    let name = h.name;
    for n in (0..=600).filter(|&n| n <= h.max_len) {
        for specials in [false, true] {
            let x: Vec<F> = inputs(n, n as u64, specials);
            let g: Vec<F> = inputs(n, n as u64 + 1000, false);
            let e: Vec<F> = inputs(n, n as u64 + 2000, false);
            // The map as the generated code uses it: more than one sum per pass.
            let [s0, s1] = (h.sum2)(&x);
            let sq: Vec<F> = x.iter().map(|&v| v * v).collect();
            assert!(
                same(s0, reference(&x, F::ZERO, add)),
                "{name} sum, n = {n}: {s0:?}"
            );
            assert!(
                same(s1, reference(&sq, F::ZERO, add)),
                "{name} squares, n = {n}"
            );

            let mut out = vec![F::ZERO; n];
            let [s2] = (h.sum_store)(&x, &mut out);
            let twice: Vec<F> = x.iter().map(|&v| v + v).collect();
            assert!(
                same(s2, reference(&twice, F::ZERO, add)),
                "{name} stored sum, n = {n}"
            );
            assert!(
                out.iter().zip(&sq).all(|(&a, &b)| same(a, b)),
                "{name} stored, n = {n}"
            );

            let [s3] = (h.sum3)(&x, &g, &e);
            let fused: Vec<F> = (0..n).map(|i| x[i] * g[i] + e[i]).collect();
            assert!(
                same(s3, reference(&fused, F::ZERO, add)),
                "{name} three inputs, n = {n}"
            );

            let max = (h.max)(&x);
            assert!(
                same(max, reference(&x, -F::INFINITY, F::max)),
                "{name} max, n = {n}"
            );
            let min = (h.min_neg)(&x);
            let neg: Vec<F> = x.iter().map(|&v| -v).collect();
            assert!(
                same(min, reference(&neg, F::INFINITY, F::min)),
                "{name} min, n = {n}"
            );
        }
        // Negative zeros only: a sum of them is +0 (the lanes start at +0), their max -0.
        let zeros = vec![F::from_f64(-0.0); n];
        let [s, _] = (h.sum2)(&zeros);
        assert!(
            same(s, reference(&zeros, F::ZERO, add)),
            "{name} sum of -0, n = {n}: {s:?}"
        );
        let max = (h.max)(&zeros);
        assert!(
            same(max, reference(&zeros, -F::INFINITY, F::max)),
            "{name} max of -0, n = {n}"
        );
    }
}

#[test]
fn every_length_gives_the_bits_of_the_256_lane_tree() {
    check::<f32>(long_helpers());
    check::<f64>(long_helpers());
    check::<f32>(short_helpers());
    check::<f64>(short_helpers());
}

/// The same through the public API: softmax over rows of every short length equals the
/// softmax of each row alone, and sums to 1 within a few ulp; the gradient too.
#[test]
fn softmax_rows_of_every_length() {
    use act_core::prelude::*;
    for cols in 1..=80 {
        let x: Vec<f32> = inputs(cols * 5, cols as u64, false);
        let mut rows = vec![0.0f32; x.len()];
        Softmax.forward_rows(&x, cols, &mut rows);
        for (xr, yr) in x.chunks(cols).zip(rows.chunks(cols)) {
            let mut y = vec![0.0f32; cols];
            Softmax.forward_slice(xr, &mut y);
            assert_eq!(y, yr, "cols = {cols}");
            let total: f64 = y.iter().map(|&v| v as f64).sum();
            assert!(
                (total - 1.0).abs() < 4.0 * cols as f64 * f32::EPSILON as f64,
                "cols = {cols}: {total}"
            );
        }
    }
}
