//! A user's crate outside the act workspace with every integration enabled. The README's
//! integration examples live in `examples/` (checked against the README and run by
//! `tests/readme.rs`); this library declares its own activation, to show that the integrations
//! work for user declarations as for the built-ins (`tests/own_activation.rs`).

use act_core::prelude::*;

activation! {
    /// Squareplus, a smooth ReLU without exponentials: (x + sqrt(x^2 + b)) / 2.
    pub struct Squareplus(b = 4.0);
    f(x) = (x + sqrt(x * x + b)) / 2;
}
