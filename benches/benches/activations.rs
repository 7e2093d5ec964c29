//! Throughput of every built-in activation, f32 and f64, at 4K, 64K and 1M elements, each next
//! to the naive scalar formula (`act_benches::naive`) in the same group. Directions: `forward`
//! (`forward_slice`), `backward` (`backward_slice`, reads `x` and `grad_y`) and, for elementwise
//! activations, `derivative` (`derivative_slice`, `f'(x)` alone, what JAX's `vmap(grad(f))`
//! computes). The vector activations (softmax, log-softmax, softmin) also run
//! `backward_from_output` (from the saved output, as PyTorch's softmax backward) and over
//! batches of rows (`softmax_rows10/forward/act-f32/...`: rows of 10, 32, 100 and 1000
//! classes, about 1M elements in all; forward, backward and backward_from_output). The gated
//! built-ins (GLU, SwiGLU, GeGLU, ReGLU) run over 1M f32 pairs `(a, b)`:
//! `glu/forward/act-f32/1048576`.
//!
//! Benchmark ids are `ACTIVATION/DIRECTION/IMPL-DTYPE/SIZE`, e.g.
//! `sigmoid/forward/act-f32/1048576` and `sigmoid/forward/naive-f32/1048576`; the argument
//! after `--` is a regular expression over them. All 952 take about 70 minutes with the quick
//! settings below; a subset, pinned to one core:
//!
//! ```text
//! taskset -c 1 cargo bench -p act-benches --bench activations -- \
//!     '^sigmoid/.*-f32/65536$' --warm-up-time 1 --measurement-time 2
//! cargo run -p act-benches --release --bin summary          # the markdown table
//! ```
//!
//! See `benches/README.md` for the peers (JAX, NumPy) and the summary's options.

use std::hint::black_box;

use act_benches::{SIZES, inputs, naive};
use act_core::prelude::*;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use criterion::{criterion_group, criterion_main};

/// Slices of one precision in one size, allocated once per benchmark group.
struct Buffers<T> {
    x: Vec<T>,
    grad_y: Vec<T>,
    out: Vec<T>,
}

impl<T: Float> Buffers<T> {
    fn new(n: usize) -> Self {
        let convert = |v: Vec<f64>| v.into_iter().map(T::from_f64).collect::<Vec<_>>();
        Self {
            x: convert(inputs(n, 1)),
            // Gradients of order one, as a loss would give.
            grad_y: convert(inputs(n, 2).into_iter().map(|g| g / 8.0).collect()),
            out: vec![T::ZERO; n],
        }
    }
}

type Forward<T> = fn(&[T], &mut [T]);
type Backward<T> = fn(&[T], &[T], &mut [T]);
type GatedForward = fn(&[f32], &[f32], &mut [f32]);
type GatedBackward = fn(&[f32], &[f32], &[f32], &mut [f32], &mut [f32]);

fn group<'a>(c: &'a mut Criterion, name: &str, direction: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("{name}/{direction}"));
    // One call at 1M elements takes milliseconds: flat sampling keeps a run within its
    // measurement time instead of criterion's 5050-iteration minimum of linear sampling.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group
}

fn forward<A: Activation, T: Float>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    act: A,
    naive: Forward<T>,
) {
    for n in SIZES {
        let Buffers { x, mut out, .. } = Buffers::<T>::new(n);
        group.throughput(Throughput::Elements(n as u64));
        let id = |who: &str| BenchmarkId::new(format!("{who}-{}", T::TYPE_NAME), n);
        group.bench_function(id("act"), |b| {
            b.iter(|| act.forward_slice(black_box(&x), black_box(&mut out)))
        });
        group.bench_function(id("naive"), |b| {
            b.iter(|| naive(black_box(&x), black_box(&mut out)))
        });
    }
}

fn backward<A: Activation, T: Float>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    act: A,
    naive: Backward<T>,
) {
    for n in SIZES {
        let Buffers { x, grad_y, mut out } = Buffers::<T>::new(n);
        group.throughput(Throughput::Elements(n as u64));
        let id = |who: &str| BenchmarkId::new(format!("{who}-{}", T::TYPE_NAME), n);
        group.bench_function(id("act"), |b| {
            b.iter(|| act.backward_slice(black_box(&x), black_box(&grad_y), black_box(&mut out)))
        });
        group.bench_function(id("naive"), |b| {
            b.iter(|| naive(black_box(&x), black_box(&grad_y), black_box(&mut out)))
        });
    }
}

