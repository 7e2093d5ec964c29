//! act's ReLU forward against other loops with the same two streams (one read, one write),
//! on the same buffers, interleaved: where the memory-bound forwards stand, and what the loop
//! shape, the output's alignment and non-temporal stores change.
//!
//! ```text
//! cargo build -p act-benches --release --bin stores
//! taskset -c 1 target/release/stores --n 1000000 --rounds 11
//! taskset -c 1 target/release/stores --n 1000000,4000000 --x-offset 16 --y-offset 0
//! ```
//!
//! The loops, each over the same `x` (N `f32` uniform in [-8, 8)) and the same `y`:
//! - `act relu`: `Relu.forward_slice` (the dispatched build);
//! - `copy`: `y.copy_from_slice(x)` (the C library's `memcpy`), the bound for these streams;
//! - `ymm max x2` (AVX2): two 256-bit `vmaxps` per iteration, the loop PyTorch's CPU `relu`
//!   runs (its `clamp_min` kernel, dispatched to the AVX2 build on this CPU: `perf record`
//!   of `torch.relu` shows `vmaxps` on `ymm` registers, two per iteration). Not act's
//!   semantics: `max(0, -0.0)` is `-0.0`;
//! - `zmm aligned y` (AVX-512): act's loop (compare, zero-masked move, four vectors an
//!   iteration) with scalar steps until `y` is 64-byte aligned, then aligned stores;
//! - `zmm streaming` (AVX-512): the same with non-temporal stores (`vmovntps`), which bypass
//!   the caches and skip reading the output's lines before writing them.
//!
//! Buffers start `--x-offset` and `--y-offset` bytes past a 4096-byte boundary (default 16,
//! where the C library puts the data of a large allocation, as in `medians`). Each round runs
//! every loop once in a shuffled order; a loop's turn is untimed calls for
//! [`act_benches::WARM_UP`] and 25 timed ones (as `medians` and the peer script time a
//! figure), whose median is the round's figure.
//! Printed: per loop, the median over the rounds in elements per ns, its share of `copy`'s,
//! and the median of the per-round ratios to `copy`.

use std::hint::black_box;
use std::time::Instant;

use act_core::prelude::*;
use clap::Parser;

#[derive(Parser)]
#[command(about = "act's ReLU forward against copy and other loops over the same buffers")]
struct Args {
    /// Elements per call (comma-separated for several sizes).
    #[arg(long, value_delimiter = ',', default_value = "1000000")]
    n: Vec<usize>,
    /// Rounds (each runs every loop once); medians over them are printed.
    #[arg(long, default_value_t = 11)]
    rounds: usize,
    /// Bytes past a 4096-byte boundary where `x` starts (a multiple of 4).
    #[arg(long, default_value_t = 16)]
    x_offset: usize,
    /// Bytes past a 4096-byte boundary where `y` starts (a multiple of 4).
    #[arg(long, default_value_t = 16)]
    y_offset: usize,
}

/// A loop over `(x, y)`.
type Loop = fn(&[f32], &mut [f32]);

/// Timed calls per turn (after two untimed ones), as in `medians`.
const CALLS: usize = 25;

/// A zeroed buffer with room for `n` values starting `offset` bytes past a page, and the index
/// of that start.
fn buffer(n: usize, offset: usize) -> (Vec<f32>, usize) {
    assert!(
        offset.is_multiple_of(4) && offset < 4096,
        "offset: a multiple of 4 below 4096"
    );
    let v = vec![0.0f32; n + 2048];
    let page = (v.as_ptr() as usize).next_multiple_of(4096);
    let start = (page + offset - v.as_ptr() as usize) / 4;
    (v, start)
}

