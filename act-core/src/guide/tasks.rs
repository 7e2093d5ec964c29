//! The guide's tasks. Plain data: the CLI and other tools only print it.

mod article;
mod beyond;

use super::{Gain, Task};

pub(super) const RELU: Gain = Gain {
    nonlinearity: "relu",
    param: None,
    expression: "sqrt(2)",
    value: core::f64::consts::SQRT_2,
};
pub(super) const LEAKY_OURS: Gain = Gain {
    nonlinearity: "leaky_relu",
    param: Some(0.1),
    expression: "sqrt(2 / (1 + 0.1^2))",
    value: 1.4071950894605838,
};
pub(super) const LEAKY_DCGAN: Gain = Gain {
    nonlinearity: "leaky_relu",
    param: Some(0.2),
    expression: "sqrt(2 / (1 + 0.2^2))",
    value: 1.3867504905630728,
};
pub(super) const TANH: Gain = Gain {
    nonlinearity: "tanh",
    param: None,
    expression: "5/3",
    value: 1.6666666666666667,
};
pub(super) const SIGMOID: Gain = Gain {
    nonlinearity: "sigmoid",
    param: None,
    expression: "1",
    value: 1.0,
};
pub(super) const LINEAR: Gain = Gain {
    nonlinearity: "linear",
    param: None,
    expression: "1",
    value: 1.0,
};
pub(super) const SELU: Gain = Gain {
    nonlinearity: "selu",
    param: None,
    expression: "3/4",
    value: 0.75,
};

pub(super) const OUTPUT_INIT_DETAIL: &str = "The output layer is linear up to the final squashing, so \
Glorot/Xavier (torch.nn.init.xavier_uniform_, Keras's default glorot_uniform) with gain 1 \
suits it; initialise the hidden layers for their own activation (He for the ReLU family). \
PyTorch's nn.Linear default (kaiming_uniform_ with a=sqrt(5), i.e. uniform(-1/sqrt(fan_in), \
1/sqrt(fan_in))) also works for a single output layer.";

pub(super) const RELU_PITFALL_DYING: &str = "Dying ReLU: with a large learning rate or a strongly \
negative bias a unit can end up negative for every input, output 0 and get no gradient ever \
again; lower the learning rate, or switch to leaky-relu.";

/// The guide's tasks: the article's output tasks, its hidden-layer tasks, then the others.
pub(super) const TASKS: &[Task] = &[
    article::BINARY_CLASSIFICATION,
    article::MULTICLASS_CLASSIFICATION,
    article::MULTILABEL_CLASSIFICATION,
    article::REGRESSION,
    article::MLP,
    article::CNN,
    article::RNN,
    beyond::TRANSFORMER,
    beyond::SELF_NORMALIZING,
    beyond::LSTM_GATES,
    beyond::POSITIVE_REGRESSION,
    beyond::BOUNDED_REGRESSION,
    beyond::GAN_GENERATOR,
    beyond::MOBILE_CNN,
];
