"""mpmath reference data for the gated built-ins and for parameter gradients.

    python3 scripts/gen_gated_reference.py      # writes act-core/tests/data/gated/

Same rounding and grid helpers as scripts/gen_reference.py (imported from there). Every value
is the mathematics of the activation (not our code), evaluated at 100 digits in a form free of
cancellation, and cross-checked against the literal formula at 200 digits and against
mpmath.diff for the partials.

Files, one per function and type (f32, f64):
The pairs stay in the documented domain of the gated activations: |a·b| does not overflow,
and |b| <= 1 where a is subnormal.

- gated/NAME.T.csv: `a,b,value,value_frac,da,da_frac,db,db_frac,root,kappa_value,kappa_da`:
  f(a, b), df/da and df/db correctly rounded (hex bits and residual in ULPs, as the other
  tables); root = 1 where the interior-root allowance applies to df/da (|a - a0| <= 1.5 and
  |df/da| <= |b|/4, a0 the root of df/da in a); kappa_* = |a g'(a) / g(a)| for g = f and
  g = df/da as functions of a (the cost of rounding a scaled argument such as -a/sqrt(2)).
- params/NAME.T.csv: `x,d0,d0_frac[,d1,d1_frac]`: the partials of f with respect to each
  parameter, at the default parameters, in declaration order.
- params/swiglubeta.T.csv: `a,b,d0,d0_frac`: the partial with respect to beta of the gated
  `a * sigmoid(beta * a) * b` at beta = 1, a^2 sigma'(a) b, on SwiGlu's pairs.
"""

import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_reference as g  # noqa: E402
from gen_reference import F32, F64, TYPES, mp, mpf, mpmath  # noqa: E402

SQRT2 = None
INV_SQRT_2PI = None


def gelu(x):
    return x * g.erfc(-x / SQRT2) / 2


def dgelu(x):
    return g.erfc(-x / SQRT2) / 2 + x * mpmath.exp(-x * x / 2) * INV_SQRT_2PI


def ddgelu(x):
    return mpmath.exp(-x * x / 2) * INV_SQRT_2PI * (2 - x * x)


def dswish(x):
    return g.sig(x) + x * g.dsig(x)


def ddswish(x):
    return 2 * g.dsig(x) + x * g.ddsig(x)


class Gated:
    """f(a, b) = u(a) * v(b) for all four built-ins: the value and partials follow from the
    one-variable factors and their derivatives."""

    def __init__(self, name, u, du, ddu, v, dv, naive, root_guess=None, kinks=()):
        self.name, self.u, self.du, self.ddu, self.v, self.dv = name, u, du, ddu, v, dv
        self.naive, self.root_guess, self.kinks = naive, root_guess, kinks
        self.root = None

    def f(self, a, b):
        return self.u(a) * self.v(b)

    def da(self, a, b):
        return self.du(a) * self.v(b)

    def db(self, a, b):
        return self.u(a) * self.dv(b)


def gated_fns():
    one, zero = mpf(1), mpf(0)
    ident = (lambda b: b, lambda b: one)
    return [
        # PyTorch glu: a * sigmoid(b)
        Gated("Glu", lambda a: a, lambda a: one, lambda a: zero, g.sig, g.dsig,
              lambda a, b: a / (1 + mpmath.exp(-b))),
        Gated("SwiGlu", lambda a: a * g.sig(a), dswish, ddswish, *ident,
              lambda a, b: a / (1 + mpmath.exp(-a)) * b, root_guess=-1.28),
        Gated("GeGlu", gelu, dgelu, ddgelu, *ident,
              lambda a, b: a * (1 + mpmath.erf(a / SQRT2)) / 2 * b, root_guess=-0.75),
        Gated("ReGlu", lambda a: a if a > 0 else zero, lambda a: one if a > 0 else zero,
              lambda a: zero, *ident, lambda a, b: max(zero, a) * b, kinks=(0,)),
    ]


