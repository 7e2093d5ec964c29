//! The traits every activation implements, and the metadata types they return.

use crate::{Float, Range};

/// A named parameter of an activation and its default value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamInfo {
    /// The parameter's name as declared, e.g. `"alpha"`.
    pub name: &'static str,
    /// The declared default.
    pub default: f64,
}

/// Error from [`Activation::set_param`] and [`DynActivation::set_param`].
#[derive(Clone, Debug, PartialEq)]
pub enum ParamError {
    /// No parameter of that name; `valid` lists the ones there are.
    Unknown {
        /// The name asked for.
        name: String,
        /// The activation's parameter names.
        valid: Vec<&'static str>,
    },
    /// The value is NaN or infinite.
    NotFinite {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
}

impl core::fmt::Display for ParamError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParamError::Unknown { name, valid } if valid.is_empty() => {
                write!(
                    f,
                    "unknown parameter '{name}'; this activation has no parameters"
                )
            }
            ParamError::Unknown { name, valid } => {
                write!(
                    f,
                    "unknown parameter '{name}'; valid parameters: {}",
                    valid.join(", ")
                )
            }
            ParamError::NotFinite { name, value } => {
                write!(f, "parameter '{name}' must be finite, got {value}")
            }
        }
    }
}

impl std::error::Error for ParamError {}

/// Where the derivative of an activation tends to zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saturation {
    /// `f'(x) -> 0` as `x -> -∞`.
    pub left: bool,
    /// `f'(x) -> 0` as `x -> ∞`.
    pub right: bool,
}

/// Shape properties of an activation, computed by the `activation!` macro at compile time from
/// the formula (at the declared default parameters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Properties {
    /// `f` never decreases (`f' >= 0` everywhere).
    pub monotonic: bool,
    /// Bounded below.
    pub bounded_below: bool,
    /// Bounded above.
    pub bounded_above: bool,
    /// `f(0) = 0` and `f` takes both negative and positive values.
    pub zero_centred: bool,
    /// `f'` is continuous everywhere.
    pub smooth: bool,
    /// The inputs where `f'` jumps.
    pub kinks: &'static [f64],
    /// `f(0)` (NaN for vector activations, whose value depends on the whole input).
    pub value_at_zero: f64,
    /// `f'(0)` (NaN for vector activations).
    pub derivative_at_zero: f64,
    /// Where the gradient vanishes.
    pub saturating: Saturation,
}

/// What every activation, elementwise or vector, provides. Implemented by `activation!`.
pub trait Activation:
    Copy + core::fmt::Debug + Default + PartialEq + Send + Sync + 'static
{
    /// The type's name, e.g. `"Elu"`.
    const NAME: &'static str;
    /// The formula as declared, pretty-printed.
    const FORMULA: &'static str;
    /// The derivative `f'(x)`, simplified (for a vector activation: `∂f/∂x` holding the
    /// reductions fixed).
    const DERIVATIVE: &'static str;
    /// The parameters and their defaults, in declaration order.
    const PARAMS: &'static [ParamInfo];
    /// Shape properties at the default parameters.
    const PROPERTIES: Properties;
    /// True for a `vector` activation (softmax-like: each output depends on the whole input).
    const IS_VECTOR: bool;

    /// The parameters with their current values.
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// Sets a parameter by name.
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// The range for the current parameter values.
    fn range(&self) -> Range;
    /// Shape properties (see [`Properties`]).
    fn properties(&self) -> Properties {
        Self::PROPERTIES
    }
    /// `y = f(x)`. Panics if the lengths differ.
    fn forward_slice<F: Float>(&self, x: &[F], y: &mut [F]);
    /// Vector-Jacobian product `grad_x = J(x)^T grad_y`. Panics if the lengths differ.
    fn backward_slice<F: Float>(&self, x: &[F], grad_y: &[F], grad_x: &mut [F]);
}

