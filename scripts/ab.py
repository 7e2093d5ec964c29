"""Interleaved A/B timing of two builds of one benches binary (a baseline's and a branch's):
each round runs A then B on every figure, and it prints per figure the median elements per
ns of each and the median (min-max) of the per-round ratios B/A, then the load average.
Steadier on a shared machine than two runs taken minutes apart. Build the baseline from an
export of the other commit into a directory of its own (`git archive COMMIT | tar -x -C DIR`,
then `cargo build --release -p act-benches --bin drive --bin medians` there). Each run is
pinned to core 1 (`taskset -c 1`; `--core none` leaves it where it is).

Two binaries it drives:

    python3 scripts/ab.py drive BASE/target/release/drive target/release/drive \\
        swish swish_d swish_b --rounds 15 --reps 200 [--cpu]
    python3 scripts/ab.py medians OLD/target/release/medians target/release/medians \\
        --rounds 7 --only tanh,sigmoid

`drive` (benches/src/bin/drive.rs): one run per kernel named, `--reps` calls over 1M f32
(both binaries must know the names: copy the newer `drive.rs` into the baseline). With
`--cpu` the rates come from the CPU time each run was given (less a run's set-up), not the
wall clock: on a machine shared with builds this holds an unchanged loop's ratio within a
few percent where wall-clock ratios of the same runs spread from 0.3 to 3.

`medians` (benches/src/bin/medians.rs): one run per round gives every figure of `--only`
(default `tanh,sigmoid`), act's median of 25 single calls per activation and direction.

This script replaces `ab_drive.py` and `ab_medians.py`: `ab_drive.py ARGS` is
`ab.py drive ARGS`, and `ab_medians.py OLD NEW [ROUNDS] [ONLY]` is
`ab.py medians OLD NEW [ROUNDS] [ONLY]` (ROUNDS and ONLY may also be given positionally).
"""

import argparse
import re
import resource
import statistics
import subprocess

N = 1 << 20


def pinned(core, argv):
    return argv if core == "none" else ["taskset", "-c", core, *argv]


def cpu_seconds(argv):
    """User + system CPU time of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def drive_rate(binary, what, args):
    """Elements per ns of one `drive` run: by the wall clock (`drive` prints `WHAT: R el/ns`
    on stderr), or with `--cpu` by the CPU time the run was given, less that of a run with no
    repetition (set-up), which a busy machine's time-sharing does not inflate."""
    run = lambda reps: pinned(args.core, [binary, what, str(reps)])
    if args.cpu:
        t = cpu_seconds(run(args.reps)) - cpu_seconds(run(0))
        return N * args.reps / (t * 1e9)
    out = subprocess.run(run(args.reps), capture_output=True, text=True, check=True)
    return float(re.search(r"([0-9.]+) el/ns", out.stderr).group(1))


def medians_rates(binary, args):
    """Every `act ACTIVATION DIRECTION EL/NS ...` line of one `medians` run."""
    out = subprocess.run(
        pinned(args.core, [binary, "--only", args.only, "--reps", "25"]),
        capture_output=True, text=True, check=True,
    ).stdout
    rates = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "act":
            rates[f"{parts[1]} {parts[2]}"] = float(parts[3])
    return rates


def interleave(jobs, a, b, rounds):
    """`rounds` rounds of every job on A then on B; a job maps a binary to {figure: el/ns}."""
    runs = {}
    for _ in range(rounds):
        for job in jobs:
            ra, rb = job(a), job(b)
            for k in ra:
                runs.setdefault(k, ([], []))
                runs[k][0].append(ra[k])
                runs[k][1].append(rb[k])
    return runs


def report(runs):
    print("figure | A el/ns | B el/ns | B/A (median of rounds) | min-max of B/A")
    for k, (a, b) in runs.items():
        ratios = [y / x for x, y in zip(a, b)]
        print(
            f"{k} | {statistics.median(a):.3f} | {statistics.median(b):.3f} | "
            f"{statistics.median(ratios):.3f} | {min(ratios):.3f}-{max(ratios):.3f}"
        )
    with open("/proc/loadavg") as f:
        print("load:", f.read().strip())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="binary", required=True)
    d = sub.add_parser("drive", help="kernels of benches/src/bin/drive.rs, one run each")
    d.add_argument("a", help="the baseline drive binary")
    d.add_argument("b", help="the drive binary to compare")
    d.add_argument("what", nargs="+", help="drive's kernel names")
    d.add_argument("--rounds", type=int, default=15)
    d.add_argument("--reps", type=int, default=200, help="calls over 1M f32 per run")
    d.add_argument("--cpu", action="store_true", help="time by CPU time, not the wall clock")
    m = sub.add_parser("medians", help="figures of benches/src/bin/medians.rs, one run a round")
    m.add_argument("a", help="the baseline medians binary")
    m.add_argument("b", help="the medians binary to compare")
    m.add_argument("legacy", nargs="*", metavar="[ROUNDS] [ONLY]",
                   help="ab_medians.py's positional ROUNDS and ONLY")
    m.add_argument("--rounds", type=int, default=5)
    m.add_argument("--only", default="tanh,sigmoid", help="medians' --only, comma-separated")
    for s in (d, m):
        s.add_argument("--core", default="1", help="taskset's core for each run, or none")
    args = p.parse_args()
    if args.binary == "drive":
        jobs = [lambda binary, w=w: {w: drive_rate(binary, w, args)} for w in args.what]
    else:
        if len(args.legacy) > 2:
            p.error("medians takes at most ROUNDS and ONLY after the binaries")
        if args.legacy:
            args.rounds = int(args.legacy[0])
        if len(args.legacy) > 1:
            args.only = args.legacy[1]
        jobs = [lambda binary: medians_rates(binary, args)]
    report(interleave(jobs, args.a, args.b, args.rounds))


if __name__ == "__main__":
    main()