def cross_check(fn, a, b):
    if abs(a) > 30 or abs(b) > 30 or any(abs(a - k) < 1e-6 for k in fn.kinks):
        return
    # the literal forms cancel where the result is tiny (1 + erf(a) for a < 0): give them the
    # digits they lose
    lost = 0
    for w in (fn.f(a, b), fn.da(a, b), fn.db(a, b)):
        if w != 0:
            lost = max(lost, int(-mpmath.log10(abs(w))))
    with mp.workdps(250 + lost):
        g.check_close("%s(%r, %r)" % (fn.name, a, b), fn.f(a, b), fn.naive(a, b), rel=mpf(10) ** -40)
    with mp.workdps(80 + lost):
        na = mpmath.diff(lambda t: fn.naive(t, b), a)
        nb = mpmath.diff(lambda t: fn.naive(a, t), b)
    g.check_close("%s_a(%r, %r)" % (fn.name, a, b), fn.da(a, b), na, rel=mpf(10) ** -30)
    g.check_close("%s_b(%r, %r)" % (fn.name, a, b), fn.db(a, b), nb, rel=mpf(10) ** -30)


def pairs(fn, t, rng):
    """The a grid of the one-input tables (tails to 1e4 and beyond, subnormals, MAX) with
    moderate and large b; then the same with the roles swapped."""
    grid = g.common_grid(t, rng, n_random=320)
    if fn.root is not None:
        x0 = float(fn.root)
        grid += g.near(t, x0, deltas=(0.5, 0.25, 1e-1, 1e-2, 1e-4, 1e-8))
        grid += [rng.uniform(x0 - 1, x0 + 1) for _ in range(30)]
    if fn.name in ("SwiGlu",):
        lo, hi = (-746, -700) if t is F64 else (-105, -86)
        grid += [rng.uniform(lo, hi) for _ in range(30)]
    grid = g.finalize(t, grid)
    moderate = [1.0, -1.0, 0.5, -3.25, 2.0, 1e-3, -7.5, 1e4, -1e4]
    out = []
    for x in grid:
        if abs(x) < t.min_normal:
            # a subnormal a: the documented domain asks |b| <= 1 (the first product of a is
            # rounded in the subnormal range, which a larger b would scale up)
            out.append((x, t.from_f64(rng.uniform(-1, 1))))
            continue
        out.append((x, t.from_f64(rng.choice(moderate + [rng.uniform(-10, 10)]))))
    for x in grid[:: 2]:
        if abs(x) > t.max / 1e5:
            # the documented domain: |a b| must not overflow (a is at most 1e4 here)
            continue
        out.append((t.from_f64(rng.choice(moderate + [rng.uniform(-10, 10)])), x))
    for x in (0.0, 1.0, -1.0):
        out.append((x, x))
    return out


def write_gated(fn, t, rng, out_dir):
    rows = []
    for av, bv in pairs(fn, t, rng):
        a, b = mpf(av), mpf(bv)
        cross_check(fn, a, b)
        v, da, db = fn.f(a, b), fn.da(a, b), fn.db(a, b)
        cells = [t.bits(av), t.bits(bv)]
        for w in (v, da, db):
            cells += list(g.fmt_value(t, w))
        root = 0
        if fn.root is not None:
            root = int(abs(a - fn.root) <= g.ROOT_HALF_WIDTH and abs(da) <= abs(b) / 4)
        cells.append(str(root))
        cells.append(g.fmt_kappa(g.kappa(a, fn.u(a), fn.du(a))))
        cells.append(g.fmt_kappa(g.kappa(a, fn.du(a), fn.ddu(a))))
        rows.append(",".join(cells))
    path = os.path.join(out_dir, "gated", "%s.%s.csv" % (fn.name.lower(), t.name))
    with open(path, "w") as out:
        out.write("# %s, %s. Generated by scripts/gen_gated_reference.py (mpmath, 100 digits); "
                  "do not edit.\n" % (fn.name, t.name))
        out.write("# Format: see the script's docstring.\n")
        if fn.root is not None:
            out.write("# interior root of df/da in a: a0 = %s\n" % mpmath.nstr(fn.root, 25))
        out.write("a,b,value,value_frac,da,da_frac,db,db_frac,root,kappa_value,kappa_da\n")
        out.write("\n".join(rows) + "\n")
    return len(rows)


