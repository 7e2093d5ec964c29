"""The cubic q(r) ~ (e^r - 1 - r) / r^2 on |r| <= ln2/2 of act-core's f32 `*_final` kernels
(`EXP_Q3`, act-core/src/math/f32/mod.rs): one degree below `EXP_Q`, for `e^r = 1 + r + r^2 q(r)`
of degree 5.

Minimax of the relative error of `1 + r + r^2 q(r)` against `e^r`, by Lawson's iteratively
reweighted least squares at 4001 Chebyshev nodes, in f64; prints the coefficients (constant
term first, rounded to f32) and the maximum relative error of the rounded polynomial on a grid
of 200001 points, in f32 ulps of a value in [1, 2) (2^-23).

    python3 scripts/fit_exp_q3.py      # needs numpy
"""
import numpy as np

h = np.log(2.0) / 2
r = np.cos(np.linspace(0, np.pi, 4001)) * h
ex = np.exp(r)
# Fit q where the error of e^r enters: (1 + r + r^2 q) / e^r - 1 = r^2 (q - q*) / e^r.
V = np.vander(r, 4, increasing=True) * (r**2)[:, None]
target = ex - 1 - r
lw = np.ones_like(r)
for _ in range(100):
    w = lw / ex
    c, *_ = np.linalg.lstsq(V * w[:, None], target * w, rcond=None)
    err = np.abs((1 + r + V @ c) / ex - 1)
    lw = lw * err / err.max()
    lw /= lw.sum()
c32 = c.astype(np.float32)
rr = np.linspace(-h, h, 200001)
q = np.polyval(c32[::-1].astype(np.float64), rr)
rel = np.abs((1 + rr + rr * rr * q) / np.exp(rr) - 1)
print("coefficients:", [f"{float(x):.9g}" for x in c32])
print(f"max relative error: {rel.max():.3e} ({rel.max() / 2**-23:.3f} ulp of [1, 2))")
