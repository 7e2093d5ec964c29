#!/usr/bin/env python3
"""Writes the reference data that act-core/tests/math_accuracy.rs checks the math kernels against.

Every value is computed with mpmath at 256 bits (about 77 digits), independently of act-core,
and rounded correctly to the target type by this script's own rounding (mpmath has no
exponent range, so subnormals and overflow are handled here).

One file per function and type: act-core/tests/data/math/<function>_<f32|f64>.txt. Each line is

    X [N|Y] HI LO

in hexadecimal bit patterns of the target type: X the input (N a decimal integer for powi, Y the
second float for powf), HI the correctly rounded true value, LO the correctly rounded remainder
(true - HI), so that the test can measure errors in fractions of an ulp. HI is inf when the true
value overflows. Lines starting with '#' are comments.

Usage: python3 scripts/gen_math_reference.py   (deterministic: fixed random seed)
"""

import os
import random
import struct

import mpmath as mp

mp.mp.prec = 256

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "act-core", "tests", "data", "math")


class Fmt:
    def __init__(self, name, prec, emin, emax, pack, hexw):
        self.name, self.prec, self.emin, self.emax = name, prec, emin, emax
        self.pack, self.hexw = pack, hexw
        self.max = (2 - mp.mpf(2) ** (1 - prec)) * mp.mpf(2) ** emax
        self.min_normal = mp.mpf(2) ** emin
        self.min_sub = mp.mpf(2) ** (emin - prec + 1)

    def round(self, v):
        """Round an mpf to the nearest value of this format (ties to even); returns a float."""
        v = mp.mpf(v)
        if mp.isnan(v):
            return float("nan")
        if mp.isinf(v):
            return float(v)
        if v == 0:
            return 0.0
        _, e = mp.frexp(v)  # v = m 2^e, 0.5 <= |m| < 1
        q = max(int(e) - 1, self.emin) - (self.prec - 1)
        n = v / mp.mpf(2) ** q
        r = mp.floor(n)
        d = n - r
        if d > 0.5 or (d == 0.5 and int(r) % 2 == 1):
            r += 1
        r = r * mp.mpf(2) ** q
        if abs(r) > self.max:
            return float("inf") if r > 0 else float("-inf")
        return float(r)

    def hex(self, f):
        (u,) = struct.unpack(">Q" if self.hexw == 16 else ">I", struct.pack(self.pack, f))
        return format(u, "0%dx" % self.hexw)

    def exact(self, f):
        """f (a Python float) rounded into this format: inputs must be representable."""
        return self.round(mp.mpf(f))

    def next(self, f, n):
        """The float n steps up (n > 0) or down from f, for positive normal f."""
        u = struct.unpack(">Q" if self.hexw == 16 else ">I", struct.pack(self.pack, f))[0]
        return struct.unpack(self.pack, struct.pack(">Q" if self.hexw == 16 else ">I", u + n))[0]


F64 = Fmt("f64", 53, -1022, 1023, ">d", 16)
F32 = Fmt("f32", 24, -126, 127, ">f", 8)


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def softplus(x):
    # log1p keeps the tiny values of the left tail (mpmath switches to the series itself).
    return mp.log1p(mp.exp(x)) if x < 0 else x + mp.log1p(mp.exp(-x))


