"""Each elementwise kernel's dependent chain, and what it says about the kernel's speed.

    cargo build -p act-benches --release --bin medians --bin latency --bin roofline
    taskset -c 1 target/release/latency > latency.txt
    taskset -c 1 target/release/roofline > roofline.txt
    taskset -c 1 target/release/medians --n 1000000 > medians.txt
    python3 scripts/window_bound.py target/release/medians latency.txt roofline.txt medians.txt [more medians files]
    python3 scripts/window_bound.py --isa avx2 --bounds target/release/medians latency.txt roofline.txt medians.txt

`--isa` (as in `loop_sizes.py`) picks the loops and the measurements: `avx512` (the default,
as before the option existed) the `__act_*_avx512` functions, 16 lanes per vector and the
512-bit lines of `latency` and `roofline`; `avx2` the `__act_*_avx2` functions, 8 lanes and
their 256-bit lines. The `medians` files must come from a machine that runs that ISA's loops.

For every `__act_{forward,backward,derivative}_slice_<isa>` function whose main loop
`loop_sizes.py` finds, it follows the data through one pass of the loop: each instruction
starts when the registers it reads are ready and takes the latency `latency` measured for
its class (FMA, multiply, add, ...; a plain register move takes none, a load or store is not
counted; with avx2 a broadcast from memory is a load too; an instruction whose result is
not a vector, such as `vmovmskps` or `vptest`, is off the chain). The longest path from the
loop's loads to its store is the chain `p`, in ns. With `n` instructions per vector and the
measured `t` ns per vector, Little's law gives the instructions the core keeps in flight:
`n p / t`.

`latency` measures the same for a loop that is nothing but one chain of `L` FMAs per vector,
which nothing but its chain stops once `L` passes 16 (split into two chains, the same FMAs
run up to twice as fast). The table gives, for each kernel, what that pure chain keeps in
flight at the kernel's chain length, and how many instructions the kernel would need in
flight to run at 80% of its FMA-unit bound (`roofline`'s FMA rate, as in `bound_share.py`):
`n p / t` with `t` the time per vector at 80% of that bound. Where that is more than any loop
here keeps in flight, the FMA count is not what stops the kernel: only a shorter chain, or
fewer instructions per vector, moves it.

`--bounds` adds, per kernel, the three bounds of the model in el/ns and which is lowest: the
FMA bound and the issue bound of `bound_share.py`, and the window bound `lanes W / (n p)`,
`W` the window `latency` measured (its line `<bits>-bit window: W instructions in flight`);
and the measured speed as a share of the FMA bound. Without it the table is as before.

A static model with measured latencies, not a profile: it assumes the loop's instructions
issue as soon as their inputs are ready.
"""

import argparse
import re

from loop_sizes import functions, main_loop, patterns, ISAS
from bound_share import bounds, medians, rates, snake, DIRECTIONS, GATED, VECTOR_PATTERNS

CLASSES = [
    ("fma", r"vf(n?m(add|sub))\d+[ps]s"),
    ("mul", r"vmul[ps]s"),
    ("add", r"v(add|sub)[ps]s"),
    ("max", r"v(max|min)[ps]s|vpm(ax|in)[su][dq]"),
    ("logic", r"v(p?and|p?andn|p?or|p?xor)(ps|pd|d|q)?|vpternlog[dq]"),
    ("int", r"vp(add|sub)[dq]"),
    ("shift", r"vps[lr][la]v?[dq]"),
    ("blend", r"v(p?blendm|blend)(ps|d)|vmovap[sd]|vmovdq[au](32|64)|vblendv(ps|pd)|vpblendvb|vpblendd"),
    ("cmp", r"vp?cmp\w*"),
    ("perm", r"vperm\w*|valign[dq]|vshuf\w*|vinsert\w*|vextract\w*|vbroadcast\w*|vpbroadcast\w*"),
    ("div", r"vdiv[ps]s"),
    ("sqrt", r"vsqrt[ps]s"),
    ("cvt", r"vcvt\w*"),
    ("round", r"vrndscale\w*|vround\w*"),
]
# Mask-register instructions: one cycle on the mask unit; counted as a logic op.
KOPS = re.compile(r"k(or|and|andn|xor|not|mov|shiftr|shiftl|unpck)[bwdq]")
REG = re.compile(r"%([xyz]mm\d+|k[0-7])")
# Reads the destination too: 3-operand FMAs, and merge-masked writes (`{%k}` without `{z}`).
READS_DEST = re.compile(r"^vf(n?m(add|sub))\d+")
# With avx2: instructions that write no vector register (flags or a general register).
NO_VECTOR_DEST = re.compile(r"vp?test(ps|pd)?|v(u)?comis[sd]|vmovmskp[sd]|vpmovmskb|vpextr[bwdq]|vextractps")
# With avx2: loads (no latency counted) and register moves (renamed, none either).
LOADS_AVX2 = re.compile(r"vmov(ups|aps|dqu|dqa|upd|apd)|vp?broadcast\w+")
MOVES_AVX2 = re.compile(r"vmov(aps|ups|apd|upd|dqa|dqu)")


