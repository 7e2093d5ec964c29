//! Softmax's backward pass from the output over one long row (`dx = y (g - sum(g y))`, two
//! passes) against loops over the same streams, interleaved on the same buffers: where the
//! memory-bound passes stand.
//!
//! ```text
//! cargo build -p act-benches --release --bin streams
//! taskset -c 1 target/release/streams --n 1000000 --rounds 11
//! ```
//!
//! The loops, over `y` (softmax of N `f32` uniform in [-8, 8), as in `medians`), `g` (in
//! [-1, 1)) and an output `o`:
//! - `act softmax backward_from_output`, and `act log_softmax forward` (of `x`: one read
//!   stream twice, one written);
//! - `copy` (`o.copy_from_slice(y)`, the C library's `memcpy`): one read, one write;
//! - `dot (2 reads)`: `sum(g y)` over the lanes of act's sums, the first pass's streams;
//! - `y (g - c) (2 reads, 1 write)`: the second pass's streams and arithmetic.
//!
//! Each round runs every loop: untimed calls for [`act_benches::WARM_UP`], then 25 timed
//! ones, whose median is the round's figure. Printed: per loop, the median over the rounds in
//! elements per ns and the median of the per-round ratios to act's backward pass.

use std::hint::black_box;
use std::time::Instant;

use act_core::prelude::*;
use clap::Parser;

#[derive(Parser)]
#[command(about = "softmax's backward pass from the output against loops over its streams")]
struct Args {
    /// Elements per call.
    #[arg(long, default_value_t = 1_000_000)]
    n: usize,
    /// Rounds (each runs every loop once); medians over them are printed.
    #[arg(long, default_value_t = 11)]
    rounds: usize,
}

/// A loop over `(y or x, g, o)`.
type Loop = fn(&[f32], &[f32], &mut [f32]);

/// `sum(g y)` as the generated pass sums it (act's lanes), in the AVX-512 build where the CPU
/// has it.
fn dot(y: &[f32], g: &[f32], o: &mut [f32]) {
    #[inline(always)]
    fn plain(y: &[f32], g: &[f32], o: &mut [f32]) {
        o[0] = act_core::__private::sum_lanes2(y, g, |a, b| [b * a])[0];
    }
    #[cfg(target_arch = "x86_64")]
    if simd::avx512() {
        // SAFETY: the CPU has the features.
        return unsafe { simd::with_avx512(|| plain(y, g, o)) };
    }
    plain(y, g, o)
}

/// The second pass's streams: `o = y (g - c)`, in the AVX-512 build where the CPU has it.
fn scale(y: &[f32], g: &[f32], o: &mut [f32]) {
    #[inline(always)]
    fn plain(y: &[f32], g: &[f32], o: &mut [f32]) {
        let c = black_box(0.25f32);
        for ((&yi, &gi), oi) in y.iter().zip(g).zip(o.iter_mut()) {
            *oi = yi * (gi - c);
        }
    }
    #[cfg(target_arch = "x86_64")]
    if simd::avx512() {
        // SAFETY: the CPU has the features.
        return unsafe { simd::with_avx512(|| plain(y, g, o)) };
    }
    plain(y, g, o)
}

#[cfg(target_arch = "x86_64")]
mod simd {
    /// Whether the CPU has the features of act's AVX-512 build.
    pub fn avx512() -> bool {
        use std::arch::is_x86_feature_detected as has;
        has!("avx512f")
            && has!("avx512bw")
            && has!("avx512vl")
            && has!("avx512dq")
            && has!("avx2")
            && has!("fma")
    }

    /// Runs `f` compiled with the AVX-512 features (it is inlined here).
    ///
    /// # Safety
    /// The CPU must have them ([`avx512`]).
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")]
    pub unsafe fn with_avx512(f: impl FnOnce()) {
        f()
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args = Args::parse();
    let n = args.n;
    let x: Vec<f32> = act_benches::inputs(n, 1)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let g: Vec<f32> = act_benches::inputs(n, 2)
        .into_iter()
        .map(|v| (v / 8.0) as f32)
        .collect();
    let mut y = vec![0.0f32; n];
    Softmax.forward_slice(&x, &mut y);
    let mut o = vec![0.0f32; n];
    // (name, loop, whether it reads `x` rather than `y`)
    let loops: [(&str, Loop, bool); 6] = [
        (
            "act softmax backward_from_output",
            |y, g, o| Softmax.backward_from_output(y, g, o),
            false,
        ),
        ("copy", |y, _, o| o.copy_from_slice(y), false),
        ("dot (2 reads)", dot, false),
        ("y (g - c) (2 reads, 1 write)", scale, false),
        (
            "act log_softmax forward",
            |x, _, o| LogSoftmax.forward_slice(x, o),
            true,
        ),
        (
            "act softmax forward",
            |x, _, o| Softmax.forward_slice(x, o),
            true,
        ),
    ];
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); loops.len()];
    for _ in 0..args.rounds.max(1) {
        for (k, &(_, f, reads_x)) in loops.iter().enumerate() {
            let input = if reads_x { &x } else { &y };
            act_benches::warm_up(|| f(input, &g, &mut o), act_benches::WARM_UP);
            let mut t: Vec<f64> = (0..25)
                .map(|_| {
                    let s = Instant::now();
                    f(black_box(input), black_box(&g), black_box(&mut o));
                    s.elapsed().as_nanos().max(1) as f64
                })
                .collect();
            ns[k].push(median(&mut t));
        }
    }
    println!("n={n} f32, {} rounds of 25 calls:", args.rounds);
    let base = ns[0].clone();
    for ((name, _, _), t) in loops.iter().zip(&ns) {
        let mut r: Vec<f64> = base.iter().zip(t).map(|(b, t)| b / t).collect();
        println!(
            "  {name:<34} {:6.2} el/ns  (per-round ratio to act's backward {:.3})",
            n as f64 / median(&mut t.clone()),
            median(&mut r)
        );
    }
}
