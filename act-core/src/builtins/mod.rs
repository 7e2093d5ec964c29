//! The built-in activations, each declared with [`activation!`](crate::activation) from its
//! textbook formula. The macro turns the formulas into stable code (e.g. the article's
//! `1 / (1 + exp(-x))` runs as a sigmoid that never overflows), derives the derivatives and
//! computes the metadata.
//!
//! Every value and derivative is within 4 ULP of the exact value over the whole real line, f32
//! and f64, on the mpmath grids of `act-core/tests/accuracy.rs` (its criterion), with these
//! stated allowances and exceptions:
//!
//! - GELU-tanh: in `f32` its value and derivative are kernels that carry the cubic argument
//!   `2u = 2 sqrt(2/π) (x + 0.044715 x^3)` in two parts into one exponential and evaluate the
//!   derivative in closed form (see [`GeluTanh`]): both are held to 4 ULP with no allowance.
//!   In `f64` the argument's rounding error is computed in double-word arithmetic and
//!   `sigmoid(2u)` and `sigmoid'(2u)` are corrected by it to first order; two allowances
//!   remain there, of 4 ULP plus the condition number κ: the derivative (`κ = |x f''(x) /
//!   f'(x)|`), whose two terms cancel in the middle range; and the value (`κ = |x f'(x) /
//!   f(x)|`, about x² in the left tail): there `sigmoid(2u)` multiplies the relative error of
//!   `2u` by `|2u|` (up to 700). The literal 0.044715, which `f64` does not hold, enters as a
//!   double-double of its exact decimal value (its rounding had cost 296 ULP at x = -21.1); a
//!   smaller error of the same kind remains, within the allowance.
//! - GELU: its argument `-x / sqrt(2)` is never rounded (and `x^2` is split exactly in its
//!   derivative): GELU is held to 4 ULP with no allowance, f32 and f64.
//! - Derivatives with an interior root (Swish, GELU, GELU-tanh, Mish, HardSwish): within
//!   8 eps absolute where `|f'| <= 1/4` within 1.5 of the root, where `f'` is a difference of
//!   terms of size 0.2-0.5.
//! - Results below the smallest normal number are subnormal numbers, never flushed to 0 (see
//!   [`crate::math`]); their error is counted in the subnormal spacing (`1 / u^2` is formed
//!   so that `u^2` may overflow: Softsign's derivative is subnormal, not 0, beyond
//!   |x| = 1.8e19 in f32), a quotient with two denominators divides by each in turn (their
//!   product could overflow), and power-of-two scale factors are applied last (Squareplus's
//!   derivative is the subnormal `b / (4 x^2)`, not 0, below x = -1.8e19 in f32).
//! - Parameters that scale the exponential's argument or result: CELU's `exp(x / alpha)`
//!   carries the quotient's rounding error into the exponential, so it is held to 4 ULP for
//!   every alpha (tested at alpha = 3 too, see [`Celu`]); ELU's `alpha exp(x)` is 0 where
//!   `exp(x)` underflows, also for a huge alpha (see [`Elu`]). The accuracy tests hold the
//!   default parameters, and CELU at alpha = 3, to 4 ULP.
//! - Parameter partials ([`ParamGradients`](crate::ParamGradients)) are held to the same
//!   4 ULP, except Celu's ∂f/∂alpha near 0: an absolute error of eps · min(1, |x/alpha|)
//!   (see [`Celu`]).
//! - The exhaustive `f32` check (every 16th input, `benches/RESULTS.md`) finds nothing beyond
//!   these bounds (CI runs every 4096th input with `--max-ulp 4`). Checked over every f32
//!   input: GELU-tanh is within 2.87 ULP (value) and 3.95 ULP (derivative), GELU within
//!   3.61 ULP (3.43 with FMA), Squareplus within 2.75 and 3.37; Mish's derivative,
//!   computed by a kernel of its own, within 0.50 ULP (1.87 ULP in the FMA builds since its
//!   exponential became the `f32` one; `benches/RESULTS.md`). Softplus', LogSigmoid's and Mish's
//!   values have been replaced since by lean kernels: over every input of the AVX-512 build,
//!   within 2.80, 2.80 and 3.25 ULP.
//! - A product by a parameter that can grow without bound ([`Selu`]'s `scale x`,
//!   [`LeakyRelu`]'s and [`PRelu`](crate::builtins::PRelu)'s `alpha x`, [`Celu`]'s
//!   `alpha (exp(x / alpha) - 1)`, whose alpha may be negative) rounds once in `f32` where
//!   rounding the parameter (an `f64`) to `f32` first could carry it across the overflow
//!   threshold (SELU's value at x = 3.2386221e38 was `inf`, where `scale x` = 3.402823489e38
//!   rounds to `f32::MAX`) or leave it short of it (leaky ReLU with alpha = 1 + 3e-8 gave
//!   `-f32::MAX` at `-f32::MAX`): with `FMA` as `fma(x, h, x l)`, `p = h + l` (two
//!   instructions where the plain product takes one), without it in `f64`
//!   (`FloatKernels::__mul_param`). That is needed only for a parameter that is not an `f32`
//!   and exceeds 1 in magnitude (or lies below 2^-126): for the others, the defaults of leaky
//!   ReLU (0.1), PReLU (0.25) and CELU (1) among them, the plain product is as right (exact,
//!   or unable to reach the threshold and within 1.5 ULP; `FloatKernels::__plain_param`), and
//!   the slice loops and scalar methods, choosing once per call, run the plain code, the same
//!   as before the change. The products that stay bounded (ELU's `alpha (exp(x) - 1)` for
//!   x <= 0, the derivatives' `scale` and `alpha exp(x)`) keep the plain product, within an
//!   ULP. Two or more parameter factors multiply in `f64` and round to `f32` once (SELU's
//!   `scale alpha`). Over every `f32` input, each build: SELU's value within 2.52 ULP
//!   (x = -0.818; -0.824 with FMA), its derivative within 1.84 (2.77 and 2.11 before, with
//!   `scale` and `alpha` each rounded to `f32`).
//! - Parameters beyond `f32`'s range: the `f32` code rounds each parameter, and each product
//!   of parameters formed in `f64` (SELU's `scale alpha`), to `f32`, where one beyond `f32`'s
//!   range becomes ±∞ (`Elu { alpha: 1e300 }` gave `∞ · 0 = NaN` at 0, leaky ReLU NaN at 0,
//!   CELU NaN for every x <= 0, SELU with `alpha = scale = 1e20` NaN at 0) and one below
//!   its normal range 0 or a subnormal with few bits (CELU with alpha = 1e-300 gave NaN, leaky
//!   ReLU with alpha = 1e-40 was 1e-5 off at x = -1e30). So every generated method of `f32`
//!   (value, derivative, their slices, in place, backward, parameter gradients; gated ones
//!   too) tests once per call that each parameter constant its code uses is 0 or rounds to a
//!   normal `f32` (`FloatKernels::__param_in_range`); where one does not, it runs the `f64`
//!   code on arguments widened to `f64` and rounds each result once (the backward pass's
//!   `g f'(x)` and the parameter gradients' sums are formed in `f64` too). The results are
//!   then the `f64` code's, within 4 ULP of `f32` (tested at ±1e39, ±1e300, ±`f64::MAX` and
//!   ±1e-300 for every parametric built-in, `act-core/tests/param_range.rs`), with the
//!   `f64` code's own limits: CELU's value where `x / alpha` underflows `f64` (|alpha| near
//!   1e300 at |x| = 1e-40: -0 for -1e-40), ELU's derivative where `exp(x)` does (see [`Elu`]).
//!   Cost: one test per call with the parameters in range, nothing per element (the same
//!   loops); otherwise the `f64` loop, a widened copy of each slice and the conversions,
//!   several times slower. `half::f16` and `bf16` run the `f32` code, its test included.
//!
//! NaN gives NaN, ±∞ gives the limits (elementwise; a softmax row holding +∞ gives NaN, see
//! [`Softmax`]).

