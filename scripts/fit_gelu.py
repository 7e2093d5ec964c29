"""Rational function for act-core's f32 GELU kernels (`gelu`, `gelu_prime` in
act-core/src/math/f32/erf.rs).

GELU(x) = x Phi(x), and for u = |x|, Phi(-u) = e^(-u^2/2) R(u) / 2 with
R(u) = e^(u^2/2) erfc(u / sqrt 2), which is about c / u for large u (c = sqrt(2 / pi)). The
kernels take

    R(u) = c P(u) / D(u),    D(u) = u P(u) + H(u),

P of degree NP with P(0) = 1, H of degree NH (4 and 4), on [U_MIN, U_MAX]: below
U_MIN = 0.7 the kernels take erf's polynomial (from |x| = 1/sqrt 2 down), and U_MAX =
10.4 sqrt 2 is where they clamp |x| (GELU(-U_MAX) is about -4e-48, below half the smallest
f32 subnormal). The rounding errors of P and H reach R damped by H / D (0.46 at u = 0.7, 0.16
at u = 2, 0.01 at u = 10). c is not a coefficient of the kernels: it is folded into their
last constant c 2^-32 (2^-32 undoes their scaling), so c is that f32 constant times 2^32
exactly, and H(0) = c.

Method: Loeb's linearisation R (u P + H) - c P = 0, weighted by 1 / (R D_previous), solved
by least squares at 3000 Chebyshev nodes, with Lawson reweighting towards the minimax relative
error; R from mpmath at 30 digits. The coefficients are rounded to f32 one at a time, the
others refitted after each rounding (the loop is scripts/rational_fit.py's, shared with
fit_erfc.py).

    python3 scripts/fit_gelu.py [NP NH [U_MIN]] [--prime]   # needs numpy and mpmath; about 10 s; default 4 4 0.7

`5 4 0` gives the FMA builds' constants (`GELU_WA`, the coefficients of `P` after `P(0) = 1`,
and `GELU_WH`), fitted over the whole range: that kernel has no branch near 0.

`5 4 0 --prime` gives the FMA builds' derivative's (`GELU_DA`, `GELU_DH`): the same form fitted
to `R(u) - (sqrt(2/pi) - c) u` (so that `c (P / D - u)` is `R - sqrt(2/pi) u`, the factor of
GELU's derivative `Phi(-u) - u phi(u) = e^(-u^2/2) (R - sqrt(2/pi) u) / 2`, without a
correction for `c`, which is `sqrt(2/pi)` rounded to f32), with the error measured relative to
that factor (at least 0.1 c near its root u = 0.75, where the derivative is judged in absolute
terms) rather than to R.

Prints the Rust constants and the maximum relative error of R (with --prime, of the factor)
with the f32 coefficients on a grid 10 times denser than the nodes (in units of 2^-24; the
kernel's own rounding adds about 2 ulp on top).
"""
import sys

import numpy as np
import mpmath as mp

from rational_fit import loeb_lawson, nodes, rounded_to_f32, rust_f32

mp.mp.dps = 30
U_MAX = 10.4 * 2**0.5
# Below 0.5 sqrt 2 the portable kernel takes erf's polynomial; its fit starts a little lower.
# The FMA builds' kernel has no such branch: `fit_gelu.py 5 4 0` fits from 0.
PRIME = "--prime" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--prime"]
U_MIN = float(ARGS[2]) if len(ARGS) > 2 else 0.7
NP, NH = (int(ARGS[0]), int(ARGS[1])) if len(ARGS) > 1 else (4, 4)
# The kernels' constant c 2^-32, an f32, and c itself.
K = np.float32(float(mp.sqrt(2 / mp.pi) * mp.mpf(2) ** -32))
C = float(K) * 2.0**32
# With --prime, the target is R(u) - (sqrt(2/pi) - c) u: then c (P / D - u) = R - sqrt(2/pi) u
# exactly, the derivative's `Phi(-u) - u phi(u) = e^(-u^2/2) (R - sqrt(2/pi) u) / 2` without a
# correction for c != sqrt(2/pi) (c is that rounded to f32).
SLOPE = mp.sqrt(2 / mp.pi) - mp.mpf(C) if PRIME else mp.mpf(0)


def r_of(v):
    """R(v) (with --prime, R(v) - (sqrt(2/pi) - c) v) in f64."""
    return np.array(
        [
            float(mp.erfc(mp.mpf(x) / mp.sqrt(2)) * mp.exp(mp.mpf(x) ** 2 / 2) - SLOPE * mp.mpf(x))
            for x in v
        ]
    )


def evaluate(sol, v):
    p = np.polyval(np.r_[1.0, sol[:NP]][::-1], v)
    h = np.polyval(np.r_[C, sol[NP:]][::-1], v)
    d = v * p + h
    return C * p / d, d


def fit(v, r, fixed, iters=60):
    """[p1..pNP, h1..hNH] (p0 = 1, h0 = c) minimising max |R_fit - R| / scale_of(R), with `fixed` a
    dict index -> value of the coefficients already rounded."""
    g = r * v - C
    cols = np.array([g * v**i for i in range(1, NP + 1)] + [r * v**j for j in range(1, NH + 1)]).T
    rhs0 = -(g + r * C)  # the p0 = 1 and h0 = c terms
    return loeb_lawson(cols, rhs0, r, fixed, lambda sol: evaluate(sol, v), iters, scale_of(v, r))


def scale_of(v, r):
    """What an error of R is measured against: R itself, or with --prime the derivative's
    factor |R - sqrt(2/pi) u| (the error of `P / D - u`, relative), at least 0.1 c near its
    root (u = 0.75, where the derivative's rounding is judged in absolute terms)."""
    if not PRIME:
        return r
    return np.maximum(np.abs(r - C * v), 0.1 * C)


v = nodes(U_MIN, U_MAX, 3000)
r = r_of(v)
sol = rounded_to_f32(lambda fixed: fit(v, r, fixed), NP + NH)
vd = nodes(U_MIN, U_MAX, 30000)
rd = r_of(vd)
rr, dd = evaluate(sol, vd)
err = np.abs((rr - rd) / scale_of(vd, rd)).max()
h = np.polyval(np.r_[C, sol[NP:]][::-1], vd)
print(f"// R = c P / (u P + H), degrees {NP} and {NH}, on [{U_MIN}, {U_MAX:.4f}]: relative error "
      f"{err:.2e} = {err / 2**-24:.3f} x 2^-24; H / D at most {np.abs(h / dd).max():.2f}")
print(f"// c 2^-32 = {float(K)!r}")
print(rust_f32("GELU_DA" if PRIME else "GELU_RP", np.r_[1.0, sol[:NP]]))
print(rust_f32("GELU_DH" if PRIME else "GELU_RH", np.r_[C, sol[NP:]]))
