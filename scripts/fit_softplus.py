"""The cubic R(z) ~ (atanh(s) / s - 1) / z, z = s^2 in [0, 1/9], of act-core's f32
`softplus_final` (act-core/src/math/f32/final_kernels.rs): `ln(1 + E) = 2 atanh(s)` with
`s = E / (2 + E)`, `E = e^-|x|` in (0, 1], so `s <= 1/3`, and `ln(1 + E) = 2s + 2s z R(z)`.
The term `2s z R` is at most 4% of the sum, so R needs a relative error of about 2^-19 (it is
well under that).

Minimax of the relative error by Lawson's iteratively reweighted least squares at 2001
Chebyshev nodes; the target is the series sum_n z^n / (2n + 3) in f64 (40 terms: z^40 / 83 is
far below f64's epsilon for z <= 1/9). Prints the coefficients (constant term first, rounded
to f32) and the maximum relative error of R, with the f32 coefficients, on a grid of 100001
points.

    python3 scripts/fit_softplus.py      # needs numpy
"""
import numpy as np

DEGREE = 3
Z_MAX = 1.0 / 9.0


def target(z):
    return sum(z**n / (2 * n + 3) for n in range(40))


z = (np.cos(np.linspace(0, np.pi, 2001)) * 0.5 + 0.5) * Z_MAX
r = target(z)
V = np.vander(z, DEGREE + 1, increasing=True)
lw = np.ones_like(z)
for _ in range(60):
    w = lw / r
    c, *_ = np.linalg.lstsq(V * w[:, None], r * w, rcond=None)
    err = np.abs(V @ c / r - 1)
    lw = lw * err / err.max()
    lw /= lw.sum()
c = c.astype(np.float32)
zz = np.linspace(0, Z_MAX, 100001)
rel = np.abs(np.polyval(c[::-1].astype(np.float64), zz) / target(zz) - 1)
print("coefficients:", [f"{float(x):.9g}" for x in c])
print(f"max relative error: {rel.max():.3e}")
