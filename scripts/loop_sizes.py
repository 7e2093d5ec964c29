"""Instructions per vector in the main loop of act's dispatched slice functions.

    cargo build -p act-benches --release --bin drive
    python3 scripts/loop_sizes.py target/release/drive Sigmoid::__act_forward_slice_avx512 ...
    python3 scripts/loop_sizes.py --isa avx2 target/release/drive Sigmoid::__act_forward_slice_avx2 ...

`--isa` picks the functions and registers: `avx512` (the default, as before the option
existed) looks at `__act_*_avx512` functions, zmm registers and 16-lane (f32) vectors; `avx2`
at `__act_*_avx2` functions, ymm registers and 8-lane vectors (the ones an AVX2 machine
runs). The binary holds both sets whatever the CPU, so either can be read anywhere.

With no names it lists every `__act_*_<isa>` function of the binary (the built-ins' and any
the binary declares with the macro). For each function it finds the smallest loop (a
backward jump) that stores a vector register of that width, counts its instructions, and
divides by the stores: instructions per vector (16 lanes with avx512, 8 with avx2). A static
count, not a profile: it says nothing of which loop runs how often, and a loop that LLVM
unrolled shows its instructions per stored vector all the same. Needs `objdump`.

It also counts, per vector, the instructions that need the FMA units (`vfmadd`, `vfmsub`,
`vfnmadd`, `vfnmsub`, `vmul` on registers of that width) and the divisions (`vdiv`). One core
issues at most the FMA rate that `roofline` (benches/src/bin) measures at that width, so
`lanes * rate / fma_ops` elements per ns is an upper bound on the loop's speed.

`STORE`, `FMA_UNIT` and `DIVISION` (and `main_loop`'s default) are the avx512 patterns, for the
scripts that import them; `patterns(isa)` gives either set.
"""

import argparse
import re
import subprocess

# Per ISA: the vector register and the f32 lanes in it.
ISAS = {"avx512": ("zmm", 16), "avx2": ("ymm", 8)}


def patterns(isa):
    """(store, FMA unit, division) patterns for the registers of `isa`."""
    reg, _ = ISAS[isa]
    # A store of a vector register to memory other than the stack (spills do not count).
    moves = "vmovups|vmovaps|vmovdqu64|vmovdqu32" if isa == "avx512" else "vmovups|vmovaps|vmovdqu|vmovdqa"
    store = re.compile(rf"({moves})\s+%{reg}\d+,\s*-?(0x[0-9a-f]+)?\(%r(?!sp)")
    # Instructions that issue to the FMA units, and divisions.
    fma_unit = re.compile(rf"v(fn?m(add|sub)\d+|mul)[ps][sd]\s.*%{reg}")
    division = re.compile(rf"vdiv[ps][sd]\s.*%{reg}")
    return store, fma_unit, division


STORE, FMA_UNIT, DIVISION = patterns("avx512")


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


def main_loop(body, store=STORE):
    """(instructions, stores) of the smallest loop that stores a vector register (`store`)."""
    best = None
    for i, (addr, insn) in enumerate(body):
        jump = re.match(r"j\w+\s+([0-9a-f]+)", insn)
        if not jump or int(jump.group(1), 16) > addr:
            continue
        target = int(jump.group(1), 16)
        loop = [x for x in body[: i + 1] if x[0] >= target]
        stores = sum(1 for _, t in loop if store.match(t))
        if stores and (best is None or len(loop) < len(best[0])):
            best = ([t for _, t in loop], stores)
    return best


def main():
    parser = argparse.ArgumentParser(description="Instructions per vector in act's main loops.")
    parser.add_argument("--isa", choices=sorted(ISAS), default="avx512", help="default: avx512")
    parser.add_argument("binary")
    parser.add_argument("names", nargs="*", help="Type::__act_..._<isa>; default: every one")
    args = parser.parse_args()
    reg, _ = ISAS[args.isa]
    store, fma_unit, division = patterns(args.isa)
    for name, body in functions(args.binary):
        if args.names and name not in args.names:
            continue
        if not args.names and not name.endswith("_" + args.isa):
            continue
        loop = main_loop(body, store)
        if loop is None:
            print(f"{name}: no loop that stores a {reg} register")
        else:
            insns, stores = loop
            n = len(insns)
            fma = sum(1 for t in insns if fma_unit.match(t)) / stores
            div = sum(1 for t in insns if division.match(t)) / stores
            print(
                f"{name}: {n / stores:.1f} instructions per vector ({n} in the loop, {stores} stores);"
                f" FMA unit {fma:.1f}, divisions {div:.1f}"
            )

if __name__ == "__main__":
    main()
