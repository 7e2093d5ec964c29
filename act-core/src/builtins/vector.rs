//! Vector built-ins beyond softmax: log-softmax and softmin. Each is written in its textbook
//! form; the engine's shift-invariance rules turn it into the stable one (see the module docs
//! of `act_expr`'s rewrites).

use crate::activation;

activation! {
    /// Log-softmax: log-probabilities from scores, x_i - ln(sum_j exp(x_j)).
    ///
    /// The log-probabilities a classifier's cross-entropy takes (PyTorch `log_softmax`, JAX
    /// `nn.log_softmax`).
    ///
    /// - y_i = x_i - ln(sum_j exp(x_j)), computed as `x_i - m - log1p(t)` with `m = max(x)` and
    ///   `t` the sum of `exp(x_j - m)` over the entries below the maximum (plus 1 per further
    ///   tie): the log-sum-exp neither overflows (`[1e8, 1e8]` gives `-ln 2` twice) nor loses
    ///   the tiny terms next to the maximum's 1 (`[16.25, 0]` gives -8.764e-8 for the first
    ///   entry, where `ln(1 + t)` would round to -1.19e-7 in f32 and is 2.9e6 ULP off in f64).
    /// - Jacobian: dy_i/dx_j = δ_ij - softmax_j(x); the vector-Jacobian product is
    ///   `g - softmax(x) sum(g)`, in O(n).
    /// - range (-∞, 0] per component: a single element gives exactly 0, and a computed entry
    ///   rounds to exactly 0 where the others are far below it (`[1000, 0]` gives `[0,
    ///   -1000]`); a row holding +∞ or only -∞ gives NaN (as softmax).
    ///
    /// Use it at the output of a multiclass classifier trained with the negative log-likelihood
    /// (PyTorch `NLLLoss`); it is the stable way to compute cross-entropy on logits.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// let mut y = [0.0f64; 2];
    /// LogSoftmax.forward_slice(&[16.25, 0.0], &mut y);
    /// // mpmath: -8.7642478353834244686e-8; an ulp there is 1.3e-23 (the naive
    /// // -ln(1 + e^-16.25) is -8.76424783199e-8, 2.6e6 ulp away)
    /// assert!((y[0] - -8.764247835383425e-8).abs() <= 4.0 * 1.33e-23);
    /// LogSoftmax.forward_slice(&[1e8, 1e8], &mut y);
    /// assert_eq!(y, [-std::f64::consts::LN_2; 2]);
    /// LogSoftmax.forward_slice(&[1000.0, 0.0], &mut y);
    /// assert_eq!(y, [0.0, -1000.0]); // the bound 0, reached by rounding
    /// let mut one = [0.0f64];
    /// LogSoftmax.forward_slice(&[3.5], &mut one);
    /// assert_eq!(one, [0.0]);
    /// ```
    pub vector struct LogSoftmax;
    f(x) = x - ln(sum(exp(x)));
    range = (-inf, 0);
    vjp(y, g) = g - exp(y) * sum(g);
}

activation! {
    /// Softmin: softmax of -x, probabilities that favour the smallest inputs.
    ///
    /// PyTorch `softmin`.
    ///
    /// - y_i = exp(-x_i) / sum_j exp(-x_j), computed shifted by the minimum (no overflow:
    ///   `[-1000, 0]` gives `[1, 0]`)
    /// - Jacobian: dy_i/dx_j = -y_i (δ_ij - y_j)
    /// - range (0, 1] per component (1 for a single element; at wide spreads computed entries
    ///   round to exactly 0 or 1); the outputs sum to 1.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// let mut y = [0.0f64; 2];
    /// Softmin.forward_slice(&[-1000.0, 0.0], &mut y);
    /// assert_eq!(y, [1.0, 0.0]);
    /// ```
    pub vector struct Softmin;
    f(x) = exp(-x) / sum(exp(-x));
    range = (0, 1);
    vjp(y, g) = y * (sum(g * y) - g);
}
