#!/usr/bin/env python3
"""The table of act-core/src/math/f32/scalar.rs: 2^(j/32) for j = 0..31, each rounded to the
nearest f64 (mpmath at 60 digits, then Python's correctly rounded decimal-to-float), printed
as the Rust array of their bits.

    pip install mpmath
    python3 scripts/exp2_table.py
"""

import struct

import mpmath

mpmath.mp.dps = 60

print("const EXP2_32: [u64; 32] = [")
for j in range(32):
    v = float(mpmath.nstr(mpmath.power(2, mpmath.mpf(j) / 32), 40, strip_zeros=False))
    (bits,) = struct.unpack("<Q", struct.pack("<d", v))
    print(f"    0x{bits:016X},")
print("];")
