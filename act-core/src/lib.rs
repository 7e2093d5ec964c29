//! Neural-network activation functions, exact in the tails, each declared with the
//! [`activation!`] macro.
//!
//! ```
//! use act_core::prelude::*;
//!
//! assert_eq!(Relu.forward(-2.0), 0.0);
//! assert!((Sigmoid.derivative(40.0f64) - 4.248354255291589e-18).abs() < 1e-30);
//! ```
#![warn(missing_docs)]

extern crate self as act_core;

mod activation;
mod builtins;
mod float;
pub mod guide;
pub mod math;
mod range;

#[doc(hidden)]
pub mod __private;

pub use act_macros::activation;
pub use activation::{
    Activation, DynActivation, Elementwise, ParamError, ParamInfo, Properties, Saturation,
    VectorActivation,
};
pub use builtins::*;
pub use float::Float;
pub use range::Range;

/// Everything a user's crate needs: `use act_core::prelude::*;`.
pub mod prelude {
    pub use crate::activation;
    pub use crate::builtins::*;
    pub use crate::{
        Activation, Elementwise, Float, Properties, Range, VectorActivation,
    };
}
