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

/// The sizes every activation is measured at: in L1/L2 (4K), in L2 (64K), beyond L2 (1M).
pub const SIZES: [usize; 3] = [4096, 65536, 1 << 20];
