"""Instructions per vector in the main loop of act's dispatched slice functions.

    cargo build -p act-benches --release --bin drive
    python3 scripts/loop_sizes.py target/release/drive Sigmoid::__act_forward_slice_avx512 ...

With no names it lists every `__act_*_avx512` function of the binary (the built-ins' and
any the binary declares with the macro). For each function it
finds the smallest loop (a backward jump) that stores a vector register, counts its
instructions, and divides by the stores: instructions per 16-lane (AVX-512, f32) vector. A
static count, not a profile: it says nothing of which loop runs how often, and a loop that
LLVM unrolled shows its instructions per stored vector all the same. Needs `objdump`.

It also counts, per vector, the instructions that need the FMA units (`vfmadd`, `vfmsub`,
`vfnmadd`, `vfnmsub`, `vmul` on zmm registers) and the divisions (`vdiv`). One core issues at
most the FMA rate that `roofline` (benches/src/bin) measures, so `16 * rate / fma_ops` elements
per ns is an upper bound on the loop's speed.
"""

import re
import subprocess
import sys

# A store of a zmm register to memory other than the stack (spills do not count).
STORE = re.compile(r"(vmovups|vmovaps|vmovdqu64|vmovdqu32)\s+%zmm\d+,\s*-?(0x[0-9a-f]+)?\(%r(?!sp)")
# Instructions that issue to the FMA units, and divisions, on zmm registers.
FMA_UNIT = re.compile(r"v(fn?m(add|sub)\d+|mul)[ps][sd]\s.*%zmm")
DIVISION = re.compile(r"vdiv[ps][sd]\s.*%zmm")


def functions(binary):
    out = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-C", binary], capture_output=True, text=True, check=True
    ).stdout
    for m in re.finditer(r"^[0-9a-f]+ <(?:[\w:]+::)?(\w+::__act_\w+)>:\n(.*?)\n\n", out, re.S | re.M):
        body = []
        for line in m.group(2).split("\n"):
            parts = line.split("\t")
            if len(parts) >= 2:
                body.append((int(parts[0].strip().rstrip(":"), 16), parts[-1].strip()))
        yield m.group(1), body


def main_loop(body):
    """(instructions, stores) of the smallest loop that stores a zmm register."""
    best = None
    for i, (addr, insn) in enumerate(body):
        jump = re.match(r"j\w+\s+([0-9a-f]+)", insn)
        if not jump or int(jump.group(1), 16) > addr:
            continue
        target = int(jump.group(1), 16)
        loop = [x for x in body[: i + 1] if x[0] >= target]
        stores = sum(1 for _, t in loop if STORE.match(t))
        if stores and (best is None or len(loop) < len(best[0])):
            best = ([t for _, t in loop], stores)
    return best


def main():
    binary, names = sys.argv[1], sys.argv[2:]
    for name, body in functions(binary):
        if names and name not in names:
            continue
        if not names and not name.endswith("_avx512"):
            continue
        loop = main_loop(body)
        if loop is None:
            print(f"{name}: no loop that stores a zmm register")
        else:
            insns, stores = loop
            n = len(insns)
            fma = sum(1 for t in insns if FMA_UNIT.match(t)) / stores
            div = sum(1 for t in insns if DIVISION.match(t)) / stores
            print(
                f"{name}: {n / stores:.1f} instructions per vector ({n} in the loop, {stores} stores);"
                f" FMA unit {fma:.1f}, divisions {div:.1f}"
            )


if __name__ == "__main__":
    main()
