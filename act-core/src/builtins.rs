//! The built-in activations, each declared with [`activation!`](crate::activation).

use crate::activation;

activation! {
    /// Rectified linear unit.
    pub struct Relu;
    f(x) = max(0, x);
    range = (0, inf);
}

activation! {
    /// Logistic sigmoid.
    pub struct Sigmoid;
    f(x) = 1 / (1 + exp(-x));
    range = (0, 1);
}

activation! {
    /// Swish.
    pub struct Swish;
    f(x) = x * sigmoid(x);
}

activation! {
    /// Exponential linear unit.
    pub struct Elu(alpha = 1.0);
    f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };
    range = (-alpha, inf);
}

activation! {
    /// Softmax.
    pub vector struct Softmax;
    f(x) = { let e = exp(x - max(x)); e / sum(e) };
    range = (0, 1);
}
