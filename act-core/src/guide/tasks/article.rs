//! The classic article's tasks: its four output layers and three hidden-layer families.

use super::super::{Alternative, Init, Layer, Loss, Placement, Task};
use super::*;

/// `binary-classification`.
pub(super) const BINARY_CLASSIFICATION: Task = Task {
    name: "binary-classification",
    aliases: &["binary", "binary-classifier"],
    title: "Binary classification",
    layer: Layer::Output,
    from_article: true,
    summary: "One sigmoid unit on the output, trained on logits.",
    placements: &[Placement {
        activation: "sigmoid",
        layer: Layer::Output,
        position: "output layer",
        units: "1",
    }],
    why: "One sigmoid node squashes a single score into (0, 1), read as the probability of \
the positive class; the other class's probability is 1 minus it, so a second unit would only \
add a redundant parameter.",
    loss: Loss {
        name: "binary cross-entropy on logits",
        detail: "Leave the last layer linear during training and let the loss apply the \
sigmoid: torch.nn.BCEWithLogitsLoss, keras.losses.BinaryCrossentropy(from_logits=True), \
optax.sigmoid_binary_cross_entropy. The fused form computes log(sigmoid(z)) stably; apply \
sigmoid only to read probabilities.",
    },
    init: Init {
        scheme: "Glorot (Xavier) uniform for the output layer",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[SIGMOID, LINEAR],
    },
    alternatives: &[
        Alternative {
            activation: "softmax",
            when: "two output units with softmax and cross-entropy give the same model \
with one redundant set of weights; use it only if the code expects one unit per class",
        },
        Alternative {
            activation: "tanh",
            when: "labels coded as -1/+1 with a margin (hinge) loss; otherwise prefer sigmoid",
        },
    ],
    pitfalls: &[
        "Sigmoid on the output and then BCEWithLogitsLoss applies the sigmoid twice: the \
model trains, badly, with no error message.",
        "Sigmoid followed by a plain BCELoss loses precision for confident predictions \
(log(1 - sigmoid(z)) rounds to log(0)); frameworks clamp it, which stops the gradient.",
        "Imbalanced classes: weight the positive class (pos_weight in BCEWithLogitsLoss) and \
pick the decision threshold on validation data rather than assuming 0.5.",
    ],
};

/// `multiclass-classification`.
pub(super) const MULTICLASS_CLASSIFICATION: Task = Task {
    name: "multiclass-classification",
    aliases: &["multiclass", "multi-class", "multi-class-classification"],
    title: "Multiclass classification (one label per example)",
    layer: Layer::Output,
    from_article: true,
    summary: "Softmax over one output unit per class, trained on logits.",
    placements: &[Placement {
        activation: "softmax",
        layer: Layer::Output,
        position: "output layer, over the class dimension",
        units: "one per class",
    }],
    why: "Softmax turns one score per class into probabilities that are positive and sum to \
1, which is what mutually exclusive classes need; it is the multi-class generalisation of the \
sigmoid.",
    loss: Loss {
        name: "cross-entropy on logits",
        detail: "Feed the raw scores to the loss, which applies log-softmax itself: \
torch.nn.CrossEntropyLoss (takes logits and class indices), \
keras.losses.SparseCategoricalCrossentropy(from_logits=True), \
optax.softmax_cross_entropy_with_integer_labels. Apply softmax only to read probabilities.",
    },
    init: Init {
        scheme: "Glorot (Xavier) uniform for the output layer",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[LINEAR],
    },
    alternatives: &[
        Alternative {
            activation: "sigmoid",
            when: "the classes are not exclusive (an example can have several labels): \
that is multilabel-classification",
        },
        Alternative {
            activation: "linear",
            when: "training: output logits and use a loss that applies log-softmax itself \
(CrossEntropyLoss, or log_softmax + NLLLoss)",
        },
        Alternative {
            activation: "log-softmax",
            when: "training with a negative log-likelihood loss (NLLLoss) on log-probabilities: \
act's log-softmax keeps the tiny log-probabilities that ln(softmax) rounds away",
        },
    ],
    pitfalls: &[
        "Softmax on the output and then nn.CrossEntropyLoss applies softmax twice: \
gradients flatten and training stalls, without an error.",
        "Softmax over the wrong axis (the batch instead of the classes) gives probabilities \
that sum to 1 across examples.",
        "A softmax written as exp(z) / sum(exp(z)) overflows for scores above ~709 (f64) or \
~88 (f32); subtract the maximum first, as act's softmax does (an activation! declaration \
written that way is shifted by act's engine).",
        "ln(softmax(z)) loses the log-probability of a confident class (it rounds to 0 or to \
-1.19e-7 in f32 where the truth is -8.8e-8 at z = [16.25, 0]); use log-softmax, which act \
computes with log1p.",
        "Softmax probabilities are often over-confident; use label smoothing or temperature \
scaling when calibrated probabilities matter.",
    ],
};