use crate::activation;

activation! {
    /// Logistic sigmoid: squashes any input into (0, 1).
    ///
    /// - f(x) = 1 / (1 + exp(-x))
    /// - f'(x) = sigmoid(x) * (1 - sigmoid(x)), computed as e / (1 + e)^2 with e = exp(-|x|),
    ///   so it stays accurate in the tails (f'(40) = 4.248e-18, where 1 - σ rounds to 0)
    /// - range (0, 1); no parameters. PyTorch `sigmoid`, JAX `nn.sigmoid`, Keras `sigmoid`.
    ///
    /// Use it for the output of a binary classifier (one unit) or a multilabel one (one unit
    /// per label), paired with a binary cross-entropy on logits; and for gates (LSTM, GRU).
    /// In hidden layers it saturates and its gradient is at most 1/4: prefer ReLU there.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Sigmoid.forward(0.0), 0.5);
    /// assert_eq!(Sigmoid.derivative(0.0), 0.25);
    /// assert!(Sigmoid.derivative(40.0f64) > 4.2e-18); // frameworks return 0 here
    /// assert_eq!(Sigmoid.range().to_string(), "(0, 1)");
    /// ```
    pub struct Sigmoid;
    f(x) = 1 / (1 + exp(-x));
    range = (0, 1);
}

