"""Reference values for act-expr's f64 interpreter, shared by two tests:
act-expr/tests/interp_accuracy.rs (the interpreter itself) and act-cli/tests/interpreter.rs
(`act-cli eval --formula`, the same interpreter behind the command line).

Run: python scripts/gen_interp_reference.py   (needs mpmath)

Writes act-expr/tests/data/interp_reference.rs: Rust tables (x, f(x), f'(x)) computed at 60
significant digits exactly at the f64 inputs and printed with 20, for GELU (erf form),
GELU-tanh (0.044715 as the decimal literal), and the pieces of the exact-difference,
quotient and odd-cubic cases, formatted by rustfmt. `--stdout` prints the file (unformatted) instead.
"""
import shutil
import subprocess
import sys
from pathlib import Path

from mpmath import mp, mpf, erfc, exp, sqrt, pi, nstr

mp.dps = 60

OUT = Path(__file__).resolve().parent.parent / "act-expr" / "tests" / "data" / "interp_reference.rs"

HEADER = """\
//! mpmath's values for the f64 interpreter's accuracy tests, written by
//! `python scripts/gen_interp_reference.py` (do not edit by hand). Read by
//! act-expr/tests/interp_accuracy.rs and act-cli/tests/interpreter.rs through `#[path]`.
//!
//! Each row is exact at the f64 input, printed with 20 significant digits (more than an f64
//! holds) and rounded to f64 by the Rust literal.

// Each test reads some of the tables.
#![allow(dead_code)]
// mpmath's digits as printed, more than an f64 holds.
#![allow(clippy::excessive_precision)]
"""

lines = []


def emit(text):
    lines.append(text)


def num(v):
    return nstr(v, 20, min_fixed=1, max_fixed=0)


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


def table(name, doc, f, df, xs):
    emit("")
    emit(f"/// {doc}")
    emit(f"pub const {name}: [(f64, f64, f64); {len(xs)}] = [")
    for x in xs:
        v = mpf(x)
        emit(f"    ({x!r}, {num(f(v))}, {num(df(v))}),")
    emit("];")


GELU_X = [-0.5, -1.0, -2.0, -3.0, -5.0, -7.5, -10.0, -13.25, -20.0, -25.5, -30.0, -35.0,
          -36.5, -37.0, -37.5, 0.5, 1.0, 3.0, 10.0]
GELU_TANH_X = [-0.5, -1.0, -2.0, -3.0, -5.0, -7.0, -8.9, -10.0, -12.5, -15.0, -18.0,
               -20.0, -21.0, -21.5, 0.5, 1.0, 3.0, 10.0]
table("GELU", "`0.5 * x * (1 + erf(x / sqrt(2)))`: `(x, f, f')`.", gelu, gelu_prime, GELU_X)
table("GELU_TANH",
      "`0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))))`: `(x, f, f')`.",
      gelu_tanh, gelu_tanh_prime, GELU_TANH_X)

# softmax of a row holding 700.3, 0.1, -0.7 (the inputs as f64): exp(x - 700.3) / sum
row = [700.3, 0.1, -0.7, 699.9]
m = [mpf(r) for r in row]
s = sum(exp(v) for v in m)
emit("")
emit("/// A softmax row with entries 700 apart.")
emit("pub const SOFTMAX_ROW: [f64; %d] = %r;" % (len(row), row))
emit("/// Softmax of `SOFTMAX_ROW`, in order.")
emit("pub const SOFTMAX: [f64; %d] = [" % len(row))
for v in m:
    emit(f"    {num(exp(v) / s)},")
emit("];")

# CELU, alpha = 3: f'(x) = exp(x / 3) for x < 0
xs = [-1000.0, -700.0, -300.5, -100.0, -10.0]
emit("")
emit("/// CELU's derivative at alpha = 3, `exp(x / 3)` for `x < 0`: `(x, f')`.")
emit("pub const CELU3_PRIME: [(f64, f64); %d] = [" % len(xs))
for x in xs:
    emit(f"    ({x!r}, {num(exp(mpf(x) / 3))}),")
emit("];")

# erfc(x / sqrt 2) (the normal tail 2 Phi(-x)) and exp(-x^2 / 2)
xs = [1.0, 5.0, 10.0, 20.0, 30.0, 37.0]
emit("")
emit("/// `(x, erfc(x / sqrt 2), exp(-x^2 / 2))`.")
emit("pub const NORMAL_TAIL: [(f64, f64, f64); %d] = [" % len(xs))
for x in xs:
    v = mpf(x)
    emit(f"    ({x!r}, {num(erfc(v / sqrt(2)))}, {num(exp(-v * v / 2))}),")
emit("];")

# x sigmoid(1.702 x + 0.1 x^3) (an odd cubic that is not GELU-tanh), decimal constants
A1, A3 = mpf("1.702"), mpf("0.1")
xs = [-2.0, -5.0, -8.0, -12.0, -16.5, -18.5, -19.0, 2.0]
emit("")
emit("/// `x * sigmoid(1.702 * x + 0.1 * powi(x, 3))`: `(x, f, f')`.")
emit("pub const ODD_CUBIC: [(f64, f64, f64); %d] = [" % len(xs))
for x in xs:
    v = mpf(x)
    w = A1 * v + A3 * v**3
    e = exp(-w)
    dw = A1 + 3 * A3 * v**2
    f = v / (1 + e)
    df = 1 / (1 + e) + v * dw * e / (1 + e) ** 2
    emit(f"    ({x!r}, {num(f)}, {num(df)}),")
emit("];")

# exp(sqrt(2) (x + 0.1 x^3)): exp of a constant times an odd cubic, f' = f sqrt(2) (1 + 0.3 x^2)
K2 = sqrt(2)
xs = [-1.0, -5.0, -10.0, -15.0, -16.5, 0.5, 2.0]
emit("")
emit("/// `exp(sqrt(2) * (x + 0.1 * powi(x, 3)))`: `(x, f, f')`.")
emit("pub const EXP_SCALED_CUBIC: [(f64, f64, f64); %d] = [" % len(xs))
for x in xs:
    v = mpf(x)
    f = exp(K2 * (v + A3 * v**3))
    emit(f"    ({x!r}, {num(f)}, {num(f * K2 * (1 + 3 * A3 * v**2))}),")
emit("];")

text = HEADER + "\n".join(lines) + "\n"
if "--stdout" in sys.argv[1:]:
    sys.stdout.write(text)
else:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(OUT.parents[3])}")
    # The layout `cargo fmt --all --check` expects (it reaches the file through `#[path]`).
    if shutil.which("rustfmt"):
        subprocess.run(["rustfmt", "--edition", "2024", str(OUT)], check=True)
    else:
        print("rustfmt not found: run `cargo fmt --all` before committing")
