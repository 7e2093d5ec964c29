"""The fitting loop shared by scripts/fit_erfc.py and scripts/fit_gelu.py: rational
approximations R = P / D with minimax relative error, by Loeb's linearisation (the fit's
equation multiplied through by its denominator, weighted by 1 / (R D_previous)) solved by
least squares at Chebyshev nodes, with Lawson reweighting towards the minimax solution, and
coefficients rounded to f32 one at a time, the others refitted after each rounding.
Not run on its own; needs numpy.
"""
import numpy as np


def nodes(lo, hi, n):
    """`n` Chebyshev nodes on [lo, hi], ascending."""
    t = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    return np.sort((lo + hi) / 2 + (hi - lo) / 2 * t)


def loeb_lawson(cols, rhs0, r, fixed, evaluate, iters, scale=None):
    """The coefficients minimising max |R_fit - r| / scale (`scale` r unless given): `cols`
    the linearised equation's columns (one per coefficient) and `rhs0` its right-hand side at
    the nodes, `fixed` a dict index -> value of the coefficients already rounded,
    `evaluate(sol)` the fit's R and its denominator D at the nodes. The best of `iters`
    reweightings."""
    if scale is None:
        scale = r
    n = cols.shape[1]
    free = [k for k in range(n) if k not in fixed]
    d = np.ones_like(r)
    lw = np.ones_like(r)
    best = None
    for _ in range(iters):
        w = lw / (scale * d)
        rhs = rhs0 - sum(cols[:, k] * fixed[k] for k in fixed) if fixed else rhs0
        s, *_ = np.linalg.lstsq(cols[:, free] * w[:, None], rhs * w, rcond=None)
        sol = np.zeros(n)
        for k, val in fixed.items():
            sol[k] = val
        sol[free] = s
        rr, d = evaluate(sol)
        err = (rr - r) / scale
        m = np.abs(err).max()
        if best is None or m < best[0]:
            best = (m, sol.copy())
        lw = lw * np.abs(err) ** 0.5
        lw /= lw.max()
    return best[1]


def rounded_to_f32(fit, n):
    """`fit(fixed)`'s `n` coefficients, rounded to f32 one at a time, the others refitted
    after each rounding."""
    fixed = {}
    sol = fit(fixed)
    for k in range(n):
        fixed[k] = float(np.float32(sol[k]))
        sol = fit(fixed)
    return sol


def rust_f32(name, vals):
    """A Rust `const NAME: [f32; N]` holding `vals` rounded to f32."""
    body = "\n".join(f"    {float(np.float32(x))!r}," for x in vals)
    return f"const {name}: [f32; {len(vals)}] = [\n{body}\n];"