def section(text, bits):
    """`latency`'s output for `bits`-bit vectors: from its line `one core, <bits>-bit latency
    ns: ...` to the next such line (files from before `latency` measured 256 bits have one)."""
    for part in re.split(r"(?=^one core, \d+-bit latency ns:)", text, flags=re.M):
        if part.startswith(f"one core, {bits}-bit latency ns:"):
            return part
    return ""


def latencies(path, bits=512):
    """(latency per class, [(chain ns, in flight)] of the pure FMA chains) at `bits` bits."""
    text = section(open(path).read(), bits)
    m = re.search(r"latency ns: (.*)", text)
    if not m:
        raise SystemExit(f"{path}: no line `one core, {bits}-bit latency ns: fma F, ...`")
    lat = {}
    for part in m.group(1).split(","):
        name, value = part.split()
        lat[name] = float(value)
    # `latency`'s table: L, ns per vector, chain ns, in flight, ns per vector as two chains
    level = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0].isdigit():
            level.append((float(parts[2]), float(parts[3])))
    if not level:
        raise SystemExit(f"{path}: no table of chains (rows `L ns chain in-flight split`)")
    return lat, sorted(level)


def window(path, bits=512):
    """The window `latency` measured at `bits` bits (`<bits>-bit window: W ...`; `window: W`
    in files from before it measured 256 bits)."""
    m = re.search(rf"^(?:{bits}-bit )?window: (\d+)", section(open(path).read(), bits), re.M)
    if not m:
        raise SystemExit(f"{path}: no line `{bits}-bit window: W instructions in flight`")
    return float(m.group(1))


def level_at(level, p):
    """Instructions in flight of `latency`'s pure FMA chain of `p` ns (linear between its rows,
    the end rows beyond them)."""
    if p <= level[0][0]:
        return level[0][1]
    for (p0, w0), (p1, w1) in zip(level, level[1:]):
        if p <= p1:
            return w0 + (w1 - w0) * (p - p0) / (p1 - p0)
    return level[-1][1]


def classify(op):
    for name, pattern in CLASSES:
        if re.fullmatch(pattern, op):
            return name
    if KOPS.fullmatch(op):
        return "logic"
    return None


def operands(text, isa="avx512"):
    """One vector instruction's `(op, dest, sources, masked, plain)`, or None for scalar loop
    control, an instruction without registers and a store. AT&T order: the destination is the
    last register named outside the `{%k}` mask; `sources` include the destination where the
    instruction reads it (FMA, merge-masking) and the mask register; `masked` is the mask's
    match, `plain` the operands without `{...}`."""
    op = text.split()[0]
    if not op.startswith(("v", "k")):
        return None
    if isa == "avx2" and NO_VECTOR_DEST.fullmatch(op):
        return None
    ops = text[len(op):].strip()
    masked = re.search(r"\{%(k[0-7])\}", ops)
    zeroing = "{z}" in ops
    plain = re.sub(r"\{[^}]*\}", "", ops)
    regs = REG.findall(plain)
    if not regs or (op.startswith("vmov") and "(" in plain.split(",")[-1]):
        return None
    dest, sources = regs[-1], regs[:-1]
    if READS_DEST.match(op) or (masked and not zeroing):
        sources.append(dest)
    if masked:
        sources.append(masked.group(1))
    return op, dest, sources, masked, plain


