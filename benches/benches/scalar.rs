//! The scalar methods called once per element, against the naive formula written with
//! `std`/`libm` called the same way: `sigmoid`, `tanh`, `gelu` and `swish`, `forward(x)` and
//! `derivative(x)`, f32, 1M elements, in two loop shapes:
//!
//! - `scalar/ACTIVATION/DIRECTION/IMPL-f32/1048576`: `ndarray`'s `Array1::mapv`, the loop the
//!   compiler sees in `mapv`, an iterator `map(..).collect()` or a `for` loop over two slices
//!   passed to a function. Where the method inlines (the f32 sigmoid family: sigmoid, swish
//!   and their derivatives), the compiler may vectorise that loop.
//! - `scalar-unvectorised/ACTIVATION/DIRECTION/IMPL-f32/1048576`: a `for` loop over a captured
//!   output slice and an input passed through `black_box`, which the compiler leaves one
//!   element at a time: the cost of one call where nothing around it is vectorised.
//!
//! `IMPL` is `act` (the scalar method) or `naive` (`act_benches::naive`'s formulas):
//!
//! ```text
//! taskset -c 1 cargo bench -p act-benches --bench scalar -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use act_benches::inputs;
use act_core::prelude::*;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use criterion::{criterion_group, criterion_main};
use ndarray::Array1;

const N: usize = 1 << 20;

/// Both groups of one activation's method `act` (a closure calling `forward` or
/// `derivative`) against the naive formula `naive`. Both are generic closures, so that each
/// inlines into its loop (a function pointer would cost the naive loop an indirect call).
fn groups(
    c: &mut Criterion,
    name: &str,
    direction: &str,
    act: impl Fn(f32) -> f32 + Copy,
    naive: impl Fn(f32) -> f32 + Copy,
) {
    let x: Vec<f32> = inputs(N, 1).into_iter().map(|v| v as f32).collect();
    let xa = Array1::from(x.clone());
    let mut out = vec![0.0f32; N];
    let mut group = c.benchmark_group(format!("scalar/{name}/{direction}"));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(BenchmarkId::new("act-f32", N), |b| {
        b.iter(|| black_box(&xa).mapv(act))
    });
    group.bench_function(BenchmarkId::new("naive-f32", N), |b| {
        b.iter(|| black_box(&xa).mapv(naive))
    });
    group.finish();

    let mut group = c.benchmark_group(format!("scalar-unvectorised/{name}/{direction}"));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(BenchmarkId::new("act-f32", N), |b| {
        b.iter(|| unvectorised(&x, &mut out, act))
    });
    group.bench_function(BenchmarkId::new("naive-f32", N), |b| {
        b.iter(|| unvectorised(&x, &mut out, naive))
    });
    group.finish();
}

/// A `for` loop of `f` from `x` into `out` that the compiler leaves one element at a time: the
/// input comes through `black_box`, and the output through a reference the loop cannot prove
/// distinct from it.
#[inline(always)]
fn unvectorised(x: &[f32], out: &mut Vec<f32>, f: impl Fn(f32) -> f32) {
    let out: &mut Vec<f32> = black_box(out);
    let x = black_box(x);
    for (y, &v) in out.iter_mut().zip(x) {
        *y = f(v);
    }
    black_box(out);
}

/// Forward and derivative of `act` against the naive formulas.
fn pair<A: Elementwise + Copy>(
    c: &mut Criterion,
    name: &str,
    act: A,
    naive_forward: impl Fn(f32) -> f32 + Copy,
    naive_derivative: impl Fn(f32) -> f32 + Copy,
) {
    // One closure per method, as a user writes it (a branch between the two inside the loop
    // would keep it from being vectorised).
    groups(c, name, "forward", move |v| act.forward(v), naive_forward);
    groups(
        c,
        name,
        "derivative",
        move |v| act.derivative(v),
        naive_derivative,
    );
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn scalar(c: &mut Criterion) {
    pair(c, "sigmoid", Sigmoid, sigmoid, |x| {
        let s = sigmoid(x);
        s * (1.0 - s)
    });
    pair(c, "tanh", Tanh, f32::tanh, |x| {
        let t = x.tanh();
        1.0 - t * t
    });
    pair(
        c,
        "gelu",
        Gelu,
        |x| 0.5 * x * libm::erfcf(-x * core::f32::consts::FRAC_1_SQRT_2),
        |x| {
            use core::f32::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};
            0.5 * libm::erfcf(-x * FRAC_1_SQRT_2)
                + x * (-0.5 * x * x).exp() * (FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5)
        },
    );
    pair(
        c,
        "swish",
        Swish,
        |x| x * sigmoid(x),
        |x| {
            let s = sigmoid(x);
            s + x * s * (1.0 - s)
        },
    );
}

criterion_group!(benches, scalar);
criterion_main!(benches);