/// An activation applied to each element on its own.
///
/// # Scalar or slice methods
///
/// [`forward`](Elementwise::forward) and [`derivative`](Elementwise::derivative) compute one
/// element with the code of the slice loops, in the build the slice loops use on this CPU
/// (see [`crate::dispatch`]), so `forward(x)` equals `forward_slice(&[x])` bit for bit. A call
/// costs a check of the build, a function call and the kernel: in a loop over elements
/// (`ndarray`'s `mapv`, an iterator `map`) it runs at least as fast as the naive formula
/// written with `std`/`libm` (`benches/benches/scalar.rs` measures it).
///
/// Prefer the slice methods ([`forward_slice`](Activation::forward_slice),
/// [`forward_in_place`](Elementwise::forward_in_place),
/// [`derivative_slice`](Elementwise::derivative_slice),
/// [`backward_slice`](Activation::backward_slice)) whenever the inputs are in a contiguous
/// slice, from a few elements on: they run the same kernels 8 or 16 lanes at a time (AVX2,
/// AVX-512), several times faster per element than any scalar loop. Keep the scalar methods
/// for values that come one at a time, or inside a computation that is not a loop over a
/// slice.
///
/// ```
/// use act_core::prelude::*;
/// let x = [-1.0f32, 0.5, 2.0];
/// let mut y = [0.0f32; 3];
/// Gelu.forward_slice(&x, &mut y); // the fast way for a slice
/// let one_by_one: Vec<f32> = x.iter().map(|&v| Gelu.forward(v)).collect();
/// assert_eq!(one_by_one, y); // the same bits
/// ```
pub trait Elementwise: Activation {
    /// `f(x)`: one element; see [Scalar or slice methods](Elementwise#scalar-or-slice-methods).
    fn forward<F: Float>(&self, x: F) -> F;
    /// `f'(x)`: one element; see [Scalar or slice methods](Elementwise#scalar-or-slice-methods).
    fn derivative<F: Float>(&self, x: F) -> F;
    /// `dy[i] = f'(x[i])`. Panics if the lengths differ.
    fn derivative_slice<F: Float>(&self, x: &[F], dy: &mut [F]);
    /// `x[i] = f(x[i])`.
    fn forward_in_place<F: Float>(&self, x: &mut [F]);
}

/// An activation whose outputs depend on the whole input vector (softmax).
pub trait VectorActivation: Activation {
    /// Applies the activation to each row of a row-major `rows × cols` matrix.
    /// Panics if `x.len() != y.len()` or the length is not a multiple of `cols`.
    fn forward_rows<F: Float>(&self, x: &[F], cols: usize, y: &mut [F]);
    /// Vector-Jacobian product for each row.
    fn backward_rows<F: Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]);
    /// The Jacobian `J[i][j] = ∂y_i / ∂x_j`, row-major `n × n`.
    fn jacobian<F: Float>(&self, x: &[F]) -> Vec<F>;
}

/// Object-safe view of an activation, in `f64`, for tools that pick an activation at run time
/// (the CLI). Implemented by `activation!`.
pub trait DynActivation: Send + Sync + core::fmt::Debug {
    /// See [`Activation::NAME`].
    fn name(&self) -> &'static str;
    /// The first paragraph of the declaration's doc comment.
    fn summary(&self) -> &'static str;
    /// See [`Activation::FORMULA`].
    fn formula(&self) -> &'static str;
    /// See [`Activation::DERIVATIVE`].
    fn derivative_formula(&self) -> &'static str;
    /// See [`Activation::PARAMS`].
    fn param_info(&self) -> &'static [ParamInfo];
    /// See [`Activation::params`].
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// See [`Activation::set_param`].
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// See [`Activation::range`].
    fn range(&self) -> Range;
    /// See [`Activation::properties`].
    fn properties(&self) -> Properties;
    /// See [`Activation::IS_VECTOR`].
    fn is_vector(&self) -> bool;
    /// Values and derivatives over `x`: for an elementwise activation `f(x[i])` and `f'(x[i])`;
    /// for a vector activation `f(x)` and the diagonal of its Jacobian.
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]);
}
