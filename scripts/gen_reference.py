"""Reference values for act-core's accuracy tests, computed with mpmath (not from our code).

    python3 scripts/gen_reference.py          # writes act-core/tests/data/builtins/

For every built-in and for f32 and f64: the input grid (each x exactly representable in the
type), the exact value and derivative at x from the mathematical definition, correctly rounded
to the type, and the rounding residual in ULPs so the tests can measure the error against the
exact value. Softmax: vectors, a gradient, forward, vector-Jacobian product and Jacobian.

Each formula is evaluated at 100 digits in a form free of catastrophic cancellation (e.g.
sigma'(x) = e/(1+e)^2 with e = exp(-|x|)); every such form is cross-checked here against the
literal definition at 200 digits and its derivative against mpmath.diff, so a mistake in a
stable form stops the script instead of reaching the data.

The first half of this file holds the type/rounding/grid helpers; tests/user-crate's own
generator imports them.
"""

import math
import os
import sys
import random
import struct

import mpmath
from mpmath import mp, mpf

# Working precision: 100 decimal digits (~332 bits). The formulas are evaluated in forms free
# of catastrophic cancellation (see the generators), so this is far more than the 53 bits
# needed; the generators cross-check every stable form against the literal definition.
DPS = 100


class FloatType:
    """IEEE binary32 / binary64: precision p (with the hidden bit), emin, emax."""

    def __init__(self, name, p, emin, emax, pack, unpack, width):
        self.name = name
        self.p = p
        self.emin = emin
        self.emax = emax
        self._pack = pack
        self._unpack = unpack
        self.width = width  # hex digits

    @property
    def max(self):
        return math.ldexp(2 ** self.p - 1, self.emax - self.p + 1)

    @property
    def min_normal(self):
        return math.ldexp(1.0, self.emin)

    @property
    def true_min(self):
        return math.ldexp(1.0, self.emin - self.p + 1)

    def bits(self, v):
        """Hex bit pattern of a Python float that is exactly representable in the type."""
        return format(self._unpack(self._pack(v)), "0%dx" % self.width)

    def from_f64(self, v):
        """Round a Python float (f64) to the type, to nearest (clamped to +-MAX, never inf)."""
        if self.name == "f64":
            return v
        if math.isinf(v) or abs(v) > self.max:
            return math.copysign(self.max, v)
        return struct.unpack("<f", struct.pack("<f", v))[0]

    def next_up(self, v):
        if self.name == "f64":
            return math.nextafter(v, math.inf)
        b = struct.unpack("<i", struct.pack("<f", v))[0]
        if v == 0:
            return self.true_min
        b = b + 1 if v > 0 else b - 1
        return struct.unpack("<f", struct.pack("<i", b))[0]

    def next_down(self, v):
        return -self.next_up(-v)

    def round(self, v):
        """Correctly round the mpf `v` (to nearest, ties to even) to this type.

        Returns (rounded Python float or +-inf, frac) where frac = (v - rounded) / ulp(v) and
        ulp(v) is the spacing of the type at v (2^(max(e, emin) - p + 1), e = floor(log2 |v|)).
        """
        v = mpf(v)
        if v == 0:
            return 0.0, 0.0
        sign = -1 if v < 0 else 1
        a = abs(v)
        e = int(mpmath.floor(mpmath.log(a, 2)))
        # guard the floor(log2) against its own rounding
        if mpmath.ldexp(mpf(1), e) > a:
            e -= 1
        elif mpmath.ldexp(mpf(1), e + 1) <= a:
            e += 1
        if e > self.emax:
            return sign * math.inf, 0.0
        q = max(e, self.emin) - self.p + 1
        t = mpmath.ldexp(a, -q)  # exact scaling
        n = int(mpmath.floor(t))
        rem = t - n  # exact: t has at most DPS digits
        if rem > 0.5 or (rem == 0.5 and n % 2 == 1):
            n += 1
            frac = rem - 1
        else:
            frac = rem
        if n >= 2 ** self.p and q + self.p > self.emax:  # rounded up past MAX
            return sign * math.inf, 0.0
        r = math.ldexp(n, q)
        return sign * r, sign * float(frac)


