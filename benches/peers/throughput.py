#!/usr/bin/env python3
"""Throughput of act's peers on the built-in activations, one thread, for `summary`.

Peers (each skipped with a note on stderr if its package is missing):
  jax    XLA CPU, `jax.jit`: forward, and `derivative` = `jit(vmap(grad(f)))`, f'(x) alone
         (act's `derivative_slice`).
  torch  PyTorch eager CPU kernels: forward, and `backward` = PyTorch's own backward kernel
         (`torch.ops.aten.*_backward`), which reads grad_y and the saved input (relu,
         leaky_relu, elu, selu, silu, gelu, softplus, mish, hardsigmoid, hardswish, log_sigmoid,
         celu, relu6, hardtanh, prelu, glu) or the saved output (sigmoid, tanh, softmax,
         log_softmax, softmin). softsign is composite in PyTorch: forward only.
  ort    ONNX Runtime (CPU execution provider), a one-node model per function, input and output
         bound once (`io_binding`): forward.
  numpy  the textbook formula with NumPy: forward.

Inputs: N values uniform in [-8, 8) (as act's criterion benches), grad_y uniform in [-1, 1),
fixed seed. Each figure: elements per nanosecond at the median of REPS timed calls, after
untimed ones for 10 ms (at least two). Output: a header line
`# DATE n=N dtype=DTYPE naming=act command: ...`, then
`PEER FUNCTION DIRECTION ELEMENTS_PER_NS` lines with act's function names (`gelu` is the
exact erf form, `gelu_tanh` the tanh approximation, `swish` is SiLU). `glu` splits the N
inputs into halves `[a | b]` (PyTorch's `glu(x, dim=-1)`) and its rate counts the N/2 outputs.

Run it pinned to the core act's benches use, in the same hour (see benches/README.md):

    taskset -c 1 PYTHON benches/peers/throughput.py --n 1000000 --dtype float32 \\
        --out benches/peers/runs/DATE-f32-1M-1.txt
"""
import argparse
import datetime
import os
import sys
import time

# One thread everywhere, set before the libraries start their pools.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
LEAKY_ALPHA = 0.1  # act's default (PyTorch's is 0.01: the speed does not depend on it)
CELU_ALPHA = 1.0
PRELU_ALPHA = 0.25  # act's default, PyTorch's nn.PReLU initial value
SQUAREPLUS_B = 4.0
NAMES = ["sigmoid", "tanh", "softmax", "relu", "leaky_relu", "elu", "selu", "swish", "gelu",
         "gelu_tanh", "softplus", "mish", "hard_sigmoid", "hard_swish", "log_sigmoid", "softsign",
         "celu", "relu6", "hardtanh", "squareplus", "prelu", "log_softmax", "softmin", "glu"]
# Not elementwise: no vmap(grad) in JAX.
VECTOR = {"softmax", "log_softmax", "softmin", "glu"}


# Untimed calls before a figure's timed ones: at least two, and for at least this long (act's
# `medians` does the same, act_benches::WARM_UP). A memory-bound call that follows a
# compute-bound figure runs about 15% slower for its first 1-2 ms on the benches' machine
# (benches/README.md, "Warm-up"); warming by time keeps the previous figure out of this one.
WARM_UP_S = 0.010


