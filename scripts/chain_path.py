"""One kernel's dependency chain through its main AVX-512 loop, instruction by instruction.

    cargo build -p act-benches --release --bin drive
    python3 scripts/chain_path.py target/release/drive GeluTanh::__act_derivative_slice_avx512 [latency.txt]

For each function named (a substring of `Type::__act_..._avx512`) it prints the loop's
instructions per vector, those that need the FMA units, the chain `p` of `window_bound.py`
(the longest register-dependency path from the loop's loads to its store, each instruction at
its class's measured latency), and the instructions on that path with the time each result is
ready. Without a `latency` output file it takes the fourteenth session's latencies (FMA 0.95
ns, multiply 0.71, add, maximum, logic, blend 0.47, compare 1.42, division 2.36, square root
3.3). A static model, as `window_bound.py`'s: for comparing two versions of one kernel.
"""

import sys

from loop_sizes import functions, main_loop, FMA_UNIT
from window_bound import classify, latencies, operands

DEFAULT = {"fma": 0.95, "mul": 0.71, "add": 0.47, "max": 0.47, "logic": 0.47, "int": 0.47,
           "shift": 0.47, "blend": 0.47, "cmp": 1.42, "perm": 0.71, "div": 2.36,
           "sqrt": 3.3, "cvt": 0.95, "round": 0.71}


def path(insns, lat):
    """(chain ns, [(ready ns, instruction)] along the longest path)."""
    ready, via = {}, {}
    best, best_node = 0.0, None
    for i, text in enumerate(insns):
        parsed = operands(text)
        if parsed is None:
            continue
        op, dest, sources, masked, _ = parsed
        if op.startswith("vmov") and not masked:
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
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, name = sys.argv[1], sys.argv[2]
    lat = dict(DEFAULT)
    if len(sys.argv) > 3:
        lat.update(latencies(sys.argv[3])[0])
    for fname, body in functions(binary):
        if name not in fname or not fname.endswith("_avx512"):
            continue
        loop = main_loop(body)
        if loop is None:
            continue
        insns, stores = loop
        fma = sum(1 for x in insns if FMA_UNIT.match(x)) / stores
        p, steps = path(insns, lat)
        print(f"{fname}: {len(insns) / stores:.1f} instructions / vector, {fma:.1f} FMA-unit, chain {p:.2f} ns")
        for t, text in steps:
            print(f"  {t:6.2f}  {text}")


if __name__ == "__main__":
    main()
