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

/// Error from [`Activation::set_param`], [`Activation::set_params`],
/// [`Activation::check_params`], their [`Gated`] namesakes and the generated `try_new`.
///
/// ```
/// use act_core::prelude::*;
/// let mut elu = Elu::default();
/// let err = elu.set_param("alpah", 2.0).unwrap_err();
/// assert_eq!(err.to_string(), "unknown parameter 'alpah'; valid parameters: alpha");
/// assert!(elu.set_param("alpha", f64::NAN).is_err());
/// assert_eq!(elu, Elu::default()); // a rejected value changes nothing
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
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
    /// The values break one of the declaration's `where` conditions (for example Hardtanh's
    /// `min_val < max_val`).
    Invalid {
        /// The condition, as declared, e.g. `"min_val < max_val"`.
        condition: &'static str,
        /// Every parameter with the value it would have had.
        params: Vec<(&'static str, f64)>,
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
            ParamError::Invalid { condition, params } => {
                let values: Vec<String> = params
                    .iter()
                    .map(|(n, v)| format!("{n} = {}", short(*v)))
                    .collect();
                write!(
                    f,
                    "parameters must satisfy {condition}, got {}",
                    values.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ParamError {}

/// A parameter value for a message: the shortest decimal that reads back as `v`, in
/// scientific notation far from 1 (`1e300`, not three hundred digits; `2.5e-7`).
fn short(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-5..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Where the derivative of an activation tends to zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saturation {
    /// `f'(x) -> 0` as `x -> -∞`.
    pub left: bool,
    /// `f'(x) -> 0` as `x -> ∞`.
    pub right: bool,
}

/// Shape properties of an activation, found by analysing the formula: by the `activation!`
/// macro at compile time for the declared defaults ([`Activation::PROPERTIES`]), and at run
/// time for other parameter values ([`Activation::properties`]). The analysis samples `f'`
/// on a grid dense over [-16, 16] and logarithmic out to ±1e300, and locates sign changes of
/// the formula's branch conditions by bisection.
///
/// ```
/// use act_core::prelude::*;
/// // LeakyRelu with slope -1 is |x|: not monotonic, and its minimum 0 is reached at 0.
/// let abs = LeakyRelu::new(-1.0);
/// assert!(!abs.properties().monotonic);
/// assert_eq!(abs.range().to_string(), "[0, ∞)");
/// assert!(LeakyRelu::default().properties().monotonic);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Properties {
    /// `f` never decreases or never increases: `f' >= 0` everywhere, or `f' <= 0` everywhere.
    pub monotonic: bool,
    /// Bounded below: the range's infimum is finite. For a `vector` activation whose range is
    /// neither proven by its shape nor declared (see `activation!`'s Metadata), false means
    /// "not known to be bounded", not "unbounded".
    pub bounded_below: bool,
    /// Bounded above (as `bounded_below`, for the supremum).
    pub bounded_above: bool,
    /// `f(0) = 0` and `f` takes both negative and positive values.
    pub zero_centred: bool,
    /// `f` and `f'` are continuous everywhere (no kinks).
    pub smooth: bool,
    /// The inputs where `f` or `f'` jumps, in increasing order.
    pub kinks: std::borrow::Cow<'static, [f64]>,
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
    /// The formula as declared, before the stability rewrites, in the printer's canonical
    /// form: constants folded, products and sums ordered, `0.5 * x` printed as `x / 2`
    /// (`Gelu::FORMULA` is `"x * erfc(-x / sqrt(2)) / 2"`; the code that runs is the stable
    /// form). A subexpression of ten or more nodes that the text would repeat is bound once,
    /// as `{ let v1 = ...; ... }` (a declared `let h` prints as `v1`: names are not kept).
    const FORMULA: &'static str;
    /// The derivative `f'(x)`, simplified (for a vector activation: `∂f/∂x` holding the
    /// reductions fixed). Where the declaration gives `textbook(x)`, these two are the
    /// textbook formula and its derivative, and [`IMPLEMENTATION`](Activation::IMPLEMENTATION)
    /// holds what the code computes.
    const DERIVATIVE: &'static str;
    /// Where the declaration gives `textbook(x) = ...` (the formula as papers write it, `f`
    /// being an implementation of it: scaled, split into branches): the formula and the
    /// derivative the code computes, printed as [`FORMULA`](Activation::FORMULA) is
    /// (`Squareplus`'s scaled square root); `None` otherwise.
    const IMPLEMENTATION: Option<(&'static str, &'static str)> = None;
    /// The parameters and their defaults, in declaration order.
    const PARAMS: &'static [ParamInfo];
    /// Shape properties at the default parameters.
    const PROPERTIES: Properties;
    /// The declaration's `where` conditions on the parameters, as written (e.g.
    /// `["min_val < max_val"]`); empty when every finite value is allowed.
    const CONDITIONS: &'static [&'static str];
    /// True for a `vector` activation (softmax-like: each output depends on the whole input).
    const IS_VECTOR: bool;

    /// The parameters with their current values.
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// Sets a parameter by name. The value must be finite and, with the others, meet the
    /// declaration's conditions ([`Activation::CONDITIONS`]); otherwise `self` is unchanged and
    /// the error says why.
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// Sets several parameters at once and checks the conditions on the result, so that
    /// `min_val = 2, max_val = 5` can be set on a Hardtanh whose `max_val` is 1. On error
    /// `self` is unchanged.
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError>;
    /// Checks the current values (the fields are public, so they may have been set
    /// directly): finite, and meeting [`Activation::CONDITIONS`].
    fn check_params(&self) -> Result<(), ParamError>;
    /// The range for the current parameter values: the compile-time result at the defaults,
    /// otherwise found at run time by the same analysis (about 0.55 ms in an optimised build,
    /// `cargo bench -p act-benches --bench metadata`; tens of ms in a debug build; keep the result
    /// if you need it often). Declared bounds are used where they agree with the analysis.
    fn range(&self) -> Range;
    /// Shape properties for the current parameter values (see [`Properties`]; computed at run
    /// time like [`Activation::range`] when the parameters are not the defaults).
    fn properties(&self) -> Properties;
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
/// element with the plan of the slice loops. In `f64`, and in `f32` for activations outside the
/// sigmoid family, they call the slice loops' kernels in the build the slice loops use on this
/// CPU (see [`crate::dispatch`]), so `forward(x)` equals `forward_slice(&[x])` bit for bit; a
/// call costs a check of the build, a function call (the kernel is compiled for AVX2 + FMA, so
/// it cannot be inlined into code built for the baseline target) and the kernel.
///
/// In `f32` the sigmoid family (`sigmoid`, `sigmoid'`, and SiLU and its derivative, which the
/// code generator forms from `x * sigmoid(x)`) has kernels of its own for one element, used
/// by the activations that call them (sigmoid and swish, and the derivatives of softplus and
/// log-sigmoid): `e^-x` in `f64` from a 32-entry table of powers of two and a cubic (Tang's
/// method), then `1 / (1 + e)`, `e / (1 + e)^2`, `x / (1 + e)` or `(1 + e (1 + x)) / (1 + e)^2`
/// in `f64`, rounded to `f32` once: within 0.51 ULP (every 16th `f32` input, against an `f64`
/// reference), except swish' near its root at x = -1.28, where the error is measured against
/// the function's scale: within 0.06 eps there. The slice kernels, over the same inputs, reach
/// 2.4 ULP (sigmoid), 3.4 (sigmoid', baseline build; 2.0 with FMA), 3.1 (swish) and 3.8
/// (swish', baseline; 3.5 with FMA). A table
/// lookup is one load for one element but a slow gather in a vector loop, so the slices keep
/// their own kernels, and the two may differ by a few ULP: `tests/dispatch.rs` holds them
/// within 2 ULP, or within 8 eps in absolute terms (swish' near its root at x = -1.28, where
/// the slice kernel's terms cancel and a tiny result is many ULP apart). Both stay within
/// the crate's bounds. These kernels use no fused multiply-add: a method whose formula calls
/// no other kernel (sigmoid, swish) gives the same bits in every build, skips the build
/// check and inlines into the caller's loop, and for sigmoid and swish (value and
/// derivative) that loop has neither a call nor a branch, so the compiler can vectorise it.
///
/// Speed in a loop over elements, against the naive formula written with `std`/`libm`
/// (`1 / (1 + (-x).exp())` with glibc's `expf`, `tanhf`, libm's `erfcf`) called the same way,
/// over 1M `f32` on x86-64 with AVX-512 (2026-11-30; interleaved rounds of
/// `benches/src/bin/scalar_ratio.rs`, and criterion's `benches/benches/scalar.rs`):
/// - in `ndarray`'s `mapv` (the same holds for an iterator `map(..).collect()` or a `for` loop
///   over two slices passed to a function, which the compiler sees the same way): sigmoid
///   and swish 1.4-1.6x faster, values and derivatives (the compiler vectorises act's loop;
///   glibc's `expf` is a call it cannot), tanh 2.4-3.1x and GELU 2.1-2.8x;
/// - in a loop the compiler leaves one element at a time (one whose output it cannot prove
///   distinct from its input, or with other work it cannot vectorise): tanh and GELU still
///   2.1-3.7x faster, but sigmoid at 0.9x, swish at 0.9x and swish' at 0.8x: glibc's `expf`
///   is a chain as short as act's one-element kernel, and act adds an `f64` division (its
///   0.51 ULP against the naive formula's 1.5) and the clamps that keep the tails exact.
///
/// Prefer the slice methods ([`forward_slice`](Activation::forward_slice),
/// [`forward_in_place`](Elementwise::forward_in_place),
/// [`derivative_slice`](Elementwise::derivative_slice),
/// [`backward_slice`](Activation::backward_slice)) whenever the inputs are in a contiguous
/// slice, from a few elements on: they run the same kernels 8 or 16 lanes at a time (AVX2,
/// AVX-512), faster per element than any loop of scalar calls, the naive one included
/// (sigmoid, same machine: about 3 elements per ns with `forward_slice`, 0.6 with act's
/// scalar method in `mapv`, 0.37 with the naive formula).
/// For an `ndarray` array, call `forward_array` (feature `ndarray`, any layout) rather than
/// `mapv(|v| act.forward(v))`. Keep the scalar methods for values that come one at a time, or
/// inside a computation that is not a loop over a slice.
///
/// ```
/// use act_core::prelude::*;
/// let x = [-1.0f32, 0.5, 2.0];
/// let mut y = [0.0f32; 3];
/// Gelu.forward_slice(&x, &mut y); // the fast way for a slice
/// let one_by_one: Vec<f32> = x.iter().map(|&v| Gelu.forward(v)).collect();
/// assert_eq!(one_by_one, y); // the same bits
///
/// // f32 sigmoid: the one-element kernel, within an ULP of the slice kernel
/// Sigmoid.forward_slice(&x, &mut y);
/// for (&v, &s) in x.iter().zip(&y) {
///     assert!((Sigmoid.forward(v) - s).abs() <= f32::EPSILON * s);
/// }
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
    /// Panics if `x.len() != y.len()` or the length is not a multiple of `cols` (`cols = 0`
    /// with a non-empty `x` included; an empty `x` is zero rows).
    fn forward_rows<F: Float>(&self, x: &[F], cols: usize, y: &mut [F]);
    /// Vector-Jacobian product for each row: `grad_x = J^T grad_y` row by row, all three
    /// slices row-major `rows × cols`. Panics if the lengths differ or are not whole rows
    /// (as [`VectorActivation::forward_rows`]).
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
    /// See [`Activation::IMPLEMENTATION`].
    fn implementation(&self) -> Option<(&'static str, &'static str)> {
        None
    }
    /// See [`Activation::PARAMS`].
    fn param_info(&self) -> &'static [ParamInfo];
    /// See [`Activation::params`].
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// See [`Activation::set_param`].
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// See [`Activation::set_params`]. The default sets the values one by one, which a
    /// declaration with conditions overrides to check them together.
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError> {
        values
            .iter()
            .try_for_each(|&(name, value)| self.set_param(name, value))
    }
    /// See [`Activation::CONDITIONS`]; the default has none.
    fn conditions(&self) -> &'static [&'static str] {
        &[]
    }
    /// See [`Activation::range`].
    fn range(&self) -> Range;
    /// See [`Activation::properties`].
    fn properties(&self) -> Properties;
    /// See [`Activation::IS_VECTOR`].
    fn is_vector(&self) -> bool;
    /// Values and derivatives over `x`: for an elementwise activation `f(x[i])` and `f'(x[i])`;
    /// for a vector activation `f(x)` and the diagonal of its Jacobian (NaN where the value
    /// is NaN: a row holding NaN).
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]);
}