def chain(insns, lat, isa="avx512"):
    """Longest register-dependency path through one pass of the loop, in ns, and the
    instructions whose class is unknown (taken as a logic op)."""
    ready = {}
    unknown = set()
    longest = 0.0
    for text in insns:
        parsed = operands(text, isa)
        if parsed is None:
            continue
        op, dest, sources, masked, plain = parsed
        cls = classify(op)
        if op in ("vmovaps", "vmovups", "vmovapd") and not masked and "(" not in plain:
            cost = 0.0  # register rename
        elif op in ("vmovups", "vmovaps", "vmovdqu64", "vmovdqu32") and "(" in plain:
            cost = 0.0  # a load: not counted
        elif isa == "avx2" and MOVES_AVX2.fullmatch(op) and "(" not in plain:
            cost = 0.0  # register rename
        elif isa == "avx2" and LOADS_AVX2.fullmatch(op) and "(" in plain:
            cost = 0.0  # a load or a broadcast from memory: not counted
        else:
            if cls is None:
                unknown.add(op)
                cls = "logic"
            cost = lat[cls]
        start = max((ready.get(r, 0.0) for r in sources), default=0.0)
        ready[dest] = start + cost
        longest = max(longest, ready[dest])
    return longest, unknown


def main():
    parser = argparse.ArgumentParser(description="Each kernel's dependent chain and its window.")
    parser.add_argument("--isa", choices=sorted(ISAS), default="avx512", help="default: avx512")
    parser.add_argument("--bounds", action="store_true", help="add the model's three bounds")
    parser.add_argument("binary")
    parser.add_argument("latency")
    parser.add_argument("roofline")
    parser.add_argument("medians", nargs="+")
    args = parser.parse_args()
    isa, paths = args.isa, args.medians
    store, fma_unit, _ = patterns(isa)
    bits, lanes = VECTOR_PATTERNS[isa][2], ISAS[isa][1]
    lat, level = latencies(args.latency, bits)
    roof = rates(args.roofline, bits)
    fma_rate = roof[0]
    w_measured = window(args.latency, bits) if args.bounds else None
    speed = medians(paths)
    print(f"latencies (ns): {', '.join(f'{k} {v}' for k, v in lat.items())}; act el/ns: median of {len(paths)} medians runs")
    if args.bounds:
        print(f"window: {w_measured:.0f} instructions in flight ({bits}-bit `latency`)")
    print()
    head = f"| kernel | direction | instructions / {lanes} el | chain ns | act el/ns | ns / vector | in flight | a pure FMA chain as long: in flight | in flight for 80% of the FMA bound |"
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    if args.bounds:
        head += " FMA bound | issue bound | window bound | lowest | share of FMA bound |"
        rule += "---:|---:|---:|---|---:|"
    print(head)
    print(rule)
    unknown = set()
    for name, body in functions(args.binary):
        m = re.match(rf"(\w+)::__act_(\w+)_{isa}$", name)
        if not m or m.group(2) not in DIRECTIONS:
            continue
        act, direction = snake(m.group(1)), DIRECTIONS[m.group(2)]
        if act in GATED or (act, direction) not in speed:
            continue
        loop = main_loop(body, store)
        if loop is None:
            continue
        insns, stores = loop
        n = len(insns) / stores
        p, unk = chain(insns, lat, isa)
        unknown |= unk
        if p < 5.0:
            continue  # short chains: memory-bound kernels
        el = speed[(act, direction)]
        t = lanes / el
        in_flight = n * p / t
        w = level_at(level, p)
        fma = sum(1 for x in insns if fma_unit.match(x)) / stores
        if fma < 5:
            continue
        t80 = fma / fma_rate / 0.8
        row = f"| {act} | {direction} | {n:.1f} | {p:.1f} | {el:.2f} | {t:.2f} | {in_flight:.0f} | {w:.0f} | {n * p / t80:.0f} |"
        if args.bounds:
            _, _, _, fma_bound, issue = bounds(insns, stores, isa, *roof)
            win = lanes * w_measured / (n * p)
            named = {"FMA": fma_bound, "issue": issue, "window": win}
            lowest = min(named, key=named.get)
            row += f" {fma_bound:.2f} | {issue:.2f} | {win:.2f} | {lowest} | {el / fma_bound:.0%} |"
        print(row)
    if unknown:
        print(f"\n(classes unknown, taken as logic: {', '.join(sorted(unknown))})")


if __name__ == "__main__":
    main()