activation! {
    /// Hyperbolic tangent: a zero-centred sigmoid with range (-1, 1).
    ///
    /// - f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)), computed as tanh(x) (no overflow)
    /// - f'(x) = 1 - tanh(x)^2, computed as 4e / (1 + e)^2 with e = exp(-2|x|)
    /// - range (-1, 1); no parameters.
    ///
    /// Use it in recurrent networks (RNN, LSTM and GRU cell states), and for outputs bounded
    /// in (-1, 1) (a GAN generator's pixels). Initialise with Glorot/Xavier.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Tanh.forward(0.0), 0.0);
    /// assert_eq!(Tanh.derivative(0.0), 1.0);
    /// assert!(Tanh.derivative(20.0f64) > 0.0); // 1 - tanh^2 would give 0
    /// assert_eq!(Tanh.range().to_string(), "(-1, 1)");
    /// ```
    pub struct Tanh;
    f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x));
    range = (-1, 1);
}

activation! {
    /// Softmax: turns a vector of scores into probabilities that sum to 1.
    ///
    /// - y_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x)) (shifting by the maximum keeps it
    ///   finite for any input: `[1000, 710, 709, -3]` works)
    /// - Jacobian: dy_i/dx_j = y_i (δ_ij - y_j);
    ///   [`backward_slice`](crate::Activation::backward_slice) computes the vector-Jacobian product
    ///   in O(n) without forming it
    /// - range (0, 1] per component: one element gives exactly 1, and at wide spreads
    ///   computed entries round to exactly 0 or 1 (`[1000, 0]` gives `[1, 0]`). An empty
    ///   input gives an empty output, and a row of all -∞ gives NaN (no distribution is
    ///   defined). A row holding +∞ gives
    ///   NaN too: its limit (equal shares for the +∞ entries, 0 elsewhere) is not taken, as
    ///   in PyTorch; clamp the scores first if they can overflow.
    /// - exact in the inputs: `exp(x - max(x))` is corrected by the rounding of the
    ///   difference, so the error stays within 4 ULP plus the sum's rounding at any spread.
    ///
    /// Use it for the output layer of a multiclass classifier, one unit per class, with the
    /// cross-entropy computed on the logits (log-softmax) rather than on these probabilities.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// let mut y = [0.0; 3];
    /// Softmax.forward_slice(&[0.0, 0.0, 0.0], &mut y);
    /// assert!(y.iter().all(|&p| (p - 1.0 / 3.0).abs() < 1e-16));
    /// let mut batch = [0.0f32; 4];
    /// Softmax.forward_rows(&[1000.0, 1000.0, -5.0, -5.0], 2, &mut batch);
    /// assert_eq!(batch, [0.5; 4]);
    /// let mut two = [0.0f64; 2];
    /// Softmax.forward_slice(&[1000.0, 0.0], &mut two);
    /// assert_eq!(two, [1.0, 0.0]); // the bounds, reached by rounding
    /// ```
    pub vector struct Softmax;
    f(x) = { let e = exp(x - max(x)); e / sum(e) };
    range = (0, 1);
    vjp(y, g) = y * (g - sum(g * y));
}

activation! {
    /// Rectified linear unit: max(0, x).
    ///
    /// - f(x) = max(0, x)
    /// - f'(x) = 1 for x > 0, else 0 (f'(0) = 0, as PyTorch, JAX and Keras)
    /// - range [0, ∞); no parameters.
    ///
    /// The default for hidden layers of MLPs and CNNs: cheap, no saturation for x > 0. Use He
    /// (Kaiming) initialisation. Units whose input stays negative stop learning ("dying
    /// ReLU"): try [`LeakyRelu`] or [`Elu`] then.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Relu.forward(-2.0), 0.0);
    /// assert_eq!(Relu.forward(3.5f32), 3.5);
    /// assert_eq!(Relu.derivative(0.0), 0.0);
    /// assert_eq!(Relu.range().to_string(), "[0, ∞)");
    /// ```
    pub struct Relu;
    f(x) = max(0, x);
    range = (0, inf);
}

