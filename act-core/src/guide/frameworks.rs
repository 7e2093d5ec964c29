//! Where this crate's defaults differ from PyTorch, JAX and Keras.

use super::FrameworkDefault;

const DEFAULTS: &[FrameworkDefault] = &[
    FrameworkDefault {
        activation: "leaky-relu",
        topic: "negative slope (alpha)",
        ours: "0.1, the classic article's slope",
        pytorch: "0.01 (nn.LeakyReLU(negative_slope=0.01))",
        jax: "0.01 (jax.nn.leaky_relu(x, negative_slope=0.01))",
        keras: "0.3 for the LeakyReLU layer (negative_slope, alpha in Keras 2); 0.2 for \
keras.activations.leaky_relu in Keras 3",
    },
    FrameworkDefault {
        activation: "gelu",
        topic: "exact (erf) or tanh approximation",
        ours: "gelu is exact; gelu-tanh is the approximation",
        pytorch: "exact (nn.GELU(approximate='none')); approximate='tanh' for the other",
        jax: "tanh approximation (jax.nn.gelu(x, approximate=True)); approximate=False for exact",
        keras: "exact (keras.activations.gelu(x, approximate=False))",
    },
    FrameworkDefault {
        activation: "hard-sigmoid",
        topic: "definition",
        ours: "relu6(x + 3) / 6, slope 1/6",
        pytorch: "relu6(x + 3) / 6 (nn.Hardsigmoid)",
        jax: "relu6(x + 3) / 6 (jax.nn.hard_sigmoid)",
        keras: "relu6(x + 3) / 6 in Keras 3; clip(0.2 x + 0.5, 0, 1) in Keras 2",
    },
    FrameworkDefault {
        activation: "swish",
        topic: "name and beta",
        ours: "swish = x * sigmoid(x) (beta 1), alias silu",
        pytorch: "nn.SiLU, no beta",
        jax: "jax.nn.silu, alias jax.nn.swish, no beta",
        keras: "keras.activations.silu, alias swish, no beta",
    },
    FrameworkDefault {
        activation: "elu",
        topic: "alpha",
        ours: "1.0",
        pytorch: "1.0 (nn.ELU(alpha=1.0))",
        jax: "1.0 (jax.nn.elu(x, alpha=1.0))",
        keras: "1.0 (keras.activations.elu(x, alpha=1.0))",
    },
    FrameworkDefault {
        activation: "softmax",
        topic: "axis",
        ours: "the whole input slice, or each row with forward_rows",
        pytorch: "dim must be given (nn.Softmax(dim=...); implicit dim is deprecated)",
        jax: "axis=-1 (jax.nn.softmax)",
        keras: "axis=-1 (keras.activations.softmax)",
    },
    FrameworkDefault {
        activation: "sigmoid",
        topic: "derivative in the tails",
        ours: "exact: sigmoid'(40) = 4.248e-18",
        pytorch: "sigmoid(x) * (1 - sigmoid(x)), which rounds to 0 at x = 40 (float32 and \
float64)",
        jax: "the same product through autodiff: 0 at x = 40",
        keras: "as its backend (TensorFlow, JAX or PyTorch)",
    },
];

/// Where act's defaults differ from (or could be mistaken for) PyTorch's, JAX's and Keras's.
///
/// ```
/// let leaky = act_core::guide::framework_defaults()
///     .iter()
///     .find(|d| d.activation == "leaky-relu")
///     .unwrap();
/// assert!(leaky.pytorch.starts_with("0.01"));
/// ```
pub fn framework_defaults() -> &'static [FrameworkDefault] {
    DEFAULTS
}