class Params:
    """Partials of an elementwise activation with respect to its parameters, at the defaults."""

    def __init__(self, name, partials, naive, n_params, kinks=(0,)):
        self.name, self.partials, self.naive = name, partials, naive
        self.n_params, self.kinks = n_params, kinks


def param_fns():
    zero = mpf(0)
    a_selu, s_selu = mpf(g.SELU_ALPHA), mpf(g.SELU_SCALE)

    def elu_core(x, alpha):
        return x if x > 0 else alpha * mpmath.expm1(x)

    def celu_dalpha(x):
        # expm1(x) - x exp(x) at alpha = 1: its two terms agree to about 2 log10(1/|x|)
        # digits near 0 (the result is about -x^2/2), so the working precision grows with them.
        if x > 0 or x == 0:
            return zero
        extra = max(0, int(-2 * mpmath.log10(abs(x)))) + 20
        with mp.workdps(g.DPS + extra):
            d = mpmath.expm1(x) - x * mpmath.exp(x)
        return +d

    return [
        Params("PRelu", lambda x: [zero if x > 0 else x],
               lambda x, p: x if x > 0 else p[0] * x, 1),
        Params("LeakyRelu", lambda x: [zero if x > 0 else x],
               lambda x, p: x if x > 0 else p[0] * x, 1),
        Params("Elu", lambda x: [zero if x > 0 else mpmath.expm1(x)],
               lambda x, p: x if x > 0 else p[0] * (mpmath.exp(x) - 1), 1),
        # Hardtanh(min_val, max_val): 1 on the clipped side of each bound
        Params("Hardtanh", lambda x: [mpf(1) if x <= -1 else zero,
                                      mpf(1) if (x > -1 and x >= 1) else zero],
               lambda x, p: p[0] if x <= p[0] else (p[1] if x >= p[1] else x), 2,
               kinks=(-1, 1)),
        # Selu(alpha, scale): d/dalpha = scale expm1(x) (x <= 0), d/dscale = elu_alpha(x)
        Params("Selu", lambda x: [zero if x > 0 else s_selu * mpmath.expm1(x),
                                  elu_core(x, a_selu)],
               lambda x, p: p[1] * (x if x > 0 else p[0] * (mpmath.exp(x) - 1)), 2),
        # Celu(alpha): d/dalpha = expm1(x/alpha) - (x/alpha) exp(x/alpha) for x <= 0
        Params("Celu", lambda x: [celu_dalpha(x)],
               lambda x, p: x if x > 0 else p[0] * mpmath.expm1(x / p[0]), 1),
        # Squareplus(b): d/db = 1 / (4 sqrt(x^2 + b)), smooth (no kinks)
        Params("Squareplus", lambda x: [1 / (4 * mpmath.sqrt(x * x + 4))],
               lambda x, p: (x + mpmath.sqrt(x * x + p[0])) / 2, 1, kinks=()),
    ]


DEFAULTS = {
    "PRelu": ["0.25"],
    "LeakyRelu": ["0.1"],
    "Elu": ["1"],
    "Selu": [g.SELU_ALPHA, g.SELU_SCALE],
    "Hardtanh": ["-1", "1"],
    "Celu": ["1"],
    "Squareplus": ["4"],
}


