//! Neural-network activation functions, exact in the tails, each declared with the
//! [`activation!`] macro.
//!
//! ```
//! use act_core::prelude::*;
//!
//! assert_eq!(Relu.forward(-2.0), 0.0);
//! assert!((Sigmoid.derivative(40.0f64) - 4.248354255291589e-18).abs() < 1e-30);
//! ```
//!
//! Underflow: a result below the smallest normal number is returned as the nearest subnormal
//! number (gradual underflow), never flushed to 0, in every build the slice loops are compiled
//! for ([`dispatch`]); mathematically equal results agree (`sigmoid(x)` and `softplus'(x)`).
//! See [`math`](math#underflow-policy).
//!
//! ```
//! use act_core::prelude::*;
//! let s = Sigmoid.forward(-88.0f32); // e^-88 / (1 + e^-88) = 6.05e-39, subnormal
//! assert!(s > 0.0 && s < f32::MIN_POSITIVE);
//! assert_eq!(s, Softplus.derivative(-88.0f32));
//! assert!(Sigmoid.derivative(-88.0f32) > 0.0);
//! ```
//!
//! # Cargo features
//!
//! All off by default.
//!
//! - `half`: `half::f16` and `half::bf16` implement [`Float`], so every scalar and slice method
//!   takes them; the value is computed in `f32` and rounded once (within 1 ULP of the correctly
//!   rounded result, checked on all 65,536 inputs of each type).
//! - `rayon`: the `par_*` methods (module `par`): the serial methods' signatures and bits, on
//!   rayon's thread pool.
//! - `ndarray`: the `*_array` and `*_axis` methods (module `array`): any dimension, any layout,
//!   softmax along any axis.
//!
//! The traits these add are in the [`prelude`] when their feature is on.
#![warn(missing_docs)]

extern crate self as act_core;

mod activation;
#[cfg(feature = "ndarray")]
pub mod array;
mod builtins;
mod checks;
mod compensated;
pub mod dispatch;
mod float;
mod float_kernels;
pub mod guide;
#[cfg(feature = "half")]
mod half_float;
mod kernels;
mod lanes;
mod loops;
pub mod math;
mod metadata;
mod names;
mod pairs;
#[cfg(feature = "rayon")]
pub mod par;
mod range;
pub mod registry;
mod widen;

#[doc(hidden)]
pub mod __private;