activation! {
    /// Leaky ReLU: x for x > 0, alpha·x otherwise, so negative inputs keep a gradient.
    ///
    /// - f(x) = x if x > 0, else alpha * x
    /// - f'(x) = 1 if x > 0, else alpha (f'(0) = alpha, as PyTorch)
    /// - range (-∞, ∞) for alpha > 0.
    /// - default alpha = 0.1, the slope of the article this crate follows. The frameworks
    ///   differ: PyTorch `LeakyReLU` and JAX `leaky_relu` use 0.01, Keras `LeakyReLU` 0.3
    ///   (Keras 3's `leaky_relu` function 0.2). Set it with `LeakyRelu::new(0.01)`.
    ///
    /// Use it in hidden layers where ReLU units die. He initialisation with
    /// gain sqrt(2 / (1 + alpha^2)).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(LeakyRelu::default().alpha, 0.1);
    /// assert_eq!(LeakyRelu::default().forward(-2.0), -0.2);
    /// assert_eq!(LeakyRelu::new(0.01).derivative(-1.0), 0.01);
    /// assert_eq!(LeakyRelu::default().derivative(0.0), 0.1);
    /// ```
    pub struct LeakyRelu(alpha = 0.1);
    f(x) = if x > 0 { x } else { alpha * x };
    range = (-inf, inf);
}

activation! {
    /// Exponential linear unit: x for x > 0, alpha·(exp(x) - 1) otherwise.
    ///
    /// - f(x) = x if x > 0, else alpha * expm1(x) (exp(x) - 1 is computed without
    ///   cancellation near 0)
    /// - f'(x) = 1 if x > 0, else alpha * exp(x). Where exp(x) underflows (below x = -745 in
    ///   f64, -104 in f32) the derivative is 0 (or alpha times a subnormal) even where alpha
    ///   exp(x) is normal, for |alpha| far above 1 (alpha = 1e300 at x = -1000: 0 for 5.1e-135)
    /// - range (-alpha, ∞); default alpha = 1 (PyTorch, JAX and Keras agree).
    ///
    /// Smooth for alpha = 1, negative outputs push mean activations towards zero. Use it in
    /// hidden layers as an alternative to ReLU; He initialisation.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Elu::default().forward(2.0), 2.0);
    /// assert_eq!(Elu::default().forward(f64::NEG_INFINITY), -1.0);
    /// assert_eq!(Elu::new(2.5).range().min(), -2.5);
    /// ```
    pub struct Elu(alpha = 1.0);
    f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };
    range = (-alpha, inf);
}

