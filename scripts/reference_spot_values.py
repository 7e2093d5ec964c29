#!/usr/bin/env python3
"""Spot values (mpmath, 60 digits, rounded to f64) for the unit test of the exhaustive check's
f64 references (benches/src/reference.rs, `references_match_closed_forms`).

Prints `name x f(x) f'(x)` per line; `pip install mpmath`."""
from mpmath import mp, mpf, exp, erfc, sqrt, pi, tanh, log1p, diff

mp.dps = 60
sig = lambda x: 1 / (1 + exp(-x))
softplus = lambda x: log1p(exp(x))
CASES = [
    ("Sigmoid", -40.0, sig),
    ("Gelu", -13.0, lambda x: x / 2 * erfc(-x / sqrt(2))),
    ("GeluTanh", 1.0, lambda x: x / 2 * (1 + tanh(sqrt(2 / pi) * (x + mpf("0.044715") * x**3)))),
    ("Mish", -0.795, lambda x: x * tanh(softplus(x))),
    ("Softplus", -700.0, softplus),
]
for name, x, f in CASES:
    x = mpf(x)  # the f64 input itself
    print(name, float(x), repr(float(f(x))), repr(float(diff(f, x))))
