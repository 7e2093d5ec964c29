//! Tasks beyond the classic article.

use super::super::{Alternative, Init, Layer, Loss, Placement, Task};
use super::*;

/// `transformer`.
pub(super) const TRANSFORMER: Task = Task {
    name: "transformer",
    aliases: &["attention", "llm", "bert", "gpt"],
    title: "Transformer blocks",
    layer: Layer::Hidden,
    from_article: false,
    summary: "GELU in the feed-forward sublayer; softmax in attention.",
    placements: &[
        Placement {
            activation: "gelu",
            layer: Layer::Hidden,
            position: "between the two linear layers of each feed-forward sublayer",
            units: "d_ff, typically 4 x d_model",
        },
        Placement {
            activation: "softmax",
            layer: Layer::Hidden,
            position: "attention weights, over the key positions of scaled scores \
Q K^T / sqrt(d_k)",
            units: "one per key position, for each query and head",
        },
    ],
    why: "GELU, a smooth ReLU weighting x by the Gaussian CDF, is what BERT and GPT-2 use and \
trains slightly better than ReLU there; softmax turns attention scores into weights that sum \
to 1 over the attended positions.",
    loss: Loss {
        name: "cross-entropy on logits",
        detail: "Over the vocabulary for language models (torch.nn.CrossEntropyLoss on the \
unnormalised output scores), or the output task's loss for classification heads.",
    },
    init: Init {
        scheme: "Normal(0, 0.02), residual projections scaled down",
        detail: "BERT and GPT-2 draw weights from a normal with standard deviation 0.02; \
GPT-2 scales the weights of the projections into the residual stream by 1/sqrt(2 x layers). \
Layer norm weights at 1, biases at 0.",
        gains: &[],
    },
    alternatives: &[
        Alternative {
            activation: "gelu-tanh",
            when: "matching GPT-2 weights (its 'gelu_new'), or where erf is slow",
        },
        Alternative {
            activation: "swiglu",
            when: "gated feed-forward layers (SwiGLU: swish(x W) * (x V)), as in LLaMA and \
PaLM: act's SwiGlu takes both projections as [a | b] (forward_halves); geglu is the GELU-gated \
variant",
        },
        Alternative {
            activation: "relu",
            when: "the original 2017 Transformer; cheapest",
        },
    ],
    pitfalls: &[
        "Exact GELU and its tanh approximation differ by up to ~5e-4 per unit: match the one \
the weights were trained with. Defaults differ: PyTorch and Keras use exact, jax.nn.gelu uses \
the tanh form.",
        "A fully masked attention row (all scores -inf) makes softmax return NaN; mask with \
a large negative number or guard empty rows.",
        "Forgetting the 1/sqrt(d_k) scaling saturates the softmax and its gradients vanish.",
        "In float16 attention scores overflow; subtract the row maximum (stable softmax) and \
accumulate in float32.",
    ],
};

/// `self-normalizing`.
pub(super) const SELF_NORMALIZING: Task = Task {
    name: "self-normalizing",
    aliases: &["self-normalising", "snn", "self-normalizing-network"],
    title: "Self-normalising networks",
    layer: Layer::Hidden,
    from_article: false,
    summary: "SELU in every hidden layer, LeCun normal init, AlphaDropout.",
    placements: &[Placement {
        activation: "selu",
        layer: Layer::Hidden,
        position: "after every hidden layer of a plain fully-connected network",
        units: "every unit of the layer",
    }],
    why: "With SELU's two constants, LeCun normal weights and standardised inputs, the \
activations are driven towards zero mean and unit variance layer after layer (Klambauer et \
al., 2017), so deep fully-connected nets train without batch normalisation.",
    loss: Loss {
        name: "set by the output layer",
        detail: "See the output tasks; SELU is for the hidden layers only.",
    },
    init: Init {
        scheme: "LeCun normal, with AlphaDropout",
        detail: "Standard deviation 1/sqrt(fan_in): Keras lecun_normal, \
jax.nn.initializers.lecun_normal, or in PyTorch kaiming_normal_(w, nonlinearity='linear') \
(gain 1). PyTorch's gain for 'selu' (below) trades the self-normalising fixed point for \
gradient flow, so use 'linear' here. Regularise with AlphaDropout (torch.nn.AlphaDropout, \
keras.layers.AlphaDropout), which keeps mean and variance.",
        gains: &[LINEAR, SELU],
    },
    alternatives: &[
        Alternative {
            activation: "elu",
            when: "with batch normalisation instead of self-normalisation",
        },
        Alternative {
            activation: "relu",
            when: "with batch normalisation and He initialisation, the common default",
        },
    ],
    pitfalls: &[
        "Ordinary dropout breaks the self-normalisation; use AlphaDropout.",
        "The inputs must be standardised (zero mean, unit variance) for the fixed point to \
hold.",
        "He initialisation or calculate_gain('selu') instead of LeCun normal moves the \
network away from the fixed point.",
        "The theory covers fully-connected layers; in CNNs and with residual connections \
the guarantees do not hold.",
    ],
};

