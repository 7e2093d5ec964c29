//! More elementwise built-ins: the rest of the activations PyTorch ships in `torch.nn` that
//! deep-learning code reaches for (log-sigmoid, softsign, CELU, ReLU6, hardtanh) and
//! squareplus. Each is declared from its textbook formula, as the classic ones.

use crate::activation;

activation! {
    /// Log-sigmoid: ln(sigmoid(x)), computed as -softplus(-x).
    ///
    /// The log-probability of a binary classifier's positive class (PyTorch `LogSigmoid`).
    ///
    /// - f(x) = ln(1 / (1 + exp(-x))), computed as -softplus(-x): no overflow for x << 0
    ///   (f(-800) = -800) and no loss for x >> 0 (f(40) = -4.25e-18, where ln(σ) is 0); in
    ///   `f32` with FMA, softplus' lean kernel negated (see [`Softplus`](crate::Softplus)):
    ///   within 2.80 ULP over every `f32` input (AVX-512), 1.08 without FMA
    /// - f'(x) = sigmoid(-x)
    /// - range (-∞, 0); no parameters.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(LogSigmoid.forward(-800.0), -800.0);
    /// assert!(LogSigmoid.forward(40.0f64) < -4.2e-18);
    /// assert_eq!(LogSigmoid.derivative(0.0), 0.5);
    /// ```
    pub struct LogSigmoid;
    f(x) = ln(1 / (1 + exp(-x)));
    range = (-inf, 0);
}

activation! {
    /// Softsign: x / (1 + |x|), a sigmoid shape with polynomial tails.
    ///
    /// Bergstra et al., 2009; PyTorch `Softsign`.
    ///
    /// - f(x) = x / (1 + |x|)
    /// - f'(x) = 1 / (1 + |x|)^2 (declared: the expanded derivative `1/(1+|x|) - |x|/(1+|x|)^2`
    ///   cancels for large |x|; the macro checks the declared one against its own), computed
    ///   as `r * r` with `r = 1 / (1 + |x|)` so that it is subnormal, not 0, where
    ///   `(1 + |x|)^2` overflows: within 3.5 ULP (3.498 at x = 1.73e-4 over every 256th f32,
    ///   where the rounding of `1 + |x|` is doubled by the square)
    /// - range (-1, 1); no parameters.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Softsign.forward(1.0), 0.5);
    /// let d = Softsign.derivative(1e10f64); // 1 / (1 + 1e10)^2, within 4 ULP
    /// assert!((d - 1.0 / ((1.0 + 1e10) * (1.0 + 1e10))).abs() <= 4.0 * f64::EPSILON * d);
    /// // Subnormal, not 0, where (1 + |x|)^2 overflows (f32 beyond 1.8e19).
    /// assert!(Softsign.derivative(1e20f32) > 0.0);
    /// ```
    pub struct Softsign;
    f(x) = x / (1 + abs(x));
    df(x) = 1 / powi(1 + abs(x), 2);
    range = (-1, 1);
}