activation! {
    /// Scaled exponential linear unit (Klambauer et al., 2017): a scaled ELU whose constants
    /// make activations self-normalising (mean 0, variance 1) through deep MLPs.
    ///
    /// - f(x) = scale * x if x > 0, else scale * alpha * (exp(x) - 1)
    /// - f'(x) = scale if x > 0, else scale * alpha * exp(x)
    /// - range (-scale·alpha, ∞) = (-1.7580993408473766, ∞)
    /// - alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946
    ///   (the paper's constants, as PyTorch, JAX and Keras).
    ///
    /// Use it in plain feed-forward networks with LeCun normal initialisation and
    /// AlphaDropout; other initialisations or ordinary dropout break the self-normalisation.
    ///
    /// Accuracy: within 4 ULP, the overflow threshold included: `scale x` for x > 0 rounds once in
    /// `f32` (`fma(x, h, x l)` with `scale = h + l`, or the product in `f64` without FMA), so that
    /// x = 3.2386221e38, where `scale x` = 3.402823489e38 lies below the threshold, gives
    /// `f32::MAX`, not `inf`. The x <= 0 side multiplies `exp(x) - 1` by `scale alpha`, formed in
    /// `f64` and rounded to `f32` once. Over every `f32` input, each build: the value within 2.52
    /// ULP (x = -0.818; -0.824 with FMA), the derivative within 1.84 (2.77 and 2.11 with `scale`
    /// and `alpha` each rounded to `f32`). Cost: none with FMA (the x > 0 side's one more
    /// instruction is the x <= 0 side's one fewer); without FMA (the portable build: aarch64 has
    /// FMA, x86 CPUs without AVX2 + FMA do not), forward 0.86x to 0.88x at 1M `f32`, of which about
    /// 0.91x is the reformulated body alone (measured with `scale` an `f32`, which runs the plain
    /// loop) and the rest the `f64` product. A `scale` that is an `f32` or at most 1 runs the plain
    /// loop (see `FloatKernels`'s `__plain_param`); the derivative and the backward pass are
    /// unchanged. Not treated: the backward pass's `g f'(x)` multiplies `g` by `scale` rounded to
    /// `f32`, so a gradient `g` within an ULP of 3.2386221e38 can still cross the threshold the
    /// other way round.
    ///
    /// Parameters: any finite `alpha` and `scale` whose product `scale · alpha` is finite in
    /// `f64` (`|scale · alpha| <= f64::MAX`); `try_new`, `set_param` and `set_params` refuse
    /// the others with [`ParamError::Invalid`](crate::ParamError::Invalid), and `new` panics
    /// on them. The x <= 0 side
    /// multiplies `exp(x) - 1` by that product, so an infinite one would make f(0) = ∞ · 0 =
    /// NaN where the exact value is 0.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Selu::default().derivative(f64::NEG_INFINITY), 0.0);
    /// assert!((Selu::default().range().min() - -1.7580993408473766).abs() < 1e-15);
    /// let mut s = Selu::default();
    /// let err = s.set_params(&[("alpha", 1e300), ("scale", 1e300)]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "parameters must satisfy scale * alpha < inf, got alpha = 1e300, scale = 1e300"
    /// );
    /// assert_eq!(s, Selu::default()); // nothing changed
    /// ```
    pub struct Selu(alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946);
    f(x) = if x > 0 { scale * x } else { scale * alpha * (exp(x) - 1) };
    range = (-scale * alpha, inf);
    where scale * alpha < inf, scale * alpha > -inf;
}

activation! {
    /// Swish, also known as SiLU: x·sigmoid(x).
    ///
    /// - f(x) = x * sigmoid(x)
    /// - f'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))
    /// - range [-0.2784645427610738, ∞): the minimum is attained at x = -1.2784645427610738
    /// - no parameters (the β of the original paper is 1, as PyTorch `SiLU`).
    ///
    /// Smooth and non-monotonic; a strong default for deep CNNs (EfficientNet, MobileNetV3)
    /// and transformers' feed-forward blocks. swish(-∞) = -0, not NaN.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Swish.forward(0.0), 0.0);
    /// assert_eq!(Swish.derivative(0.0), 0.5);
    /// assert_eq!(Swish.forward(f64::NEG_INFINITY), 0.0);
    /// let r = Swish.range();
    /// assert!(r.min_attained() && (r.min() - -0.2784645427610738).abs() < 1e-16);
    /// ```
    pub struct Swish;
    f(x) = x * sigmoid(x);
}

activation! {
    /// Identity, for the output layer of a regression: f(x) = x.
    ///
    /// - f(x) = x, f'(x) = 1, range (-∞, ∞).
    ///
    /// Pair it with a mean squared error (or Huber) loss. In hidden layers it adds nothing:
    /// a stack of linear layers is one linear layer.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Linear.forward(-3.25), -3.25);
    /// assert_eq!(Linear.derivative(1e300), 1.0);
    /// ```
    pub struct Linear;
    f(x) = x;
    range = (-inf, inf);
}