/// `f'(x)` alone, without `grad_y`: what `jax.vmap(jax.grad(f))` in the peer script computes
/// (one input stream less than `backward_slice`).
fn derivative<A: Elementwise, T: Float>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    act: A,
    naive: Backward<T>,
) {
    for n in SIZES {
        let Buffers { x, mut out, .. } = Buffers::<T>::new(n);
        let ones = vec![T::ONE; n];
        group.throughput(Throughput::Elements(n as u64));
        let id = |who: &str| BenchmarkId::new(format!("{who}-{}", T::TYPE_NAME), n);
        group.bench_function(id("act"), |b| {
            b.iter(|| act.derivative_slice(black_box(&x), black_box(&mut out)))
        });
        // The naive loop multiplies by grad_y = 1: one multiplication more, same streams.
        group.bench_function(id("naive"), |b| {
            b.iter(|| naive(black_box(&x), black_box(&ones), black_box(&mut out)))
        });
    }
}

/// Row widths of the batched softmax benchmarks: the classes of output layers of several sizes
/// (10 takes the slice methods' build for short inputs, the others the general one).
const ROW_WIDTHS: [usize; 4] = [10, 32, 100, 1000];

/// The backward pass from the saved output `y = f(x)` (`backward_from_output`, what
/// PyTorch's softmax backward reads), f32 and f64 at every size, next to the naive two-pass
/// loop. Group `NAME/backward_from_output`.
fn from_output<A: BackwardFromOutput + Copy>(
    c: &mut Criterion,
    name: &str,
    act: A,
    naive32: Backward<f32>,
    naive64: Backward<f64>,
) {
    fn sizes<A: BackwardFromOutput, T: Float>(
        g: &mut BenchmarkGroup<'_, WallTime>,
        act: A,
        naive: Backward<T>,
    ) {
        for n in SIZES {
            let Buffers { x, grad_y, mut out } = Buffers::<T>::new(n);
            let mut y = vec![T::ZERO; n];
            act.forward_slice(&x, &mut y);
            g.throughput(Throughput::Elements(n as u64));
            let id = |who: &str| BenchmarkId::new(format!("{who}-{}", T::TYPE_NAME), n);
            g.bench_function(id("act"), |b| {
                b.iter(|| {
                    act.backward_from_output(black_box(&y), black_box(&grad_y), black_box(&mut out))
                })
            });
            g.bench_function(id("naive"), |b| {
                b.iter(|| naive(black_box(&y), black_box(&grad_y), black_box(&mut out)))
            });
        }
    }
    let mut g = group(c, name, "backward_from_output");
    sizes::<A, f32>(&mut g, act, naive32);
    sizes::<A, f64>(&mut g, act, naive64);
    g.finish();
}

/// The naive slice functions of one vector activation, f32, for the batched groups.
struct NaiveRows {
    forward: Forward<f32>,
    backward: Backward<f32>,
    from_output: Backward<f32>,
}

/// A vector activation over a row-major batch (`forward_rows`, `backward_rows`,
/// `backward_rows_from_output`) of about 1M elements in rows of `cols`, next to the naive
/// functions applied row by row. Group `{name}_rows{cols}`, size the number of elements.
fn vector_rows<A: BackwardFromOutput + Copy>(
    c: &mut Criterion,
    name: &str,
    act: A,
    naive: NaiveRows,
) {
    for cols in ROW_WIDTHS {
        let n = (1 << 20) / cols * cols;
        let Buffers { x, grad_y, mut out } = Buffers::<f32>::new(n);
        let name = format!("{name}_rows{cols}");
        let id = |who: &str| BenchmarkId::new(format!("{who}-f32"), n);
        let mut g = group(c, &name, "forward");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(id("act"), |b| {
            b.iter(|| act.forward_rows(black_box(&x), cols, black_box(&mut out)))
        });
        g.bench_function(id("naive"), |b| {
            b.iter(|| {
                for (xr, yr) in black_box(&x).chunks(cols).zip(out.chunks_mut(cols)) {
                    (naive.forward)(xr, yr);
                }
            })
        });
        g.finish();
        let mut g = group(c, &name, "backward");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(id("act"), |b| {
            b.iter(|| {
                act.backward_rows(black_box(&x), cols, black_box(&grad_y), black_box(&mut out))
            })
        });
        g.bench_function(id("naive"), |b| {
            b.iter(|| {
                let rows = black_box(&x).chunks(cols).zip(grad_y.chunks(cols));
                for ((xr, gr), outr) in rows.zip(out.chunks_mut(cols)) {
                    (naive.backward)(xr, gr, outr);
                }
            })
        });
        g.finish();
        let mut y = vec![0.0f32; n];
        act.forward_rows(&x, cols, &mut y);
        let mut g = group(c, &name, "backward_from_output");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(id("act"), |b| {
            b.iter(|| {
                act.backward_rows_from_output(
                    black_box(&y),
                    cols,
                    black_box(&grad_y),
                    black_box(&mut out),
                )
            })
        });
        g.bench_function(id("naive"), |b| {
            b.iter(|| {
                let rows = black_box(&y).chunks(cols).zip(grad_y.chunks(cols));
                for ((yr, gr), outr) in rows.zip(out.chunks_mut(cols)) {
                    (naive.from_output)(yr, gr, outr);
                }
            })
        });
        g.finish();
    }
}

