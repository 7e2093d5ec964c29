"""Rational approximations for act-core's f32 erfc kernel (act-core/src/math/f32/erf.rs).

For a >= 0, erfc(a) = e^(-a^2) R(a) with R(a) = P(a) / (sqrt(pi) a P(a) + H(a)), P of
degree 5 with P(0) = 1 and H of degree 4. R is about 1 / (sqrt(pi) a) for large a, so the
part of the denominator that P and H carry on their own, H / D, is small (0.45 at a = 0.5,
0.09 at a = 2): their rounding errors enter R damped by that ratio, while the kernel forms
sqrt(pi) a exactly.

The fit minimises the maximum relative error of R on [0, 10.4] (erfc(10.4) is about
2^-160, below anything f32 can hold even after the kernels' 2^32 scaling). Method: Loeb's
linearisation R (sqrt(pi) a P + H) - P = 0, weighted by 1 / (R D_previous), solved by
least squares at 4000 Chebyshev nodes, with Lawson reweighting towards the minimax solution;
R from mpmath at 40 digits. The coefficients are rounded to f32 one at a time, the others
refitted after each rounding (the loop is scripts/rational_fit.py's, shared with
fit_gelu.py).

A second set is fitted in u = a sqrt(2) (u in [0, 10.4 sqrt 2], denominator
sqrt(pi/2) u P(u) + H(u)): GELU's erfc(-x / sqrt 2) then takes |x| itself, so its argument is
never rounded.

    python3 scripts/fit_erfc.py      # needs numpy and mpmath; about 20 s

Prints the Rust constants and each set's maximum relative error on a grid 10 times denser
than the nodes (in units of 2^-24; the kernel's own rounding adds about 2 ulp on top).
"""
import numpy as np
import mpmath as mp

from rational_fit import loeb_lawson, nodes, rounded_to_f32, rust_f32

mp.mp.dps = 40
A_MAX = 10.4
NP, NH = 5, 4


def r_of(v, scale):
    """R(v / scale), in f64."""
    return np.array(
        [float(mp.erfc(mp.mpf(x) / scale) * mp.exp((mp.mpf(x) / scale) ** 2)) for x in v]
    )


def evaluate(sol, v, b):
    p = np.polyval(np.r_[1.0, sol[:NP]][::-1], v)
    h = np.polyval(sol[NP:][::-1], v)
    return p / (b * v * p + h), p, h


def fit(v, r, b, fixed, iters=50):
    """[p1..pNP, h0..hNH] (p0 = 1) minimising max |R_fit - R| / R, with `fixed` a dict
    index -> value of the coefficients already rounded."""
    cols = [(b * v * r - 1) * v**i for i in range(1, NP + 1)] + [r * v**j for j in range(NH + 1)]
    cols = np.array(cols).T
    rhs0 = -(b * v * r - 1)  # the p0 = 1 term

    def rd(sol):
        rr, p, h = evaluate(sol, v, b)
        return rr, b * v * p + h

    return loeb_lawson(cols, rhs0, r, fixed, rd, iters)


for scale, tag in [(1.0, "ERFC"), (float(mp.sqrt(2)), "GELU")]:
    b = float(mp.sqrt(mp.pi) / scale)
    v = nodes(0, A_MAX * scale, 4000)
    r = r_of(v, scale)
    sol = rounded_to_f32(lambda fixed: fit(v, r, b, fixed), NP + NH + 1)
    vd = nodes(0, A_MAX * scale, 40000)
    rd = r_of(vd, scale)
    rr, _, _ = evaluate(sol, vd, b)
    err = np.abs((rr - rd) / rd).max()
    print(f"// {tag}: relative error {err:.2e} = {err / 2**-24:.3f} x 2^-24")
    print(rust_f32(f"{tag}_P", np.r_[1.0, sol[:NP]]))
    print(rust_f32(f"{tag}_H", sol[NP:]))