/// `lstm-gates`.
pub(super) const LSTM_GATES: Task = Task {
    name: "lstm-gates",
    aliases: &["lstm", "gru", "gates", "lstm-gate"],
    title: "LSTM and GRU gates",
    layer: Layer::Hidden,
    from_article: false,
    summary: "sigmoid for the gates, tanh for the candidate and the cell output.",
    placements: &[
        Placement {
            activation: "sigmoid",
            layer: Layer::Hidden,
            position: "input, forget and output gates (GRU: update and reset gates)",
            units: "hidden size per gate",
        },
        Placement {
            activation: "tanh",
            layer: Layer::Hidden,
            position: "candidate cell value and cell output h_t = o_t * tanh(c_t)",
            units: "hidden size",
        },
    ],
    why: "A gate multiplies a signal by a value in (0, 1), a soft switch between blocking \
and passing, which is exactly sigmoid's range; tanh keeps the candidate and the output in \
(-1, 1), zero-centred, so the additive cell state stays controlled.",
    loss: Loss {
        name: "set by the output layer",
        detail: "Per time step or on the last state, e.g. cross-entropy on logits.",
    },
    init: Init {
        scheme: "Glorot (Xavier) input weights, orthogonal recurrent weights, forget bias 1",
        detail: "Keras's LSTM defaults: glorot_uniform kernel, orthogonal \
recurrent_kernel, unit_forget_bias=True. A forget-gate bias of 1 (Jozefowicz et al., 2015) \
lets the cell remember from the start. PyTorch's nn.LSTM draws everything from \
uniform(-1/sqrt(hidden), 1/sqrt(hidden)); set the forget slice of the biases yourself.",
        gains: &[SIGMOID, TANH],
    },
    alternatives: &[Alternative {
        activation: "hard-sigmoid",
        when: "cheaper gates on small or quantised devices (older Keras versions used it \
by default)",
    }],
    pitfalls: &[
        "An unbounded activation (relu) in the gates or the candidate breaks the gating and \
lets the cell state explode.",
        "Keras runs its fast cuDNN kernel only with activation='tanh' and \
recurrent_activation='sigmoid'; any other choice falls back to a much slower loop.",
        "A forget-gate bias of 0 halves the memory at every step early in training, slowing \
the learning of long dependencies.",
    ],
};

