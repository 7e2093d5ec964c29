//! A user's crate: activations declared with `act_core::activation!`, exactly as act's
//! documentation and the macro issue write them, outside the act workspace. `tests/reference.rs`
//! checks them against mpmath data made by `scripts/gen_reference.py`.

use act_core::prelude::*;

/// The documented declarations, verbatim, each with its own `use` line.
pub mod design {
    use act_core::activation;

    activation! {
        /// Exponential linear unit.
        pub struct Elu(alpha = 1.0);
        f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };
        range = (-alpha, inf);
    }

    activation! {
        /// Gaussian error linear unit, tanh approximation.
        pub struct GeluTanh;
        f(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))));
    }

    activation! {
        /// Softmax: scores to probabilities that sum to 1.
        pub vector struct Softmax;
        f(x) = { let e = exp(x - max(x)); e / sum(e) };
        range = (0, 1);
    }

    activation! {
        /// SwiGLU: a Swish-gated linear unit.
        pub gated struct SwiGlu;
        f(a, b) = a * sigmoid(a) * b;
    }

    activation! {
        /// The leaky ReLU whose slope is learned (the documented `PRelu(alpha = 0.25)`).
        pub struct PRelu(alpha = 0.25);
        f(x) = if x > 0 { x } else { alpha * x };
    }
}

activation! {
    /// GELU, exact: x Phi(x) through the complementary error function.
    pub struct ErfGelu;
    f(x) = 0.5 * x * erfc(-x / sqrt(2));
}

activation! {
    /// Softplus the textbook way; the macro must make it stable.
    pub struct TextbookSoftplus;
    f(x) = ln(1 + exp(x));
}

activation! {
    /// The article's sigmoid.
    pub struct ArticleSigmoid;
    f(x) = 1 / (1 + exp(-x));
    range = (0, 1);
}

activation! {
    /// The article's tanh.
    pub struct ArticleTanh;
    f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x));
    range = (-1, 1);
}

activation! {
    /// Piecewise with `else if`: exponential below 0, linear on [0, 1), logarithmic above.
    pub struct SoftPiecewise;
    f(x) = if x < 0 { 0.5 * (exp(x) - 1) } else if x < 1 { 0.5 * x } else { ln(x) + 0.5 };
    range = (-0.5, inf);
}

activation! {
    /// Parametric: swish with a slope, x sigma(beta x).
    pub struct SwishBeta(beta = 1.0);
    f(x) = x * sigmoid(beta * x);
}

activation! {
    /// Mish through a `let` block and the textbook softplus.
    pub struct LetMish;
    f(x) = { let sp = ln(1 + exp(x)); x * tanh(sp) };
}

activation! {
    /// Softsign with a hand-written derivative and a declared range.
    pub struct Softsign;
    f(x) = x / (1 + abs(x));
    df(x) = 1 / powi(1 + abs(x), 2);
    range = (-1, 1);
}

activation! {
    /// Log-softmax over the whole input vector.
    pub vector struct LogSoftmax;
    f(x) = { let m = max(x); x - m - ln(sum(exp(x - m))) };
}

/// The prelude alone gives the built-ins too.
pub fn builtin_sigmoid_at_40() -> f64 {
    Sigmoid.derivative(40.0)
}