/// `multilabel-classification`.
pub(super) const MULTILABEL_CLASSIFICATION: Task = Task {
    name: "multilabel-classification",
    aliases: &["multilabel", "multi-label", "multi-label-classification"],
    title: "Multilabel classification (several labels per example)",
    layer: Layer::Output,
    from_article: true,
    summary: "One independent sigmoid unit per class, trained on logits.",
    placements: &[Placement {
        activation: "sigmoid",
        layer: Layer::Output,
        position: "output layer",
        units: "one per class",
    }],
    why: "Each label is its own yes/no question, so each class gets its own sigmoid; the \
probabilities need not sum to 1, and one label being present does not push another down.",
    loss: Loss {
        name: "binary cross-entropy on logits, per class",
        detail: "torch.nn.BCEWithLogitsLoss on a multi-hot target (averaged over classes), \
keras.losses.BinaryCrossentropy(from_logits=True), optax.sigmoid_binary_cross_entropy. The \
sigmoid is applied inside the loss, stably.",
    },
    init: Init {
        scheme: "Glorot (Xavier) uniform for the output layer",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[SIGMOID, LINEAR],
    },
    alternatives: &[Alternative {
        activation: "softmax",
        when: "exactly one label per example: that is multiclass-classification",
    }],
    pitfalls: &[
        "Softmax makes the labels compete: with two true labels neither can reach a \
probability above 0.5.",
        "One threshold for all labels is rarely right; tune a threshold per label on \
validation data.",
        "Rare labels: weight them with pos_weight (one value per class) or use a focal loss.",
    ],
};

/// `regression`.
pub(super) const REGRESSION: Task = Task {
    name: "regression",
    aliases: &["linear-regression", "real-regression"],
    title: "Regression (real-valued targets)",
    layer: Layer::Output,
    from_article: true,
    summary: "A linear (identity) output unit per target value.",
    placements: &[Placement {
        activation: "linear",
        layer: Layer::Output,
        position: "output layer",
        units: "one per target value",
    }],
    why: "A real-valued target can be any number, so the output must not be squashed: the \
identity passes the last layer's affine combination through unchanged.",
    loss: Loss {
        name: "mean squared error",
        detail: "torch.nn.MSELoss, keras.losses.MeanSquaredError, optax.l2_loss; \
torch.nn.HuberLoss or L1Loss when the targets have outliers.",
    },
    init: Init {
        scheme: "Glorot (Xavier) for the output layer; He for ReLU hidden layers",
        detail: OUTPUT_INIT_DETAIL,
        gains: &[LINEAR, RELU],
    },
    alternatives: &[
        Alternative {
            activation: "softplus",
            when: "the target is strictly positive: see positive-regression",
        },
        Alternative {
            activation: "sigmoid",
            when: "the target lies in a known interval: see bounded-regression",
        },
        Alternative {
            activation: "tanh",
            when: "the target lies in [-1, 1]: see bounded-regression",
        },
    ],
    pitfalls: &[
        "A ReLU on the output clips every negative prediction to 0 and stops the gradient \
there.",
        "Unscaled targets (prices in the millions) make the loss and its gradients huge; \
standardise the targets and undo the scaling at prediction time.",
    ],
};

/// `mlp`.
pub(super) const MLP: Task = Task {
    name: "mlp",
    aliases: &[
        "dense",
        "feedforward",
        "feed-forward",
        "fully-connected",
        "hidden",
    ],
    title: "Hidden layers of a multilayer perceptron",
    layer: Layer::Hidden,
    from_article: true,
    summary: "ReLU in every hidden layer; when unsure, start with ReLU.",
    placements: &[Placement {
        activation: "relu",
        layer: Layer::Hidden,
        position: "after every hidden layer",
        units: "every unit of the layer (the width is a design choice, e.g. 64 to 1024)",
    }],
    why: "ReLU is cheap, does not saturate for positive inputs, so gradients pass through \
deep stacks without vanishing as they do through sigmoid or tanh, and it gives sparse \
activations. The article's advice: ReLU for hidden layers, and when unsure, start with ReLU.",
    loss: Loss {
        name: "set by the output layer",
        detail: "Hidden activations do not choose the loss: see the output tasks \
(binary-classification, multiclass-classification, multilabel-classification, regression).",
    },
    init: Init {
        scheme: "He (Kaiming) normal or uniform",
        detail: "torch.nn.init.kaiming_normal_(w, nonlinearity='relu'), Keras \
he_normal, jax.nn.initializers.he_normal: variance 2 / fan_in keeps the activations' scale \
constant through ReLU layers, which zero half their inputs. For leaky-relu pass its slope \
(kaiming_normal_(w, a=0.1, nonlinearity='leaky_relu')). Biases at 0.",
        gains: &[RELU, LEAKY_OURS],
    },
    alternatives: &[
        Alternative {
            activation: "leaky-relu",
            when: "units die (many ReLUs output 0 for every input)",
        },
        Alternative {
            activation: "elu",
            when: "mean activations closer to zero help; a little slower than ReLU",
        },
        Alternative {
            activation: "gelu",
            when: "transformer-style networks, or a smooth ReLU is wanted",
        },
        Alternative {
            activation: "swish",
            when: "deep networks, where it often edges out ReLU at some extra cost",
        },
        Alternative {
            activation: "selu",
            when: "a plain deep fully-connected net without batch normalisation: see \
self-normalizing",
        },
    ],
    pitfalls: &[
        RELU_PITFALL_DYING,
        "Sigmoid or tanh in many stacked hidden layers: their gradients are at most 0.25 and \
1 and vanish in the tails, so deep layers stop learning.",
        "Glorot initialisation with ReLU halves the variance at every layer; use He.",
    ],
};

