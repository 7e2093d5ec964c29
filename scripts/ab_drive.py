"""Interleaved A/B timing of two builds of `drive` (benches/src/bin/drive.rs), e.g. the
branch's and a baseline's: each round runs A then B for every kernel named, and the median
of the per-round ratios B/A is printed with both medians of elements per ns. Run it pinned to
one core, with a baseline built from an export of the other commit into a directory of its
own (`git archive main | tar -x -C DIR`, then `cargo build --release -p act-benches --bin
drive` there):

    taskset -c 1 python3 scripts/ab_drive.py BASE/target/release/drive \\
        target/release/drive swish swish_d swish_b --rounds 15 --reps 200

Both binaries must know the kernel names (copy the newer `drive.rs` into the baseline).
With `--cpu` the rates come from the CPU time each run was given (less a run's set-up), not
the wall clock: on a machine shared with builds this holds an unchanged loop's ratio within a
few percent where wall-clock ratios of the same runs spread from 0.3 to 3.
"""

import argparse
import re
import resource
import statistics
import subprocess

N = 1 << 20


def cpu_seconds(binary, what, reps):
    """User + system CPU time of one `drive` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, what, str(reps)], capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def rate(binary, what, reps, cpu=False):
    """Elements per ns of one `drive` run: by the wall clock (`drive` prints `WHAT: R el/ns`
    on stderr), or with `cpu` by the CPU time the run was given, less that of a run with no
    repetition (set-up), which a busy machine's time-sharing does not inflate."""
    if cpu:
        t = cpu_seconds(binary, what, reps) - cpu_seconds(binary, what, 0)
        return N * reps / (t * 1e9)
    out = subprocess.run([binary, what, str(reps)], capture_output=True, text=True, check=True)
    return float(re.search(r"([0-9.]+) el/ns", out.stderr).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a", help="the baseline drive binary")
    p.add_argument("b", help="the drive binary to compare")
    p.add_argument("what", nargs="+", help="drive's kernel names")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--reps", type=int, default=200, help="calls over 1M f32 per run")
    p.add_argument("--cpu", action="store_true", help="time by CPU time, not the wall clock")
    args = p.parse_args()
    runs = {w: ([], []) for w in args.what}
    for _ in range(args.rounds):
        for w in args.what:
            runs[w][0].append(rate(args.a, w, args.reps, args.cpu))
            runs[w][1].append(rate(args.b, w, args.reps, args.cpu))
    print("kernel | A el/ns | B el/ns | B/A (median of rounds) | min-max of B/A")
    for w, (a, b) in runs.items():
        ratios = [y / x for x, y in zip(a, b)]
        print(
            f"{w} | {statistics.median(a):.3f} | {statistics.median(b):.3f} | "
            f"{statistics.median(ratios):.3f} | {min(ratios):.3f}-{max(ratios):.3f}"
        )


if __name__ == "__main__":
    main()
