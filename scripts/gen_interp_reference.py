"""Reference values for act-expr's f64 interpreter (act-expr/tests/interp_accuracy.rs).

Run: python scripts/gen_interp_reference.py   (needs mpmath)

Prints Rust tables (x, f(x), f'(x)) at 60 significant digits, evaluated exactly at the f64
inputs, for GELU (erf form), GELU-tanh (0.044715 as the decimal literal), and the pieces of
the exact-difference and quotient cases.
"""
from mpmath import mp, mpf, erfc, exp, sqrt, pi, tanh, nstr

mp.dps = 60

def gelu(x):
    return x * erfc(-x / sqrt(2)) / 2

def gelu_prime(x):
    return erfc(-x / sqrt(2)) / 2 + x * exp(-x * x / 2) / sqrt(2 * pi)

K = mpf("0.044715")

def gelu_tanh(x):
    # x sigma(2z): no cancellation in 1 + tanh(z) at any working precision
    w = 2 * sqrt(2 / pi) * (x + K * x**3)
    return x / (1 + exp(-w))

def gelu_tanh_prime(x):
    w = 2 * sqrt(2 / pi) * (x + K * x**3)
    dw = 2 * sqrt(2 / pi) * (1 + 3 * K * x**2)
    e = exp(-w)
    return 1 / (1 + e) + x * dw * e / (1 + e) ** 2

def table(name, f, df, xs):
    print(f"const {name}: [(f64, f64, f64); {len(xs)}] = [")
    for x in xs:
        v = mpf(x)
        print(f"    ({x!r}, {nstr(f(v), 20, min_fixed=1, max_fixed=0)}, {nstr(df(v), 20, min_fixed=1, max_fixed=0)}),")
    print("];")

GELU_X = [-0.5, -1.0, -2.0, -3.0, -5.0, -7.5, -10.0, -13.25, -20.0, -25.5, -30.0, -35.0,
          -36.5, -37.0, -37.5, 0.5, 1.0, 3.0, 10.0]
GELU_TANH_X = [-0.5, -1.0, -2.0, -3.0, -5.0, -7.0, -8.9, -10.0, -12.5, -15.0, -18.0,
               -20.0, -21.0, -21.5, 0.5, 1.0, 3.0, 10.0]
table("GELU", gelu, gelu_prime, GELU_X)
table("GELU_TANH", gelu_tanh, gelu_tanh_prime, GELU_TANH_X)

# softmax of a row holding 700.3, 0.1, -0.7 (the inputs as f64): exp(x - 700.3) / sum
row = [700.3, 0.1, -0.7, 699.9]
m = [mpf(r) for r in row]
s = sum(exp(v) for v in m)
print("const SOFTMAX_ROW: [f64; %d] = %r;" % (len(row), row))
print("const SOFTMAX: [f64; %d] = [%s];" % (len(row), ", ".join(nstr(exp(v) / s, 20, min_fixed=1, max_fixed=0) for v in m)))

# CELU, alpha = 3: f'(x) = exp(x / 3) for x < 0
xs = [-1000.0, -700.0, -300.5, -100.0, -10.0]
print("const CELU3_PRIME: [(f64, f64); %d] = [" % len(xs))
for x in xs:
    print(f"    ({x!r}, {nstr(exp(mpf(x) / 3), 20, min_fixed=1, max_fixed=0)}),")
print("];")

# erfc(x / sqrt 2) (the normal tail 2 Phi(-x)) and exp(-x^2 / 2)
xs = [1.0, 5.0, 10.0, 20.0, 30.0, 37.0]
print("const NORMAL_TAIL: [(f64, f64, f64); %d] = [" % len(xs))
for x in xs:
    v = mpf(x)
    print(f"    ({x!r}, {nstr(erfc(v / sqrt(2)), 20, min_fixed=1, max_fixed=0)}, {nstr(exp(-v * v / 2), 20, min_fixed=1, max_fixed=0)}),")
print("];")

# x sigmoid(1.702 x + 0.1 x^3) (an odd cubic that is not GELU-tanh), decimal constants
A1, A3 = mpf("1.702"), mpf("0.1")
xs = [-2.0, -5.0, -8.0, -12.0, -16.5, -18.5, -19.0, 2.0]
print("const ODD_CUBIC: [(f64, f64, f64); %d] = [" % len(xs))
for x in xs:
    v = mpf(x)
    w = A1 * v + A3 * v**3
    e = exp(-w)
    dw = A1 + 3 * A3 * v**2
    f = v / (1 + e)
    df = 1 / (1 + e) + v * dw * e / (1 + e) ** 2
    print(f"    ({x!r}, {nstr(f, 20, min_fixed=1, max_fixed=0)}, {nstr(df, 20, min_fixed=1, max_fixed=0)}),")
print("];")