/// `positive-regression`.
pub(super) const POSITIVE_REGRESSION: Task = Task {
    name: "positive-regression",
    aliases: &["positive", "count-regression", "variance"],
    title: "Regression of positive quantities",
    layer: Layer::Output,
    from_article: false,
    summary: "A softplus output unit per positive target.",
    placements: &[Placement {
        activation: "softplus",
        layer: Layer::Output,
        position: "output layer",
        units: "one per target value",
    }],
    why: "Softplus ln(1 + e^x) is positive everywhere, smooth, and grows linearly (not \
exponentially) for large inputs, so predictions of rates, scales, variances or prices stay \
positive without exp's overflow.",
    loss: Loss {
        name: "negative log-likelihood of a positive distribution, or MSE",
        detail: "Counts: torch.nn.PoissonNLLLoss(log_input=False) on the softplus output \
(or log_input=True on a linear output, the log link); a predicted variance: \
torch.nn.GaussianNLLLoss; otherwise MSE on the target or on its logarithm.",
    },
    init: Init {
        scheme: "Glorot (Xavier) for the output layer",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[LINEAR],
    },
    alternatives: &[
        Alternative {
            activation: "linear",
            when: "predict log(y) instead and exponentiate at the end (the log link); good \
for targets spanning orders of magnitude",
        },
        Alternative {
            activation: "relu",
            when: "the target can be exactly 0; beware that a dead output never recovers",
        },
        Alternative {
            activation: "elu",
            when: "shifted by +1 (elu(x) + 1 > 0), a cheap positive output used for \
mixture-density scales",
        },
    ],
    pitfalls: &[
        "Softplus gets arbitrarily close to 0; add a floor (softplus(x) + 1e-6) before \
dividing by or taking the log of a predicted scale.",
        "exp as output activation overflows for moderately large scores and makes the \
gradient explode.",
        "A ReLU output that goes negative for every input predicts 0 and stops learning.",
    ],
};

/// `bounded-regression`.
pub(super) const BOUNDED_REGRESSION: Task = Task {
    name: "bounded-regression",
    aliases: &["bounded", "interval-regression", "unit-interval"],
    title: "Regression onto a bounded interval",
    layer: Layer::Output,
    from_article: false,
    summary: "sigmoid for targets in [0, 1] (scaled to [a, b]), tanh for [-1, 1].",
    placements: &[
        Placement {
            activation: "sigmoid",
            layer: Layer::Output,
            position: "output layer, as a + (b - a) * sigmoid(z) for targets in [a, b]",
            units: "one per target value",
        },
        Placement {
            activation: "tanh",
            layer: Layer::Output,
            position: "output layer, for targets in [-1, 1] (e.g. normalised actions)",
            units: "one per target value",
        },
    ],
    why: "A squashing output can never leave the valid interval, so no prediction needs \
clipping and the network spends no capacity learning the bounds.",
    loss: Loss {
        name: "mean squared error, or cross-entropy on logits for [0, 1] targets",
        detail: "MSE on the squashed output works; for targets in [0, 1] treated as soft \
labels, torch.nn.BCEWithLogitsLoss on the pre-sigmoid score has stronger gradients near the \
bounds.",
    },
    init: Init {
        scheme: "Glorot (Xavier) for the output layer",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[SIGMOID, TANH],
    },
    alternatives: &[
        Alternative {
            activation: "linear",
            when: "clip at prediction time; simpler, but the loss ignores the bounds",
        },
        Alternative {
            activation: "hard-sigmoid",
            when: "cheap and reaches the bounds exactly, but has zero gradient outside \
[-3, 3]",
        },
    ],
    pitfalls: &[
        "Targets exactly at the bounds push the pre-activation to ±infinity, where the \
gradient vanishes; shrink the targets slightly (e.g. to [0.001, 0.999]) or use BCE with \
logits.",
        "Scale the targets to the activation's range, not the other way round, and undo \
the scaling after prediction.",
    ],
};