activation! {
    /// Gaussian error linear unit, exact: x·Φ(x) with Φ the standard normal CDF.
    ///
    /// - f(x) = 0.5 * x * erfc(-x / sqrt(2)), which stays accurate in the negative tail
    ///   (where 0.5 * x * (1 + erf(x / sqrt(2))) cancels to 0)
    /// - f'(x) = Φ(x) + x φ(x) = 0.5 * erfc(-x / sqrt(2)) + x * exp(-x^2 / 2) / sqrt(2π)
    /// - the argument `-x / sqrt(2)` is never rounded (f64: carried with its rounding error;
    ///   f32: `erfc` works from `|x|` itself), and `x^2` is split exactly in `exp(-x^2 / 2)`:
    ///   in the negative tail these functions multiply the relative error of their argument by
    ///   about `x^2` (a rounded argument cost 130 ULP at x = -11.9 in f32). Held to 4 ULP with
    ///   no allowance; over every f32 input the worst is 3.61 ULP (value, x = -2.19, portable
    ///   build; 3.43 with FMA, x = -0.131) and 3.08 (derivative, x = -7.02, portable; 3.22 with
    ///   FMA, x = -6.70)
    /// - f32 runs each as one kernel ([`crate::math::f32::gelu`],
    ///   [`crate::math::f32::gelu_prime`], which computes `exp(-x^2 / 2)` once for both terms
    ///   of f'); f64 as the formulas read
    /// - minimum about -0.17 at x ≈ -0.75 (attained); no parameters.
    /// - PyTorch `GELU()` defaults to this exact form; JAX `nn.gelu` defaults to the tanh
    ///   approximation ([`GeluTanh`]); Keras `gelu` defaults to exact.
    ///
    /// The activation of BERT- and GPT-style transformers' feed-forward blocks.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Gelu.forward(0.0), 0.0);
    /// assert_eq!(Gelu.derivative(0.0), 0.5);
    /// assert!(Gelu.forward(-30.0f64) < 0.0); // tiny but not 0
    /// ```
    pub struct Gelu;
    f(x) = 0.5 * x * erfc(-x / sqrt(2));
}

activation! {
    /// GELU, tanh approximation (Hendrycks & Gimpel): JAX's default `gelu`, GPT-2's.
    ///
    /// - f(x) = 0.5 * x * (1 + tanh(sqrt(2 / π) * (x + 0.044715 x^3))), computed as
    ///   x * sigmoid(2u) (1 + tanh(u) = 2 sigmoid(2u) avoids the cancellation for x < 0); in
    ///   the tail `sigmoid(2u)` multiplies its argument's relative error by `|2u|` (a rounded
    ///   argument cost 186 ULP at x = -8.9 in `f32`), so the argument is never simply rounded
    /// - f'(x) = sigmoid(2u) + 2 x u' sigmoid'(2u), u' = sqrt(2 / π) (1 + 0.134145 x^2); no
    ///   parameters
    /// - `f32` runs each as one kernel ([`crate::math::f32::gelu_tanh`],
    ///   [`crate::math::f32::gelu_tanh_prime`]): `2u` carried in two parts into one
    ///   exponential `E = e^-|2u|`, the value `x / (1 + E)` or `x E / (1 + E)`, the derivative
    ///   in closed form `E (1 + E + 2 x u') / (1 + E)^2` (x < 0) or `(1 + E + 2 x u' E) / (1 +
    ///   E)^2`, whose terms no longer cancel but near the derivative's root; the tail scaled
    ///   and unscaled last (subnormal results from x = -10.1, 0 below -10.8). `f64` computes
    ///   the formulas as written, `sigmoid(2u)` and `sigmoid'(2u)` corrected by the rounding
    ///   error of `2u` (computed in double-double; the literal 0.044715 is carried as the
    ///   double-double of its exact decimal value)
    /// - Accuracy: `f32` value and derivative within 4 ULP with no allowance; over every
    ///   `f32` input the worst is 2.87 ULP (value, x = -1.37, portable build; 2.68 with FMA,
    ///   AVX-512, x = -2.75) and 3.95 (derivative, x = -3.74, portable; 3.01 with FMA,
    ///   AVX-512, x = -8.26). `f64`: the derivative
    ///   within 4 ULP plus κ = |x f''/f'| (its terms cancel in the middle range), the value
    ///   within 4 ULP plus κ = |x f'/f| (κ is 700 at x = -21).
    /// - PyTorch `GELU(approximate="tanh")`.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(GeluTanh.forward(0.0), 0.0);
    /// assert!((GeluTanh.forward(1.0) - Gelu.forward(1.0)).abs() < 1e-3);
    /// ```
    pub struct GeluTanh;
    f(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))));
}

activation! {
    /// Softplus: ln(1 + exp(x)), a smooth ReLU.
    ///
    /// - f(x) = ln(1 + exp(x)), computed without overflow (softplus(1000) = 1000) or
    ///   underflow loss (softplus(-700) = exp(-700) = 9.86e-305). In `f32` with FMA the
    ///   value is a lean kernel, `max(x, 0) + 2 atanh(E / (2 + E))` with `E = e^-|x|`
    ///   ([`crate::math::f32::softplus_final`]): within 2.80 ULP over every `f32` input (AVX-512)
    ///   (1.08 without FMA, where `ln(1 + E)` is formed in double-word arithmetic)
    /// - f'(x) = sigmoid(x)
    /// - range (0, ∞); no parameters (PyTorch's β = 1).
    ///
    /// Use it for outputs that must be positive (a variance, a rate) in regression.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Softplus.forward(1000.0), 1000.0);
    /// assert!(Softplus.derivative(-700.0f64) > 9.8e-305); // e^-700, where 1 - σ(700) is 0
    /// assert_eq!(Softplus.range().to_string(), "(0, ∞)");
    /// ```
    pub struct Softplus;
    f(x) = ln(1 + exp(x));
}

