"""The quadratic g(e) ~ (1 + e)^-2 on [0, 1] of act-core's `bell_fma_final`
(act-core/src/math/mod.rs), which only scales a correction term of relative size 2^-22, so a
few percent of error suffice.

Minimax of the relative error by Lawson's iteratively reweighted least squares at 2001
Chebyshev nodes; prints the coefficients (constant term first, rounded to f32) and the
maximum relative error on a grid of 100001 points.

    python3 scripts/fit_bell.py      # needs numpy
"""
import numpy as np

e = np.cos(np.linspace(0, np.pi, 2001)) * 0.5 + 0.5
g = (1 + e) ** -2
V = np.vander(e, 3, increasing=True)
lw = np.ones_like(e)
for _ in range(50):
    w = lw / g
    c, *_ = np.linalg.lstsq(V * w[:, None], g * w, rcond=None)
    err = np.abs(V @ c / g - 1)
    lw = lw * err / err.max()
    lw /= lw.sum()
c = c.astype(np.float32)
ee = np.linspace(0, 1, 100001)
rel = np.abs(np.polyval(c[::-1].astype(np.float64), ee) * (1 + ee) ** 2 - 1)
print("coefficients:", [f"{float(x):.9g}" for x in c])
print(f"max relative error: {rel.max():.4f}")