/// A gated activation: `y = f(a, b)` element by element over two inputs (GLU and its variants:
/// SwiGLU, GEGLU, ReGLU). Implemented by `activation!` for a `gated struct`.
///
/// The usual layout is one tensor whose last dimension holds both halves, `[a | b]`
/// (PyTorch `glu(x, dim=-1)`): [`forward_halves`](Gated::forward_halves) and
/// [`backward_halves`](Gated::backward_halves) take that layout directly.
///
/// Accuracy (the built-ins and a parametric declaration, checked against mpmath in
/// `act-core/tests/gated.rs`, with the data of `scripts/gen_gated_reference.py`): values and
/// both partials within 4 ULP of the exact result, f32 and f64, tails included (GeGlu: `4 + κ`
/// as [`Gelu`](crate::Gelu); near the interior root of `∂f/∂a`, an absolute error of
/// `8 eps · |b|`), where a first product of `a` is in the normal range or `|b| <= 1` (a
/// subnormal `a`, or `sigmoid'(beta a) a^2` in a parameter partial such as `∂/∂beta` of
/// `a * sigmoid(beta * a) * b`, is rounded in the subnormal range and then scaled up by `b`).
/// `|a · b|` may overflow: the exponentially small factor of a tail (`sigmoid(a)`,
/// `sigmoid'(a)`, GEGLU's `exp(-a^2 / 2)`) is multiplied in first, so `SwiGlu.partials(1e10,
/// 1e300)` is `(1e300, 1e10)`, not `∞ · 0`. That factor is carried scaled by 2^64 (f32: 2^32):
/// it keeps its precision down to 2^-1086 (f32: 2^-158; SwiGLU's `a` above -752), has fewer
/// bits below and is 0 below 2^-1139 (`a` below -789), which matters only where `|a · b|`
/// exceeds 2^64 (f32: 2^32): `SwiGlu.forward(-800.0, 1e300)` is -0, exactly -2.9e-45.
/// (SwiGLU's forward pass carries `silu(a)` itself, in f32 by 2^64 below `a = -69` and by
/// 2^149 below -131: precise wherever the result is normal, and within its subnormal spacing
/// below. GEGLU's forward pass carries `gelu(a)` itself, in f32 by 2^32 below `a = -10`:
/// precise down to -14.7 and 0 below. GLU's `sigmoid'(b)` in f32 is carried by 2^64, as its forward
/// pass's `sigmoid(b)`: precise down to 2^-190, 0 below. SwiGLU's and GEGLU's `∂f/∂a` are
/// `b silu'(a)` and `b gelu'(a)`, the derivative from one kernel with `∂f/∂b` and carried
/// scaled in its negative tail: SwiGLU's by 2^64 from `a = -665` (f32: -69, with FMA precise
/// down to `a = -131` and 0 below), GEGLU's as `exp(-a^2 / 2)` (f32: by 2^32 from `a = -10`,
/// precise down to -14.7 and 0 below).) A parameter partial
/// whose result is itself below the normal range may be off by up to 8 subnormal spacings
/// (`8 · 2^-1074` in f64, `8 · 2^-149` in f32; 7.4 measured): one of its partial products
/// (with a subnormal `b`, say) is rounded there before a factor above 1 scales it up.
/// NaN in either input
/// gives NaN; at an infinite input the result is the limit where it exists
/// (`SwiGlu.forward(-∞, 2) = 0`).
///
/// ```
/// use act_core::prelude::*;
///
/// // SwiGLU: silu(a) * b.
/// assert_eq!(SwiGlu.forward(0.0, 3.0), 0.0);
/// let (da, db) = SwiGlu.partials(1.0f64, 2.0);
/// assert!((db - 0.7310585786300049).abs() < 1e-16); // silu(1)
/// assert!((da - 2.0 * 0.9276705118714867).abs() < 1e-15); // b * silu'(1)
///
/// // Two rows of [a | b] with 2 columns each.
/// let x = [1.0f32, 2.0, 3.0, 4.0, /* row 2 */ 0.0, 0.0, 5.0, 6.0];
/// let mut y = [0.0f32; 4];
/// SwiGlu.forward_halves(&x, 2, &mut y);
/// assert_eq!(y[0], SwiGlu.forward(1.0f32, 3.0));
/// assert_eq!(y[2], 0.0);
/// ```
pub trait Gated: Copy + core::fmt::Debug + Default + PartialEq + Send + Sync + 'static {
    /// The type's name, e.g. `"SwiGlu"`.
    const NAME: &'static str;
    /// The two input names as declared, e.g. `["a", "b"]`.
    const INPUTS: [&'static str; 2];
    /// The formula as declared, before the stability rewrites, in the printer's canonical
    /// form (constants folded, `0.5 * a` printed as `a / 2`).
    const FORMULA: &'static str;
    /// `∂f/∂a` and `∂f/∂b`, simplified.
    const PARTIALS: [&'static str; 2];
    /// The parameters and their defaults, in declaration order.
    const PARAMS: &'static [ParamInfo];
    /// `∂f/∂θ_k` for each parameter, simplified, in [`PARAMS`](Gated::PARAMS) order.
    const PARAM_DERIVATIVES: &'static [&'static str];
    /// The declaration's `where` conditions on the parameters, as written (e.g.
    /// `["lo < hi"]`); empty when every finite value is allowed. As for
    /// [`Activation::CONDITIONS`]: the macro refuses defaults that break them, the generated
    /// `new` panics (at compile time in a `const`) on values that break them, and `try_new`,
    /// [`set_param`](Gated::set_param) and [`set_params`](Gated::set_params) return the error.
    const CONDITIONS: &'static [&'static str];

    /// The parameters with their current values.
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// Sets a parameter by name. The value must be finite and, with the others, meet the
    /// declaration's conditions ([`Gated::CONDITIONS`]); otherwise `self` is unchanged and the
    /// error says why.
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// Sets several parameters at once and checks the conditions on the result, so that
    /// `lo = 2, hi = 5` can be set where `hi` is 1. On error `self` is unchanged.
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError>;
    /// Checks the current values (the fields are public, so they may have been set
    /// directly): finite, and meeting [`Gated::CONDITIONS`].
    fn check_params(&self) -> Result<(), ParamError>;
    /// `f(a, b)`.
    fn forward<F: Float>(&self, a: F, b: F) -> F;
    /// `(∂f/∂a, ∂f/∂b)` at `(a, b)`.
    fn partials<F: Float>(&self, a: F, b: F) -> (F, F);
    /// `y[i] = f(a[i], b[i])`. Panics if the lengths differ.
    fn forward_slice<F: Float>(&self, a: &[F], b: &[F], y: &mut [F]);
    /// The vector-Jacobian product: `grad_a[i] = grad_y[i] ∂f/∂a(a[i], b[i])` and
    /// `grad_b[i] = grad_y[i] ∂f/∂b(a[i], b[i])`. Panics if the lengths differ.
    fn backward_slice<F: Float>(
        &self,
        a: &[F],
        b: &[F],
        grad_y: &[F],
        grad_a: &mut [F],
        grad_b: &mut [F],
    );
    /// `x` is row-major `rows × 2·cols`, each row `[a | b]` (PyTorch `glu(x, dim=-1)`); `y` is
    /// `rows × cols`. Panics if `x.len() != 2 · y.len()` or the lengths are not whole rows.
    fn forward_halves<F: Float>(&self, x: &[F], cols: usize, y: &mut [F]);
    /// The backward pass of [`forward_halves`](Gated::forward_halves): `grad_y` is
    /// `rows × cols`, `grad_x` is `rows × 2·cols` laid out as `x`.
    fn backward_halves<F: Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]);
    /// `d[k] = ∂f/∂θ_k (a, b)`. Panics unless `d.len() == PARAMS.len()`.
    fn param_derivatives<F: Float>(&self, a: F, b: F, d: &mut [F]);
    /// `grad_params[k] = Σ_i grad_y[i] ∂f/∂θ_k (a[i], b[i])`, overwritten. The sum is
    /// accumulated in f64 with compensation (Neumaier), so that it keeps its accuracy over
    /// millions of terms. Panics if the lengths differ or `grad_params.len() != PARAMS.len()`.
    fn backward_params<F: Float>(&self, a: &[F], b: &[F], grad_y: &[F], grad_params: &mut [F]);
}