/// Declares an activation function from its formula.
///
/// The macro differentiates the formula symbolically at compile time, rewrites it into
/// numerically stable forms, and generates a struct implementing [`Activation`] and
/// [`Elementwise`] (or [`VectorActivation`]): scalar and slice forward and backward passes for
/// `f32` and `f64`, plus metadata (formula, simplified derivative, range, properties).
///
/// ```
/// use act_core::prelude::*;
///
/// activation! {
///     /// Softplus written the textbook way; the macro runs it as a stable softplus.
///     pub struct MySoftplus;
///     f(x) = ln(1 + exp(x));
/// }
///
/// assert_eq!(MySoftplus.forward(1000.0), 1000.0); // ln(1 + e^1000) without overflow
/// assert_eq!(MySoftplus::DERIVATIVE, "sigmoid(x)");
/// assert_eq!(MySoftplus.range().to_string(), "(0, ∞)");
/// ```
///
/// # Grammar
///
/// ```text
/// #[attributes] /// doc comments        (kept on the struct)
/// VIS [vector | gated] struct NAME [(PARAM = DEFAULT, ...)];
/// f(x) = EXPR;                           a gated struct: f(A, B) = EXPR; (any two names)
/// [df(x) = EXPR;]                        hand-written derivative, checked against the macro's
/// [textbook(x) = EXPR;]                  the formula as published, where f is an
///                                        implementation of it (checked against f on
///                                        |x| <= 100; FORMULA and DERIVATIVE print it, and
///                                        IMPLEMENTATION what runs)
/// [range = (LO, HI);]                    checked against the formula
/// [where COND, COND, ...;]               conditions on the parameters
/// [vjp(y, g) = EXPR;]                    vector only: the VJP from the output y (see
///                                        BackwardFromOutput), checked against the formula
/// ```
///
/// `DEFAULT` is a number literal, optionally negated. `LO` and `HI` are expressions over
/// numbers and parameters (`-alpha`, `inf`); the macro rejects a range the formula leaves
/// (naming an input where it does) or does not reach, at the defaults. A `where` condition
/// compares expressions over parameters and numbers with `< <= > >= !=` (`min_val < max_val`,
/// `beta != 0`); the defaults must meet it, and `new` (panics), `try_new`, `set_param`,
/// `set_params` and `check_params` (errors) enforce it, as they enforce finite values.
///
/// An activation takes every real input: a formula that gives NaN somewhere (`ln(x)`,
/// `sqrt(x)` for x < 0), has a pole (`x / (1 + x)` at -1), is `0/0` at a zero of a denominator
/// (`tanh(x) / x` at 0: write `if abs(x) < 1e-8 { 1 } else { tanh(x) / x }`) or divides by a
/// constant 0 (`x / b` with `b = 0`) is a compile error that names the input, at the default
/// parameters. The checks sample the line: they catch these at the zeros of denominators and
/// of `ln`'s argument, and at moderate inputs, not at every input.
///
/// At ±∞ the result is the formula's limit (`x * sigmoid(x)` is 0 at -∞, where its code
/// computes `∞ · 0`). Where the straight-line code gives NaN at an input of magnitude 1e9 or
/// more, the formula is evaluated again at huge inputs from `f64::MAX` (`f32`: 1e37) down to
/// 1e9: two that agree give the limit, and at ±∞ values that keep growing with the input give
/// ±∞ (`x - sqrt(abs(x))` is ∞ at ∞, not `f64::MAX`; for a gated formula, along the
/// infinite input, `SwiGlu`'s `∂f/∂a` at `(-1, -∞)` is -∞). A finite input where the code gives
/// NaN and the values do not settle (the derivative of `x * x * sigmoid(x)` at 1e200, `x^2`
/// overflowing before `sigmoid'(x)` is 0) stays NaN. These limits are taken elementwise: a
/// `vector` activation's row holding ±∞ gives what IEEE arithmetic gives (softmax of a row
/// holding +∞ is NaN, as in PyTorch; `x - mean(x)` at `(∞, 1)` is `(NaN, -∞)`). A row's
/// `mean` whose sum overflows while every value is finite is recomputed with the values
/// scaled by a power of two (`mean(1e308, 1e308)` is 1e308, not ∞).
///
/// `EXPR`: numbers (integers too), `x`, parameters, `pi`, `e`, `inf`; `+ - * /`, unary `-`,
/// parentheses;
#[doc = act_expr::__functions!(crate::kernels::kernels, callable_list)]
/// `max(a, b)`, `min(a, b)`, `clamp(a, lo, hi)`, `powi(a, INT)`, `powf(a, b)`;
/// `if A < B { E } else if ... { E } else { E }` with `< <= > >=`; blocks
/// `{ let name = EXPR; ... EXPR }`. In a `vector` activation, `sum(E)`, `mean(E)`, `max(E)` and
/// `min(E)` with one argument reduce over the whole input.
///
/// A `gated` activation takes two inputs of the same shape and works on each pair on its own
/// (GLU and its variants); it implements [`Gated`], whose partials `∂f/∂a`, `∂f/∂b` and
/// parameter partials the macro derives. It has no reductions, `df` or `range`; its `where`
/// conditions are checked as an elementwise activation's are (by the [`Gated`] methods of the
/// same names, and `new`, `try_new`).
///
/// ```
/// use act_core::prelude::*;
///
/// activation! {
///     /// SwiGLU with a learnable Swish slope.
///     pub gated struct SwiGluBeta(beta = 1.0);
///     f(a, b) = a * sigmoid(beta * a) * b;
///     where beta > 0;
/// }
///
/// assert_eq!(SwiGluBeta::CONDITIONS, ["beta > 0"]);
/// assert!(SwiGluBeta::try_new(-1.0).is_err());
/// assert!(SwiGluBeta::default().set_param("beta", 0.0).is_err());
/// assert_eq!(SwiGluBeta::PARTIALS[1], "a * sigmoid(a * beta)");
/// assert_eq!(SwiGluBeta::default().forward(0.0, 3.0), 0.0);
/// let mut d = [0.0];
/// SwiGluBeta::default().param_derivatives(1.0, 2.0, &mut d); // ∂f/∂beta
/// assert!((d[0] - 2.0 * 0.19661193324148185).abs() < 1e-15);
/// ```
///
/// Every elementwise and gated declaration also implements the parameter gradients
/// ([`ParamGradients`] for elementwise ones, in [`Gated`] for gated ones): `∂f/∂θ` for each
/// parameter, and `backward_params`, the gradient of a loss with respect to the parameters
/// over a whole slice.
///
/// # Conventions at kinks
///
/// At a kink the derivative is that of the branch taken, and `max(a, b)` and `min(a, b)` take
/// `a` on a tie: `max(0, x)` has derivative 0 at 0 (as PyTorch's relu). `clamp(a, lo, hi)` is
/// `min(hi, max(lo, a))`: at `a == lo` or `a == hi` its derivative is 0, as for PyTorch's
/// hardtanh, relu6 and hardsigmoid, so `clamp(x + 3, 0, 6) / 6` and the built-in
/// [`HardSigmoid`] agree at ±3. `abs(a)` has derivative 1 at `a = 0` (the branch `a >= 0`;
/// PyTorch's `abs` gives 0 there, its `sign(0)`).
///
/// # Metadata
///
/// `range()` and `properties()` describe the function for the current parameter values: at
/// the defaults they are constants found at compile time; for other values the same analysis
/// runs when they are called (about 0.55 ms in an optimised build: `cargo bench -p act-benches
/// --bench metadata`). The analysis samples the formula on a grid
/// dense over [-16, 16] and logarithmic out to ±1e300, takes the limits at ±∞, and locates the
/// zeros of `f'` and the switching points of branches, `max`, `min`, `clamp` and `abs` by
/// bisection. An extreme inside the line (Swish's minimum) is reported as the value at the
/// zero of `f'`: the value the function rounds to there most often, so that rounding noise
/// next to the turn is not reported as attained (`sigmoid(x) * (1 - sigmoid(x))` gives
/// `(0, 0.25]`); values computed next to it may pass it by their rounding, a few ULP. A bound
/// that is the limit at ±∞ counts as attained only where `f` is flat at it at a moderate
/// input (Hardtanh's 1 from x = 1 on); where `f` only rounds to it (`1 - exp(-x * x)` is 1
/// in f64 from x = 6.1) it is not.
///
/// A `vector` activation's range is not sampled: it is the range its shape proves for every
/// parameter value and input length, `(0, 1]` for `a / sum(a)` with `a` an `exp(..)` or
/// `sigmoid(..)` (softmax, softmin, with a temperature, shifted by `max(x)` or not; 1 is
/// reached by a one-element input) and `(-∞, 0]` for `u - ln(sum(exp(u)))` or
/// `ln(a / sum(a))` (log-softmax); else the declared `range = (LO, HI)` (checked on sample
/// vectors, reported open); else it is *unknown* and reported as `(-∞, ∞)`, with
/// `bounded_below` and `bounded_above` false meaning "not shown bounded", not "unbounded"
/// (`x / (1 + max(abs(x)))` lies in (-1, 1); declare such a range). Their other properties
/// (monotonic, zero-centred, saturating: false; value and derivative at 0: NaN) likewise
/// state nothing about the function.
///
/// ```
/// use act_core::prelude::*;
///
/// activation! {
///     /// A parametric, piecewise activation with a declared range.
///     pub struct Clipped(limit = 6.0);
///     f(x) = if x < 0 { 0 } else if x < limit { x } else { limit };
///     range = (0, limit);
/// }
///
/// activation! {
///     /// Log-softmax, over the whole input, shifted by hand.
///     pub vector struct MyLogSoftmax;
///     f(x) = { let m = max(x); x - m - ln(sum(exp(x - m))) };
/// }
///
/// assert_eq!(Clipped::new(1.0).forward(5.0), 1.0);
/// assert_eq!(Clipped::default().range().max(), 6.0);
/// let mut y = [0.0; 2];
/// MyLogSoftmax.forward_slice(&[1000.0, 1000.0], &mut y);
/// assert_eq!(y, [-std::f64::consts::LN_2; 2]);
/// ```
///
/// Formulas may be written as papers write them; the engine rewrites them into stable forms (the
/// rules are listed in `act_expr`'s `rewrite` module): besides the classic ones (`ln(1 + exp(x))`
/// is softplus), `exp(x) / sum(exp(x))` and `x - ln(sum(exp(x)))` are shifted by `max(x)` (no
/// overflow at `[1000, 0]` or `[1e8, 1e8]`), the log of a max-shifted sum is a `log1p` of the terms
/// below the maximum (log-softmax keeps `-8.76e-8` at `[16.25, 0]`), `exp(x - max(x))` is corrected
/// by the rounding of the difference (exact in the inputs at any spread), `exp(x / p)` of the input
/// over a parameter by the rounding of the quotient (CELU's derivative at any alpha), and an affine
/// `c·u + k` is evaluated as `c·(u - u0) + r` around its rounded root `u0` (Keras's hard sigmoid
/// `clamp(0.2 * x + 0.5, 0, 1)` is exact next to -2.5). Constants are the f64 values of the
/// literals.
///
/// Products are simplified (like factors collected into powers), which can move an overflow:
/// `powi(c * x, n)` becomes `c^n x^n` only where `c^n` is within `2^±64` (so `exp(-powi(x /
/// 1e-200, 2))` is 1 at 0), and never for a parameter factor; but a derivative's factors are
/// collected (the derivative of `1 / (1 + powi(k * x, 2))` holds `powi(k, 2)`), so with a
/// parameter or constant beyond about 1e154 (below 1e-154) such a derivative may be NaN or 0
/// where the exact one is finite. Scale the input by such magnitudes outside the activation.
///
/// Two things the rewrites do not fix, where a formula needs help from its author. An
/// intermediate that overflows makes the result wrong beyond it: `x / sqrt(1 + alpha * x * x)`
/// (ISRLU) is `-0` at `x = -1e200` in f64 (`x * x` overflows beyond 1.3e154; in f32 beyond
/// 1.8e19), where the exact value is -1; write such a formula with a branch for large inputs,
/// as [`Squareplus`] does. And the derivative is the formula's symbolic derivative, simplified
/// term by term, not factored: where two of its terms nearly cancel it loses accuracy (ISRLU's
/// `1/s - alpha x^2 / s^3`, `s = sqrt(1 + alpha x^2)`, is 3400 ULP off at x = -100 in f32,
/// and `properties()` reports this ISRLU not monotonic). Give such a derivative in a stable
/// form with `df(x) = ...`: the macro checks it against its own and uses it.
///
/// The macro looks for both at the default parameters, in `f64` and `f32`, over the tails
/// `1 <= |x| <= 1e300` (`f32`: up to its largest number): where the result its code computes
/// is wrong (NaN or an infinity where the exact value is a number, or off by more than half the
/// exact value), it names the first intermediate that went wrong and the input beyond which
/// the result is wrong, in a `# Numerical limits` section it appends to the type's
/// documentation (a proc macro cannot warn on stable Rust). The ISRLU above without `df` gets
/// "f64: f(x) is wrong for x < -1.4e154: `powi(x, 2)` overflows" and "f32: f'(x) has no
/// correct digit for x beyond about -3800: `1 / sqrt(1 + alpha * powi(x, 2)) - ...` cancels";
/// with its `df`, the first only.
/// `act-cli show --formula "..."` prints the same lines (`act_expr::hazard` has the method).
///
/// ```
/// use act_core::prelude::*;
///
/// activation! {
///     /// ISRLU with a hand-written derivative, `(1 + alpha x^2)^(-3/2)` for x < 0.
///     pub struct Isrlu(alpha = 1.0);
///     f(x) = if x >= 0 { x } else { x / sqrt(1 + alpha * x * x) };
///     df(x) = if x >= 0 { 1 } else { powf(1 + alpha * x * x, -1.5) };
///     where alpha > 0;
/// }
///
/// let d = Isrlu::default().derivative(-100.0f32); // exact 9.99850019e-7
/// assert!((d - 9.998_500_2e-7).abs() <= 4.0 * f32::EPSILON * 1e-6);
/// assert!(Isrlu::default().properties().monotonic);
/// assert_eq!(Isrlu::default().forward(-1e100f64), -1.0);
/// assert_eq!(Isrlu::default().forward(-1e200f64), 0.0); // x * x overflowed: -0, not -1
/// ```
///
/// Mistakes are compile errors on the offending tokens, with a fix: `sigmod(x)` suggests
/// `sigmoid`, `x ^ 2` explains that `^` is XOR and points to `powi`, a wrong `range` or `df`
/// names an input where the formula disagrees and both values.
pub use act_macros::activation;
pub use activation::{
    Activation, BackwardFromOutput, DynActivation, DynGated, Elementwise, Gated, ParamError,
    ParamGradients, ParamInfo, Properties, Saturation, VectorActivation,
};
#[cfg(feature = "ndarray")]
pub use array::{ActivationArray, ElementwiseArray, VectorArray};
pub use builtins::*;
pub use float::Float;
#[cfg(feature = "rayon")]
pub use par::{ParActivation, ParElementwise, ParVectorActivation};
pub use range::Range;