def sigmoid_prime(x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def erfc(x):
    # Far beyond any float's underflow; mpmath's own series check overflows on such inputs.
    return mp.erfc(x) if abs(x) < 1000 else (mp.mpf(0) if x > 0 else mp.mpf(2))


def erf(x):
    return mp.erf(x) if abs(x) < 1000 else mp.sign(x)


def tanh_prime(x):
    return mp.sech(x) ** 2


def gelu_prime(x):
    """d/dx [x Phi(x)] = Phi(x) + x phi(x), Phi and phi the standard normal CDF and density.

    Beyond |x| = 1000 (where mpmath's erfc fails), the asymptotic series to two terms: the
    value rounds to 0 or 1 in either type.
    """
    if x < -1000:
        return x * mp.npdf(x) - mp.npdf(x) / x * (1 - 1 / x**2)
    if x > 1000:
        return 1 + x * mp.npdf(x)
    return mp.ncdf(x) + x * mp.npdf(x)


def mish_prime(x):
    """d/dx [x tanh(softplus(x))] = tanh(s) + x sech(s)^2 sigmoid(x), s = softplus(x)."""
    s = mp.log1p(mp.exp(x))
    return mp.tanh(s) + x * mp.sech(s) ** 2 / (1 + mp.exp(-x))


FUNCS = {
    "exp": mp.exp,
    "expm1": mp.expm1,
    "ln": mp.log,
    "log1p": mp.log1p,
    "tanh": mp.tanh,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "erf": erf,
    "erfc": erfc,
    "sigmoid_prime": sigmoid_prime,
    "tanh_prime": tanh_prime,
}

# Functions added after the first release of this script: their inputs are drawn after powf's,
# so that adding one leaves every earlier file unchanged.
LATER_FUNCS = {
    "atan": mp.atan,
    "asinh": mp.asinh,
    "asinh_prime": lambda x: 1 / mp.sqrt(1 + x * x),
    "mish_prime": mish_prime,
    "gelu_prime": gelu_prime,
}

# Where each function's interesting range ends, per type: random points are drawn up to it.
SPAN = {
    "exp": (750, 110), "expm1": (750, 110), "ln": (1e300, 1e38), "log1p": (1e300, 1e38),
    "tanh": (25, 12), "sigmoid": (760, 110), "softplus": (760, 110), "erf": (8, 5),
    "erfc": (28, 11), "sigmoid_prime": (760, 110), "tanh_prime": (380, 55),
    # atan's reduction switches at 1/2 and 1 + sqrt 2; beyond 1e8 it is pi/2 - 1/x.
    "atan": (8, 8),
    # asinh switches to ln(2|x|) beyond 2^28 (f64) / 2^12 (f32).
    "asinh": (1e9, 1e4),
    # asinh' switches to 1/|x| beyond 2^27 (f64) / 2^12 (f32).
    "asinh_prime": (1e9, 1e4),
    # Mish' is 1 to the last bit beyond 40 and (x + 1) e^x, subnormal, down to -752 / -104.
    "mish_prime": (760, 110),
    # GELU' is 1 to the last bit beyond 6 (f32) and subnormal down to -37.7 / -13.9.
    "gelu_prime": (40, 16),
}


def common_inputs(fmt, rng):
    big = fmt is F64
    xs = [0.0, -0.0]
    mx = float(fmt.max)
    sub = [float(fmt.min_sub), float(fmt.min_sub) * 3, float(fmt.min_normal) / 2**10, float(fmt.min_normal) / 3]
    sub = [fmt.exact(v) for v in sub]
    xs += sub + [float(fmt.min_normal), mx]
    ks = [1000, 500, 300, 100, 60, 54, 53, 52, 30, 27, 25, 24, 23, 20, 12, 10, 5, 2, 1] if big else \
        [140, 126, 100, 60, 30, 25, 24, 23, 20, 12, 10, 5, 2, 1]
    xs += [2.0**-k for k in ks]
    pows = range(-300, 301, 20) if big else range(-37, 39, 3)
    xs += [fmt.exact(10.0**p) for p in pows]
    xs += [fmt.exact(v) for v in [0.1, 0.25, 0.3, 0.5, 0.75, 0.9]]
    xs += [i / 2 for i in range(1, 61)]
    xs += [15, 20, 26, 26.5, 27, 27.3, 28, 30, 37, 40, 50, 87, 88, 88.7, 89, 100, 103, 104, 300, 700,
           709, 709.78, 710, 740, 745, 745.2, 746, 800, 1000, 1e4, 1e5, 1e10]
    xs = [fmt.exact(v) for v in xs if abs(v) <= mx]
    # Sign both ways.
    xs = xs + [-v for v in xs]
    # Random: uniform near the origin, log-uniform over the whole range.
    xs += [fmt.exact(rng.uniform(-2, 2)) for _ in range(150)]
    lo_exp = -320 if big else -45
    hi_exp = 308 if big else 38
    for _ in range(200):
        v = 10.0 ** rng.uniform(lo_exp, hi_exp)
        xs.append(fmt.exact(v if rng.random() < 0.5 else -v))
    return xs


def thresholds(fmt, name):
    """Inputs a few ulps around where the function over- or underflows."""
    pts = []
    if name in ("exp", "expm1", "sigmoid", "softplus", "sigmoid_prime", "tanh_prime"):
        scale = 0.5 if name == "tanh_prime" else 1.0
        for t in [mp.log(fmt.max), mp.log(fmt.min_normal), mp.log(fmt.min_sub), mp.log(fmt.min_sub / 2)]:
            c = fmt.round(t * scale)
            for n in range(-3, 4):
                v = fmt.next(abs(c), n)
                pts += [v, -v]
    if name == "erfc" or name == "erf":
        # erfc(x) crosses the smallest normal and the smallest subnormal.
        for target in [fmt.min_normal, fmt.min_sub]:
            t = mp.findroot(lambda a: mp.log(mp.erfc(a)) - mp.log(target), 26 if fmt is F64 else 9)
            c = fmt.round(t)
            pts += [fmt.next(c, n) for n in range(-3, 4)]
    if name == "atan":
        # A few ulps around the kernel's range switches (1/2, 1 + sqrt 2) and 1, where the
        # reduced argument is largest against the result or 0.
        for c in [0.5, fmt.round(1 + mp.sqrt(2)), 1.0]:
            pts += [fmt.next(c, n) for n in range(-3, 4)]
        pts += [fmt.exact(v) for v in [0.4, 0.41, 0.42, 0.45, 0.49, 0.51, 0.6, 0.9, 1.1, 2.4, 2.5]]
        pts += [-v for v in pts]
    if name in ("ln", "log1p"):
        one = 1.0 if name == "ln" else 0.0
        for n in range(1, 6):
            pts += [fmt.next(1.0, n), fmt.next(1.0, -n)]
        if name == "log1p":
            pts += [fmt.exact(v - 1.0) for v in pts] + [fmt.next(1.0, -n) * -1 for n in range(1, 6)]
        del one
    return pts


def write(path, header, rows):
    with open(path, "w") as f:
        f.write(header)
        for r in rows:
            f.write(" ".join(r) + "\n")


def unary(fmt, name, fn, rng):
    xs = common_inputs(fmt, rng) + thresholds(fmt, name)
    span = SPAN[name][0 if fmt is F64 else 1]
    xs += [fmt.exact(rng.uniform(-span, span)) for _ in range(600)]
    if name == "atan":
        xs += [fmt.exact(rng.uniform(-3, 3)) for _ in range(400)]
    if name == "mish_prime":
        # Where the terms of the symbolic form cancel (-5 to 1), and the root (-1.19).
        xs += [fmt.exact(rng.uniform(-5, 1)) for _ in range(400)]
        xs += [fmt.exact(v) for v in [-2.706749, -3.8540459, -0.79499817, -0.2, 0.4698413]]
        # Not around the root, where a relative bound means nothing (the error of e^x alone
        # is 1e-18 absolute): act-core/tests/accuracy.rs holds Mish' there to 8 eps absolute
        # where |x - x0| <= 1.5 and |f'| <= 1/4.
        root = mp.findroot(mish_prime, -1.19)
        xs = [v for v in xs if not (abs(v - root) <= 1.5 and abs(mish_prime(mp.mpf(v))) <= 0.25)]
    if name == "gelu_prime":
        # The branches' switch (1/sqrt 2), the tail down to the subnormal range, the worst
        # points of the exhaustive check, and not around the root (-0.75), held to 8 eps
        # absolute by act-core/tests/accuracy.rs where |x - x0| <= 1.5 and |f'| <= 1/4.
        xs += [fmt.exact(rng.uniform(-14, 4)) for _ in range(400)]
        c = fmt.round(1 / mp.sqrt(2))
        xs += [fmt.next(c, n) for n in range(-3, 4)] + [-fmt.next(c, n) for n in range(-3, 4)]
        xs += [fmt.exact(v) for v in [-2.607, -3.6200829, -6.500183, -13.0, -13.5, -13.9]]
        root = mp.findroot(gelu_prime, -0.75)
        xs = [v for v in xs if not (abs(v - root) <= 1.5 and abs(gelu_prime(mp.mpf(v))) <= 0.25)]
    if name in ("asinh", "asinh_prime"):
        xs += [fmt.exact(rng.uniform(-3, 3)) for _ in range(300)]
        big = (2.0**28 if name == "asinh" else 2.0**27) if fmt is F64 else 2.0**12
        xs += [fmt.next(big, n) for n in range(-3, 4)]
        xs += [fmt.exact(big * rng.uniform(0.25, 4)) for _ in range(100)]
    if name == "ln":
        xs = [abs(v) for v in xs if v != 0] + [fmt.exact(rng.uniform(0.5, 2)) for _ in range(200)]
    if name == "log1p":
        xs = [v for v in xs if v > -1]
        xs += [fmt.exact(rng.uniform(-1, 1)) for _ in range(300)]
        xs += [fmt.exact(10.0 ** rng.uniform(-20, 0) - 1) for _ in range(50)]
    seen, rows = set(), []
    for x in xs:
        key = fmt.hex(x)
        if key in seen:
            continue
        seen.add(key)
        v = fn(mp.mpf(x))
        hi = fmt.round(v)
        lo = fmt.round(v - mp.mpf(hi)) if abs(hi) != float("inf") else 0.0
        rows.append([key, fmt.hex(hi), fmt.hex(lo)])
    return rows


def powi_rows(fmt, rng):
    rows = []
    big = fmt is F64
    for n in [2, 3, 4, 5, 7, 10, 16, -1, -2, -3, -5]:
        xs = [fmt.exact(rng.uniform(-10, 10)) for _ in range(70)]
        lim = 300 if big else 36
        xs += [fmt.exact((10.0 ** rng.uniform(-lim / abs(n) - 2, lim / abs(n) + 2)) * rng.choice([-1, 1]))
               for _ in range(40)]
        xs += [1.0, -1.0, 2.0, 0.5, -3.0]
        for x in xs:
            v = mp.mpf(x) ** n
            hi = fmt.round(v)
            lo = fmt.round(v - mp.mpf(hi)) if abs(hi) != float("inf") else 0.0
            rows.append([fmt.hex(x), str(n), fmt.hex(hi), fmt.hex(lo)])
    return rows


def powf_rows(fmt, rng):
    rows = []
    big = fmt is F64
    lim = 300 if big else 37
    lnmax = float(mp.log(fmt.max))
    pairs = []
    for _ in range(500):
        x = fmt.exact(10.0 ** rng.uniform(-lim, lim))
        ln_x = abs(float(mp.log(x))) or 1.0
        y = fmt.exact(rng.uniform(-1.05, 1.05) * lnmax / ln_x)
        pairs.append((x, y))
    for _ in range(250):
        pairs.append((fmt.exact(rng.uniform(0, 4)), fmt.exact(rng.uniform(-8, 8))))
    for _ in range(150):
        # x near 1 with a large y: the case that needs ln x beyond working precision.
        x = fmt.next(1.0, rng.randint(-2000, 2000)) if big else fmt.next(1.0, rng.randint(-200, 200))
        ln_x = abs(float(mp.log(x))) or 1.0
        pairs.append((x, fmt.exact(rng.uniform(-1, 1) * lnmax / ln_x)))
    for _ in range(150):
        # Negative x with integer y.
        x = -fmt.exact(10.0 ** rng.uniform(-3, 3))
        ln_x = abs(float(mp.log(-x))) or 1.0
        m = max(1, int(lnmax / ln_x))
        pairs.append((x, float(rng.randint(-m, m))))
    for x, y in pairs:
        v = mp.power(mp.mpf(x), mp.mpf(y))
        hi = fmt.round(v)
        lo = fmt.round(v - mp.mpf(hi)) if abs(hi) != float("inf") else 0.0
        rows.append([fmt.hex(x), fmt.hex(y), fmt.hex(hi), fmt.hex(lo)])
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    for fmt in (F64, F32):
        rng = random.Random(20240617 + fmt.prec)
        for name, fn in FUNCS.items():
            rows = unary(fmt, name, fn, rng)
            hdr = "# %s(x) for %s, mpmath %d-bit reference: X HI LO (hex bits; see scripts/gen_math_reference.py)\n" % (
                name, fmt.name, mp.mp.prec)
            write(os.path.join(OUT, "%s_%s.txt" % (name, fmt.name)), hdr, rows)
            print(name, fmt.name, len(rows))
        rows = powi_rows(fmt, rng)
        write(os.path.join(OUT, "powi_%s.txt" % fmt.name),
              "# powi(x, n) for %s: X N HI LO (hex bits, N decimal)\n" % fmt.name, rows)
        print("powi", fmt.name, len(rows))
        rows = powf_rows(fmt, rng)
        write(os.path.join(OUT, "powf_%s.txt" % fmt.name),
              "# powf(x, y) for %s: X Y HI LO (hex bits)\n" % fmt.name, rows)
        print("powf", fmt.name, len(rows))
        for name, fn in LATER_FUNCS.items():
            rows = unary(fmt, name, fn, rng)
            hdr = "# %s(x) for %s, mpmath %d-bit reference: X HI LO (hex bits; see scripts/gen_math_reference.py)\n" % (
                name, fmt.name, mp.mp.prec)
            write(os.path.join(OUT, "%s_%s.txt" % (name, fmt.name)), hdr, rows)
            print(name, fmt.name, len(rows))


if __name__ == "__main__":
    main()
