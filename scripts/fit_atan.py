#!/usr/bin/env python3
"""Fits the polynomials of act-core's atan kernels (act-core/src/math/atan.rs).

The kernel reduces |x| to r with |r| <= 1/2 and computes atan(r) = r + r z P(z), z = r^2, so
P(z) = (atan(r) - r) / r^3 on [0, 1/4]. P is fitted with mpmath's Chebyshev fit (near
minimax) at 256 bits; the coefficients are then rounded to the target type and the error that
matters, |r z (P_rounded(z) - P(z))| / |atan(r)|, is measured on a dense grid and printed in
units of the type's epsilon (2^-52 / 2^-23).

Usage: python3 scripts/fit_atan.py   (prints the Rust constants)
"""

import struct

import mpmath as mp

mp.mp.prec = 256

ZMAX = mp.mpf(1) / 4


def p_exact(z):
    if z == 0:
        return mp.mpf(-1) / 3
    r = mp.sqrt(z)
    return (mp.atan(r) - r) / (r * r * r)


def to_f32(v):
    return struct.unpack(">f", struct.pack(">f", float(v)))[0]


def shortest(v, rounder):
    """The shortest decimal that reads back as v in the target type."""
    for digits in range(1, 18):
        text = "%.*g" % (digits, v)
        if rounder(float(text)) == v:
            return text
    return repr(v)


def fit(degree, rounder, eps):
    coeffs, _ = mp.chebyfit(p_exact, [0, ZMAX], degree + 1, error=True)
    coeffs = [rounder(c) for c in coeffs]  # highest degree first
    worst = mp.mpf(0)
    for i in range(1, 2001):
        z = ZMAX * i / 2000
        r = mp.sqrt(z)
        err = abs(r * z * (mp.polyval([mp.mpf(c) for c in coeffs], z) - p_exact(z))) / mp.atan(r)
        worst = max(worst, err)
    return list(reversed(coeffs)), worst / eps


def main():
    for name, degree, rounder, eps in [
        ("f64", 11, float, mp.mpf(2) ** -52),
        ("f32", 5, to_f32, mp.mpf(2) ** -23),
    ]:
        coeffs, err = fit(degree, rounder, eps)
        print("// %s: degree %d, fit error %s eps" % (name, degree, mp.nstr(err, 3)))
        print("const P: [%s; %d] = [" % (name, len(coeffs)))
        for c in coeffs:
            print("    %s," % shortest(c, rounder))
        print("];")


if __name__ == "__main__":
    main()
