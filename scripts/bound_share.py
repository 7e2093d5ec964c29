"""Each elementwise kernel's speed as a share of the bound its FMA-unit instructions set.

    cargo build -p act-benches --release --bin medians --bin roofline
    taskset -c 1 target/release/roofline > roofline.txt   # its first line has the rates
    taskset -c 1 target/release/medians --n 1000000 > medians.txt
    python3 scripts/bound_share.py target/release/medians roofline.txt medians.txt [more medians files]

For every `__act_{forward,backward,derivative}_slice_avx512` function of the binary whose main
loop `loop_sizes.py` finds, it takes the FMA-unit instructions and divisions per 16-lane vector,
the 512-bit FMA and division rates that `roofline` printed (its line `one core, 512-bit ops/ns:
fma F, add A, div D`), and the median of the el/ns that the `medians` files give for that
built-in and direction. The bound is `16 / max(fma / F, div / D)` el/ns: no schedule runs the
loop faster, since the FMA units and the divider each have to get through their share. The
share is the measured speed over that bound. Kernels with fewer than 5 FMA-unit instructions
per vector are left out (they are bound by memory, not arithmetic), and so are those whose
main loop the static count cannot find (a kernel that calls another function per block).

A static count and a measured rate: the share says how far a kernel is from issuing at the
FMA units' peak, not why. Loads, stores, integer and compare instructions, and the latency of
dependent chains take the rest.
"""

import re
import statistics
import sys

from loop_sizes import functions, main_loop, FMA_UNIT, DIVISION

# An instruction for the vector pipes: it names a zmm or mask register and is not a plain load
# or store (those go to the load/store units).
VECTOR = re.compile(r"^(?!vmov\w*\s+(\S*\(|%zmm\d+,\s*\S*\())v?\w+\s.*%(zmm|k[0-7])")

# Square roots share the divider (their 512-bit rate is close to the division's).
SQRT = re.compile(r"vsqrt[ps][sd]\s.*%zmm")
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


def rates(path):
    text = open(path).read()
    m = re.search(r"fma ([\d.]+), add [\d.]+, div ([\d.]+), mix ([\d.]+)", text)
    if not m:
        sys.exit(f"{path}: no line `one core, 512-bit ops/ns: fma F, add A, div D, mix M`")
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def medians(paths):
    runs = {}
    for path in paths:
        for line in open(path):
            parts = line.split()
            if len(parts) == 4 and parts[0] == "act":
                runs.setdefault((parts[1], parts[2]), []).append(float(parts[3]))
    return {key: statistics.median(v) for key, v in runs.items()}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary, roofline, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    fma_rate, div_rate, mix_rate = rates(roofline)
    measured = medians(files)
    print(
        f"512-bit ops/ns (roofline): FMA {fma_rate}, division {div_rate}, vector mix {mix_rate};"
        f" act el/ns: median of {len(files)} medians runs"
    )
    print()
    print("| kernel | direction | vector ops / 16 el | FMA-unit ops | divisions and square roots | FMA bound | issue bound | act el/ns | share of FMA bound | share of the lower bound |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, body in functions(binary):
        m = re.match(r"(\w+)::__act_(\w+)_avx512$", name)
        if not m or m.group(2) not in DIRECTIONS:
            continue
        loop = main_loop(body)
        if loop is None:
            continue
        insns, stores = loop
        fma = sum(1 for t in insns if FMA_UNIT.match(t)) / stores
        div = sum(1 for t in insns if DIVISION.match(t) or SQRT.match(t)) / stores
        if fma < 5:
            continue
        key = (snake(m.group(1)), DIRECTIONS[m.group(2)])
        if key not in measured or key[0] in GATED:
            continue
        bound = 16 / max(fma / fma_rate, div / div_rate)
        vec = sum(1 for t in insns if VECTOR.match(t)) / stores
        issue = 16 * mix_rate / vec
        act = measured[key]
        print(
            f"| {key[0]} | {key[1]} | {vec:.1f} | {fma:.1f} | {div:.1f} | {bound:.2f} | {issue:.2f} | {act:.2f}"
            f" | {act / bound:.0%} | {act / min(bound, issue):.0%} |"
        )


if __name__ == "__main__":
    main()
