//! Serial against parallel (act-core's `rayon` feature) at 4M elements, f32: the compute-bound
//! activations Gelu, Mish and Swish (forward and backward), softmax over rows of 1000, and
//! ReLU (memory-bound, for contrast). Ids are `ACTIVATION/DIRECTION/serial|parallel`. Then,
//! around the serial threshold `act_core::par::PAR_MIN_LEN` (128K), ReLU and Gelu forward at
//! 16K to 1M elements with the threshold bypassed (`threshold/ACTIVATION/SIZE/...`): where
//! splitting starts to pay.
//!
//! ```text
//! taskset -c 0,1 cargo bench -p act-benches --features rayon --bench parallel -- \
//!     --warm-up-time 1 --measurement-time 5
//! ```
//!
//! The parallel runs use rayon's global pool (one thread per core, `RAYON_NUM_THREADS`
//! overrides it).

use std::hint::black_box;

use act_benches::inputs;
use act_core::prelude::*;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

const N: usize = 1 << 22;
const COLS: usize = 1000;

struct Buffers {
    x: Vec<f32>,
    grad_y: Vec<f32>,
    out: Vec<f32>,
}

fn buffers(n: usize) -> Buffers {
    let f = |v: Vec<f64>| v.into_iter().map(|v| v as f32).collect::<Vec<_>>();
    Buffers {
        x: f(inputs(n, 1)),
        grad_y: f(inputs(n, 2)),
        out: vec![0.0; n],
    }
}

fn elementwise<A: Elementwise>(c: &mut Criterion, a: A, name: &str) {
    let mut b = buffers(N);
    let mut group = c.benchmark_group(format!("{name}/forward"));
    group.throughput(Throughput::Elements(N as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.bench_function("serial", |r| {
        r.iter(|| a.forward_slice(black_box(&b.x), black_box(&mut b.out)))
    });
    group.bench_function("parallel", |r| {
        r.iter(|| a.par_forward_slice(black_box(&b.x), black_box(&mut b.out)))
    });
    group.finish();
    let mut group = c.benchmark_group(format!("{name}/backward"));
    group.throughput(Throughput::Elements(N as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.bench_function("serial", |r| {
        r.iter(|| a.backward_slice(black_box(&b.x), &b.grad_y, black_box(&mut b.out)))
    });
    group.bench_function("parallel", |r| {
        r.iter(|| a.par_backward_slice(black_box(&b.x), &b.grad_y, black_box(&mut b.out)))
    });
    group.finish();
}

fn softmax_rows(c: &mut Criterion) {
    let n = N / COLS * COLS;
    let mut b = buffers(n);
    let mut group = c.benchmark_group(format!("softmax_rows{COLS}/forward"));
    group.throughput(Throughput::Elements(n as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.bench_function("serial", |r| {
        r.iter(|| Softmax.forward_rows(black_box(&b.x), COLS, black_box(&mut b.out)))
    });
    group.bench_function("parallel", |r| {
        r.iter(|| Softmax.par_forward_rows(black_box(&b.x), COLS, black_box(&mut b.out)))
    });
    group.finish();
}

/// Serial against an always-parallel split (two halves on rayon's pool, as `par_*` does above
/// the threshold) at sizes around the threshold.
fn threshold<A: Elementwise>(c: &mut Criterion, a: A, name: &str) {
    for n in [1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 20] {
        let mut b = buffers(n);
        let mut group = c.benchmark_group(format!("threshold/{name}/{n}"));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function("serial", |r| {
            r.iter(|| a.forward_slice(black_box(&b.x), black_box(&mut b.out)))
        });
        group.bench_function("split", |r| {
            r.iter(|| {
                let (x1, x2) = b.x.split_at(n / 2);
                let (y1, y2) = b.out.split_at_mut(n / 2);
                rayon::join(|| a.forward_slice(x1, y1), || a.forward_slice(x2, y2));
                black_box(&b.out);
            })
        });
        group.finish();
    }
}

fn all(c: &mut Criterion) {
    elementwise(c, Gelu, "gelu");
    elementwise(c, Mish, "mish");
    elementwise(c, Swish, "swish");
    elementwise(c, Relu, "relu");
    softmax_rows(c);
    threshold(c, Relu, "relu");
    threshold(c, Gelu, "gelu");
}

criterion_group!(benches, all);
criterion_main!(benches);