activation! {
    /// CELU: an ELU whose derivative is continuous for every alpha.
    ///
    /// Barron, 2017, "Continuously Differentiable Exponential Linear Units"; PyTorch `CELU`
    /// (default alpha = 1).
    ///
    /// - f(x) = x for x > 0, else alpha * (exp(x / alpha) - 1), computed with expm1
    /// - f'(x) = 1 for x > 0, else exp(x / alpha): continuous at 0 for every alpha, within
    ///   4 ULP for every alpha. `exp` multiplies the relative error of its argument by the
    ///   argument, so the rounding error of `x / alpha` (0 where alpha is a power of two) is
    ///   computed and carried into the exponential: rounded alone, it cost 92 ULP at
    ///   x = -1000, alpha = 3 in f64 and 20 ULP at x = -100 in f32.
    /// - range (-alpha, ∞) for alpha > 0, (-∞, ∞) for alpha < 0 (then x/alpha >= 0 for
    ///   x <= 0, and alpha (exp(x/alpha) - 1) falls without bound); alpha = 0 is refused (the
    ///   formula divides by alpha; PyTorch refuses it too).
    /// - ∂f/∂alpha = expm1(u) - u exp(u) with u = x/alpha, for x <= 0 (0 for x > 0): within
    ///   4 ULP, or within an absolute error of eps · min(1, |u|) where that is larger. Near 0
    ///   the partial is about -u^2/2, the difference of two terms of size |u|, so its
    ///   relative error grows as 2 eps/|u| (f32 at x = -1e-6: 14 %). The cancellation is
    ///   that of e^u - 1 - u, which no combination of the formula language's functions
    ///   (exp, expm1, ln, log1p, tanh, ...) computes without subtracting terms of size |u|;
    ///   only a series would, and it would slow f and f' for every input. In
    ///   [`backward_params`](crate::ParamGradients::backward_params) these terms are
    ///   negligible beside those of inputs further from 0.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Celu::default().forward(2.0), 2.0);
    /// assert_eq!(Celu::new(2.0).forward(f64::NEG_INFINITY), -2.0);
    /// assert_eq!(Celu::new(2.0).derivative(0.0), 1.0);
    /// assert_eq!(Celu::new(2.0).range().min(), -2.0);
    /// assert_eq!(Celu::new(-1.0).range().min(), f64::NEG_INFINITY);
    /// ```
    pub struct Celu(alpha = 1.0);
    f(x) = if x > 0 { x } else { alpha * (exp(x / alpha) - 1) };
    where alpha != 0;
}

activation! {
    /// ReLU6: min(max(0, x), 6).
    ///
    /// Krizhevsky, 2010; MobileNet's activation; PyTorch `ReLU6`.
    ///
    /// - f(x) = 0 for x <= 0, 6 for x >= 6, x in between
    /// - f'(x) = 1 for 0 < x < 6, else 0 (0 at both kinks, as PyTorch)
    /// - range [0, 6]; no parameters.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Relu6.forward(7.5), 6.0);
    /// assert_eq!(Relu6.derivative(6.0), 0.0);
    /// assert_eq!(Relu6.range().to_string(), "[0, 6]");
    /// ```
    pub struct Relu6;
    f(x) = if x <= 0 { 0 } else if x >= 6 { 6 } else { x };
    range = (0, 6);
}

activation! {
    /// Hard tanh: x clipped to [min_val, max_val].
    ///
    /// PyTorch `Hardtanh`, parameters `min_val = -1`, `max_val = 1`.
    ///
    /// - f(x) = min_val for x <= min_val, max_val for x >= max_val, x in between
    /// - f'(x) = 1 strictly between the bounds, else 0 (as PyTorch)
    /// - range [min_val, max_val]; ∂f/∂min_val and ∂f/∂max_val are 1 on the clipped sides.
    /// - `min_val < max_val` is required (as PyTorch): `Hardtanh::try_new(3.0, -2.0)` is an
    ///   error, `Hardtanh::new(3.0, -2.0)` panics.
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Hardtanh::default().forward(-3.0), -1.0);
    /// assert_eq!(Hardtanh::new(0.0, 6.0).forward(7.0), 6.0);
    /// assert_eq!(Hardtanh::default().range().to_string(), "[-1, 1]");
    /// ```
    pub struct Hardtanh(min_val = -1.0, max_val = 1.0);
    f(x) = if x <= min_val { min_val } else if x >= max_val { max_val } else { x };
    range = (min_val, max_val);
    where min_val < max_val;
}