/// `gan-generator`.
pub(super) const GAN_GENERATOR: Task = Task {
    name: "gan-generator",
    aliases: &["gan", "generator", "dcgan"],
    title: "GAN generator output (and its discriminator)",
    layer: Layer::Output,
    from_article: false,
    summary: "tanh on the generator's output, ReLU inside it, leaky-relu in the \
discriminator.",
    placements: &[
        Placement {
            activation: "tanh",
            layer: Layer::Output,
            position: "generator output layer",
            units: "one per generated value (e.g. channels x height x width)",
        },
        Placement {
            activation: "relu",
            layer: Layer::Hidden,
            position: "generator hidden layers (DCGAN)",
            units: "every channel",
        },
        Placement {
            activation: "leaky-relu",
            layer: Layer::Hidden,
            position: "discriminator hidden layers, slope 0.2 (DCGAN)",
            units: "every channel",
        },
    ],
    why: "DCGAN (Radford et al., 2015): a bounded, zero-centred tanh output matches data \
scaled to [-1, 1] and trains more stably than an unbounded output; leaky units in the \
discriminator keep gradients flowing back to the generator for every input.",
    loss: Loss {
        name: "binary cross-entropy on the discriminator's logits",
        detail: "torch.nn.BCEWithLogitsLoss on one discriminator logit, with the \
non-saturating generator loss (label fakes as real for the generator step); hinge or \
Wasserstein losses are common alternatives.",
    },
    init: Init {
        scheme: "Normal(0, 0.02) (DCGAN)",
        detail: "DCGAN draws conv weights from a normal with standard deviation 0.02 and \
batch norm weights from Normal(1, 0.02), biases 0; He initialisation with the leaky slope is \
a reasonable alternative.",
        gains: &[TANH, RELU, LEAKY_DCGAN],
    },
    alternatives: &[
        Alternative {
            activation: "sigmoid",
            when: "data scaled to [0, 1]",
        },
        Alternative {
            activation: "linear",
            when: "non-image data without natural bounds",
        },
    ],
    pitfalls: &[
        "The training data must be scaled to [-1, 1] to match tanh; images left in [0, 255] \
or [0, 1] cannot be matched.",
        "DCGAN's discriminator slope is 0.2; act's leaky-relu defaults to 0.1 (use \
--param alpha=0.2), PyTorch's to 0.01.",
        "A sigmoid on the discriminator output before BCEWithLogitsLoss applies it twice.",
    ],
};

/// `mobile-cnn`.
pub(super) const MOBILE_CNN: Task = Task {
    name: "mobile-cnn",
    aliases: &["mobile", "mobilenet", "edge", "quantized-cnn"],
    title: "CNNs for phones and quantised inference",
    layer: Layer::Hidden,
    from_article: false,
    summary: "hard-swish in the deeper layers, ReLU early, hard-sigmoid in SE gates.",
    placements: &[
        Placement {
            activation: "hard-swish",
            layer: Layer::Hidden,
            position: "after convolutions in the deeper half of the network (MobileNetV3)",
            units: "every channel",
        },
        Placement {
            activation: "relu",
            layer: Layer::Hidden,
            position: "after convolutions in the early, high-resolution layers",
            units: "every channel",
        },
        Placement {
            activation: "hard-sigmoid",
            layer: Layer::Hidden,
            position: "squeeze-and-excitation gates",
            units: "one per channel",
        },
    ],
    why: "hard-swish x * relu6(x + 3) / 6 and hard-sigmoid relu6(x + 3) / 6 are piecewise \
linear stand-ins for swish and sigmoid: no exponential, cheap on mobile CPUs and exact under \
integer quantisation, with nearly the accuracy of the smooth versions (Howard et al., 2019).",
    loss: Loss {
        name: "set by the output layer",
        detail: "Usually cross-entropy on logits: see multiclass-classification.",
    },
    init: Init {
        scheme: "He (Kaiming) normal, fan-out",
        detail: "As for ReLU CNNs: torch.nn.init.kaiming_normal_(w, mode='fan_out') as \
torchvision's MobileNetV3 does.",
        gains: &[RELU],
    },
    alternatives: &[
        Alternative {
            activation: "relu",
            when: "everywhere (MobileNetV2 uses ReLU6); simplest to quantise",
        },
        Alternative {
            activation: "swish",
            when: "when exp is affordable (EfficientNet)",
        },
    ],
    pitfalls: &[
        "Hard-sigmoid is defined differently across libraries: PyTorch, JAX and Keras 3 use \
relu6(x + 3) / 6 like act, Keras 2 used clip(0.2 x + 0.5, 0, 1); converted weights then \
disagree.",
        "hard-swish is not monotonic (its minimum is -0.375 at x = -1.5) and saturates to 0 \
below -3.",
    ],
};
