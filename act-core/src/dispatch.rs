//! Which instruction set the slice loops run with.
//!
//! Users build with plain `cargo build --release`. Every slice method of every activation is
//! compiled three times, for AVX-512, for AVX2 + FMA and for the baseline target, and picks
//! at run time the best one the CPU has. The AVX2 and AVX-512 builds use fused multiply-adds
//! in the math kernels (faster, and more accurate for sigmoid' and tanh') and agree bit for
//! bit; the baseline build has no FMA and may differ from them in the last bits. Every build
//! meets the same accuracy bounds: the tests check each one this machine can run. The scalar
//! methods (`forward`, `derivative`) run the same code as the slice methods, so on one
//! machine `forward(x)` equals `forward_slice(&[x])`, with one exception: in `f32`, the
//! sigmoid family (sigmoid, swish and GELU-tanh, and the derivatives of softplus and
//! log-sigmoid) has one-element kernels whose results may differ from the slices' by a few
//! ULP (see
//! [`Elementwise`](crate::Elementwise#scalar-or-slice-methods)).
//!
//! Set `ACT_ISA=portable` (or `avx2`) in the environment to cap the automatic choice, e.g. for
//! results that are the same bits on every x86-64 machine; [`force`] does it from code.
//!
//! ```
//! use act_core::dispatch::{self, Isa};
//! use act_core::prelude::*;
//!
//! let x = [-1.0f32, 0.5, 2.0];
//! let mut fast = [0.0f32; 3];
//! Tanh.forward_slice(&x, &mut fast);
//! assert_eq!(fast[2], Tanh.forward(2.0f32)); // scalar and slice agree
//!
//! dispatch::force(Some(Isa::Portable)).unwrap();
//! let mut portable = [0.0f32; 3];
//! Tanh.forward_slice(&x, &mut portable);
//! dispatch::force(None).unwrap();
//! for (a, b) in fast.iter().zip(&portable) {
//!     assert!((a - b).abs() <= 4.0 * f32::EPSILON * a.abs()); // within a few ULP
//! }
//! ```

use core::sync::atomic::{AtomicU8, Ordering};

/// An instruction-set level the slice loops are compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    /// The compilation target's baseline (SSE2 on x86-64).
    Portable = 1,
    /// AVX2 with FMA (x86-64).
    Avx2 = 2,
    /// AVX-512 F/VL/DQ/BW (x86-64).
    Avx512 = 3,
}

impl Isa {
    fn from_u8(v: u8) -> Option<Isa> {
        match v {
            1 => Some(Isa::Portable),
            2 => Some(Isa::Avx2),
            3 => Some(Isa::Avx512),
            _ => None,
        }
    }

    /// Every level this CPU can run, baseline first.
    pub fn available() -> Vec<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|&i| i <= detected())
            .collect()
    }
}

static DETECTED: AtomicU8 = AtomicU8::new(0);
/// The level [`active`] reports, once resolved (0 before): set by [`force`], or on first use
/// from the detection and the environment. Every slice call reads it, so it is one load.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// The best level this CPU supports.
pub fn detected() -> Isa {
    if let Some(isa) = Isa::from_u8(DETECTED.load(Ordering::Relaxed)) {
        return isa;
    }
    let isa = detect();
    DETECTED.store(isa as u8, Ordering::Relaxed);
    isa
}

/// The highest tier of [`act_expr::isa::TIERS`] whose features the CPU has: the tiers the
/// generated code is compiled for, detected by the same feature names.
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
fn detect() -> Isa {
    act_expr::isa::TIERS
        .iter()
        .zip([Isa::Avx2, Isa::Avx512])
        .filter(|(tier, _)| tier.features.iter().all(|f| has_feature(f) == Some(true)))
        .map(|(_, isa)| isa)
        .max()
        .unwrap_or(Isa::Portable)
}

