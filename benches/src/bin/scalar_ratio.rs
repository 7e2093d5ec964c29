//! The scalar methods in a loop against the naive loop, as `benches/scalar.rs` measures them
//! (`y[i] = act.forward(x[i])` over 1M `f32` uniform in [-8, 8), against the naive `std`/`libm`
//! formula in the same loop), but with the two loops interleaved: each round times one pass of
//! act's loop, then one of the naive loop, and the figure is the median over the rounds of
//! the per-round ratio naive time / act time. Two passes a few milliseconds apart see nearly
//! the same load, so on a shared machine the ratio is far steadier than the ratio of two
//! criterion medians taken seconds apart.
//!
//! ```text
//! cargo build -p act-benches --release --bin scalar_ratio
//! taskset -c 1 target/release/scalar_ratio --rounds 41
//! ```
//!
//! Prints, per activation and direction, act's and the naive loop's median rate (million
//! elements per second) and the median ratio act/naive (above 1: act is faster).

use std::hint::black_box;
use std::time::Instant;

use act_benches::{inputs, naive};
use act_core::prelude::*;
use clap::Parser;

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

/// Nanoseconds of one call of `pass`.
fn time(pass: &mut impl FnMut()) -> f64 {
    let t = Instant::now();
    pass();
    t.elapsed().as_nanos() as f64
}

/// Interleaves `act` and `naive` for `rounds` rounds; prints the medians.
fn compare(
    args: &Args,
    label: &str,
    mut act: impl FnMut(&[f32], &mut [f32]),
    mut naive: impl FnMut(&[f32], &mut [f32]),
) {
    let x: Vec<f32> = inputs(args.n, 1).into_iter().map(|v| v as f32).collect();
    let mut out = vec![0.0f32; args.n];
    let mut act_pass = || {
        act(black_box(&x), &mut out);
        black_box(&mut out);
    };
    let mut out2 = vec![0.0f32; args.n];
    let mut naive_pass = || {
        naive(black_box(&x), &mut out2);
        black_box(&mut out2);
    };
    // Untimed warm-up.
    act_pass();
    naive_pass();
    let (mut ta, mut tn, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds.max(1) {
        let a = time(&mut act_pass);
        let n = time(&mut naive_pass);
        ta.push(a);
        tn.push(n);
        ratios.push(n / a);
    }
    let rate = |ns: f64| args.n as f64 / ns * 1e3;
    println!(
        "{label:<22} {:>9.1} {:>9.1} {:>8.2}x",
        rate(median(ta)),
        rate(median(tn)),
        median(ratios)
    );
}

fn loop_of<A: Elementwise + Copy>(act: A, forward: bool) -> impl FnMut(&[f32], &mut [f32]) {
    // One loop per method, as a user writes it (a branch between the two inside the loop kept
    // it from being vectorised).
    move |x, y| {
        if forward {
            for (y, &v) in y.iter_mut().zip(x) {
                *y = act.forward(v);
            }
        } else {
            for (y, &v) in y.iter_mut().zip(x) {
                *y = act.derivative(v);
            }
        }
    }
}

fn naive_loop(f: fn(f32) -> f32) -> impl FnMut(&[f32], &mut [f32]) {
    move |x, y| {
        for (y, &v) in y.iter_mut().zip(x) {
            *y = f(v);
        }
    }
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
        "{:<22} {:>9} {:>9} {:>9}",
        "activation/direction", "act", "naive", "act/naive"
    );
    if wanted("sigmoid") {
        compare(&args, "sigmoid/forward", loop_of(Sigmoid, true), |x, y| {
            naive::f32::sigmoid::forward(x, y)
        });
        compare(
            &args,
            "sigmoid/derivative",
            loop_of(Sigmoid, false),
            naive_loop(|x| {
                let s = sigmoid(x);
                s * (1.0 - s)
            }),
        );
    }
    if wanted("swish") {
        compare(&args, "swish/forward", loop_of(Swish, true), |x, y| {
            naive::f32::swish::forward(x, y)
        });
        compare(
            &args,
            "swish/derivative",
            loop_of(Swish, false),
            naive_loop(|x| {
                let s = sigmoid(x);
                s + x * s * (1.0 - s)
            }),
        );
    }
    if wanted("tanh") {
        compare(&args, "tanh/forward", loop_of(Tanh, true), |x, y| {
            naive::f32::tanh::forward(x, y)
        });
        compare(
            &args,
            "tanh/derivative",
            loop_of(Tanh, false),
            naive_loop(|x| {
                let t = x.tanh();
                1.0 - t * t
            }),
        );
    }
    if wanted("gelu") {
        compare(&args, "gelu/forward", loop_of(Gelu, true), |x, y| {
            naive::f32::gelu::forward(x, y)
        });
        compare(
            &args,
            "gelu/derivative",
            loop_of(Gelu, false),
            naive_loop(|x| {
                use core::f32::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};
                0.5 * libm::erfcf(-x * FRAC_1_SQRT_2)
                    + x * (-0.5 * x * x).exp() * (FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5)
            }),
        );
    }
}
