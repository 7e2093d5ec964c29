//! The scalar methods in a loop, one call per element (what `ndarray`'s `mapv` or an
//! iterator `map` does), against the naive formula written with `std`/`libm` in the same loop:
//! `sigmoid`, `tanh`, `gelu` and `swish`, `forward(x)` and `derivative(x)`, f32, 1M elements.
//!
//! Benchmark ids are `scalar/ACTIVATION/DIRECTION/IMPL-f32/1048576`, `IMPL` being `act` (the
//! scalar method per element) or `naive` (`act_benches::naive`, the same loop shape):
//!
//! ```text
//! taskset -c 1 cargo bench -p act-benches --bench scalar -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use act_benches::{inputs, naive};
use act_core::prelude::*;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use criterion::{criterion_group, criterion_main};

const N: usize = 1 << 20;

type Slice = fn(&[f32], &mut [f32]);

fn pair<A: Elementwise + Copy>(
    c: &mut Criterion,
    name: &str,
    act: A,
    naive_forward: Slice,
    naive_derivative: fn(f32) -> f32,
) {
    let x: Vec<f32> = inputs(N, 1).into_iter().map(|v| v as f32).collect();
    let mut out = vec![0.0f32; N];
    for direction in ["forward", "derivative"] {
        let mut group = c.benchmark_group(format!("scalar/{name}/{direction}"));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(30);
        group.throughput(Throughput::Elements(N as u64));
        let forward = direction == "forward";
        group.bench_function(BenchmarkId::new("act-f32", N), |b| {
            b.iter(|| {
                let x = black_box(&x);
                // One loop per method, as a user writes it (a branch between the two inside
                // the loop kept it from being vectorised).
                if forward {
                    for (y, &v) in out.iter_mut().zip(x) {
                        *y = act.forward(v);
                    }
                } else {
                    for (y, &v) in out.iter_mut().zip(x) {
                        *y = act.derivative(v);
                    }
                }
                black_box(&mut out);
            })
        });
        group.bench_function(BenchmarkId::new("naive-f32", N), |b| {
            b.iter(|| {
                let x = black_box(&x);
                if forward {
                    naive_forward(x, &mut out);
                } else {
                    for (y, &v) in out.iter_mut().zip(x) {
                        *y = naive_derivative(v);
                    }
                }
                black_box(&mut out);
            })
        });
        group.finish();
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn scalar(c: &mut Criterion) {
    pair(c, "sigmoid", Sigmoid, naive::f32::sigmoid::forward, |x| {
        let s = sigmoid(x);
        s * (1.0 - s)
    });
    pair(c, "tanh", Tanh, naive::f32::tanh::forward, |x| {
        let t = x.tanh();
        1.0 - t * t
    });
    pair(c, "gelu", Gelu, naive::f32::gelu::forward, |x| {
        use core::f32::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};
        0.5 * libm::erfcf(-x * FRAC_1_SQRT_2)
            + x * (-0.5 * x * x).exp() * (FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5)
    });
    pair(c, "swish", Swish, naive::f32::swish::forward, |x| {
        let s = sigmoid(x);
        s + x * s * (1.0 - s)
    });
}

criterion_group!(benches, scalar);
criterion_main!(benches);