activation! {
    /// Mish (Misra, 2019): x·tanh(softplus(x)).
    ///
    /// - f(x) = x * tanh(softplus(x)), computed as one kernel ([`crate::math::f32::mish`]):
    ///   `tanh(softplus(x))` is `E (E + 2) / (E (E + 2) + 2)` with `E = e^x` (and the same
    ///   multiplied through by `e^-2x` for x >= 0), one exponential and one division in `f32`
    ///   with FMA, within 3.25 ULP over every `f32` input (AVX-512); 0.50 without FMA (the same
    ///   form in `f64`); `f64` composes its `softplus` and `tanh` kernels
    /// - f'(x) = tanh(s) + x tanh'(s) sigmoid(x), s = softplus(x), derived symbolically; its
    ///   two terms cancel (ratio 1.6 at x = -2.7), so it runs as one kernel (`mish'`,
    ///   [`crate::math::f32::mish_prime`]): the closed form `E ω / δ^2` (`E = e^x`), for `f32`
    ///   in `f64` with `E` from the `f32` exponential where the CPU has FMA (all in `f64`
    ///   without), and in double-double for `f64`. Within 1.87 ULP over every `f32` input with
    ///   FMA, 0.50 without (the symbolic form in `f32`: 5.56), 2.4 ULP on the `f64` grid;
    ///   subnormal, not 0, down to x ≈ -108.5 (`f32`) and -751 (`f64`)
    /// - minimum about -0.3088 at x ≈ -1.19 (attained); no parameters.
    ///
    /// A smooth, non-monotonic alternative to Swish, used in YOLOv4.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Mish.forward(0.0), 0.0);
    /// assert_eq!(Mish.forward(f64::NEG_INFINITY), 0.0);
    /// // mpmath: f'(-2.706749) = -0.10414288524...; correctly rounded in f32
    /// assert_eq!(Mish.derivative(-2.706749f32), -0.10414288);
    /// ```
    pub struct Mish;
    f(x) = x * tanh(softplus(x));
}

activation! {
    /// Hard sigmoid, PyTorch's convention: relu6(x + 3) / 6, a piecewise-linear sigmoid.
    ///
    /// - f(x) = 0 for x <= -3, 1 for x >= 3, (x + 3) / 6 in between
    /// - f'(x) = 1/6 for -3 < x < 3, else 0 (PyTorch's gradient at ±3 is 0 too)
    /// - range [0, 1]. Keras 3 uses the same form; older Keras used 0.2·x + 0.5.
    ///
    /// Cheap on mobile hardware (MobileNetV3's squeeze-and-excitation gates).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(HardSigmoid.forward(0.0), 0.5);
    /// assert_eq!(HardSigmoid.forward(-3.0), 0.0);
    /// assert_eq!(HardSigmoid.range().to_string(), "[0, 1]");
    /// ```
    pub struct HardSigmoid;
    f(x) = if x <= -3 { 0 } else if x >= 3 { 1 } else { (x + 3) / 6 };
    range = (0, 1);
}

activation! {
    /// Hard swish, PyTorch's convention: x · relu6(x + 3) / 6.
    ///
    /// - f(x) = 0 for x < -3, x for x > 3, x (x + 3) / 6 in between
    /// - f'(x) = 0 for x < -3, (2x + 3) / 6 for -3 <= x <= 3, 1 for x > 3 (as PyTorch)
    /// - range [-0.375, ∞), the minimum at x = -1.5.
    ///
    /// MobileNetV3's activation: Swish's shape without the exponential.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(HardSwish.forward(-1.5), -0.375);
    /// assert_eq!(HardSwish.derivative(3.0), 1.5);
    /// ```
    pub struct HardSwish;
    f(x) = if x < -3 { 0 } else if x <= 3 { x * (x + 3) / 6 } else { x };
}

mod gated;
pub use gated::*;
mod learnable;
pub use learnable::*;
mod vector;
pub use vector::*;
mod more;
pub use more::*;