/// Gradients with respect to the parameters of an elementwise activation (learnable
/// activations such as [`PRelu`](crate::PRelu)). Implemented by `activation!` for every
/// elementwise declaration; one without parameters has empty lists.
///
/// ```
/// use act_core::prelude::*;
///
/// let prelu = PRelu::default(); // alpha = 0.25
/// assert_eq!(PRelu::PARAM_DERIVATIVES, &["if x > 0 { 0 } else { x }"]);
/// let mut d = [0.0];
/// prelu.param_derivatives(-3.0, &mut d);
/// assert_eq!(d, [-3.0]);
/// // The gradient of a loss with respect to alpha, over a batch.
/// let mut grad_alpha = [0.0f32];
/// prelu.backward_params(&[-1.0f32, 2.0, -4.0], &[1.0, 1.0, 0.5], &mut grad_alpha);
/// assert_eq!(grad_alpha, [-3.0]);
/// ```
pub trait ParamGradients: Elementwise {
    /// `∂f/∂θ_k` for each parameter, simplified, in [`Activation::PARAMS`] order.
    const PARAM_DERIVATIVES: &'static [&'static str];
    /// `d[k] = ∂f/∂θ_k (x)`. Panics unless `d.len() == PARAMS.len()`.
    fn param_derivatives<F: Float>(&self, x: F, d: &mut [F]);
    /// `grad_params[k] = Σ_i grad_y[i] ∂f/∂θ_k (x[i])`, overwritten. The sum is accumulated
    /// in f64 with compensation (Neumaier), so that it keeps its accuracy over millions of
    /// terms. Panics if the lengths differ or `grad_params.len() != PARAMS.len()`.
    fn backward_params<F: Float>(&self, x: &[F], grad_y: &[F], grad_params: &mut [F]);
}

