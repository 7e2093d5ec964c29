//! Support for act's criterion benchmarks: deterministic inputs and the naive scalar formulas
//! every act kernel is measured against.
//!
//! The benchmarks themselves are in `benches/activations.rs`; the `summary` binary turns
//! criterion's output into the markdown table of `RESULTS.md`.

pub mod naive;
pub mod reference;

/// `n` deterministic pseudo-random values, uniform in `[-8, 8)`.
///
/// A 64-bit linear congruential generator (Knuth's MMIX constants) is plenty for benchmark
/// inputs and keeps the package free of a `rand` dependency. The same `seed` always gives the
/// same values, so runs are comparable.
///
/// ```
/// let x = act_benches::inputs(1000, 1);
/// assert_eq!(x.len(), 1000);
/// assert!(x.iter().all(|v| (-8.0..8.0).contains(v)));
/// assert_eq!(x, act_benches::inputs(1000, 1));
/// ```
pub fn inputs(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // The top 53 bits are the best ones of an LCG.
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            16.0 * unit - 8.0
        })
        .collect()
}

/// How long [`warm_up`] runs a figure's call before it is timed (`medians`, `stores`,
/// `roofline` and the peer script's `WARM_UP_S`): 10 ms.
///
/// On this machine a memory-bound loop that follows a compute-bound one (few memory accesses
/// for a millisecond or more) runs about 15% slower for its first 1 to 2 ms of memory traffic,
/// then at its steady speed; the core's clock does not change meanwhile, the memory side
/// ramps up (benches/README.md, "Warm-up"). Two untimed calls of 1M `f32` (0.15 ms) leave the
/// median of 25 calls inside that window or not depending on which figure ran before, so
/// every figure is warmed by time instead.
pub const WARM_UP: std::time::Duration = std::time::Duration::from_millis(10);

/// Runs `call` untimed at least twice and until `at_least` has passed (the state the previous
/// figure left, such as caches or a memory system idling after compute-bound work, then no
/// longer shows in this figure's timed calls). Returns the number of calls made.
///
/// ```
/// use std::time::Duration;
/// let mut calls = 0;
/// assert_eq!(act_benches::warm_up(|| calls += 1, Duration::ZERO), 2);
/// assert_eq!(calls, 2);
/// let start = std::time::Instant::now();
/// let slow = act_benches::warm_up(|| std::thread::sleep(Duration::from_millis(2)), Duration::from_millis(9));
/// assert!(start.elapsed() >= Duration::from_millis(9));
/// assert!((2..=5).contains(&slow));
/// ```
pub fn warm_up(mut call: impl FnMut(), at_least: std::time::Duration) -> usize {
    let start = std::time::Instant::now();
    let mut calls = 0;
    while calls < 2 || start.elapsed() < at_least {
        call();
        calls += 1;
    }
    calls
}

/// The median wall time, in nanoseconds, of `runs` timed calls of `f`, after [`warm_up`] with
/// `at_least` (for `roofline` and `latency`, which time their own loops).
///
/// ```
/// let ns = act_benches::median_ns(5, std::time::Duration::ZERO, || {
///     std::thread::sleep(std::time::Duration::from_millis(1))
/// });
/// assert!(ns >= 1e6);
/// ```
pub fn median_ns(runs: usize, at_least: std::time::Duration, mut f: impl FnMut()) -> f64 {
    warm_up(&mut f, at_least);
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed().as_nanos().max(1) as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[runs / 2]
}

/// The sizes every activation is measured at: in L1/L2 (4K), in L2 (64K), beyond L2 (1M).
pub const SIZES: [usize; 3] = [4096, 65536, 1 << 20];