activation! {
    /// Squareplus: (x + sqrt(x^2 + b)) / 2, a smooth ReLU without exponentials.
    ///
    /// Barron, 2021, "Squareplus: A Softplus-Like Algebraic Rectifier" (default b = 4).
    ///
    /// - f(x) = (x + h) / 2 with h = sqrt(x^2 + b), computed as (u + h)/2 for x >= 0 and
    ///   as (b/2) / (h + u) for x < 0 (no cancellation: f(-1e6) = 1e-6), with u = |x|, one
    ///   square root and at most one division. Beyond |x| = 1e15, x and b enter scaled by
    ///   s and s^2 (s = 2^-66, and 2^-520 beyond 1e150 for f64; powers of two, so exactly),
    ///   so that x^2 cannot overflow, and the result is scaled back last (f(MAX) = MAX;
    ///   f(-MAX) is the subnormal b/(4 MAX)). The slice loops run a copy without the
    ///   scaling's selects over each chunk of 512 inputs, and the full formula again only over
    ///   a chunk holding an |x| of 1e15 or more (1e9 for the derivative, whose NaN at +∞ the
    ///   limit fix-up replaces by 1): the same bits, without the selects in the hot loop.
    /// - f'(x) = (1 + x/h) / 2, computed as (u/2 + h/2) / h for x >= 0 and as
    ///   b / (2 h (h + u)) = (b/2) / (x^2 + b + u h) below (h (h + u) expanded, so that the
    ///   rounding of h enters once, not twice), one division for both, scaled as f.
    ///   Accuracy over every f32 input, each build: value 2.75 ULP (x = -7.7e-4), derivative
    ///   3.37 ULP (x = -16.0) (`exhaustive --only Squareplus --stride 1`; was 4.28 with two
    ///   divisions by h and h - x in turn); f64 within 4 ULP on the mpmath grid.
    /// - ∂f/∂b = 1 / (4h), within 4 ULP for every x (the scaled square root keeps h's
    ///   dependence on b beyond |x| = 1e15, where h = |x| alone would give 0).
    /// - range (0, ∞). `b` must lie in [1e-30, 1e14]: b < 0 has no square root of a negative x^2 +
    ///   b; b = 0 is ReLU (use [`Relu`](crate::builtins::Relu)), and below 1e-30 x^2 underflows in
    ///   f32 before it is negligible against b, so f and f' would be wrong near 0 (with b = 0,
    ///   f'(1e-200) would be inf); the upper bound is the range the accuracy tests cover (the paper
    ///   uses b = 4).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Squareplus::default().forward(0.0), 1.0);
    /// assert!((Squareplus::default().forward(-1e6f64) - 1e-6).abs() < 1e-18);
    /// assert_eq!(Squareplus::default().forward(1e300f64), 1e300);
    /// assert!(Squareplus::default().forward(-f64::MAX) > 0.0); // b / (4 MAX), subnormal
    /// // ∂f/∂b = 1 / (4h): 2.5e-21 at x = 1e20
    /// let mut d = [0.0f64];
    /// Squareplus::default().param_derivatives(1e20, &mut d);
    /// assert!((d[0] - 2.5e-21).abs() < 1e-36);
    /// ```
    pub struct Squareplus(b = 4.0);
    // s = 2^-66 beyond |x| = 1e15 (f32's range: (x s)^2 < 2^124), 2^-520 beyond 1e150
    // (f64's; 1e150 is ∞ in f32, so f32 never takes it); r = 1/s. A product applies such
    // power-of-two factors last, to the rounded quotient.
    f(x) = {
        let a = abs(x);
        let s = if a > 1e150 { 2.913414348125081e-157 } else if a > 1e15 { 1.3552527156068805e-20 } else { 1 };
        let r = if a > 1e150 { 3.432398830065305e156 } else if a > 1e15 { 7.378697629483821e19 } else { 1 };
        let u = abs(x * s);
        let h = sqrt(u * u + b * s * s);
        if x >= 0 { (u / 2 + h / 2) * r } else { (b / 2) / (h + u) * s }
    };
    // What FORMULA and DERIVATIVE print (the paper's form); f and df above are what runs.
    textbook(x) = (x + sqrt(x * x + b)) / 2;
    df(x) = {
        let a = abs(x);
        let s = if a > 1e150 { 2.913414348125081e-157 } else if a > 1e15 { 1.3552527156068805e-20 } else { 1 };
        let u = abs(x * s);
        let t = u * u + b * s * s;
        let h = sqrt(t);
        let n = if x >= 0 { u / 2 + h / 2 } else { b / 2 };
        let d = if x >= 0 { h } else { t + u * h };
        let k = if x >= 0 { 1 } else { s * s };
        n / d * k
    };
    where b >= 1e-30, b <= 1e14;
}