/// Object-safe view of a gated activation, in `f64`, for tools that pick one at run time.
/// Implemented by `activation!`.
pub trait DynGated: Send + Sync + core::fmt::Debug {
    /// See [`Gated::NAME`].
    fn name(&self) -> &'static str;
    /// The first paragraph of the declaration's doc comment.
    fn summary(&self) -> &'static str;
    /// See [`Gated::INPUTS`].
    fn inputs(&self) -> [&'static str; 2];
    /// See [`Gated::FORMULA`].
    fn formula(&self) -> &'static str;
    /// See [`Gated::PARTIALS`].
    fn partial_formulas(&self) -> [&'static str; 2];
    /// See [`Gated::PARAMS`].
    fn param_info(&self) -> &'static [ParamInfo];
    /// See [`Gated::params`].
    fn params(&self) -> Vec<(&'static str, f64)>;
    /// See [`Gated::set_param`].
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// See [`Gated::set_params`]. The default sets the values one by one, which a declaration
    /// with conditions overrides to check them together.
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError> {
        values
            .iter()
            .try_for_each(|&(name, value)| self.set_param(name, value))
    }
    /// See [`Gated::CONDITIONS`]; the default has none.
    fn conditions(&self) -> &'static [&'static str] {
        &[]
    }
    /// `(f(a, b), ∂f/∂a, ∂f/∂b)`.
    fn eval(&self, a: f64, b: f64) -> (f64, f64, f64);
}

/// The backward pass of a vector activation from its saved output: training loops keep `y`
/// from the forward pass and need not keep `x` (PyTorch's `_softmax_backward_data`).
/// Implemented by `activation!` for a `vector` declaration with a `vjp(y, g) = ...;` clause,
/// which the macro checks against its own derivative of the formula.
///
/// ```
/// use act_core::prelude::*;
///
/// let x = [1.0f64, 2.0, 3.0];
/// let g = [0.5, -1.0, 0.25];
/// let mut y = [0.0; 3];
/// Softmax.forward_slice(&x, &mut y);
/// let (mut from_x, mut from_y) = ([0.0; 3], [0.0; 3]);
/// Softmax.backward_slice(&x, &g, &mut from_x);
/// Softmax.backward_from_output(&y, &g, &mut from_y);
/// for (a, b) in from_x.iter().zip(&from_y) {
///     assert!((a - b).abs() < 1e-16);
/// }
/// assert_eq!(Softmax::VJP, "y * (g - sum(y * g))");
/// ```
pub trait BackwardFromOutput: VectorActivation {
    /// The declared `vjp(y, g)` clause, simplified: the vector-Jacobian product in terms of
    /// the output element `y`, the gradient element `g` and sums over them.
    const VJP: &'static str;
    /// `grad_x = J^T grad_y` from the output `y = f(x)`. Panics if the lengths differ.
    fn backward_from_output<F: Float>(&self, y: &[F], grad_y: &[F], grad_x: &mut [F]);
    /// [`backward_from_output`](BackwardFromOutput::backward_from_output) for each row of a
    /// row-major `rows × cols` batch. Panics if the lengths differ or are not whole rows.
    fn backward_rows_from_output<F: Float>(
        &self,
        y: &[F],
        cols: usize,
        grad_y: &[F],
        grad_x: &mut [F],
    );
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn parameter_values_in_messages_are_short() {
        assert_eq!(short(1e300), "1e300");
        assert_eq!(short(-2.5e-7), "-2.5e-7");
        assert_eq!(short(1e15), "1000000000000000");
        assert_eq!(short(1e16), "1e16");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(-0.1), "-0.1");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(f64::NAN), "NaN");
        assert_eq!(short(f64::NEG_INFINITY), "-inf");
    }
}
