"""How accurate the peers' fast kernels are, where act spends instructions on accuracy.

    .peers/bin/python scripts/peer_tails.py

For JAX (XLA CPU, jit, float32) it evaluates each activation's value and derivative
(`vmap(grad(f))`, the same functions that `benches/peers/throughput.py` times) on a
grid of x, and measures the error against mpmath (100 digits) in ULPs of float32 at the true
value. Points whose true value is below the smallest normal float32 are skipped: any answer
within that absolute error is acceptable there. Prints, per function and quantity, the worst
error and the range of x where the error exceeds 4 ULP (act's bound).
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax
import jax.numpy as jnp
import mpmath
import numpy as np

mpmath.mp.dps = 100
TINY = float(np.finfo(np.float32).tiny)
SELU_A = mpmath.mpf("1.6732632423543772848170429916717")
SELU_S = mpmath.mpf("1.0507009873554804934193349852946")


def sig(x):
    return 1 / (1 + mpmath.exp(-x))


# name: (jax function, exact value, exact derivative)
FUNCS = {
    "sigmoid": (jax.nn.sigmoid, sig, lambda x: sig(x) * sig(-x)),
    "tanh": (jnp.tanh, mpmath.tanh, lambda x: mpmath.sech(x) ** 2),
    "elu": (jax.nn.elu, lambda x: x if x > 0 else mpmath.expm1(x), lambda x: 1 if x > 0 else mpmath.exp(x)),
    "selu": (
        jax.nn.selu,
        lambda x: SELU_S * (x if x > 0 else SELU_A * mpmath.expm1(x)),
        lambda x: SELU_S * (1 if x > 0 else SELU_A * mpmath.exp(x)),
    ),
    "swish": (jax.nn.silu, lambda x: x * sig(x), lambda x: sig(x) + x * sig(x) * sig(-x)),
}


def ulp_error(got, exact):
    """|got - exact| in ULPs of float32 at the exact value."""
    e = abs(float(exact))
    ulp = 2.0 ** (int(np.floor(np.log2(e))) - 23)
    return float(abs(mpmath.mpf(float(got)) - exact) / ulp)


def main():
    xs = np.concatenate([np.linspace(-100, 100, 4001), np.linspace(-10, 10, 2001)]).astype(np.float32)
    xs = np.unique(xs)
    print(f"JAX {jax.__version__}, float32, {len(xs)} points in [-100, 100]; error in ULPs vs mpmath")
    print(f"{'function':10} {'quantity':10} {'worst ULP':>12} {'at x':>10}   x where error > 4 ULP")
    for name, (f, value, deriv) in FUNCS.items():
        got_v = np.asarray(jax.jit(f)(jnp.asarray(xs)))
        got_d = np.asarray(jax.jit(jax.vmap(jax.grad(f)))(jnp.asarray(xs)))
        for quantity, got, exact in (("value", got_v, value), ("derivative", got_d, deriv)):
            worst, at, bad = 0.0, None, []
            for x, g in zip(xs, got):
                t = exact(mpmath.mpf(float(x)))
                if abs(t) < TINY:
                    continue
                err = ulp_error(g, t)
                if err > worst:
                    worst, at = err, float(x)
                if err > 4:
                    bad.append(float(x))
            where = f"{len(bad)} points, |x| from {min(map(abs, bad)):g}" if bad else "none"
            print(f"{name:10} {quantity:10} {worst:12.3g} {at:10.4g}   {where}")


if __name__ == "__main__":
    main()