/// `cnn`.
pub(super) const CNN: Task = Task {
    name: "cnn",
    aliases: &["convnet", "conv", "convolutional"],
    title: "Hidden layers of a convolutional network",
    layer: Layer::Hidden,
    from_article: true,
    summary: "ReLU after each convolution (after batch norm if there is one).",
    placements: &[Placement {
        activation: "relu",
        layer: Layer::Hidden,
        position: "after every convolution (conv -> batch norm -> relu)",
        units: "every channel of the feature map (the channel count is a design choice)",
    }],
    why: "Same reasons as for MLPs: cheap, non-saturating for positive inputs, sparse; ReLU \
is the article's default for CNN hidden layers and the activation of the classic \
architectures (AlexNet, VGG, ResNet).",
    loss: Loss {
        name: "set by the output layer",
        detail: "Usually cross-entropy on logits for image classification: see \
multiclass-classification.",
    },
    init: Init {
        scheme: "He (Kaiming) normal, fan-out",
        detail: "torch.nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu') as \
torchvision's ResNets do; Keras he_normal. Batch norm weights at 1 and biases at 0 (zeroing \
the last batch norm of each residual branch helps deep ResNets).",
        gains: &[RELU, LEAKY_OURS],
    },
    alternatives: &[
        Alternative {
            activation: "leaky-relu",
            when: "dying units, or a discriminator (GANs use slope 0.2)",
        },
        Alternative {
            activation: "swish",
            when: "EfficientNet-style networks; a few tenths of a percent better, slower",
        },
        Alternative {
            activation: "gelu",
            when: "ConvNeXt-style networks that borrow from transformers",
        },
        Alternative {
            activation: "hard-swish",
            when: "on phones and quantised models: see mobile-cnn",
        },
    ],
    pitfalls: &[
        RELU_PITFALL_DYING,
        "In a ResNet block the ReLU comes after the residual addition (or, in pre-activation \
ResNets, before the convolutions): a ReLU on the residual branch's output alone keeps the \
branch from subtracting.",
        "A ReLU right before the output layer's logits is harmless, but a ReLU as the output \
activation is not: see the output tasks.",
    ],
};

/// `rnn`.
pub(super) const RNN: Task = Task {
    name: "rnn",
    aliases: &["recurrent", "elman"],
    title: "Hidden state of a recurrent network",
    layer: Layer::Hidden,
    from_article: true,
    summary: "tanh for the hidden state, sigmoid for gates.",
    placements: &[
        Placement {
            activation: "tanh",
            layer: Layer::Hidden,
            position: "hidden-state update h_t = tanh(W x_t + U h_{t-1} + b)",
            units: "hidden size",
        },
        Placement {
            activation: "sigmoid",
            layer: Layer::Hidden,
            position: "gates, where the cell has them (LSTM, GRU)",
            units: "hidden size per gate",
        },
    ],
    why: "The article: recurrent networks use tanh and/or sigmoid. The state is fed back at \
every step, so a bounded activation keeps it from growing without limit; tanh is zero-centred, \
which keeps the recurrent products balanced, and sigmoid's (0, 1) makes gates.",
    loss: Loss {
        name: "set by the output layer",
        detail: "Per time step or on the last state, e.g. cross-entropy on logits for \
sequence labelling or language modelling.",
    },
    init: Init {
        scheme: "Glorot (Xavier) for input weights, orthogonal for recurrent weights",
        detail: "torch.nn.init.xavier_uniform_(w_ih, gain=calculate_gain('tanh')) and \
torch.nn.init.orthogonal_(w_hh): an orthogonal recurrent matrix neither grows nor shrinks the \
state over many steps. Keras SimpleRNN uses glorot_uniform and orthogonal by default; PyTorch's \
nn.RNN defaults to uniform(-1/sqrt(hidden), 1/sqrt(hidden)).",
        gains: &[TANH, SIGMOID],
    },
    alternatives: &[
        Alternative {
            activation: "relu",
            when: "only with identity-initialised recurrent weights and gradient clipping \
(IRNN); otherwise the state can explode",
        },
        Alternative {
            activation: "hard-sigmoid",
            when: "cheaper gates on small devices",
        },
    ],
    pitfalls: &[
        "Gradients vanish or explode across time steps: clip them \
(torch.nn.utils.clip_grad_norm_) and prefer an LSTM or GRU for long dependencies.",
        "Saturated tanh units (|x| > 3) pass almost no gradient; keep inputs standardised.",
    ],
};