/// Whether the CPU has the x86 feature `name` (`None`: a name this function does not know,
/// which a test rules out for every tier's features).
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
fn has_feature(name: &str) -> Option<bool> {
    // `is_x86_feature_detected!` takes a literal.
    Some(match name {
        "avx2" => is_x86_feature_detected!("avx2"),
        "fma" => is_x86_feature_detected!("fma"),
        "avx512f" => is_x86_feature_detected!("avx512f"),
        "avx512vl" => is_x86_feature_detected!("avx512vl"),
        "avx512dq" => is_x86_feature_detected!("avx512dq"),
        "avx512bw" => is_x86_feature_detected!("avx512bw"),
        _ => return None,
    })
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
fn detect() -> Isa {
    Isa::Portable
}

/// The level the slice loops use now: the forced one if any; else [`detected`], capped by the
/// `ACT_ISA` environment variable when it names a level (see [`env_cap`]).
#[inline]
pub fn active() -> Isa {
    match Isa::from_u8(ACTIVE.load(Ordering::Relaxed)) {
        Some(isa) => isa,
        None => first_active(),
    }
}

#[cold]
fn first_active() -> Isa {
    let isa = automatic();
    // A `force` from another thread meanwhile wins.
    match ACTIVE.compare_exchange(0, isa as u8, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => isa,
        Err(set) => Isa::from_u8(set).unwrap_or(isa),
    }
}

/// [`detected`] capped by [`env_cap`]: the level when nothing is forced.
fn automatic() -> Isa {
    match env_cap() {
        Some(cap) => cap.min(detected()),
        None => detected(),
    }
}

static ENV_CAP: AtomicU8 = AtomicU8::new(0);
/// [`ENV_CAP`] once read and `ACT_ISA` names no level.
const NO_CAP: u8 = 255;

/// The level named by the environment variable `ACT_ISA`, read once per process: `portable`,
/// `avx2` or `avx512` (any case). It caps the automatic choice, so `ACT_ISA=portable` gives the
/// same bits on every x86-64 machine, FMA or not. Unset, empty or anything else: no cap.
/// [`force`] overrides it.
pub fn env_cap() -> Option<Isa> {
    match ENV_CAP.load(Ordering::Relaxed) {
        0 => {
            let cap = std::env::var("ACT_ISA").ok().and_then(|v| parse_level(&v));
            ENV_CAP.store(cap.map_or(NO_CAP, |i| i as u8), Ordering::Relaxed);
            cap
        }
        v => Isa::from_u8(v),
    }
}

/// `portable` or a tier's name (`avx2`, `avx512`), any case, surrounding spaces ignored.
fn parse_level(v: &str) -> Option<Isa> {
    let v = v.trim().to_ascii_lowercase();
    if v == "portable" {
        return Some(Isa::Portable);
    }
    act_expr::isa::TIERS
        .iter()
        .zip([Isa::Avx2, Isa::Avx512])
        .find(|(tier, _)| tier.name == v)
        .map(|(_, isa)| isa)
}

/// Error from [`force`]: the CPU lacks the instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsupported(pub Isa);

impl core::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "this CPU cannot run {:?} code (it has up to {:?})",
            self.0,
            detected()
        )
    }
}

impl std::error::Error for Unsupported {}

/// Makes every slice loop in the process use `isa` (`None`: back to the best detected). For
/// tests and comparisons; it is a process-wide setting.
pub fn force(isa: Option<Isa>) -> Result<(), Unsupported> {
    match isa {
        Some(i) if i > detected() => Err(Unsupported(i)),
        Some(i) => {
            ACTIVE.store(i as u8, Ordering::Relaxed);
            Ok(())
        }
        None => {
            ACTIVE.store(automatic() as u8, Ordering::Relaxed);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tier the generated code is compiled for is an [`Isa`] of the same name, in the
    /// same order, and its features are ones [`detect`] can check.
    #[test]
    fn tiers_are_the_isa_levels_above_the_baseline() {
        let tiers = act_expr::isa::TIERS;
        let levels = [Isa::Avx2, Isa::Avx512];
        assert_eq!(tiers.len(), levels.len());
        for (tier, isa) in tiers.iter().zip(levels) {
            assert_eq!(tier.variant, format!("{isa:?}"));
            assert_eq!(parse_level(tier.name), Some(isa));
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            for f in tier.features {
                assert!(has_feature(f).is_some(), "{f} is not detected");
            }
        }
        // A higher tier has every feature of a lower one.
        for w in tiers.windows(2) {
            assert!(w[0].features.iter().all(|f| w[1].features.contains(f)));
        }
    }

    #[test]
    fn level_names_parse_and_nothing_else_does() {
        assert_eq!(parse_level("portable"), Some(Isa::Portable));
        assert_eq!(parse_level(" AVX2 "), Some(Isa::Avx2));
        assert_eq!(parse_level("Avx512"), Some(Isa::Avx512));
        for bad in ["", "sse2", "avx", "avx-512", "native"] {
            assert_eq!(parse_level(bad), None, "{bad:?}");
        }
    }
}
