"""One kernel's dependency chain through its main AVX-512 (or AVX2) loop, step by step.

    cargo build -p act-benches --release --bin drive
    python3 scripts/chain_path.py target/release/drive GeluTanh::__act_derivative_slice_avx512 [latency.txt]
    python3 scripts/chain_path.py --isa avx2 target/release/drive GeluTanh::__act_derivative [latency.txt]

`--isa` (as in `loop_sizes.py`; default avx512, as before the option existed) picks the
`__act_..._<isa>` functions, their registers and `latency`'s line at that width.

For each function named (a substring of `Type::__act_..._<isa>`) it prints the loop's
instructions per vector, those that need the FMA units, the chain `p` of `window_bound.py`
(the longest register-dependency path from the loop's loads to its store, each instruction at
its class's measured latency), and the instructions on that path with the time each result is
ready. Without a `latency` output file it takes the fourteenth session's latencies (FMA 0.95
ns, multiply 0.71, add, maximum, logic, blend 0.47, compare 1.42, division 2.36, square root
3.3); with avx2, the eighteenth session's 256-bit ones on the AVX2 machine (FMA 1.31, multiply
and add 0.99, maximum, logic, blend, compare 0.33, division 3.5, square root 4.85). With
avx2, as in `window_bound.py`, broadcasts from memory are loads and instructions without a
vector result are off the chain. A static model, as `window_bound.py`'s: for comparing two
versions of one kernel.
"""

import argparse

from loop_sizes import functions, main_loop, patterns, ISAS
from window_bound import classify, latencies, operands, LOADS_AVX2

DEFAULT = {"fma": 0.95, "mul": 0.71, "add": 0.47, "max": 0.47, "logic": 0.47, "int": 0.47,
           "shift": 0.47, "blend": 0.47, "cmp": 1.42, "perm": 0.71, "div": 2.36,
           "sqrt": 3.3, "cvt": 0.95, "round": 0.71}
DEFAULT_AVX2 = {"fma": 1.31, "mul": 0.99, "add": 0.99, "max": 0.33, "logic": 0.33, "int": 0.33,
                "shift": 0.33, "blend": 0.33, "cmp": 0.33, "perm": 2.7, "div": 3.5,
                "sqrt": 4.85, "cvt": 0.99, "round": 0.99}


def path(insns, lat, isa="avx512"):
    """(chain ns, [(ready ns, instruction)] along the longest path)."""
    ready, via = {}, {}
    best, best_node = 0.0, None
    for i, text in enumerate(insns):
        parsed = operands(text, isa)
        if parsed is None:
            continue
        op, dest, sources, masked, plain = parsed
        if op.startswith("vmov") and not masked:
            cost = 0.0
        elif isa == "avx2" and LOADS_AVX2.fullmatch(op) and "(" in plain:
            cost = 0.0
        else:
            cost = lat.get(classify(op) or "logic", lat["logic"])
        src = max(sources, key=lambda r: ready.get(r, 0.0), default=None)
        start = ready.get(src, 0.0) if src else 0.0
        ready[dest] = start + cost
        via[dest] = (i, via.get(src) if src else None, ready[dest])
        if ready[dest] > best:
            best, best_node = ready[dest], via[dest]
    steps, node = [], best_node
    while node:
        i, prev, t = node
        steps.append((t, insns[i]))
        node = prev
    return best, steps[::-1]


def main():
    parser = argparse.ArgumentParser(description="One kernel's chain through its main loop.")
    parser.add_argument("--isa", choices=sorted(ISAS), default="avx512", help="default: avx512")
    parser.add_argument("binary")
    parser.add_argument("name", help="a substring of Type::__act_..._<isa>")
    parser.add_argument("latency", nargs="?", help="`latency`'s output")
    args = parser.parse_args()
    isa = args.isa
    store, fma_unit, _ = patterns(isa)
    lat = dict(DEFAULT if isa == "avx512" else DEFAULT_AVX2)
    if args.latency:
        lat.update(latencies(args.latency, 512 if isa == "avx512" else 256)[0])
    for fname, body in functions(args.binary):
        if args.name not in fname or not fname.endswith("_" + isa):
            continue
        loop = main_loop(body, store)
        if loop is None:
            continue
        insns, stores = loop
        fma = sum(1 for x in insns if fma_unit.match(x)) / stores
        p, steps = path(insns, lat, isa)
        print(f"{fname}: {len(insns) / stores:.1f} instructions / vector, {fma:.1f} FMA-unit, chain {p:.2f} ns")
        for t, text in steps:
            print(f"  {t:6.2f}  {text}")


if __name__ == "__main__":
    main()
