//! The cost of `range()` and `properties()` away from the defaults, where they run the
//! analysis at call time (at the defaults they return constants, also timed for comparison):
//!
//! ```text
//! taskset -c 1 cargo bench -p act-benches --bench metadata -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use act_core::prelude::*;
use criterion::{Criterion, criterion_group, criterion_main};

fn metadata(c: &mut Criterion) {
    let mut g = c.benchmark_group("metadata");
    for (label, elu) in [("default", Elu::default()), ("alpha-2", Elu::new(2.0))] {
        g.bench_function(format!("elu-{label}/range"), |b| {
            b.iter(|| black_box(black_box(elu).range()))
        });
        g.bench_function(format!("elu-{label}/properties"), |b| {
            b.iter(|| black_box(black_box(elu).properties()))
        });
    }
    let h = Hardtanh::new(-2.0, 3.0);
    g.bench_function("hardtanh-(-2,3)/range", |b| {
        b.iter(|| black_box(black_box(h).range()))
    });
    g.finish();
}

criterion_group!(benches, metadata);
criterion_main!(benches);
