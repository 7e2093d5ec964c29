//! The fused sums and folds of the vector activations (`act_core::__private::sum_lanes` and
//! friends) have two more builds, which the slice methods take for short inputs: at most 16
//! elements in 16 register lanes (`act_core::__private::short`), at most 64 in 64
//! (`act_core::__private::medium`), each row at the start of a window whose lanes past the row
//! hold the next rows' elements (here NaN, infinities and huge values). Results must not depend
//! on the build: these tests compare each with the plain 256-lane algorithm, written out here,
//! bit for bit, at every length from 0 to 600 (to 16 and 64 for the others) and on inputs with
//! signed zeros, infinities and NaN.

use act_core::__private::{self as long, medium, short};
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
    /// The position of a value (`position_of` with the identity map).
    pos: fn(&[F], F) -> usize,
}

/// The helpers of the build in module `$m` (`long` is `act_core::__private` itself), each with
/// the same maps.
macro_rules! helpers {
    ($m:ident, $max_len:expr) => {
        Helpers {
            name: stringify!($m),
            max_len: $max_len,
            sum2: |x| $m::sum_lanes(x, |v| [v, v * v]),
            sum_store: |x, out| $m::sum_lanes_store(x, out, |v| ([v + v], v * v)),
            sum3: |x, g, e| $m::sum_lanes3(x, g, e, |a, b, c| [a * b + c]),
            max: |x| $m::fold_blocks(x, -F::INFINITY, |v| v, F::max),
            min_neg: |x| $m::fold_blocks(x, F::INFINITY, |v| -v, F::min),
            pos: |x, best| $m::position_of(x, best, |v| v),
        }
    };
}

/// `x` at the start of a window of `L`, the lanes beyond it holding what the next rows of a
/// batch could: NaN, infinities, huge values (none may reach a result).
fn window<F: Float, const L: usize>(x: &[F]) -> [F; L] {
    let junk = [
        f64::NAN,
        f64::INFINITY,
        -1e300,
        f64::NEG_INFINITY,
        3.0,
        -0.0,
    ];
    let mut w: [F; L] = std::array::from_fn(|i| F::from_f64(junk[i % junk.len()]));
    w[..x.len()].copy_from_slice(x);
    w
}