def median_rate(n, call, reps):
    """Elements per ns at the median of `reps` timed calls of `call`, after warming up."""
    start, calls = time.perf_counter(), 0
    while calls < 2 or time.perf_counter() - start < WARM_UP_S:
        call()
        calls += 1
    times = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - start)
    times.sort()
    return n / times[len(times) // 2]


def jax_rows(x_np, dtype, reps, wanted):
    import jax
    import jax.numpy as jnp
    if dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    x = jnp.asarray(x_np)
    nn = jax.nn
    table = {
        "sigmoid": nn.sigmoid, "tanh": jnp.tanh, "softmax": nn.softmax, "relu": nn.relu,
        "leaky_relu": lambda v: nn.leaky_relu(v, LEAKY_ALPHA), "elu": nn.elu, "selu": nn.selu,
        "swish": nn.silu, "gelu": lambda v: nn.gelu(v, approximate=False),
        "gelu_tanh": lambda v: nn.gelu(v, approximate=True), "softplus": nn.softplus,
        "mish": lambda v: v * jnp.tanh(nn.softplus(v)), "hard_sigmoid": nn.hard_sigmoid,
        "hard_swish": nn.hard_swish, "log_sigmoid": nn.log_sigmoid, "softsign": nn.soft_sign,
        "celu": lambda v: nn.celu(v, CELU_ALPHA), "relu6": nn.relu6, "hardtanh": nn.hard_tanh,
        "squareplus": lambda v: nn.squareplus(v, SQUAREPLUS_B),
        "prelu": lambda v: jnp.where(v > 0, v, PRELU_ALPHA * v),
        "log_softmax": nn.log_softmax, "softmin": lambda v: nn.softmax(-v),
        # x holds [a | b]: n/2 outputs; the rate below counts outputs, as act's medians does.
        "glu": nn.glu,
    }
    for name in wanted:
        f = table[name]
        forward = jax.jit(f)
        n = len(x_np) // 2 if name == "glu" else len(x_np)
        yield name, "forward", median_rate(n, lambda: forward(x).block_until_ready(), reps)
        if name not in VECTOR:
            deriv = jax.jit(jax.vmap(jax.grad(f)))
            yield name, "derivative", median_rate(len(x_np), lambda: deriv(x).block_until_ready(), reps)


def torch_rows(x_np, g_np, reps, wanted):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    x, g = torch.from_numpy(x_np), torch.from_numpy(g_np)
    out = torch.empty_like(x)
    aten = torch.ops.aten
    with torch.no_grad():
        saved = {"sigmoid": torch.sigmoid(x), "tanh": torch.tanh(x), "softmax": torch.softmax(x, 0),
                 "log_softmax": torch.log_softmax(x, 0), "softmin": torch.softmax(-x, 0)}
        _, log_sigmoid_buffer = aten.log_sigmoid_forward(x)
        prelu_weight = torch.full((1,), PRELU_ALPHA, dtype=x.dtype)
        half = len(x_np) // 2
        table = {
            "sigmoid": (lambda: torch.sigmoid(x, out=out), lambda: aten.sigmoid_backward(g, saved["sigmoid"])),
            "tanh": (lambda: torch.tanh(x, out=out), lambda: aten.tanh_backward(g, saved["tanh"])),
            "softmax": (lambda: torch.softmax(x, 0),
                        lambda: aten._softmax_backward_data(g, saved["softmax"], 0, x.dtype)),
            "relu": (lambda: torch.relu(x), lambda: aten.threshold_backward(g, x, 0.0)),
            "leaky_relu": (lambda: F.leaky_relu(x, LEAKY_ALPHA),
                           lambda: aten.leaky_relu_backward(g, x, LEAKY_ALPHA, False)),
            "elu": (lambda: F.elu(x), lambda: aten.elu_backward(g, 1.0, 1.0, 1.0, False, x)),
            "selu": (lambda: F.selu(x),
                     lambda: aten.elu_backward(g, SELU_ALPHA, SELU_SCALE, 1.0, False, x)),
            "swish": (lambda: F.silu(x), lambda: aten.silu_backward(g, x)),
            "gelu": (lambda: F.gelu(x), lambda: aten.gelu_backward(g, x)),
            "gelu_tanh": (lambda: F.gelu(x, approximate="tanh"),
                          lambda: aten.gelu_backward(g, x, approximate="tanh")),
            "softplus": (lambda: F.softplus(x), lambda: aten.softplus_backward(g, x, 1.0, 20.0)),
            "mish": (lambda: F.mish(x), lambda: aten.mish_backward(g, x)),
            "hard_sigmoid": (lambda: F.hardsigmoid(x), lambda: aten.hardsigmoid_backward(g, x)),
            "hard_swish": (lambda: F.hardswish(x), lambda: aten.hardswish_backward(g, x)),
            "log_sigmoid": (lambda: F.logsigmoid(x),
                            lambda: aten.log_sigmoid_backward(g, x, log_sigmoid_buffer)),
            # Composite in PyTorch (no backward kernel of its own): forward only.
            "softsign": (lambda: F.softsign(x), None),
            "celu": (lambda: F.celu(x, CELU_ALPHA),
                     lambda: aten.elu_backward(g, CELU_ALPHA, 1.0, 1.0 / CELU_ALPHA, False, x)),
            "relu6": (lambda: F.relu6(x), lambda: aten.hardtanh_backward(g, x, 0.0, 6.0)),
            "hardtanh": (lambda: F.hardtanh(x), lambda: aten.hardtanh_backward(g, x, -1.0, 1.0)),
            "prelu": (lambda: F.prelu(x, prelu_weight),
                      lambda: aten._prelu_kernel_backward(g, x, prelu_weight)),
            "log_softmax": (lambda: torch.log_softmax(x, 0),
                            lambda: aten._log_softmax_backward_data(g, saved["log_softmax"], 0, x.dtype)),
            # softmin(x) = softmax(-x): PyTorch negates, then runs softmax's kernels.
            "softmin": (lambda: F.softmin(x, 0),
                        lambda: aten._softmax_backward_data(g, saved["softmin"], 0, x.dtype)),
            # x holds [a | b]: n/2 outputs, g's first half the gradient.
            "glu": (lambda: F.glu(x, -1), lambda: aten.glu_backward(g[:half], x, -1)),
        }
        for name in wanted:
            if name not in table:  # squareplus: not in PyTorch
                continue
            forward, backward = table[name]
            n = half if name == "glu" else len(x_np)
            yield name, "forward", median_rate(n, forward, reps)
            if backward is not None:
                yield name, "backward", median_rate(n, backward, reps)


def ort_rows(x_np, dtype, reps, wanted):
    import onnxruntime as ort
    from onnx import TensorProto, helper
    ops = {
        "sigmoid": ("Sigmoid", {}), "tanh": ("Tanh", {}), "softmax": ("Softmax", {"axis": 0}),
        "relu": ("Relu", {}), "leaky_relu": ("LeakyRelu", {"alpha": LEAKY_ALPHA}),
        "elu": ("Elu", {}), "selu": ("Selu", {}), "softplus": ("Softplus", {}),
        "gelu": ("Gelu", {}), "gelu_tanh": ("Gelu", {"approximate": "tanh"}), "mish": ("Mish", {}),
        "hard_sigmoid": ("HardSigmoid", {"alpha": 1 / 6, "beta": 0.5}),
        "hard_swish": ("HardSwish", {}), "softsign": ("Softsign", {}),
        "celu": ("Celu", {"alpha": CELU_ALPHA}), "log_softmax": ("LogSoftmax", {"axis": 0}),
    }
    elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    n = len(x_np)
    for name in wanted:
        if name not in ops:  # swish: no single-node SiLU before opset 24; others: no op
            continue
        op, attrs = ops[name]
        graph = helper.make_graph(
            [helper.make_node(op, ["x"], ["y"], **attrs)], name,
            [helper.make_tensor_value_info("x", elem, [n])],
            [helper.make_tensor_value_info("y", elem, [n])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
        model.ir_version = 9
        try:
            session = ort.InferenceSession(model.SerializeToString(), options,
                                           providers=["CPUExecutionProvider"])
        except Exception as err:  # an operator this build lacks for this dtype
            print(f"# ort {name}: not available ({str(err)[:80]})", file=sys.stderr)
            continue
        binding = session.io_binding()
        binding.bind_ortvalue_input("x", ort.OrtValue.ortvalue_from_numpy(x_np))
        binding.bind_ortvalue_output("y", ort.OrtValue.ortvalue_from_numpy(np.empty_like(x_np)))
        yield name, "forward", median_rate(n, lambda: session.run_with_iobinding(binding), reps)


def numpy_rows(x, reps, wanted):
    def softmax(v):
        e = np.exp(v - v.max())
        return e / e.sum()
    table = {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh, "softmax": softmax,
        "relu": lambda v: np.maximum(v, 0), "leaky_relu": lambda v: np.where(v > 0, v, LEAKY_ALPHA * v),
        "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
        "selu": lambda v: SELU_SCALE * np.where(v > 0, v, SELU_ALPHA * np.expm1(np.minimum(v, 0))),
        "swish": lambda v: v / (1 + np.exp(-v)),
    }
    for name in wanted:
        if name in table:
            f = table[name]
            yield name, "forward", median_rate(len(x), lambda: f(x), reps)


def main():
    global WARM_UP_S
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--peers", default="jax,torch,ort,numpy")
    p.add_argument("--only", default=",".join(NAMES), help="comma-separated function names")
    p.add_argument("--reps", type=int, default=25)
    p.add_argument("--warm-up-ms", type=float, default=1000 * WARM_UP_S,
                   help="untimed calls before each figure for this long (at least two; 0: two)")
    p.add_argument("--out", help="write here instead of standard output")
    a = p.parse_args()
    WARM_UP_S = a.warm_up_ms / 1000
    wanted = [w for w in a.only.split(",") if w]
    unknown = [w for w in wanted if w not in NAMES]
    if unknown:
        p.error(f"unknown function(s) {unknown}; known: {', '.join(NAMES)}")
    rng = np.random.default_rng(20261130)
    x = rng.uniform(-8.0, 8.0, a.n).astype(a.dtype)
    g = rng.uniform(-1.0, 1.0, a.n).astype(a.dtype)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    command = " ".join(["throughput.py"] + sys.argv[1:])
    lines = [f"# {now} n={a.n} dtype={a.dtype} naming=act command: {command}"]
    sources = {
        "jax": lambda: jax_rows(x, a.dtype, a.reps, wanted),
        "torch": lambda: torch_rows(x, g, a.reps, wanted),
        "ort": lambda: ort_rows(x, a.dtype, a.reps, wanted),
        "numpy": lambda: numpy_rows(x, a.reps, wanted),
    }
    for peer in a.peers.split(","):
        if peer not in sources:
            p.error(f"unknown peer {peer}; known: {', '.join(sources)}")
        try:
            for name, direction, rate in sources[peer]():
                lines.append(f"{peer} {name} {direction} {rate:.4f}")
                print(lines[-1], file=sys.stderr)
        except ImportError as err:
            print(f"# {peer}: skipped ({err})", file=sys.stderr)
    text = "\n".join(lines) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
