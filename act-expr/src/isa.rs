//! The instruction-set tiers that every slice method is compiled for beyond the target's
//! baseline, defined once: the code generator reads them for the `#[target_feature]` builds
//! and the run-time choice among them, and act-core's `dispatch` for detecting them (by the
//! same feature names) and for the names `ACT_ISA` accepts.
//!
//! ```
//! let avx2 = &act_expr::isa::TIERS[0];
//! assert_eq!(avx2.target_feature(), "avx2,fma");
//! ```

/// An instruction-set tier (x86 and x86-64 only; other targets run the baseline build).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tier {
    /// The `act_core::dispatch::Isa` variant naming it.
    pub variant: &'static str,
    /// Lower-case name: the suffix of the generated method and a value of `ACT_ISA`.
    pub name: &'static str,
    /// The CPU features it requires (`is_x86_feature_detected!` and `target_feature` names).
    pub features: &'static [&'static str],
}

impl Tier {
    /// The features as `#[target_feature(enable = "...")]` takes them.
    pub fn target_feature(&self) -> String {
        self.features.join(",")
    }
}

/// The tiers, lowest first. Both have FMA, so the kernels' fused variants run in them and the
/// two agree bit for bit.
pub const TIERS: [Tier; 2] = [
    Tier {
        variant: "Avx2",
        name: "avx2",
        features: &["avx2", "fma"],
    },
    Tier {
        variant: "Avx512",
        name: "avx512",
        features: &["avx512f", "avx512vl", "avx512dq", "avx512bw", "avx2", "fma"],
    },
];