def write_params(fn, t, rng, out_dir):
    rows = []
    defaults = [mpf(s) for s in DEFAULTS[fn.name]]
    for xv in g.finalize(t, g.common_grid(t, rng, n_random=320)):
        x = mpf(xv)
        ds = fn.partials(x)
        if abs(x) <= 30 and all(abs(x - k) > 1e-6 for k in fn.kinks):
            for k in range(fn.n_params):
                def along(p, k=k):
                    q = list(defaults)
                    q[k] = p
                    return fn.naive(x, q)
                lost = max(0, int(-mpmath.log10(abs(ds[k])))) if ds[k] != 0 else 0
                with mp.workdps(80 + lost):
                    numeric = mpmath.diff(along, defaults[k])
                g.check_close("%s d%d(%r)" % (fn.name, k, x), ds[k], numeric, rel=mpf(10) ** -30)
        cells = [t.bits(xv)]
        for d in ds:
            cells += list(g.fmt_value(t, d))
        rows.append(",".join(cells))
    path = os.path.join(out_dir, "params", "%s.%s.csv" % (fn.name.lower(), t.name))
    header = ["x"] + sum((["d%d" % k, "d%d_frac" % k] for k in range(fn.n_params)), [])
    with open(path, "w") as out:
        out.write("# %s, %s: partials with respect to the parameters at their defaults. "
                  "Generated by scripts/gen_gated_reference.py (mpmath); do not edit.\n"
                  % (fn.name, t.name))
        out.write(",".join(header) + "\n")
        out.write("\n".join(rows) + "\n")
    return len(rows)


def write_gated_params(t, out_dir):
    """d/dbeta of a * sigmoid(beta a) * b at beta = 1 over SwiGlu's pairs, cross-checked
    against mpmath.diff of the literal formula."""
    rng = random.Random("params/SwiGluBeta/%s" % t.name)
    fn = [f for f in gated_fns() if f.name == "SwiGlu"][0]
    with mp.workdps(g.DPS):
        fn.root = mpmath.findroot(fn.du, mpf(fn.root_guess))
    rows = []
    for av, bv in pairs(fn, t, rng):
        a, b = mpf(av), mpf(bv)
        d = a * a * g.dsig(a) * b
        if abs(a) <= 30 and abs(b) <= 30 and d != 0:
            lost = max(0, int(-mpmath.log10(abs(d))))
            with mp.workdps(80 + lost):
                numeric = mpmath.diff(lambda beta: a / (1 + mpmath.exp(-beta * a)) * b, mpf(1))
            g.check_close("SwiGluBeta d/dbeta(%r, %r)" % (a, b), d, numeric, rel=mpf(10) ** -30)
        rows.append(",".join([t.bits(av), t.bits(bv)] + list(g.fmt_value(t, d))))
    path = os.path.join(out_dir, "params", "swiglubeta.%s.csv" % t.name)
    with open(path, "w") as out:
        out.write("# SwiGluBeta, %s: d/dbeta of a * sigmoid(beta * a) * b at beta = 1. Generated "
                  "by scripts/gen_gated_reference.py (mpmath); do not edit.\n" % t.name)
        out.write("a,b,d0,d0_frac\n")
        out.write("\n".join(rows) + "\n")
    return len(rows)


def main():
    global SQRT2, INV_SQRT_2PI
    g.set_precision()
    SQRT2 = mpmath.sqrt(2)
    INV_SQRT_2PI = 1 / mpmath.sqrt(2 * mpmath.pi)
    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root_dir, "act-core", "tests", "data")
    os.makedirs(os.path.join(out_dir, "gated"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "params"), exist_ok=True)
    only = sys.argv[1:]
    for fn in gated_fns():
        if only and fn.name not in only:
            continue
        if fn.root_guess is not None:
            with mp.workdps(g.DPS):
                fn.root = mpmath.findroot(fn.du, mpf(fn.root_guess))
        for t in TYPES:
            n = write_gated(fn, t, random.Random("gated/%s/%s" % (fn.name, t.name)), out_dir)
            print("%-10s %s %5d pairs" % (fn.name, t.name, n), flush=True)
    if not only or "SwiGluBeta" in only:
        for t in TYPES:
            n = write_gated_params(t, out_dir)
            print("SwiGluBeta %s %5d pairs (parameter partial)" % (t.name, n), flush=True)
    for fn in param_fns():
        if only and fn.name not in only:
            continue
        for t in TYPES:
            n = write_params(fn, t, random.Random("params/%s/%s" % (fn.name, t.name)), out_dir)
            print("%-10s %s %5d points (parameter partials)" % (fn.name, t.name, n), flush=True)


if __name__ == "__main__":
    main()
