//! The scalar methods called once per element against the naive formula, as
//! `benches/scalar.rs` measures them (1M `f32` uniform in [-8, 8), the naive `std`/`libm`
//! formula called the same way, in the two loop shapes: `mapv`, `ndarray`'s `Array1::mapv`,
//! which the compiler may vectorise, and `unvectorised`, a `for` loop it leaves one element at
//! a time), but with act's and the naive pass interleaved: each round times one pass of each,
//! and the figure is the median over the rounds of the per-round ratio naive time / act time.
//! Two passes a few milliseconds apart see nearly the same load, so on a shared machine the
//! ratio is far steadier than the ratio of two criterion medians taken seconds apart.
//!
//! ```text
//! cargo build -p act-benches --release --bin scalar_ratio
//! taskset -c 1 target/release/scalar_ratio --rounds 41
//! ```
//!
//! Prints, per activation, direction and loop shape, act's and the naive loop's median rate
//! (million elements per second) and the median ratio act/naive (above 1: act is faster).

use std::hint::black_box;
use std::time::Instant;

use act_benches::inputs;
use act_core::prelude::*;
use clap::Parser;
use ndarray::Array1;

#[derive(Parser)]
#[command(about = "The scalar methods in a loop against the naive loop, interleaved")]
struct Args {
    /// Elements per pass.
    #[arg(long, default_value_t = 1 << 20)]
    n: usize,
    /// Rounds (one act pass and one naive pass each); the medians are printed.
    #[arg(long, default_value_t = 41)]
    rounds: usize,
    /// Only these activations (sigmoid, tanh, gelu, swish), comma-separated.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Interleaves `act` and `naive` for `rounds` rounds; prints the medians.
fn compare(args: &Args, label: &str, mut act: impl FnMut() -> f64, mut naive: impl FnMut() -> f64) {
    // Untimed warm-up.
    act();
    naive();
    let (mut ta, mut tn, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds.max(1) {
        let a = act();
        let n = naive();
        ta.push(a);
        tn.push(n);
        ratios.push(n / a);
    }
    let rate = |ns: f64| args.n as f64 / ns * 1e3;
    println!(
        "{label:<34} {:>9.1} {:>9.1} {:>8.2}x",
        rate(median(ta)),
        rate(median(tn)),
        median(ratios)
    );
}

/// Nanoseconds of `mapv(f)` over `x`.
#[inline(always)]
fn mapv_pass(x: &Array1<f32>, f: impl Fn(f32) -> f32) -> f64 {
    let t = Instant::now();
    black_box(black_box(x).mapv(f));
    t.elapsed().as_nanos() as f64
}

/// Nanoseconds of a `for` loop of `f` from `x` into `out`, shaped as in `benches/scalar.rs`
/// (input through `black_box`, output reached through a reference the loop cannot prove
/// distinct from it), which the compiler leaves one element at a time.
#[inline(always)]
fn unvectorised_pass(x: &[f32], out: &mut Vec<f32>, f: impl Fn(f32) -> f32) -> f64 {
    let out: &mut Vec<f32> = black_box(out);
    let t = Instant::now();
    let x = black_box(x);
    for (y, &v) in out.iter_mut().zip(x) {
        *y = f(v);
    }
    black_box(&mut *out);
    t.elapsed().as_nanos() as f64
}

/// Both loop shapes of `f` (act's method) against `g` (the naive formula).
/// Both are generic closures, so that each inlines into its loop (a function pointer would
/// cost the naive loop an indirect call).
fn both(args: &Args, label: &str, f: impl Fn(f32) -> f32 + Copy, g: impl Fn(f32) -> f32 + Copy) {
    let x: Vec<f32> = inputs(args.n, 1).into_iter().map(|v| v as f32).collect();
    let xa = Array1::from(x.clone());
    compare(
        args,
        &format!("{label} mapv"),
        || mapv_pass(&xa, f),
        || mapv_pass(&xa, g),
    );
    let (mut out_a, mut out_n) = (vec![0.0f32; args.n], vec![0.0f32; args.n]);
    compare(
        args,
        &format!("{label} unvectorised"),
        || unvectorised_pass(&x, &mut out_a, f),
        || unvectorised_pass(&x, &mut out_n, g),
    );
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn main() {
    let args = Args::parse();
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    println!(
        "# {} f32 elements, {} rounds; Melem/s at the median pass, median of per-round ratios",
        args.n, args.rounds
    );
    println!(
        "{:<34} {:>9} {:>9} {:>9}",
        "activation/direction loop", "act", "naive", "act/naive"
    );
    if wanted("sigmoid") {
        both(&args, "sigmoid/forward", |v| Sigmoid.forward(v), sigmoid);
        both(
            &args,
            "sigmoid/derivative",
            |v| Sigmoid.derivative(v),
            |x| {
                let s = sigmoid(x);
                s * (1.0 - s)
            },
        );
    }
    if wanted("swish") {
        both(
            &args,
            "swish/forward",
            |v| Swish.forward(v),
            |x| x * sigmoid(x),
        );
        both(
            &args,
            "swish/derivative",
            |v| Swish.derivative(v),
            |x| {
                let s = sigmoid(x);
                s + x * s * (1.0 - s)
            },
        );
    }
    if wanted("tanh") {
        both(&args, "tanh/forward", |v| Tanh.forward(v), f32::tanh);
        both(
            &args,
            "tanh/derivative",
            |v| Tanh.derivative(v),
            |x| {
                let t = x.tanh();
                1.0 - t * t
            },
        );
    }
    if wanted("gelu") {
        use core::f32::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};
        both(
            &args,
            "gelu/forward",
            |v| Gelu.forward(v),
            |x| 0.5 * x * libm::erfcf(-x * FRAC_1_SQRT_2),
        );
        both(
            &args,
            "gelu/derivative",
            |v| Gelu.derivative(v),
            |x| {
                0.5 * libm::erfcf(-x * FRAC_1_SQRT_2)
                    + x * (-0.5 * x * x).exp() * (FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5)
            },
        );
    }
}