/// The helpers of a windowed build (`short`, `medium`), over rows in windows ([`window`]) as
/// its rows loop passes them.
macro_rules! windowed_helpers {
    ($m:ident) => {
        Helpers {
            name: stringify!($m),
            max_len: $m::LEN,
            sum2: |x| $m::sum_lanes($m::Row::new(&window(x), x.len()), |v| [v, v * v]),
            sum_store: |x, out| {
                let mut w = window(out);
                let s = $m::sum_lanes_store(
                    $m::Row::new(&window(x), x.len()),
                    $m::RowMut::new(&mut w, out.len()),
                    |v| ([v + v], v * v),
                );
                out.copy_from_slice(&w[..out.len()]);
                s
            },
            sum3: |x, g, e| {
                let (wx, wg, we) = (window(x), window(g), window(e));
                let n = x.len();
                let (rx, rg, re) = (
                    $m::Row::new(&wx, n),
                    $m::Row::new(&wg, n),
                    $m::Row::new(&we, n),
                );
                $m::sum_lanes3(rx, rg, re, |a, b, c| [a * b + c])
            },
            max: |x| {
                $m::fold_blocks(
                    $m::Row::new(&window(x), x.len()),
                    -F::INFINITY,
                    |v| v,
                    F::max,
                )
            },
            min_neg: |x| {
                $m::fold_blocks(
                    $m::Row::new(&window(x), x.len()),
                    F::INFINITY,
                    |v| -v,
                    F::min,
                )
            },
            pos: |x, best| $m::position_of($m::Row::new(&window(x), x.len()), best, |v| v),
        }
    };
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
            // The first position of the maximum (NaN: of the first NaN), as the backward pass
            // takes it; 0 for an empty input. Ties come from the repeated specials.
            let first = x
                .iter()
                .position(|&v| v == max || (max.is_nan() && v.is_nan()))
                .unwrap_or(0);
            assert_eq!(
                (h.pos)(&x, max),
                first,
                "{name} position of the max, n = {n}"
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
    fn all<F: Float + std::fmt::Debug>() {
        check::<F>(helpers!(long, usize::MAX));
        check::<F>(windowed_helpers!(medium));
        check::<F>(windowed_helpers!(short));
    }
    all::<f32>();
    all::<f64>();
}

/// The same through the public API, at every length that takes the short and the medium
/// builds and some beyond: softmax and its gradient in f32 against the closed forms in f64
/// (whose rounding is 2^-29 of an f32 ulp), with the allowances of `tests/accuracy.rs`: values
/// within `4 + n + κ_i` ulp, `κ_i = |d_i| + sum_j y_j |d_j|` with `d = x - max(x)` (what
/// rounding the differences to f32 costs; `n` for the sum); the gradient
/// `y_i (g_i - sum_j g_j y_j)`, which cancels, within `2 (4 + n + max κ)` eps of the size of
/// its terms, `y_i (|g_i| + sum_j |g_j| y_j)`.
#[test]
fn softmax_rows_of_every_length() {
    use act_core::dispatch::{self, Isa};
    // Every build this CPU runs, forced in turn (the only test here that forces one).
    for isa in Isa::available() {
        dispatch::force(Some(isa)).unwrap();
        softmax_rows_at_this_level();
    }
    dispatch::force(None).unwrap();
}

fn softmax_rows_at_this_level() {
    use act_core::prelude::*;
    for cols in 1..=80 {
        let x: Vec<f32> = inputs::<f64>(cols * 3, cols as u64, false)
            .iter()
            .map(|v| v.clamp(-20.0, 20.0) as f32)
            .collect();
        let g: Vec<f32> = inputs::<f64>(cols * 3, cols as u64 + 7, false)
            .iter()
            .map(|v| v.clamp(-2.0, 2.0) as f32)
            .collect();
        let mut y = vec![0.0f32; x.len()];
        let mut gx = vec![0.0f32; x.len()];
        Softmax.forward_rows(&x, cols, &mut y);
        Softmax.backward_rows(&x, cols, &g, &mut gx);
        for ((xr, gr), (yr, gxr)) in x
            .chunks(cols)
            .zip(g.chunks(cols))
            .zip(y.chunks(cols).zip(gx.chunks(cols)))
        {
            let m = xr.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
            let e: Vec<f64> = xr.iter().map(|&v| (v as f64 - m).exp()).collect();
            let sum: f64 = e.iter().sum();
            let want: Vec<f64> = e.iter().map(|v| v / sum).collect();
            let dot: f64 = gr.iter().zip(&want).map(|(&g, y)| g as f64 * y).sum();
            let abs_dot: f64 = gr
                .iter()
                .zip(&want)
                .map(|(&g, y)| (g as f64).abs() * y)
                .sum();
            let d: Vec<f64> = xr.iter().map(|&v| (v as f64 - m).abs()).collect();
            let spread: f64 = d.iter().zip(&want).map(|(d, y)| d * y).sum();
            let n = cols as f64;
            let kappa_max = d.iter().fold(0.0, |a: f64, &v| a.max(v)) + spread;
            for i in 0..cols {
                // The f32 spacing at the exact value (normal values only, with these inputs).
                let ulp = 2f64.powf(want[i].log2().floor() - 23.0);
                let err = (yr[i] as f64 - want[i]).abs() / ulp;
                let kappa = d[i] + spread;
                assert!(
                    err <= 4.0 + n + kappa,
                    "cols = {cols}, y[{i}] = {}: {err} ulp",
                    yr[i]
                );
                let grad = want[i] * (gr[i] as f64 - dot);
                let scale = want[i] * ((gr[i] as f64).abs() + abs_dot);
                let tol = 2.0 * (4.0 + n + kappa_max) * f32::EPSILON as f64 * scale;
                assert!(
                    (gxr[i] as f64 - grad).abs() <= tol,
                    "cols = {cols}, gx[{i}] = {} against {grad}",
                    gxr[i]
                );
            }
        }
    }
}

/// `max_min_blocks` (the max pass of softmax's and log-softmax's long forward build, which
/// also finds the minimum): its maximum is `fold_blocks` with `Float::max` (NaN if any value
/// is), its minimum a plain scan that skips NaN, at every length to 300, with the special
/// values sprinkled in, and where every value is NaN.
#[test]
fn max_min_blocks_is_the_max_fold_and_the_min_of_the_rest() {
    fn plain_min<F: Float>(x: &[F]) -> F {
        let mut lo = F::INFINITY;
        for &v in x.iter().filter(|v| !v.is_nan()) {
            lo = if v < lo { v } else { lo };
        }
        lo
    }
    fn check<F: Float + std::fmt::Debug>() {
        for n in 0..300 {
            for specials in [false, true] {
                let x: Vec<F> = inputs(n, n as u64 + 7, specials);
                for sign in [F::ONE, -F::ONE] {
                    let (hi, lo) = long::max_min_blocks(&x, |v| sign * v);
                    let max = long::fold_blocks(&x, -F::INFINITY, |v| sign * v, F::max);
                    let neg: Vec<F> = x.iter().map(|&v| sign * v).collect();
                    let min = plain_min(&neg);
                    // exact values: equal, up to the sign of a zero
                    let same_max = hi == max || (hi.is_nan() && max.is_nan());
                    assert!(
                        same_max && lo == min,
                        "n = {n}: {hi:?} {lo:?}, {max:?} {min:?}"
                    );
                }
            }
        }
        let (hi, lo) = long::max_min_blocks(&[F::NAN; 70], |v| v);
        assert!(hi.is_nan() && lo == F::INFINITY);
        let (hi, lo) = long::max_min_blocks(&[] as &[F], |v| v);
        assert!(hi == -F::INFINITY && lo == F::INFINITY);
    }
    check::<f32>();
    check::<f64>();
}