F64 = FloatType("f64", 53, -1022, 1023, lambda v: struct.pack("<d", v),
                lambda b: struct.unpack("<Q", b)[0], 16)
F32 = FloatType("f32", 24, -126, 127, lambda v: struct.pack("<f", v),
                lambda b: struct.unpack("<I", b)[0], 8)
TYPES = (F32, F64)


def fmt_frac(f):
    """The rounding residual in ULPs, two decimals without the leading zero ("-.37", "0")."""
    s = "%.2f" % f
    if s in ("0.00", "-0.00"):
        return "0"
    return s.replace("0.", ".", 1)


def fmt_value(t, v):
    """`HEX` of the correctly rounded value; `+inf`/`-inf` when it overflows the type."""
    r, frac = t.round(v)
    if math.isinf(r):
        return ("+inf" if r > 0 else "-inf"), "0"
    return t.bits(r), fmt_frac(frac)


def fmt_kappa(k):
    k = float(k)
    if k == 0:
        return "0"
    if k > 1e30:
        return "inf"
    return "%.3g" % k


def common_grid(t, rng, n_random=640):
    """Inputs exactly representable in `t`, covering zero, subnormals, tiny, around 1, the
    exp/underflow transitions, the tails up to 1e4, the far tails and MAX, plus random points.
    """
    pts = [0.0, -0.0]
    tm, mn, mx = t.true_min, t.min_normal, t.max
    sub = [tm, 2 * tm, 3 * tm, mn - tm, mn / 2, mn / 1024, mn, t.next_up(mn)]
    for _ in range(4):
        sub.append(tm * rng.randrange(1, 2 ** (t.p - 1)))
    pts += sub + [-v for v in sub]
    decades = range(-300, 0, 50) if t is F64 else range(-40, 0, 10)
    tiny = [10.0 ** k for k in decades]
    tiny += [1e-20, 1e-16, 1e-12, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1]
    tiny += [math.ldexp(1, -k) for k in (10, 20, 26, 27, 30, 40, 53, 54, 60)]
    pts += tiny + [-v for v in tiny]
    # around 1, small integers and halves
    pts += [k / 2 for k in range(-40, 41)]
    pts += [1 - 2.0 ** -t.p, 1 + 2.0 ** (1 - t.p), -1 + 2.0 ** -t.p]
    # exp / underflow / overflow transitions of the type
    if t is F64:
        trans = [(-760, -690, 40), (690, 712, 14), (-40, -20, 12), (20, 40, 12)]
        fixed = [-745.1332191019412, -745.0, -744.5, -708.3964185322641, -709.0, 709.0,
                 709.782712893384, 710.0, 36.0, 37.0, 38.0, -36.0, -37.0, -38.5, -38.0,
                 18.0, 19.0, -19.0, 20.0]
    else:
        trans = [(-110, -80, 30), (80, 95, 12), (-20, -8, 12), (8, 20, 12)]
        fixed = [-103.97208, -103.0, -87.33654, -87.0, 88.0, 88.72284, 89.0, 17.0, 16.0, 9.0,
                 -9.0, -16.0, -17.0]
    for lo, hi, n in trans:
        pts += [rng.uniform(lo, hi) for _ in range(n)]
    pts += fixed
    # the tails up to 1e4, both signs
    for _ in range(70):
        m = 10 ** rng.uniform(math.log10(40), 4)
        pts += [m, -m]
    pts += [100.0, -100.0, 1000.0, -1000.0, 1e4, -1e4, 800.0, -800.0]
    # far tails
    far = [1e5, 1e6, 1e8, 1e10, 1e15, 1e19, 1e20, 1e30, 3e38]
    if t is F64:
        far += [1e50, 1e100, 1e154, 1.5e154, 1e200, 1e300]
    far += [mx, t.next_down(mx)]
    pts += far + [-v for v in far]
    # random: mostly around 1, some moderate, some log-uniform over the whole range
    for _ in range(n_random // 2):
        pts.append(rng.uniform(-6, 6))
    for _ in range(n_random // 4):
        pts.append(rng.uniform(-40, 40))
    top = 300 if t is F64 else 38
    for _ in range(n_random // 4):
        pts.append(math.copysign(10 ** rng.uniform(-top, top), rng.random() - 0.5))
    return pts


def near(t, x0, deltas=(1e-1, 3e-2, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8), ulps=8):
    """Points within a few ULPs of x0 (rounded to t) and at the given offsets."""
    c = t.from_f64(x0)
    out = [c]
    up = down = c
    for _ in range(ulps):
        up, down = t.next_up(up), t.next_down(down)
        out += [up, down]
    for d in deltas:
        out += [c + d, c - d]
    return out


def finalize(t, pts):
    """Round to the type, drop non-finite, deduplicate by bit pattern (keeps -0), sort."""
    seen = {}
    for p in pts:
        v = t.from_f64(float(p))
        if math.isfinite(v):
            seen[t.bits(v)] = v
    return sorted(seen.values(), key=lambda v: (v, math.copysign(1, v)))


def set_precision():
    mp.dps = DPS


def check_close(what, a, b, rel=mpf(10) ** -60):
    """Assert two high-precision evaluations agree (relative, or absolutely when tiny)."""
    a, b = mpf(a), mpf(b)
    scale = max(abs(a), abs(b))
    if scale == 0:
        return
    if abs(a - b) > rel * scale:
        raise AssertionError("%s: %s vs %s" % (what, mpmath.nstr(a, 30), mpmath.nstr(b, 30)))


# ---------------------------------------------------------------------------------------------
# The built-ins: definitions (exact, cancellation-free forms) and literal cross-check forms.
# ---------------------------------------------------------------------------------------------

SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"
GELU_TANH_K = "0.044715"


def sig(x):
    return 1 / (1 + mpmath.exp(-x))


def dsig(x):
    e = mpmath.exp(-abs(x))
    return e / (1 + e) ** 2


def ddsig(x):
    # sigma'' = sigma' (1 - 2 sigma) = -sigma' tanh(x/2)
    return -dsig(x) * mpmath.tanh(x / 2)


def dtanh(x):
    e = mpmath.exp(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


def softplus(x):
    return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))


def erfc(z):
    """mpmath.erfc, with the asymptotic series where mpmath overflows (|z| > 1e6).

    erfc(z) = exp(-z^2) / (z sqrt(pi)) * sum_k (-1)^k (2k-1)!! / (2 z^2)^k; with z^2 > 1e12
    each term is 1e-12 of the previous one, so 12 terms are exact to working precision."""
    if abs(z) < 1e6:
        return mpmath.erfc(z)
    a = abs(z)
    w = 1 / (2 * a * a)
    term, total = mpf(1), mpf(1)
    for k in range(1, 12):
        term *= -(2 * k - 1) * w
        total += term
    tail = mpmath.exp(-a * a) / (a * mpmath.sqrt(mpmath.pi)) * total
    return tail if z > 0 else 2 - tail


def gelu_tanh_parts(x):
    c = mpmath.sqrt(2 / mpmath.pi)
    k = mpf(GELU_TANH_K)
    u = c * (x + k * x ** 3)
    du = c * (1 + 3 * k * x ** 2)
    ddu = 6 * c * k * x
    return u, du, ddu


class Fn:
    """One activation: value f, derivative df (with the kink convention), optional f'' (for
    the condition numbers), the literal definition `naive` for the cross-check, kinks (where
    the cross-check by differences is skipped) and the interior root of f' (if any)."""

    def __init__(self, name, f, df, naive, kinks=(), root_guess=None, ddf=None):
        self.name, self.f, self.df, self.naive = name, f, df, naive
        self.kinks, self.root_guess, self.ddf = kinks, root_guess, ddf
        self.root = None


def _builtins():
    a_leaky = mpf("0.1")
    a_selu, s_selu = mpf(SELU_ALPHA), mpf(SELU_SCALE)
    sqrt2 = mpmath.sqrt(2)
    inv_sqrt_2pi = 1 / mpmath.sqrt(2 * mpmath.pi)

    def elu(a, s):
        return (lambda x: s * x if x > 0 else s * a * mpmath.expm1(x),
                lambda x: s if x > 0 else s * a * mpmath.exp(x),
                lambda x: s * x if x > 0 else s * a * (mpmath.exp(x) - 1))

    def gelu(x):
        return x * erfc(-x / sqrt2) / 2

    def dgelu(x):
        return erfc(-x / sqrt2) / 2 + x * mpmath.exp(-x * x / 2) * inv_sqrt_2pi

    def ddgelu(x):
        return mpmath.exp(-x * x / 2) * inv_sqrt_2pi * (2 - x * x)

    def gelu_tanh(x):
        u, _, _ = gelu_tanh_parts(x)
        return x * sig(2 * u)  # 0.5 x (1 + tanh u) = x sigma(2u)

    def dgelu_tanh(x):
        u, du, _ = gelu_tanh_parts(x)
        return sig(2 * u) + 2 * x * du * dsig(2 * u)

    def ddgelu_tanh(x):
        u, du, ddu = gelu_tanh_parts(x)
        return 4 * du * dsig(2 * u) + 2 * x * ddu * dsig(2 * u) + 4 * x * du * du * ddsig(2 * u)

    def naive_gelu_tanh(x):
        c = mpmath.sqrt(2 / mpmath.pi)
        return mpf("0.5") * x * (1 + mpmath.tanh(c * (x + mpf(GELU_TANH_K) * x ** 3)))

    def mish(x):
        return x * mpmath.tanh(softplus(x))

    def dmish(x):
        sp = softplus(x)
        return mpmath.tanh(sp) + x * dtanh(sp) * sig(x)

    def relu6(v):
        return min(max(v, mpf(0)), mpf(6))

    def dhardswish(x):  # PyTorch: x < -3 -> 0; x <= 3 -> x/3 + 1/2; else 1
        if x < -3:
            return mpf(0)
        if x <= 3:
            return x / 3 + mpf(1) / 2
        return mpf(1)

    def squareplus(x):  # b = 4; for x < 0 as b / (2 (h - x)), without cancellation
        h = mpmath.sqrt(x * x + 4)
        return (x + h) / 2 if x >= 0 else 4 / (2 * (h - x))

    def dsquareplus(x):  # (1 + x / h) / 2 = b / (2 h (h - x)) for x < 0
        h = mpmath.sqrt(x * x + 4)
        return (1 + x / h) / 2 if x >= 0 else 4 / (2 * h * (h - x))

    elu1, selu = elu(mpf(1), mpf(1)), elu(a_selu, s_selu)
    one, zero = mpf(1), mpf(0)
    return [
        Fn("Sigmoid", sig, dsig, lambda x: 1 / (1 + mpmath.exp(-x))),
        Fn("Tanh", mpmath.tanh, dtanh,
           lambda x: (mpmath.exp(x) - mpmath.exp(-x)) / (mpmath.exp(x) + mpmath.exp(-x))),
        Fn("Relu", lambda x: x if x > 0 else zero, lambda x: one if x > 0 else zero,
           lambda x: max(zero, x), kinks=(0,)),
        Fn("LeakyRelu", lambda x: x if x > 0 else a_leaky * x,
           lambda x: one if x > 0 else a_leaky, lambda x: max(a_leaky * x, x), kinks=(0,)),
        Fn("Elu", elu1[0], elu1[1], elu1[2], kinks=(0,)),
        Fn("Selu", selu[0], selu[1], selu[2], kinks=(0,)),
        Fn("Swish", lambda x: x * sig(x), lambda x: sig(x) * (1 + x * sig(-x)),
           lambda x: x / (1 + mpmath.exp(-x)), root_guess=-1.28),
        Fn("Linear", lambda x: x, lambda x: one, lambda x: x),
        Fn("Gelu", gelu, dgelu, lambda x: x * (1 + mpmath.erf(x / sqrt2)) / 2,
           root_guess=-0.75, ddf=ddgelu),
        Fn("GeluTanh", gelu_tanh, dgelu_tanh, naive_gelu_tanh, root_guess=-0.75,
           ddf=ddgelu_tanh),
        Fn("Softplus", softplus, sig, lambda x: mpmath.log(1 + mpmath.exp(x))),
        Fn("Mish", mish, dmish, lambda x: x * mpmath.tanh(mpmath.log(1 + mpmath.exp(x))),
           root_guess=-1.19),
        Fn("HardSigmoid", lambda x: relu6(x + 3) / 6,
           lambda x: mpf(1) / 6 if -3 < x < 3 else zero, lambda x: relu6(x + 3) / 6,
           kinks=(-3, 3)),
        Fn("LogSigmoid", lambda x: -softplus(-x), lambda x: sig(-x),
           lambda x: mpmath.log(1 / (1 + mpmath.exp(-x)))),
        Fn("Softsign", lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2,
           lambda x: x / (1 + abs(x)), kinks=(0,)),
        # CELU at alpha = 1 is ELU at alpha = 1
        Fn("Celu", elu1[0], elu1[1], elu1[2], kinks=(0,)),
        # CELU at alpha = 3 (act-core/tests/accuracy.rs, celu_alpha_3), where x / alpha is not
        # exact: its rounding error is carried into exp (act-core's quotient_err)
        Fn("Celu3", lambda x: x if x > 0 else 3 * mpmath.expm1(x / 3),
           lambda x: one if x > 0 else mpmath.exp(x / 3),
           lambda x: x if x > 0 else 3 * (mpmath.exp(x / 3) - 1), kinks=(0,)),
        Fn("Relu6", lambda x: relu6(x), lambda x: one if 0 < x < 6 else zero,
           lambda x: min(max(x, zero), mpf(6)), kinks=(0, 6)),
        Fn("Hardtanh", lambda x: min(max(x, -one), one), lambda x: one if -1 < x < 1 else zero,
           lambda x: min(max(x, -one), one), kinks=(-1, 1)),
        Fn("Squareplus", squareplus, dsquareplus,
           lambda x: (x + mpmath.sqrt(x * x + 4)) / 2),
        # PyTorch PReLU at its default alpha = 0.25 (the leaky ReLU with a learned slope)
        Fn("PRelu", lambda x: x if x > 0 else x / 4, lambda x: one if x > 0 else one / 4,
           lambda x: max(x / 4, x), kinks=(0,)),
        # f' = x/3 + 1/2 on (-3, 3]: an interior root at -3/2, cancelling like swish's
        Fn("HardSwish", lambda x: x * relu6(x + 3) / 6, dhardswish,
           lambda x: x * relu6(x + 3) / 6, kinks=(-3, 3), root_guess=-1.5),
    ]


def find_root(fn):
    if fn.root_guess is None:
        return None
    with mp.workdps(DPS):
        return mpmath.findroot(fn.df, mpf(fn.root_guess))


# The derivative's interior-root allowance (Swish, Gelu, GeluTanh, Mish, HardSwish) applies where |x - x0| <= 1.5 and |f'(x)| <= 1/4:
# there f' is the difference of two terms of size ~0.2-0.5 (e.g. sigma(x) + x sigma'(x)), so a
# few eps of absolute error is what working precision gives, however many ULPs of f' that is.
ROOT_HALF_WIDTH = 1.5
ROOT_MAX_DERIVATIVE = mpf(1) / 4

CROSS_CHECK_MAX = 30


def cross_check(fn, x):
    """Stable form vs literal definition (200 digits) and derivative vs mpmath.diff."""
    if abs(x) > CROSS_CHECK_MAX or any(abs(x - k) < 1e-6 for k in fn.kinks):
        return
    # the literal forms cancel near 0 (e^x - e^-x): give them the digits they lose
    # (and 1 + erf(x) in the left tail: as many digits as the result is small)
    # (and differentiating g numerically loses log10 |g / g'| digits)
    vals = [x, fn.f(x), fn.df(x)] + ([fn.ddf(x)] if fn.ddf else [])
    lost = 0
    for v in vals:
        if v != 0:
            lost = max(lost, int(-mpmath.log10(abs(v))))
    for g, dg in zip(vals[1:], vals[2:]):
        if dg != 0 and g != 0:
            lost = max(lost, int(mpmath.log10(abs(g / dg))) + 1)
    if lost > 400:
        return
    with mp.workdps(200 + lost):
        naive = fn.naive(x)
    check_close("%s(%r)" % (fn.name, x), fn.f(x), naive)
    with mp.workdps(60 + lost):
        numeric = mpmath.diff(fn.naive, x)
    check_close("%s'(%r)" % (fn.name, x), fn.df(x), numeric, rel=mpf(10) ** -40)
    if fn.ddf is not None:
        with mp.workdps(60 + lost):
            numeric = mpmath.diff(fn.df, x)
        check_close("%s''(%r)" % (fn.name, x), fn.ddf(x), numeric, rel=mpf(10) ** -35)


def kappa(x, f, df):
    """|x f'(x) / f(x)|, 0 at x = 0 (the argument carries no rounding error there)."""
    if x == 0:
        return mpf(0)
    if f == 0:
        return mpf("inf")
    return abs(x * df / f)


def function_grid(fn, t, rng):
    pts = common_grid(t, rng)
    for k in fn.kinks:
        pts += near(t, k, deltas=(0.5, 1e-1, 1e-3, 1e-6, 1e-10))
    if fn.root is not None:
        x0 = float(fn.root)
        pts += near(t, x0, deltas=(0.5, 0.25, 1e-1, 3e-2, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8))
        pts += [rng.uniform(x0 - 1, x0 + 1) for _ in range(40)]
    if fn.name in ("Gelu", "GeluTanh"):
        lo = -40 if t is F64 else -15
        pts += [rng.uniform(lo, -5) for _ in range(40)]
    if fn.name == "Mish":
        # Where the exhaustive f32 check (benches/src/bin/exhaustive.rs, every 16th input)
        # found the symbolic derivative worst: 5.56 ULP at -2.7067 (portable), 4.51 at -3.854
        # (FMA), and the root zone's edge near -0.795; -0.2 and 0.47, where a closed form
        # evaluated in the type itself rounds most (f' near the top of a binade).
        for x0 in (-2.706749, -3.8540459, -0.79499817, -0.2, 0.4698413):
            pts += near(t, x0, deltas=(1e-3, 1e-2, 3e-2, 0.1))
    if fn.name == "GeluTanh" and t is F32:
        # The f32 kernels (act-core/src/math/f32/gelu_tanh.rs): the worst points of the
        # exhaustive check before and after them (value and derivative), and the left tail
        # where the results are subnormal (from x = -10.1) down to 0 (x = -10.8).
        for x0 in (-3.7276, -2.2574234, -2.6408691, -1.8214035, -1.833107, -3.4030914,
                   -4.1011353, -8.683228, -3.7444434, -8.435442, -2.7464166, -1.3711134,
                   -10.15, -10.5, -10.8):
            pts += near(t, x0, deltas=(1e-3, 1e-2, 3e-2, 0.1))
        pts += [rng.uniform(-11, -9.5) for _ in range(40)]
    if fn.name == "Celu3":
        # exp(x / 3) from 1 down to its underflow, where the quotient's rounding mattered
        lo = -2240 if t is F64 else -312
        pts += [rng.uniform(lo, -1) for _ in range(120)]
    if fn.name in ("Swish", "Mish"):
        # x times a factor that is subnormal (sigmoid, softplus) while the product is not
        lo, hi = (-746, -700) if t is F64 else (-105, -86)
        pts += [rng.uniform(lo, hi) for _ in range(60)]
    return finalize(t, pts)


def write_builtin(fn, t, rng, out_dir):
    # GELU's argument is carried exactly (act-core/src/math: erfc_mul, exp_sq), so it is held
    # to the plain 4 ULP; GELU-tanh keeps the allowance where it still needs it (below).
    has_kappa = fn.ddf is not None and fn.name != "Gelu"
    rows = []
    for xv in function_grid(fn, t, rng):
        x = mpf(xv)
        cross_check(fn, x)
        v, d = fn.f(x), fn.df(x)
        vb, vf = fmt_value(t, v)
        db, df_ = fmt_value(t, d)
        root = 0
        if fn.root is not None:
            root = int(abs(x - fn.root) <= ROOT_HALF_WIDTH and abs(d) <= ROOT_MAX_DERIVATIVE)
        row = [t.bits(xv), vb, vf, db, df_, str(root)]
        if has_kappa:
            # GELU-tanh in f32 runs as kernels that carry the cubic argument in two parts and
            # evaluate the derivative in closed form (act-core/src/math/f32/gelu_tanh.rs): its
            # value and derivative are held to the plain 4 ULP (kappa 0). Not so in f64, where
            # the argument's error is corrected to first order (an error of |u| times its
            # relative rounding remains, up to about 300 ULP at x = -21) and the derivative's
            # terms cancel.
            plain = fn.name == "GeluTanh" and t is F32
            kv = mpf(0) if plain else kappa(x, v, d)
            kd = mpf(0) if plain else kappa(x, d, fn.ddf(x))
            row += [fmt_kappa(kv), fmt_kappa(kd)]
        rows.append(",".join(row))
    header = ["x", "value", "value_frac", "derivative", "derivative_frac", "root"]
    if has_kappa:
        header += ["kappa_value", "kappa_derivative"]
    path = os.path.join(out_dir, "%s.%s.csv" % (fn.name.lower(), t.name))
    with open(path, "w") as out:
        out.write(FILE_NOTE % (fn.name, t.name))
        if fn.root is not None:
            out.write("# interior root of the derivative: x0 = %s\n" % mpmath.nstr(fn.root, 25))
        out.write(",".join(header) + "\n")
        out.write("\n".join(rows) + "\n")
    return len(rows)


FILE_NOTE = """\
# %s, %s. Generated by scripts/gen_reference.py (mpmath, 100 digits); do not edit.
# x: input bits (hex). value, derivative: the exact result correctly rounded to the type (hex
# bits; +inf/-inf when it overflows). *_frac: (exact - rounded) / ulp(exact), ulp(exact) the
# spacing of the type at the exact value. root: 1 where the interior-root allowance applies to
# the derivative (|x - x0| <= 1.5 and |f'(x)| <= 1/4). kappa_value = |x f'/f|,
# kappa_derivative = |x f''/f'| (condition numbers; only where the argument is rounded).
"""

# ---------------------------------------------------------------------------------------------
# Softmax
# ---------------------------------------------------------------------------------------------


def softmax_cases(t, rng):
    big = t.max
    cases = [
        ("stable", [1000.0, 710.0, 709.0, -3.0]),
        ("one", [3.7]),
        ("one_huge", [-1e30]),
        ("two_tail", [3.0, -40.0]),
        ("two_far_tail", [0.0, -700.0 if t is F64 else -95.0]),
        ("equal", [0.5] * 5),
        ("zeros", [0.0] * 4),
        ("negative_huge", [-1000.0, -1001.0, -1e4]),
        ("spread", [-50.0, -10.0, 0.0, 10.0, 50.0]),
        ("opposite_extremes", [big, -big]),
        ("near_max", [big, big / 2, big / 4]),
        ("subnormal", [t.true_min, 0.0, -t.true_min]),
        ("close_large", [1e4 + 0.5, 1e4, 1e4 - 0.25]),
        ("tiny_differences", [1.0, t.next_up(1.0), t.next_down(1.0), 1.0]),
        ("random8", [rng.uniform(-10, 10) for _ in range(8)]),
        ("random16_wide", [rng.uniform(-100, 100) for _ in range(16)]),
        ("rows_0", [rng.uniform(-5, 5) for _ in range(6)]),
        ("rows_1", [rng.uniform(-50, 50) for _ in range(6)]),
        ("rows_2", [1000.0, 999.0, -1000.0, 0.0, 998.5, 1000.0]),
        ("rows_3", [rng.uniform(-1, 1) for _ in range(6)]),
        ("large_n", [rng.uniform(-20, 20) for _ in range(300)]),
    ]
    out = []
    for name, xs in cases:
        xs = [t.from_f64(v) for v in xs]
        if name == "zeros":
            g = [1.0] * len(xs)  # VJP of a constant gradient is exactly 0
        else:
            g = [t.from_f64(rng.uniform(-1, 1)) for _ in xs]
        out.append((name, xs, g))
    return out


def write_softmax(t, rng, out_dir):
    lines = [SOFTMAX_NOTE % t.name]
    for name, xs, gs in softmax_cases(t, rng):
        x = [mpf(v) for v in xs]
        g = [mpf(v) for v in gs]
        n = len(x)
        m = max(x)
        d = [xi - m for xi in x]
        e = [mpmath.exp(di) for di in d]
        s = mpmath.fsum(e)
        y = [ei / s for ei in e]
        # literal definition at 200 digits as a cross-check (fine while exp does not overflow)
        if max(abs(v) for v in x) < 1e5:
            with mp.workdps(200):
                ee = [mpmath.exp(xi) for xi in x]
                ss = mpmath.fsum(ee)
                for yi, ei in zip(y, ee):
                    check_close("softmax %s" % name, yi, ei / ss)
        assert abs(mpmath.fsum(y) - 1) < mpf(10) ** -80
        gy = mpmath.fsum(gi * yi for gi, yi in zip(g, y))
        vjp = [yi * (gi - gy) for yi, gi in zip(y, g)]
        kap = [abs(di) + mpmath.fsum(yj * abs(dj) for yj, dj in zip(y, d)) for di in d]
        scale = [yi * (abs(gi) + mpmath.fsum(abs(gj) * yj for gj, yj in zip(g, y)))
                 for yi, gi in zip(y, g)]
        lines.append("case %s %d" % (name, n))
        lines.append("x " + " ".join(t.bits(v) for v in xs))
        lines.append("g " + " ".join(t.bits(v) for v in gs))
        lines.append("y " + " ".join("%s:%s" % fmt_value(t, v) for v in y))
        lines.append("kappa " + " ".join(fmt_kappa(k) for k in kap))
        lines.append("vjp " + " ".join("%s:%s" % fmt_value(t, v) for v in vjp))
        lines.append("vjp_scale " + " ".join(mpmath.nstr(c, 6) for c in scale))
        if n <= 16:
            jac = []
            for i in range(n):
                for j in range(n):
                    # J_ii = y_i (1 - y_i) = y_i * sum_{j != i} y_j, without cancellation
                    if i == j:
                        v = y[i] * mpmath.fsum(e[k] for k in range(n) if k != i) / s
                    else:
                        v = -y[i] * y[j]
                    jac.append("%s:%s" % fmt_value(t, v))
            lines.append("jacobian " + " ".join(jac))
        lines.append("end")
    path = os.path.join(out_dir, "softmax.%s.txt" % t.name)
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


SOFTMAX_NOTE = """\
# Softmax, %s. Generated by scripts/gen_reference.py (mpmath, 100 digits); do not edit.
# Per case: `case NAME n`; x and the gradient g as hex bits; y = softmax(x), vjp = J^T g and the
# row-major Jacobian as `HEX:frac` (correctly rounded bits : (exact - rounded) / ulp(exact));
# kappa_i = |d_i| + sum_j y_j |d_j| with d = x - max(x), the amplification of the rounding of
# the differences; vjp_scale_i = y_i (|g_i| + sum_j |g_j| y_j), the size of the terms the VJP
# subtracts."""


def main():
    set_precision()
    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root_dir, "act-core", "tests", "data", "builtins")
    os.makedirs(out_dir, exist_ok=True)
    only = sys.argv[1:]
    for fn in _builtins():
        if only and fn.name not in only:
            continue
        fn.root = find_root(fn)
        for t in TYPES:
            # one seed per (function, type): regenerating one function leaves the others as is
            rng = random.Random("%s/%s" % (fn.name, t.name))
            n = write_builtin(fn, t, rng, out_dir)
            print("%-12s %s %5d points" % (fn.name, t.name, n), flush=True)
    if not only or "Softmax" in only:
        for t in TYPES:
            write_softmax(t, random.Random("Softmax/%s" % t.name), out_dir)
            print("Softmax      %s" % t.name, flush=True)


if __name__ == "__main__":
    main()