/// The loops compared, by name; `None` where this CPU lacks the instructions.
fn loops() -> Vec<(&'static str, Option<Loop>)> {
    vec![
        ("act relu", Some(|x, y| Relu.forward_slice(x, y))),
        ("copy", Some(|x, y| y.copy_from_slice(x))),
        ("ymm max x2 (PyTorch's loop)", simd::ymm_max()),
        ("zmm aligned y", simd::zmm(false)),
        ("zmm streaming stores", simd::zmm(true)),
    ]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args = Args::parse();
    let loops = loops();
    for &n in &args.n {
        let src: Vec<f32> = act_benches::inputs(n, 1)
            .into_iter()
            .map(|v| v as f32)
            .collect();
        let (mut xv, xs) = buffer(n, args.x_offset);
        xv[xs..xs + n].copy_from_slice(&src);
        let (mut yv, ys) = buffer(n, args.y_offset);
        let (x, y) = (&xv[xs..xs + n], &mut yv[ys..ys + n]);
        let mut ns: Vec<Vec<f64>> = vec![Vec::new(); loops.len()];
        let mut order: Vec<usize> = (0..loops.len()).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..args.rounds.max(1) {
            for i in (1..order.len()).rev() {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            for &k in &order {
                let Some(f) = loops[k].1 else { continue };
                act_benches::warm_up(|| f(x, &mut *y), act_benches::WARM_UP);
                let mut turn: Vec<f64> = (0..CALLS)
                    .map(|_| {
                        let t = Instant::now();
                        f(black_box(x), black_box(&mut *y));
                        t.elapsed().as_nanos().max(1) as f64
                    })
                    .collect();
                ns[k].push(median(&mut turn));
            }
        }
        println!(
            "n={n} f32, x at page+{}, y at page+{}, {} rounds of {CALLS} calls:",
            args.x_offset, args.y_offset, args.rounds
        );
        let copy = ns[1].clone();
        for ((name, f), t) in loops.iter().zip(&ns) {
            if f.is_none() {
                println!("  {name:<30} (not on this CPU)");
                continue;
            }
            let mut ratios: Vec<f64> = copy.iter().zip(t).map(|(c, t)| c / t).collect();
            let rate = n as f64 / median(&mut t.clone());
            let share = rate / (n as f64 / median(&mut copy.clone()));
            println!(
                "  {name:<30} {rate:6.2} el/ns  {:5.1}% of copy (per-round ratio {:.3})",
                100.0 * share,
                median(&mut ratios)
            );
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use std::arch::x86_64::*;

    /// ReLU with act's semantics, one element (the loops' ends).
    fn one(x: f32) -> f32 {
        if x > 0.0 { x } else { 0.0 }
    }

    pub fn ymm_max() -> Option<super::Loop> {
        is_x86_feature_detected!("avx2").then_some(|x, y| {
            // SAFETY: avx2 was detected.
            unsafe { ymm_max_avx2(x, y) }
        })
    }

    pub fn zmm(streaming: bool) -> Option<super::Loop> {
        if !is_x86_feature_detected!("avx512f") {
            return None;
        }
        Some(if streaming {
            // SAFETY: avx512f was detected.
            |x, y| unsafe { zmm_avx512::<true>(x, y) }
        } else {
            // SAFETY: avx512f was detected.
            |x, y| unsafe { zmm_avx512::<false>(x, y) }
        })
    }

    /// PyTorch's loop shape: `max(0, x)` on two 256-bit vectors an iteration.
    #[target_feature(enable = "avx2")]
    fn ymm_max_avx2(x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let zero = _mm256_setzero_ps();
        let mut i = 0;
        while i + 16 <= n {
            // SAFETY: i + 16 <= n, both slices hold n values.
            unsafe {
                let a = _mm256_max_ps(zero, _mm256_loadu_ps(x.as_ptr().add(i)));
                let b = _mm256_max_ps(zero, _mm256_loadu_ps(x.as_ptr().add(i + 8)));
                _mm256_storeu_ps(y.as_mut_ptr().add(i), a);
                _mm256_storeu_ps(y.as_mut_ptr().add(i + 8), b);
            }
            i += 16;
        }
        for j in i..n {
            y[j] = one(x[j]);
        }
    }

    /// act's loop with `y` aligned first; `STREAM`: non-temporal stores.
    #[target_feature(enable = "avx512f")]
    fn zmm_avx512<const STREAM: bool>(x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let zero = _mm512_setzero_ps();
        let head = (y.as_ptr().align_offset(64)).min(n);
        for j in 0..head {
            y[j] = one(x[j]);
        }
        let mut i = head;
        while i + 64 <= n {
            for k in 0..4 {
                let at = i + 16 * k;
                // SAFETY: at + 16 <= n; y.as_ptr() + at is 64-byte aligned (head, then
                // steps of 64 bytes).
                unsafe {
                    let v = _mm512_loadu_ps(x.as_ptr().add(at));
                    let r = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask::<_CMP_NLE_UQ>(v, zero), v);
                    if STREAM {
                        _mm512_stream_ps(y.as_mut_ptr().add(at), r);
                    } else {
                        _mm512_store_ps(y.as_mut_ptr().add(at), r);
                    }
                }
            }
            i += 64;
        }
        if STREAM {
            _mm_sfence();
        }
        for j in i..n {
            y[j] = one(x[j]);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod simd {
    pub fn ymm_max() -> Option<super::Loop> {
        None
    }
    pub fn zmm(_: bool) -> Option<super::Loop> {
        None
    }
}
