//! The slice APIs' contract: lengths checked with a message naming both, empty input fine,
//! in-place forward, row batches, and no allocation on any slice path.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use act_core::prelude::*;

/// Counts allocations, per thread (tests run in parallel).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn slice_paths_allocate_nothing() {
    let x: Vec<f32> = (0..10_000).map(|i| (i as f32 - 5000.0) / 300.0).collect();
    let g = vec![1.0f32; x.len()];
    let mut y = vec![0.0f32; x.len()];
    let mut gx = vec![0.0f32; x.len()];
    let mut z = x.clone();
    // Warm up the dispatch cache (detection may allocate once, inside std).
    Sigmoid.forward_slice(&x, &mut y);
    let n = allocations_during(|| {
        Sigmoid.forward_slice(&x, &mut y);
        Sigmoid.backward_slice(&x, &g, &mut gx);
        Sigmoid.derivative_slice(&x, &mut gx);
        Swish.forward_in_place(&mut z);
        Gelu.backward_slice(&x, &g, &mut gx);
        Elu::default().forward_slice(&x, &mut y);
        Softmax.forward_slice(&x, &mut y);
        Softmax.backward_slice(&x, &g, &mut gx);
        Softmax.forward_rows(&x, 100, &mut y);
        Softmax.backward_rows(&x, 100, &g, &mut gx);
    });
    assert_eq!(n, 0, "slice APIs allocated {n} times");
    // The counter does count: the Jacobian returns a new Vec.
    assert!(allocations_during(|| drop(Softmax.jacobian(&x[..4]))) > 0);
}

#[test]
#[should_panic(expected = "length mismatch: `x` has 3 elements but `y` has 2")]
fn mismatched_lengths_name_both() {
    Relu.forward_slice(&[1.0f64, 2.0, 3.0], &mut [0.0; 2]);
}

#[test]
#[should_panic(expected = "length mismatch: `x` has 2 elements but `grad_y` has 1")]
fn mismatched_gradient_lengths_name_both() {
    Softmax.backward_slice(&[1.0f32, 2.0], &[1.0], &mut [0.0; 2]);
}

#[test]
#[should_panic(expected = "not a whole number of rows of 4 columns")]
fn rows_must_be_whole() {
    Softmax.forward_rows(&[1.0f64; 6], 4, &mut [0.0; 6]);
}

#[test]
fn empty_inputs_are_fine_and_in_place_matches_forward() {
    let mut nothing: [f64; 0] = [];
    Sigmoid.forward_slice(&[], &mut nothing);
    Softmax.forward_slice(&[], &mut nothing);
    Softmax.backward_slice(&[], &[], &mut nothing);
    Softmax.forward_rows(&[], 3, &mut nothing);
    assert!(Softmax.jacobian::<f64>(&[]).is_empty());

    let x = [-3.0f64, -0.5, 0.0, 2.0, f64::NEG_INFINITY, f64::NAN];
    let mut y = [0.0; 6];
    Swish.forward_slice(&x, &mut y);
    let mut z = x;
    Swish.forward_in_place(&mut z);
    for (a, b) in y.iter().zip(&z) {
        assert!(a.to_bits() == b.to_bits(), "{a} vs {b}");
    }
    assert_eq!(z[4], 0.0); // swish(-inf) = -0
    assert!(z[5].is_nan());
}

/// SELU's value watches for `0 * ∞` (at `scale = 0`) and takes the limit; its derivative never
/// gives NaN, and its slice loops run without the watch: the infinities and NaN must come out
/// right from the straight-line code, in every position of a vector.
#[test]
fn selu_limits_with_and_without_the_watch() {
    fn check<F: Float + std::fmt::Debug>() {
        let specials = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            0.0,
            -0.0,
            1e300,
            -1e300,
        ];
        let n = 40;
        let x: Vec<F> = (0..n)
            .map(|i| F::from_f64(specials[i % specials.len()]))
            .collect();
        let mut y = vec![F::ZERO; n];
        let zero_scale = Selu::new(1.5, 0.0);
        zero_scale.forward_slice(&x, &mut y);
        for (x, y) in x.iter().zip(&y) {
            let want = if x.is_nan() { f64::NAN } else { 0.0 };
            assert!(
                y.to_f64() == want || (want.is_nan() && y.is_nan()),
                "{x:?}: {y:?}"
            );
        }
        let selu = Selu::default();
        let (alpha, scale) = (1.673_263_242_354_377_3, 1.050_700_987_355_480_5);
        selu.derivative_slice(&x, &mut y);
        let g = vec![F::from_f64(-2.0); n];
        let mut gx = vec![F::ZERO; n];
        selu.backward_slice(&x, &g, &mut gx);
        for ((x, d), gx) in x.iter().zip(&y).zip(&gx) {
            let x = x.to_f64();
            let want = if x.is_nan() {
                f64::NAN
            } else if x > 0.0 {
                scale
            } else if x == 0.0 {
                scale * alpha
            } else {
                0.0
            };
            let want = F::from_f64(want).to_f64();
            let (d, gx) = (d.to_f64(), gx.to_f64());
            if want.is_nan() {
                assert!(d.is_nan() && gx.is_nan(), "{x}: {d}, {gx}");
            } else {
                assert!(
                    (d - want).abs() <= 4.0 * F::EPSILON.to_f64() * want,
                    "{x}: {d}"
                );
                assert_eq!(gx, -2.0 * d, "{x}");
            }
        }
    }
    check::<f32>();
    check::<f64>();
}

#[test]
fn in_place_fixes_limits_in_every_chunk() {
    // Longer than the fix-up's chunks (512), with limit cases in the middle of later chunks
    // and in the last, partial one.
    fn check<F: Float + std::fmt::Debug>(a: &impl Elementwise) {
        let mut x: Vec<F> = (0..1500)
            .map(|i| F::from_f64((i as f64 - 750.0) / 50.0))
            .collect();
        for (i, v) in [
            (5, f64::INFINITY),
            (700, f64::NEG_INFINITY),
            (1000, f64::NAN),
        ] {
            x[i] = F::from_f64(v);
        }
        x[1499] = F::from_f64(f64::NEG_INFINITY);
        let mut y = vec![F::ZERO; x.len()];
        a.forward_slice(&x, &mut y);
        let mut z = x.clone();
        a.forward_in_place(&mut z);
        for (i, (a, b)) in y.iter().zip(&z).enumerate() {
            assert!(
                a.to_f64().to_bits() == b.to_f64().to_bits(),
                "x[{i}] = {:?}: slice {a:?}, in place {b:?}",
                x[i]
            );
        }
        // -inf has a finite limit in both (swish: -0, selu: -scale alpha); NaN stays NaN.
        assert!(z[700].to_f64().is_finite() && z[1499].to_f64().is_finite() && z[1000].is_nan());
    }
    check::<f32>(&Swish);
    check::<f64>(&Swish);
    check::<f32>(&Selu::default());
    check::<f64>(&Selu::default());
}
