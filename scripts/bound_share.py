"""Each elementwise kernel's speed as a share of the bound its FMA-unit instructions set.

    cargo build -p act-benches --release --bin medians --bin roofline
    taskset -c 1 target/release/roofline > roofline.txt   # its first line has the rates
    taskset -c 1 target/release/medians --n 1000000 > medians.txt
    python3 scripts/bound_share.py target/release/medians roofline.txt medians.txt [more medians files]
    python3 scripts/bound_share.py --isa avx2 target/release/medians roofline.txt medians.txt ...

`--isa` (as in `loop_sizes.py`) picks the loops and rates: `avx512` (the default, as before
the option existed) the `__act_*_avx512` functions, 16 lanes per vector and `roofline`'s
512-bit line; `avx2` the `__act_*_avx2` functions, 8 lanes and its 256-bit line. The
`medians` files must come from a machine that runs that ISA's loops.

For every `__act_{forward,backward,derivative}_slice_<isa>` function of the binary whose main
loop `loop_sizes.py` finds, it takes the FMA-unit instructions and divisions per vector, the
FMA and division rates that `roofline` printed at that width (its line `one core, <bits>-bit
ops/ns: fma F, add A, div D, mix M`), and the median of the el/ns that the `medians` files
give for that built-in and direction. The bound is `lanes / max(fma / F, div / D)` el/ns: no
schedule runs the loop faster, since the FMA units and the divider each have to get through
their share. The share is the measured speed over that bound. The issue bound is
`lanes * M / v`, `v` the instructions for the vector pipes per vector (with avx2, broadcasts
from memory count as loads, not as vector instructions). Kernels with fewer than 5 FMA-unit
instructions per vector are left out (they are bound by memory, not arithmetic), and so are
those whose main loop the static count cannot find (a kernel that calls another function per
block, or whose loop stores narrower registers, as an `f32` kernel computed in `f64` does).

A static count and a measured rate: the share says how far a kernel is from issuing at the
FMA units' peak, not why. Loads, stores, integer and compare instructions, and the latency of
dependent chains take the rest.
"""

import argparse
import re
import statistics

from loop_sizes import functions, main_loop, patterns, ISAS

# An instruction for the vector pipes: it names a zmm or mask register and is not a plain load
# or store (those go to the load/store units).
VECTOR = re.compile(r"^(?!vmov\w*\s+(\S*\(|%zmm\d+,\s*\S*\())v?\w+\s.*%(zmm|k[0-7])")
# The same with ymm registers (AVX2 has no mask registers); a broadcast from memory is a load.
VECTOR_AVX2 = re.compile(r"^(?!vmov\w*\s+(\S*\(|%ymm\d+,\s*\S*\())(?!vp?broadcast\w*\s+\S*\()v?\w+\s.*%ymm")

# Square roots share the divider (their 512-bit rate is close to the division's).
SQRT = re.compile(r"vsqrt[ps][sd]\s.*%zmm")
SQRT_AVX2 = re.compile(r"vsqrt[ps][sd]\s.*%ymm")
# Per ISA: (vector-pipe instruction, square root) patterns and the vector width in bits.
VECTOR_PATTERNS = {"avx512": (VECTOR, SQRT, 512), "avx2": (VECTOR_AVX2, SQRT_AVX2, 256)}
# Gated activations store two outputs per pair in their backward loops and take pairs as
# their elements: the per-16-element counts here would not be per 16 pairs. Left out.
GATED = {"glu", "geglu", "swiglu", "reglu"}

DIRECTIONS = {"forward_slice": "forward", "backward_slice": "backward", "derivative_slice": "derivative"}


def snake(name):
    """`GeluTanh` -> `gelu_tanh`, `PRelu` -> `prelu`, `Relu6` -> `relu6`."""
    special = {"PRelu": "prelu", "GeGlu": "geglu", "ReGlu": "reglu", "SwiGlu": "swiglu"}
    if name in special:
        return special[name]
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def rates(path, bits=512):
    """(FMA, division, mix) rates of `roofline`'s first line for `bits`-bit vectors."""
    text = open(path).read()
    m = re.search(rf"{bits}-bit ops/ns: fma ([\d.]+), add [\d.]+, div ([\d.]+), mix ([\d.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no line `one core, {bits}-bit ops/ns: fma F, add A, div D, mix M`")
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def medians(paths):
    runs = {}
    for path in paths:
        for line in open(path):
            parts = line.split()
            if len(parts) == 4 and parts[0] == "act":
                runs.setdefault((parts[1], parts[2]), []).append(float(parts[3]))
    return {key: statistics.median(v) for key, v in runs.items()}


def bounds(insns, stores, isa, fma_rate, div_rate, mix_rate):
    """(vector-pipe ops, FMA-unit ops, divisions and square roots) per vector of a main loop,
    its FMA bound and its issue bound in el/ns."""
    _, fma_unit, division = patterns(isa)
    vector, sqrt, _ = VECTOR_PATTERNS[isa]
    lanes = ISAS[isa][1]
    fma = sum(1 for t in insns if fma_unit.match(t)) / stores
    div = sum(1 for t in insns if division.match(t) or sqrt.match(t)) / stores
    vec = sum(1 for t in insns if vector.match(t)) / stores
    need = max(fma / fma_rate, div / div_rate)
    bound = lanes / need if need else float("inf")
    return vec, fma, div, bound, lanes * mix_rate / vec if vec else float("inf")


def main():
    parser = argparse.ArgumentParser(description="Each kernel's speed as a share of its FMA-unit bound.")
    parser.add_argument("--isa", choices=sorted(ISAS), default="avx512", help="default: avx512")
    parser.add_argument("binary")
    parser.add_argument("roofline")
    parser.add_argument("medians", nargs="+")
    args = parser.parse_args()
    isa, files = args.isa, args.medians
    store = patterns(isa)[0]
    bits, lanes = VECTOR_PATTERNS[isa][2], ISAS[isa][1]
    fma_rate, div_rate, mix_rate = rates(args.roofline, bits)
    measured = medians(files)
    print(
        f"{bits}-bit ops/ns (roofline): FMA {fma_rate}, division {div_rate}, vector mix {mix_rate};"
        f" act el/ns: median of {len(files)} medians runs"
    )
    print()
    print(f"| kernel | direction | vector ops / {lanes} el | FMA-unit ops | divisions and square roots | FMA bound | issue bound | act el/ns | share of FMA bound | share of the lower bound |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, body in functions(args.binary):
        m = re.match(rf"(\w+)::__act_(\w+)_{isa}$", name)
        if not m or m.group(2) not in DIRECTIONS:
            continue
        loop = main_loop(body, store)
        if loop is None:
            continue
        insns, stores = loop
        vec, fma, div, bound, issue = bounds(insns, stores, isa, fma_rate, div_rate, mix_rate)
        if fma < 5:
            continue
        key = (snake(m.group(1)), DIRECTIONS[m.group(2)])
        if key not in measured or key[0] in GATED:
            continue
        act = measured[key]
        print(
            f"| {key[0]} | {key[1]} | {vec:.1f} | {fma:.1f} | {div:.1f} | {bound:.2f} | {issue:.2f} | {act:.2f}"
            f" | {act / bound:.0%} | {act / min(bound, issue):.0%} |"
        )


if __name__ == "__main__":
    main()