/// Calls `$callback!` with the type names of every built-in:
/// `$callback! { elementwise: [Sigmoid, Tanh, ...], vector: [Softmax] }`. The tests and
/// benchmarks that cover each built-in iterate over this list, which comes from the same
/// table as the registry (`__builtin_table!`), so a new built-in added there is in all of
/// them. Every type in it implements `Default`.
///
/// ```
/// macro_rules! count {
///     (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
///         [$(stringify!($e)),*].len() + [$(stringify!($v)),*].len()
///     };
/// }
/// assert_eq!(act_core::__for_each_builtin!(count), act_core::registry::all().len());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __for_each_builtin {
    ($callback:ident) => {
        $crate::__builtin_table!([$crate::__for_each_builtin] @split $callback [] [])
    };
    // The table's types sorted by kind, then handed to the callback.
    (@split $callback:ident [$($e:ident)*] [$($v:ident)*]) => {
        $callback! { elementwise: [$($e),*], vector: [$($v),*] }
    };
    (@split $callback:ident [$($e:ident)*] [$($v:ident)*]
        $t:ident elementwise $name:literal [$($alias:literal),*], $($rest:tt)*) => {
        $crate::__for_each_builtin!(@split $callback [$($e)* $t] [$($v)*] $($rest)*)
    };
    (@split $callback:ident [$($e:ident)*] [$($v:ident)*]
        $t:ident vector $name:literal [$($alias:literal),*], $($rest:tt)*) => {
        $crate::__for_each_builtin!(@split $callback [$($e)*] [$($v)* $t] $($rest)*)
    };
}

/// Calls `$callback!` with the type names of every gated built-in: `$callback! { Glu, ... }`,
/// from the registry's table (`__gated_table!`). The tests that cover each gated built-in
/// iterate over this list.
#[doc(hidden)]
#[macro_export]
macro_rules! __for_each_gated {
    ($callback:ident) => {
        $crate::__gated_table!([$crate::__for_each_gated] @names $callback)
    };
    (@names $callback:ident $($t:ident $name:literal [$($alias:literal),*],)*) => {
        $callback! { $($t),* }
    };
}

/// Everything a user's crate needs: `use act_core::prelude::*;`.
pub mod prelude {
    pub use crate::activation;
    pub use crate::builtins::*;
    pub use crate::{
        Activation, BackwardFromOutput, Elementwise, Float, Gated, ParamGradients, Properties,
        Range, VectorActivation,
    };
    #[cfg(feature = "ndarray")]
    pub use crate::{ActivationArray, ElementwiseArray, VectorArray};
    #[cfg(feature = "rayon")]
    pub use crate::{ParActivation, ParElementwise, ParVectorActivation};
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
