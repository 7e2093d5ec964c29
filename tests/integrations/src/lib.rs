//! A user's crate outside the act workspace with every integration enabled. The README's
//! integration examples live in `examples/` (checked against the README and run by
//! `tests/readme.rs`); this library declares its own activation, to show that the integrations
//! work for user declarations as for the built-ins (`tests/own_activation.rs`).

use act_core::prelude::*;

activation! {
    /// Bent identity: (sqrt(x^2 + 1) - 1) / 2 + x.
    pub struct BentIdentity;
    f(x) = (sqrt(x * x + 1) - 1) / 2 + x;
}