/// A gated activation over 1M f32 pairs `(a, b)` (`Gated::forward_slice`, `backward_slice`
/// writing both partials), next to the naive formula. Group `NAME/forward` and
/// `NAME/backward`; the size is the number of outputs.
fn gated_one<A: Gated>(
    c: &mut Criterion,
    name: &str,
    act: A,
    forward: GatedForward,
    backward: GatedBackward,
) {
    let n = 1 << 20;
    let Buffers {
        x: a,
        grad_y,
        mut out,
    } = Buffers::<f32>::new(n);
    let b: Vec<f32> = inputs(n, 3).into_iter().map(|v| v as f32).collect();
    let mut out_b = vec![0.0f32; n];
    let id = |who: &str| BenchmarkId::new(format!("{who}-f32"), n);
    let mut g = group(c, name, "forward");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(id("act"), |bench| {
        bench.iter(|| act.forward_slice(black_box(&a), black_box(&b), black_box(&mut out)))
    });
    g.bench_function(id("naive"), |bench| {
        bench.iter(|| forward(black_box(&a), black_box(&b), black_box(&mut out)))
    });
    g.finish();
    let mut g = group(c, name, "backward");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(id("act"), |bench| {
        bench.iter(|| {
            let (ga, gb) = (black_box(&mut out), black_box(&mut out_b));
            act.backward_slice(black_box(&a), black_box(&b), black_box(&grad_y), ga, gb)
        })
    });
    g.bench_function(id("naive"), |bench| {
        bench.iter(|| {
            let (ga, gb) = (black_box(&mut out), black_box(&mut out_b));
            backward(black_box(&a), black_box(&b), black_box(&grad_y), ga, gb)
        })
    });
    g.finish();
}

/// The gated built-ins (GLU family).
fn gated(c: &mut Criterion) {
    use naive::f32 as n;
    gated_one(c, "glu", Glu, n::glu::forward, n::glu::backward);
    gated_one(c, "swiglu", SwiGlu, n::swiglu::forward, n::swiglu::backward);
    gated_one(c, "geglu", GeGlu, n::geglu::forward, n::geglu::backward);
    gated_one(c, "reglu", ReGlu, n::reglu::forward, n::reglu::backward);
}

/// The forward and backward groups of one activation, f32 and f64 in each.
macro_rules! forward_backward {
    ($c:expr, $name:ident, $act:expr) => {
        let mut g = group($c, stringify!($name), "forward");
        forward::<_, f32>(&mut g, $act, naive::f32::$name::forward);
        forward::<_, f64>(&mut g, $act, naive::f64::$name::forward);
        g.finish();
        let mut g = group($c, stringify!($name), "backward");
        backward::<_, f32>(&mut g, $act, naive::f32::$name::backward);
        backward::<_, f64>(&mut g, $act, naive::f64::$name::backward);
        g.finish();
    };
}

/// Every activation's groups; elementwise ones also get a derivative group.
macro_rules! activations {
    (elementwise: [$($name:ident => $act:expr,)*] vector: [$($vname:ident => $vact:expr,)*]) => {
        fn all(c: &mut Criterion) {
            $(
                forward_backward!(c, $name, $act);
                let mut g = group(c, stringify!($name), "derivative");
                derivative::<_, f32>(&mut g, $act, naive::f32::$name::backward);
                derivative::<_, f64>(&mut g, $act, naive::f64::$name::backward);
                g.finish();
            )*
            $(
                forward_backward!(c, $vname, $vact);
                from_output(
                    c,
                    stringify!($vname),
                    $vact,
                    naive::f32::$vname::backward_from_output,
                    naive::f64::$vname::backward_from_output,
                );
                vector_rows(c, stringify!($vname), $vact, NaiveRows {
                    forward: naive::f32::$vname::forward,
                    backward: naive::f32::$vname::backward,
                    from_output: naive::f32::$vname::backward_from_output,
                });
            )*
            gated(c);
        }
    };
}

activations! {
    elementwise: [
        sigmoid => Sigmoid,
        tanh => Tanh,
        relu => Relu,
        leaky_relu => LeakyRelu::default(),
        elu => Elu::default(),
        selu => Selu::default(),
        swish => Swish,
        gelu => Gelu,
        gelu_tanh => GeluTanh,
        softplus => Softplus,
        mish => Mish,
        hard_sigmoid => HardSigmoid,
        hard_swish => HardSwish,
        linear => Linear,
        log_sigmoid => LogSigmoid,
        softsign => Softsign,
        celu => Celu::default(),
        relu6 => Relu6,
        hardtanh => Hardtanh::default(),
        squareplus => Squareplus::default(),
        prelu => PRelu::default(),
    ]
    vector: [
        softmax => Softmax,
        log_softmax => LogSoftmax,
        softmin => Softmin,
    ]
}

criterion_group!(benches, all);
criterion_main!(benches);
