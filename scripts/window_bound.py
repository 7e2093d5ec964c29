"""Each elementwise kernel's dependent chain, and what it says about the kernel's speed.

    cargo build -p act-benches --release --bin medians --bin latency --bin roofline
    taskset -c 1 target/release/latency > latency.txt
    taskset -c 1 target/release/roofline > roofline.txt
    taskset -c 1 target/release/medians --n 1000000 > medians.txt
    python3 scripts/window_bound.py target/release/medians latency.txt roofline.txt medians.txt [more medians files]

For every `__act_{forward,backward,derivative}_slice_avx512` function whose main loop
`loop_sizes.py` finds, it follows the data through one pass of the loop: each instruction
starts when the registers it reads are ready and takes the latency `latency` measured for
its class (FMA, multiply, add, ...; a plain register move takes none, a load or store is not
counted). The longest path from the loop's loads to its store is the chain `p`, in ns. With
`n` instructions per 16-lane vector and the measured `t` ns per vector, Little's law gives
the instructions the core keeps in flight: `n p / t`.

`latency` measures the same for a loop that is nothing but one chain of `L` FMAs per vector,
which nothing but its chain stops once `L` passes 16 (split into two chains, the same FMAs
run up to twice as fast). The table gives, for each kernel, what that pure chain keeps in
flight at the kernel's chain length, and how many instructions the kernel would need in
flight to run at 80% of its FMA-unit bound (`roofline`'s FMA rate, as in `bound_share.py`):
`n p / t` with `t` the time per vector at 80% of that bound. Where that is more than any loop
here keeps in flight, the FMA count is not what stops the kernel: only a shorter chain, or
fewer instructions per vector, moves it.

A static model with measured latencies, not a profile: it assumes the loop's instructions
issue as soon as their inputs are ready.
"""

import re
import statistics
import sys

from loop_sizes import functions, main_loop, FMA_UNIT
from bound_share import medians, rates, snake, DIRECTIONS, GATED

CLASSES = [
    ("fma", r"vf(n?m(add|sub))\d+[ps]s"),
    ("mul", r"vmul[ps]s"),
    ("add", r"v(add|sub)[ps]s"),
    ("max", r"v(max|min)[ps]s|vpm(ax|in)[su][dq]"),
    ("logic", r"v(p?and|p?andn|p?or|p?xor)(ps|pd|d|q)?|vpternlog[dq]"),
    ("int", r"vp(add|sub)[dq]"),
    ("shift", r"vps[lr][la]v?[dq]"),
    ("blend", r"v(p?blendm|blend)(ps|d)|vmovap[sd]|vmovdq[au](32|64)"),
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


def latencies(path):
    text = open(path).read()
    m = re.search(r"latency ns: (.*)", text)
    if not m:
        sys.exit(f"{path}: no line `one core, 512-bit latency ns: fma F, ...`")
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
        sys.exit(f"{path}: no table of chains (rows `L ns chain in-flight split`)")
    return lat, sorted(level)


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


def operands(text):
    """One vector instruction's `(op, dest, sources, masked, plain)`, or None for scalar loop
    control, an instruction without registers and a store. AT&T order: the destination is the
    last register named outside the `{%k}` mask; `sources` include the destination where the
    instruction reads it (FMA, merge-masking) and the mask register; `masked` is the mask's
    match, `plain` the operands without `{...}`."""
    op = text.split()[0]
    if not op.startswith(("v", "k")):
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


def chain(insns, lat):
    """Longest register-dependency path through one pass of the loop, in ns, and the
    instructions whose class is unknown (taken as a logic op)."""
    ready = {}
    unknown = set()
    longest = 0.0
    for text in insns:
        parsed = operands(text)
        if parsed is None:
            continue
        op, dest, sources, masked, plain = parsed
        cls = classify(op)
        if op in ("vmovaps", "vmovups", "vmovapd") and not masked and "(" not in plain:
            cost = 0.0  # register rename
        elif op in ("vmovups", "vmovaps", "vmovdqu64", "vmovdqu32") and "(" in plain:
            cost = 0.0  # a load: not counted
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
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, lat_path, roofline, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    lat, level = latencies(lat_path)
    fma_rate = rates(roofline)[0]
    speed = medians(paths)
    print(f"latencies (ns): {', '.join(f'{k} {v}' for k, v in lat.items())}; act el/ns: median of {len(paths)} medians runs")
    print()
    print("| kernel | direction | instructions / 16 el | chain ns | act el/ns | ns / vector | in flight | a pure FMA chain as long: in flight | in flight for 80% of the FMA bound |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    unknown = set()
    for name, body in functions(binary):
        m = re.match(r"(\w+)::__act_(\w+)_avx512$", name)
        if not m or m.group(2) not in DIRECTIONS:
            continue
        act, direction = snake(m.group(1)), DIRECTIONS[m.group(2)]
        if act in GATED or (act, direction) not in speed:
            continue
        loop = main_loop(body)
        if loop is None:
            continue
        insns, stores = loop
        n = len(insns) / stores
        p, unk = chain(insns, lat)
        unknown |= unk
        if p < 5.0:
            continue  # short chains: memory-bound kernels
        el = speed[(act, direction)]
        t = 16.0 / el
        in_flight = n * p / t
        w = level_at(level, p)
        fma = sum(1 for x in insns if FMA_UNIT.match(x)) / stores
        if fma < 5:
            continue
        t80 = fma / fma_rate / 0.8
        print(
            f"| {act} | {direction} | {n:.1f} | {p:.1f} | {el:.2f} | {t:.2f} | {in_flight:.0f} | {w:.0f} | {n * p / t80:.0f} |"
        )
    if unknown:
        print(f"\n(classes unknown, taken as logic: {', '.join(sorted(unknown))})")


if __name__ == "__main__":
    main()
