//! Activations whose parameters are learned with the network's weights: their gradients come
//! from [`ParamGradients`](crate::ParamGradients).

use crate::activation;

activation! {
    /// Parametric ReLU: a leaky ReLU whose negative slope alpha is learned.
    ///
    /// He et al., 2015, "Delving Deep into Rectifiers"; PyTorch `nn.PReLU` (default
    /// alpha = 0.25, the paper's initial value).
    ///
    /// - f(x) = x if x > 0, else alpha * x
    /// - f'(x) = 1 if x > 0, else alpha (alpha at 0, as PyTorch)
    /// - ∂f/∂alpha = 0 if x > 0, else x:
    ///   [`ParamGradients::backward_params`](crate::ParamGradients::backward_params) sums it
    ///   against the incoming gradient over a whole slice (one shared alpha, PyTorch's
    ///   `num_parameters = 1`).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// let p = PRelu::default();
    /// assert_eq!(p.forward(-2.0), -0.5);
    /// let mut grad_alpha = [0.0f64];
    /// p.backward_params(&[-2.0, 3.0], &[1.0, 1.0], &mut grad_alpha);
    /// assert_eq!(grad_alpha, [-2.0]);
    /// ```
    pub struct PRelu(alpha = 0.25);
    f(x) = if x > 0 { x } else { alpha * x };
}
